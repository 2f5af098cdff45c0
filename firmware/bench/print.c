/*
 * print.c: strings and numbers on the console, for the benchmark's kernels,
 * on top of console_putc (which each program that links the kernels
 * provides: bench/console.c on UART0, guests/cpubench.c on SBI, and one per
 * hart in lab/bench-smp.c).
 */
#include "bench.h"

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

/* Eight hex digits, no prefix. */
void console_put_hex(uint32_t value)
{
	for (int shift = 28; shift >= 0; shift -= 4)
		console_putc("0123456789abcdef"[(value >> shift) & 0xf]);
}

void console_put_decimal(uint64_t value)
{
	char digits[20];
	int n = 0;
	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	while (n)
		console_putc(digits[--n]);
}

/*
 * Console output on UART0 (NS16550A, polled) and the end of the program
 * through the sifive test finisher (numbers and strings: print.c).
 */
#include "bench.h"

#define UART0_BASE      0x10000000
#define UART_THR        0
#define UART_LSR        5
#define UART_LSR_THRE   0x20
#define FINISHER        0x100000
#define FINISHER_PASS   0x5555
#define FINISHER_FAIL   0x3333

static volatile uint8_t *const uart = (volatile uint8_t *)UART0_BASE;

void console_putc(char c)
{
	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}

/* Exit with status `code` (0 = pass) through the test finisher. */
void bench_exit(int code)
{
	volatile uint32_t *finisher = (volatile uint32_t *)FINISHER;
	*finisher = code ? ((uint32_t)code << 16) | FINISHER_FAIL : FINISHER_PASS;
	for (;;)
		;
}

/* Called by start.S on any trap: report it and fail. */
void bench_trap(uint32_t cause, uint32_t epc, uint32_t tval) __attribute__((noreturn));
void bench_trap(uint32_t cause, uint32_t epc, uint32_t tval)
{
	console_puts("bench: unexpected trap, mcause ");
	console_put_hex(cause);
	console_puts(" mepc ");
	console_put_hex(epc);
	console_puts(" mtval ");
	console_put_hex(tval);
	console_putc('\n');
	bench_exit(0xff);
}

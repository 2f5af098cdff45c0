/*
 * lab.c: UART0 output, the console lock, the test finisher and the hart
 * count from the device tree, for the lab's own images (lab.h).
 */
#include "lab.h"

#define FDT_MAGIC       0xd00dfeed
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9

static volatile uint32_t console_busy;

void uart_putc(char c)
{
	while ((mmio_read8(UART0_BASE + UART_LSR) & UART_LSR_THRE) == 0)
		;
	mmio_write8(UART0_BASE + UART_THR, (uint8_t)c);
}

void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

void uart_put_decimal(uint32_t n)
{
	char digits[10];
	int i = 0;
	do {
		digits[i++] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	while (i > 0)
		uart_putc(digits[--i]);
}

void uart_put_hex(uint32_t n)
{
	for (int shift = 28; shift >= 0; shift -= 4)
		uart_putc("0123456789abcdef"[(n >> shift) & 0xf]);
}

void console_lock(void)
{
	while (__atomic_exchange_n(&console_busy, 1, __ATOMIC_ACQUIRE) != 0)
		;
}

void console_unlock(void)
{
	__asm__ volatile("fence iorw, iorw" ::: "memory");   /* our bytes before the next hart's */
	__atomic_store_n(&console_busy, 0, __ATOMIC_RELEASE);
}

void finish(uint32_t code)
{
	mmio_write32(FINISHER_BASE, code ? (code << 16) | FINISHER_FAIL : FINISHER_PASS);
	for (;;)
		;
}

/* The device tree is big-endian and only 4-byte aligned within. */
static uint32_t fdt_word(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int is_cpu_node(const char *name)
{
	return name[0] == 'c' && name[1] == 'p' && name[2] == 'u' && name[3] == '@';
}

uint32_t fdt_cpus(const uint8_t *fdt)
{
	if (fdt_word(fdt) != FDT_MAGIC)
		return 1;
	const uint8_t *p = fdt + fdt_word(fdt + 8);          /* off_dt_struct */
	uint32_t cpus = 0;
	for (;;) {
		uint32_t token = fdt_word(p);
		p += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			uint32_t length = 0;
			while (name[length])
				length++;
			cpus += is_cpu_node(name);
			p += (length + 4) & ~3u;                     /* the name, its NUL, padding */
		} else if (token == FDT_PROP) {
			p += 8 + ((fdt_word(p) + 3) & ~3u);          /* len, nameoff, value */
		} else if (token == FDT_END) {
			return cpus ? cpus : 1;
		} else if (token != FDT_END_NODE && token != FDT_NOP) {
			return 1;
		}
	}
}

/*
 * bench-smp.c: the CPU benchmark on every hart at once, for the browser
 * benchmark (npm run bench:browser), which compares one hart with two.
 *
 * bench/'s kernels are linked once per hart (lab.mk): each copy's symbols
 * carry a prefix (hart0_, hart1_, ...), so every hart runs the same code on
 * its own data, with no sharing between harts. Each copy prints through its
 * own console functions, defined here, into a buffer of its hart; when every
 * hart is done, hart 0 prints the buffers in hart order and ends the machine
 * through the test finisher (status 0 if every kernel checked out).
 * Harts beyond BENCH_COPIES have no copy and sleep.
 */
#include "lab.h"

#define BENCH_COPIES    2             /* harts with a copy of the kernels (lab.mk) */
#define OUTPUT_MAX      1024          /* bytes of output kept per hart */

static char output[BENCH_COPIES][OUTPUT_MAX];
static uint32_t output_length[BENCH_COPIES];
static volatile uint32_t result[BENCH_COPIES];
static volatile uint32_t done[BENCH_COPIES];

static void buffer_putc(int hart, char c)
{
	if (output_length[hart] < OUTPUT_MAX)
		output[hart][output_length[hart]++] = c;
}

/* The console and the entry of hart n's copy of the kernels (bench.h; its print.c prints through this). */
#define HART_COPY(n)                                                                   \
	int hart##n##_main(void);                                                      \
	void hart##n##_console_putc(char c) { buffer_putc(n, c); }

HART_COPY(0)
HART_COPY(1)

static int (*const copies[BENCH_COPIES])(void) = { hart0_main, hart1_main };

/* Any trap is a failure. */
void trap_handler(uint32_t cause, uint32_t epc)
{
	console_lock();
	uart_puts("bench-smp: unexpected trap, mcause ");
	uart_put_hex(cause);
	uart_puts(" mepc ");
	uart_put_hex(epc);
	uart_putc('\n');
	finish(0xff);
}

void lab_main(uint32_t hartid, const uint8_t *dtb)
{
	uint32_t harts = fdt_cpus(dtb);
	uint32_t running = harts < BENCH_COPIES ? harts : BENCH_COPIES;
	if (hartid >= running)
		return;                         /* start.S parks us in WFI */
	result[hartid] = (uint32_t)copies[hartid]();
	__atomic_store_n(&done[hartid], 1, __ATOMIC_RELEASE);
	if (hartid != 0)
		return;
	uint32_t failed = 0;
	for (uint32_t hart = 0; hart < running; hart++) {
		while (!__atomic_load_n(&done[hart], __ATOMIC_ACQUIRE))
			;
		uart_puts("== hart ");
		uart_put_decimal(hart);
		uart_puts(" ==\n");
		for (uint32_t i = 0; i < output_length[hart]; i++)
			uart_putc(output[hart][i]);
		failed |= result[hart];
	}
	finish(failed ? 1 : 0);
}

/*
 * console.c: the console demo, a small interactive program for the lab's
 * first screen (and its end-to-end tests) until the HyperLab kernel boots
 * there. Everything runs in M-mode, interrupt-driven:
 *
 *  - hart 0 owns UART0: the receiver interrupt (through the PLIC) fills a
 *    buffer, a 100 Hz machine timer counts ticks, and the shell sleeps in
 *    WFI between keystrokes, so an idle machine costs the host nothing;
 *  - every other hart says it is online, then sleeps in WFI until another
 *    hart sends it an inter-processor interrupt (CLINT msip).
 *
 * Shell commands: help, harts, ipi N, ticks, spin N, poweroff, reboot;
 * any other line comes back as "echo: LINE".
 */
#include "lab.h"

#define TIMER_HZ        100           /* shell timer ticks per second */
#define LINE_MAX        80            /* longest shell line */
#define RX_BUFFER       64            /* received bytes held for the shell, a power of two */
#define IPI_ANSWER_MS   250           /* how long `ipi N` waits for hart N to say it woke */
/* Kept out of line so that the lab's hardware panel can name where a hart is. */
#define NAMED           __attribute__((noinline))

static volatile uint32_t harts_total;           /* cpu@ nodes in the device tree */
static volatile uint32_t harts_online;
static volatile uint32_t ipi_received[HART_MAX];
static volatile uint32_t ipi_handled[HART_MAX];
static volatile uint32_t timer_ticks;
static volatile uint8_t rx_buffer[RX_BUFFER];
static volatile uint32_t rx_head, rx_tail;     /* the interrupt handler writes at the tail */

/* "hart N<text>" on a line of its own, whichever harts print at once. */
static void say(uint32_t hartid, const char *text)
{
	console_lock();
	uart_puts("hart ");
	uart_put_decimal(hartid);
	uart_puts(text);
	uart_putc('\n');
	console_unlock();
}

static int starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

/* ------------------------------------------------------------ interrupts */

static uint64_t mtime(void)
{
	uint32_t hi, lo;
	do {
		hi = mmio_read32(CLINT_MTIME + 4);
		lo = mmio_read32(CLINT_MTIME);
	} while (hi != mmio_read32(CLINT_MTIME + 4));
	return (uint64_t)hi << 32 | lo;
}

static void set_timer(uint32_t hartid, uint64_t when)
{
	mmio_write32(CLINT_MTIMECMP(hartid) + 4, 0xffffffff);  /* no early match while the halves change */
	mmio_write32(CLINT_MTIMECMP(hartid), (uint32_t)when);
	mmio_write32(CLINT_MTIMECMP(hartid) + 4, (uint32_t)(when >> 32));
}

static void receive_bytes(void)
{
	while (mmio_read8(UART0_BASE + UART_LSR) & UART_LSR_DR) {
		uint8_t byte = mmio_read8(UART0_BASE + UART_RBR);
		if (rx_tail - rx_head < RX_BUFFER)
			rx_buffer[rx_tail++ % RX_BUFFER] = byte;
	}
}

static void external_interrupt(uint32_t hartid)
{
	uint32_t irq = mmio_read32(PLIC_CLAIM(PLIC_M_CONTEXT(hartid)));
	if (irq == UART0_IRQ)
		receive_bytes();
	if (irq != 0)
		mmio_write32(PLIC_CLAIM(PLIC_M_CONTEXT(hartid)), irq);
}

/* Called by start.S for every trap; anything but the three interrupts is fatal. */
void trap_handler(uint32_t cause, uint32_t epc)
{
	uint32_t hartid = csr_read(mhartid);
	if (cause == (CAUSE_INTERRUPT | IRQ_M_TIMER)) {
		timer_ticks++;
		set_timer(hartid, mtime() + TIMEBASE_HZ / TIMER_HZ);
	} else if (cause == (CAUSE_INTERRUPT | IRQ_M_EXT)) {
		external_interrupt(hartid);
	} else if (cause == (CAUSE_INTERRUPT | IRQ_M_SOFT)) {
		mmio_write32(CLINT_MSIP(hartid), 0);
		ipi_received[hartid]++;
	} else {
		console_lock();
		uart_puts("unexpected trap, mcause ");
		uart_put_hex(cause);
		uart_puts(" at mepc ");
		uart_put_hex(epc);
		uart_putc('\n');
		finish(1);
	}
}

/* Sleeps in WFI until `ready()` holds, without missing a wakeup. */
NAMED static void sleep_until(int (*ready)(uint32_t), uint32_t argument)
{
	csr_clear(mstatus, MSTATUS_MIE);
	while (!ready(argument)) {
		__asm__ volatile("wfi");
		csr_set(mstatus, MSTATUS_MIE);   /* take what woke us */
		csr_clear(mstatus, MSTATUS_MIE);
	}
	csr_set(mstatus, MSTATUS_MIE);
}

/* ----------------------------------------------------------------- shell */

static int input_waiting(uint32_t unused)
{
	(void)unused;
	return rx_head != rx_tail;
}

static char getc_sleeping(void)
{
	sleep_until(input_waiting, 0);
	return (char)rx_buffer[rx_head++ % RX_BUFFER];
}

/* Reads a line with echo and backspace; returns its length. */
NAMED static uint32_t read_line(char *line)
{
	uint32_t length = 0;
	for (;;) {
		char c = getc_sleeping();
		if (c == '\r' || c == '\n') {
			uart_puts("\n");
			line[length] = 0;
			return length;
		}
		if ((c == 0x7f || c == '\b') && length > 0) {
			length--;
			uart_puts("\b \b");
		} else if (c >= ' ' && c < 0x7f && length < LINE_MAX) {
			line[length++] = c;
			uart_putc(c);
		}
	}
}

static int str_equal(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* The number after `prefix` in `line` (decimal), or -1. */
static int32_t argument(const char *line, const char *prefix)
{
	if (!starts_with(line, prefix))
		return -1;
	while (*prefix++)
		line++;
	if (*line < '0' || *line > '9')
		return -1;
	int32_t value = 0;
	while (*line >= '0' && *line <= '9')
		value = value * 10 + (*line++ - '0');
	return *line ? -1 : value;
}

NAMED static void command_ipi(int32_t target)
{
	if (target <= 0 || (uint32_t)target >= harts_total) {
		uart_puts("ipi: harts 1..");
		uart_put_decimal(harts_total - 1);
		uart_puts(" can be woken\n");
		return;
	}
	uint32_t before = ipi_handled[target];
	mmio_write32(CLINT_MSIP(target), 1);
	uint64_t give_up = mtime() + (uint64_t)TIMEBASE_HZ / 1000 * IPI_ANSWER_MS;
	while (ipi_handled[target] == before && mtime() < give_up)
		;
	if (ipi_handled[target] == before) {
		uart_puts("ipi: no answer within ");
		uart_put_decimal(IPI_ANSWER_MS);
		uart_puts(" ms\n");
	}
}

/* Busy work: about `millions` million iterations of an integer hash. */
NAMED static void command_spin(int32_t millions)
{
	uint32_t x = 1;
	for (int32_t m = 0; m < millions; m++)
		for (uint32_t i = 0; i < 1000000; i++)
			x = (x ^ i) * 2654435761u + 1;
	uart_puts("spin: done (");
	uart_put_decimal(x & 0xffff);
	uart_puts(")\n");
}

static void command_harts(void)
{
	for (uint32_t hart = 0; hart < harts_total; hart++) {
		uart_puts("hart ");
		uart_put_decimal(hart);
		uart_puts(hart == 0 ? ": shell\n" : ": sleeping, IPIs ");
		if (hart != 0) {
			uart_put_decimal(ipi_received[hart]);
			uart_putc('\n');
		}
	}
}

NAMED static void run_command(const char *line)
{
	if (line[0] == 0)
		return;
	if (str_equal(line, "help")) {
		uart_puts("commands: help, harts, ipi N (wake hart N), ticks, spin N (N million loops), poweroff, reboot\n");
	} else if (str_equal(line, "harts")) {
		command_harts();
	} else if (argument(line, "ipi ") >= 0) {
		command_ipi(argument(line, "ipi "));
	} else if (str_equal(line, "ticks")) {
		uart_puts("ticks: ");
		uart_put_decimal(timer_ticks);
		uart_puts(" at 100 Hz\n");
	} else if (argument(line, "spin ") >= 0) {
		command_spin(argument(line, "spin "));
	} else if (str_equal(line, "poweroff")) {
		uart_puts("powering off\n");
		finish(0);
	} else if (str_equal(line, "reboot")) {
		uart_puts("rebooting\n");
		mmio_write32(FINISHER_BASE, FINISHER_RESET);
	} else {
		uart_puts("echo: ");
		uart_puts(line);
		uart_putc('\n');
	}
}

/* -------------------------------------------------------------- the harts */

static void setup_uart_interrupts(uint32_t hartid)
{
	receive_bytes();        /* a byte typed before the FIFOs go on would be flushed */
	mmio_write8(UART0_BASE + UART_FCR, UART_FCR_ENABLE);
	mmio_write8(UART0_BASE + UART_IER, UART_IER_RDI);
	mmio_write32(PLIC_PRIORITY(UART0_IRQ), 1);
	mmio_write32(PLIC_THRESHOLD(PLIC_M_CONTEXT(hartid)), 0);
	mmio_write32(PLIC_ENABLE(PLIC_M_CONTEXT(hartid)), 1u << UART0_IRQ);
}

static int all_online(uint32_t unused)
{
	(void)unused;
	return harts_online == harts_total;
}

NAMED static void shell_main(const uint8_t *dtb)
{
	char line[LINE_MAX + 1];

	setup_uart_interrupts(0);
	set_timer(0, mtime() + TIMEBASE_HZ / TIMER_HZ);
	csr_set(mie, MIE_MEIE | MIE_MTIE);
	csr_set(mstatus, MSTATUS_MIE);

	uint32_t harts = fdt_cpus(dtb);
	console_lock();
	uart_puts("\nHyperLab console demo: ");
	uart_put_decimal(harts);
	uart_puts(harts == 1 ? " hart" : " harts");
	uart_puts(", UART0 on interrupts, 100 Hz timer. Type help.\n");
	__atomic_store_n(&harts_total, harts, __ATOMIC_RELEASE);  /* the other harts may speak now */
	console_unlock();
	__atomic_fetch_add(&harts_online, 1, __ATOMIC_ACQ_REL);
	sleep_until(all_online, 0);  /* the timer wakes us to look again */
	for (;;) {
		uart_puts("> ");
		read_line(line);
		run_command(line);
	}
}

static int ipi_pending(uint32_t hartid)
{
	return ipi_received[hartid] != ipi_handled[hartid];
}

NAMED static void helper_main(uint32_t hartid)
{
	csr_set(mie, MIE_MSIE);
	csr_set(mstatus, MSTATUS_MIE);
	while (__atomic_load_n(&harts_total, __ATOMIC_ACQUIRE) == 0)
		;
	say(hartid, " online");
	__atomic_fetch_add(&harts_online, 1, __ATOMIC_ACQ_REL);
	for (;;) {
		sleep_until(ipi_pending, hartid);
		say(hartid, ": woken by an IPI");
		ipi_handled[hartid] = ipi_received[hartid];
	}
}

/* Every hart, from start.S. */
void lab_main(uint32_t hartid, const uint8_t *dtb)
{
	if (hartid == 0)
		shell_main(dtb);
	else
		helper_main(hartid);
}

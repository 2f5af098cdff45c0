/*
 * serial.c: a console on every UART, for the runner's tests of --serial
 * (src/cli/serial.test.ts). Hart 0 finds the UARTs in the device tree,
 * greets on each console UART with the address and interrupt the tree
 * gives it, then sleeps in WFI, with no timer armed, until a UART's
 * receive interrupt brings a line, which it answers on the same UART as
 * "uartN: LINE" (N: the UART's place in the tree, UART0 first). The line
 * "quit", on any UART, powers off after its answer. The other harts sleep
 * for good.
 */
#include "lab.h"
#include "fdt.h"
#include "string.h"

#define UART_MAX        8             /* UART0 and the seven console UARTs */
#define LINE_MAX        80            /* longest line kept; the rest is dropped */

struct port {
	uint32_t base;
	uint32_t irq;
	uint32_t length;                 /* of the line so far */
	char line[LINE_MAX + 1];
};

static struct fdt fdt;
static struct port ports[UART_MAX];  /* in tree order: UART0, the console, comes first */
static uint32_t port_count;

static void port_putc(const struct port *port, char c)
{
	while ((mmio_read8(port->base + UART_LSR) & UART_LSR_THRE) == 0)
		;
	mmio_write8(port->base + UART_THR, (uint8_t)c);
}

static void port_puts(const struct port *port, const char *s)
{
	while (*s)
		port_putc(port, *s++);
}

/* "uartN", N being the port's number (N < 10). */
static void port_name(const struct port *port)
{
	port_puts(port, "uart");
	port_putc(port, (char)('0' + (port - ports)));
}

static void port_put_number(const struct port *port, uint32_t n, uint32_t base)
{
	char digits[10];
	int i = 0;
	do {
		digits[i++] = "0123456789abcdef"[n % base];
		n /= base;
	} while (n != 0);
	while (i > 0)
		port_putc(port, digits[--i]);
}

static void find_ports(const uint8_t *dtb)
{
	if (fdt_parse(&fdt, dtb) < 0) {
		uart_puts("serial: no usable device tree\n");
		finish(1);
	}
	for (int node = fdt_find_compatible(&fdt, -1, "ns16550a"); node >= 0 && port_count < UART_MAX;
	     node = fdt_find_compatible(&fdt, node, "ns16550a")) {
		struct port *port = &ports[port_count];
		if (fdt_reg(&fdt, node, 0, &port->base, 0) == 0) {
			port->irq = fdt_prop_u32(&fdt, node, "interrupts", 0);
			port_count++;
		}
	}
}

/* Receive interrupts from every port, on hart 0's M-mode context. */
static void enable_receive_interrupts(void)
{
	for (uint32_t i = 0; i < port_count; i++) {
		uint32_t irq = ports[i].irq;
		mmio_write32(PLIC_PRIORITY(irq), 1);
		mmio_write32(PLIC_ENABLE(PLIC_M_CONTEXT(0)) + 4 * (irq / 32),
		             mmio_read32(PLIC_ENABLE(PLIC_M_CONTEXT(0)) + 4 * (irq / 32)) | 1u << (irq % 32));
		mmio_write8(ports[i].base + UART_FCR, UART_FCR_ENABLE);
		mmio_write8(ports[i].base + UART_IER, UART_IER_RDI);
	}
	mmio_write32(PLIC_THRESHOLD(PLIC_M_CONTEXT(0)), 0);
	csr_set(mie, MIE_MEIE);
}

static void greet(const struct port *port)
{
	port_name(port);
	port_puts(port, " at 0x");
	port_put_number(port, port->base, 16);
	port_puts(port, ", IRQ ");
	port_put_number(port, port->irq, 10);
	port_puts(port, ": type a line; quit powers off\n");
}

static void answer(struct port *port)
{
	port->line[port->length] = 0;
	port->length = 0;
	port_name(port);
	port_puts(port, ": ");
	port_puts(port, port->line);
	port_putc(port, '\n');
	if (strcmp(port->line, "quit") == 0)
		finish(0);
}

static void receive(struct port *port)
{
	while (mmio_read8(port->base + UART_LSR) & UART_LSR_DR) {
		char c = (char)mmio_read8(port->base + UART_RBR);
		if (c == '\n' || c == '\r') {
			if (port->length > 0)    /* an empty line (or the \n of \r\n) has no answer */
				answer(port);
		}
		else if (port->length < LINE_MAX)
			port->line[port->length++] = c;
	}
}

/* Called by start.S for every trap; only external interrupts are expected. */
void trap_handler(uint32_t cause, uint32_t epc)
{
	if (cause != (CAUSE_INTERRUPT | IRQ_M_EXT)) {
		uart_puts("serial: unexpected trap, mcause ");
		uart_put_hex(cause);
		uart_puts(" at mepc ");
		uart_put_hex(epc);
		uart_putc('\n');
		finish(1);
	}
	uint32_t irq = mmio_read32(PLIC_CLAIM(PLIC_M_CONTEXT(0)));
	for (uint32_t i = 0; i < port_count; i++)
		if (ports[i].irq == irq)
			receive(&ports[i]);
	if (irq != 0)
		mmio_write32(PLIC_CLAIM(PLIC_M_CONTEXT(0)), irq);
}

void lab_main(uint32_t hartid, const uint8_t *dtb)
{
	if (hartid == 0) {
		find_ports(dtb);
		for (uint32_t i = 1; i < port_count; i++)
			greet(&ports[i]);
		uart_puts("serial: ");
		uart_put_decimal(port_count - 1);
		uart_puts(" console UARTs; type on any, quit powers off\n");
		enable_receive_interrupts();
		csr_set(mstatus, MSTATUS_MIE);
	}
	for (;;)
		__asm__ volatile("wfi");
}

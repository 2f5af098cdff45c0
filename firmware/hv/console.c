/*
 * console.c: the physical UARTs, as the hypervisor serves them.
 *
 * UART0 is the hypervisor's console: its log, every line behind
 * HV_LOG_PREFIX (like Xen's "(XEN)"), and domain 0's console. Pressing
 * Ctrl-A three times switches what is typed on UART0 between domain 0,
 * the hypervisor's debug keys (keys.c) and any domain whose console has no
 * UART of its own; those domains' output then appears on UART0 behind
 * "(dN) ". Each other domain N has its console on UART N.
 *
 * Output is written at once, polling the transmitter. Input comes by
 * interrupt (the machine's PLIC, in the boot pCPU's supervisor context)
 * and goes into the target domain's vUART buffer; when that is full the
 * hypervisor stops reading the UART (its receive interrupt off) until the
 * guest has read some, so what the host holds back is never lost.
 */
#include <stdarg.h>
#include "hv.h"
#include "ns16550.h"
#include "format.h"
#include "sbi.h"

#define PLIC_PRIORITY(irq)      (4 * (irq))
#define PLIC_ENABLE(context)    (0x2000 + 0x80 * (context))
#define PLIC_THRESHOLD(context) (0x200000 + 0x1000 * (context))
#define PLIC_CLAIM(context)     (0x200004 + 0x1000 * (context))
#define CTRL_A                  0x01
#define SWITCH_PRESSES          3
#define LOG_LINE                256
#define LINE_BUFFER             128     /* bytes of a UART-less domain's line held back */

static struct {
    struct spinlock lock[NUART];    /* one writer per UART at a time */
    int throttled[NUART];           /* receive interrupt off: the domain's buffer was full */
    int at_line_start;              /* UART0's last byte ended a line */
    int owner;                      /* who wrote UART0's last byte: a domain id, or OWNER_LOG */
    int focus;                      /* who gets UART0's input: a domain id, or FOCUS_HYPERVISOR */
    int ctrl_a;                     /* Ctrl-As in a row */
    int irq_context;                /* the PLIC context that takes the UARTs' interrupts */
    char line[NDOMAIN][LINE_BUFFER];  /* output of a UART-less domain, a line at a time */
    int line_length[NDOMAIN];
} console = { .at_line_start = 1 };

#define FOCUS_HYPERVISOR (-1)
#define OWNER_LOG        (-1)

static uintptr_t uart_base(int uart)
{
    return host.uart[uart].base;
}

static void uart_write_byte(int uart, char c)
{
    uintptr_t base = uart_base(uart);
    while (!(mmio_read8(base + UART_LSR) & UART_LSR_THRE))
        ;
    mmio_write8(base + UART_THR, (uint8_t)c);
    if (uart == 0)
        console.at_line_start = c == '\n';
}

void console_putc_uart(int uart, char c)
{
    if (uart < 0 || uart >= NUART || !host.uart[uart].present)
        return;
    spin_lock(&console.lock[uart]);
    uart_write_byte(uart, c);
    if (uart == 0)
        console.owner = 0;          /* UART0's only raw writer is domain 0 */
    spin_unlock(&console.lock[uart]);
}

static void set_receive_interrupt(int uart, int on)
{
    mmio_write8(uart_base(uart) + UART_IER, on ? UART_IER_RDI : 0);
}

/*
 * Takes over the UARTs the device tree has: 8N1, receive interrupt on,
 * each routed to the boot pCPU's supervisor context of the PLIC.
 */
void console_init(void)
{
    console.irq_context = host.plic_context[0];
    console.focus = 0;
    uintptr_t plic = host.plic_base;
    for (int n = 0; n < NUART; n++) {
        if (!host.uart[n].present)
            continue;
        uintptr_t base = uart_base(n);
        mmio_write8(base + UART_IER, 0);
        mmio_write8(base + UART_LCR, UART_LCR_8N1);
        mmio_write8(base + UART_MCR, UART_MCR_OUT2);
        if (plic && console.irq_context >= 0) {
            uint32_t irq = host.uart[n].irq;
            mmio_write32(plic + PLIC_PRIORITY(irq), 1);
            uintptr_t enable = plic + PLIC_ENABLE(console.irq_context) + 4 * (irq / 32);
            mmio_write32(enable, mmio_read32(enable) | 1u << (irq % 32));
        }
        set_receive_interrupt(n, 1);
    }
    if (plic && console.irq_context >= 0)
        mmio_write32(plic + PLIC_THRESHOLD(console.irq_context), 0);
}

/* ---- the log ---- */

static void log_write(const char *text, int continuing)
{
    spin_lock(&console.lock[0]);
    if (!continuing && !console.at_line_start) {
        uart_write_byte(0, '\r');
        uart_write_byte(0, '\n');   /* a log line never starts in the middle of a guest's */
    }
    for (const char *p = text; *p; p++) {
        if (console.at_line_start && !continuing)
            for (const char *q = HV_LOG_PREFIX; *q; q++)
                uart_write_byte(0, *q);
        continuing = 0;
        if (*p == '\n')
            uart_write_byte(0, '\r');
        uart_write_byte(0, *p);
    }
    console.owner = OWNER_LOG;
    spin_unlock(&console.lock[0]);
}

static void log_format(int continuing, const char *fmt, va_list args)
{
    char line[LOG_LINE];
    vsnprintf(line, sizeof line, fmt, args);
    log_write(line, continuing);
}

/* A line (or lines) of the hypervisor's log on UART0, each behind the prefix. */
void hv_printk(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    log_format(0, fmt, args);
    va_end(args);
}

/* More of the current log line (no prefix, no line break first). */
void hv_printk_continue(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    log_format(1, fmt, args);
    va_end(args);
}

void panic(const char *fmt, ...)
{
    char line[LOG_LINE];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    hv_printk("PANIC: %s\n", line);
    hv_printk("the machine stops\n");
    sbi_system_reset(SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE);
}

/* ---- guest consoles ---- */

/* Gives a new domain its console: UART N for domain N if the machine has it, else UART0. */
void console_attach(struct domain *d)
{
    d->console_uart = d->id < NUART && host.uart[d->id].present ? d->id : -1;
    console.line_length[d->id] = 0;
}

/* Writes domain d's buffered line to UART0 behind "(dN) ". console.lock[0] held. */
static void flush_line(struct domain *d)
{
    char prefix[8];
    if (console.line_length[d->id] == 0)
        return;
    if (!console.at_line_start && console.owner != d->id) {
        uart_write_byte(0, '\r');
        uart_write_byte(0, '\n');
    }
    if (console.at_line_start || console.owner != d->id) {
        snprintf(prefix, sizeof prefix, "(d%d) ", d->id);
        for (const char *q = prefix; *q; q++)
            uart_write_byte(0, *q);
    }
    console.owner = d->id;
    for (int i = 0; i < console.line_length[d->id]; i++)
        uart_write_byte(0, console.line[d->id][i]);
    console.line_length[d->id] = 0;
}

/*
 * A byte the domain's console transmits: to its UART; or, for a domain
 * with none, to UART0 a whole line at a time behind "(dN) ", so that the
 * consoles sharing UART0 stay readable (at once while its input has the
 * focus: the user is typing at it).
 */
void console_guest_output(struct domain *d, uint8_t byte)
{
    if (d->console_uart >= 0) {
        console_putc_uart(d->console_uart, (char)byte);
        return;
    }
    spin_lock(&console.lock[0]);
    if (byte != '\r')
        console.line[d->id][console.line_length[d->id]++] = (char)byte;
    if (byte == '\n') {
        console.line[d->id][console.line_length[d->id] - 1] = '\r';
        console.line[d->id][console.line_length[d->id]++] = '\n';
    }
    if (byte == '\n' || console.line_length[d->id] >= LINE_BUFFER - 2 || console.focus == d->id)
        flush_line(d);
    spin_unlock(&console.lock[0]);
}

/* The running domain whose console is UART `uart` (for UART0: the one with the focus), or 0. */
static struct domain *input_domain(int uart)
{
    int id = -1;
    if (uart == 0)
        id = console.focus;
    else
        for (int i = 0; i < NDOMAIN && id < 0; i++)
            if (domains[i].state == DOMAIN_RUNNING && domains[i].console_uart == uart)
                id = i;
    return id >= 0 && domains[id].state == DOMAIN_RUNNING ? &domains[id] : 0;
}

/* The guest read from its buffer: read from its UART again if that was held back. */
void console_guest_input_drained(struct domain *d)
{
    int uart = d->console_uart >= 0 ? d->console_uart : 0;
    if (!console.throttled[uart] || vuart_rx_space(d) < VUART_RX_BUFFER / 2)
        return;
    console.throttled[uart] = 0;
    set_receive_interrupt(uart, 1);
}

/* Who gets UART0's input after `focus`: domain 0, the domains without a UART, the hypervisor, again. */
static int next_focus(int focus)
{
    if (focus == FOCUS_HYPERVISOR)
        return 0;
    for (int id = focus + 1; id < NDOMAIN; id++)
        if (domains[id].state == DOMAIN_RUNNING && domains[id].console_uart < 0)
            return id;
    return FOCUS_HYPERVISOR;
}

static void switch_focus(void)
{
    console.focus = next_focus(console.focus);
    if (console.focus > 0) {
        spin_lock(&console.lock[0]);
        flush_line(&domains[console.focus]);   /* the prompt it printed, without a line end yet */
        spin_unlock(&console.lock[0]);
    }
    if (console.focus == FOCUS_HYPERVISOR)
        hv_printk("*** Serial input to the hypervisor (type 'CTRL-a' three times to switch input; 'h' for help)\n");
    else
        hv_printk("*** Serial input to d%d (%s) (type 'CTRL-a' three times to switch input)\n",
                  console.focus, domains[console.focus].config.name);
}

/* A byte typed on UART0: three Ctrl-As in a row switch the focus; the rest goes to it. */
static void uart0_input(uint8_t byte)
{
    console.ctrl_a = byte == CTRL_A ? console.ctrl_a + 1 : 0;
    if (console.ctrl_a == SWITCH_PRESSES) {
        console.ctrl_a = 0;
        switch_focus();
    } else if (console.focus == FOCUS_HYPERVISOR) {
        if (byte != CTRL_A)
            keys_handle((char)byte);
    } else {
        struct domain *d = input_domain(0);
        if (d)
            vuart_receive(d, byte);
    }
}

/* Moves what UART `uart` received to its domain, as far as there is room. */
static void uart_interrupt(int uart)
{
    uintptr_t base = uart_base(uart);
    while (mmio_read8(base + UART_LSR) & UART_LSR_DR) {
        struct domain *d = input_domain(uart);
        int to_guest = uart != 0 || console.focus != FOCUS_HYPERVISOR;
        if (to_guest && d && vuart_rx_space(d) == 0) {
            console.throttled[uart] = 1;
            set_receive_interrupt(uart, 0);
            return;
        }
        uint8_t byte = mmio_read8(base + UART_RBR);
        if (uart == 0)
            uart0_input(byte);
        else if (d)
            vuart_receive(d, byte);    /* a UART with no running domain: the byte is dropped */
    }
}

/* The supervisor external interrupt: claim each UART interrupt from the PLIC and serve it. */
void console_interrupt(void)
{
    uintptr_t claim = host.plic_base + PLIC_CLAIM(host.plic_context[this_pcpu()->id]);
    if (host.plic_context[this_pcpu()->id] < 0)
        return;
    for (uint32_t irq; (irq = mmio_read32(claim)) != 0;) {
        for (int n = 0; n < NUART; n++)
            if (host.uart[n].present && host.uart[n].irq == irq)
                uart_interrupt(n);
        mmio_write32(claim, irq);
    }
}

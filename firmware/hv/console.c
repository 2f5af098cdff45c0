/*
 * console.c: the physical UARTs, as the hypervisor serves them.
 *
 * UART0 is the hypervisor's console: its log, every line behind
 * HV_LOG_PREFIX (like Xen's "(XEN)"), and domain 0's console. Pressing
 * Ctrl-A three times switches what is typed on UART0 between domain 0,
 * the hypervisor's debug keys (keys.c) and any domain whose console has no
 * UART of its own; those domains' output then appears on UART0 behind
 * "(dN) ". Each other domain has its console on a UART of its own
 * (console_attach) while one is left.
 *
 * Output is written polling the transmitter; on UART0, where several
 * share it, a line at a time (below). Input comes by
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
#define HELD_BUFFER             1024    /* bytes of one writer's output on UART0 held back */
#define HOLD_MS                 250     /* a held line looks again this often at whose line it waits for */
#define HOLD_MAX_MS             2000    /* and waits no longer than this */
#define HELD_LOG                NDOMAIN /* the held[] slot of the hypervisor's log */
#define LOG_RING                16384   /* bytes of the log kept for sysctl readconsole (a power of 2) */

static struct {
    struct spinlock lock[NUART];    /* one writer per UART at a time */
    int throttled[NUART];           /* receive interrupt off: the domain's buffer was full */
    int at_line_start;              /* UART0's last byte ended a line */
    int owner;                      /* who wrote UART0's last byte: a domain id, or OWNER_LOG */
    int focus;                      /* who gets UART0's input: a domain id, or FOCUS_HYPERVISOR */
    int ctrl_a;                     /* Ctrl-As in a row, held back until the next byte */
    int irq_context;                /* the PLIC context that takes the UARTs' interrupts */
    /* what is held back of each writer on UART0 (a domain by its id, then the log) */
    char held[NDOMAIN + 1][HELD_BUFFER];
    int held_length[NDOMAIN + 1];
    unsigned held_since[NDOMAIN + 1];   /* when its first whole line came (a count of them); 0: none */
    unsigned lines;                 /* whole lines held back so far, to write them in order */
    char ring[LOG_RING];            /* the log as written (without '\r'), for `xl dmesg` */
    volatile uint32_t ring_consumer, ring_producer;     /* free-running: the oldest kept, the next written */
    struct timer hold;              /* a line is held back: look again when this fires */
    int hold_armed;
    uint64_t hold_since;            /* when the hold timer was first armed */
} console = { .at_line_start = 1 };

#define FOCUS_HYPERVISOR (-1)
#define OWNER_LOG        (-1)

static void write_held(int force);
static void hold_expired(void *unused);
static void hold_byte(int who, char c);
static void write_buffer(int who, int all);

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

/* A byte of the console of the domain that has UART `uart` (1..7) to itself. */
static void console_putc_uart(int uart, char c)
{
    spin_lock(&console.lock[uart]);
    uart_write_byte(uart, c);
    spin_unlock(&console.lock[uart]);
}

static void set_receive_interrupt(int uart, int on)
{
    mmio_write8(uart_base(uart) + UART_IER, on ? UART_IER_RDI : 0);
}

/* Unmasks (or masks) the management port's source in the console's PLIC context. */
static void passthrough_enable(int on)
{
    static struct spinlock lock;
    uint32_t irq = console_passthrough_irq();
    if (!irq || !host.plic_base || console.irq_context < 0)
        return;
    uintptr_t enable = host.plic_base + PLIC_ENABLE(console.irq_context) + 4 * (irq / 32);
    spin_lock(&lock);
    uint32_t bits = mmio_read32(enable);
    mmio_write32(enable, on ? bits | 1u << (irq % 32) : bits & ~(1u << (irq % 32)));
    spin_unlock(&lock);
}

/*
 * Takes over the UARTs the device tree has: 8N1, receive interrupt on,
 * each routed to the boot pCPU's supervisor context of the PLIC.
 */
void console_init(void)
{
    console.irq_context = host.plic_context[0];
    timer_init(&console.hold, hold_expired, 0);
    console.focus = 0;
    uintptr_t plic = host.plic_base;
    for (int n = 0; n < NUART; n++) {
        if (!host.uart[n].present)
            continue;
        uintptr_t base = uart_base(n);
        if (n == host.mgmt_uart) {          /* domain 0's to program; its interrupt still comes here first */
            mmio_write32(plic + PLIC_PRIORITY(host.uart[n].irq), 1);
            passthrough_enable(1);
            continue;
        }
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

/*
 * The log goes out a line at a time, like the consoles that share UART0
 * (below): a log line never breaks into a line someone else is writing.
 */
static void log_write(const char *text, int continuing)
{
    spin_lock(&console.lock[0]);
    int length = console.held_length[HELD_LOG];
    if (!continuing && (length ? console.held[HELD_LOG][length - 1] != '\n'
                               : console.owner == OWNER_LOG && !console.at_line_start))
        hold_byte(OWNER_LOG, '\n');     /* a new log line starts on a line of its own */
    for (const char *p = text; *p; p++)
        hold_byte(OWNER_LOG, *p);
    write_held(0);
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
    spin_lock(&console.lock[0]);
    write_buffer(OWNER_LOG, 1);         /* at once, wherever UART0 is */
    spin_unlock(&console.lock[0]);
    sbi_system_reset(SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE);
}

/*
 * The log ring, read as Xen's sysctl readconsole reads its console ring:
 * from the oldest byte kept (or `*index`, if `incremental` and it is
 * still there) up to `max` bytes into dst; *index is then where the next
 * read goes on. `clear` forgets what was read. Returns the bytes copied.
 */
uint32_t console_ring_read(char *dst, uint32_t max, uint32_t *index, int incremental, int clear)
{
    spin_lock(&console.lock[0]);
    uint32_t producer = console.ring_producer;
    uint32_t from = console.ring_consumer;
    if (producer - from > LOG_RING)
        from = producer - LOG_RING;
    if (incremental && *index - from <= producer - from)
        from = *index;
    uint32_t n = producer - from < max ? producer - from : max;
    for (uint32_t i = 0; i < n; i++)
        dst[i] = console.ring[(from + i) % LOG_RING];
    *index = from + n;
    if (clear)
        console.ring_consumer = from + n;
    spin_unlock(&console.lock[0]);
    return n;
}

/* ---- guest consoles ---- */

/*
 * The consoles that share UART0 (domain 0's, and those of domains with no
 * UART of their own) and the log keep each other's lines whole. The
 * console UART0's input goes to writes at once: the user is typing at it.
 * The others are held a line at a time and written, oldest first, when
 * UART0 is at the start of a line; if the one typed at stays in the middle
 * of one, on a line of their own once it stops writing (it waits at a
 * prompt) or after HOLD_MAX_MS. A full buffer goes out at once: its whole
 * lines, or all of it if it has no line end. Domain 0's lines go as
 * they are, the others' behind "(dN) ", the log's behind HV_LOG_PREFIX.
 */

/*
 * Whether `who`, whose line UART0 is in the middle of, is still writing
 * it: a domain with a vCPU that runs or waits to. One that waits for an
 * interrupt (at a prompt, for a key) is done for now.
 */
static int still_writing(int who)
{
    if (who < 0 || domains[who].state != DOMAIN_RUNNING)
        return 0;
    for (int i = 0; i < domains[who].nvcpus; i++)
        if (domains[who].vcpus[i].state >= VCPU_RUNNABLE)
            return 1;
    return 0;
}

static void hold_expired(void *unused)
{
    (void)unused;
    spin_lock(&console.lock[0]);
    uint64_t now = time_now();
    if (!console.at_line_start && still_writing(console.owner) &&
        now - console.hold_since < ms_to_ticks(HOLD_MAX_MS)) {
        timer_set(&console.hold, this_pcpu()->id, now + ms_to_ticks(HOLD_MS));
    } else {
        console.hold_armed = 0;
        write_held(1);
    }
    spin_unlock(&console.lock[0]);
}

/*
 * Gives a new domain its console: domain 0 UART0; any other the lowest
 * UART no other domain has (the boot domains, built in order: domain N
 * on UART N; a domain built again after a reboot gets back the one it
 * left), else UART0, its lines behind "(dN) ".
 */
void console_attach(struct domain *d)
{
    int uart = d->id == 0 ? 0 : -1;
    for (int n = 1; uart < 0 && n < NUART; n++) {
        int taken = !host.uart[n].present || n == host.mgmt_uart;
        for (int i = 0; i < NDOMAIN && !taken; i++)
            taken = &domains[i] != d && domains[i].state != DOMAIN_FREE && domains[i].console_uart == n;
        if (!taken)
            uart = n;
    }
    d->console_uart = uart;
    console.held_length[d->id] = 0;
    console.held_since[d->id] = 0;
}

static int slot(int who)
{
    return who == OWNER_LOG ? HELD_LOG : who;
}

/* A byte of `who`'s on UART0; the log's is kept in the ring too. console.lock[0] held. */
static void emit(int who, char c)
{
    uart_write_byte(0, c);
    if (who == OWNER_LOG && c != '\r')
        console.ring[console.ring_producer++ % LOG_RING] = c;
}

/* Writes n bytes of `who`'s output to UART0, each line behind its prefix. console.lock[0] held. */
static void write_as(int who, const char *bytes, int n)
{
    char prefix[8];
    if (who == OWNER_LOG)
        snprintf(prefix, sizeof prefix, "%s", HV_LOG_PREFIX);
    else
        snprintf(prefix, sizeof prefix, who ? "(d%d) " : "", who);
    for (int i = 0; i < n; i++) {
        if (!console.at_line_start && console.owner != who) {
            uart_write_byte(0, '\r');
            uart_write_byte(0, '\n');   /* another's line was left unfinished */
        }
        if (console.at_line_start || console.owner != who)
            for (const char *q = prefix; *q; q++)
                emit(who, *q);
        console.owner = who;
        emit(who, bytes[i]);
    }
}

/* Writes what `who` holds up to its last line end (all of it if `all`). console.lock[0] held. */
static void write_buffer(int who, int all)
{
    int s = slot(who);
    char *bytes = console.held[s];
    int n = console.held_length[s];
    if (!all)
        while (n > 0 && bytes[n - 1] != '\n')
            n--;
    if (n == 0)
        return;
    write_as(who, bytes, n);
    console.held_length[s] -= n;
    for (int i = 0; i < console.held_length[s]; i++)
        bytes[i] = bytes[n + i];
    console.held_since[s] = 0;          /* what is left has no line end */
}

/* Holds a byte of `who`'s output, a line end as "\r\n". console.lock[0] held. */
static void hold_byte(int who, char c)
{
    int s = slot(who);
    if (c == '\r')
        return;
    if (c == '\n') {
        console.held[s][console.held_length[s]++] = '\r';
        if (console.held_since[s] == 0)
            console.held_since[s] = ++console.lines;
    }
    console.held[s][console.held_length[s]++] = c;
    if (console.held_length[s] >= HELD_BUFFER - 2)
        write_buffer(who, console.held_since[s] == 0);  /* full: its whole lines, or all if none */
}

/*
 * Writes the whole lines held back, oldest first, while UART0 is at a
 * line start or its last writer is theirs (or `force`: the hold is over,
 * they go on lines of their own). What must wait makes sure the hold timer
 * will write it. console.lock[0] held.
 */
static void write_held(int force)
{
    for (;;) {
        int oldest = -1;
        for (int s = 0; s <= HELD_LOG; s++)
            if (console.held_since[s] && (oldest < 0 || console.held_since[s] < console.held_since[oldest]))
                oldest = s;
        if (oldest < 0)
            return;
        int who = oldest == HELD_LOG ? OWNER_LOG : oldest;
        if (!force && !console.at_line_start && console.owner != who)
            break;
        write_buffer(who, 0);
    }
    if (!console.hold_armed) {
        console.hold_armed = 1;
        console.hold_since = time_now();
        timer_set(&console.hold, this_pcpu()->id, console.hold_since + ms_to_ticks(HOLD_MS));
    }
}

/*
 * A byte the console of domain d transmits: to its own UART; or, on
 * UART0, at once if UART0's input is d's, else held a line at a time.
 */
void console_guest_output(struct domain *d, uint8_t byte)
{
    if (d->console_uart > 0) {
        console_putc_uart(d->console_uart, (char)byte);
        return;
    }
    if (!host.uart[0].present)
        return;                     /* a machine without UART0: nowhere to show it */
    spin_lock(&console.lock[0]);
    int id = d->id;
    if (console.focus == id && console.held_length[id] == 0) {
        if (id == 0)
            write_as(0, (const char *)&byte, 1);    /* domain 0's own line ends, as it sends them */
        else if (byte != '\r')
            write_as(id, byte == '\n' ? "\r\n" : (const char *)&byte, byte == '\n' ? 2 : 1);
    } else {
        hold_byte(id, (char)byte);
    }
    if (byte == '\n')
        write_held(0);
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

/*
 * Gives UART0's input to the next in line and says so. What was held back
 * goes out first: the one typed at before is no longer; the new one's
 * unfinished line (its prompt) last, where its echo will continue.
 */
static void switch_focus(void)
{
    console.focus = next_focus(console.focus);
    if (console.focus == FOCUS_HYPERVISOR)
        hv_printk("*** Serial input to the hypervisor (type 'CTRL-a' three times to switch input; 'h' for help)\n");
    else
        hv_printk("*** Serial input to d%d (%s) (type 'CTRL-a' three times to switch input)\n",
                  console.focus, domains[console.focus].config.name);
    spin_lock(&console.lock[0]);
    write_held(1);
    if (console.focus >= 0)
        write_buffer(console.focus, 1);
    spin_unlock(&console.lock[0]);
}

/* A byte typed on UART0 for whoever has its input: the hypervisor's debug keys, or a domain. */
static void uart0_deliver(uint8_t byte)
{
    if (console.focus == FOCUS_HYPERVISOR) {
        if (byte != CTRL_A)
            keys_handle((char)byte);
        return;
    }
    struct domain *d = input_domain(0);
    if (d)
        vuart_receive(d, byte);
    if (d && d->id == 0)
        evtchn_send_global_virq(VIRQ_CONSOLE);  /* as Xen: domain 0's console_io read has input */
}

/*
 * A byte typed on UART0: three Ctrl-As in a row switch the focus. As in
 * Xen, a Ctrl-A is held back until the next byte shows it was not part
 * of a switch, so that a switch sends the one typed at nothing.
 */
static void uart0_input(uint8_t byte)
{
    if (byte == CTRL_A) {
        if (++console.ctrl_a == SWITCH_PRESSES) {
            console.ctrl_a = 0;
            switch_focus();
        }
        return;
    }
    for (; console.ctrl_a > 0; console.ctrl_a--)
        uart0_deliver(CTRL_A);
    uart0_deliver(byte);
}

/* Moves what UART `uart` received to its domain, as far as there is room. */
static void uart_interrupt(int uart)
{
    uintptr_t base = uart_base(uart);
    while (mmio_read8(base + UART_LSR) & UART_LSR_DR) {
        struct domain *d = input_domain(uart);
        int to_guest = uart != 0 || console.focus != FOCUS_HYPERVISOR;
        uint32_t needed = uart == 0 ? (uint32_t)console.ctrl_a + 1 : 1;  /* with the Ctrl-As held back */
        if (to_guest && d && vuart_rx_space(d) < needed) {
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

/*
 * The supervisor external interrupt: claim each UART interrupt from the
 * PLIC and serve it. The management port's goes to domain 0: its source
 * is masked here and raised in domain 0's vPLIC, and unmasked when
 * domain 0 completes it there (console_passthrough_done), so that a line
 * still high raises it again, once, rather than for ever.
 */
void console_interrupt(void)
{
    uintptr_t claim = host.plic_base + PLIC_CLAIM(host.plic_context[this_pcpu()->id]);
    if (host.plic_context[this_pcpu()->id] < 0)
        return;
    for (uint32_t irq; (irq = mmio_read32(claim)) != 0;) {
        if (irq == console_passthrough_irq() && domains[0].state == DOMAIN_RUNNING) {
            passthrough_enable(0);
            mmio_write32(claim, irq);
            vplic_set_level(&domains[0], irq, 1);
            continue;
        }
        for (int n = 0; n < NUART; n++)
            if (host.uart[n].present && host.uart[n].irq == irq && n != host.mgmt_uart)
                uart_interrupt(n);
        mmio_write32(claim, irq);
    }
}

/* The physical interrupt of the UART passed through to domain 0 (its source in domain 0's vPLIC too), or 0. */
uint32_t console_passthrough_irq(void)
{
    return host.mgmt_uart >= 0 ? host.uart[host.mgmt_uart].irq : 0;
}

/* Domain 0 completed the management port's interrupt in its vPLIC: the physical source may fire again. */
void console_passthrough_done(void)
{
    passthrough_enable(1);
}

/*
 * vuart.c: the emulated NS16550A every HVM domain finds at 0x1000_0000,
 * one exit per register access. What the guest transmits goes at once to
 * its console (console.c); what is typed for it waits in a buffer of
 * VUART_RX_BUFFER bytes, shown to the guest like a 16550's FIFO. Its
 * interrupt line is source 10 of the domain's vPLIC, computed from IER
 * and the state, with the priorities of the 16550's IIR (as QEMU's model).
 */
#include "hv.h"

#define REG_RBR_THR_DLL 0
#define REG_IER_DLM     1
#define REG_IIR_FCR     2
#define REG_LCR         3
#define REG_MCR         4
#define REG_LSR         5
#define REG_MSR         6
#define REG_SCR         7

#define IER_RDI   0x01              /* received data available */
#define IER_THRI  0x02              /* transmitter holding register empty */
#define IER_MASK  0x0f
#define IIR_NONE  0x01
#define IIR_THRI  0x02
#define IIR_RDI   0x04
#define IIR_FIFO  0xc0              /* FIFOs enabled */
#define FCR_ENABLE    0x01
#define FCR_CLEAR_RX  0x02
#define LCR_DLAB  0x80
#define LSR_DR    0x01
#define LSR_THRE  0x20
#define LSR_TEMT  0x40
#define MSR_IDLE  0xb0              /* DCD, DSR, CTS: a line with someone there */

void vuart_init(struct domain *d)
{
    struct vuart *u = &d->vuart;
    u->ier = u->lcr = u->mcr = u->scr = u->dlm = u->fcr = 0;
    u->dll = 12;
    u->thr_interrupt = 0;
    u->irq_level = 0;
    u->rx_read = u->rx_written = 0;
}

static uint32_t rx_count(const struct vuart *u)
{
    return u->rx_written - u->rx_read;
}

/* IIR as the 16550 computes it: the highest-priority cause that is enabled. */
static uint8_t iir(const struct vuart *u)
{
    uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;
    if ((u->ier & IER_RDI) && rx_count(u))
        return fifo | IIR_RDI;
    if ((u->ier & IER_THRI) && u->thr_interrupt)
        return fifo | IIR_THRI;
    return fifo | IIR_NONE;
}

/* Drives the vPLIC line from the state. Called with u->lock held (vuart, then vplic, is the order). */
static void update_irq(struct domain *d)
{
    int level = (iir(&d->vuart) & 0x0f) != IIR_NONE;
    if (level == d->vuart.irq_level)
        return;
    d->vuart.irq_level = (uint8_t)level;
    vplic_set_level(d, GUEST_UART_IRQ, level);
}

static uint8_t read_locked(struct domain *d, uint32_t offset, int *drained)
{
    struct vuart *u = &d->vuart;
    int dlab = (u->lcr & LCR_DLAB) != 0;
    switch (offset) {
    case REG_RBR_THR_DLL:
        if (dlab)
            return u->dll;
        if (rx_count(u) == 0)
            return 0;
        *drained = 1;
        return u->rx[u->rx_read++ % VUART_RX_BUFFER];
    case REG_IER_DLM:
        return dlab ? u->dlm : u->ier;
    case REG_IIR_FCR: {
        uint8_t value = iir(u);
        if ((value & 0x0f) == IIR_THRI)
            u->thr_interrupt = 0;   /* reading IIR acknowledges THRE */
        return value;
    }
    case REG_LCR: return u->lcr;
    case REG_MCR: return u->mcr;
    case REG_LSR: return (rx_count(u) ? LSR_DR : 0) | LSR_THRE | LSR_TEMT;
    case REG_MSR: return MSR_IDLE;
    case REG_SCR: return u->scr;
    default: return 0;
    }
}

uint32_t vuart_read(struct domain *d, uint32_t offset)
{
    int drained = 0;
    spin_lock(&d->vuart.lock);
    uint8_t value = read_locked(d, offset, &drained);
    update_irq(d);
    spin_unlock(&d->vuart.lock);
    if (drained)
        console_guest_input_drained(d);
    return value;
}

static void write_locked(struct domain *d, uint32_t offset, uint8_t value)
{
    struct vuart *u = &d->vuart;
    int dlab = (u->lcr & LCR_DLAB) != 0;
    switch (offset) {
    case REG_RBR_THR_DLL:
        if (dlab) {
            u->dll = value;
        } else {
            console_guest_output(d, value);
            u->thr_interrupt = 1;   /* sent at once: the holding register is empty again */
        }
        break;
    case REG_IER_DLM:
        if (dlab) {
            u->dlm = value;
        } else {
            if ((value & IER_THRI) && !(u->ier & IER_THRI))
                u->thr_interrupt = 1;
            u->ier = value & IER_MASK;
        }
        break;
    case REG_IIR_FCR:
        u->fcr = value & FCR_ENABLE;
        if (value & FCR_CLEAR_RX)
            u->rx_read = u->rx_written;
        break;
    case REG_LCR: u->lcr = value; break;
    case REG_MCR: u->mcr = value & 0x1f; break;
    case REG_SCR: u->scr = value; break;
    default: break;                 /* LSR and MSR are read-only */
    }
}

void vuart_write(struct domain *d, uint32_t offset, uint32_t value)
{
    spin_lock(&d->vuart.lock);
    write_locked(d, offset, (uint8_t)value);
    update_irq(d);
    spin_unlock(&d->vuart.lock);
}

/* A byte typed for the domain: 1 if taken, 0 if its buffer is full (the caller holds it back). */
int vuart_receive(struct domain *d, uint8_t byte)
{
    struct vuart *u = &d->vuart;
    spin_lock(&u->lock);
    int taken = rx_count(u) < VUART_RX_BUFFER;
    if (taken)
        u->rx[u->rx_written++ % VUART_RX_BUFFER] = byte;
    update_irq(d);
    spin_unlock(&u->lock);
    return taken;
}

uint32_t vuart_rx_space(struct domain *d)
{
    return VUART_RX_BUFFER - rx_count(&d->vuart);
}

/* Up to n typed bytes, for the SBI console calls (DBCN read, legacy getchar). */
uint32_t vuart_take(struct domain *d, uint8_t *buffer, uint32_t n)
{
    struct vuart *u = &d->vuart;
    uint32_t taken = 0;
    spin_lock(&u->lock);
    while (taken < n && rx_count(u))
        buffer[taken++] = u->rx[u->rx_read++ % VUART_RX_BUFFER];
    update_irq(d);
    spin_unlock(&u->lock);
    if (taken)
        console_guest_input_drained(d);
    return taken;
}

/*
 * vuart.c: the emulated NS16550A every HVM domain finds at 0x1000_0000,
 * one exit per register access. What the guest transmits goes at once to
 * its console (console.c); what is typed for it waits in a buffer of
 * VUART_RX_BUFFER bytes, shown to the guest like a 16550's FIFO. Its
 * interrupt line is source 10 of the domain's vPLIC, computed from IER
 * and the state, with the priorities of the 16550's IIR (as QEMU's model).
 *
 * A domain the toolstack built has a console ring too (XEN_DOMCTL_vuart_op,
 * as Xen on Arm's vpl011): a struct xencons_interface in a frame of its
 * own RAM, pinned here, and a port the hypervisor holds. While domain 0
 * has bound that port (`xl console`), the UART is the ring: a byte
 * transmitted goes into `out` (the transmitter reads busy while `out` is
 * full), what the guest reads comes from `in`, and each such move is an
 * event for domain 0; an event from domain 0 says it moved the ring's
 * indexes. The ring lives in the guest's memory, so its indexes are
 * whatever the guest left there: they are only ever used masked, and a
 * ring whose indexes say more than it holds is taken as full (out) or
 * empty (in), which hurts nobody but that guest.
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
    u->ring = 0;                    /* a domain's ring was unpinned when its slot was last released */
    u->ring_port = 0;
    u->ring_connected = 0;
}

#define RING_IN  sizeof(((struct xencons_interface *)0)->in)
#define RING_OUT sizeof(((struct xencons_interface *)0)->out)

static int on_ring(const struct vuart *u)
{
    return u->ring && u->ring_connected;
}

/* Bytes in the ring's `in` (0 if its indexes make no sense). */
static uint32_t ring_in_count(const struct vuart *u)
{
    uint32_t n = __atomic_load_n(&u->ring->in_prod, __ATOMIC_ACQUIRE) - u->ring->in_cons;
    return n <= RING_IN ? n : 0;
}

/* Room in the ring's `out` (0 if its indexes make no sense). */
static uint32_t ring_out_room(const struct vuart *u)
{
    uint32_t used = u->ring->out_prod - __atomic_load_n(&u->ring->out_cons, __ATOMIC_ACQUIRE);
    return used <= RING_OUT ? RING_OUT - used : 0;
}

static uint32_t rx_count(const struct vuart *u)
{
    return on_ring(u) ? ring_in_count(u) : u->rx_written - u->rx_read;
}

/* The next byte the guest reads (rx_count is not 0). */
static uint8_t rx_take(struct vuart *u)
{
    if (!on_ring(u))
        return u->rx[u->rx_read++ % VUART_RX_BUFFER];
    uint32_t at = u->ring->in_cons;
    uint8_t byte = (uint8_t)u->ring->in[at % RING_IN];
    __atomic_store_n(&u->ring->in_cons, at + 1, __ATOMIC_RELEASE);
    return byte;
}

/* Whether the transmitter can take a byte: always, but for a full ring. */
static int tx_ready(const struct vuart *u)
{
    return !on_ring(u) || ring_out_room(u) > 0;
}

/* A transmitted byte into the ring's `out`: 1 if it went (domain 0 is then told), 0 if the ring is full. u->lock held. */
static int ring_put(struct vuart *u, uint8_t byte)
{
    if (ring_out_room(u) == 0)
        return 0;
    uint32_t at = u->ring->out_prod;
    u->ring->out[at % RING_OUT] = (char)byte;
    __atomic_store_n(&u->ring->out_prod, at + 1, __ATOMIC_RELEASE);
    return 1;
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
        return rx_take(u);
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
    case REG_LSR: return (rx_count(u) ? LSR_DR : 0) | (tx_ready(u) ? LSR_THRE | LSR_TEMT : 0);
    case REG_MSR: return MSR_IDLE;
    case REG_SCR: return u->scr;
    default: return 0;
    }
}

/* After the guest took typed bytes: from the ring, domain 0 hears of it; else the console may give more. Without u->lock. */
static void input_drained(struct domain *d, int from_ring)
{
    if (from_ring)
        evtchn_notify_xen(d, d->vuart.ring_port);
    else
        console_guest_input_drained(d);
}

uint32_t vuart_read(struct domain *d, uint32_t offset)
{
    int drained = 0;
    spin_lock(&d->vuart.lock);
    int from_ring = on_ring(&d->vuart);
    uint8_t value = read_locked(d, offset, &drained);
    update_irq(d);
    spin_unlock(&d->vuart.lock);
    if (drained)
        input_drained(d, from_ring);
    return value;
}

/* A byte the guest transmits: 1 if it went into the ring (domain 0 to be told). u->lock held. */
static int transmit_locked(struct domain *d, uint8_t byte)
{
    if (on_ring(&d->vuart))
        return ring_put(&d->vuart, byte);
    console_guest_output(d, byte);
    return 0;
}

static int write_locked(struct domain *d, uint32_t offset, uint8_t value)
{
    int told = 0;
    struct vuart *u = &d->vuart;
    int dlab = (u->lcr & LCR_DLAB) != 0;
    switch (offset) {
    case REG_RBR_THR_DLL:
        if (dlab) {
            u->dll = value;
        } else {
            told = transmit_locked(d, value);
            u->thr_interrupt = tx_ready(u);     /* sent at once: the holding register is empty again */
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
    return told;
}

void vuart_write(struct domain *d, uint32_t offset, uint32_t value)
{
    spin_lock(&d->vuart.lock);
    int told = write_locked(d, offset, (uint8_t)value);
    update_irq(d);
    spin_unlock(&d->vuart.lock);
    if (told)
        evtchn_notify_xen(d, d->vuart.ring_port);
}

/* A byte of the guest's console from the SBI calls (DBCN write, legacy putchar): where its UART's go. */
void vuart_transmit(struct domain *d, uint8_t byte)
{
    if (__atomic_load_n(&d->vuart.ring, __ATOMIC_ACQUIRE) == 0) {
        console_guest_output(d, byte);  /* no ring (domain 0, a domain built at boot): no lock to take */
        return;
    }
    spin_lock(&d->vuart.lock);
    int told = transmit_locked(d, byte);
    spin_unlock(&d->vuart.lock);
    if (told)
        evtchn_notify_xen(d, d->vuart.ring_port);
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

/* Room in the buffer of what is typed at its physical UART (the ring's `in` is domain 0's to fill). */
uint32_t vuart_rx_space(struct domain *d)
{
    return VUART_RX_BUFFER - (d->vuart.rx_written - d->vuart.rx_read);
}

/* Up to n typed bytes, for the SBI console calls (DBCN read, legacy getchar). */
uint32_t vuart_take(struct domain *d, uint8_t *buffer, uint32_t n)
{
    struct vuart *u = &d->vuart;
    uint32_t taken = 0;
    spin_lock(&u->lock);
    int from_ring = on_ring(u);
    while (taken < n && rx_count(u))
        buffer[taken++] = rx_take(u);
    update_irq(d);
    spin_unlock(&u->lock);
    if (taken)
        input_drained(d, from_ring);
    return taken;
}

/* ---- the console ring ---- */

/*
 * XEN_DOMCTL_vuart_op's INIT: the ring at d's frame gfn (pinned while d
 * lives), its port offered to `backend`. 0, or an errno.
 */
long vuart_ring_init(struct domain *d, uint64_t gfn, uint32_t backend, uint32_t *port)
{
    if (d->vuart.ring)
        return -XEN_EEXIST;
    if (backend != 0 || gfn >= 1u << 20)
        return -XEN_EINVAL;
    uint32_t frame = p2m_owned_frame(d, (uint32_t)gfn << FRAME_SHIFT);
    if (frame == 0 || mm_pin_owned(frame, d->id) < 0)
        return -XEN_EINVAL;         /* not a frame of its RAM */
    long error = evtchn_alloc_xen(d, backend, port);
    if (error) {
        mm_unpin(frame);
        return error;
    }
    spin_lock(&d->vuart.lock);
    d->vuart.ring = (struct xencons_interface *)(uintptr_t)frame;
    d->vuart.ring_port = *port;
    d->vuart.ring_connected = 0;
    spin_unlock(&d->vuart.lock);
    return 0;
}

/* Domain 0 bound the ring's port (connected) or closed it: the UART is the ring, or the console again. evtchn_lock held. */
void vuart_ring_connect(struct domain *d, int connected)
{
    struct vuart *u = &d->vuart;
    spin_lock(&u->lock);
    if (u->ring) {
        u->ring_connected = (uint8_t)connected;
        u->ring->connection = connected ? XENCONSOLE_CONNECTED : XENCONSOLE_DISCONNECTED;
        if ((u->ier & IER_THRI) && tx_ready(u))
            u->thr_interrupt = 1;
        update_irq(d);
    }
    spin_unlock(&u->lock);
}

/* Domain 0 moved the ring's indexes: bytes to read, or room to transmit. evtchn_lock held. */
void vuart_ring_kick(struct domain *d)
{
    struct vuart *u = &d->vuart;
    spin_lock(&u->lock);
    if (on_ring(u) && (u->ier & IER_THRI) && tx_ready(u))
        u->thr_interrupt = 1;
    update_irq(d);
    spin_unlock(&u->lock);
}

/* d is going: its ring's frame is unpinned (its port goes with its others). */
void vuart_destroy(struct domain *d)
{
    struct vuart *u = &d->vuart;
    spin_lock(&u->lock);
    uint32_t frame = (uint32_t)(uintptr_t)u->ring;
    u->ring = 0;
    u->ring_connected = 0;
    spin_unlock(&u->lock);
    if (frame)
        mm_unpin(frame);
}

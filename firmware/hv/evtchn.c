/*
 * evtchn.c: event channels, Xen's notifications between domains and from
 * the hypervisor (firmware/include/hypercall.h gives the ABI), on the
 * two-level bitmaps of each domain's shared_info frame.
 *
 * A domain's ports live in d->evtchn[]: closed, unbound (waiting for one
 * named domain to bind), interdomain (a peer port), a VIRQ or an IPI.
 * Sending sets the target port pending in its domain's shared_info and,
 * as the 2-level ABI says, the selector bit and upcall_pending in the
 * notified vCPU's vcpu_info, then raises VSSIP for that vCPU (waking it
 * if it waits): the upcall. The hypervisor writes those words with AMOs,
 * as the guest does, straight into the frames (it runs with satp Bare).
 *
 * A port may be the hypervisor's end instead of its domain's (Xen's
 * "Xen-bound" channels): the ring of a domain's vUART (vuart.c) has one,
 * offered to domain 0. The domain cannot send on it, close it or move it;
 * an event domain 0 sends there goes to the vUART, not the domain, and
 * the vUART follows domain 0 binding and closing it.
 *
 * evtchn_lock guards every domain's ports, its shared_info and its vCPUs'
 * vcpu_info and poll state; it is taken before sched_lock (a send may
 * wake a vCPU) and before a vUART's lock (an event for its ring), never
 * inside them.
 */
#include "hv.h"
#include "string.h"

#define WORD_BITS       32u                 /* bits in a xen_ulong_t here */
#define POLL_ALL        (~0u)

static struct spinlock evtchn_lock;

static struct shared_info *shared(const struct domain *d)
{
    return (struct shared_info *)(uintptr_t)d->shared_info;
}

static struct vcpu_info *info_of(const struct vcpu *v)
{
    return (struct vcpu_info *)(uintptr_t)v->vcpu_info;
}

/*
 * vcpu_time_info for a domain whose guest time (the time CSR with
 * htimedelta) started at 0 when it was built: system time is that count
 * in ns, so one snapshot at 0 holds for ever.
 */
static void time_info(struct vcpu_time_info *time)
{
    uint64_t ns_per_tick_q32 = (1000000000ull << 32) / host.timebase_hz;  /* ns per tick, 32.32 */
    int shift = 0;
    while (ns_per_tick_q32 >> 32) {     /* mul must fit 32 bits: fold the excess into the shift */
        ns_per_tick_q32 >>= 1;
        shift++;
    }
    memset(time, 0, sizeof *time);
    time->tsc_to_system_mul = (uint32_t)ns_per_tick_q32;
    time->tsc_shift = (int8_t)shift;
}

/*
 * d's event channels at its build (its ports all closed, its vCPUs just
 * initialised): a zeroed shared_info frame, whose vcpu_info is vCPU 0's.
 * 0, or -1 without memory.
 */
int evtchn_init(struct domain *d)
{
    d->shared_info = mm_alloc(d->id, 1, FRAME_SIZE);
    if (d->shared_info == 0)
        return -1;
    memset(shared(d), 0, FRAME_SIZE);
    for (int i = 0; i < XEN_LEGACY_MAX_VCPUS && i < d->nvcpus; i++) {
        time_info(&shared(d)->vcpu_info[i].time);
        d->vcpus[i].vcpu_info = (uint32_t)(uintptr_t)&shared(d)->vcpu_info[i];
    }
    return 0;
}

static int port_valid(const struct domain *d, uint32_t port)
{
    return port > 0 && port < EVTCHN_PORTS && d->evtchn[port].state != EVTCHNSTAT_closed;
}

/* The lowest closed port of d, or 0 (none left). evtchn_lock held. */
static uint32_t port_alloc(struct domain *d)
{
    for (uint32_t port = 1; port < EVTCHN_PORTS; port++)
        if (d->evtchn[port].state == EVTCHNSTAT_closed) {
            struct shared_info *s = shared(d);
            __atomic_and_fetch(&s->evtchn_pending[port / WORD_BITS], ~(1u << port % WORD_BITS), __ATOMIC_SEQ_CST);
            memset(&d->evtchn[port], 0, sizeof d->evtchn[port]);
            return port;
        }
    return 0;
}

/* v has an upcall to take: upcall_pending set and, if it was clear, VSSIP raised. evtchn_lock held. */
static void mark_pending(struct vcpu *v)
{
    uint32_t *first_word = (uint32_t *)(uintptr_t)v->vcpu_info;    /* evtchn_upcall_pending is its byte 0 */
    if (!(__atomic_fetch_or(first_word, 1u, __ATOMIC_SEQ_CST) & 1u))
        vcpu_raise_irq(v, HVIP_VSSIP);
}

/* Is `port` one of those v polls for? */
static int polled(const struct vcpu *v, uint32_t port)
{
    if (!v->polling)
        return 0;
    for (int i = 0; i < v->poll_count; i++)
        if (v->poll_ports[i] == port)
            return 1;
    return 0;
}

/* Wakes v from SCHEDOP_poll. evtchn_lock held (or v's own timer). */
static void poll_wake(struct vcpu *v)
{
    v->poll_woken = 1;
    vcpu_kick(v);
}

/*
 * Makes d's `port` pending (the 2-level ABI's rule): a 0-to-1 change on
 * an unmasked port sets its selector bit in the notified vCPU's
 * vcpu_info, and a 0-to-1 change there an upcall. Pollers of the port
 * wake, masked or not. evtchn_lock held.
 */
static void set_pending(struct domain *d, uint32_t port)
{
    if (d->evtchn[port].xen_consumer) {
        vuart_ring_kick(d);
        return;
    }
    struct shared_info *s = shared(d);
    uint32_t word = port / WORD_BITS, bit = 1u << port % WORD_BITS;
    struct vcpu *v = &d->vcpus[d->evtchn[port].vcpu];
    v->stats.events++;
    if (__atomic_fetch_or(&s->evtchn_pending[word], bit, __ATOMIC_SEQ_CST) & bit)
        return;
    for (int i = 0; i < d->nvcpus; i++)
        if (polled(&d->vcpus[i], port))
            poll_wake(&d->vcpus[i]);
    if (__atomic_load_n(&s->evtchn_mask[word], __ATOMIC_SEQ_CST) & bit || v->vcpu_info == 0)
        return;
    struct vcpu_info *info = info_of(v);
    if (!(__atomic_fetch_or(&info->evtchn_pending_sel, 1u << word, __ATOMIC_SEQ_CST) & 1u << word))
        mark_pending(v);
}

/* The domain a port operation names: the caller's own, or (domain 0 only) any. 0 and *error if none. */
static struct domain *named_domain(const struct vcpu *v, uint32_t id, long *error)
{
    if (id == DOMID_SELF || id == (uint32_t)v->domain->id)
        return v->domain;
    if (v->domain->id != 0) {
        *error = -XEN_EPERM;
        return 0;
    }
    if (id >= NDOMAIN || domains[id].state != DOMAIN_RUNNING) {
        *error = -XEN_ESRCH;
        return 0;
    }
    return &domains[id];
}

static long alloc_unbound(struct vcpu *v, struct evtchn_alloc_unbound *op)
{
    long error = 0;
    struct domain *d = named_domain(v, op->dom, &error);
    if (d == 0)
        return error;
    uint32_t remote = op->remote_dom == DOMID_SELF ? (uint32_t)v->domain->id : op->remote_dom;
    if (remote >= NDOMAIN)
        return -XEN_ESRCH;
    uint32_t port = port_alloc(d);
    if (port == 0)
        return -XEN_ENOSPC;
    d->evtchn[port].state = EVTCHNSTAT_unbound;
    d->evtchn[port].remote_dom = (domid_t)remote;
    op->port = port;
    return 0;
}

static long bind_interdomain(struct vcpu *v, struct evtchn_bind_interdomain *op)
{
    struct domain *ld = v->domain;
    uint32_t remote = op->remote_dom == DOMID_SELF ? (uint32_t)ld->id : op->remote_dom;
    if (remote >= NDOMAIN || domains[remote].state != DOMAIN_RUNNING)
        return -XEN_ESRCH;
    struct domain *rd = &domains[remote];
    uint32_t rport = op->remote_port;
    if (!port_valid(rd, rport))
        return -XEN_EINVAL;
    struct evtchn *rchn = &rd->evtchn[rport];
    if (rchn->state != EVTCHNSTAT_unbound || rchn->remote_dom != (domid_t)ld->id)
        return -XEN_EINVAL;         /* not offered to the caller */
    uint32_t lport = port_alloc(ld);
    if (lport == 0)
        return -XEN_ENOSPC;
    struct evtchn *lchn = &ld->evtchn[lport];
    lchn->state = EVTCHNSTAT_interdomain;
    lchn->remote_dom = (domid_t)rd->id;
    lchn->remote_port = rport;
    rchn->state = EVTCHNSTAT_interdomain;
    rchn->remote_dom = (domid_t)ld->id;
    rchn->remote_port = lport;
    set_pending(ld, lport);         /* as Xen: whatever the peer sent before is not lost */
    op->local_port = lport;
    if (rchn->xen_consumer)
        vuart_ring_connect(rd, 1);
    return 0;
}

static int global_virq(uint32_t virq)
{
    return virq == VIRQ_CONSOLE || virq == VIRQ_DOM_EXC;
}

static long bind_virq(struct vcpu *v, struct evtchn_bind_virq *op)
{
    struct domain *d = v->domain;
    if (op->virq != VIRQ_TIMER && !global_virq(op->virq))
        return -XEN_EINVAL;
    if (global_virq(op->virq) && (d->id != 0 || op->vcpu != 0))
        return -XEN_EINVAL;         /* domain 0's, on its vCPU 0, as Xen's global VIRQs */
    if (op->vcpu >= (uint32_t)d->nvcpus)
        return -XEN_ENOENT;
    struct vcpu *target = &d->vcpus[op->vcpu];
    if (target->virq_port[op->virq])
        return -XEN_EBUSY;          /* Xen says -EEXIST; one port per VIRQ and vCPU */
    uint32_t port = port_alloc(d);
    if (port == 0)
        return -XEN_ENOSPC;
    d->evtchn[port].state = EVTCHNSTAT_virq;
    d->evtchn[port].virq = (uint16_t)op->virq;
    d->evtchn[port].vcpu = (uint8_t)op->vcpu;
    target->virq_port[op->virq] = (uint16_t)port;
    op->port = port;
    return 0;
}

static long bind_ipi(struct vcpu *v, struct evtchn_bind_ipi *op)
{
    struct domain *d = v->domain;
    if (op->vcpu >= (uint32_t)d->nvcpus)
        return -XEN_ENOENT;
    uint32_t port = port_alloc(d);
    if (port == 0)
        return -XEN_ENOSPC;
    d->evtchn[port].state = EVTCHNSTAT_ipi;
    d->evtchn[port].vcpu = (uint8_t)op->vcpu;
    op->port = port;
    return 0;
}

/* Closes d's `port`: a peer's end becomes unbound again (its domain may bind it anew). evtchn_lock held. */
static void close_port(struct domain *d, uint32_t port)
{
    struct evtchn *chn = &d->evtchn[port];
    if (chn->state == EVTCHNSTAT_interdomain) {
        struct domain *rd = &domains[chn->remote_dom];
        struct evtchn *peer = &rd->evtchn[chn->remote_port];
        peer->state = EVTCHNSTAT_unbound;
        peer->remote_dom = (domid_t)d->id;
        peer->remote_port = 0;
        if (peer->xen_consumer)
            vuart_ring_connect(rd, 0);
        if (chn->xen_consumer)
            vuart_ring_connect(d, 0);
    } else if (chn->state == EVTCHNSTAT_virq) {
        d->vcpus[chn->vcpu].virq_port[chn->virq] = 0;
    }
    for (int i = 0; i < d->nvcpus; i++)
        if (polled(&d->vcpus[i], port))
            poll_wake(&d->vcpus[i]);    /* as Xen: a poller of a closed port returns */
    memset(chn, 0, sizeof *chn);
}

/* A port its domain may use: open, and not the hypervisor's end of a channel. */
static int port_usable(const struct domain *d, uint32_t port)
{
    return port_valid(d, port) && !d->evtchn[port].xen_consumer;
}

static long evtchn_close(struct vcpu *v, struct evtchn_close *op)
{
    if (!port_usable(v->domain, op->port))
        return -XEN_EINVAL;
    close_port(v->domain, op->port);
    return 0;
}

static long evtchn_send(struct vcpu *v, struct evtchn_send *op)
{
    struct domain *d = v->domain;
    if (!port_usable(d, op->port))
        return -XEN_EINVAL;
    struct evtchn *chn = &d->evtchn[op->port];
    v->stats.sends++;
    switch (chn->state) {
    case EVTCHNSTAT_interdomain:
        set_pending(&domains[chn->remote_dom], chn->remote_port);
        return 0;
    case EVTCHNSTAT_ipi:
        set_pending(d, op->port);
        return 0;
    case EVTCHNSTAT_unbound:
        return 0;                   /* as Xen: nobody to tell yet, and no error */
    default:
        return -XEN_EINVAL;         /* a VIRQ is the hypervisor's to send */
    }
}

static long evtchn_status(struct vcpu *v, struct evtchn_status *op)
{
    long error = 0;
    struct domain *d = named_domain(v, op->dom, &error);
    if (d == 0)
        return error;
    if (op->port >= EVTCHN_PORTS)
        return -XEN_EINVAL;
    const struct evtchn *chn = &d->evtchn[op->port];
    op->status = op->port == 0 ? EVTCHNSTAT_closed : chn->state;
    op->vcpu = chn->vcpu;
    memset(&op->u, 0, sizeof op->u);
    if (op->status == EVTCHNSTAT_unbound)
        op->u.unbound.dom = chn->remote_dom;
    else if (op->status == EVTCHNSTAT_interdomain) {
        op->u.interdomain.dom = chn->remote_dom;
        op->u.interdomain.port = chn->remote_port;
    } else if (op->status == EVTCHNSTAT_virq)
        op->u.virq = chn->virq;
    return 0;
}

static long bind_vcpu(struct vcpu *v, struct evtchn_bind_vcpu *op)
{
    struct domain *d = v->domain;
    if (!port_usable(d, op->port))
        return -XEN_EINVAL;
    if (op->vcpu >= (uint32_t)d->nvcpus)
        return -XEN_ENOENT;
    struct evtchn *chn = &d->evtchn[op->port];
    if (chn->state != EVTCHNSTAT_unbound && chn->state != EVTCHNSTAT_interdomain)
        return -XEN_EINVAL;         /* a VIRQ's and an IPI's vCPU are fixed at binding */
    chn->vcpu = (uint8_t)op->vcpu;
    return 0;
}

/* Clears the mask bit; a port pending meanwhile is delivered now, as an unmasked event would have been. */
static long evtchn_unmask(struct vcpu *v, struct evtchn_unmask *op)
{
    struct domain *d = v->domain;
    if (op->port == 0 || op->port >= EVTCHN_PORTS)
        return -XEN_EINVAL;
    struct shared_info *s = shared(d);
    uint32_t word = op->port / WORD_BITS, bit = 1u << op->port % WORD_BITS;
    __atomic_and_fetch(&s->evtchn_mask[word], ~bit, __ATOMIC_SEQ_CST);
    struct vcpu *target = &d->vcpus[d->evtchn[op->port].vcpu];
    if (!(__atomic_load_n(&s->evtchn_pending[word], __ATOMIC_SEQ_CST) & bit) || target->vcpu_info == 0)
        return 0;
    struct vcpu_info *info = info_of(target);
    if (!(__atomic_fetch_or(&info->evtchn_pending_sel, 1u << word, __ATOMIC_SEQ_CST) & 1u << word))
        mark_pending(target);
    return 0;
}

/* Each operation: its struct's size and its handler (which reads and fills the copy). */
struct evtchn_operation {
    uint32_t size;
    long (*fn)(struct vcpu *v, void *op);
    int copy_back;
};

#define OPERATION(name, type, back) { sizeof(struct type), (long (*)(struct vcpu *, void *))(name), back }

static const struct evtchn_operation operations[] = {
    [EVTCHNOP_bind_interdomain] = OPERATION(bind_interdomain, evtchn_bind_interdomain, 1),
    [EVTCHNOP_bind_virq] = OPERATION(bind_virq, evtchn_bind_virq, 1),
    [EVTCHNOP_close] = OPERATION(evtchn_close, evtchn_close, 0),
    [EVTCHNOP_send] = OPERATION(evtchn_send, evtchn_send, 0),
    [EVTCHNOP_status] = OPERATION(evtchn_status, evtchn_status, 1),
    [EVTCHNOP_alloc_unbound] = OPERATION(alloc_unbound, evtchn_alloc_unbound, 1),
    [EVTCHNOP_bind_ipi] = OPERATION(bind_ipi, evtchn_bind_ipi, 1),
    [EVTCHNOP_bind_vcpu] = OPERATION(bind_vcpu, evtchn_bind_vcpu, 0),
    [EVTCHNOP_unmask] = OPERATION(evtchn_unmask, evtchn_unmask, 0),
};

/* event_channel_op(cmd, arg): the operation's struct copied in, acted on under evtchn_lock, and copied back. */
long evtchn_op(struct vcpu *v, uint32_t cmd, uint32_t buffer)
{
    union {
        struct evtchn_status status;
        struct evtchn_bind_interdomain bind;
        uint8_t bytes[32];
    } op;
    if (cmd >= ARRAY_SIZE(operations) || operations[cmd].fn == 0)
        return -XEN_ENOSYS;
    const struct evtchn_operation *operation = &operations[cmd];
    long error = copy_from_guest(&op, buffer, operation->size);
    if (error)
        return error;
    spin_lock(&evtchn_lock);
    error = operation->fn(v, &op);
    spin_unlock(&evtchn_lock);
    if (error || !operation->copy_back)
        return error;
    return copy_to_guest(buffer, &op, operation->size);
}

/* The hypervisor raises VIRQ `virq` on v, if v's domain bound it there. */
void evtchn_send_virq(struct vcpu *v, uint32_t virq)
{
    spin_lock(&evtchn_lock);
    struct domain *d = v->domain;
    uint32_t port = v->virq_port[virq];
    if (port && d->state == DOMAIN_RUNNING)
        set_pending(d, port);
    spin_unlock(&evtchn_lock);
}

/* A global VIRQ (VIRQ_CONSOLE, VIRQ_DOM_EXC): domain 0's vCPU 0. */
void evtchn_send_global_virq(uint32_t virq)
{
    if (domains[0].state == DOMAIN_RUNNING)
        evtchn_send_virq(&domains[0].vcpus[0], virq);
}

/*
 * SCHEDOP_poll from v (current here): 0 at once if a port is pending (or
 * an upcall would be taken), else v blocks until one is, or until
 * `timeout_ns` of system time (0: none). The call's result is set before
 * it blocks; HYPERCALL_DONE then, or a negative errno.
 */
long evtchn_poll(struct vcpu *v, const evtchn_port_t *ports, uint32_t count, uint64_t timeout_ns)
{
    struct domain *d = v->domain;
    for (uint32_t i = 0; i < count; i++)
        if (ports[i] >= EVTCHN_PORTS)
            return -XEN_EINVAL;
    spin_lock(&evtchn_lock);
    int ready = 0;
    for (uint32_t i = 0; i < count; i++)
        ready |= (__atomic_load_n(&shared(d)->evtchn_pending[ports[i] / WORD_BITS], __ATOMIC_SEQ_CST) >>
                  ports[i] % WORD_BITS) & 1;
    if (!ready) {
        memcpy(v->poll_ports, ports, count * sizeof *ports);
        v->poll_count = (int)count;
        v->poll_woken = 0;
        v->polling = 1;
    }
    spin_unlock(&evtchn_lock);
    if (ready)
        return 0;
    if (timeout_ns)
        timer_set(&v->poll_timer, this_pcpu()->id, ns_to_ticks(timeout_ns) - d->time_offset);
    v->regs.x[10] = 0;
    v->regs.x[11] = 0;
    v->regs.pc += 4;
    vcpu_block(v);
    return HYPERCALL_DONE;
}

/* v's poll timed out. */
void evtchn_poll_timeout(void *data)
{
    struct vcpu *v = data;
    spin_lock(&evtchn_lock);
    if (v->polling)
        poll_wake(v);
    spin_unlock(&evtchn_lock);
}

/* v runs again: the poll it was in is over. */
void evtchn_poll_end(struct vcpu *v)
{
    spin_lock(&evtchn_lock);
    v->polling = 0;
    v->poll_woken = 0;
    spin_unlock(&evtchn_lock);
    timer_stop(&v->poll_timer);
}

/* VCPUOP_register_vcpu_info: v's vcpu_info moves to a frame of its domain's RAM. */
long evtchn_register_vcpu_info(struct vcpu *v, struct vcpu *target, uint64_t gfn, uint32_t offset)
{
    struct domain *d = v->domain;
    if (offset > FRAME_SIZE - sizeof(struct vcpu_info) || gfn >> 20)
        return -XEN_EINVAL;
    uint32_t gpa = (uint32_t)gfn << FRAME_SHIFT | offset;
    uint32_t address = gpa >= GUEST_RAM_BASE && gpa - GUEST_RAM_BASE < d->memory_bytes ? p2m_lookup(d, gpa) : 0;
    if (address == 0)
        return -XEN_EINVAL;
    spin_lock(&evtchn_lock);
    long error = target->vcpu_info && target->vcpu_info != (uint32_t)(uintptr_t)&shared(d)->vcpu_info[0] ? -XEN_EINVAL : 0;
    if (error == 0 && mm_pin(address) < 0)     /* the hypervisor writes there: never to a frame given back */
        error = -XEN_EINVAL;
    if (error == 0) {
        struct vcpu_info *info = (struct vcpu_info *)(uintptr_t)address;
        memset(info, 0, sizeof *info);
        time_info(&info->time);
        target->vcpu_info = address;
        /* Events that came while it had none: every word with a pending, unmasked port. */
        struct shared_info *s = shared(d);
        uint32_t selector = 0;
        for (uint32_t word = 0; word < WORD_BITS; word++)
            if (s->evtchn_pending[word] & ~s->evtchn_mask[word])
                selector |= 1u << word;
        info->evtchn_pending_sel = selector;
        if (selector)
            mark_pending(target);
    }
    spin_unlock(&evtchn_lock);
    return error;
}

/* d goes away (destroyed, or rebuilt): every port closed, peers' ends unbound, shared_info freed. */
void evtchn_destroy(struct domain *d)
{
    if (d->shared_info == 0)
        return;
    spin_lock(&evtchn_lock);
    for (uint32_t port = 1; port < EVTCHN_PORTS; port++)
        if (d->evtchn[port].state != EVTCHNSTAT_closed)
            close_port(d, port);
    for (int i = 0; i < MAX_VCPUS; i++) {
        uint32_t info = d->vcpus[i].vcpu_info;
        if (info && info - d->shared_info >= FRAME_SIZE)
            mm_unpin(info);             /* one in the domain's RAM (register_vcpu_info) */
        d->vcpus[i].vcpu_info = 0;
    }
    uint32_t frame = d->shared_info;
    d->shared_info = 0;
    spin_unlock(&evtchn_lock);
    mm_free(frame, 1);
}

/* A port of d that the hypervisor holds, offered to domain `remote` (the vUART's ring). 0, or an errno. */
long evtchn_alloc_xen(struct domain *d, uint32_t remote, uint32_t *port)
{
    spin_lock(&evtchn_lock);
    uint32_t p = d->shared_info ? port_alloc(d) : 0;
    if (p) {
        d->evtchn[p].state = EVTCHNSTAT_unbound;
        d->evtchn[p].remote_dom = (domid_t)remote;
        d->evtchn[p].xen_consumer = 1;
    }
    spin_unlock(&evtchn_lock);
    *port = p;
    return p ? 0 : -XEN_ENOSPC;
}

/* An event from the hypervisor's end `port` of d to whoever bound it; nothing if nobody has. */
void evtchn_notify_xen(struct domain *d, uint32_t port)
{
    if (port == 0 || port >= EVTCHN_PORTS)
        return;
    spin_lock(&evtchn_lock);
    struct evtchn *chn = &d->evtchn[port];
    if (chn->xen_consumer && chn->state == EVTCHNSTAT_interdomain)
        set_pending(&domains[chn->remote_dom], chn->remote_port);
    spin_unlock(&evtchn_lock);
}

/* The 'e' key: every domain's open ports. */
void evtchn_dump(void)
{
    static const char *const states[] = { "closed", "unbound", "interdomain", "pirq", "virq", "ipi" };
    spin_lock(&evtchn_lock);
    for (int id = 0; id < NDOMAIN; id++) {
        struct domain *d = &domains[id];
        if (d->state == DOMAIN_FREE || d->shared_info == 0)
            continue;
        hv_printk("Event channels of d%d (%s):\n", d->id, d->config.name);
        struct shared_info *s = shared(d);
        for (uint32_t port = 1; port < EVTCHN_PORTS; port++) {
            const struct evtchn *chn = &d->evtchn[port];
            if (chn->state == EVTCHNSTAT_closed)
                continue;
            uint32_t word = port / WORD_BITS, bit = 1u << port % WORD_BITS;
            hv_printk("  port %u: %s%s v%u pending %d masked %d", (unsigned)port, states[chn->state],
                      chn->xen_consumer ? " (the hypervisor's end: its console ring)" : "", chn->vcpu,
                      (s->evtchn_pending[word] & bit) != 0, (s->evtchn_mask[word] & bit) != 0);
            if (chn->state == EVTCHNSTAT_interdomain)
                hv_printk_continue(" -> d%u port %u\n", chn->remote_dom, (unsigned)chn->remote_port);
            else if (chn->state == EVTCHNSTAT_unbound)
                hv_printk_continue(" for d%u\n", chn->remote_dom);
            else if (chn->state == EVTCHNSTAT_virq)
                hv_printk_continue(" virq %u\n", chn->virq);
            else
                hv_printk_continue("\n");
        }
    }
    spin_unlock(&evtchn_lock);
}

/*
 * evtchn.c: /dev/evtchn (include/evtchn.h), event channels for domain 0's
 * programs, and the event upcall that feeds it.
 *
 * At boot the kernel maps its shared_info frame at the first frame of the
 * hypervisor's window (add_to_physmap, XENMAPSPACE_shared_info). An event
 * on one of its ports raises a supervisor software interrupt on vCPU 0
 * (the upcall): the kernel clears evtchn_upcall_pending, takes the
 * selector, and for each pending port not masked masks it, clears it and
 * hands it to the open files bound to it, waking their readers. A reader
 * gets the port numbers; writing a port back unmasks it (EVTCHNOP_unmask,
 * which delivers an event that came meanwhile).
 *
 * Each open file has a ring of ports read so far. The ports of
 * interdomain and unbound channels belong to one file; a VIRQ is bound
 * once by the kernel and shared by every file that binds it.
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"
#include "hypercall.h"
#include "evtchn.h"
#include "platform.h"
#include "dom0.h"

#define USERS      8                    /* files open on /dev/evtchn at once */
#define RING       64                   /* ports a file holds unread */
#define NO_USER    0xff
#define VIRQS      8

struct user {
    int used;
    uint32_t ring[RING];
    uint32_t read, written;             /* free-running indexes */
    int overflow;                       /* an event was dropped: say so at the next read */
};

static struct spinlock lock;            /* users, owners, virqs; taken with interrupts off */
static struct user users[USERS];
static uint8_t owner[EVTCHN_PORTS];     /* the user a channel port belongs to, or NO_USER */
static struct {
    evtchn_port_t port;                 /* 0: not bound */
    uint8_t users;                      /* a bit per user that bound it */
} virqs[VIRQS];
static volatile struct shared_info *shared;

static long event_op(uint32_t cmd, void *arg)
{
    return dom0_hypercall(__HYPERVISOR_event_channel_op, cmd, (uint32_t)(uintptr_t)arg, 0);
}

void evtchn_init(uint32_t window)
{
    spinlock_init(&lock, "evtchn");
    memset(owner, NO_USER, sizeof owner);
    struct xen_add_to_physmap map = { DOMID_SELF, 0, XENMAPSPACE_shared_info, 0, window >> PAGE_SHIFT };
    long error = dom0_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)(uintptr_t)&map, 0);
    if (error) {
        kprintf("  dom0: no /dev/evtchn: add_to_physmap of shared_info gave %ld\n", error);
        return;
    }
    shared = (volatile struct shared_info *)ioremap(window, PAGE_SIZE);
}

/* The files port `port` belongs to, a bit each. lock held. */
static uint32_t receivers(evtchn_port_t port)
{
    uint32_t to = 0;
    if (owner[port] != NO_USER)
        to = 1u << owner[port];
    for (int v = 0; v < VIRQS; v++)
        if (virqs[v].port == port)
            to |= virqs[v].users;
    return to;
}

/* Port `port` fired: into the ring of every file in `to`. lock held. */
static void deliver(evtchn_port_t port, uint32_t to)
{
    for (int u = 0; u < USERS; u++) {
        if (!(to >> u & 1) || !users[u].used)
            continue;
        struct user *user = &users[u];
        if (user->written - user->read < RING)
            user->ring[user->written++ % RING] = port;
        else
            user->overflow = 1;
        wakeup(user);
    }
}

void platform_soft_interrupt(void)
{
    if (shared == 0)
        return;
    volatile struct vcpu_info *info = &shared->vcpu_info[0];
    /* evtchn_upcall_pending is the low byte of the first word (its pads after it): a word AMO clears it */
    volatile uint32_t *pending = (volatile uint32_t *)(uintptr_t)&info->evtchn_upcall_pending;
    acquire(&lock);
    while (__atomic_fetch_and(pending, ~0xffu, __ATOMIC_ACQ_REL) & 0xff) {
        uint32_t selector = __atomic_exchange_n(&info->evtchn_pending_sel, 0, __ATOMIC_ACQ_REL);
        while (selector) {
            uint32_t word = (uint32_t)__builtin_ctz(selector);
            selector &= selector - 1;
            uint32_t ready = shared->evtchn_pending[word] & ~shared->evtchn_mask[word];
            while (ready) {
                uint32_t bit = 1u << __builtin_ctz(ready);
                ready &= ready - 1;
                evtchn_port_t port = word * 32 + (uint32_t)__builtin_ctz(bit);
                uint32_t to = receivers(port);
                __atomic_fetch_or(&shared->evtchn_mask[word], bit, __ATOMIC_ACQ_REL);
                if (to == 0)
                    continue;       /* bound a moment ago, not yet recorded: pending and masked until it is */
                __atomic_fetch_and(&shared->evtchn_pending[word], ~bit, __ATOMIC_ACQ_REL);
                deliver(port, to);
            }
        }
    }
    release(&lock);
}

/* Whether user u may use `port`. lock held. */
static int holds(int u, evtchn_port_t port)
{
    if (port == 0 || port >= EVTCHN_PORTS)
        return 0;
    if (owner[port] == u)
        return 1;
    for (int v = 0; v < VIRQS; v++)
        if (virqs[v].port == port && (virqs[v].users >> u & 1))
            return 1;
    return 0;
}

/* User u lets go of `port` (held): closed unless other users share it. lock held; returns whether to close. */
static int let_go(int u, evtchn_port_t port)
{
    if (owner[port] == u) {
        owner[port] = NO_USER;
        return 1;
    }
    for (int v = 0; v < VIRQS; v++) {
        if (virqs[v].port != port)
            continue;
        virqs[v].users &= (uint8_t)~(1u << u);
        if (virqs[v].users)
            return 0;
        virqs[v].port = 0;
        return 1;
    }
    return 0;
}

static void close_port(evtchn_port_t port)
{
    struct evtchn_close close = { port };
    event_op(EVTCHNOP_close, &close);
}

/* Unmasks `port`: an event that came while it was masked is delivered now. */
static void unmask(evtchn_port_t port)
{
    struct evtchn_unmask unmask = { port };
    event_op(EVTCHNOP_unmask, &unmask);
}

static int user_of(struct file *f)
{
    return (int)(uintptr_t)*file_private(f) - 1;
}

static int evtchn_open(struct file *f)
{
    if (shared == 0)
        return -ENODEV;
    acquire(&lock);
    int u = 0;
    while (u < USERS && users[u].used)
        u++;
    if (u < USERS)
        users[u] = (struct user){ .used = 1 };
    release(&lock);
    if (u == USERS)
        return -EMFILE;
    *file_private(f) = (void *)(uintptr_t)(u + 1);
    return 0;
}

/* Closes every port of user u. */
static void reset(int u)
{
    for (evtchn_port_t port = 1; port < EVTCHN_PORTS; port++) {
        acquire(&lock);
        int close = holds(u, port) && let_go(u, port);
        release(&lock);
        if (close)
            close_port(port);
    }
}

static void evtchn_close(struct file *f)
{
    int u = user_of(f);
    reset(u);
    acquire(&lock);
    users[u].used = 0;
    release(&lock);
}

static int evtchn_read(struct file *f, uint32_t address, int n)
{
    struct user *user = &users[user_of(f)];
    uint32_t ports[RING];
    int count = 0;
    if (n < (int)sizeof(uint32_t))
        return -EINVAL;
    acquire(&lock);
    while (user->read == user->written && !user->overflow) {
        if (myproc()->killed) {
            release(&lock);
            return -EINTR;
        }
        sleep(user, &lock);
    }
    if (user->overflow) {
        user->overflow = 0;
        user->read = user->written;
        release(&lock);
        return -EOVERFLOW;
    }
    while (count < n / (int)sizeof(uint32_t) && count < RING && user->read != user->written)
        ports[count++] = user->ring[user->read++ % RING];
    release(&lock);
    if (copyout(&myproc()->mm, address, ports, (uint32_t)count * sizeof(uint32_t)) < 0)
        return -EFAULT;
    return count * (int)sizeof(uint32_t);
}

/* Unmasks each port written that this file holds; the others are ignored, as Linux does. */
static int evtchn_write(struct file *f, uint32_t address, int n)
{
    int u = user_of(f);
    uint32_t ports[RING];
    if (n < 0 || n % (int)sizeof(uint32_t))
        return -EINVAL;
    int count = n / (int)sizeof(uint32_t) < RING ? n / (int)sizeof(uint32_t) : RING;
    if (copyin(&myproc()->mm, ports, address, (uint32_t)count * sizeof(uint32_t)) < 0)
        return -EFAULT;
    for (int i = 0; i < count; i++) {
        acquire(&lock);
        int mine = holds(u, ports[i]);
        release(&lock);
        if (mine)
            unmask(ports[i]);
    }
    return count * (int)sizeof(uint32_t);
}

/*
 * The new port `port` (or a negative errno) is user u's own. An event may
 * have come on it before it was recorded (a port bound to another's starts
 * pending): the upcall left it masked and pending, and the unmask gives it.
 */
static int own(int u, long port)
{
    if (port < 0)
        return (int)port;
    acquire(&lock);
    owner[port] = (uint8_t)u;
    release(&lock);
    unmask((evtchn_port_t)port);
    return (int)port;
}

static int bind_virq(int u, uint32_t virq)
{
    if (virq >= VIRQS)
        return -EINVAL;
    acquire(&lock);
    evtchn_port_t port = virqs[virq].port;
    if (port)
        virqs[virq].users |= (uint8_t)(1u << u);
    release(&lock);
    if (port)
        return (int)port;
    struct evtchn_bind_virq bind = { virq, 0, 0 };
    long error = event_op(EVTCHNOP_bind_virq, &bind);
    if (error)
        return (int)error;
    acquire(&lock);
    int raced = virqs[virq].port != 0;  /* another file bound it meanwhile: use theirs */
    if (!raced)
        virqs[virq].port = bind.port;
    virqs[virq].users |= (uint8_t)(1u << u);
    port = virqs[virq].port;
    release(&lock);
    if (raced)
        close_port(bind.port);
    else
        unmask(bind.port);          /* as own() */
    return (int)port;
}

static int evtchn_ioctl(struct file *f, uint32_t request, uint32_t arg)
{
    int u = user_of(f);
    struct mm *mm = &myproc()->mm;
    uint32_t in[2];
    switch (request) {
    case IOCTL_EVTCHN_BIND_VIRQ:
        if (copyin(mm, in, arg, 4) < 0)
            return -EFAULT;
        return bind_virq(u, in[0]);
    case IOCTL_EVTCHN_BIND_INTERDOMAIN: {
        if (copyin(mm, in, arg, 8) < 0)
            return -EFAULT;
        if (in[0] >= DOMID_FIRST_RESERVED)
            return -EINVAL;
        struct evtchn_bind_interdomain bind = { (domid_t)in[0], in[1], 0 };
        long error = event_op(EVTCHNOP_bind_interdomain, &bind);
        return own(u, error ? error : (long)bind.local_port);
    }
    case IOCTL_EVTCHN_BIND_UNBOUND_PORT: {
        if (copyin(mm, in, arg, 4) < 0)
            return -EFAULT;
        if (in[0] >= DOMID_FIRST_RESERVED)
            return -EINVAL;
        struct evtchn_alloc_unbound alloc = { DOMID_SELF, (domid_t)in[0], 0 };
        long error = event_op(EVTCHNOP_alloc_unbound, &alloc);
        return own(u, error ? error : (long)alloc.port);
    }
    case IOCTL_EVTCHN_UNBIND: {
        if (copyin(mm, in, arg, 4) < 0)
            return -EFAULT;
        acquire(&lock);
        int mine = holds(u, in[0]);
        int close = mine && let_go(u, in[0]);
        release(&lock);
        if (close)
            close_port(in[0]);
        return mine ? 0 : -ENOTCONN;
    }
    case IOCTL_EVTCHN_NOTIFY: {
        if (copyin(mm, in, arg, 4) < 0)
            return -EFAULT;
        acquire(&lock);
        int mine = holds(u, in[0]);
        release(&lock);
        struct evtchn_send send = { in[0] };
        return mine ? (int)event_op(EVTCHNOP_send, &send) : -ENOTCONN;
    }
    case IOCTL_EVTCHN_RESET:
        reset(u);
        return 0;
    }
    return -ENOTTY;
}

const struct device evtchn_device = {
    .name = "evtchn", .open = evtchn_open, .close = evtchn_close, .read = evtchn_read, .write = evtchn_write,
    .ioctl = evtchn_ioctl,
};

/*
 * xenbus.c: /dev/xenbus and /dev/xenbus_backend (include/xenbus.h), the
 * kernel's carriage between domain 0's xenstore clients and its
 * xenstored, in place of the Unix socket Xen's tools use.
 *
 * Each open /dev/xenbus is a connection with two byte queues: what the
 * client wrote, for the daemon (CLIENT_QUEUE bytes), and what the daemon
 * wrote, for the client (DAEMON_QUEUE). The daemon learns of work by an
 * event on the kernel's port (an unbound port of domain 0's that the
 * daemon bound to): raised once, then not again until the daemon's read
 * has found nothing left (`kicked`), so a burst of writes costs one event.
 * A closed connection stays until the daemon has read that it closed,
 * so that its id is never another's while the daemon may still use it.
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"
#include "platform.h"
#include "hypercall.h"
#include "xenbus.h"
#include "dom0.h"

#define CONNS           16              /* /dev/xenbus files open at once */
#define CLIENT_QUEUE    PAGE_SIZE       /* bytes written by a client, not yet read by the daemon */
#define DAEMON_QUEUE    (2 * PAGE_SIZE) /* bytes the daemon wrote, not yet read by the client: a whole reply and more */
#define IO_CHUNK        256             /* bytes copied through the kernel's stack at a time */

struct queue {
    uint8_t *page[2];                   /* byte i at page[i / PAGE_SIZE][i % PAGE_SIZE] */
    uint32_t size;
    uint32_t read, written;             /* free-running */
};

struct conn {
    enum { FREE, OPEN, CLOSING } state;
    uint32_t generation;                /* in the id: the slot's use */
    struct queue to_daemon, to_client;
    int daemon_waits;                   /* the daemon had more for the client than fitted */
};

static struct spinlock lock;
static struct conn conns[CONNS];
static int daemon_open;
static evtchn_port_t port;              /* the kernel's end of the daemon's event channel; 0 before */
static int kicked;                      /* an event is out that the daemon has not finished reading after */

static long event_op(uint32_t cmd, void *arg)
{
    return dom0_hypercall(__HYPERVISOR_event_channel_op, cmd, (uint32_t)(uintptr_t)arg, 0);
}

static uint32_t queue_used(const struct queue *q) { return q->written - q->read; }
static uint32_t queue_room(const struct queue *q) { return q->size - queue_used(q); }

static int queue_alloc(struct queue *q, uint32_t size)
{
    memset(q, 0, sizeof *q);
    q->size = size;
    for (uint32_t i = 0; i < size / PAGE_SIZE; i++)
        if ((q->page[i] = kalloc()) == 0)
            return -1;
    return 0;
}

static void queue_free(struct queue *q)
{
    for (int i = 0; i < 2; i++)
        if (q->page[i])
            kfree(q->page[i]);
    memset(q, 0, sizeof *q);
}

/* Up to n bytes in or out (at most the room or the bytes there): how many. lock held. */
static uint32_t queue_put(struct queue *q, const uint8_t *from, uint32_t n)
{
    if (n > queue_room(q))
        n = queue_room(q);
    for (uint32_t i = 0; i < n; i++, q->written++)
        q->page[q->written % q->size / PAGE_SIZE][q->written % PAGE_SIZE] = from[i];
    return n;
}

static uint32_t queue_get(struct queue *q, uint8_t *to, uint32_t n)
{
    if (n > queue_used(q))
        n = queue_used(q);
    for (uint32_t i = 0; i < n; i++, q->read++)
        to[i] = q->page[q->read % q->size / PAGE_SIZE][q->read % PAGE_SIZE];
    return n;
}

/* Tells the daemon there is work, unless it has been told already. Called without the lock. */
static void kick(void)
{
    acquire(&lock);
    int send = daemon_open && port && !kicked;
    kicked = 1;
    evtchn_port_t to = port;
    release(&lock);
    if (send) {
        struct evtchn_send s = { to };
        event_op(EVTCHNOP_send, &s);
    }
}

static uint32_t id_of(int slot) { return (uint32_t)slot | conns[slot].generation << 8; }

static struct conn *conn_of(struct file *f)
{
    return &conns[(int)(uintptr_t)*file_private(f) - 1];
}

/* ---- /dev/xenbus: a client's connection ---- */

static int client_open(struct file *f)
{
    acquire(&lock);
    int slot = 0;
    while (slot < CONNS && conns[slot].state != FREE)
        slot++;
    int error = !daemon_open ? -ENOTCONN : slot == CONNS ? -EMFILE : 0;
    if (error == 0)
        conns[slot].state = CLOSING;    /* taken: not yet open to the daemon */
    release(&lock);
    if (error)
        return error;
    struct conn *c = &conns[slot];
    struct queue to_daemon, to_client;
    if (queue_alloc(&to_daemon, CLIENT_QUEUE) < 0 || queue_alloc(&to_client, DAEMON_QUEUE) < 0) {
        queue_free(&to_daemon);
        queue_free(&to_client);
        acquire(&lock);
        c->state = FREE;
        release(&lock);
        return -ENOMEM;
    }
    acquire(&lock);
    c->to_daemon = to_daemon;
    c->to_client = to_client;
    c->daemon_waits = 0;
    c->generation++;
    c->state = OPEN;
    release(&lock);
    *file_private(f) = (void *)(uintptr_t)(slot + 1);
    return 0;
}

/* The slot's queues go back; it is free for another. lock held. */
static void conn_free(struct conn *c)
{
    c->state = FREE;
    queue_free(&c->to_daemon);
    queue_free(&c->to_client);
}

static void client_close(struct file *f)
{
    struct conn *c = conn_of(f);
    acquire(&lock);
    int tell = daemon_open;
    if (tell)
        c->state = CLOSING;             /* until the daemon has read that it closed */
    else
        conn_free(c);
    wakeup(c);
    release(&lock);
    if (tell)
        kick();
}

static int client_read(struct file *f, uint32_t address, int n)
{
    struct conn *c = conn_of(f);
    uint8_t chunk[IO_CHUNK];
    if (n < 0)
        return -EINVAL;
    acquire(&lock);
    while (queue_used(&c->to_client) == 0 && daemon_open) {
        if (myproc()->killed) {
            release(&lock);
            return -EINTR;
        }
        sleep(c, &lock);
    }
    uint32_t count = queue_get(&c->to_client, chunk, (uint32_t)n < IO_CHUNK ? (uint32_t)n : IO_CHUNK);
    int wake_daemon = c->daemon_waits && count;
    if (wake_daemon)
        c->daemon_waits = 0;
    release(&lock);
    if (wake_daemon)
        kick();
    if (copyout(&myproc()->mm, address, chunk, count) < 0)
        return -EFAULT;
    return (int)count;                  /* 0: the daemon has gone */
}

static int client_write(struct file *f, uint32_t address, int n)
{
    struct conn *c = conn_of(f);
    uint8_t chunk[IO_CHUNK];
    if (n < 0)
        return -EINVAL;
    int done = 0;
    while (done < n) {
        uint32_t piece = (uint32_t)(n - done) < IO_CHUNK ? (uint32_t)(n - done) : IO_CHUNK;
        if (copyin(&myproc()->mm, chunk, address + (uint32_t)done, piece) < 0)
            return done ? done : -EFAULT;
        for (uint32_t taken = 0; taken < piece;) {
            acquire(&lock);
            while (queue_room(&c->to_daemon) == 0 && daemon_open && !myproc()->killed)
                sleep(c, &lock);
            if (!daemon_open || myproc()->killed) {
                release(&lock);
                return done ? done : daemon_open ? -EINTR : -ENOTCONN;
            }
            uint32_t put = queue_put(&c->to_daemon, chunk + taken, piece - taken);
            release(&lock);
            taken += put;
            done += (int)put;
            kick();
        }
    }
    return done;
}

/* ---- /dev/xenbus_backend: the daemon's side ---- */

static int backend_open(struct file *f)
{
    (void)f;
    acquire(&lock);
    int busy = daemon_open;
    if (!busy) {
        daemon_open = 1;
        kicked = 0;
    }
    release(&lock);
    if (busy)
        return -EBUSY;
    struct evtchn_alloc_unbound alloc = { DOMID_SELF, 0, 0 };
    long error = event_op(EVTCHNOP_alloc_unbound, &alloc);
    acquire(&lock);
    port = error ? 0 : alloc.port;
    if (error)
        daemon_open = 0;
    release(&lock);
    return error ? (int)error : 0;
}

static void backend_close(struct file *f)
{
    (void)f;
    acquire(&lock);
    daemon_open = 0;
    evtchn_port_t old = port;
    port = 0;
    for (int slot = 0; slot < CONNS; slot++) {
        if (conns[slot].state == CLOSING && conns[slot].to_daemon.page[0])
            conn_free(&conns[slot]);    /* its client closed: no one is left to read that */
        wakeup(&conns[slot]);           /* the clients' reads end, their writes fail */
    }
    release(&lock);
    struct evtchn_close close = { old };
    if (old)
        event_op(EVTCHNOP_close, &close);
}

/* The next record for the daemon into `header` and `chunk`; 0 if there is none. lock held. */
static int next_record(struct xenbus_backend_record *header, uint8_t *chunk, uint32_t room)
{
    for (int slot = 0; slot < CONNS; slot++) {
        struct conn *c = &conns[slot];
        if (c->state == OPEN && queue_used(&c->to_daemon)) {
            header->conn = id_of(slot);
            header->kind = XENBUS_BACKEND_DATA;
            header->length = queue_get(&c->to_daemon, chunk, room);
            wakeup(c);                  /* room for a writer */
            return 1;
        }
        if (c->state == CLOSING && c->to_daemon.page[0]) {
            header->conn = id_of(slot);
            header->kind = XENBUS_BACKEND_CLOSED;
            header->length = 0;
            conn_free(c);
            return 1;
        }
    }
    return 0;
}

static int backend_read(struct file *f, uint32_t address, int n)
{
    (void)f;
    struct xenbus_backend_record header;
    uint8_t chunk[IO_CHUNK];
    if (n < (int)sizeof header)
        return -EINVAL;
    uint32_t room = (uint32_t)n - sizeof header < IO_CHUNK ? (uint32_t)n - sizeof header : IO_CHUNK;
    acquire(&lock);
    int found = next_record(&header, chunk, room);
    if (!found)
        kicked = 0;                     /* read to the end: the next work raises an event again */
    release(&lock);
    if (!found)
        return 0;
    struct mm *mm = &myproc()->mm;
    if (copyout(mm, address, &header, sizeof header) < 0 || copyout(mm, address + sizeof header, chunk, header.length) < 0)
        return -EFAULT;
    return (int)(sizeof header + header.length);
}

static int backend_write(struct file *f, uint32_t address, int n)
{
    (void)f;
    struct xenbus_backend_record header;
    uint8_t chunk[IO_CHUNK];
    struct mm *mm = &myproc()->mm;
    if (n < (int)sizeof header)
        return -EINVAL;
    if (copyin(mm, &header, address, sizeof header) < 0)
        return -EFAULT;
    int slot = (int)(header.conn & 0xff);
    if (header.kind != XENBUS_BACKEND_DATA || header.length > (uint32_t)n - sizeof header)
        return -EINVAL;
    uint32_t done = 0;
    while (done < header.length) {
        uint32_t piece = header.length - done < IO_CHUNK ? header.length - done : IO_CHUNK;
        if (copyin(mm, chunk, address + sizeof header + done, piece) < 0)
            return -EFAULT;
        acquire(&lock);
        if (slot >= CONNS || conns[slot].state != OPEN || id_of(slot) != header.conn) {
            release(&lock);
            return -ENOTCONN;           /* it closed: the daemon hears so at its next read */
        }
        struct conn *c = &conns[slot];
        uint32_t put = queue_put(&c->to_client, chunk, piece);
        if (put < piece)
            c->daemon_waits = 1;
        wakeup(c);
        release(&lock);
        done += put;
        if (put < piece)
            break;
    }
    return (int)(sizeof header + done);
}

static int backend_ioctl(struct file *f, uint32_t request, uint32_t arg)
{
    (void)f;
    (void)arg;
    if (request != IOCTL_XENBUS_BACKEND_EVTCHN)
        return -ENOTTY;
    acquire(&lock);
    int answer = port ? (int)port : -ENOTCONN;
    release(&lock);
    return answer;
}

void xenbus_init(void)
{
    spinlock_init(&lock, "xenbus");
}

const struct device xenbus_device = {
    .name = "xenbus", .open = client_open, .close = client_close, .read = client_read, .write = client_write,
};

const struct device xenbus_backend_device = {
    .name = "xenbus_backend", .open = backend_open, .close = backend_close, .read = backend_read,
    .write = backend_write, .ioctl = backend_ioctl,
};

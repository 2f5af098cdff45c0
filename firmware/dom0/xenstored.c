/*
 * xenstored.c: domain 0's xenstore daemon. The store itself (its tree,
 * permissions, watches and transactions) is toolstack/xs_store.c; this is
 * how its messages travel:
 *
 *   - domain 0's programs, each open /dev/xenbus a connection, carried by
 *     the kernel through /dev/xenbus_backend (include/xenbus.h);
 *   - each DomU the toolstack introduced (XS_INTRODUCE: its domain id, the
 *     guest frame of its ring page, the port of its event channel): the
 *     page, a struct xenstore_domain_interface, mapped through
 *     /dev/privcmd, and the channel bound through /dev/evtchn.
 *
 * It waits on /dev/evtchn alone: the kernel's port says a local client
 * has something, a domain's port that its ring moved, and VIRQ_DOM_EXC
 * that a domain may have gone (its connection is then released, as Xen's
 * xenstored does, so a domain destroyed without XS_RELEASE gives its ring
 * page back too).
 *
 * Nothing a DomU writes in its ring is trusted: indexes further apart
 * than the ring, or a message longer than XENSTORE_PAYLOAD_MAX, end that
 * domain's connection (the ring's `error` says why) and no other. While
 * a domain has not taken its last replies, no more of its requests are
 * read, so a domain that never reads cannot make the daemon hold more
 * than one reply for it.
 *
 * /etc/rc starts it first: it opens its devices, says "xenstored: ready"
 * and goes on in a child while the command returns.
 */
#include "libc.h"
#include "evtchn.h"
#include "xenbus.h"
#include "xc.h"
#include "xs_store.h"

#define LOCAL_CONNS     16
#define RING_CONNS      8               /* DomUs at once (the hypervisor's NDOMAIN) */
#define LOCAL_BACKLOG   (64 * 1024)     /* bytes a local client may leave unread before replies are dropped */
#define MESSAGE_MAX     (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)

struct conn {
    struct xs_client client;
    int used;
    uint32_t local_id;                  /* a local connection: the kernel's id for it */
    struct xenstore_domain_interface *ring;     /* a domain's: its ring page, mapped; 0 for local ones */
    uint32_t gfn, port;                 /* the domain's frame and port (as introduced) */
    uint32_t local_port;                /* our end of its event channel */
    xen_domain_handle_t handle;         /* the domain's, to tell it from a later one with its id */
    int broken;                         /* a protocol error: nothing more is read */
    int fresh;                          /* introduced: its ring is read once the request that did it is done */
    /* the message being read */
    struct xsd_sockmsg header;
    uint32_t have;                      /* bytes of header and body so far */
    char *body;                         /* XENSTORE_PAYLOAD_MAX bytes */
    /* what waits to be sent */
    uint8_t *out;
    uint32_t out_length, out_capacity;
};

static struct conn locals[LOCAL_CONNS], rings[RING_CONNS];
static int backend = -1, events = -1;
static uint32_t kernel_port, dom_exc_port;

static void say(const char *what)
{
    dprintf(STDERR, "xenstored: %s\n", what);
}

static int conn_start(struct conn *c, uint16_t domid)
{
    memset(c, 0, sizeof *c);
    c->body = malloc(XENSTORE_PAYLOAD_MAX);
    if (c->body == 0)
        return -ENOMEM;
    c->used = 1;
    c->client.domid = domid;
    c->client.transport = c;
    return 0;
}

static void conn_end(struct conn *c)
{
    xs_client_gone(&c->client);
    free(c->body);
    free(c->out);
    c->used = 0;
}

/* ---- sending ---- */

static int append(struct conn *c, const void *data, uint32_t n)
{
    if (c->out_length + n > c->out_capacity) {
        uint32_t capacity = c->out_capacity ? c->out_capacity : 1024;
        while (capacity < c->out_length + n)
            capacity *= 2;
        uint8_t *bigger = realloc(c->out, capacity);
        if (bigger == 0)
            return -ENOMEM;
        c->out = bigger;
        c->out_capacity = capacity;
    }
    memcpy(c->out + c->out_length, data, n);
    c->out_length += n;
    return 0;
}

static void sent(struct conn *c, uint32_t n)
{
    memmove(c->out, c->out + n, c->out_length - n);
    c->out_length -= n;
}

/* As much of a local connection's output as the kernel takes. */
static void flush_local(struct conn *c)
{
    static uint8_t record[sizeof(struct xenbus_backend_record) + 2 * MESSAGE_MAX];
    while (c->out_length) {
        uint32_t n = c->out_length < 2 * MESSAGE_MAX ? c->out_length : 2 * MESSAGE_MAX;
        struct xenbus_backend_record header = { c->local_id, XENBUS_BACKEND_DATA, n };
        memcpy(record, &header, sizeof header);
        memcpy(record + sizeof header, c->out, n);
        int taken = write(backend, record, (int)(sizeof header + n));
        if (taken < 0) {
            c->out_length = 0;          /* it closed: the kernel says so at the next read */
            return;
        }
        sent(c, (uint32_t)taken - sizeof header);
        if ((uint32_t)taken - sizeof header < n)
            return;                     /* full: the kernel raises an event once the client reads */
    }
}

static void notify(struct conn *c)
{
    struct ioctl_evtchn_notify n = { c->local_port };
    ioctl(events, IOCTL_EVTCHN_NOTIFY, &n);
}

/* Stops serving a domain's ring, telling it why (XENSTORE_ERROR_*). */
static void ring_broken(struct conn *c, uint32_t why)
{
    c->broken = 1;
    c->ring->error = why;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    notify(c);
    dprintf(STDERR, "xenstored: d%u broke its ring (error %u): no longer served\n", (unsigned)c->client.domid,
            (unsigned)why);
}

/* Replies into the domain's rsp ring, as far as there is room: whether any went. */
static int flush_ring(struct conn *c)
{
    volatile struct xenstore_domain_interface *r = c->ring;
    int moved = 0;
    while (c->out_length && !c->broken) {
        XENSTORE_RING_IDX cons = r->rsp_cons, prod = r->rsp_prod;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (prod - cons > XENSTORE_RING_SIZE) {
            ring_broken(c, XENSTORE_ERROR_RINGIDX);
            break;
        }
        uint32_t room = XENSTORE_RING_SIZE - (prod - cons);
        uint32_t to_end = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
        uint32_t n = c->out_length < room ? c->out_length : room;
        if (n > to_end)
            n = to_end;
        if (n == 0)
            break;
        memcpy((char *)r->rsp + MASK_XENSTORE_IDX(prod), c->out, n);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        r->rsp_prod = prod + n;
        sent(c, n);
        moved = 1;
    }
    return moved;
}

void xs_send(struct xs_client *client, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *body, uint32_t len)
{
    struct conn *c = client->transport;
    struct xsd_sockmsg header = { type, req_id, tx_id, len };
    if (c->ring == 0 && c->out_length + sizeof header + len > LOCAL_BACKLOG) {
        dprintf(STDERR, "xenstored: a local client leaves its replies unread: one dropped\n");
        return;
    }
    if (append(c, &header, sizeof header) < 0 || append(c, body, len) < 0) {
        say("out of memory: a reply dropped");
        return;
    }
    if (c->ring == 0)
        flush_local(c);
    /* a domain's replies go when its ring is served (serve_ring), after the request that made them */
}

/* ---- receiving ---- */

/*
 * Takes bytes of c's stream (up to the end of one message): how many it
 * took. A whole message is handled at once; one longer than
 * XENSTORE_PAYLOAD_MAX breaks the connection (-1).
 */
static int take(struct conn *c, const uint8_t *bytes, uint32_t n)
{
    uint32_t used = 0;
    if (c->have < sizeof c->header) {
        used = sizeof c->header - c->have < n ? sizeof c->header - c->have : n;
        memcpy((uint8_t *)&c->header + c->have, bytes, used);
        c->have += used;
        if (c->have < sizeof c->header)
            return (int)used;
        if (c->header.len > XENSTORE_PAYLOAD_MAX)
            return -1;
    }
    uint32_t body_have = c->have - sizeof c->header;
    uint32_t more = c->header.len - body_have < n - used ? c->header.len - body_have : n - used;
    memcpy(c->body + body_have, bytes + used, more);
    c->have += more;
    used += more;
    if (c->have == sizeof c->header + c->header.len) {
        c->have = 0;
        xs_handle(&c->client, &c->header, c->body);
    }
    return (int)used;
}

/* Reads and answers the domain's requests while its replies have gone; then sends what it can. */
static void serve_ring(struct conn *c)
{
    volatile struct xenstore_domain_interface *r = c->ring;
    int moved = 0;
    while (!c->broken) {
        moved |= flush_ring(c);
        if (c->out_length)
            break;                      /* its ring is full of replies: its next requests wait */
        XENSTORE_RING_IDX cons = r->req_cons, prod = r->req_prod;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (prod - cons > XENSTORE_RING_SIZE) {
            ring_broken(c, XENSTORE_ERROR_RINGIDX);
            break;
        }
        if (prod == cons)
            break;
        uint8_t chunk[XENSTORE_RING_SIZE];
        uint32_t n = prod - cons, at = MASK_XENSTORE_IDX(cons);
        for (uint32_t i = 0; i < n; i++)
            chunk[i] = (uint8_t)r->req[(at + i) % XENSTORE_RING_SIZE];
        int used = take(c, chunk, n);
        if (used < 0) {
            ring_broken(c, XENSTORE_ERROR_PROTO);
            break;
        }
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        r->req_cons = cons + (uint32_t)used;
        moved = 1;
    }
    if (moved && !c->broken)
        notify(c);
}

static struct conn *local_of(uint32_t id, int create)
{
    struct conn *free_slot = 0;
    for (int i = 0; i < LOCAL_CONNS; i++) {
        if (locals[i].used && locals[i].local_id == id)
            return &locals[i];
        if (!locals[i].used && !free_slot)
            free_slot = &locals[i];
    }
    if (!create || !free_slot || conn_start(free_slot, 0) < 0)
        return 0;
    free_slot->local_id = id;
    return free_slot;
}

/* Every record the kernel has: local clients' bytes and goings; then their waiting output. */
static void serve_local(void)
{
    static uint8_t record[sizeof(struct xenbus_backend_record) + 256];
    for (;;) {
        int n = read(backend, record, sizeof record);
        if (n <= 0)
            break;
        struct xenbus_backend_record header;
        memcpy(&header, record, sizeof header);
        struct conn *c = local_of(header.conn, header.kind == XENBUS_BACKEND_DATA);
        if (header.kind == XENBUS_BACKEND_CLOSED) {
            if (c)
                conn_end(c);
            continue;
        }
        if (c == 0) {
            say("no room for another local connection: its bytes dropped");
            continue;
        }
        const uint8_t *bytes = record + sizeof header;
        for (uint32_t done = 0; done < header.length && !c->broken;) {
            int used = take(c, bytes + done, header.length - done);
            if (used < 0) {
                c->broken = 1;
                say("a local client sent a message too long: it is ignored from now on");
                break;
            }
            done += (uint32_t)used;
        }
    }
    for (int i = 0; i < LOCAL_CONNS; i++)
        if (locals[i].used && locals[i].out_length)
            flush_local(&locals[i]);
}

/* ---- domains ---- */

static struct conn *ring_of(uint16_t domid)
{
    for (int i = 0; i < RING_CONNS; i++)
        if (rings[i].used && rings[i].client.domid == domid)
            return &rings[i];
    return 0;
}

int xs_is_introduced(uint16_t domid)
{
    return domid == 0 || ring_of(domid) != 0;
}

int xs_introduce(uint16_t domid, uint32_t gfn, uint32_t port)
{
    struct xen_domctl_getdomaininfo info;
    if (domid == 0 || domid >= DOMID_FIRST_RESERVED || xc_domain_getinfo(domid, &info) < 0 || info.domain != domid)
        return EINVAL;
    if (ring_of(domid))
        return EEXIST;
    struct conn *c = 0;
    for (int i = 0; i < RING_CONNS && !c; i++)
        if (!rings[i].used)
            c = &rings[i];
    if (c == 0 || conn_start(c, domid) < 0)
        return ENOSPC;
    xen_ulong_t frame = gfn;
    int32_t error;
    c->ring = xc_map_foreign(domid, &frame, 1, &error);
    struct ioctl_evtchn_bind_interdomain bind = { domid, port };
    int local = c->ring ? ioctl(events, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind) : -EINVAL;
    if (local < 0) {
        if (c->ring)
            xc_unmap_foreign(c->ring, 1);
        c->ring = 0;
        conn_end(c);
        return EINVAL;
    }
    c->gfn = gfn;
    c->port = port;
    c->local_port = (uint32_t)local;
    memcpy(c->handle, info.handle, sizeof c->handle);
    c->ring->server_features = XENSTORE_SERVER_FEATURE_ERROR;
    c->ring->error = XENSTORE_ERROR_NONE;
    c->fresh = 1;                       /* what it wrote before we came: read after this request (serve) */
    return 0;
}

static void release(struct conn *c)
{
    struct ioctl_evtchn_unbind unbind = { c->local_port };
    ioctl(events, IOCTL_EVTCHN_UNBIND, &unbind);
    xc_unmap_foreign(c->ring, 1);
    c->ring = 0;
    conn_end(c);
}

int xs_release(uint16_t domid)
{
    struct conn *c = domid ? ring_of(domid) : 0;
    if (c == 0)
        return ENOENT;
    release(c);
    return 0;
}

/* VIRQ_DOM_EXC: a domain that has been destroyed (or is being) has its connection released. */
static void domains_changed(void)
{
    for (int i = 0; i < RING_CONNS; i++) {
        struct conn *c = &rings[i];
        struct xen_domctl_getdomaininfo info;
        if (!c->used)
            continue;
        int gone = xc_domain_getinfo(c->client.domid, &info) < 0 || info.domain != c->client.domid ||
                   memcmp(info.handle, c->handle, sizeof c->handle) != 0 || (info.flags & XEN_DOMINF_dying);
        if (gone) {
            release(c);
            xs_fire_special(XS_RELEASE_DOMAIN_PATH);
        }
    }
}

static void serve(void)
{
    serve_local();                      /* what came before the port was bound */
    for (;;) {
        uint32_t ports[16];
        int n = read(events, ports, sizeof ports);
        if (n == -EOVERFLOW) {          /* events lost: look at everything */
            serve_local();
            domains_changed();
            for (int i = 0; i < RING_CONNS; i++)
                if (rings[i].used)
                    serve_ring(&rings[i]);
            continue;
        }
        if (n <= 0) {
            dprintf(STDERR, "xenstored: %s: %s: stopping\n", EVTCHN_DEVICE, strerror(n));
            exit(1);
        }
        write(events, ports, n);        /* unmasked before they are served: nothing that comes after is missed */
        for (int i = 0; i < n / (int)sizeof ports[0]; i++) {
            if (ports[i] == kernel_port) {
                serve_local();
            } else if (ports[i] == dom_exc_port) {
                domains_changed();
            } else {
                for (int r = 0; r < RING_CONNS; r++)
                    if (rings[r].used && rings[r].local_port == ports[i])
                        serve_ring(&rings[r]);
            }
        }
        for (int r = 0; r < RING_CONNS; r++) {
            if (rings[r].used && rings[r].fresh) {
                rings[r].fresh = 0;
                serve_ring(&rings[r]);
            }
        }
    }
}

int main(void)
{
    backend = open(XENBUS_BACKEND_DEVICE, O_RDWR);
    if (backend < 0) {
        dprintf(STDERR, "xenstored: %s: %s%s\n", XENBUS_BACKEND_DEVICE, strerror(backend),
                backend == -EBUSY ? " (is xenstored running already?)" : "");
        return 1;
    }
    events = open(EVTCHN_DEVICE, O_RDWR);
    int port = ioctl(backend, IOCTL_XENBUS_BACKEND_EVTCHN, 0);
    struct ioctl_evtchn_bind_interdomain bind = { 0, (uint32_t)port };
    struct ioctl_evtchn_bind_virq virq = { VIRQ_DOM_EXC };
    int local = events < 0 ? events : port < 0 ? port : ioctl(events, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    int exc = local < 0 ? local : ioctl(events, IOCTL_EVTCHN_BIND_VIRQ, &virq);
    if (exc < 0) {
        dprintf(STDERR, "xenstored: %s: %s\n", EVTCHN_DEVICE, strerror(exc));
        return 1;
    }
    kernel_port = (uint32_t)local;
    dom_exc_port = (uint32_t)exc;
    if (xs_store_init() < 0) {
        say("no memory for the store");
        return 1;
    }
    int pid = fork();
    if (pid < 0) {
        dprintf(STDERR, "xenstored: fork: %s\n", strerror(pid));
        return 1;
    }
    if (pid == 0)
        serve();
    printf("xenstored: ready\n");
    return 0;
}

/*
 * snoop.c: a DomU that snoops: it speaks xenstore on the ring the
 * toolstack gave it (HVM_PARAM_STORE_PFN and _EVTCHN, as a PV driver
 * finds it) and tries everything a domain must not do there, to show
 * xenstored's permissions at work. Dom0's /etc/xen/snoop.cfg starts it;
 * src/system/xenstore.test.ts checks what it prints.
 *
 * What is its own it may do: read its name and domid, write under its
 * data/ directory, give others read access to its own node. What is not
 * it may not: read domain 0's or another domain's entries, write its own
 * name (domain 0's node), make nodes outside its home, change domain 0's
 * permissions, introduce or release domains, use its console ring's port
 * (the hypervisor's end of the channel). With `grant` on its command
 * line it grants domain 0 a page and waits for it (grant_to_dom0). Then
 * it fills its quota
 * (xenstored refuses past it) and breaks its ring on purpose with a
 * message longer than the protocol allows: xenstored stops serving it
 * (the ring's error says why) and nobody else. One line per check
 * ("snoop: ok: ..." or "snoop: FAIL: ..."), then "snoop: done: P passed,
 * F failed", and it powers off.
 */
#include "guest.h"
#include "hypercall.h"
#include "xs_wire.h"
#include "format.h"
#include "string.h"

#define REPLY_TICKS (2 * 10000000ull)   /* 2 s of the 10 MHz timebase for a reply */

static volatile struct xenstore_domain_interface *ring;
static uint32_t port, next_id = 1, domid;
static char reply[XENSTORE_PAYLOAD_MAX + 1];
static struct xsd_sockmsg reply_header;

/* Waiting for xenstored: the pCPU goes to someone else meanwhile. */
static void wait_a_moment(void)
{
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

static void notify(void)
{
    struct evtchn_send send = { port };
    hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint32_t)(uintptr_t)&send, 0);
}

/* n bytes into the request ring, waiting for room: 0, or -1 if xenstored stopped taking them. */
static int ring_write(const void *data, uint32_t n)
{
    const uint8_t *from = data;
    uint64_t deadline = time_now() + REPLY_TICKS;
    while (n) {
        uint32_t prod = ring->req_prod, room = XENSTORE_RING_SIZE - (prod - ring->req_cons);
        if (room == 0) {
            if (time_now() > deadline)
                return -1;
            wait_a_moment();
            continue;
        }
        uint32_t piece = n < room ? n : room;
        for (uint32_t i = 0; i < piece; i++)
            ring->req[MASK_XENSTORE_IDX(prod + i)] = (char)from[i];
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        ring->req_prod = prod + piece;
        notify();
        from += piece;
        n -= piece;
    }
    return 0;
}

/* n bytes from the reply ring: 0, or -1 if none came in time. */
static int ring_read(void *to, uint32_t n)
{
    uint8_t *at = to;
    uint64_t deadline = time_now() + REPLY_TICKS;
    while (n) {
        uint32_t cons = ring->rsp_cons, there = ring->rsp_prod - cons;
        if (there == 0) {
            if (time_now() > deadline)
                return -1;
            wait_a_moment();
            continue;
        }
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        uint32_t piece = n < there ? n : there;
        for (uint32_t i = 0; i < piece; i++)
            at[i] = (uint8_t)ring->rsp[MASK_XENSTORE_IDX(cons + i)];
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        ring->rsp_cons = cons + piece;
        notify();
        at += piece;
        n -= piece;
    }
    return 0;
}

static const char *const errno_names[] = { "EACCES", "ENOENT", "EINVAL", "EEXIST", "E2BIG", "ENOSPC", "EQUOTA", "EPERM" };

/*
 * A request of `len` bytes of payload; the reply in reply[]. Its length,
 * or the error xenstored answered as -1 - (its index in errno_names), or
 * -100 for no answer at all.
 */
static long request(uint32_t type, const char *payload, uint32_t len)
{
    struct xsd_sockmsg header = { type, next_id++, 0, len };
    if (ring_write(&header, sizeof header) < 0 || ring_write(payload, len) < 0)
        return -100;
    do {
        if (ring_read(&reply_header, sizeof reply_header) < 0 || reply_header.len > XENSTORE_PAYLOAD_MAX ||
            ring_read(reply, reply_header.len) < 0)
            return -100;
        reply[reply_header.len] = 0;
    } while (reply_header.type == XS_WATCH_EVENT);
    if (reply_header.type != XS_ERROR)
        return (long)reply_header.len;
    for (uint32_t i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++)
        if (strcmp(reply, errno_names[i]) == 0)
            return -1 - (long)i;
    return -99;
}

#define R_EACCES (-1)
#define R_ENOENT (-2)

/* Two strings, each with its NUL, as one payload. */
static uint32_t two(char *to, const char *a, const char *b)
{
    uint32_t n = (uint32_t)strlen(a) + 1;
    memcpy(to, a, n);
    uint32_t m = b ? (uint32_t)strlen(b) + 1 : 0;
    if (b)
        memcpy(to + n, b, m);
    return n + m;
}

static long xs_read(const char *path)
{
    char payload[128];
    return request(XS_READ, payload, two(payload, path, 0));
}

static long xs_write(const char *path, const char *value)
{
    char payload[256];
    uint32_t n = two(payload, path, 0), m = (uint32_t)strlen(value);
    memcpy(payload + n, value, m);
    return request(XS_WRITE, payload, n + m);
}

static long xs_simple(uint32_t type, const char *a, const char *b)
{
    char payload[256];
    return request(type, payload, two(payload, a, b));
}

static void expect_refused(long got, long expected, const char *what)
{
    check(got == expected, what, got, expected == R_EACCES ? "EACCES (-1)" : "ENOENT (-2)");
}

/* The decimal number a read (its result n) left in reply[]; 0 if the read failed. */
static uint32_t read_number(long n)
{
    uint32_t value = 0;
    for (const char *c = reply; n > 0 && *c >= '0' && *c <= '9'; c++)
        value = value * 10 + (uint32_t)(*c - '0');
    return value;
}

static long get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param param = { DOMID_SELF, 0, index, 0 };
    long error = hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint32_t)(uintptr_t)&param, 0);
    *value = param.value;
    return error;
}

static void own_entries(void)
{
    char path[64];
    long n = xs_read("domid");
    domid = read_number(n);
    check(n > 0 && domid > 0, "read of its own domid (relative)", n, "a domain id");
    snprintf(path, sizeof path, "/local/domain/%u/name", (unsigned)domid);
    n = xs_read(path);
    check(n > 0 && strcmp(reply, "snoop") == 0, "read of its own name", n, "\"snoop\"");
    expect(xs_write("data/note", "hello from snoop"), 3, "write of data/note (its own)", "3 (OK)");
    n = xs_read("data/note");
    check(n > 0 && strcmp(reply, "hello from snoop") == 0, "read back of data/note", n, "what it wrote");
    n = xs_simple(XS_GET_DOMAIN_PATH, "0", 0);
    check(n > 0 && strcmp(reply, "/local/domain/0") == 0, "get_domain_path 0", n, "/local/domain/0");
    snprintf(path, sizeof path, "n%u", (unsigned)domid);
    char payload[64];
    uint32_t n2 = two(payload, "data/note", path);
    memcpy(payload + n2, "r1", 3);
    expect(request(XS_SET_PERMS, payload, n2 + 3), 3, "set_perms of its own data/note (guest1 may read it)", "3 (OK)");
    expect(xs_simple(XS_SET_PERMS, "data/note", "n0"), -8, "set_perms handing data/note to domain 0", "EPERM (-8)");
}

static void others_entries(void)
{
    char path[64];
    expect_refused(xs_read("/local/domain/0/name"), R_EACCES, "read of /local/domain/0/name");
    expect_refused(xs_write("/local/domain/0/name", "pwned"), R_EACCES, "write of /local/domain/0/name");
    expect_refused(xs_simple(XS_DIRECTORY, "/local/domain", 0), R_EACCES, "directory of /local/domain");
    snprintf(path, sizeof path, "/local/domain/%u/name", (unsigned)domid);
    expect_refused(xs_write(path, "root"), R_EACCES, "write of its own name (domain 0's node)");
    for (uint32_t other = 1; other < 8; other++) {
        if (other == domid)
            continue;
        char what[96];
        snprintf(path, sizeof path, "/local/domain/%u/name", (unsigned)other);
        long got = xs_read(path);
        snprintf(what, sizeof what, "read of %s", path);
        check(got == R_EACCES || got == R_ENOENT, what, got, "EACCES or ENOENT");
        snprintf(path, sizeof path, "/local/domain/%u/data/snooped", (unsigned)other);
        got = xs_write(path, "x");
        snprintf(what, sizeof what, "write of %s", path);
        check(got == R_EACCES || got == R_ENOENT, what, got, "EACCES or ENOENT");
    }
    expect_refused(xs_write("/tool/snoop", "x"), R_EACCES, "write of /tool/snoop");
    expect_refused(xs_simple(XS_MKDIR, "/vm/snoop", 0), R_EACCES, "mkdir of /vm/snoop");
    expect_refused(xs_simple(XS_RM, "/local/domain/0", 0), R_EACCES, "rm of /local/domain/0");
    snprintf(path, sizeof path, "/local/domain/%u", (unsigned)domid);
    expect_refused(xs_simple(XS_SET_PERMS, path, "b0"), R_EACCES, "set_perms of its home (domain 0's)");
    char payload[64];
    uint32_t n = two(payload, "7", "1234");
    memcpy(payload + n, "5", 2);
    long got = request(XS_INTRODUCE, payload, n + 2);
    check(got < 0 && got != -100, "introduce of a domain", got, "refused");
    got = xs_simple(XS_RELEASE, "0", 0);
    check(got < 0 && got != -100, "release of domain 0", got, "refused");
}

static long event_op(uint32_t cmd, void *op)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, (uint32_t)(uintptr_t)op, 0);
}

/*
 * Its console ring's port (xenstore's vuart/0/port, which it may read) is
 * the hypervisor's end: it may not send on it, close it or move it, and
 * the ring it shares with domain 0 is its own to scribble on.
 */
static void console_port(void)
{
    long n = xs_read("vuart/0/port");
    uint32_t console = read_number(n);
    check(n > 0 && console != 0 && console != port, "read of its console ring's port (vuart/0/port)", n, "a port");
    struct evtchn_send send = { console };
    expect(event_op(EVTCHNOP_send, &send), -XEN_EINVAL, "send on its console ring's port", "-EINVAL");
    struct evtchn_bind_vcpu bind = { console, 0 };
    expect(event_op(EVTCHNOP_bind_vcpu, &bind), -XEN_EINVAL, "bind_vcpu of its console ring's port", "-EINVAL");
    struct evtchn_close close = { console };
    expect(event_op(EVTCHNOP_close, &close), -XEN_EINVAL, "close of its console ring's port", "-EINVAL");
    expect(event_op(EVTCHNOP_send, &send), -XEN_EINVAL, "send on it after that (still the hypervisor's)", "-EINVAL");
    n = xs_read("vuart/0/ring-ref");
    uint32_t gfn = read_number(n);
    check(n > 0 && gfn != 0, "read of its console ring's frame (vuart/0/ring-ref)", (long)gfn, "a frame");
    if (gfn) {
        volatile struct xencons_interface *ring = (volatile struct xencons_interface *)(uintptr_t)(gfn << 12);
        ring->out_prod = 0x7ffffff0;    /* nonsense for whoever serves it next: the hypervisor takes it as full */
        ring->in_prod = 0x12345;
        print("snoop: its console ring's indexes scribbled on\n");
    }
}

#define GRANT_TABLE_GPA (GUEST_XEN_BASE + 0x1000)    /* where its grant table's frame 0 goes */
#define PAGE_REF        8
#define GRANTED_TEXT    "a page snoop granted to domain 0"
#define ANSWER_TEXT     "domain 0 was here"
#define ANSWER_AT       256

static char granted[4096] __attribute__((aligned(4096)));

/*
 * Booted with `grant` (xl create /etc/xen/snoop.cfg 'cmdline="grant"'):
 * the split-driver handshake of a PV front end. It grants domain 0 a page
 * (grant PAGE_REF), names it in xenstore (data/page-ref), and waits until
 * domain 0 says it has read it (data/page-read, which devtest gntdev
 * writes); then it finds domain 0's answer in the page and takes its
 * grant back, which it can now that nobody has it mapped.
 */
static void grant_to_dom0(void)
{
    if (!bootargs_has("grant"))
        return;
    struct xen_add_to_physmap map = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
                                      .gpfn = GRANT_TABLE_GPA / 4096 };
    expect(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)(uintptr_t)&map, 0), 0,
           "its grant table mapped", "0");
    struct grant_entry_v1 *table = (struct grant_entry_v1 *)GRANT_TABLE_GPA;
    strlcpy(granted, GRANTED_TEXT, sizeof granted);
    table[PAGE_REF].domid = 0;
    table[PAGE_REF].frame = (uint32_t)(uintptr_t)granted >> 12;
    __atomic_store_n(&table[PAGE_REF].flags, GTF_permit_access, __ATOMIC_RELEASE);
    expect(xs_write("data/page-ref", "8"), 3, "write of data/page-ref", "3 (OK)");
    print("snoop: grant %d holds a page for domain 0; waiting for its data/page-read (devtest gntdev %u)\n", PAGE_REF,
          (unsigned)domid);
    while (xs_read("data/page-read") < 0 || strcmp(reply, "done") != 0)
        sleep_ms(20);
    check(strcmp(granted + ANSWER_AT, ANSWER_TEXT) == 0, "domain 0's answer in the granted page", 0,
          "\"" ANSWER_TEXT "\"");
    uint32_t *word = (uint32_t *)&table[PAGE_REF];
    uint32_t expected = GTF_permit_access;   /* domid 0 in the high half */
    check(__atomic_compare_exchange_n(word, &expected, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE),
          "its grant taken back once domain 0 unmapped it", (long)expected, "taken");
}

/* Makes nodes until xenstored refuses: it must, before a few hundred. */
static void quota(void)
{
    char path[32];
    long got = 0;
    int made = 0;
    while (made < 2000) {
        snprintf(path, sizeof path, "data/q/%d", made);
        got = xs_write(path, "x");
        if (got < 0)
            break;
        made++;
    }
    check(got < 0 && got != -100 && made < 1000, "nodes until its quota", made, "refused before 1000");
    print("snoop: quota: %d nodes made, then error %ld\n", made, got);
    expect(xs_simple(XS_RM, "data/q", 0), 3, "rm of its data/q (the quota back)", "3 (OK)");
    expect(xs_write("data/after", "y"), 3, "write after the rm", "3 (OK)");
}

/* A message longer than XENSTORE_PAYLOAD_MAX: xenstored stops serving this ring, and says why. */
static void break_ring(void)
{
    struct xsd_sockmsg header = { XS_READ, next_id++, 0, XENSTORE_PAYLOAD_MAX + 1 };
    ring_write(&header, sizeof header);
    uint64_t deadline = time_now() + REPLY_TICKS;
    while (ring->error == XENSTORE_ERROR_NONE && time_now() < deadline)
        wait_a_moment();
    expect(ring->error, XENSTORE_ERROR_PROTO, "the ring's error after a message too long", "XENSTORE_ERROR_PROTO");
    expect(xs_read("domid"), -100, "a read after that", "no answer");
}

void guest_program(uint32_t hartid)
{
    (void)hartid;
    check_prefix = "snoop";
    uint64_t pfn = 0, evtchn = 0;
    long error = get_param(HVM_PARAM_STORE_PFN, &pfn);
    if (error == 0)
        error = get_param(HVM_PARAM_STORE_EVTCHN, &evtchn);
    check(error == 0 && pfn != 0 && evtchn != 0, "its xenstore ring (HVM params)", error, "a frame and a port");
    if (error == 0 && pfn && evtchn) {
        ring = (volatile struct xenstore_domain_interface *)(uintptr_t)(pfn << 12);
        port = (uint32_t)evtchn;
        print("snoop: its xenstore ring at frame 0x%x, port %u\n", (unsigned)pfn, (unsigned)port);
        own_entries();
        others_entries();
        console_port();
        grant_to_dom0();
        quota();
        break_ring();
    }
    checks_done();
    guest_power_off(checks_failed != 0);
}

void guest_secondary_program(uint32_t hartid)
{
    (void)hartid;
}

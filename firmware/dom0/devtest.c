/*
 * devtest.c: the dom0 build's device test, in domain 0's initramfs as
 * "devtest". It checks /dev/evtchn (include/evtchn.h) end to end and
 * with bad input: a VIRQ shared between two files, a loopback channel
 * between two files (each end reads the other's notification, masked
 * until written back), and every refusal (a port that is not the file's,
 * a bad VIRQ or domain, short reads and odd writes, bad pointers, too
 * many files, an unknown request), after which the device still works;
 * then xenstore through /dev/xenbus: transactions and a watch.
 *
 * `devtest gntdev D` checks /dev/gntdev (include/gntdev.h) with the page
 * domain D offers domain 0: D's data/page-ref in xenstore names the grant
 * (snoop started with cmdline="grant" does that). It maps it, reads what
 * D wrote there and writes an answer, maps it a second time read-only,
 * tries the refusals (a grant D did not make, domains that are not there,
 * bad counts, flags and pointers), unmaps it and writes D's data/page-read, on which D takes
 * its grant back.
 *
 * It prints a line per check and "devtest: done: N passed, M failed".
 */
#include "libc.h"
#include "abi.h"
#include "hypercall.h"
#include "evtchn.h"
#include "gntdev.h"
#include "xs.h"

#define BAD_POINTER ((void *)0x10)
#define MAX_FILES   8                   /* kernel/dom0/evtchn.c: USERS */

static int passed, failed;

static void check(int ok, const char *what, long got, const char *expected)
{
    printf("devtest: %s: %s -> %ld, %s\n", ok ? "ok" : "FAIL", what, got, expected);
    if (ok)
        passed++;
    else
        failed++;
}

static void expect(long got, long wanted, const char *what, const char *expected)
{
    check(got == wanted, what, got, expected);
}

static int bind_virq(int fd, uint32_t virq)
{
    struct ioctl_evtchn_bind_virq bind = { virq };
    return ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &bind);
}

static int notify(int fd, uint32_t port)
{
    struct ioctl_evtchn_notify n = { port };
    return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static int unbind(int fd, uint32_t port)
{
    struct ioctl_evtchn_unbind u = { port };
    return ioctl(fd, IOCTL_EVTCHN_UNBIND, &u);
}

/* The next port fd reads (it waits), unmasked again; or the negative errno. */
static long next_event(int fd)
{
    uint32_t port;
    int n = read(fd, &port, sizeof port);
    if (n != (int)sizeof port)
        return n < 0 ? n : -EIO;
    write(fd, &port, sizeof port);
    return (long)port;
}

static void virq_shared(int a, int b)
{
    int first = bind_virq(a, VIRQ_DOM_EXC);
    check(first > 0, "VIRQ_DOM_EXC bound by one file", first, "a port");
    int second = bind_virq(b, VIRQ_DOM_EXC);
    check(second == first, "VIRQ_DOM_EXC bound by another", second, "the same port: the kernel binds a VIRQ once");
    expect(bind_virq(a, 99), -EINVAL, "VIRQ 99", "-EINVAL");
    expect(unbind(b, (uint32_t)second), 0, "the second file unbinds it", "0");
    expect(unbind(b, (uint32_t)second), -ENOTCONN, "and again", "-ENOTCONN: no longer its port");
    expect(unbind(a, (uint32_t)first), 0, "the first file unbinds it", "0 (closed once xl's watchers let go too)");
}

static void loopback(int a, int b)
{
    struct ioctl_evtchn_bind_unbound_port offer = { 0 };
    int port_a = ioctl(a, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &offer);
    check(port_a > 0, "an unbound port for domain 0 itself", port_a, "a port of file a");
    struct ioctl_evtchn_bind_interdomain connect = { 0, (uint32_t)port_a };
    int port_b = ioctl(b, IOCTL_EVTCHN_BIND_INTERDOMAIN, &connect);
    check(port_b > 0 && port_b != port_a, "file b binds to it", port_b, "a port of file b");
    /* A port starts pending when bound: b has an event already, which it takes first. */
    expect(next_event(b), port_b, "b's first event", "its port, pending since the bind");
    expect(notify(a, (uint32_t)port_a), 0, "a notifies", "0");
    expect(next_event(b), port_b, "b reads", "its port");
    expect(notify(b, (uint32_t)port_b), 0, "b notifies back", "0");
    expect(next_event(a), port_a, "a reads", "its port");
    expect(notify(b, (uint32_t)port_a), -ENOTCONN, "b notifies on a's port", "-ENOTCONN: not b's");
    expect(unbind(b, (uint32_t)port_a), -ENOTCONN, "b unbinds a's port", "-ENOTCONN");
    expect(notify(a, 5000), -ENOTCONN, "a notifies on port 5000", "-ENOTCONN: past the last port");
    expect(unbind(b, (uint32_t)port_b), 0, "b unbinds its port", "0");
    expect(unbind(a, (uint32_t)port_a), 0, "a unbinds its port", "0");
}

static void bad_input(int a)
{
    uint32_t word = 0;
    struct ioctl_evtchn_bind_interdomain reserved = { DOMID_FIRST_RESERVED, 1 };
    expect(ioctl(a, IOCTL_EVTCHN_BIND_INTERDOMAIN, &reserved), -EINVAL, "binding to a reserved domain id", "-EINVAL");
    struct ioctl_evtchn_bind_interdomain absent = { 6, 1 };
    long got = ioctl(a, IOCTL_EVTCHN_BIND_INTERDOMAIN, &absent);
    check(got < 0, "binding to a domain that does not exist", got, "a Xen error");
    struct ioctl_evtchn_bind_unbound_port offer = { DOMID_FIRST_RESERVED };
    expect(ioctl(a, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &offer), -EINVAL, "a port for a reserved domain id", "-EINVAL");
    expect(ioctl(a, IOCTL_EVTCHN_BIND_VIRQ, BAD_POINTER), -EFAULT, "BIND_VIRQ with a bad pointer", "-EFAULT");
    expect(ioctl(a, EVTCHN_IOC(9, 4), &word), -ENOTTY, "an unknown request", "-ENOTTY");
    expect(read(a, &word, 2), -EINVAL, "a read of 2 bytes", "-EINVAL: ports are 4 bytes");
    expect(write(a, &word, 3), -EINVAL, "a write of 3 bytes", "-EINVAL");
    expect(write(a, BAD_POINTER, 4), -EFAULT, "a write from a bad pointer", "-EFAULT");
    expect(ioctl(a, IOCTL_EVTCHN_RESET, 0), 0, "RESET", "0");
}

static void too_many(void)
{
    int fds[MAX_FILES + 1], opened = 0, refused = 0;
    for (int i = 0; i <= MAX_FILES; i++) {
        fds[i] = open(EVTCHN_DEVICE, O_RDWR);
        if (fds[i] >= 0)
            opened++;
        else
            refused = fds[i];
    }
    check(refused == -EMFILE && opened < MAX_FILES + 1, "one open more than the device holds", refused, "-EMFILE");
    for (int i = 0; i <= MAX_FILES; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    int again = open(EVTCHN_DEVICE, O_RDWR);
    check(again >= 0, "an open once they are closed", again, "a file");
    if (again >= 0)
        close(again);
}

#define GRANTED_TEXT "a page snoop granted to domain 0"
#define ANSWER_TEXT  "domain 0 was here"
#define ANSWER_AT    256                /* where in the page the answer goes */

static long map_grant(int fd, uint32_t domid, uint32_t ref, uint32_t flags, uint64_t *at)
{
    struct ioctl_gntdev_map_grant_ref m = { 1, flags, 0, { { domid, ref } } };
    long error = ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m);
    *at = m.index;
    return error;
}

static long unmap_grant(int fd, uint64_t at, uint32_t count)
{
    struct ioctl_gntdev_unmap_grant_ref u = { at, count, 0 };
    return ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
}

static int gntdev(uint32_t domid)
{
    char path[64], value[16];
    int error;
    struct xs_handle *h = xs_open(&error);
    snprintf(path, sizeof path, "/local/domain/%u/data/page-ref", (unsigned)domid);
    long n = h ? xs_read(h, XBT_NULL, path, value, sizeof value) : error;
    check(n > 0, "the grant reference in data/page-ref", n, "one");
    int fd = open(GNTDEV_DEVICE, O_RDWR);
    check(fd >= 0, "open of " GNTDEV_DEVICE, fd, "a file");
    if (n <= 0 || fd < 0)
        return 1;
    uint32_t ref = (uint32_t)atoi(value);
    uint64_t at;
    long got = map_grant(fd, domid, ref, 0, &at);
    check(got == 0 && at >= USER_FOREIGN_BASE, "map of its grant", got, "0, in the foreign area");
    if (got == 0) {
        char *page = (char *)(uintptr_t)at;
        check(strcmp(page, GRANTED_TEXT) == 0, "what it wrote there", (long)strlen(page), "\"" GRANTED_TEXT "\"");
        strlcpy(page + ANSWER_AT, ANSWER_TEXT, 64);
        uint64_t again;
        expect(map_grant(fd, domid, ref, GNTDEV_MAP_READONLY, &again), 0, "a second, read-only map of it", "0");
        check(strcmp((char *)(uintptr_t)again + ANSWER_AT, ANSWER_TEXT) == 0, "the answer through the second map",
              0, "the same page");
        expect(unmap_grant(fd, again, 1), 0, "unmap of the second", "0");
    }
    uint64_t ignored;
    expect(map_grant(fd, domid, ref + 1, 0, &ignored), -EPERM, "map of a grant it did not make", "-EPERM");
    expect(map_grant(fd, domid, 1u << 20, 0, &ignored), -EINVAL, "map of a reference past its table", "-EINVAL");
    expect(map_grant(fd, 0x7ff0, ref, 0, &ignored), -EINVAL, "map from a domain id that is reserved", "-EINVAL");
    expect(map_grant(fd, 7, ref, 0, &ignored), -EINVAL, "map from d7, which is not there", "-EINVAL");
    expect(map_grant(fd, domid, ref, 2, &ignored), -EINVAL, "map with an unknown flag", "-EINVAL");
    struct ioctl_gntdev_map_grant_ref none = { 0, 0, 0, { { domid, ref } } };
    expect(ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &none), -EINVAL, "map of 0 grants", "-EINVAL");
    struct ioctl_gntdev_map_grant_ref many = { GNTDEV_MAP_MAX + 1, 0, 0, { { domid, ref } } };
    expect(ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &many), -EINVAL, "map of too many grants", "-EINVAL");
    expect(ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, BAD_POINTER), -EFAULT, "map from a bad pointer", "-EFAULT");
    expect(unmap_grant(fd, 0x1000, 1), -EINVAL, "unmap outside the foreign area", "-EINVAL");
    expect(ioctl(fd, 0x4700 | 9, 0), -ENOTTY, "an unknown request", "-ENOTTY");
    if (got == 0)
        expect(unmap_grant(fd, at, 1), 0, "unmap of its grant", "0");
    close(fd);
    snprintf(path, sizeof path, "/local/domain/%u/data/page-read", (unsigned)domid);
    expect(xs_write(h, XBT_NULL, path, "done", 4), 0, "write of its data/page-read", "0");
    printf("devtest: done: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

/*
 * xenstore through /dev/xenbus, two connections at once: a transaction's
 * write is seen inside it and not outside until it commits; one that
 * another change overtook answers EAGAIN (the client starts it again);
 * a watch fires once when set and once per change.
 */
static void xenstore(void)
{
    int error;
    char value[32], path[64], token[16];
    struct xs_handle *a = xs_open(&error), *b = a ? xs_open(&error) : 0;
    check(a && b, "two connections to xenstored", error, "two");
    if (!a || !b)
        return;
    const char *key = "/local/domain/0/data/devtest";
    expect(xs_write(a, XBT_NULL, key, "before", 6), 0, "a write outside a transaction", "0");
    xs_transaction_t t;
    expect(xs_transaction_start(a, &t), 0, "transaction_start", "0");
    expect(xs_write(a, t, key, "inside", 6), 0, "a write in it", "0");
    long n = xs_read(a, t, key, value, sizeof value);
    check(n == 6 && strcmp(value, "inside") == 0, "a read in it", n, "inside");
    n = xs_read(b, XBT_NULL, key, value, sizeof value);
    check(n == 6 && strcmp(value, "before") == 0, "a read from the other connection meanwhile", n, "before");
    expect(xs_transaction_end(a, t, 0), 0, "its commit", "0");
    n = xs_read(b, XBT_NULL, key, value, sizeof value);
    check(n == 6 && strcmp(value, "inside") == 0, "a read from the other connection after it", n, "inside");
    expect(xs_transaction_start(a, &t), 0, "a second transaction", "0");
    expect(xs_write(a, t, key, "lost", 4), 0, "a write in it", "0");
    expect(xs_write(b, XBT_NULL, key, "first", 5), 0, "the other connection's write meanwhile", "0");
    expect(xs_transaction_end(a, t, 0), -EAGAIN, "its commit", "-EAGAIN");
    n = xs_read(a, XBT_NULL, key, value, sizeof value);
    check(n == 5 && strcmp(value, "first") == 0, "what the store kept", n, "first");
    expect(xs_transaction_end(a, t, 0), -ENOENT, "the commit of a transaction that has ended", "-ENOENT");
    expect(xs_watch(b, key, "tok"), 0, "a watch from the other connection", "0");
    error = xs_read_watch(b, path, sizeof path, token, sizeof token);
    check(error == 0 && strcmp(path, key) == 0 && strcmp(token, "tok") == 0, "its first event, at once", error, key);
    expect(xs_write(a, XBT_NULL, key, "changed", 7), 0, "a change", "0");
    error = xs_read_watch(b, path, sizeof path, token, sizeof token);
    check(error == 0 && strcmp(path, key) == 0, "its event for the change", error, key);
    expect(xs_rm(a, XBT_NULL, "/local/domain/0/data"), 0, "rm of what it wrote", "0");
    xs_close(a);
    xs_close(b);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "gntdev") == 0)
        return gntdev((uint32_t)atoi(argv[2]));
    if (argc != 1) {
        dprintf(STDERR, "Usage: devtest [gntdev <domain id>]\n");
        return 2;
    }
    int a = open(EVTCHN_DEVICE, O_RDWR), b = open(EVTCHN_DEVICE, O_RDWR);
    check(a >= 0 && b >= 0, "two opens of " EVTCHN_DEVICE, a < 0 ? a : b, "two files");
    if (a < 0 || b < 0) {
        printf("devtest: done: %d passed, %d failed\n", passed, failed);
        return 1;
    }
    virq_shared(a, b);
    loopback(a, b);
    bad_input(a);
    close(a);
    close(b);
    too_many();
    xenstore();
    printf("devtest: done: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

/*
 * devtest.c: the dom0 build's device test, in domain 0's initramfs as
 * "devtest". It checks /dev/evtchn (include/evtchn.h) end to end and
 * with bad input: a VIRQ shared between two files, a loopback channel
 * between two files (each end reads the other's notification, masked
 * until written back), and every refusal (a port that is not the file's,
 * a bad VIRQ or domain, short reads and odd writes, bad pointers, too
 * many files, an unknown request), after which the device still works.
 * It prints a line per check and "devtest: done: N passed, M failed".
 */
#include "libc.h"
#include "hypercall.h"
#include "evtchn.h"

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

int main(void)
{
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
    printf("devtest: done: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

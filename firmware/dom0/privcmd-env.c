/*
 * privcmd-env.c: where the toolstack library (firmware/toolstack) runs in
 * domain 0's user space: hypercalls and foreign mappings through
 * /dev/privcmd (include/privcmd.h), files from the initramfs, output on
 * stdout, each domain's entries in xenstore (/local/domain/N, as libxl
 * writes them; the hypervisor is told the name too, for its log), and a
 * process per created domain that does what its on_poweroff, on_reboot and
 * on_crash say, as Xen's xl daemon does. Linked into xl and the other
 * domain-0 programs.
 */
#include "libc.h"
#include "privcmd.h"
#include "evtchn.h"
#include "xl.h"
#include "xs.h"

static int privcmd = -1;

/* /dev/privcmd, opened on first use; a program that cannot have it says so and stops. */
static int privcmd_fd(void)
{
    if (privcmd < 0) {
        privcmd = open(PRIVCMD_DEVICE, O_RDWR);
        if (privcmd < 0) {
            dprintf(STDERR, "xl: cannot open %s: %s (is this domain 0's kernel?)\n", PRIVCMD_DEVICE,
                    strerror(privcmd));
            exit(1);
        }
    }
    return privcmd;
}

long xc_hypercall(uint32_t number, uint32_t a0, uint32_t a1, uint32_t a2)
{
    struct privcmd_hypercall call = { number, { a0, a1, a2, 0, 0 } };
    return ioctl(privcmd_fd(), IOCTL_PRIVCMD_HYPERCALL, &call);
}

void *xc_map_foreign(domid_t dom, const xen_ulong_t *gfns, uint32_t count, int32_t *errs)
{
    static uint64_t frames[PRIVCMD_MMAPBATCH_MAX];
    if (count == 0 || count > PRIVCMD_MMAPBATCH_MAX)
        return 0;
    for (uint32_t i = 0; i < count; i++)
        frames[i] = gfns[i];
    struct privcmd_mmapbatch_v2 m = { count, dom, 0, 0, (uint32_t)(uintptr_t)frames, (uint32_t)(uintptr_t)errs };
    if (ioctl(privcmd_fd(), IOCTL_PRIVCMD_MMAPBATCH_V2, &m) < 0)
        return 0;
    for (uint32_t i = 0; i < count; i++) {
        if (errs[i] != 0) {
            xc_unmap_foreign((void *)(uintptr_t)m.addr, count);
            return 0;
        }
    }
    return (void *)(uintptr_t)m.addr;
}

long xc_unmap_foreign(void *address, uint32_t count)
{
    struct privcmd_munmap u = { (uint32_t)(uintptr_t)address, count, 0 };
    return ioctl(privcmd_fd(), IOCTL_PRIVCMD_MUNMAP, &u);
}

void xl_print(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vdprintf(STDOUT, fmt, args);
    va_end(args);
}

/* The hypervisor's name for domid (what the toolstack gave it), or 0. */
static long hyperlab_name(domid_t domid, int set, char *name)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_hyperlab_name;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = domid;
    op.u.name.set = (uint32_t)set;
    if (set)
        strlcpy(op.u.name.name, name, sizeof op.u.name.name);
    long error = xc_domctl(&op);
    if (error == 0 && !set)
        strlcpy(name, op.u.name.name, HYPERLAB_NAME_MAX);
    return error;
}

static struct xs_handle *store_handle;
static int store_tried;

/* xenstored, reached on first use; 0 while none runs (domain 0 started `single`, before /etc/rc). */
static struct xs_handle *store(void)
{
    int error;
    if (!store_handle && !store_tried) {
        store_tried = 1;
        store_handle = xs_open(&error);
    }
    return store_handle;
}

/* In a child just forked: the connection is its parent's (one conversation each), so it makes its own when it needs one. */
static void store_after_fork(void)
{
    xs_close(store_handle);             /* this process's descriptor and copy only */
    store_handle = 0;
    store_tried = 0;
}

/*
 * A domain's name is xenstore's /local/domain/N/name, as Xen's; a domain
 * the hypervisor built at boot (dom0less) has none there, and is known by
 * the name the hypervisor has for it.
 */
const char *xl_name_of(domid_t domid)
{
    static char names[4][HYPERLAB_NAME_MAX];
    static int next;
    char *name = names[next++ % 4];         /* a few calls' answers live at once (xl prints two names on a line) */
    char path[40];
    snprintf(path, sizeof path, "/local/domain/%u/name", (unsigned)domid);
    if (store() && xs_read(store(), XBT_NULL, path, name, HYPERLAB_NAME_MAX) > 0)
        return name;
    return hyperlab_name(domid, 0, name) == 0 && name[0] ? name : 0;
}

/* Writes key under /local/domain/N (value, or a directory if value is 0): 0, or an errno. */
static int put_key(struct xs_handle *h, const char *home, const char *key, const char *value,
                   const struct xs_permissions *perms, uint32_t count)
{
    char path[64];
    snprintf(path, sizeof path, "%s/%s", home, key);
    int error = value ? xs_write(h, XBT_NULL, path, value, (uint32_t)strlen(value)) : xs_mkdir(h, XBT_NULL, path);
    if (error == 0 && perms)
        error = xs_set_permissions(h, XBT_NULL, path, perms, count);
    return error;
}

/*
 * libxl's entries for a new domain: /local/domain/N domain 0's, which the
 * domain may read (name, domid), with the directories it may write itself
 * (data, control, device); then its ring goes to xenstored.
 */
static int store_domain(struct xs_handle *h, domid_t domid, const char *name, const struct xl_store *ring)
{
    char home[32], id[8];
    const struct xs_permissions readable[2] = { { 0, XS_PERM_NONE }, { domid, XS_PERM_READ } };
    const struct xs_permissions own[1] = { { domid, XS_PERM_NONE } };
    snprintf(home, sizeof home, "/local/domain/%u", (unsigned)domid);
    snprintf(id, sizeof id, "%u", (unsigned)domid);
    xs_rm(h, XBT_NULL, home);               /* what a domain with this id before left behind */
    int error = xs_mkdir(h, XBT_NULL, home);
    if (error == 0)
        error = xs_set_permissions(h, XBT_NULL, home, readable, 2);
    if (error == 0)
        error = put_key(h, home, "name", name, 0, 0);
    if (error == 0)
        error = put_key(h, home, "domid", id, 0, 0);
    static const char *const writable[] = { "data", "control", "device" };
    for (uint32_t i = 0; error == 0 && i < ARRAY_SIZE(writable); i++)
        error = put_key(h, home, writable[i], 0, own, 1);
    if (error == 0 && ring && ring->console_port) {
        char number[12];
        snprintf(number, sizeof number, "%u", (unsigned)ring->console_gfn);
        error = put_key(h, home, "vuart/0/ring-ref", number, 0, 0);
        snprintf(number, sizeof number, "%u", (unsigned)ring->console_port);
        if (error == 0)
            error = put_key(h, home, "vuart/0/port", number, 0, 0);
        if (error == 0)
            error = put_key(h, home, "vuart/0/type", "xenconsoled", 0, 0);
    }
    if (error == 0 && ring)
        error = xs_introduce_domain(h, domid, ring->gfn, ring->port);
    return error;
}

/* The config xl built the domain from, as libxl keeps it (Xen in a userdata file; here under /libxl/N, domain 0's). */
static int save_config(struct xs_handle *h, domid_t domid, const struct xl_domain_config *config)
{
    static char text[2048];
    char path[32];
    int length = xl_config_text(config, text, sizeof text);
    if (length < 0)
        return -E2BIG;
    snprintf(path, sizeof path, "/libxl/%u/config", (unsigned)domid);
    return xs_write(h, XBT_NULL, path, text, (uint32_t)length);
}

const char *xl_saved_config(domid_t domid)
{
    static char text[2048];
    char path[32];
    snprintf(path, sizeof path, "/libxl/%u/config", (unsigned)domid);
    return store() && xs_read(store(), XBT_NULL, path, text, sizeof text) > 0 ? text : 0;
}

void xl_remember(domid_t domid, const struct xl_domain_config *config, const struct xl_store *ring)
{
    char name[HYPERLAB_NAME_MAX];
    strlcpy(name, config->name, sizeof name);
    if (hyperlab_name(domid, 1, name) < 0)
        dprintf(STDERR, "xl: the hypervisor did not take d%u's name %s\n", (unsigned)domid, name);
    int error = store() ? store_domain(store(), domid, config->name, ring) : 0;
    if (error == 0 && store())
        error = save_config(store(), domid, config);
    if (error < 0)
        dprintf(STDERR, "xl: xenstore did not take d%u (%s): %s\n", (unsigned)domid, config->name, strerror(error));
}

/* ---- xl console ---- */

#define CTRL_RIGHT_BRACKET 0x1d         /* Ctrl-]: detaches, as Xen's xl console */
#define RING_IN  sizeof(((struct xencons_interface *)0)->in)
#define RING_OUT sizeof(((struct xencons_interface *)0)->out)

/* domid's console ring, from xenstore's vuart/0: 0, or -1 (said why). */
static int console_ring(domid_t domid, uint32_t *gfn, uint32_t *port)
{
    char path[64], value[16];
    if (!store()) {
        xl_print("xl: error: xenstore is not running: no console rings\n");
        return -1;
    }
    snprintf(path, sizeof path, "/local/domain/%u/vuart/0/ring-ref", (unsigned)domid);
    int ok = xs_read(store(), XBT_NULL, path, value, sizeof value) > 0;
    *gfn = (uint32_t)atoi(value);
    snprintf(path, sizeof path, "/local/domain/%u/vuart/0/port", (unsigned)domid);
    ok = ok && xs_read(store(), XBT_NULL, path, value, sizeof value) > 0;
    *port = (uint32_t)atoi(value);
    if (!ok) {
        xl_print("xl: error: d%u has no console ring (a domain the hypervisor built at boot: its console is its UART)\n",
                 (unsigned)domid);
        return -1;
    }
    return 0;
}

/* Whether domain domid is still the one whose handle is `handle`, and not dying. */
static int still_there(domid_t domid, const xen_domain_handle_t handle)
{
    struct xen_domctl_getdomaininfo info;
    return xc_domain_getinfo(domid, &info) == 0 && info.domain == domid &&
           memcmp(info.handle, handle, sizeof info.handle) == 0 && !(info.flags & XEN_DOMINF_dying);
}

/*
 * The child of xl console: what the domain writes into the ring's `out`,
 * onto this terminal, each time the ring's port fires; when the domain
 * goes (VIRQ_DOM_EXC, and it is not there), it ends the parent too.
 */
static void console_output(uint32_t gfn, int events, uint32_t port, domid_t domid, const xen_domain_handle_t handle,
                           int parent)
{
    int32_t error;
    xen_ulong_t frame = gfn;
    volatile struct xencons_interface *ring = xc_map_foreign(domid, &frame, 1, &error);   /* a fork has none of its parent's */
    if (ring == 0) {
        kill(parent);
        exit(1);
    }
    struct ioctl_evtchn_bind_virq bind = { VIRQ_DOM_EXC };
    int dom_exc = ioctl(events, IOCTL_EVTCHN_BIND_VIRQ, &bind);
    struct ioctl_evtchn_notify notify = { port };
    for (;;) {
        uint32_t fired[8];
        int n = read(events, fired, sizeof fired);
        if (n == -EINTR)
            exit(0);                    /* the parent detached (Ctrl-]) */
        int domains_changed = n < 0;    /* -EOVERFLOW: look at everything */
        for (int i = 0; i < n / (int)sizeof fired[0]; i++)
            domains_changed |= (int)fired[i] == dom_exc;
        if (n > 0)
            write(events, fired, n);
        char chunk[RING_OUT];
        uint32_t cons = ring->out_cons, prod = ring->out_prod, count = 0;
        if (prod - cons > RING_OUT)
            cons = prod - RING_OUT;     /* the guest scribbled on its indexes: what the ring holds at most */
        while (cons != prod)
            chunk[count++] = ring->out[cons++ % RING_OUT];
        ring->out_cons = cons;
        if (count) {
            write(STDOUT, chunk, (int)count);
            ioctl(events, IOCTL_EVTCHN_NOTIFY, &notify);    /* room again: a transmitter that waited goes on */
        }
        if ((n < 0 && n != -EOVERFLOW) || (domains_changed && !still_there(domid, handle))) {
            xl_print("\n");
            kill(parent);
            exit(0);
        }
    }
}

/*
 * xl console: the domain's console on Domain-0's terminal. While xl
 * holds the ring's port, the hypervisor sends the domain's UART there
 * instead of to its own UART; what is typed goes into the ring's `in`,
 * until Ctrl-] gives the console back.
 */
int xl_console_attach(domid_t domid, int unpause)
{
    uint32_t gfn, port;
    xen_domain_handle_t handle;
    struct xen_domctl_getdomaininfo info;
    if (console_ring(domid, &gfn, &port) < 0 || xc_domain_getinfo(domid, &info) < 0) {
        if (unpause)
            xc_domain_unpause(domid);   /* it runs, unattached */
        return 1;
    }
    memcpy(handle, info.handle, sizeof handle);
    int32_t error;
    xen_ulong_t frame = gfn;
    volatile struct xencons_interface *ring = xc_map_foreign(domid, &frame, 1, &error);
    int events = ring ? open(EVTCHN_DEVICE, O_RDWR) : -1;
    struct ioctl_evtchn_bind_interdomain bind = { domid, port };
    int local = events < 0 ? -1 : ioctl(events, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
    if (local < 0) {
        xl_print(local == -EINVAL ? "xl: error: d%u's console is attached elsewhere already\n"
                                  : "xl: error: d%u's console ring cannot be reached\n", (unsigned)domid);
        if (events >= 0)
            close(events);
        if (ring)
            xc_unmap_foreign((void *)ring, 1);
        if (unpause)
            xc_domain_unpause(domid);
        return 1;
    }
    if (unpause)
        xc_domain_unpause(domid);       /* xl create -c: bound first, so nothing it prints misses the ring */
    int parent = getpid(), child = fork();
    if (child == 0) {
        store_after_fork();
        console_output(gfn, events, (uint32_t)local, domid, handle, parent);
    }
    struct ioctl_evtchn_notify notify = { (uint32_t)local };
    for (int detached = child < 0; !detached;) {
        char typed[64];
        int n = read(STDIN, typed, sizeof typed);
        if (n <= 0)
            break;
        for (int i = 0; i < n && !detached; i++) {
            if (typed[i] == CTRL_RIGHT_BRACKET) {
                detached = 1;
                break;
            }
            while (ring->in_prod - ring->in_cons >= RING_IN)
                sleep(10);              /* the guest has not read what waits: wait with the rest */
            ring->in[ring->in_prod % RING_IN] = typed[i];
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            ring->in_prod++;
        }
        ioctl(events, IOCTL_EVTCHN_NOTIFY, &notify);
    }
    if (child > 0) {
        kill(child);
        wait(0);
    }
    close(events);                      /* the port goes: the domain's console is its UART's again */
    xc_unmap_foreign((void *)ring, 1);
    xl_print("\n");
    return 0;
}

void xl_forget(domid_t domid)
{
    char home[32];
    if (!store() || domid == 0)
        return;
    snprintf(home, sizeof home, "/local/domain/%u", (unsigned)domid);
    xs_release_domain(store(), domid);      /* -ENOENT for one that had no ring: nothing to give back */
    xs_rm(store(), XBT_NULL, home);
    snprintf(home, sizeof home, "/libxl/%u", (unsigned)domid);
    xs_rm(store(), XBT_NULL, home);
}

/* A whole file of the initramfs, in memory that lasts until the next call. */
const uint8_t *xl_read_file(const char *path, uint32_t *size, const char **error)
{
    static uint8_t *buffer;
    static uint32_t capacity;
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        *error = fd == -ENOENT ? "No such file or directory" : strerror(fd);
        return 0;
    }
    uint32_t length = 0;
    for (;;) {
        if (length == capacity) {
            uint32_t more = capacity ? 2 * capacity : 16384;
            uint8_t *bigger = realloc(buffer, more);
            if (bigger == 0) {
                close(fd);
                *error = "Cannot allocate memory";
                return 0;
            }
            buffer = bigger;
            capacity = more;
        }
        int n = read(fd, buffer + length, (int)(capacity - length));
        if (n < 0) {
            close(fd);
            *error = strerror(n);
            return 0;
        }
        if (n == 0)
            break;
        length += (uint32_t)n;
    }
    close(fd);
    *size = length;
    return buffer;
}

const char *xl_vcpu_isa(void)
{
    static struct sysinfo info;
    if (info.isa[0] == 0 && sysinfo(&info) < 0)
        return "rv32imac_zicntr_zicsr_zifencei";
    return info.isa;
}

uint64_t xl_now_ns(void)
{
    return (uint64_t)uptime() * 1000000;
}

void xl_sleep_ms(uint32_t ms)
{
    sleep((int)ms);
}

#define WATCH_MS 100                    /* how often the watcher looks without /dev/evtchn */

/*
 * The watcher, a child of xl create (ps shows it as xl): it waits on
 * /dev/evtchn for VIRQ_DOM_EXC, which the hypervisor raises whenever a
 * domain shuts down, crashes or is destroyed (without the device, it
 * looks every WATCH_MS), then asks the hypervisor about its domain; once
 * the domain has shut down, it destroys it, builds it again (restart) or
 * leaves it be (preserve), as the config says for the reason it stopped.
 * It ends with the domain.
 */
/* The handle of domain domid into `handle`: 0, or -1 if there is no such domain. */
static int handle_of(domid_t domid, xen_domain_handle_t handle)
{
    struct xen_domctl_getdomaininfo info;
    if (xc_domain_getinfo(domid, &info) < 0 || info.domain != domid)
        return -1;
    memcpy(handle, info.handle, sizeof(xen_domain_handle_t));
    return 0;
}

/* An event on `port` of `events` (VIRQ_DOM_EXC), unmasked again; or WATCH_MS gone by without the device. */
static void wait_for_event(int events, int port)
{
    uint32_t fired;
    if (port < 0) {
        sleep(WATCH_MS);
        return;
    }
    if (read(events, &fired, sizeof fired) == sizeof fired)
        write(events, &fired, sizeof fired);
    /* -EOVERFLOW: events were lost; the caller looks at its domain anyway */
}

static void watch(domid_t domid, const struct xl_domain_config *config)
{
    xen_domain_handle_t mine;
    struct ioctl_evtchn_bind_virq bind = { VIRQ_DOM_EXC };
    int events = open(EVTCHN_DEVICE, O_RDWR);   /* bound before the first look: no change goes unseen */
    int port = events < 0 ? events : ioctl(events, IOCTL_EVTCHN_BIND_VIRQ, &bind);
    if (handle_of(domid, mine) < 0)
        exit(0);
    for (int first = 1;; first = 0) {
        struct xen_domctl_getdomaininfo info;
        if (!first)
            wait_for_event(events, port);
        if (xc_domain_getinfo(domid, &info) < 0 || info.domain != domid ||
            memcmp(info.handle, mine, sizeof mine) != 0)
            exit(0);                    /* destroyed by someone else (its id may be another domain's now) */
        if (!(info.flags & XEN_DOMINF_shutdown))
            continue;
        uint32_t reason = info.flags >> XEN_DOMINF_shutdownshift & 0xff;
        int action = reason == SHUTDOWN_reboot ? config->on_reboot
                   : reason == SHUTDOWN_crash ? config->on_crash : config->on_poweroff;
        if (action == XL_ACTION_PRESERVE)
            exit(0);
        xl_destroy_domain(domid);
        if (action != XL_ACTION_RESTART && action != XL_ACTION_RENAME_RESTART)
            exit(0);
        long again = xl_create_domain(config, 0);
        if (again < 0 || handle_of((domid_t)again, mine) < 0)
            exit(1);
        domid = (domid_t)again;
    }
}

void xl_watch(domid_t domid, const struct xl_domain_config *config)
{
    int pid = fork();
    if (pid == 0) {
        store_after_fork();
        watch(domid, config);
    } else if (pid < 0)
        dprintf(STDERR, "xl: no process to follow d%u (%s): its on_poweroff, on_reboot and on_crash will not be done\n",
                (unsigned)domid, strerror(pid));
}

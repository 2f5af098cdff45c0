/*
 * fuzz.c: a DomU that attacks the hypervisor through the hypercall ABI
 * (firmware/include/hypercall.h), for src/system/fuzz.test.ts. One line
 * per check ("fuzz: ok: <what> -> <got>, <expected>" or "fuzz: FAIL: ..."),
 * then "fuzz: done: P passed, F failed".
 *
 * First the calls that are Dom0's alone, each of them, aimed at domain 0,
 * at itself and at another DomU: every domctl and sysctl command, foreign
 * mappings (add_to_physmap_batch, XENMAPSPACE_gmfn_foreign), another's
 * memory, parameters and shared frames, remote_shutdown: each -EPERM, and
 * nothing written back. Then event channels and grants it does not own:
 * ports it has not bound, other domains' ports and grant references,
 * another's frames by copy, each answered as evtchn.c and grant.c say.
 *
 * Then a table of grants of its own (own_grants), for the random calls
 * to find, and FUZZ_CALLS hypercalls from a xorshift of a fixed seed (the
 * same calls every run): half of them wholly random (numbers 0..63, more
 * often the ones the hypervisor has, and some past 63; arguments of every
 * kind: small numbers, domain ids, pointers into a scratch area at the top
 * of its RAM, past its end, outside its memory, into the hypervisor's
 * window), half shaped (shaped()): an operation the hypervisor has, with
 * its struct in the scratch area and fields mostly of the kinds it checks
 * for, so that calls get past the first checks. Their answers are not
 * checked; what is checked is that it still runs, took no exception, that
 * the hypervisor wrote nothing of its memory but the scratch area (the
 * rest is filled with a pattern, or summed, before and after), and that
 * its grants and Dom0's calls answer afterwards as before. The calls that
 * would stop or block it are drawn again (skipped()).
 *
 * Bootargs: `wait` asks for a key on its console (g) before the random
 * calls, so that a test can look at the hypervisor first, and another (x)
 * before it powers off; `trace-from=N` prints random calls N.. (100 of
 * them, or `trace-count=K`) before each is made, to find the one that
 * hurt the hypervisor.
 */
#include "guest.h"
#include "hypercall.h"
#include "format.h"
#include "fdt_write.h"    /* the board the hypervisor gives a domain: GUEST_RAM_BASE, its devices */
#include "string.h"

#define OUTSIDE         0x90000000u     /* guest-physical, outside any domain's RAM */
#define WRAPPING        0xfffffff8u
#define FUZZ_CALLS      1000000u
#define PROGRESS_EVERY  100000u
#define SEED            0x2545f491u
#define SCRATCH_SIZE    0x4000u         /* see scratch_init */
#define REFRESH_BYTES   64              /* fresh random bytes where an argument points, before each call */
#define FRAME           4096u
#define WINDOW_FREE     (GUEST_XEN_BASE + 0x100000u)    /* a window frame nothing is mapped at */
#define WINDOW_GRANTS   (GUEST_XEN_BASE + 0x200000u)    /* where its grant table's frame 0 goes first */
#define GRANTS_OWN      16              /* entries of its own table filled in (own_grants) */
#define PATTERN(a)      ((a) ^ 0x5a17c0deu)
#define MAX_ERRNO       128

extern char __bss_start[];

static domid_t self, other;             /* its own id, and another DomU's (the next id) */
static uint32_t ram_end, scratch, dtb_end;      /* the end of its RAM, the scratch area, its device tree's end */

/* ---- Dom0's calls: -EPERM, and nothing written back ---- */

static struct xen_domctl domctl_op, domctl_before;
static struct xen_sysctl sysctl_op, sysctl_before;
static uint8_t out_buffer[512], out_before[512];   /* where a call that went through would write */
static struct vcpu_guest_context context;

static void out_buffer_fill(void)
{
    for (uint32_t i = 0; i < sizeof out_buffer; i++)
        out_buffer[i] = (uint8_t)(0xa5 ^ i);
    memcpy(out_before, out_buffer, sizeof out_buffer);
}

static int out_buffer_intact(void)
{
    return memcmp(out_buffer, out_before, sizeof out_buffer) == 0;
}

/* -EPERM, with the struct and the buffers it names as they were. */
static void expect_refused(long got, int intact, const char *what)
{
    check(got == -XEN_EPERM && intact, what, got, intact ? "-EPERM" : "-EPERM, and nothing written back (it was)");
}

static const char *domain_name(domid_t id)
{
    return id == 0 ? "d0" : id == self ? "itself" : id == DOMID_SELF ? "DOMID_SELF" : "another DomU";
}

/* A domctl `cmd` of domain `id`, its struct filled in as a toolstack would. */
static void domctl_refused(uint32_t cmd, const char *name, domid_t id)
{
    memset(&domctl_op, 0, sizeof domctl_op);
    domctl_op.cmd = cmd;
    domctl_op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    domctl_op.domain = id;
    out_buffer_fill();
    uint32_t out = (uint32_t)(uintptr_t)out_buffer;
    switch (cmd) {
    case XEN_DOMCTL_createdomain:              /* domain: the id it asks for */
        domctl_op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
        domctl_op.u.createdomain.max_vcpus = 1;
        break;
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        domctl_op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT;
        domctl_op.u.vcpuaffinity.cpumap_hard.bitmap.p = out;
        domctl_op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
        domctl_op.u.vcpuaffinity.cpumap_soft.bitmap.p = out + 8;
        domctl_op.u.vcpuaffinity.cpumap_soft.nr_bits = 8;
        break;
    case XEN_DOMCTL_max_mem:
        domctl_op.u.max_mem.max_memkb = 256 * 1024;
        break;
    case XEN_DOMCTL_setvcpucontext:
        context.flags = VGCF_online;
        context.pc = OUTSIDE;
        domctl_op.u.vcpucontext.ctxt.p = (uint32_t)(uintptr_t)&context;
        break;
    case XEN_DOMCTL_max_vcpus:
        domctl_op.u.max_vcpus.max = 8;
        break;
    case XEN_DOMCTL_scheduler_op:
        domctl_op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
        domctl_op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
        domctl_op.u.scheduler_op.u.credit.weight = 65535;
        domctl_op.u.scheduler_op.u.credit.cap = 1;
        break;
    case XEN_DOMCTL_hyperlab_vcpustats:
        domctl_op.u.vcpustats.size = sizeof(struct hyperlab_vcpu_stats);
        domctl_op.u.vcpustats.stats.p = out;     /* 528 bytes: past out_buffer if it went through */
        break;
    case XEN_DOMCTL_hyperlab_name:
        domctl_op.u.name.set = 1;
        strlcpy(domctl_op.u.name.name, "pwned", sizeof domctl_op.u.name.name);
        break;
    }
    memcpy(&domctl_before, &domctl_op, sizeof domctl_op);
    long got = hypercall(__HYPERVISOR_domctl, (uint32_t)(uintptr_t)&domctl_op, 0, 0);
    char what[96];
    snprintf(what, sizeof what, "domctl %s of %s", name, domain_name(id));
    expect_refused(got, memcmp(&domctl_op, &domctl_before, sizeof domctl_op) == 0 && out_buffer_intact(), what);
}

static const struct {
    uint32_t cmd;
    const char *name;
} domctls[] = {
    { XEN_DOMCTL_createdomain, "createdomain" }, { XEN_DOMCTL_destroydomain, "destroydomain" },
    { XEN_DOMCTL_pausedomain, "pausedomain" }, { XEN_DOMCTL_unpausedomain, "unpausedomain" },
    { XEN_DOMCTL_getdomaininfo, "getdomaininfo" }, { XEN_DOMCTL_setvcpuaffinity, "setvcpuaffinity" },
    { XEN_DOMCTL_getvcpuaffinity, "getvcpuaffinity" }, { XEN_DOMCTL_max_mem, "max_mem" },
    { XEN_DOMCTL_setvcpucontext, "setvcpucontext" }, { XEN_DOMCTL_getvcpuinfo, "getvcpuinfo" },
    { XEN_DOMCTL_max_vcpus, "max_vcpus" }, { XEN_DOMCTL_scheduler_op, "scheduler_op" },
    { XEN_DOMCTL_hyperlab_vcpustats, "hyperlab_vcpustats" }, { XEN_DOMCTL_hyperlab_name, "hyperlab_name" },
};

static void sysctl_refused(uint32_t cmd, const char *name)
{
    memset(&sysctl_op, 0, sizeof sysctl_op);
    sysctl_op.cmd = cmd;
    sysctl_op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    out_buffer_fill();
    if (cmd == XEN_SYSCTL_readconsole) {
        sysctl_op.u.readconsole.buffer.p = (uint32_t)(uintptr_t)out_buffer;
        sysctl_op.u.readconsole.count = sizeof out_buffer;
    } else if (cmd == XEN_SYSCTL_getdomaininfolist) {
        sysctl_op.u.getdomaininfolist.max_domains = sizeof out_buffer / sizeof(struct xen_domctl_getdomaininfo);
        sysctl_op.u.getdomaininfolist.buffer.p = (uint32_t)(uintptr_t)out_buffer;
    }
    memcpy(&sysctl_before, &sysctl_op, sizeof sysctl_op);
    long got = hypercall(__HYPERVISOR_sysctl, (uint32_t)(uintptr_t)&sysctl_op, 0, 0);
    char what[64];
    snprintf(what, sizeof what, "sysctl %s", name);
    expect_refused(got, memcmp(&sysctl_op, &sysctl_before, sizeof sysctl_op) == 0 && out_buffer_intact(), what);
}

static xen_ulong_t batch_idxs[2];
static uint64_t batch_gpfns[2];
static int32_t batch_errs[2];

/* Domain 0's foreign mapping of frames of `foreign`'s RAM into its own window: errs untouched. */
static void foreign_mapping_refused(domid_t foreign)
{
    struct xen_add_to_physmap_batch batch = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn_foreign, .size = 2, .foreign_domid = foreign,
        .idxs = { (uint32_t)(uintptr_t)batch_idxs }, .gpfns = { (uint32_t)(uintptr_t)batch_gpfns },
        .errs = { (uint32_t)(uintptr_t)batch_errs },
    };
    batch_idxs[0] = GUEST_RAM_BASE >> 12;               /* the first frame of its RAM */
    batch_idxs[1] = (GUEST_RAM_BASE + 0x400000u) >> 12; /* where its kernel starts */
    batch_gpfns[0] = WINDOW_FREE >> 12;
    batch_gpfns[1] = (WINDOW_FREE >> 12) + 1;
    batch_errs[0] = batch_errs[1] = 0x5a5a5a5a;
    long got = hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, (uint32_t)(uintptr_t)&batch, 0);
    char what[96];
    snprintf(what, sizeof what, "memory_op add_to_physmap_batch gmfn_foreign of %s's frames", domain_name(foreign));
    expect_refused(got, batch_errs[0] == 0x5a5a5a5a && batch_errs[1] == 0x5a5a5a5a, what);
}

static xen_pfn_t extents[1];

static long reservation(uint32_t cmd, domid_t id, xen_pfn_t gfn)
{
    struct xen_memory_reservation r = { .extent_start = { (uint32_t)(uintptr_t)extents }, .nr_extents = 1,
                                        .domid = id };
    extents[0] = gfn;
    return hypercall(__HYPERVISOR_memory_op, cmd, (uint32_t)(uintptr_t)&r, 0);
}

static long shared_frame(domid_t id, uint32_t space)
{
    struct xen_add_to_physmap map = { .domid = id, .space = space, .idx = 0, .gpfn = WINDOW_FREE >> 12 };
    return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)(uintptr_t)&map, 0);
}

static long remote_shutdown(domid_t id, uint32_t reason)
{
    struct sched_remote_shutdown remote = { .domain_id = id, .reason = reason };
    return hypercall(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, (uint32_t)(uintptr_t)&remote, 0);
}

static struct xen_hvm_param param;

static long hvm_param(uint32_t cmd, domid_t id, uint32_t index)
{
    param.domid = id;
    param.index = index;
    param.value = 0x5a5a5a5a5a5a5a5aull;
    return hypercall(__HYPERVISOR_hvm_op, cmd, (uint32_t)(uintptr_t)&param, 0);
}

static void dom0_calls(void)
{
    const domid_t targets[] = { 0, self, other };
    for (unsigned i = 0; i < sizeof domctls / sizeof domctls[0]; i++)
        for (unsigned t = 0; t < sizeof targets / sizeof targets[0]; t++)
            domctl_refused(domctls[i].cmd, domctls[i].name, targets[t]);
    domctl_refused(99, "99 (none)", 0);
    /* Privilege comes first: a DomU learns nothing from the version or the struct's place. */
    memset(&domctl_op, 0, sizeof domctl_op);
    domctl_op.cmd = XEN_DOMCTL_getdomaininfo;
    domctl_op.interface_version = 0x17;
    expect(hypercall(__HYPERVISOR_domctl, (uint32_t)(uintptr_t)&domctl_op, 0, 0), -XEN_EPERM,
           "domctl of another interface version", "-EPERM");
    expect(hypercall(__HYPERVISOR_domctl, OUTSIDE, 0, 0), -XEN_EPERM, "domctl with its struct outside", "-EPERM");
    expect(hypercall(__HYPERVISOR_sysctl, OUTSIDE, 0, 0), -XEN_EPERM, "sysctl with its struct outside", "-EPERM");

    sysctl_refused(XEN_SYSCTL_readconsole, "readconsole");
    sysctl_refused(XEN_SYSCTL_physinfo, "physinfo");
    sysctl_refused(XEN_SYSCTL_sched_id, "sched_id");
    sysctl_refused(XEN_SYSCTL_getdomaininfolist, "getdomaininfolist");
    sysctl_refused(99, "99 (none)");

    foreign_mapping_refused(0);
    foreign_mapping_refused(other);
    expect(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, OUTSIDE, 0), -XEN_EPERM,
           "memory_op add_to_physmap_batch with its struct outside", "-EPERM");
    struct xen_remove_from_physmap remove = { .domid = 0, .gpfn = WINDOW_FREE >> 12 };
    expect(hypercall(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, (uint32_t)(uintptr_t)&remove, 0), -XEN_EPERM,
           "memory_op remove_from_physmap in d0's window", "-EPERM");
    expect(reservation(XENMEM_decrease_reservation, 0, (GUEST_RAM_BASE + 0x400000u) >> 12), -XEN_EPERM,
           "memory_op decrease_reservation of d0's kernel frame", "-EPERM");
    expect(reservation(XENMEM_decrease_reservation, other, GUEST_RAM_BASE >> 12), -XEN_EPERM,
           "memory_op decrease_reservation of another DomU's frame", "-EPERM");
    expect(reservation(XENMEM_populate_physmap, 0, GUEST_RAM_BASE >> 12), -XEN_EPERM,
           "memory_op populate_physmap for d0", "-EPERM");
    domid_t id = 0;
    expect(hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation, (uint32_t)(uintptr_t)&id, 0), -XEN_EPERM,
           "memory_op current_reservation of d0", "-EPERM");
    id = other;
    expect(hypercall(__HYPERVISOR_memory_op, XENMEM_maximum_reservation, (uint32_t)(uintptr_t)&id, 0), -XEN_EPERM,
           "memory_op maximum_reservation of another DomU", "-EPERM");
    expect(shared_frame(0, XENMAPSPACE_shared_info), -XEN_EPERM, "memory_op add_to_physmap of d0's shared_info",
           "-EPERM");
    expect(shared_frame(other, XENMAPSPACE_grant_table), -XEN_EPERM,
           "memory_op add_to_physmap of another DomU's grant table", "-EPERM");

    expect(remote_shutdown(0, SHUTDOWN_poweroff), -XEN_EPERM, "sched_op remote_shutdown of d0", "-EPERM");
    expect(remote_shutdown(other, SHUTDOWN_crash), -XEN_EPERM, "sched_op remote_shutdown of another DomU", "-EPERM");
    expect(remote_shutdown(self, SHUTDOWN_reboot), -XEN_EPERM, "sched_op remote_shutdown of itself", "-EPERM");
    expect(remote_shutdown(DOMID_SELF, SHUTDOWN_reboot), -XEN_EPERM, "sched_op remote_shutdown of DOMID_SELF",
           "-EPERM");

    long got = hvm_param(HVMOP_get_param, 0, HVM_PARAM_STORE_PFN);
    check(got == -XEN_EPERM && param.value == 0x5a5a5a5a5a5a5a5aull, "hvm_op get_param of d0", got, "-EPERM");
    expect(hvm_param(HVMOP_set_param, other, HVM_PARAM_CONSOLE_PFN), -XEN_EPERM,
           "hvm_op set_param of another DomU", "-EPERM");
}

/* ---- event channels it does not own ---- */

static long evtchn(uint32_t cmd, void *op)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, (uint32_t)(uintptr_t)op, 0);
}

static struct evtchn_status status;

static long status_of(domid_t dom, uint32_t port)
{
    memset(&status, 0, sizeof status);
    status.dom = dom;
    status.port = port;
    return evtchn(EVTCHNOP_status, &status);
}

static long port_op(uint32_t cmd, uint32_t port)
{
    struct evtchn_bind_vcpu op = { .port = port, .vcpu = 0 };     /* send, close, unmask: the port alone */
    return evtchn(cmd, &op);
}

static long bind_interdomain(domid_t dom, uint32_t port)
{
    struct evtchn_bind_interdomain bind = { .remote_dom = dom, .remote_port = port };
    return evtchn(EVTCHNOP_bind_interdomain, &bind);
}

static void event_channels(void)
{
    char what[96];
    /* Its own ports, none bound: a port number names its own domain's port, never another's. */
    static const uint32_t unbound_ports[] = { 1, 2, 31, 32, 1023 };
    for (unsigned i = 0; i < sizeof unbound_ports / sizeof unbound_ports[0]; i++) {
        uint32_t port = unbound_ports[i];
        long got = status_of(DOMID_SELF, port);
        snprintf(what, sizeof what, "status of its port %u", (unsigned)port);
        check(got == 0 && status.status == EVTCHNSTAT_closed, what, got, "closed");
        snprintf(what, sizeof what, "send on port %u (not its own)", (unsigned)port);
        expect(port_op(EVTCHNOP_send, port), -XEN_EINVAL, what, "-EINVAL");
        snprintf(what, sizeof what, "close port %u (not its own)", (unsigned)port);
        expect(port_op(EVTCHNOP_close, port), -XEN_EINVAL, what, "-EINVAL");
        snprintf(what, sizeof what, "bind_vcpu of port %u (not its own)", (unsigned)port);
        expect(port_op(EVTCHNOP_bind_vcpu, port), -XEN_EINVAL, what, "-EINVAL");
        /* unmask checks the number only, and touches only its own shared_info's mask bit (as Xen) */
        snprintf(what, sizeof what, "unmask port %u (its own mask bit)", (unsigned)port);
        expect(port_op(EVTCHNOP_unmask, port), 0, what, "0");
    }
    static const uint32_t bad_ports[] = { 0, EVTCHN_PORTS, 0xffffffffu };
    for (unsigned i = 0; i < sizeof bad_ports / sizeof bad_ports[0]; i++) {
        uint32_t port = bad_ports[i];
        static const uint32_t cmds[] = { EVTCHNOP_send, EVTCHNOP_close, EVTCHNOP_unmask, EVTCHNOP_bind_vcpu };
        static const char *const names[] = { "send on", "close", "unmask", "bind_vcpu of" };
        for (unsigned c = 0; c < 4; c++) {
            snprintf(what, sizeof what, "%s port %u (none)", names[c], (unsigned)port);
            expect(port_op(cmds[c], port), -XEN_EINVAL, what, "-EINVAL");
        }
    }
    expect(status_of(DOMID_SELF, EVTCHN_PORTS), -XEN_EINVAL, "status of port 1024 (none)", "-EINVAL");
    expect(status_of(0, 1), -XEN_EPERM, "status of d0's port 1", "-EPERM");
    expect(status_of(other, 1), -XEN_EPERM, "status of another DomU's port 1", "-EPERM");

    struct evtchn_alloc_unbound unbound = { .dom = 0, .remote_dom = DOMID_SELF };
    expect(evtchn(EVTCHNOP_alloc_unbound, &unbound), -XEN_EPERM, "alloc_unbound in d0, for itself", "-EPERM");
    unbound.dom = other;
    expect(evtchn(EVTCHNOP_alloc_unbound, &unbound), -XEN_EPERM, "alloc_unbound in another DomU", "-EPERM");
    unbound.dom = DOMID_SELF;
    unbound.remote_dom = 99;
    expect(evtchn(EVTCHNOP_alloc_unbound, &unbound), -XEN_ESRCH, "alloc_unbound for domain 99", "-ESRCH");

    expect(bind_interdomain(0, 1), -XEN_EINVAL, "bind_interdomain to d0's port 1 (not offered)", "-EINVAL");
    expect(bind_interdomain(0, 0), -XEN_EINVAL, "bind_interdomain to d0's port 0", "-EINVAL");
    expect(bind_interdomain(0, EVTCHN_PORTS), -XEN_EINVAL, "bind_interdomain to d0's port 1024", "-EINVAL");
    expect(bind_interdomain(other, 1), -XEN_EINVAL, "bind_interdomain to another DomU's port 1 (not offered)",
           "-EINVAL");
    expect(bind_interdomain(7, 1), -XEN_ESRCH, "bind_interdomain to domain 7 (none)", "-ESRCH");
    expect(bind_interdomain(DOMID_INVALID, 1), -XEN_ESRCH, "bind_interdomain to DOMID_INVALID", "-ESRCH");

    /* A port of its own offered to another domain: it may not bind that one itself. */
    unbound.dom = DOMID_SELF;
    unbound.remote_dom = other;
    long got = evtchn(EVTCHNOP_alloc_unbound, &unbound);
    uint32_t port = unbound.port;
    check(got == 0 && port > 0 && port < EVTCHN_PORTS, "alloc_unbound of its own, for another DomU", got, "a port");
    snprintf(what, sizeof what, "bind_interdomain to its port %u, offered to another", (unsigned)port);
    expect(bind_interdomain(DOMID_SELF, port), -XEN_EINVAL, what, "-EINVAL");
    got = status_of(DOMID_SELF, port);
    check(got == 0 && status.status == EVTCHNSTAT_unbound && status.u.unbound.dom == other,
          "status of that port", got, "unbound, for the other DomU");
    expect(port_op(EVTCHNOP_send, port), 0, "send on it (nobody bound)", "0");
    expect(port_op(EVTCHNOP_close, port), 0, "close it", "0");
    expect(port_op(EVTCHNOP_close, port), -XEN_EINVAL, "close it again", "-EINVAL");
    expect(port_op(EVTCHNOP_send, port), -XEN_EINVAL, "send on it once closed", "-EINVAL");

    struct evtchn_bind_virq virq = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    expect(evtchn(EVTCHNOP_bind_virq, &virq), -XEN_EINVAL, "bind_virq dom_exc (d0's)", "-EINVAL");
    virq.virq = VIRQ_CONSOLE;
    expect(evtchn(EVTCHNOP_bind_virq, &virq), -XEN_EINVAL, "bind_virq console (d0's)", "-EINVAL");
    virq.virq = 5;
    expect(evtchn(EVTCHNOP_bind_virq, &virq), -XEN_EINVAL, "bind_virq 5", "-EINVAL");
    virq.virq = VIRQ_TIMER;
    virq.vcpu = 7;
    expect(evtchn(EVTCHNOP_bind_virq, &virq), -XEN_ENOENT, "bind_virq timer on vCPU 7 (none)", "-ENOENT");
    struct evtchn_bind_ipi ipi = { .vcpu = 7 };
    expect(evtchn(EVTCHNOP_bind_ipi, &ipi), -XEN_ENOENT, "bind_ipi to vCPU 7 (none)", "-ENOENT");
}

/* ---- grants it was not given ---- */

static long grant_op(uint32_t cmd, void *op)
{
    return hypercall(__HYPERVISOR_grant_table_op, cmd, (uint32_t)(uintptr_t)op, 1);
}

static struct gnttab_map_grant_ref map_op;

static long map_grant(domid_t dom, grant_ref_t ref, uint64_t host_addr)
{
    memset(&map_op, 0, sizeof map_op);
    map_op.host_addr = host_addr;
    map_op.flags = GNTMAP_host_map;
    map_op.ref = ref;
    map_op.dom = dom;
    map_op.handle = 0x5a5a5a5a;
    return grant_op(GNTTABOP_map_grant_ref, &map_op);
}

static struct gnttab_copy copy_op;
static uint8_t copy_page[FRAME] __attribute__((aligned(FRAME)));

/* A copy between another domain's frame `gmfn` (or grant) and one of its own; its page stays as it was. */
static long copy_with(domid_t dom, uint64_t gmfn, int from_other, uint16_t flags)
{
    struct gnttab_copy_ptr theirs = { .u = { .gmfn = gmfn }, .domid = dom };
    struct gnttab_copy_ptr mine = { .u = { .gmfn = (uint32_t)(uintptr_t)copy_page >> 12 }, .domid = DOMID_SELF };
    memset(&copy_op, 0, sizeof copy_op);
    copy_op.source = from_other ? theirs : mine;
    copy_op.dest = from_other ? mine : theirs;
    copy_op.len = 64;
    copy_op.flags = flags;
    memset(copy_page, 0xa5, sizeof copy_page);
    return grant_op(GNTTABOP_copy, &copy_op);
}

static int copy_page_intact(void)
{
    for (uint32_t i = 0; i < sizeof copy_page; i++)
        if (copy_page[i] != 0xa5)
            return 0;
    return 1;
}

static void grants(void)
{
    char what[96];
    /*
     * Another's references: one past its table is GNTST_bad_gntref, one in
     * it that names someone else GNTST_permission_denied (the native
     * kernels here keep no table, so both say no the first way); either
     * way nothing is mapped and no handle comes back.
     */
    const domid_t granters[] = { 0, other };
    static const grant_ref_t refs[] = { 0, 1, 511, 2047 };
    for (unsigned g = 0; g < 2; g++)
        for (unsigned r = 0; r < sizeof refs / sizeof refs[0]; r++) {
            long got = map_grant(granters[g], refs[r], WINDOW_FREE);
            snprintf(what, sizeof what, "map %s's grant %u (not given to it)", domain_name(granters[g]),
                     (unsigned)refs[r]);
            check(got == 0 && (map_op.status == GNTST_bad_gntref || map_op.status == GNTST_permission_denied) &&
                  map_op.handle == 0x5a5a5a5a, what, map_op.status, "refused: bad_gntref or permission_denied");
        }
    long got = map_grant(0, 0xffffffffu, WINDOW_FREE);
    check(got == 0 && map_op.status == GNTST_bad_gntref, "map d0's grant 0xffffffff", map_op.status,
          "GNTST_bad_gntref");
    got = map_grant(0, 0, guest_ram_base);
    check(got == 0 && map_op.status == GNTST_bad_virt_addr, "map d0's grant 0 over its own RAM", map_op.status,
          "GNTST_bad_virt_addr");
    got = map_grant(7, 0, WINDOW_FREE);
    check(got == 0 && map_op.status == GNTST_bad_domain, "map domain 7's grant 0 (none)", map_op.status,
          "GNTST_bad_domain");
    got = map_grant(DOMID_SELF, 0, WINDOW_FREE);
    check(got == 0 && map_op.status == GNTST_bad_domain, "map a grant of DOMID_SELF", map_op.status,
          "GNTST_bad_domain");

    got = copy_with(0, GUEST_RAM_BASE >> 12, 1, 0);
    check(got == 0 && copy_op.status == GNTST_permission_denied && copy_page_intact(), "copy from d0's first frame",
          copy_op.status, "GNTST_permission_denied, nothing copied");
    got = copy_with(other, (GUEST_RAM_BASE + 0x400000u) >> 12, 0, 0);
    check(got == 0 && copy_op.status == GNTST_permission_denied, "copy into another DomU's kernel frame",
          copy_op.status, "GNTST_permission_denied");
    got = copy_with(0, 0, 1, GNTCOPY_source_gref);
    check(got == 0 && (copy_op.status == GNTST_bad_gntref || copy_op.status == GNTST_permission_denied) &&
          copy_page_intact(), "copy from d0's grant 0 (not given to it)", copy_op.status,
          "refused: bad_gntref or permission_denied");
    got = copy_with(other, 0, 0, GNTCOPY_dest_gref);
    check(got == 0 && (copy_op.status == GNTST_bad_gntref || copy_op.status == GNTST_permission_denied),
          "copy into another DomU's grant 0 (not given to it)", copy_op.status,
          "refused: bad_gntref or permission_denied");

    struct gnttab_unmap_grant_ref unmap = { .host_addr = WINDOW_FREE, .handle = 0 };
    got = grant_op(GNTTABOP_unmap_grant_ref, &unmap);
    check(got == 0 && unmap.status == GNTST_bad_handle, "unmap handle 0 (none)", unmap.status, "GNTST_bad_handle");
    unmap.handle = 100000;
    got = grant_op(GNTTABOP_unmap_grant_ref, &unmap);
    check(got == 0 && unmap.status == GNTST_bad_handle, "unmap handle 100000", unmap.status, "GNTST_bad_handle");

    static xen_pfn_t frames[4];
    struct gnttab_setup_table setup = { .dom = 0, .nr_frames = 1, .frame_list = { (uint32_t)(uintptr_t)frames } };
    got = grant_op(GNTTABOP_setup_table, &setup);
    check(got == 0 && setup.status == GNTST_permission_denied, "setup_table of d0", setup.status,
          "GNTST_permission_denied");
    struct gnttab_query_size query = { .dom = other };
    got = grant_op(GNTTABOP_query_size, &query);
    check(got == 0 && query.status == GNTST_permission_denied, "query_size of another DomU", query.status,
          "GNTST_permission_denied");
    expect(hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, OUTSIDE, 1), -XEN_EFAULT,
           "map_grant_ref with its ops outside", "-EFAULT");
}

/*
 * Grants of its own for the random calls to use: its table's frame 0 in
 * its window, entries 1..GRANTS_OWN-1 filled in (entry 0 stays invalid):
 * most to itself, of scratch frames (some read-only), a few to the others,
 * and two of frames it does not have. That its own grants map and copy is
 * checked here, so that the random calls find the paths past the checks.
 */
static struct grant_entry_v1 *const own_table = (struct grant_entry_v1 *)WINDOW_GRANTS;

static struct grant_entry_v1 own_entry(grant_ref_t ref)
{
    struct grant_entry_v1 e = { .flags = GTF_permit_access, .domid = self,
                                .frame = scratch / FRAME + ref % (SCRATCH_SIZE / FRAME) };
    if (ref % 3 == 0)
        e.flags |= GTF_readonly;
    if (ref == 10 || ref == 11)
        e.domid = other;
    else if (ref == 12 || ref == 13)
        e.domid = 0;
    else if (ref == 14)
        e.frame = OUTSIDE / FRAME;
    else if (ref == 15)
        e.frame = GUEST_XEN_BASE / FRAME;
    return e;
}

static void own_grants(void)
{
    static xen_pfn_t where[1];
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = { (uint32_t)(uintptr_t)where } };
    long got = grant_op(GNTTABOP_setup_table, &setup);
    check(got == 0 && setup.status == GNTST_okay && where[0] == INVALID_GFN, "setup_table of its own, 1 frame",
          setup.status, "GNTST_okay, not mapped yet");
    struct xen_add_to_physmap map = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = 0,
                                      .gpfn = WINDOW_GRANTS >> 12 };
    expect(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)(uintptr_t)&map, 0), 0,
           "add_to_physmap of its grant table's frame 0", "0");
    for (grant_ref_t ref = 1; ref < GRANTS_OWN; ref++) {
        struct grant_entry_v1 e = own_entry(ref);
        own_table[ref].domid = e.domid;
        own_table[ref].frame = e.frame;
        __atomic_store_n(&own_table[ref].flags, e.flags, __ATOMIC_RELEASE);     /* last, as a granter must */
    }

    volatile uint32_t *frame1 = (volatile uint32_t *)(uintptr_t)(own_entry(1).frame * FRAME);
    *frame1 = 0x600dcafe;
    got = map_grant(self, 1, WINDOW_FREE);
    uint32_t handle = map_op.handle;
    uint16_t flags = __atomic_load_n(&own_table[1].flags, __ATOMIC_ACQUIRE);
    check(got == 0 && map_op.status == GNTST_okay && *(volatile uint32_t *)WINDOW_FREE == 0x600dcafe &&
          flags == (GTF_permit_access | GTF_reading | GTF_writing), "map its own grant 1", map_op.status,
          "GNTST_okay, its frame in the window, in use for writing");
    struct gnttab_unmap_grant_ref unmap = { .host_addr = WINDOW_FREE, .handle = handle };
    got = grant_op(GNTTABOP_unmap_grant_ref, &unmap);
    check(got == 0 && unmap.status == GNTST_okay && own_table[1].flags == GTF_permit_access, "unmap it",
          unmap.status, "GNTST_okay, flags clear");
    got = map_grant(self, 3, WINDOW_FREE);
    check(got == 0 && map_op.status == GNTST_permission_denied, "map its read-only grant 3 writable", map_op.status,
          "GNTST_permission_denied");
    got = map_grant(self, 10, WINDOW_FREE);
    check(got == 0 && map_op.status == GNTST_permission_denied, "map its grant 10 (for another DomU)",
          map_op.status, "GNTST_permission_denied");
    got = map_grant(self, 14, WINDOW_FREE);
    check(got == 0 && map_op.status == GNTST_bad_page, "map its grant 14 (a frame outside its RAM)",
          map_op.status, "GNTST_bad_page");
    struct gnttab_copy copy = {
        .source = { .u = { .ref = 1 }, .domid = self },
        .dest = { .u = { .gmfn = (uint32_t)(uintptr_t)copy_page >> 12 }, .domid = DOMID_SELF },
        .len = 4, .flags = GNTCOPY_source_gref,
    };
    memset(copy_page, 0, sizeof copy_page);
    got = grant_op(GNTTABOP_copy, &copy);
    check(got == 0 && copy.status == GNTST_okay && *(uint32_t *)copy_page == 0x600dcafe,
          "copy from its own grant 1", copy.status, "GNTST_okay, the word there");
}

/*
 * After the random calls its own grants still work: its table's frame 0
 * is still in the window (where the calls moved it), and a fresh grant of
 * a scratch frame in an entry nothing uses maps and unmaps. (What the
 * entries hold now is not checked: random pointers into its window have
 * had the hypervisor write there, as it was told to.)
 */
static void own_grants_afterwards(void)
{
    static xen_pfn_t where[1];
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = { (uint32_t)(uintptr_t)where } };
    long got = grant_op(GNTTABOP_setup_table, &setup);
    uint32_t gpa = (uint32_t)where[0] << 12;
    int mapped = got == 0 && setup.status == GNTST_okay && where[0] >> 20 == 0 && gpa >= GUEST_XEN_BASE &&
                 gpa - GUEST_XEN_BASE < GUEST_XEN_SIZE;
    check(mapped, "setup_table of its own after", (long)gpa, "its frame 0 still in the window");
    if (!mapped)
        return;
    struct grant_entry_v1 *table = (struct grant_entry_v1 *)(uintptr_t)gpa;
    grant_ref_t ref = 100;
    while (ref < GRANT_ENTRIES_PER_FRAME && __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE) != 0)
        ref++;
    if (ref == GRANT_ENTRIES_PER_FRAME) {
        check(0, "an unused entry of its table's frame 0", 0, "one with no flags");
        return;
    }
    volatile uint32_t *frame = (volatile uint32_t *)(uintptr_t)scratch;
    *frame = 0x5ca1ab1e;
    table[ref].domid = self;
    table[ref].frame = scratch / FRAME;
    __atomic_store_n(&table[ref].flags, GTF_permit_access, __ATOMIC_RELEASE);
    got = map_grant(self, ref, WINDOW_FREE);
    char what[64];
    snprintf(what, sizeof what, "map its own grant %u after", (unsigned)ref);
    int ok = got == 0 && map_op.status == GNTST_okay;
    check(ok && *(volatile uint32_t *)WINDOW_FREE == 0x5ca1ab1e, what, map_op.status, "GNTST_okay, its frame in the window");
    if (!ok)
        return;
    struct gnttab_unmap_grant_ref unmap = { .host_addr = WINDOW_FREE, .handle = map_op.handle };
    got = grant_op(GNTTABOP_unmap_grant_ref, &unmap);
    check(got == 0 && unmap.status == GNTST_okay && table[ref].flags == GTF_permit_access, "unmap it", unmap.status,
          "GNTST_okay, flags clear");
}

/* ---- its memory: what the hypervisor may write (scratch), and what it may not ---- */


static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/*
 * The layout (start.S, the hypervisor's domain builder): RAM from
 * guest_ram_base, the image 4 MiB in (its stacks and bss below _end), the
 * device tree 2 MiB-aligned below the top. The scratch area is the top
 * SCRATCH_SIZE bytes: every pointer a random call is given into its RAM
 * points there, and what the hypervisor writes starting there can only
 * run upwards, off the end of RAM (-EFAULT), never into anything else. It
 * is small because a grant batch that starts in it walks to the end of
 * RAM, GNTTAB_BATCH operations at a time.
 */
static int scratch_init(void)
{
    ram_end = guest_ram_base + guest_ram_size;
    dtb_end = ((uint32_t)(uintptr_t)guest_dtb + be32((const uint8_t *)guest_dtb + 4) + FRAME - 1) & ~(FRAME - 1);
    scratch = ram_end - SCRATCH_SIZE;
    return (uint32_t)(uintptr_t)_image_start >= guest_ram_base && (uint32_t)(uintptr_t)_end <= (uint32_t)(uintptr_t)guest_dtb &&
           dtb_end <= scratch;
}

static uint32_t guard_regions[3][2];

static void guards_fill(void)
{
    uint32_t regions[3][2] = {
        { guest_ram_base, (uint32_t)(uintptr_t)_image_start },
        { (uint32_t)(uintptr_t)_end, (uint32_t)(uintptr_t)guest_dtb & ~(FRAME - 1) },
        { dtb_end, scratch },
    };
    memcpy(guard_regions, regions, sizeof regions);
    for (int r = 0; r < 3; r++)
        for (uint32_t a = guard_regions[r][0]; a < guard_regions[r][1]; a += 4)
            *(volatile uint32_t *)(uintptr_t)a = PATTERN(a);
}

/* The first word of guard region r not as filled, or 0. */
static uint32_t guard_broken(int r)
{
    for (uint32_t a = guard_regions[r][0]; a < guard_regions[r][1]; a += 4)
        if (*(volatile uint32_t *)(uintptr_t)a != PATTERN(a))
            return a;
    return 0;
}

static uint32_t sum(uint32_t from, uint32_t to)
{
    uint32_t h = 2166136261u;           /* FNV-1a */
    for (uint32_t a = from; a < to; a++)
        h = (h ^ *(volatile uint8_t *)(uintptr_t)a) * 16777619u;
    return h;
}

static uint32_t image_sum(void)
{
    return sum((uint32_t)(uintptr_t)_image_start, (uint32_t)(uintptr_t)__bss_start);  /* code, constants, data */
}

static uint32_t dtb_sum(void)
{
    return sum((uint32_t)(uintptr_t)guest_dtb, (uint32_t)(uintptr_t)guest_dtb + be32((const uint8_t *)guest_dtb + 4));
}

/* ---- the random calls ---- */

static uint32_t rng;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/*
 * Nothing the hypervisor is given may name its RAM outside the scratch
 * area, as an address or as a frame number: told to write there, the
 * hypervisor would, and the damage would be its own doing. Such a value
 * moves into the scratch area, 8-aligned (so that every struct the
 * hypervisor reads there has its fields on word boundaries, and no field
 * is made of halves of two values).
 */
static uint32_t tame(uint32_t w)
{
    uint32_t frames = guest_ram_size / FRAME, scratch_frames = SCRATCH_SIZE / FRAME;
    if (w - guest_ram_base < guest_ram_size)
        return scratch + (w % SCRATCH_SIZE & ~7u);
    if (w - guest_ram_base / FRAME < frames && w - scratch / FRAME >= scratch_frames)
        return scratch / FRAME + w % scratch_frames;
    return w;
}

/* A random value of the kinds a hypercall's arguments and structs hold. */
static uint32_t value(void)
{
    static const uint32_t domains[] = { 0, 1, 2, 3, 7, DOMID_SELF, DOMID_INVALID, DOMID_ANY, 0xffff };
    static const uint32_t bad[] = { 0, OUTSIDE, WRAPPING, 0xffffffffu, GUEST_UART_BASE, GUEST_PLIC_BASE,
                                    GUEST_RAM_BASE - 8, GUEST_XEN_BASE + GUEST_XEN_SIZE - 4, 0x7ff0u << 12 };
    uint32_t r = next(), k = next();
    switch (r % 16) {
    case 0: case 1: case 2: case 3: case 4:
        return k % 32;
    case 5:
        return domains[k % (sizeof domains / sizeof domains[0])];
    case 6: case 7: case 8:
        return tame(scratch + k % SCRATCH_SIZE);
    case 9:
        return ram_end - 8 * (1 + k % 16);      /* a struct that runs past the end of its RAM */
    case 10:
        return bad[k % (sizeof bad / sizeof bad[0])];
    case 11:
        return GUEST_XEN_BASE + (k % 64) * FRAME;
    case 12:
        return k & 1 ? (GUEST_XEN_BASE >> 12) + k % 64 : tame(scratch / FRAME + k % (SCRATCH_SIZE / FRAME));
    default:
        return tame(k);
    }
}

/* Hypercall numbers: the ones the hypervisor has, more often than the rest of 0..63, and some past 63. */
static uint32_t number(void)
{
    static const uint32_t implemented[] = {
        __HYPERVISOR_memory_op, __HYPERVISOR_xen_version, __HYPERVISOR_console_io, __HYPERVISOR_grant_table_op,
        __HYPERVISOR_vcpu_op, __HYPERVISOR_sched_op, __HYPERVISOR_event_channel_op, __HYPERVISOR_hvm_op,
        __HYPERVISOR_sysctl, __HYPERVISOR_domctl,
    };
    uint32_t r = next(), k = next();
    if (r % 16 < 8)
        return implemented[k % (sizeof implemented / sizeof implemented[0])];
    if (r % 16 < 15)
        return k % HYPERCALL_COUNT;
    static const uint32_t past[] = { HYPERCALL_COUNT, 0x1000, 0x7fffffffu, 0xffffffffu };
    return k & 1 ? HYPERCALL_COUNT + k % 64 : k & 2 ? k : past[k / 4 % 4];
}

struct call {
    uint32_t number, a0, a1, a2;
};

/* a0: most calls' command, small more often than value() makes it, so that more calls get past the switch. */
static uint32_t command(void)
{
    uint32_t k = next();
    return k & 1 ? (k >> 1) % 16 : value();
}

/*
 * The calls that would stop or block this domain, each as hypercall.c
 * does them; drawn, they are drawn again:
 *  - sched_op block: waits for an interrupt, and its interrupts are off;
 *  - sched_op shutdown: with a good reason (a random struct has one often)
 *    it powers off, reboots or crashes itself;
 *  - sched_op poll: waits for ports nothing will send on (a timeout of 0
 *    is none);
 *  - vcpu_op down: of vCPU 0, its only one, nothing would bring it up;
 *  - memory_op decrease_reservation (the command is the low bits, the rest
 *    a continuation's count): gives back frames of its RAM, which it then
 *    touches and is crashed for.
 * Not skipped: sched_op remote_shutdown, -EPERM for a DomU before its
 * struct is read (if it ever named a domain, the test is to see it);
 * console_io read, which never waits (it takes what has been typed);
 * yield, which comes back.
 */
static int skipped(const struct call *c)
{
    switch (c->number) {
    case __HYPERVISOR_sched_op:
        return c->a0 == SCHEDOP_block || c->a0 == SCHEDOP_shutdown || c->a0 == SCHEDOP_poll;
    case __HYPERVISOR_vcpu_op:
        return c->a0 == VCPUOP_down;
    case __HYPERVISOR_memory_op:
        return (c->a0 & MEMOP_CMD_MASK) == XENMEM_decrease_reservation;
    default:
        return 0;
    }
}

/*
 * Where an argument points into the scratch area, fresh random contents
 * for the struct the hypervisor reads there: its fields small a quarter
 * of the time more than value() makes them (ports, vCPUs, flags, counts).
 */
static void refresh(uint32_t arg)
{
    if (arg - scratch >= SCRATCH_SIZE)
        return;
    for (uint32_t a = arg; a < arg + REFRESH_BYTES && a < ram_end; a += 4) {
        uint32_t k = next();
        *(volatile uint32_t *)(uintptr_t)a = k % 4 == 0 ? (k >> 2) % 16 : value();
    }
}

static uint32_t trace_from = 0xffffffffu, trace_count = 100;

/* The number after `key` in the bootargs (key=N), or `fallback`. */
static uint32_t bootarg_number(const char *key, uint32_t fallback)
{
    size_t n = strlen(key);
    for (const char *p = bootargs(); *p; p++) {
        if ((p == bootargs() || p[-1] == ' ') && strncmp(p, key, n) == 0) {
            uint32_t v = 0;
            for (p += n; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (uint32_t)(*p - '0');
            return v;
        }
    }
    return fallback;
}

/* ---- shaped calls: the struct its command takes, with fields mostly of the kinds it expects ---- */

/* One of the values listed, at random; ANY among them stands for a random word. */
#define ANY 0xa11a11a1u
#define PICK(...)                                                               \
    ({                                                                          \
        static const uint32_t choices_[] = { __VA_ARGS__ };                     \
        uint32_t chosen_ = choices_[next() % (sizeof choices_ / sizeof choices_[0])]; \
        chosen_ == ANY ? next() : chosen_;                                      \
    })

static uint32_t scratch_struct(void)
{
    return scratch + (next() % (SCRATCH_SIZE - 256) & ~7u);    /* room for three of the largest ops */
}

static uint32_t f_dom(void)
{
    uint32_t k = next() % 10;
    return k < 3 ? DOMID_SELF : k < 5 ? self : k == 5 ? 0 : k == 6 ? other : k == 7 ? PICK(7, DOMID_INVALID, 0xffff)
         : value();
}

static uint32_t f_port(void)
{
    uint32_t k = next();
    return k % 4 == 0 ? 1 + (k >> 2) % 8 : k % 4 == 1 ? (k >> 2) % EVTCHN_PORTS : k % 4 == 2 ? (k >> 2) % 4 : value();
}

static uint32_t f_vcpu(void)
{
    return PICK(0, 0, 0, 0, 1, 7, 0xffffffffu);
}

static uint32_t f_ptr(void)
{
    uint32_t k = next();
    return k % 8 < 6 ? scratch_struct() : PICK(0, OUTSIDE, WRAPPING, GUEST_XEN_BASE + 5 * FRAME, GUEST_UART_BASE);
}

static uint32_t f_gfn(void)
{
    uint32_t k = next();
    return k % 4 < 3 ? scratch / FRAME + (k >> 2) % (SCRATCH_SIZE / FRAME) : k % 8 == 3 ? (GUEST_XEN_BASE >> 12) + (k >> 3) % 64
         : tame(value());
}

/* A frame of the hypervisor's window, now and then not quite one. */
static uint64_t f_window(void)
{
    uint32_t k = next();
    uint64_t address = GUEST_XEN_BASE + (uint64_t)((k >> 4) % 64) * FRAME;
    return k % 16 < 13 ? address : k % 16 == 13 ? address + 8 : k % 16 == 14 ? address | 1ull << 32 : value();
}

static uint32_t f_ref(void)
{
    uint32_t k = next();
    return k % 4 < 2 ? (k >> 2) % GRANTS_OWN : k % 4 == 2 ? (k >> 2) % 2048 : value();
}

/*
 * A count of operations: mostly the 1..3 shaped, some 0, some past a
 * continuation (GNTTAB_BATCH, MEMOP_BATCH), and seldom any: a batch that
 * starts in the scratch area and goes on until it cannot read or write
 * walks to the end of RAM, hundreds of operations copied in and out byte
 * by byte (HLV, HSV), which costs the emulator as much as hundreds of
 * calls.
 */
static uint32_t f_count(void)
{
    uint32_t k = next();
    return k % 256 == 0 ? value() : k % 64 < 2 ? 0 : k % 64 == 2 ? 65 : 1 + (k >> 8) % 3;
}

static void fill_copy_ptr(struct gnttab_copy_ptr *p, int gref)
{
    if (gref)
        p->u.ref = f_ref();
    else
        p->u.gmfn = f_gfn();
    p->domid = (domid_t)f_dom();
    p->offset = (uint16_t)PICK(0, 0, 8, 2048, 4032, 4095, 4096, ANY);
}

static void shape_grant_op(struct call *c, uint32_t at)
{
    c->number = __HYPERVISOR_grant_table_op;
    c->a0 = PICK(GNTTABOP_map_grant_ref, GNTTABOP_map_grant_ref, GNTTABOP_unmap_grant_ref, GNTTABOP_unmap_grant_ref,
                 GNTTABOP_setup_table, GNTTABOP_copy, GNTTABOP_copy, GNTTABOP_query_size, 3, ANY);
    c->a1 = at;
    c->a2 = f_count();
    uint32_t size = c->a0 == GNTTABOP_map_grant_ref ? sizeof(struct gnttab_map_grant_ref)
                  : c->a0 == GNTTABOP_unmap_grant_ref ? sizeof(struct gnttab_unmap_grant_ref)
                  : c->a0 == GNTTABOP_copy ? sizeof(struct gnttab_copy) : sizeof(struct gnttab_setup_table);
    for (uint32_t i = 0; i < 3; i++) {      /* f_count's usual counts; a larger one goes on into what value() left */
        union {
            struct gnttab_map_grant_ref map;
            struct gnttab_unmap_grant_ref unmap;
            struct gnttab_setup_table setup;
            struct gnttab_copy copy;
            struct gnttab_query_size query;
        } *op = (void *)(uintptr_t)(at + i * size);
        switch (c->a0) {
        case GNTTABOP_map_grant_ref:
            op->map.host_addr = f_window();
            op->map.flags = PICK(GNTMAP_host_map, GNTMAP_host_map, GNTMAP_host_map | GNTMAP_readonly,
                                 GNTMAP_host_map | GNTMAP_device_map, 0, ANY);
            op->map.ref = f_ref();
            op->map.dom = (domid_t)f_dom();
            break;
        case GNTTABOP_unmap_grant_ref:
            op->unmap.host_addr = f_window();
            op->unmap.handle = next() % 4 < 3 ? next() % 8 : value();
            break;
        case GNTTABOP_setup_table:
            op->setup.dom = (domid_t)f_dom();
            op->setup.nr_frames = PICK(0, 1, 2, 4, 5, ANY);
            op->setup.frame_list.p = f_ptr();
            break;
        case GNTTABOP_copy: {
            uint32_t flags = PICK(0, GNTCOPY_source_gref, GNTCOPY_dest_gref, GNTCOPY_source_gref | GNTCOPY_dest_gref,
                                  4, ANY);
            fill_copy_ptr(&op->copy.source, flags & GNTCOPY_source_gref);
            fill_copy_ptr(&op->copy.dest, flags & GNTCOPY_dest_gref);
            op->copy.len = (uint16_t)PICK(0, 8, 64, 64, 4096, ANY);
            op->copy.flags = (uint16_t)flags;
            break;
        }
        default:
            op->query.dom = (domid_t)f_dom();
        }
    }
}

static void shape_evtchn_op(struct call *c, uint32_t at)
{
    c->number = __HYPERVISOR_event_channel_op;
    c->a0 = PICK(EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_close, EVTCHNOP_close, EVTCHNOP_send,
                 EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_alloc_unbound, EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi,
                 EVTCHNOP_bind_vcpu, EVTCHNOP_unmask, 2, ANY);
    c->a1 = at;
    uint32_t *w = (uint32_t *)(uintptr_t)at;
    switch (c->a0) {
    case EVTCHNOP_alloc_unbound:            /* dom, remote_dom */
        w[0] = f_dom() | f_dom() << 16;
        break;
    case EVTCHNOP_bind_interdomain:         /* remote_dom, remote_port */
    case EVTCHNOP_status:                   /* dom, port */
        w[0] = f_dom();
        w[1] = f_port();
        break;
    case EVTCHNOP_bind_virq:
        w[0] = PICK(VIRQ_TIMER, VIRQ_TIMER, VIRQ_CONSOLE, VIRQ_DOM_EXC, 1, NR_VIRQS, ANY);
        w[1] = f_vcpu();
        break;
    case EVTCHNOP_bind_ipi:
        w[0] = f_vcpu();
        break;
    default:                                /* close, send, unmask: the port; bind_vcpu: and the vCPU */
        w[0] = f_port();
        w[1] = f_vcpu();
    }
}

static void shape_memory_op(struct call *c, uint32_t at)
{
    c->number = __HYPERVISOR_memory_op;
    c->a0 = PICK(XENMEM_populate_physmap, XENMEM_current_reservation, XENMEM_maximum_reservation,
                 XENMEM_add_to_physmap, XENMEM_add_to_physmap, XENMEM_remove_from_physmap, XENMEM_add_to_physmap_batch,
                 2, ANY);
    c->a1 = at;
    switch (c->a0) {
    case XENMEM_populate_physmap: {
        struct xen_memory_reservation *r = (void *)(uintptr_t)at;
        xen_pfn_t *list = (void *)(uintptr_t)(at + sizeof *r);
        for (int i = 0; i < 4; i++)
            list[i] = f_gfn();
        r->extent_start.p = next() % 4 ? (uint32_t)(uintptr_t)list : f_ptr();
        r->nr_extents = f_count();
        r->extent_order = PICK(0, 0, 0, 1);
        r->domid = (domid_t)f_dom();
        break;
    }
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        *(uint32_t *)(uintptr_t)at = f_dom();
        break;
    case XENMEM_add_to_physmap: {
        struct xen_add_to_physmap *map = (void *)(uintptr_t)at;
        map->domid = (domid_t)f_dom();
        map->space = PICK(XENMAPSPACE_shared_info, XENMAPSPACE_grant_table, XENMAPSPACE_grant_table,
                          XENMAPSPACE_gmfn_foreign, ANY);
        map->idx = PICK(0, 0, 1, 2, 3, 4, XENMAPIDX_grant_table_status, ANY);
        map->gpfn = (xen_ulong_t)(f_window() >> 12);
        break;
    }
    case XENMEM_remove_from_physmap: {
        struct xen_remove_from_physmap *remove = (void *)(uintptr_t)at;
        remove->domid = (domid_t)f_dom();
        remove->gpfn = f_window() >> 12;
        break;
    }
    }
}

static void shape_vcpu_op(struct call *c, uint32_t at)
{
    c->number = __HYPERVISOR_vcpu_op;
    c->a0 = PICK(VCPUOP_is_up, VCPUOP_up, VCPUOP_set_singleshot_timer, VCPUOP_set_singleshot_timer,
                 VCPUOP_stop_singleshot_timer, VCPUOP_register_vcpu_info, VCPUOP_initialise, 4, ANY);
    c->a1 = f_vcpu();
    c->a2 = at;
    if (c->a0 == VCPUOP_set_singleshot_timer) {
        struct vcpu_set_singleshot_timer *t = (void *)(uintptr_t)at;
        uint64_t now = time_now() * 100;        /* ns: the 10 MHz timebase */
        uint32_t k = next() % 5;
        t->timeout_abs_ns = k == 0 ? now + 1000000 : k == 1 ? 0 : k == 2 ? now - 1000 : k == 3 ? ~0ull : now + value();
        t->flags = PICK(0, VCPU_SSHOTTMR_future, 2);
    } else if (c->a0 == VCPUOP_register_vcpu_info) {
        struct vcpu_register_vcpu_info *r = (void *)(uintptr_t)at;
        r->mfn = f_gfn();
        r->offset = PICK(0, 64, FRAME - sizeof(struct vcpu_info), FRAME - sizeof(struct vcpu_info) + 1, ANY);
        r->rsvd = 0;
    }
}

/* A call of an operation the hypervisor has, its struct shaped for it in the scratch area. */
static void shaped(struct call *c)
{
    uint32_t at = scratch_struct();
    for (uint32_t i = 0; i < 256; i += 4)
        *(volatile uint32_t *)(uintptr_t)(at + i) = value();     /* what no field below sets */
    c->a1 = value();
    c->a2 = value();
    switch (next() % 10) {
    case 0: case 1:
        shape_grant_op(c, at);
        break;
    case 2: case 3:
        shape_evtchn_op(c, at);
        break;
    case 4:
        shape_memory_op(c, at);
        break;
    case 5:
        shape_vcpu_op(c, at);
        break;
    case 6: {
        struct sched_remote_shutdown *remote = (void *)(uintptr_t)at;
        c->number = __HYPERVISOR_sched_op;
        c->a0 = PICK(SCHEDOP_yield, SCHEDOP_remote_shutdown, SCHEDOP_remote_shutdown, 5, ANY);
        c->a1 = at;
        remote->domain_id = (domid_t)f_dom();
        remote->reason = PICK(SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_crash, 9);
        break;
    }
    case 7: {
        struct xen_hvm_param *param = (void *)(uintptr_t)at;
        c->number = __HYPERVISOR_hvm_op;
        c->a0 = PICK(HVMOP_set_param, HVMOP_get_param, HVMOP_get_param, 2);
        c->a1 = next() % 8 ? at : f_ptr();
        param->domid = (domid_t)f_dom();
        param->index = PICK(HVM_PARAM_CALLBACK_IRQ, HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN, HVM_PARAM_CONSOLE_PFN,
                            HVM_PARAM_CONSOLE_EVTCHN, 3, HVM_NR_PARAMS, ANY);
        break;
    }
    case 8: {
        c->number = next() & 1 ? __HYPERVISOR_xen_version : __HYPERVISOR_console_io;
        c->a0 = next() % 10;
        c->a1 = c->number == __HYPERVISOR_xen_version ? f_ptr() : PICK(0, 1, 64, CONSOLEIO_MAX, CONSOLEIO_MAX + 1, ANY);
        c->a2 = f_ptr();
        *(uint32_t *)(uintptr_t)at = PICK(0, 1);     /* xen_feature_info.submap_idx, where f_ptr points here */
        break;
    }
    default: {
        /* Dom0's: -EPERM whatever the struct says, but with the right version, so that only the privilege stops it. */
        struct xen_domctl *op = (void *)(uintptr_t)at;
        c->number = next() & 1 ? __HYPERVISOR_domctl : __HYPERVISOR_sysctl;
        c->a0 = at;
        op->cmd = c->number == __HYPERVISOR_domctl ? domctls[next() % (sizeof domctls / sizeof domctls[0])].cmd
                                                   : PICK(XEN_SYSCTL_readconsole, XEN_SYSCTL_physinfo,
                                                          XEN_SYSCTL_sched_id, XEN_SYSCTL_getdomaininfolist);
        op->interface_version = c->number == __HYPERVISOR_domctl ? XEN_DOMCTL_INTERFACE_VERSION
                                                                 : XEN_SYSCTL_INTERFACE_VERSION;
        op->domain = (domid_t)f_dom();
    }
    }
}

/* A call as it is about to be made, with what its arguments into the scratch area point at: enough to make it again. */
static void trace(uint32_t i, const struct call *c)
{
    print("\nfuzz: call %u: hypercall %u (0x%08x, 0x%08x, 0x%08x)\n", (unsigned)i, (unsigned)c->number,
          (unsigned)c->a0, (unsigned)c->a1, (unsigned)c->a2);
    const uint32_t args[] = { c->a0, c->a1, c->a2 };
    for (int a = 0; a < 3; a++) {
        if (args[a] - scratch >= SCRATCH_SIZE)
            continue;
        const uint32_t *w = (const uint32_t *)(uintptr_t)args[a];
        for (int line = 0; line < 4 && args[a] + 16 * line < ram_end; line++, w += 4)
            print("fuzz:   a%d+%02x: %08x %08x %08x %08x\n", a, 16 * line, (unsigned)w[0],
                  (unsigned)(args[a] + 16 * line + 4 < ram_end ? w[1] : 0),
                  (unsigned)(args[a] + 16 * line + 8 < ram_end ? w[2] : 0),
                  (unsigned)(args[a] + 16 * line + 12 < ram_end ? w[3] : 0));
    }
}

static uint32_t errors[MAX_ERRNO + 1];     /* how often each -errno came back; the last: any other negative */

static void fuzz(void)
{
    uint32_t succeeded = 0, skips = 0, traps_before = traps.count;
    rng = SEED;
    for (uint32_t i = 0; i < FUZZ_CALLS; i++) {
        struct call c;
        int random;
        do {
            random = next() & 1;
            if (random) {
                c.number = number();
                c.a0 = command();
                c.a1 = value();
                c.a2 = value();
            } else {
                shaped(&c);
            }
            if (!skipped(&c))
                break;
            skips++;
        } while (1);
        if (random) {
            refresh(c.a0);
            refresh(c.a1);
            refresh(c.a2);
        }
        if (i >= trace_from && i - trace_from < trace_count)
            trace(i, &c);
        long got = hypercall(c.number, c.a0, c.a1, c.a2);
        if (got >= 0)
            succeeded++;
        else {
            uint32_t e = 0u - (uint32_t)got;
            errors[e < MAX_ERRNO ? e : MAX_ERRNO]++;
        }
        if ((i + 1) % PROGRESS_EVERY == 0)
            print("\nfuzz: %u of %u random hypercalls made\n", (unsigned)(i + 1), (unsigned)FUZZ_CALLS);
    }
    uint32_t distinct = 0;
    for (int e = 1; e <= MAX_ERRNO; e++)
        distinct += errors[e] != 0;
    print("fuzz: %u random hypercalls, %u distinct errors\n", (unsigned)FUZZ_CALLS, (unsigned)distinct);
    for (int e = 1; e <= MAX_ERRNO; e++)
        if (errors[e])
            print("fuzz: error %s%d: %u calls\n", e == MAX_ERRNO ? "other than -1..-" : "-", e == MAX_ERRNO ? MAX_ERRNO - 1 : e,
                  (unsigned)errors[e]);
    print("fuzz: %u calls succeeded; %u drawn and drawn again (they would stop or block it)\n", (unsigned)succeeded,
          (unsigned)skips);
    check(traps.count == traps_before, "exceptions taken during the random calls", (long)(traps.count - traps_before),
          "none");
}

/* ---- after: it and the hypervisor still answer as before ---- */

static void afterwards(uint32_t image_before, uint32_t dtb_before)
{
    static const char *const names[] = { "its RAM below the image", "its RAM between the image and the device tree",
                                         "its RAM between the device tree and the scratch area" };
    for (int r = 0; r < 3; r++) {
        uint32_t broken = guard_broken(r);
        char what[96];
        snprintf(what, sizeof what, "%s (%u KiB)", names[r], (unsigned)((guard_regions[r][1] - guard_regions[r][0]) / 1024));
        check(broken == 0, what, (long)broken, broken ? "written at that address" : "as it was filled");
    }
    uint32_t image_after = image_sum(), dtb_after = dtb_sum();
    check(image_after == image_before, "its code and data, summed", (long)image_after, "the sum before the calls");
    check(dtb_after == dtb_before, "its device tree, summed", (long)dtb_after, "the sum before the calls");
    expect(hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0), 0x00000001, "xen_version after", "0.1");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0), 1, "vcpu_op is_up 0 after", "1");
    expect(hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0, "sched_op yield after", "0");
    static const char line[] = "fuzz: a line written with console_io after\n";
    expect(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof line - 1, (uint32_t)(uintptr_t)line),
           sizeof line - 1, "console_io write after", "its length");
    domctl_refused(XEN_DOMCTL_destroydomain, "destroydomain", 0);
    domctl_refused(XEN_DOMCTL_pausedomain, "pausedomain", other);
    sysctl_refused(XEN_SYSCTL_physinfo, "physinfo");
    foreign_mapping_refused(0);
    expect(remote_shutdown(0, SHUTDOWN_poweroff), -XEN_EPERM, "sched_op remote_shutdown of d0 after", "-EPERM");
}

/* Waits for `key` typed on its console (console_io read, every 10 ms). */
static void wait_for_key(char key)
{
    for (char typed = 0; typed != key;) {
        if (hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 1, (uint32_t)(uintptr_t)&typed) != 1)
            sleep_ms(10);
    }
}

void guest_program(uint32_t hartid)
{
    (void)hartid;
    check_prefix = "fuzz";
    if (sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, HYPERCALL_EID, 0, 0).value != 1) {
        print("fuzz: no hypervisor here (no extension 0x%08x)\n", (unsigned)HYPERCALL_EID);
        return;
    }
    /* The bootargs now: the random calls may write over nothing but scratch, yet the tree is read only once. */
    int wait = bootargs_has("wait");
    trace_from = bootarg_number("trace-from=", trace_from);
    trace_count = bootarg_number("trace-count=", trace_count);
    xen_domain_handle_t handle;
    long got = hypercall(__HYPERVISOR_xen_version, XENVER_guest_handle, (uint32_t)(uintptr_t)handle, 0);
    self = handle[15];                  /* a domain the hypervisor built has its id there */
    other = (domid_t)(self + 1);
    print("fuzz: starting as d%u in %u KiB\n", (unsigned)self, (unsigned)(guest_ram_size / 1024));
    check(got == 0 && self != 0, "xen_version guest_handle", got, "a DomU's id in its last byte");
    if (!scratch_init()) {
        check(0, "its memory's layout", 0, "image, device tree, then room for the scratch area at the top");
        checks_done();
        return;
    }
    dom0_calls();
    event_channels();
    grants();
    own_grants();
    if (wait) {
        print("fuzz: type g to start %u random hypercalls\n", (unsigned)FUZZ_CALLS);
        wait_for_key('g');
    }
    guards_fill();
    uint32_t image_before = image_sum(), dtb_before = dtb_sum();
    fuzz();
    afterwards(image_before, dtb_before);
    own_grants_afterwards();
    checks_done();
    if (wait) {
        print("fuzz: type x to power off\n");
        wait_for_key('x');
    }
}

void guest_secondary_program(uint32_t hartid)
{
    (void)hartid;
}

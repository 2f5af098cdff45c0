/*
 * hcall.c: the hypervisor's hypercalls (firmware/include/hypercall.h),
 * each with good arguments and with bad ones, one line per check:
 *
 *   hcall: ok: <what> -> <what it got>        or   hcall: FAIL: ...
 *
 * then "hcall: done: P passed, F failed". Booted as a DomU it expects
 * Dom0's calls (domctl, sysctl) to answer -EPERM; with the bootarg
 * `dom0` (booted as domain 0) it makes them, with good and bad arguments,
 * and prints the domains as `xl list` would (lines "hcall: xl list: ...");
 * with `control` too it pauses and unpauses d1 (waiting for keys p and u
 * on its console between) and reboots and destroys d2; with
 * `destroy-crashed` it also waits for d3 to crash and destroys it; with `two-vcpus` (a domain of two) that vCPU 1 is not up. With the bootarg `shutdown` it ends with SCHEDOP_shutdown
 * (poweroff), else it waits in SCHEDOP_block for ever. On a machine with
 * no hypervisor it says so and powers off.
 */
#include "guest.h"
#include "hypercall.h"
#include "string.h"

#define OUTSIDE        0x90000000u     /* guest-physical, outside any domain's RAM */
#define WRAPPING       0xfffffff8u


static char text[CONSOLEIO_MAX];
static struct xen_feature_info features;
static struct sched_shutdown shutdown;

static void versions(void)
{
    expect(hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0), 0x00000001, "xen_version version", "0.1");
    memset(text, 'x', sizeof text);
    long got = hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uint32_t)(uintptr_t)text, 0);
    check(got == 0 && strcmp(text, "-hyperlab") == 0 && text[15] == 0 && text[16] == 'x', "xen_version extraversion",
          got, text);
    got = hypercall(__HYPERVISOR_xen_version, XENVER_capabilities, (uint32_t)(uintptr_t)text, 0);
    check(got == 0 && strncmp(text, "xen-3.0-riscv32 ", 16) == 0, "xen_version capabilities", got, text);
    expect(hypercall(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0), 4096, "xen_version pagesize", "4096");
    features.submap_idx = 0;
    features.submap = 0xffffffffu;
    got = hypercall(__HYPERVISOR_xen_version, XENVER_get_features, (uint32_t)(uintptr_t)&features, 0);
    check(got == 0 && features.submap == 0, "xen_version get_features 0", got, "no optional features");
    features.submap_idx = 1;
    expect(hypercall(__HYPERVISOR_xen_version, XENVER_get_features, (uint32_t)(uintptr_t)&features, 0), -XEN_EINVAL,
           "xen_version get_features 1", "-EINVAL");
    expect(hypercall(__HYPERVISOR_xen_version, 99, 0, 0), -XEN_ENOSYS, "xen_version 99", "-ENOSYS");
    expect(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, OUTSIDE, 0), -XEN_EFAULT,
           "xen_version extraversion into memory outside", "-EFAULT");
    uint32_t end = guest_ram_base + guest_ram_size;
    expect(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, end - 8, 0), -XEN_EFAULT,
           "xen_version extraversion running past its memory", "-EFAULT");
    expect(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, WRAPPING, 0), -XEN_EFAULT,
           "xen_version extraversion wrapping past 4 GiB", "-EFAULT");
}

static void console(void)
{
    static const char line[] = "hcall: a line written with console_io\n";
    long got = hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof line - 1, (uint32_t)(uintptr_t)line);
    expect(got, sizeof line - 1, "console_io write", "its length");
    expect(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 16, OUTSIDE), -XEN_EFAULT,
           "console_io write from memory outside", "-EFAULT");
    expect(hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 16, OUTSIDE), -XEN_EFAULT,
           "console_io read into memory outside", "-EFAULT");
    expect(hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 16, (uint32_t)(uintptr_t)text), 0,
           "console_io read with nothing typed", "0");
    expect(hypercall(__HYPERVISOR_console_io, 7, 0, 0), -XEN_ENOSYS, "console_io 7", "-ENOSYS");
}

static void scheduling(void)
{
    expect(hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0), 0, "sched_op yield", "0");
    csr_set(sie, MIP_STIP);
    uint64_t deadline = time_now() + 100000;       /* 10 ms at 10 MHz */
    guest_set_timer(deadline);
    long got = hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    check(got == 0 && time_now() >= deadline, "sched_op block", got, "back once its timer fired");
    guest_set_timer(~0ull);
    expect(hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, OUTSIDE, 0), -XEN_EFAULT,
           "sched_op shutdown with its reason outside", "-EFAULT");
    shutdown.reason = 77;
    expect(hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint32_t)(uintptr_t)&shutdown, 0), -XEN_EINVAL,
           "sched_op shutdown for reason 77", "-EINVAL");
    shutdown.reason = SHUTDOWN_suspend;
    expect(hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint32_t)(uintptr_t)&shutdown, 0), -XEN_ENOSYS,
           "sched_op shutdown to suspend", "-ENOSYS");
    expect(hypercall(__HYPERVISOR_sched_op, 42, 0, 0), -XEN_ENOSYS, "sched_op 42", "-ENOSYS");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0), 1, "vcpu_op is_up 0", "1");
    if (bootargs_has("two-vcpus"))
        expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0), 0, "vcpu_op is_up 1 (not started)", "0");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 64, 0), -XEN_ENOENT, "vcpu_op is_up 64", "-ENOENT");
}

static struct xen_sysctl sysctl_op;
static struct xen_domctl domctl_op;
static struct xen_domctl_getdomaininfo infos[8];

static long sysctl(uint32_t cmd, uint32_t version)
{
    sysctl_op.cmd = cmd;
    sysctl_op.interface_version = version;
    return hypercall(__HYPERVISOR_sysctl, (uint32_t)(uintptr_t)&sysctl_op, 0, 0);
}

static long domctl(uint32_t cmd, uint32_t version, domid_t domain)
{
    domctl_op.cmd = cmd;
    domctl_op.interface_version = version;
    domctl_op.domain = domain;
    return hypercall(__HYPERVISOR_domctl, (uint32_t)(uintptr_t)&domctl_op, 0, 0);
}

/* Xen's state letters, as `xl list` prints them: running, blocked, paused, shutdown, crashed, dying. */
static void state_letters(uint32_t flags, char *out)
{
    int shut = (flags & XEN_DOMINF_shutdown) != 0;
    int crashed = shut && (flags >> XEN_DOMINF_shutdownshift & 255) == SHUTDOWN_crash;
    const char letters[] = "rbpscd";
    int on[] = { flags & XEN_DOMINF_running, flags & XEN_DOMINF_blocked, flags & XEN_DOMINF_paused,
                 shut && !crashed, crashed, flags & XEN_DOMINF_dying };
    for (int i = 0; i < 6; i++)
        out[i] = on[i] ? letters[i] : '-';
    out[6] = 0;
}

/* Dom0's calls, as domain 0: the toolstack's view of the machine and its domains. */
static void toolstack(void)
{
    expect(sysctl(XEN_SYSCTL_physinfo, 0x15), -XEN_EACCES, "sysctl of another interface version", "-EACCES");
    expect(hypercall(__HYPERVISOR_sysctl, OUTSIDE, 0, 0), -XEN_EFAULT, "sysctl from memory outside", "-EFAULT");
    expect(sysctl(99, XEN_SYSCTL_INTERFACE_VERSION), -XEN_ENOSYS, "sysctl 99", "-ENOSYS");
    long got = sysctl(XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION);
    struct xen_sysctl_physinfo *physinfo = &sysctl_op.u.physinfo;
    check(got == 0 && physinfo->nr_cpus > 0 && physinfo->free_pages < physinfo->total_pages, "sysctl physinfo", got, "");
    print("hcall: physinfo: %u pCPUs, %u kHz, %u pages, %u free\n", (unsigned)physinfo->nr_cpus,
          (unsigned)physinfo->cpu_khz, (unsigned)physinfo->total_pages, (unsigned)physinfo->free_pages);
    got = sysctl(XEN_SYSCTL_sched_id, XEN_SYSCTL_INTERFACE_VERSION);
    check(got == 0 && sysctl_op.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT, "sysctl sched_id", got, "credit (5)");

    static char dmesg[4096];
    struct xen_sysctl_readconsole *ring = &sysctl_op.u.readconsole;
    memset(ring, 0, sizeof *ring);
    ring->buffer.p = OUTSIDE;
    ring->count = 64;
    expect(sysctl(XEN_SYSCTL_readconsole, XEN_SYSCTL_INTERFACE_VERSION), -XEN_EFAULT,
           "sysctl readconsole into memory outside", "-EFAULT");
    ring->buffer.p = (uint32_t)(uintptr_t)dmesg;
    ring->count = sizeof dmesg - 1;
    got = sysctl(XEN_SYSCTL_readconsole, XEN_SYSCTL_INTERFACE_VERSION);
    dmesg[got == 0 ? ring->count : 0] = 0;
    check(got == 0 && strncmp(dmesg, "(HV) HyperLab hypervisor ", 25) == 0, "sysctl readconsole", got,
          "the hypervisor's log from its first line");
    char *end = dmesg;
    while (*end && *end != '\n')
        end++;
    *end = 0;
    print("hcall: dmesg: %s\n", dmesg);
    uint32_t index = ring->index;
    ring->incremental = 1;
    ring->count = 16;
    got = sysctl(XEN_SYSCTL_readconsole, XEN_SYSCTL_INTERFACE_VERSION);
    check(got == 0 && ring->index == index + ring->count, "sysctl readconsole incremental", got,
          "goes on where the last read stopped");

    struct xen_sysctl_getdomaininfolist *list = &sysctl_op.u.getdomaininfolist;
    list->first_domain = 0;
    list->max_domains = 8;
    list->buffer.p = OUTSIDE;
    expect(sysctl(XEN_SYSCTL_getdomaininfolist, XEN_SYSCTL_INTERFACE_VERSION), -XEN_EFAULT,
           "sysctl getdomaininfolist into memory outside", "-EFAULT");
    list->first_domain = 1;
    list->max_domains = 1;
    list->buffer.p = (uint32_t)(uintptr_t)infos;
    got = sysctl(XEN_SYSCTL_getdomaininfolist, XEN_SYSCTL_INTERFACE_VERSION);
    check(got == 0 && list->num_domains == 1 && infos[0].domain == 1, "sysctl getdomaininfolist from 1, room for 1",
          got, "domain 1");
    list->first_domain = 0;
    list->max_domains = 8;
    got = sysctl(XEN_SYSCTL_getdomaininfolist, XEN_SYSCTL_INTERFACE_VERSION);
    check(got == 0 && list->num_domains >= 1 && infos[0].domain == 0, "sysctl getdomaininfolist", got, "from domain 0");
    print("hcall: xl list: ID   Mem VCPUs  State  Time(s)\n");
    for (uint32_t i = 0; i < list->num_domains && got == 0; i++) {
        char state[7];
        state_letters(infos[i].flags, state);
        print("hcall: xl list: %2u %5u %5u %s %8u.%u\n", (unsigned)infos[i].domain,
              (unsigned)(infos[i].tot_pages / 256), (unsigned)infos[i].nr_online_vcpus, state,
              (unsigned)(infos[i].cpu_time / 1000000000ull), (unsigned)(infos[i].cpu_time / 100000000ull % 10));
    }

    expect(domctl(XEN_DOMCTL_getdomaininfo, 0x17, 0), -XEN_EACCES, "domctl of another interface version", "-EACCES");
    expect(domctl(XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_INTERFACE_VERSION, 7), -XEN_ESRCH,
           "domctl getdomaininfo of domain 7 (none)", "-ESRCH");
    expect(domctl(XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_INTERFACE_VERSION, 0x7ff0), -XEN_ESRCH,
           "domctl getdomaininfo of domain 0x7ff0", "-ESRCH");
    expect(domctl(99, XEN_DOMCTL_INTERFACE_VERSION, 0), -XEN_ENOSYS, "domctl 99", "-ENOSYS");
    struct xen_domctl_getvcpuinfo *vcpu = &domctl_op.u.getvcpuinfo;
    vcpu->vcpu = 4;
    expect(domctl(XEN_DOMCTL_getvcpuinfo, XEN_DOMCTL_INTERFACE_VERSION, 0), -XEN_EINVAL, "domctl getvcpuinfo of vCPU 4",
           "-EINVAL");
    vcpu->vcpu = 0;
    got = domctl(XEN_DOMCTL_getvcpuinfo, XEN_DOMCTL_INTERFACE_VERSION, 0);
    check(got == 0 && vcpu->online && vcpu->running && !vcpu->blocked && vcpu->cpu < physinfo->nr_cpus &&
          vcpu->cpu_time > 0, "domctl getvcpuinfo of its vCPU 0", got, "online, running, on a pCPU");

    struct xen_domctl_scheduler_op *sched = &domctl_op.u.scheduler_op;
    sched->sched_id = XEN_SCHEDULER_CREDIT;
    sched->cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    got = domctl(XEN_DOMCTL_scheduler_op, XEN_DOMCTL_INTERFACE_VERSION, 1);
    check(got == 0 && sched->u.credit.weight == 256 && sched->u.credit.cap == 0, "domctl scheduler_op getinfo of d1",
          got, "weight 256, cap 0");
    sched->cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    sched->u.credit.weight = 512;
    sched->u.credit.cap = 0xffff;
    expect(domctl(XEN_DOMCTL_scheduler_op, XEN_DOMCTL_INTERFACE_VERSION, 1), 0, "domctl scheduler_op putinfo weight 512",
           "0");
    sched->cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    sched->u.credit.weight = 0;
    sched->u.credit.cap = 50;
    expect(domctl(XEN_DOMCTL_scheduler_op, XEN_DOMCTL_INTERFACE_VERSION, 1), 0, "domctl scheduler_op putinfo cap 50", "0");
    sched->cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    got = domctl(XEN_DOMCTL_scheduler_op, XEN_DOMCTL_INTERFACE_VERSION, 1);
    check(got == 0 && sched->u.credit.weight == 512 && sched->u.credit.cap == 50, "domctl scheduler_op getinfo after",
          got, "weight 512, cap 50");
    sched->sched_id = 6;
    expect(domctl(XEN_DOMCTL_scheduler_op, XEN_DOMCTL_INTERFACE_VERSION, 1), -XEN_EINVAL,
           "domctl scheduler_op for credit2", "-EINVAL");
    sched->sched_id = XEN_SCHEDULER_CREDIT;
    sched->cmd = 9;
    expect(domctl(XEN_DOMCTL_scheduler_op, XEN_DOMCTL_INTERFACE_VERSION, 1), -XEN_EINVAL, "domctl scheduler_op 9",
           "-EINVAL");
    sched->cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    sched->u.credit.weight = 256;
    sched->u.credit.cap = 0;
    domctl(XEN_DOMCTL_scheduler_op, XEN_DOMCTL_INTERFACE_VERSION, 1);

    got = domctl(XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_INTERFACE_VERSION, 0);
    struct xen_domctl_getdomaininfo *self = &domctl_op.u.getdomaininfo;
    check(got == 0 && self->domain == 0 && (self->flags & XEN_DOMINF_running) && self->nr_online_vcpus == 1 &&
          (self->flags & XEN_DOMINF_hvm_guest) && self->gpaddr_bits == 34, "domctl getdomaininfo of itself", got,
          "running, HVM, 1 vCPU");
}

/* Waits for `key` typed on its console (console_io read, every 10 ms). */
static void wait_for_key(char key)
{
    for (char typed = 0; typed != key;) {
        if (hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 1, (uint32_t)(uintptr_t)&typed) != 1)
            sleep_ms(10);
    }
}

static long info_of(domid_t domain)
{
    return domctl(XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_INTERFACE_VERSION, domain);
}

static struct sched_remote_shutdown remote;

static long remote_shutdown(domid_t domain, uint32_t reason)
{
    remote.domain_id = domain;
    remote.reason = reason;
    return hypercall(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, (uint32_t)(uintptr_t)&remote, 0);
}

/* Waits (at most 10 s) until domain `id` exists and runs (`exists`), or is gone (!exists). */
static int wait_for_domain(domid_t id, int exists)
{
    for (int i = 0; i < 1000; i++) {
        long got = info_of(id);
        if (exists ? got == 0 && !(domctl_op.u.getdomaininfo.flags & XEN_DOMINF_dying) : got == -XEN_ESRCH)
            return 1;
        sleep_ms(10);
    }
    return 0;
}

/*
 * Domain 0 controls the others, as xl pause, unpause, reboot and destroy
 * do: d1 paused while a line is typed at it (it does not run: its CPU
 * time stays), then unpaused; d2 rebooted, then destroyed.
 */
static void control(void)
{
    print("hcall: type p to pause d1\n");
    wait_for_key('p');
    expect(domctl(XEN_DOMCTL_pausedomain, XEN_DOMCTL_INTERFACE_VERSION, 0), -XEN_EINVAL, "domctl pausedomain of itself",
           "-EINVAL");
    expect(domctl(XEN_DOMCTL_pausedomain, XEN_DOMCTL_INTERFACE_VERSION, 1), 0, "domctl pausedomain 1", "0");
    sleep_ms(50);
    info_of(1);
    uint64_t ran = domctl_op.u.getdomaininfo.cpu_time;
    uint32_t flags = domctl_op.u.getdomaininfo.flags;
    check((flags & XEN_DOMINF_paused) && !(flags & XEN_DOMINF_running), "d1 paused", (long)flags, "paused, not running");
    print("hcall: paused d1; type u to unpause it\n");
    wait_for_key('u');
    sleep_ms(200);
    info_of(1);
    check(domctl_op.u.getdomaininfo.cpu_time == ran, "a paused d1 does not run", (long)(domctl_op.u.getdomaininfo.cpu_time - ran),
          "no CPU time since the pause");
    expect(domctl(XEN_DOMCTL_unpausedomain, XEN_DOMCTL_INTERFACE_VERSION, 1), 0, "domctl unpausedomain 1", "0");
    expect(domctl(XEN_DOMCTL_unpausedomain, XEN_DOMCTL_INTERFACE_VERSION, 1), -XEN_EINVAL,
           "domctl unpausedomain 1 again", "-EINVAL");
    info_of(1);
    check(!(domctl_op.u.getdomaininfo.flags & XEN_DOMINF_paused), "d1 unpaused", (long)domctl_op.u.getdomaininfo.flags,
          "not paused");
    sleep_ms(500);                  /* time for it to answer what was typed at it meanwhile */

    expect(remote_shutdown(0, SHUTDOWN_reboot), -XEN_EINVAL, "sched_op remote_shutdown of itself", "-EINVAL");
    expect(remote_shutdown(7, SHUTDOWN_reboot), -XEN_ESRCH, "sched_op remote_shutdown of domain 7 (none)", "-ESRCH");
    expect(remote_shutdown(2, 9), -XEN_EINVAL, "sched_op remote_shutdown for reason 9", "-EINVAL");
    expect(remote_shutdown(2, SHUTDOWN_reboot), 0, "sched_op remote_shutdown 2, reboot", "0");
    check(wait_for_domain(2, 1), "d2 back after its reboot", 0, "");
    expect(domctl(XEN_DOMCTL_destroydomain, XEN_DOMCTL_INTERFACE_VERSION, 0), -XEN_EINVAL,
           "domctl destroydomain of itself", "-EINVAL");
    expect(domctl(XEN_DOMCTL_destroydomain, XEN_DOMCTL_INTERFACE_VERSION, 2), 0, "domctl destroydomain 2", "0");
    check(wait_for_domain(2, 0), "d2 gone", 0, "getdomaininfo -ESRCH");
    if (!bootargs_has("destroy-crashed"))
        return;
    int crashed = 0;
    for (int i = 0; i < 1000 && !crashed; i++, sleep_ms(10)) {
        uint32_t flags = info_of(3) == 0 ? domctl_op.u.getdomaininfo.flags : 0;
        crashed = (flags & XEN_DOMINF_shutdown) && (flags >> XEN_DOMINF_shutdownshift & 255) == SHUTDOWN_crash;
    }
    check(crashed, "d3 crashed and kept", 0, "getdomaininfo says shutdown, crash");
    expect(domctl(XEN_DOMCTL_destroydomain, XEN_DOMCTL_INTERFACE_VERSION, 3), 0, "domctl destroydomain 3 (crashed)", "0");
    expect(info_of(3), -XEN_ESRCH, "d3 gone at once", "-ESRCH");
}

static struct xen_hvm_param param;

static long hvm_param(uint32_t cmd, domid_t domid, uint32_t index, uint64_t value)
{
    param.domid = domid;
    param.index = index;
    param.value = value;
    return hypercall(__HYPERVISOR_hvm_op, cmd, (uint32_t)(uintptr_t)&param, 0);
}

/* hvm_op: a domain reads its parameters and may not set them; domain 0 sets and reads a DomU's. */
static void parameters(void)
{
    long got = hvm_param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_STORE_PFN, 99);
    check(got == 0 && param.value == 0, "hvm_op get_param store_pfn of itself", got, "0, none set");
    expect(hvm_param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_CONSOLE_PFN, 5), -XEN_EPERM,
           "hvm_op set_param console_pfn of itself", "-EPERM");
    expect(hvm_param(HVMOP_get_param, DOMID_SELF, 3, 0), -XEN_EINVAL, "hvm_op get_param 3", "-EINVAL");
    expect(hvm_param(HVMOP_get_param, DOMID_SELF, 1000, 0), -XEN_EINVAL, "hvm_op get_param 1000", "-EINVAL");
    expect(hvm_param(HVMOP_get_param, 7, HVM_PARAM_STORE_PFN, 0), -XEN_ESRCH, "hvm_op get_param of domain 7 (none)",
           "-ESRCH");
    expect(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, OUTSIDE, 0), -XEN_EFAULT, "hvm_op from memory outside",
           "-EFAULT");
    expect(hypercall(__HYPERVISOR_hvm_op, 9, 0, 0), -XEN_ENOSYS, "hvm_op 9", "-ENOSYS");
    if (!bootargs_has("dom0")) {
        expect(hvm_param(HVMOP_get_param, 0, HVM_PARAM_STORE_PFN, 0), -XEN_EPERM, "hvm_op get_param of domain 0",
               "-EPERM");
        return;
    }
    expect(hvm_param(HVMOP_set_param, 1, HVM_PARAM_STORE_PFN, 0x12345), 0, "hvm_op set_param store_pfn of d1", "0");
    got = hvm_param(HVMOP_get_param, 1, HVM_PARAM_STORE_PFN, 0);
    check(got == 0 && param.value == 0x12345, "hvm_op get_param store_pfn of d1", got, "0x12345, as set");
}

static void privileges(void)
{
    if (bootargs_has("dom0")) {
        toolstack();
        if (bootargs_has("control"))
            control();
    } else {
        expect(sysctl(XEN_SYSCTL_physinfo, XEN_SYSCTL_INTERFACE_VERSION), -XEN_EPERM, "sysctl physinfo", "-EPERM");
        expect(domctl(XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_INTERFACE_VERSION, 0), -XEN_EPERM,
               "domctl getdomaininfo", "-EPERM");
        expect(remote_shutdown(0, SHUTDOWN_poweroff), -XEN_EPERM, "sched_op remote_shutdown of domain 0", "-EPERM");
    }
    expect(hypercall(99, 0, 0, 0), -XEN_ENOSYS, "hypercall 99", "-ENOSYS");
    expect(hypercall(0x1000, 0, 0, 0), -XEN_ENOSYS, "hypercall 0x1000", "-ENOSYS");
}

void guest_program(uint32_t hartid)
{
    (void)hartid;
    if (sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, HYPERCALL_EID, 0, 0).value != 1) {
        print("hcall: no hypervisor here (no extension 0x%08x)\n", (unsigned)HYPERCALL_EID);
        return;
    }
    check_prefix = "hcall";
    print("hcall: starting\n");
    versions();
    console();
    scheduling();
    parameters();
    privileges();
    checks_done();
    if (bootargs_has("shutdown")) {
        shutdown.reason = SHUTDOWN_poweroff;
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint32_t)(uintptr_t)&shutdown, 0);
        print("hcall: FAIL: still running after sched_op shutdown\n");
    }
    for (;;)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
}

void guest_secondary_program(uint32_t hartid)
{
    (void)hartid;
}

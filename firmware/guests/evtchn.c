/*
 * evtchn.c: event channels (firmware/include/hypercall.h), from both ends,
 * one line per check ("evtchn: ok: ..." or "evtchn: FAIL: ...") and then
 * "evtchn: done: P passed, F failed".
 *
 * Booted as domain 0 (bootarg `dom0`) it is the back end: it maps its
 * shared_info, binds VIRQ_DOM_EXC and VIRQ_CONSOLE, offers d1 a port
 * (alloc_unbound) whose number it leaves in d1's HVM_PARAM_STORE_EVTCHN,
 * as Xen's toolstack does for xenstore, binds to it, and answers each
 * notification d1 sends with one of its own. When d1 is gone (VIRQ_DOM_EXC)
 * it asks for a key on its console (VIRQ_CONSOLE says one came), then
 * powers off.
 *
 * Booted as a DomU with three vCPUs it is the front end: every operation
 * with bad arguments first, then an IPI port on itself (delivered, masked,
 * unmasked, polled), VIRQ_TIMER from a singleshot timer, a second vCPU
 * with a vcpu_info of its own taken down and up again, and the round trips
 * with domain 0; then it closes its port and powers off.
 */
#include "guest.h"
#include "hypercall.h"
#include "string.h"

#define OUTSIDE         0x90000000u         /* guest-physical, outside any domain's RAM */
#define ROUNDS          50                  /* round trips between the ends */
#define MAX_HARTS       4
#define NS_PER_MS       1000000ull
#define WORD_BITS       32u

static struct shared_info *const shared = (struct shared_info *)GUEST_XEN_BASE;
static struct vcpu_info *infos[MAX_HARTS];  /* each vCPU's, once it has one */
static volatile uint32_t received[EVTCHN_PORTS];    /* upcalls that found each port pending */
static volatile uint32_t upcalls[MAX_HARTS];

static uint32_t hart_id(void)
{
    uint32_t hart;
    __asm__ volatile("mv %0, tp" : "=r"(hart));
    return hart;
}

static uint64_t now_ns(void)
{
    return time_now() * 100;                /* the 10 MHz timebase: system time as the hypervisor counts it */
}

/* The upcall (a software interrupt): the 2-level scan, as a PV kernel does it. */
static void upcall(void)
{
    struct vcpu_info *info = infos[hart_id()];
    if (info == 0)
        return;
    upcalls[hart_id()]++;
    __atomic_store_n(&info->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    uint32_t selector = __atomic_exchange_n(&info->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (selector) {
        uint32_t word = (uint32_t)__builtin_ctz(selector);
        selector &= selector - 1;
        uint32_t ready = shared->evtchn_pending[word] & ~shared->evtchn_mask[word];
        while (ready) {
            uint32_t bit = (uint32_t)__builtin_ctz(ready);
            ready &= ready - 1;
            __atomic_and_fetch(&shared->evtchn_pending[word], ~(1u << bit), __ATOMIC_SEQ_CST);
            received[word * WORD_BITS + bit]++;
        }
    }
}

static void take_upcalls(uint32_t hart, struct vcpu_info *info)
{
    __asm__ volatile("mv tp, %0" :: "r"(hart));
    infos[hart] = info;
    software_interrupt_handler = upcall;
    csr_set(sie, MIP_SSIP);
    csr_set(sstatus, SSTATUS_SIE);
}

/* Waits (SCHEDOP_block, at most `ms`) until port has been received more than `seen` times. */
static int wait_port(uint32_t port, uint32_t seen, uint32_t ms)
{
    uint64_t until = time_now() + (uint64_t)ms * 10000;
    csr_set(sie, MIP_STIP);
    while (received[port] == seen && time_now() < until) {
        guest_set_timer(until);
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    }
    guest_set_timer(~0ull);
    return received[port] != seen;
}

static long evtchn(uint32_t cmd, void *op)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, (uint32_t)(uintptr_t)op, 0);
}

static long send(uint32_t port)
{
    struct evtchn_send op = { .port = port };
    return evtchn(EVTCHNOP_send, &op);
}

static long map_shared_info(domid_t dom, uint32_t space, uint32_t idx, uint32_t gpa)
{
    struct xen_add_to_physmap map = { .domid = dom, .space = space, .idx = idx, .gpfn = gpa >> 12 };
    return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)(uintptr_t)&map, 0);
}

static struct evtchn_status status;

static long status_of(domid_t dom, uint32_t port)
{
    memset(&status, 0, sizeof status);
    status.dom = dom;
    status.port = port;
    return evtchn(EVTCHNOP_status, &status);
}

static long bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_virq op = { .virq = virq, .vcpu = vcpu };
    long got = evtchn(EVTCHNOP_bind_virq, &op);
    *port = op.port;
    return got;
}

static int pending(uint32_t port)
{
    return (shared->evtchn_pending[port / WORD_BITS] >> port % WORD_BITS) & 1;
}

static void set_masked(uint32_t port, int masked)
{
    uint32_t bit = 1u << port % WORD_BITS;
    if (masked)
        __atomic_or_fetch(&shared->evtchn_mask[port / WORD_BITS], bit, __ATOMIC_SEQ_CST);
    else
        __atomic_and_fetch(&shared->evtchn_mask[port / WORD_BITS], ~bit, __ATOMIC_SEQ_CST);
}

static struct sched_poll poll_op;
static evtchn_port_t poll_ports[SCHED_POLL_MAX + 1];

static long poll(uint32_t port, uint32_t nr_ports, uint64_t timeout_ns)
{
    poll_ports[0] = port;
    poll_op.ports.p = (uint32_t)(uintptr_t)poll_ports;
    poll_op.nr_ports = nr_ports;
    poll_op.timeout = timeout_ns;
    return hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uint32_t)(uintptr_t)&poll_op, 0);
}

/* ---- the front end (a DomU) ---- */

static void bad_arguments(void)
{
    struct evtchn_alloc_unbound unbound = { .dom = 0, .remote_dom = 0 };
    expect(evtchn(EVTCHNOP_alloc_unbound, &unbound), -XEN_EPERM, "alloc_unbound in domain 0", "-EPERM");
    expect(status_of(0, 1), -XEN_EPERM, "status of domain 0's port 1", "-EPERM");
    uint32_t port;
    expect(bind_virq(VIRQ_DOM_EXC, 0, &port), -XEN_EINVAL, "bind_virq dom_exc (domain 0's)", "-EINVAL");
    expect(bind_virq(99, 0, &port), -XEN_EINVAL, "bind_virq 99", "-EINVAL");
    expect(bind_virq(VIRQ_TIMER, 7, &port), -XEN_ENOENT, "bind_virq timer on vCPU 7", "-ENOENT");
    struct evtchn_bind_ipi ipi = { .vcpu = 7 };
    expect(evtchn(EVTCHNOP_bind_ipi, &ipi), -XEN_ENOENT, "bind_ipi to vCPU 7", "-ENOENT");
    expect(send(0), -XEN_EINVAL, "send on port 0", "-EINVAL");
    expect(send(999), -XEN_EINVAL, "send on port 999 (closed)", "-EINVAL");
    expect(send(5000), -XEN_EINVAL, "send on port 5000 (none)", "-EINVAL");
    struct evtchn_close close = { .port = 999 };
    expect(evtchn(EVTCHNOP_close, &close), -XEN_EINVAL, "close port 999 (closed)", "-EINVAL");
    struct evtchn_unmask unmask = { .port = 0 };
    expect(evtchn(EVTCHNOP_unmask, &unmask), -XEN_EINVAL, "unmask port 0", "-EINVAL");
    struct evtchn_bind_interdomain bind = { .remote_dom = 0, .remote_port = 1 };
    expect(evtchn(EVTCHNOP_bind_interdomain, &bind), -XEN_EINVAL, "bind_interdomain to domain 0's port 1 (not offered)",
           "-EINVAL");
    bind.remote_dom = 7;
    expect(evtchn(EVTCHNOP_bind_interdomain, &bind), -XEN_ESRCH, "bind_interdomain to domain 7 (none)", "-ESRCH");
    expect(evtchn(42, &close), -XEN_ENOSYS, "event_channel_op 42", "-ENOSYS");
    expect(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, OUTSIDE, 0), -XEN_EFAULT,
           "send with its struct outside", "-EFAULT");
    expect(map_shared_info(DOMID_SELF, XENMAPSPACE_shared_info, 0, guest_ram_base), -XEN_EINVAL,
           "add_to_physmap shared_info over its RAM", "-EINVAL");
    expect(map_shared_info(DOMID_SELF, XENMAPSPACE_shared_info, 1, GUEST_XEN_BASE), -XEN_EINVAL,
           "add_to_physmap shared_info idx 1", "-EINVAL");
    expect(map_shared_info(DOMID_SELF, 9, 0, GUEST_XEN_BASE), -XEN_EINVAL, "add_to_physmap of space 9", "-EINVAL");
    expect(map_shared_info(0, XENMAPSPACE_shared_info, 0, GUEST_XEN_BASE), -XEN_EPERM,
           "add_to_physmap of domain 0's shared_info", "-EPERM");
}

/* An IPI port on its own vCPU: delivered at once, held while masked, polled. */
static void ipi_port(void)
{
    struct evtchn_bind_ipi bind = { .vcpu = 0 };
    long got = evtchn(EVTCHNOP_bind_ipi, &bind);
    uint32_t port = bind.port;
    check(got == 0 && port > 0, "bind_ipi to vCPU 0", got, "a port");
    got = send(port);
    check(got == 0 && received[port] == 1 && !pending(port), "send on the IPI port", got, "its upcall at once");
    got = status_of(DOMID_SELF, port);
    check(got == 0 && status.status == EVTCHNSTAT_ipi && status.vcpu == 0, "status of the IPI port", got, "ipi, vCPU 0");
    set_masked(port, 1);
    send(port);
    check(received[port] == 1 && pending(port), "send on the masked port", (long)received[port], "pending, no upcall");
    struct evtchn_unmask unmask = { .port = port };
    got = evtchn(EVTCHNOP_unmask, &unmask);
    check(got == 0 && received[port] == 2, "unmask with the port pending", got, "its upcall then");

    set_masked(port, 1);
    uint64_t start = time_now();
    got = poll(port, 1, now_ns() + 10 * NS_PER_MS);
    uint64_t waited = time_now() - start;
    check(got == 0 && waited >= 100000 && !pending(port), "poll of a quiet port for 10 ms", got, "0 once the time is up");
    send(port);
    start = time_now();
    got = poll(port, 1, now_ns() + 1000 * NS_PER_MS);
    waited = time_now() - start;
    check(got == 0 && waited < 10000000 && received[port] == 2, "poll of a pending masked port", got,
          "0 at once, no upcall");
    expect(poll(port, 0, 0), -XEN_EINVAL, "poll of no ports", "-EINVAL");
    expect(poll(port, SCHED_POLL_MAX + 1, 0), -XEN_EINVAL, "poll of 9 ports", "-EINVAL");
    expect(poll(5000, 1, 0), -XEN_EINVAL, "poll of port 5000", "-EINVAL");
    poll_op.ports.p = OUTSIDE;
    expect(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uint32_t)(uintptr_t)&poll_op, 0), -XEN_EFAULT,
           "poll with its ports outside", "-EFAULT");
    struct evtchn_close close = { .port = port };
    expect(evtchn(EVTCHNOP_close, &close), 0, "close the IPI port", "0");
    expect(send(port), -XEN_EINVAL, "send on it closed", "-EINVAL");
    set_masked(port, 0);
}

static struct vcpu_set_singleshot_timer singleshot;

static long set_singleshot(uint32_t vcpu, uint64_t at_ns, uint32_t flags)
{
    singleshot.timeout_abs_ns = at_ns;
    singleshot.flags = flags;
    return hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, vcpu, (uint32_t)(uintptr_t)&singleshot);
}

static void timer_virq(void)
{
    uint32_t port, other;
    long got = bind_virq(VIRQ_TIMER, 0, &port);
    check(got == 0 && port > 0, "bind_virq timer on vCPU 0", got, "a port");
    expect(bind_virq(VIRQ_TIMER, 0, &other), -XEN_EBUSY, "bind_virq timer on vCPU 0 again", "-EBUSY");
    uint32_t seen = received[port];        /* a port number used before (the IPI's) may have counted */
    uint64_t deadline = now_ns() + 5 * NS_PER_MS;
    got = set_singleshot(0, deadline, VCPU_SSHOTTMR_future);
    int came = wait_port(port, seen, 1000);
    check(got == 0 && came && now_ns() >= deadline, "singleshot timer in 5 ms", got, "VIRQ_TIMER once it is due");
    expect(set_singleshot(0, now_ns() - NS_PER_MS, VCPU_SSHOTTMR_future), -XEN_ETIME,
           "singleshot timer in the past, future only", "-ETIME");
    expect(set_singleshot(1, now_ns() + NS_PER_MS, 0), -XEN_EINVAL, "singleshot timer of vCPU 1", "-EINVAL");
    set_singleshot(0, now_ns() + 5 * NS_PER_MS, 0);
    got = hypercall(__HYPERVISOR_vcpu_op, VCPUOP_stop_singleshot_timer, 0, 0);
    sleep_ms(20);
    check(got == 0 && received[port] == seen + 1, "singleshot timer stopped", got, "no VIRQ_TIMER");
}

static struct vcpu_info second_info __attribute__((aligned(64)));
static volatile uint32_t second_counter;
static volatile int second_ready;

void guest_secondary_program(uint32_t hartid)
{
    take_upcalls(hartid, &second_info);
    second_ready = 1;
    for (;;)
        second_counter++;
}

/* A second vCPU with its own vcpu_info: an IPI port on it, then down and up. */
static void second_vcpu(void)
{
    struct vcpu_register_vcpu_info reg = { .mfn = (uint32_t)(uintptr_t)&second_info >> 12,
                                           .offset = (uint32_t)(uintptr_t)&second_info & 0xfff };
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, (uint32_t)(uintptr_t)&reg), 0,
           "register_vcpu_info for vCPU 1", "0");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, (uint32_t)(uintptr_t)&reg), -XEN_EINVAL,
           "register_vcpu_info for vCPU 1 again", "-EINVAL");
    struct vcpu_register_vcpu_info bad = { .mfn = OUTSIDE >> 12, .offset = 0 };
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 2, (uint32_t)(uintptr_t)&bad), -XEN_EINVAL,
           "register_vcpu_info outside its RAM", "-EINVAL");
    bad.mfn = reg.mfn;
    bad.offset = 4090;
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 2, (uint32_t)(uintptr_t)&bad), -XEN_EINVAL,
           "register_vcpu_info across a page's end", "-EINVAL");
    sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, (uint32_t)(uintptr_t)secondary_entry, 0);
    for (int i = 0; i < 1000 && !second_ready; i++)
        sleep_ms(1);
    struct evtchn_bind_ipi bind = { .vcpu = 1 };
    long got = evtchn(EVTCHNOP_bind_ipi, &bind);
    uint32_t seen = received[bind.port];
    send(bind.port);
    int came = wait_port(bind.port, seen, 1000);
    check(got == 0 && came && upcalls[1] == 1, "send on an IPI port of vCPU 1", got,
          "vCPU 1's upcall");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_down, 1, 0), 0, "vcpu_op down 1", "0");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0), 0, "vcpu_op is_up 1, down", "0");
    sleep_ms(10);
    uint32_t before = second_counter;
    sleep_ms(30);
    check(second_counter == before, "vCPU 1 down", (long)(second_counter - before), "it does not run");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0), 0, "vcpu_op up 1", "0");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0), 1, "vcpu_op is_up 1, up", "1");
    sleep_ms(30);
    check(second_counter != before, "vCPU 1 up again", 0, "it runs where it left off");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up, 2, 0), -XEN_EINVAL, "vcpu_op up 2 (never started)", "-EINVAL");
    expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 2, 0), 0, "vcpu_op is_up 2", "0");
    hypercall(__HYPERVISOR_vcpu_op, VCPUOP_down, 1, 0);     /* it spins: let the others have the pCPUs */
}

/* The round trips with domain 0 on the port it offered (HVM_PARAM_STORE_EVTCHN). */
static void with_domain0(void)
{
    struct xen_hvm_param param = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_EVTCHN };
    for (int i = 0; i < 1000 && param.value == 0; i++) {
        hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint32_t)(uintptr_t)&param, 0);
        if (param.value == 0)
            sleep_ms(10);
    }
    uint32_t port = (uint32_t)param.value;
    for (int i = 0; i < 1000 && (status_of(DOMID_SELF, port) != 0 || status.status != EVTCHNSTAT_interdomain); i++)
        sleep_ms(10);
    check(status.status == EVTCHNSTAT_interdomain && status.u.interdomain.dom == 0, "the port domain 0 offered",
          (long)port, "bound by domain 0");
    int rounds = 0;
    for (; rounds < ROUNDS; rounds++) {
        uint32_t seen = received[port];
        send(port);
        if (!wait_port(port, seen, 2000))
            break;
    }
    check(rounds == ROUNDS, "round trips with domain 0", rounds, "50, each answered");
    struct evtchn_close close = { .port = port };
    expect(evtchn(EVTCHNOP_close, &close), 0, "close the port to domain 0", "0");
}

static void front_end(void)
{
    bad_arguments();
    expect(map_shared_info(DOMID_SELF, XENMAPSPACE_shared_info, 0, GUEST_XEN_BASE), 0,
           "add_to_physmap shared_info", "0");
    take_upcalls(0, &shared->vcpu_info[0]);
    ipi_port();
    timer_virq();
    second_vcpu();
    with_domain0();
}

/* ---- the back end (domain 0) ---- */

static void back_end(void)
{
    expect(map_shared_info(DOMID_SELF, XENMAPSPACE_shared_info, 0, GUEST_XEN_BASE + 0x7000), 0,
           "add_to_physmap shared_info", "0");
    expect(map_shared_info(DOMID_SELF, XENMAPSPACE_shared_info, 0, GUEST_XEN_BASE), 0,
           "add_to_physmap shared_info again, elsewhere", "0 (moved)");
    take_upcalls(0, &shared->vcpu_info[0]);
    uint32_t exceptions, console, refused;
    expect(bind_virq(VIRQ_DOM_EXC, 0, &exceptions), 0, "bind_virq dom_exc", "0");
    expect(bind_virq(VIRQ_CONSOLE, 0, &console), 0, "bind_virq console", "0");
    expect(bind_virq(VIRQ_CONSOLE, 1, &refused), -XEN_EINVAL, "bind_virq console on vCPU 1", "-EINVAL");
    struct evtchn_alloc_unbound offer = { .dom = 1, .remote_dom = 0 };
    long got = evtchn(EVTCHNOP_alloc_unbound, &offer);
    check(got == 0 && offer.port > 0, "alloc_unbound in d1 for domain 0", got, "a port of d1");
    struct xen_hvm_param param = { .domid = 1, .index = HVM_PARAM_STORE_EVTCHN, .value = offer.port };
    expect(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint32_t)(uintptr_t)&param, 0), 0,
           "hvm_op set_param store_evtchn of d1", "0");
    struct evtchn_bind_interdomain bind = { .remote_dom = 1, .remote_port = offer.port };
    got = evtchn(EVTCHNOP_bind_interdomain, &bind);
    uint32_t port = bind.local_port;
    check(got == 0 && received[port] == 1, "bind_interdomain to it", got, "a port, pending at once");
    expect(evtchn(EVTCHNOP_bind_interdomain, &bind), -XEN_EINVAL, "bind_interdomain to it again", "-EINVAL");
    got = status_of(1, offer.port);
    check(got == 0 && status.status == EVTCHNSTAT_interdomain && status.u.interdomain.dom == 0 &&
          status.u.interdomain.port == port, "status of d1's end", got, "interdomain, to this port");
    int rounds = 0;
    for (uint32_t seen = received[port]; rounds < ROUNDS && wait_port(port, seen, 10000); rounds++) {
        seen = received[port];
        send(port);
    }
    check(rounds == ROUNDS, "answers to d1", rounds, "50");
    check(wait_port(exceptions, 0, 20000), "VIRQ_DOM_EXC", (long)received[exceptions], "once d1 is gone");
    got = status_of(DOMID_SELF, port);
    check(got == 0 && status.status == EVTCHNSTAT_unbound && status.u.unbound.dom == 1, "status of its end then", got,
          "unbound, for d1");
    uint32_t seen = received[console];
    print("evtchn: type a key\n");
    int typed = 0;
    while (!typed)                          /* for as long as it takes: a person types at it */
        typed = wait_port(console, seen, 1000);
    char key = 0;
    got = hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 1, (uint32_t)(uintptr_t)&key);
    check(typed && got == 1, "VIRQ_CONSOLE", got, "the key came");
}

void guest_program(uint32_t hartid)
{
    check_prefix = "evtchn";
    if (sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, HYPERCALL_EID, 0, 0).value != 1) {
        print("evtchn: no hypervisor here (no extension 0x%08x)\n", (unsigned)HYPERCALL_EID);
        return;
    }
    __asm__ volatile("mv tp, %0" :: "r"(hartid));
    print("evtchn: starting as %s\n", bootargs_has("dom0") ? "domain 0" : "a DomU");
    if (bootargs_has("dom0"))
        back_end();
    else
        front_end();
    checks_done();
    struct sched_shutdown shutdown = { .reason = SHUTDOWN_poweroff };
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint32_t)(uintptr_t)&shutdown, 0);
}

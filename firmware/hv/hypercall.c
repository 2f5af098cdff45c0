/*
 * hypercall.c: Xen's hypercalls, as firmware/include/hypercall.h gives
 * their ABI: an SBI call to HYPERCALL_EID, the number in a6, arguments in
 * a0..a5, the result (or a negative errno) in a0.
 *
 * A guest's pointers are guest virtual addresses, read and written with
 * HLV/HSV through its own translation; a fault there is -EFAULT to the
 * caller and nothing else. Dom0's calls (domctl, sysctl) are -EPERM to a
 * DomU. Each vCPU counts its hypercalls by number (the 'q' key).
 *
 * Here so far: xen_version, console_io, sched_op (yield, block, shutdown,
 * poll), vcpu_op (up, down, is_up, singleshot timers, register_vcpu_info),
 * memory_op (decrease_reservation, populate_physmap, current and maximum
 * reservation, add_to_physmap of shared_info and grant table frames, and
 * for Dom0 add_to_physmap_batch of foreign frames and remove_from_physmap),
 * event_channel_op (evtchn.c), grant_table_op (grant.c), hvm_op (set and
 * get param), and for Dom0 sched_op remote_shutdown, domctl and sysctl
 * (domctl.c). The rest answer -ENOSYS.
 */
#include "hv.h"
#include "string.h"

#define A0 10
#define A1 11
#define A6 16

#define CONSOLE_CHUNK   64          /* bytes moved through the hypervisor's stack at a time */
#define XEN_MAJOR       0
#define XEN_MINOR       1
#define XEN_CAPABILITIES "xen-3.0-riscv32 hvm-3.0-riscv32"
#define XEN_PAGE_SIZE   4096

/* A hypercall's handler: its result, or a negative errno; HYPERCALL_DONE if it set a0 and pc itself. */
typedef long (*hypercall_fn)(struct vcpu *v);

static uint32_t arg(const struct vcpu *v, int n)
{
    return v->regs.x[A0 + n];
}

static int is_dom0(const struct vcpu *v)
{
    return v->domain->id == 0;
}

/* ---- the guest's memory, through its own translation ---- */

/* Copies n bytes from the guest's virtual address gva. 0, or -EFAULT (dst partly written). */
long copy_from_guest(void *dst, uint32_t gva, uint32_t n)
{
    uint8_t *to = dst;
    if (gva + n < gva)
        return -XEN_EFAULT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t byte;
        if (guest_load_u8(gva + i, &byte) < 0)
            return -XEN_EFAULT;
        to[i] = (uint8_t)byte;
    }
    return 0;
}

/* Copies n bytes to the guest's virtual address gva. 0, or -EFAULT (the guest's buffer partly written). */
long copy_to_guest(uint32_t gva, const void *src, uint32_t n)
{
    const uint8_t *from = src;
    if (gva + n < gva)
        return -XEN_EFAULT;
    for (uint32_t i = 0; i < n; i++)
        if (guest_store_u8(gva + i, from[i]) < 0)
            return -XEN_EFAULT;
    return 0;
}

/* A NUL-terminated string into a buffer of `size` bytes in the guest, zero-padded as Xen's are. */
static long string_to_guest(uint32_t gva, const char *text, uint32_t size)
{
    char buffer[CONSOLE_CHUNK];
    for (uint32_t done = 0; done < size; done += sizeof buffer) {
        uint32_t n = size - done < sizeof buffer ? size - done : sizeof buffer;
        uint32_t length = strlen(text);
        for (uint32_t i = 0; i < n; i++)
            buffer[i] = done + i < length ? text[done + i] : 0;
        long error = copy_to_guest(gva + done, buffer, n);
        if (error)
            return error;
    }
    return 0;
}

/* A domain's handle (xen_domain_handle_t): the toolstack's, or its id in the last byte. */
void domain_handle(const struct domain *d, xen_domain_handle_t handle)
{
    memcpy(handle, d->handle, sizeof(xen_domain_handle_t));
    if (!d->has_handle)
        handle[15] = (uint8_t)d->id;
}

/* ---- xen_version(cmd, arg) ---- */

static long xen_version(struct vcpu *v)
{
    uint32_t cmd = arg(v, 0), buffer = arg(v, 1);
    switch (cmd) {
    case XENVER_version:
        return XEN_MAJOR << 16 | XEN_MINOR;
    case XENVER_extraversion:
        return string_to_guest(buffer, "-hyperlab", sizeof(xen_extraversion_t));
    case XENVER_capabilities:
        return string_to_guest(buffer, XEN_CAPABILITIES, sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return string_to_guest(buffer, "HyperLab hypervisor " HV_VERSION_STRING, sizeof(xen_changeset_info_t));
    case XENVER_get_features: {
        struct xen_feature_info info;
        long error = copy_from_guest(&info, buffer, sizeof info);
        if (error)
            return error;
        if (info.submap_idx != 0)
            return -XEN_EINVAL;     /* one submap, and no optional feature in it yet */
        info.submap = 0;
        return copy_to_guest(buffer, &info, sizeof info);
    }
    case XENVER_pagesize:
        return XEN_PAGE_SIZE;
    case XENVER_guest_handle: {
        xen_domain_handle_t handle;
        domain_handle(v->domain, handle);
        return copy_to_guest(buffer, handle, sizeof handle);
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* ---- console_io(cmd, count, buffer): the caller's own console ---- */

static long console_io(struct vcpu *v)
{
    uint32_t cmd = arg(v, 0), count = arg(v, 1), buffer = arg(v, 2);
    uint8_t chunk[CONSOLE_CHUNK];
    if (count > CONSOLEIO_MAX)
        count = CONSOLEIO_MAX;
    switch (cmd) {
    case CONSOLEIO_write:
        for (uint32_t done = 0; done < count;) {
            uint32_t n = count - done < CONSOLE_CHUNK ? count - done : CONSOLE_CHUNK;
            long error = copy_from_guest(chunk, buffer + done, n);
            if (error)
                return done ? (long)done : error;
            for (uint32_t i = 0; i < n; i++)
                vuart_transmit(v->domain, chunk[i]);
            done += n;
        }
        return (long)count;
    case CONSOLEIO_read: {
        if (count > CONSOLE_CHUNK)
            count = CONSOLE_CHUNK;
        memset(chunk, 0, sizeof chunk);
        long error = copy_to_guest(buffer, chunk, count);    /* first: a bad buffer loses no input */
        if (error)
            return error;
        uint32_t n = vuart_take(v->domain, chunk, count);
        error = copy_to_guest(buffer, chunk, n);
        return error ? error : (long)n;
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* ---- sched_op(cmd, arg) ---- */

/* The call's result in a0 and the guest past its ecall, before the vCPU leaves its pCPU. */
static void complete(struct vcpu *v, long result)
{
    v->regs.x[A0] = (uint32_t)result;
    v->regs.x[A1] = 0;
    v->regs.pc += 4;
}

static long sched_op(struct vcpu *v)
{
    uint32_t cmd = arg(v, 0), buffer = arg(v, 1);
    switch (cmd) {
    case SCHEDOP_yield:
        complete(v, 0);
        sched_deschedule(this_pcpu(), DESCHEDULE_PREEMPT);     /* to the back of its queue */
        return HYPERCALL_DONE;
    case SCHEDOP_block:
        complete(v, 0);
        vcpu_block(v);
        return HYPERCALL_DONE;
    case SCHEDOP_shutdown: {
        struct sched_shutdown shutdown;
        long error = copy_from_guest(&shutdown, buffer, sizeof shutdown);
        if (error)
            return error;
        switch (shutdown.reason) {
        case SHUTDOWN_poweroff:
        case SHUTDOWN_reboot:
        case SHUTDOWN_crash:
            domain_shutdown(v->domain, (int)shutdown.reason);
            return 0;
        case SHUTDOWN_watchdog:
            domain_shutdown(v->domain, SHUTDOWN_crash);     /* as Xen's on_watchdog default */
            return 0;
        case SHUTDOWN_suspend:
            return -XEN_ENOSYS;     /* no save and restore here */
        default:
            return -XEN_EINVAL;
        }
    }
    case SCHEDOP_remote_shutdown: {
        struct sched_remote_shutdown remote;
        if (!is_dom0(v))
            return -XEN_EPERM;
        long error = copy_from_guest(&remote, buffer, sizeof remote);
        if (error)
            return error;
        if (remote.domain_id >= NDOMAIN || domains[remote.domain_id].state != DOMAIN_RUNNING)
            return -XEN_ESRCH;
        if (remote.domain_id == v->domain->id)
            return -XEN_EINVAL;     /* its own: SCHEDOP_shutdown */
        if (remote.reason != SHUTDOWN_poweroff && remote.reason != SHUTDOWN_reboot && remote.reason != SHUTDOWN_crash)
            return -XEN_EINVAL;
        domain_shutdown(&domains[remote.domain_id], (int)remote.reason);
        return 0;
    }
    case SCHEDOP_poll: {
        struct sched_poll poll;
        evtchn_port_t ports[SCHED_POLL_MAX];
        long error = copy_from_guest(&poll, buffer, sizeof poll);
        if (error)
            return error;
        if (poll.nr_ports == 0 || poll.nr_ports > SCHED_POLL_MAX)
            return -XEN_EINVAL;
        if (poll.ports.p >> 32)
            return -XEN_EFAULT;
        error = copy_from_guest(ports, (uint32_t)poll.ports.p, poll.nr_ports * sizeof ports[0]);
        return error ? error : evtchn_poll(v, ports, poll.nr_ports, poll.timeout);
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* ---- vcpu_op(cmd, vcpuid, arg) ---- */

/* VCPUOP_down and VCPUOP_up of vCPU `target` of the caller's domain. */
static long vcpu_set_down(struct vcpu *target, int down)
{
    long result = 0;
    spin_lock(&sched_lock);
    if (!down && target->state == VCPU_OFFLINE && !target->down)
        result = -XEN_EINVAL;       /* never started: SBI HSM hart_start starts it */
    else if (target->down != down) {
        target->down = down;
        if (target->state == VCPU_RUNNING || target->state == VCPU_RUNNABLE)
            pcpu_raise_softirq(&pcpus[target->processor], SOFTIRQ_SCHEDULE);
    }
    spin_unlock(&sched_lock);
    return result;
}

/* VCPUOP_set_singleshot_timer of the caller's own vCPU: VIRQ_TIMER at a system time (ns). */
static long singleshot_timer(struct vcpu *v, uint32_t buffer)
{
    struct vcpu_set_singleshot_timer timer;
    long error = copy_from_guest(&timer, buffer, sizeof timer);
    if (error)
        return error;
    if (timer.flags & ~VCPU_SSHOTTMR_future)
        return -XEN_EINVAL;
    uint64_t deadline = ns_to_ticks(timer.timeout_abs_ns) - v->domain->time_offset;    /* host time */
    if ((timer.flags & VCPU_SSHOTTMR_future) && (int64_t)(deadline - time_now()) < 0)
        return -XEN_ETIME;
    timer_set(&v->singleshot, this_pcpu()->id, deadline);
    return 0;
}

static long vcpu_op(struct vcpu *v)
{
    uint32_t cmd = arg(v, 0), vcpuid = arg(v, 1), buffer = arg(v, 2);
    struct domain *d = v->domain;
    if (vcpuid >= (uint32_t)d->nvcpus)
        return -XEN_ENOENT;
    struct vcpu *target = &d->vcpus[vcpuid];
    switch (cmd) {
    case VCPUOP_is_up:
        return target->state != VCPU_OFFLINE && !target->down;
    case VCPUOP_up:
    case VCPUOP_down:
        return vcpu_set_down(target, cmd == VCPUOP_down);
    case VCPUOP_set_singleshot_timer:
        return target == v ? singleshot_timer(v, buffer) : -XEN_EINVAL;
    case VCPUOP_stop_singleshot_timer:
        if (target != v)
            return -XEN_EINVAL;
        timer_stop(&v->singleshot);
        return 0;
    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info info;
        long error = copy_from_guest(&info, buffer, sizeof info);
        return error ? error : evtchn_register_vcpu_info(v, target, info.mfn, info.offset);
    }
    default:
        return -XEN_ENOSYS;         /* VCPUOP_initialise: an HVM guest starts its vCPUs with SBI HSM */
    }
}

/* ---- memory_op(cmd, arg) ---- */

/* Is guest frame gpfn in the hypervisor's window? */
static int in_window(uint64_t gpfn)
{
    uint32_t gpa = (uint32_t)gpfn << FRAME_SHIFT;
    return gpfn < 1u << 20 && gpa >= GUEST_XEN_BASE && gpa - GUEST_XEN_BASE < GUEST_XEN_SIZE;
}

/* d's shared_info frame, or a frame of its grant table, at guest frame gpfn of the hypervisor's window. */
static long add_to_physmap(struct vcpu *v, struct xen_add_to_physmap *map)
{
    uint32_t id = map->domid == DOMID_SELF ? (uint32_t)v->domain->id : map->domid;
    if (id != (uint32_t)v->domain->id && !is_dom0(v))
        return -XEN_EPERM;
    if (id >= NDOMAIN || domains[id].state != DOMAIN_RUNNING)
        return -XEN_ESRCH;
    struct domain *d = &domains[id];
    uint32_t gpa = map->gpfn << FRAME_SHIFT;
    if (!in_window(map->gpfn))
        return -XEN_EINVAL;         /* only in the window the "xen,xen" node gives */
    switch (map->space) {
    case XENMAPSPACE_shared_info:
        if (map->idx != 0)
            return -XEN_EINVAL;
        return p2m_map_hypervisor_frame(d, &d->shared_info_gpa, gpa, d->shared_info);
    case XENMAPSPACE_grant_table:
        return grant_map_table_frame(d, map->idx, gpa);
    default:
        return -XEN_EINVAL;
    }
}

#define MEMOP_BATCH 64               /* extents done before the call is made again */

/*
 * decrease_reservation and populate_physmap of the domain the reservation
 * names, from extent `start` on: how many it did in all, or
 * HYPERCALL_DONE with a0 set for the guest to make the call again.
 */
static long reservation(struct vcpu *v, uint32_t op, uint32_t start, uint32_t buffer)
{
    struct xen_memory_reservation r;
    long error = copy_from_guest(&r, buffer, sizeof r);
    if (error)
        return error;
    uint32_t id = r.domid == DOMID_SELF ? (uint32_t)v->domain->id : r.domid;
    if (id != (uint32_t)v->domain->id && !is_dom0(v))
        return -XEN_EPERM;
    if (id >= NDOMAIN || domains[id].state != DOMAIN_RUNNING)
        return -XEN_ESRCH;
    if (r.extent_order != 0 || start > r.nr_extents || r.extent_start.p >> 32)
        return -XEN_EINVAL;
    struct domain *d = &domains[id];
    uint32_t max_pages = d->memory_bytes / XEN_PAGE_SIZE;
    uint32_t i;
    for (i = start; i < r.nr_extents; i++) {
        if (i - start == MEMOP_BATCH) {
            v->regs.x[A0] = op | i << MEMOP_EXTENT_SHIFT;
            return HYPERCALL_DONE;
        }
        xen_pfn_t gfn;
        if (copy_from_guest(&gfn, (uint32_t)r.extent_start.p + i * sizeof gfn, sizeof gfn))
            break;
        uint64_t gpa = gfn << FRAME_SHIFT;
        if (gfn >= 1u << 20 || gpa < GUEST_RAM_BASE || gpa - GUEST_RAM_BASE >= d->memory_bytes)
            break;
        if (op == XENMEM_decrease_reservation) {
            uint32_t frame = p2m_release_ram(d, (uint32_t)gpa);
            if (frame == 0)
                break;
            mm_free(frame, 1);          /* kept as it is if a grant or a vcpu_info pins it */
            __atomic_sub_fetch(&d->tot_pages, 1, __ATOMIC_SEQ_CST);
        } else {
            if (d->tot_pages >= max_pages || p2m_populate_ram(d, (uint32_t)gpa) < 0)
                break;
            __atomic_add_fetch(&d->tot_pages, 1, __ATOMIC_SEQ_CST);
        }
    }
    return (long)i;
}

/* Domain 0 maps frame idx of domain `foreign`'s RAM at window frame gpfn: 0 or the entry's error. */
static int32_t map_foreign(struct vcpu *v, uint32_t foreign, xen_ulong_t idx, uint64_t gpfn)
{
    struct domain *self = v->domain;
    if (foreign == (uint32_t)self->id || foreign == DOMID_SELF)
        return -XEN_EINVAL;
    if (foreign >= NDOMAIN || domains[foreign].state == DOMAIN_FREE)
        return -XEN_ESRCH;
    struct domain *d = &domains[foreign];
    uint32_t gpa = idx << FRAME_SHIFT;
    if (!in_window(gpfn) || idx >= 1u << 20 || gpa < GUEST_RAM_BASE || gpa - GUEST_RAM_BASE >= d->memory_bytes)
        return -XEN_EINVAL;
    uint32_t frame = p2m_owned_frame(d, gpa);
    if (frame == 0 || mm_pin_owned(frame, d->id) < 0)
        return -XEN_EINVAL;         /* not populated, or given back meanwhile */
    long error = p2m_map_foreign(self, (uint32_t)gpfn << FRAME_SHIFT, frame);
    if (error) {
        mm_unpin(frame);
        return (int32_t)error;
    }
    hfence_gvma_vmid(self->vmid);
    return 0;
}

/*
 * add_to_physmap_batch (XENMAPSPACE_gmfn_foreign), domain 0's alone:
 * from entry `start` on, each entry's result in errs. 0, an error of the
 * struct or of reaching its arrays, or HYPERCALL_DONE with a0 set for the
 * guest to make the call again.
 */
static long add_to_physmap_batch(struct vcpu *v, uint32_t op, uint32_t start, uint32_t buffer)
{
    struct xen_add_to_physmap_batch b;
    if (!is_dom0(v))
        return -XEN_EPERM;
    long error = copy_from_guest(&b, buffer, sizeof b);
    if (error)
        return error;
    if ((b.domid != DOMID_SELF && b.domid != v->domain->id) || b.space != XENMAPSPACE_gmfn_foreign || start > b.size)
        return -XEN_EINVAL;
    if ((b.idxs.p | b.gpfns.p | b.errs.p) >> 32)
        return -XEN_EFAULT;
    for (uint32_t i = start; i < b.size; i++) {
        if (i - start == MEMOP_BATCH) {
            v->regs.x[A0] = op | i << MEMOP_EXTENT_SHIFT;
            return HYPERCALL_DONE;
        }
        xen_ulong_t idx;
        uint64_t gpfn;
        error = copy_from_guest(&idx, (uint32_t)b.idxs.p + i * sizeof idx, sizeof idx);
        if (!error)
            error = copy_from_guest(&gpfn, (uint32_t)b.gpfns.p + i * sizeof gpfn, sizeof gpfn);
        if (error)
            return error;
        int32_t result = map_foreign(v, b.foreign_domid, idx, gpfn);
        error = copy_to_guest((uint32_t)b.errs.p + i * sizeof result, &result, sizeof result);
        if (error) {
            if (result == 0) {      /* the caller cannot learn it is mapped: undo it */
                uint32_t frame;
                if (p2m_unmap_foreign(v->domain, (uint32_t)gpfn << FRAME_SHIFT, &frame) == 0)
                    mm_unpin(frame);
            }
            return error;
        }
    }
    return 0;
}

/* remove_from_physmap: the caller's foreign mapping at window frame gpfn goes. */
static long remove_from_physmap(struct vcpu *v, uint32_t buffer)
{
    struct xen_remove_from_physmap r;
    long error = copy_from_guest(&r, buffer, sizeof r);
    if (error)
        return error;
    if (r.domid != DOMID_SELF && r.domid != v->domain->id)
        return is_dom0(v) ? -XEN_EINVAL : -XEN_EPERM;
    if (!in_window(r.gpfn))
        return -XEN_EINVAL;
    uint32_t frame;
    error = p2m_unmap_foreign(v->domain, (uint32_t)r.gpfn << FRAME_SHIFT, &frame);
    if (error == 0)
        mm_unpin(frame);
    return error;
}

static long memory_op(struct vcpu *v)
{
    uint32_t op = arg(v, 0), cmd = op & MEMOP_CMD_MASK, start = op >> MEMOP_EXTENT_SHIFT, buffer = arg(v, 1);
    if (start && cmd != XENMEM_decrease_reservation && cmd != XENMEM_populate_physmap &&
        cmd != XENMEM_add_to_physmap_batch)
        return -XEN_ENOSYS;
    switch (cmd) {
    case XENMEM_add_to_physmap_batch:
        return add_to_physmap_batch(v, cmd, start, buffer);
    case XENMEM_remove_from_physmap:
        return remove_from_physmap(v, buffer);
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation(v, cmd, start, buffer);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation: {
        domid_t id;
        long error = copy_from_guest(&id, buffer, sizeof id);
        if (error)
            return error;
        uint32_t which = id == DOMID_SELF ? (uint32_t)v->domain->id : id;
        if (which != (uint32_t)v->domain->id && !is_dom0(v))
            return -XEN_EPERM;
        if (which >= NDOMAIN || domains[which].state == DOMAIN_FREE)
            return -XEN_ESRCH;
        return (long)(cmd == XENMEM_current_reservation ? domains[which].tot_pages
                                                         : domains[which].memory_bytes / XEN_PAGE_SIZE);
    }
    case XENMEM_add_to_physmap: {
        struct xen_add_to_physmap map;
        long error = copy_from_guest(&map, buffer, sizeof map);
        return error ? error : add_to_physmap(v, &map);
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* ---- event_channel_op(cmd, arg): evtchn.c ---- */

static long event_channel_op(struct vcpu *v)
{
    return evtchn_op(v, arg(v, 0), arg(v, 1));
}

/* ---- hvm_op(cmd, struct xen_hvm_param *) ---- */

/* Who may set parameter `index` of d, and read it: 0, or -EPERM / -EINVAL (as Xen on Arm). */
static long param_access(const struct vcpu *v, const struct domain *d, uint32_t index, int set)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
        return set && d == v->domain ? -XEN_EPERM : 0;     /* the toolstack's to set */
    default:
        return -XEN_EINVAL;
    }
}

static long hvm_op(struct vcpu *v)
{
    uint32_t cmd = arg(v, 0), buffer = arg(v, 1);
    struct xen_hvm_param param;
    if (cmd != HVMOP_set_param && cmd != HVMOP_get_param)
        return -XEN_ENOSYS;
    long error = copy_from_guest(&param, buffer, sizeof param);
    if (error)
        return error;
    uint32_t id = param.domid == DOMID_SELF ? (uint32_t)v->domain->id : param.domid;
    if (id >= NDOMAIN || domains[id].state == DOMAIN_FREE)
        return -XEN_ESRCH;
    struct domain *d = &domains[id];
    if (d != v->domain && !is_dom0(v))
        return -XEN_EPERM;          /* another DomU's */
    error = param_access(v, d, param.index, cmd == HVMOP_set_param);
    if (error)
        return error;
    if (cmd == HVMOP_set_param) {
        d->hvm_params[param.index] = param.value;
        return 0;
    }
    param.value = d->hvm_params[param.index];
    return copy_to_guest(buffer, &param, sizeof param);
}

/* ---- Dom0's alone: domctl and sysctl ---- */

static const hypercall_fn hypercalls[HYPERCALL_COUNT] = {
    [__HYPERVISOR_memory_op] = memory_op,
    [__HYPERVISOR_xen_version] = xen_version,
    [__HYPERVISOR_console_io] = console_io,
    [__HYPERVISOR_sched_op] = sched_op,
    [__HYPERVISOR_vcpu_op] = vcpu_op,
    [__HYPERVISOR_event_channel_op] = event_channel_op,
    [__HYPERVISOR_grant_table_op] = grant_table_op,
    [__HYPERVISOR_hvm_op] = hvm_op,
    [__HYPERVISOR_sysctl] = sysctl_op,
    [__HYPERVISOR_domctl] = domctl_op,
};

static const char *const names[HYPERCALL_COUNT] = {
    [__HYPERVISOR_memory_op] = "memory_op", [__HYPERVISOR_xen_version] = "xen_version",
    [__HYPERVISOR_console_io] = "console_io", [__HYPERVISOR_grant_table_op] = "grant_table_op",
    [__HYPERVISOR_vcpu_op] = "vcpu_op", [__HYPERVISOR_sched_op] = "sched_op",
    [__HYPERVISOR_event_channel_op] = "event_channel_op", [__HYPERVISOR_hvm_op] = "hvm_op",
    [__HYPERVISOR_sysctl] = "sysctl", [__HYPERVISOR_domctl] = "domctl",
    [HYPERCALL_COUNT - 1] = "other",
};

const char *hypercall_name(int number)
{
    return number >= 0 && number < HYPERCALL_COUNT && names[number] ? names[number] : "?";
}

/* An ecall to HYPERCALL_EID: the hypercall a6 names. */
void hypercall_handle(struct vcpu *v)
{
    uint32_t number = v->regs.x[A6];
    hypercall_fn fn = number < HYPERCALL_COUNT ? hypercalls[number] : 0;
    v->stats.hypercalls[number < HYPERCALL_COUNT && names[number] ? number : HYPERCALL_COUNT - 1]++;
    long result = fn ? fn(v) : -XEN_ENOSYS;
    if (result != HYPERCALL_DONE)
        complete(v, result);
}

/*
 * domctl.c: the toolstack's hypercalls, domain 0's alone (a DomU gets
 * -EPERM): domctl acts on one domain (create, destroy, pause, unpause, its
 * memory, its vCPUs' registers, affinity and scheduling, what it is
 * doing), sysctl on the host (its log, its pCPUs and memory, the
 * scheduler, the list of domains). Each takes one struct, copied in
 * through the caller's translation, checked field by field, and copied
 * back: the shapes are Xen's (firmware/include/hypercall.h).
 */
#include "hv.h"
#include "string.h"

#define A0 10
#define CONSOLE_CHUNK    64                 /* bytes moved through the hypervisor's stack at a time */
#define XEN_PAGE_SIZE    4096
#define MAX_DOMAIN_BYTES (GUEST_FDT_LIMIT - GUEST_RAM_BASE)     /* 1 GiB: RAM ends below the tree's limit */
#define BITMAP_MAX_BITS  1024               /* longer affinity maps are -EINVAL */

/* What Xen's getdomaininfo says of d (public/domctl.h). */
static void domain_info(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    uint32_t flags = XEN_DOMINF_blocked;
    uint64_t now = time_now(), ran = 0;
    memset(info, 0, sizeof *info);
    info->domain = (domid_t)d->id;
    info->max_vcpu_id = d->nvcpus ? (uint32_t)d->nvcpus - 1 : XEN_INVALID_MAX_VCPU_ID;
    for (int i = 0; i < d->nvcpus; i++) {
        const struct vcpu *v = &d->vcpus[i];
        ran += vcpu_time_run(v, now);
        if (v->state == VCPU_OFFLINE)
            continue;
        info->nr_online_vcpus++;
        if (v->state != VCPU_BLOCKED)
            flags &= ~XEN_DOMINF_blocked;
        if (v->state == VCPU_RUNNING)
            flags |= XEN_DOMINF_running;
    }
    info->flags = (info->nr_online_vcpus ? flags : 0) | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
                  (d->pause_count ? XEN_DOMINF_paused : 0) |
                  (d->state == DOMAIN_SHUTDOWN ? XEN_DOMINF_dying : 0) |
                  (d->state == DOMAIN_KEPT ? XEN_DOMINF_shutdown | (uint32_t)d->shutdown_code << XEN_DOMINF_shutdownshift : 0);
    info->tot_pages = d->tot_pages;
    info->max_pages = d->memory_bytes / XEN_PAGE_SIZE;
    info->cpu_time = ticks_to_ns(ran);
    domain_handle(d, info->handle);
    info->gpaddr_bits = info->arch_config.gaddr_bits = 34;
}

/*
 * Takes in the struct of a domctl or sysctl (`size` bytes at a0): Dom0's
 * alone, and of the interface version given. 0, or the call's error.
 */
static long toolstack_op(struct vcpu *v, void *op, uint32_t size, const uint32_t *version, uint32_t expected)
{
    if (v->domain->id != 0)
        return -XEN_EPERM;
    long error = copy_from_guest(op, v->regs.x[A0], size);
    if (error)
        return error;
    return *version == expected ? 0 : -XEN_EACCES;
}

/*
 * createdomain: an empty domain, paused, with its vCPUs offline and no
 * memory yet, at the id asked for (DOMID_ANY: the next free one, domain.c). The
 * id goes back in the struct's domain field.
 */
static long create(struct xen_domctl *op, uint32_t buffer)
{
    const struct xen_domctl_createdomain *c = &op->u.createdomain;
    if (c->flags != (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap) || c->iommu_opts || c->altp2m_opts ||
        c->vmtrace_size || c->cpupool_id || c->max_grant_version > 1 ||
        (c->arch.gaddr_bits != 0 && c->arch.gaddr_bits != 34))
        return -XEN_EINVAL;
    if (c->max_vcpus < 1 || c->max_vcpus > MAX_VCPUS)
        return -XEN_EINVAL;
    if (op->domain != DOMID_ANY && (op->domain == 0 || op->domain >= DOMID_FIRST_RESERVED))
        return -XEN_EINVAL;
    if (op->domain != DOMID_ANY && op->domain >= NDOMAIN)
        return -XEN_EINVAL;         /* this hypervisor has NDOMAIN slots */
    long id = domain_create(op->domain == DOMID_ANY ? -1 : op->domain, c->handle, (int)c->max_vcpus);
    if (id < 0)
        return id;
    op->domain = (domid_t)id;
    long error = copy_to_guest(buffer, op, sizeof *op);
    if (error)
        domain_destroy(&domains[id]);   /* the caller cannot know the id: do not leave it behind */
    return error;
}

/* A vCPU's counts as the ABI gives them (copied field by field: the hypervisor's struct is its own). */
static void vcpu_stats_copy(const struct vcpu *v, struct hyperlab_vcpu_stats *out)
{
    const struct vcpu_stats *s = &v->stats;
    _Static_assert(HYPERLAB_EXIT_SLOTS == EXIT_SLOTS && HYPERLAB_SBI_SLOTS == SBI_SLOTS, "the stats' slots");
    memset(out, 0, sizeof *out);
    memcpy(out->exits, s->exits, sizeof out->exits);
    memcpy(out->sbi, s->sbi, sizeof out->sbi);
    memcpy(out->hypercalls, s->hypercalls, sizeof out->hypercalls);
    out->mmio_uart = s->mmio_uart;
    out->mmio_plic = s->mmio_plic;
    out->events = s->events;
    out->sends = s->sends;
    out->wfi = s->wfi;
    out->time_run_ns = ticks_to_ns(vcpu_time_run(v, time_now()));
    out->time_hv_ns = ticks_to_ns(s->time_hv);
}

/* A bitmap of pCPUs from the caller: bit n of byte n / 8 is pCPU n. */
static long read_bitmap(const struct xenctl_bitmap *map, uint32_t *mask)
{
    uint32_t bytes = (map->nr_bits + 7) / 8;
    if (map->nr_bits > BITMAP_MAX_BITS)
        return -XEN_EINVAL;
    if (map->bitmap.p >> 32)
        return -XEN_EFAULT;
    *mask = 0;
    for (uint32_t i = 0; i < bytes && i < sizeof *mask; i++) {
        uint8_t byte;
        long error = copy_from_guest(&byte, (uint32_t)map->bitmap.p + i, 1);
        if (error)
            return error;
        *mask |= (uint32_t)byte << (8 * i);
    }
    if (map->nr_bits < 32)
        *mask &= (1u << map->nr_bits) - 1;
    return 0;
}

/* Writes a mask into the caller's bitmap, zeros past the pCPUs there are. */
static long write_bitmap(const struct xenctl_bitmap *map, uint32_t mask)
{
    uint32_t bytes = (map->nr_bits + 7) / 8;
    if (map->nr_bits > BITMAP_MAX_BITS)
        return -XEN_EINVAL;
    if (map->bitmap.p >> 32)
        return -XEN_EFAULT;
    for (uint32_t i = 0; i < bytes; i++) {
        uint8_t byte = i < sizeof mask ? (uint8_t)(mask >> (8 * i)) : 0;
        long error = copy_to_guest((uint32_t)map->bitmap.p + i, &byte, 1);
        if (error)
            return error;
    }
    return 0;
}

/* set/getvcpuaffinity of one of d's vCPUs (the maps written back in the caller's bitmaps). */
static long affinity(struct domain *d, struct xen_domctl_vcpuaffinity *a, int set)
{
    if (a->vcpu >= (uint32_t)d->nvcpus)
        return -XEN_EINVAL;
    struct vcpu *v = &d->vcpus[a->vcpu];
    if (a->flags & ~(XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT) ||
        !(a->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)))
        return -XEN_EINVAL;
    long error = 0;
    if (set) {
        uint32_t hard = v->hard_affinity, soft = v->soft_affinity;
        if (a->flags & XEN_VCPUAFFINITY_HARD)
            error = read_bitmap(&a->cpumap_hard, &hard);
        if (!error && a->flags & XEN_VCPUAFFINITY_SOFT)
            error = read_bitmap(&a->cpumap_soft, &soft);
        if (!error)
            error = sched_set_affinity(v, hard, soft);
        if (error)
            return error;
    }
    if (a->flags & XEN_VCPUAFFINITY_HARD)
        error = write_bitmap(&a->cpumap_hard, set ? v->hard_affinity & sched_online_pcpus() : v->hard_affinity);
    if (!error && a->flags & XEN_VCPUAFFINITY_SOFT)
        error = write_bitmap(&a->cpumap_soft, set ? v->soft_affinity & v->hard_affinity & sched_online_pcpus()
                                                  : v->soft_affinity);
    return error;
}

long domctl_op(struct vcpu *v)
{
    struct xen_domctl op;
    uint32_t buffer = v->regs.x[A0];
    long error = toolstack_op(v, &op, sizeof op, &op.interface_version, XEN_DOMCTL_INTERFACE_VERSION);
    if (error)
        return error;
    if (op.cmd == XEN_DOMCTL_createdomain)
        return create(&op, buffer);
    if (op.domain >= NDOMAIN || domains[op.domain].state == DOMAIN_FREE)
        return -XEN_ESRCH;
    struct domain *d = &domains[op.domain];
    switch (op.cmd) {
    case XEN_DOMCTL_max_mem: {
        uint64_t kib = op.u.max_mem.max_memkb;
        if (kib == 0 || kib % (XEN_PAGE_SIZE / 1024) || kib > MAX_DOMAIN_BYTES / 1024)
            return -XEN_EINVAL;
        domain_set_max_memory(d, (uint32_t)kib * 1024);
        return 0;
    }
    case XEN_DOMCTL_max_vcpus:
        return domain_set_max_vcpus(d, op.u.max_vcpus.max);
    case XEN_DOMCTL_setvcpucontext: {
        struct xen_domctl_vcpucontext *c = &op.u.vcpucontext;
        struct vcpu_guest_context context;
        if (d == v->domain || c->vcpu >= (uint32_t)d->nvcpus)
            return -XEN_EINVAL;
        if (c->ctxt.p >> 32)
            return -XEN_EFAULT;
        error = copy_from_guest(&context, (uint32_t)c->ctxt.p, sizeof context);
        if (error)
            return error;
        if (context.flags & ~VGCF_online)
            return -XEN_EINVAL;
        return vcpu_set_context(&d->vcpus[c->vcpu], &context);
    }
    case XEN_DOMCTL_hyperlab_vcpustats: {
        struct xen_domctl_vcpustats *s = &op.u.vcpustats;
        if (s->vcpu >= (uint32_t)d->nvcpus || s->size != sizeof(struct hyperlab_vcpu_stats))
            return -XEN_EINVAL;
        if (s->stats.p >> 32)
            return -XEN_EFAULT;
        struct hyperlab_vcpu_stats out;
        vcpu_stats_copy(&d->vcpus[s->vcpu], &out);
        return copy_to_guest((uint32_t)s->stats.p, &out, sizeof out);
    }
    case XEN_DOMCTL_hyperlab_name: {
        struct xen_domctl_hyperlab_name *n = &op.u.name;
        if (n->set > 1)
            return -XEN_EINVAL;
        if (n->set == 0) {
            memset(n->name, 0, sizeof n->name);
            strlcpy(n->name, d->config.name, sizeof n->name);
            n->pad = 0;
            n->created_ns = ticks_to_ns(d->created_at);
            n->now_ns = ticks_to_ns(time_now());
            return copy_to_guest(buffer, &op, sizeof op);
        }
        uint32_t length = 0;
        while (length < sizeof n->name && n->name[length] > ' ' && n->name[length] < 0x7f)
            length++;
        if (length == 0 || length == sizeof n->name || n->name[length] != 0 || !d->toolstack)
            return -XEN_EINVAL;
        strlcpy(d->config.name, n->name, sizeof d->config.name);
        return 0;
    }
    case XEN_DOMCTL_setvcpuaffinity:
    case XEN_DOMCTL_getvcpuaffinity:
        error = affinity(d, &op.u.vcpuaffinity, op.cmd == XEN_DOMCTL_setvcpuaffinity);
        return error ? error : copy_to_guest(buffer, &op, sizeof op);
    case XEN_DOMCTL_getdomaininfo:
        domain_info(d, &op.u.getdomaininfo);
        return copy_to_guest(buffer, &op, sizeof op);
    case XEN_DOMCTL_getvcpuinfo: {
        struct xen_domctl_getvcpuinfo *info = &op.u.getvcpuinfo;
        if (info->vcpu >= (uint32_t)d->nvcpus)
            return -XEN_EINVAL;
        const struct vcpu *vcpu = &d->vcpus[info->vcpu];
        int state = vcpu->state;
        info->online = state != VCPU_OFFLINE;
        info->blocked = state == VCPU_BLOCKED;
        info->running = state == VCPU_RUNNING;
        info->cpu_time = ticks_to_ns(vcpu_time_run(vcpu, time_now()));
        info->cpu = (uint32_t)vcpu->processor;
        return copy_to_guest(buffer, &op, sizeof op);
    }
    case XEN_DOMCTL_scheduler_op: {
        struct xen_domctl_scheduler_op *sched = &op.u.scheduler_op;
        if (sched->sched_id != XEN_SCHEDULER_CREDIT)
            return -XEN_EINVAL;
        if (sched->cmd == XEN_DOMCTL_SCHEDOP_getinfo) {
            sched->u.credit.weight = (uint16_t)d->weight;
            sched->u.credit.cap = (uint16_t)d->cap;
            return copy_to_guest(buffer, &op, sizeof op);
        }
        if (sched->cmd != XEN_DOMCTL_SCHEDOP_putinfo)
            return -XEN_EINVAL;
        sched_set_credit(d, sched->u.credit.weight, sched->u.credit.cap);
        return 0;
    }
    case XEN_DOMCTL_vuart_op: {
        struct xen_domctl_vuart_op *u = &op.u.vuart_op;
        if (u->cmd != XEN_DOMCTL_VUART_OP_INIT || u->type != XEN_DOMCTL_VUART_TYPE_NS16550 || d == v->domain ||
            u->pad[0] || u->pad[1])
            return -XEN_EINVAL;
        uint32_t port;
        error = vuart_ring_init(d, u->gfn, u->console_domid, &port);
        if (error)
            return error;
        u->evtchn = port;
        return copy_to_guest(buffer, &op, sizeof op);
    }
    case XEN_DOMCTL_pausedomain:
        return d == v->domain || domain_pause(d) < 0 ? -XEN_EINVAL : 0;
    case XEN_DOMCTL_unpausedomain:
        return domain_unpause(d) < 0 ? -XEN_EINVAL : 0;
    case XEN_DOMCTL_destroydomain:
        if (d == v->domain)
            return -XEN_EINVAL;
        return domain_destroy(d) < 0 ? -XEN_EBUSY : 0;     /* -EBUSY: it is shutting down already */
    default:
        return -XEN_ENOSYS;
    }
}

long sysctl_op(struct vcpu *v)
{
    struct xen_sysctl op;
    uint32_t buffer = v->regs.x[A0];
    long error = toolstack_op(v, &op, sizeof op, &op.interface_version, XEN_SYSCTL_INTERFACE_VERSION);
    if (error)
        return error;
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo: {
        struct xen_sysctl_physinfo *info = &op.u.physinfo;
        memset(info, 0, sizeof *info);
        info->threads_per_core = 1;
        info->cores_per_socket = (uint32_t)host.npcpus;
        for (int i = 0; i < host.npcpus; i++)
            info->nr_cpus += pcpus[i].online != 0;
        info->max_cpu_id = (uint32_t)host.npcpus - 1;
        info->nr_nodes = 1;
        info->cpu_khz = host.timebase_hz / 1000;
        info->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap;
        info->total_pages = mm_total_frames();
        info->free_pages = mm_free_frames();
        info->max_mfn = ((uint64_t)host.ram_base + host.ram_size) / XEN_PAGE_SIZE - 1;
        break;
    }
    case XEN_SYSCTL_readconsole: {
        struct xen_sysctl_readconsole *read = &op.u.readconsole;
        uint32_t to = (uint32_t)read->buffer.p, done = 0, index = read->index;
        char chunk[CONSOLE_CHUNK];
        if (read->buffer.p >> 32)
            return -XEN_EFAULT;
        for (int incremental = read->incremental; done < read->count; incremental = 1) {
            uint32_t want = read->count - done < sizeof chunk ? read->count - done : sizeof chunk;
            uint32_t at = index;
            uint32_t n = console_ring_read(chunk, want, &index, incremental, 0);
            if (n == 0)
                break;
            error = copy_to_guest(to + done, chunk, n);
            if (error) {
                index = at;
                break;
            }
            done += n;
        }
        if (error)
            return error;
        if (read->clear)
            console_ring_read(chunk, 0, &index, 1, 1);
        read->index = index;
        read->count = done;
        break;
    }
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
        break;
    case XEN_SYSCTL_getdomaininfolist: {
        struct xen_sysctl_getdomaininfolist *list = &op.u.getdomaininfolist;
        uint32_t to = (uint32_t)list->buffer.p, written = 0;
        if (list->buffer.p >> 32)
            return -XEN_EFAULT;
        for (int id = list->first_domain; id < NDOMAIN && written < list->max_domains; id++) {
            struct xen_domctl_getdomaininfo info;
            if (domains[id].state == DOMAIN_FREE)
                continue;
            domain_info(&domains[id], &info);
            error = copy_to_guest(to + written * sizeof info, &info, sizeof info);
            if (error)
                return error;
            written++;
        }
        list->num_domains = written;
        break;
    }
    default:
        return -XEN_ENOSYS;
    }
    return copy_to_guest(buffer, &op, sizeof op);
}


/*
 * xc.c: the toolstack's calls and the domain builder (xc.h).
 */
#include "xc.h"
#include "string.h"
#include "fdt_write.h"
#include "kernel_image.h"

#define MAP_CHUNK    16                 /* frames mapped at once while loading */
#define POPULATE_CHUNK 128              /* guest frame numbers handed over per call */
#define DTB_ALIGN    0x200000u          /* where QEMU puts a machine's tree: 2 MiB-aligned below the top */
#define DTB_LIMIT    0xc0000000u        /* ... and below 3 GiB */
#define DTB_MAX      8192

static uint32_t address_of(const void *p)
{
    return (uint32_t)(uintptr_t)p;
}

long xc_domctl(struct xen_domctl *op)
{
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return xc_hypercall(__HYPERVISOR_domctl, address_of(op), 0, 0);
}

long xc_sysctl(struct xen_sysctl *op)
{
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return xc_hypercall(__HYPERVISOR_sysctl, address_of(op), 0, 0);
}

static long simple(uint32_t cmd, domid_t domid)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = cmd;
    op.domain = domid;
    return xc_domctl(&op);
}

long xc_domain_create(domid_t *domid, const xen_domain_handle_t handle, uint32_t max_vcpus)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_createdomain;
    op.domain = *domid;
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    op.u.createdomain.max_vcpus = max_vcpus;
    op.u.createdomain.max_grant_version = 1;
    op.u.createdomain.arch.gaddr_bits = 34;
    memcpy(op.u.createdomain.handle, handle, sizeof op.u.createdomain.handle);
    long error = xc_domctl(&op);
    if (error == 0)
        *domid = op.domain;
    return error;
}

long xc_domain_max_mem(domid_t domid, uint64_t max_kib)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_max_mem;
    op.domain = domid;
    op.u.max_mem.max_memkb = max_kib;
    return xc_domctl(&op);
}

long xc_domain_pause(domid_t domid) { return simple(XEN_DOMCTL_pausedomain, domid); }
long xc_domain_unpause(domid_t domid) { return simple(XEN_DOMCTL_unpausedomain, domid); }
long xc_domain_destroy(domid_t domid) { return simple(XEN_DOMCTL_destroydomain, domid); }

long xc_domain_uptime_ns(domid_t domid, uint64_t *uptime_ns, uint64_t *now_ns)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_hyperlab_name;
    op.domain = domid;
    long error = xc_domctl(&op);
    if (error == 0) {
        *uptime_ns = op.u.name.now_ns - op.u.name.created_ns;
        *now_ns = op.u.name.now_ns;
    }
    return error;
}

long xc_domain_getinfo(domid_t domid, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.domain = domid;
    long error = xc_domctl(&op);
    if (error == 0)
        *info = op.u.getdomaininfo;
    return error;
}

long xc_domain_populate(domid_t domid, xen_ulong_t first, uint32_t count)
{
    uint64_t gfns[POPULATE_CHUNK];
    uint32_t done = 0;
    while (done < count) {
        uint32_t n = count - done < POPULATE_CHUNK ? count - done : POPULATE_CHUNK;
        for (uint32_t i = 0; i < n; i++)
            gfns[i] = first + done + i;
        struct xen_memory_reservation r;
        memset(&r, 0, sizeof r);
        r.extent_start.p = address_of(gfns);
        r.nr_extents = n;
        r.domid = domid;
        long got = xc_hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap, address_of(&r), 0);
        if (got < 0)
            return done ? (long)done : got;
        done += (uint32_t)got;
        if ((uint32_t)got < n)
            break;
    }
    return (long)done;
}

long xc_vcpu_setcontext(domid_t domid, uint32_t vcpu, const struct vcpu_guest_context *context)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_setvcpucontext;
    op.domain = domid;
    op.u.vcpucontext.vcpu = vcpu;
    op.u.vcpucontext.ctxt.p = address_of(context);
    return xc_domctl(&op);
}

long xc_vcpu_getinfo(domid_t domid, uint32_t vcpu, struct xen_domctl_getvcpuinfo *info)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_getvcpuinfo;
    op.domain = domid;
    op.u.getvcpuinfo.vcpu = vcpu;
    long error = xc_domctl(&op);
    if (error == 0)
        *info = op.u.getvcpuinfo;
    return error;
}

long xc_vcpu_affinity(domid_t domid, uint32_t vcpu, uint32_t *hard, int set)
{
    uint8_t bits[4];
    for (int i = 0; i < 4; i++)
        bits[i] = (uint8_t)(*hard >> (8 * i));
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = set ? XEN_DOMCTL_setvcpuaffinity : XEN_DOMCTL_getvcpuaffinity;
    op.domain = domid;
    op.u.vcpuaffinity.vcpu = vcpu;
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    op.u.vcpuaffinity.cpumap_hard.bitmap.p = address_of(bits);
    op.u.vcpuaffinity.cpumap_hard.nr_bits = 32;
    long error = xc_domctl(&op);
    if (error == 0)
        *hard = (uint32_t)bits[0] | (uint32_t)bits[1] << 8 | (uint32_t)bits[2] << 16 | (uint32_t)bits[3] << 24;
    return error;
}

long xc_physinfo(struct xen_sysctl_physinfo *info)
{
    struct xen_sysctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_SYSCTL_physinfo;
    long error = xc_sysctl(&op);
    if (error == 0)
        *info = op.u.physinfo;
    return error;
}

long xc_domain_list(struct xen_domctl_getdomaininfo *infos, uint32_t max)
{
    struct xen_sysctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_SYSCTL_getdomaininfolist;
    op.u.getdomaininfolist.first_domain = 0;
    op.u.getdomaininfolist.max_domains = max;
    op.u.getdomaininfolist.buffer.p = address_of(infos);
    long error = xc_sysctl(&op);
    return error ? error : (long)op.u.getdomaininfolist.num_domains;
}

long xc_evtchn_alloc_unbound(domid_t dom, domid_t remote_dom)
{
    struct evtchn_alloc_unbound alloc = { dom, remote_dom, 0 };
    long error = xc_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, address_of(&alloc), 0);
    return error ? error : (long)alloc.port;
}

long xc_hvm_param_set(domid_t domid, uint32_t index, uint64_t value)
{
    struct xen_hvm_param param = { domid, 0, index, value };
    return xc_hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, address_of(&param), 0);
}

long xc_vuart_init(domid_t domid, uint32_t gfn)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_vuart_op;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = domid;
    op.u.vuart_op.cmd = XEN_DOMCTL_VUART_OP_INIT;
    op.u.vuart_op.type = XEN_DOMCTL_VUART_TYPE_NS16550;
    op.u.vuart_op.gfn = gfn;
    op.u.vuart_op.console_domid = 0;
    long error = xc_domctl(&op);
    return error ? error : (long)op.u.vuart_op.evtchn;
}

/* ---- the domain builder ---- */

/*
 * Puts n bytes at guest-physical gpa of the domain, MAP_CHUNK frames at a
 * time. Zeros (data 0: a segment's bss) are there already: the domain's
 * RAM was just populated, and the hypervisor gives a domain only
 * scrubbed frames.
 */
static int put(void *context, uint32_t gpa, const void *data, uint32_t n)
{
    const struct xc_build *b = context;
    const uint8_t *from = data;
    if (data == 0)
        return 0;
    while (n) {
        uint32_t first = gpa / XC_PAGE_SIZE, offset = gpa % XC_PAGE_SIZE;
        uint32_t frames = (offset + n + XC_PAGE_SIZE - 1) / XC_PAGE_SIZE;
        if (frames > MAP_CHUNK)
            frames = MAP_CHUNK;
        xen_ulong_t gfns[MAP_CHUNK];
        int32_t errs[MAP_CHUNK];
        for (uint32_t i = 0; i < frames; i++)
            gfns[i] = first + i;
        uint8_t *mapped = xc_map_foreign(b->domid, gfns, frames, errs);
        if (mapped == 0)
            return -1;
        uint32_t piece = frames * XC_PAGE_SIZE - offset < n ? frames * XC_PAGE_SIZE - offset : n;
        memcpy(mapped + offset, from, piece);
        from += piece;
        if (xc_unmap_foreign(mapped, frames) < 0)
            return -1;
        gpa += piece;
        n -= piece;
    }
    return 0;
}

static long fail(const char **error, const char *why, long code)
{
    *error = why;
    return code;
}

long xc_domain_build(struct xc_build *b, const char **error)
{
    static uint8_t tree[DTB_MAX];       /* one build at a time: the toolstack's lock */
    if (b->memory_kib == 0 || b->memory_kib % 4 || b->vcpus < 1 || b->vcpus > GUEST_BOARD_VCPUS)
        return fail(error, "memory or vCPUs out of range", -XEN_EINVAL);
    uint32_t ram = b->memory_kib * 1024;                        /* what the domain is told it has */
    uint32_t bytes = ram + XC_MAGIC_PAGES * XC_PAGE_SIZE, frames = bytes / XC_PAGE_SIZE;
    long result = xc_domain_max_mem(b->domid, b->memory_kib + XC_MAGIC_KIB);
    if (result < 0)
        return fail(error, "max_mem refused", result);
    result = xc_domain_populate(b->domid, GUEST_RAM_BASE / XC_PAGE_SIZE, frames);
    if (result != (long)frames)
        return fail(error, "not enough free memory for its RAM", result < 0 ? result : -XEN_ENOMEM);

    struct kernel_sink sink = { .ram_base = GUEST_RAM_BASE, .ram_size = ram, .put = put, .context = b };
    uint32_t end;
    if (kernel_place(b->kernel, b->kernel_size, &sink, &b->entry, &end, error) < 0)
        return -XEN_EINVAL;

    struct guest_board board = {
        .vcpus = b->vcpus, .memory_bytes = ram, .timebase_hz = b->timebase_hz, .isa = b->isa,
        .bootargs = b->bootargs, .xen_base = GUEST_XEN_BASE, .xen_size = GUEST_XEN_SIZE,
    };
    int size = fdt_write_guest_board(&board, tree, sizeof tree);
    if (size < 0)
        return fail(error, "its device tree does not fit", -XEN_EINVAL);
    uint32_t top = GUEST_RAM_BASE + ram < DTB_LIMIT ? GUEST_RAM_BASE + ram : DTB_LIMIT;
    uint32_t at = (top - (uint32_t)size) & ~(DTB_ALIGN - 1);
    if (at < end || at < GUEST_RAM_BASE)
        return fail(error, "no room for its device tree above the kernel", -XEN_ENOMEM);
    if (put(b, at, tree, (uint32_t)size) < 0)
        return fail(error, "its memory could not be mapped", -XEN_EFAULT);
    b->dtb_gpa = at;
    b->store_gfn = (GUEST_RAM_BASE + bytes) / XC_PAGE_SIZE - 1 - XC_MAGIC_STORE;   /* populated frames are scrubbed */
    b->console_gfn = (GUEST_RAM_BASE + bytes) / XC_PAGE_SIZE - 1 - XC_MAGIC_CONSOLE;

    struct vcpu_guest_context context;
    memset(&context, 0, sizeof context);
    context.flags = VGCF_online;
    context.pc = b->entry;
    context.x[10] = 0;                  /* a0: the hart id */
    context.x[11] = at;                 /* a1: the device tree */
    result = xc_vcpu_setcontext(b->domid, 0, &context);
    if (result < 0)
        return fail(error, "setvcpucontext refused", result);
    return 0;
}

/*
 * grant.c: grant tables, version 1 (Xen's public/grant_table.h). A domain
 * grants another a frame of its RAM in an entry of its table; the grantee
 * maps it into its window (map_grant_ref, unmap_grant_ref) or has the
 * hypervisor copy through it (copy). hypercall.h says how the granter and
 * the hypervisor share an entry's flags.
 *
 * The table's frames are the hypervisor's, given to the domain to map
 * (add_to_physmap, XENMAPSPACE_grant_table). Each domain keeps the grants
 * it has mapped in its maptrack (the handle is the index); each mapped
 * host frame is pinned in mm.c, so that a granter that goes away (or
 * reboots) while its frames are mapped leaves them to the mappers until
 * the last unmap, and its next build is never touched by the old
 * mappings (grant_instance). Everything here is under grant_lock, taken
 * before a domain's p2m lock and mm's.
 */
#include "hv.h"
#include "string.h"

static struct spinlock grant_lock;
static uint32_t instances;

void grant_init(struct domain *d)
{
    spin_lock(&grant_lock);
    d->grant_instance = ++instances;
    spin_unlock(&grant_lock);
}

static uint32_t grant_refs(const struct domain *d)
{
    return d->grant_nr_frames * GRANT_ENTRIES_PER_FRAME;
}

static struct grant_entry_v1 *entry_of(const struct domain *d, grant_ref_t ref)
{
    return (struct grant_entry_v1 *)(uintptr_t)d->grant_frames[ref / GRANT_ENTRIES_PER_FRAME] +
           ref % GRANT_ENTRIES_PER_FRAME;
}

/* Grows d's table to `frames` frames (zeroed: no grants). 0, or -1 (too many, or no memory). */
static int grow(struct domain *d, uint32_t frames)
{
    if (frames > GNTTAB_MAX_FRAMES)
        return -1;
    while (d->grant_nr_frames < frames) {
        uint32_t frame = mm_alloc(d->id, 1, FRAME_SIZE);
        if (frame == 0)
            return -1;
        memset((void *)(uintptr_t)frame, 0, FRAME_SIZE);
        d->grant_frames[d->grant_nr_frames++] = frame;
    }
    return 0;
}

/* A running domain by id, or 0. */
static struct domain *running(uint32_t id)
{
    return id < NDOMAIN && domains[id].state == DOMAIN_RUNNING ? &domains[id] : 0;
}

/*
 * Takes a use of granter g's grant `ref` for `grantee`: checks the entry
 * and sets GTF_reading (and GTF_writing) in it with a compare-and-swap,
 * so that a granter taking it back at the same time either wins (and the
 * use is refused) or sees the flags (and fails). *frame gets the host
 * frame. GNTST_okay, or why not.
 */
static int acquire(struct domain *g, grant_ref_t ref, domid_t grantee, int readonly, uint32_t *frame)
{
    if (ref >= grant_refs(g))
        return GNTST_bad_gntref;
    struct grant_entry_v1 *e = entry_of(g, ref);
    uint32_t *word = (uint32_t *)e;         /* flags, then domid: one word to compare and swap */
    uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
    for (;;) {
        uint32_t flags = old & 0xffff;
        if ((flags & GTF_type_mask) != GTF_permit_access || old >> 16 != grantee)
            return GNTST_permission_denied;
        if (!readonly && (flags & GTF_readonly))
            return GNTST_permission_denied;
        uint32_t new = old | GTF_reading | (readonly ? 0 : GTF_writing);
        if (__atomic_compare_exchange_n(word, &old, new, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            break;
    }
    struct grant_active *active = &g->grant_active[ref];
    active->pins++;
    if (!readonly)
        active->writers++;
    uint32_t gfn = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);   /* fixed while the flags say in use */
    uint32_t gpa = gfn << FRAME_SHIFT;
    uint32_t host = gfn < 1u << 20 && gpa >= GUEST_RAM_BASE && gpa - GUEST_RAM_BASE < g->memory_bytes
                    ? p2m_lookup(g, gpa) : 0;
    if (host == 0 || mm_pin(host) < 0) {
        active->pins--;
        if (!readonly)
            active->writers--;
        if (active->writers == 0)
            __atomic_and_fetch(word, ~GTF_writing, __ATOMIC_ACQ_REL);
        if (active->pins == 0)
            __atomic_and_fetch(word, ~GTF_reading, __ATOMIC_ACQ_REL);
        return GNTST_bad_page;
    }
    *frame = host;
    return GNTST_okay;
}

/* Gives back a use acquire took: the flags clear with the last one; the frame is unpinned. */
static void release(struct domain *g, uint32_t instance, grant_ref_t ref, int readonly, uint32_t frame)
{
    mm_unpin(frame);
    if (g->state == DOMAIN_FREE || g->grant_instance != instance || ref >= grant_refs(g))
        return;                     /* the granter went away (or was rebuilt) meanwhile */
    struct grant_active *active = &g->grant_active[ref];
    uint32_t *word = (uint32_t *)entry_of(g, ref);
    active->pins--;
    if (!readonly)
        active->writers--;
    if (active->writers == 0)
        __atomic_and_fetch(word, ~GTF_writing, __ATOMIC_ACQ_REL);
    if (active->pins == 0)
        __atomic_and_fetch(word, ~GTF_reading, __ATOMIC_ACQ_REL);
}

/* Is gpa a frame of d's window that holds none of its hypervisor frames? */
static int window_frame_free(const struct domain *d, uint64_t address)
{
    uint32_t gpa = (uint32_t)address;
    if (address >> 32 || gpa & (FRAME_SIZE - 1) || gpa < GUEST_XEN_BASE || gpa - GUEST_XEN_BASE >= GUEST_XEN_SIZE)
        return 0;
    if (gpa == d->shared_info_gpa)
        return 0;
    for (uint32_t i = 0; i < d->grant_nr_frames; i++)
        if (gpa == d->grant_gpa[i])
            return 0;
    return 1;
}

static int16_t map_one(struct domain *m, struct gnttab_map_grant_ref *op)
{
    int readonly = (op->flags & GNTMAP_readonly) != 0;
    if (!(op->flags & GNTMAP_host_map) ||
        (op->flags & (GNTMAP_device_map | GNTMAP_application_map | GNTMAP_contains_pte)))
        return GNTST_general_error;         /* an HVM guest maps into its guest-physical space only */
    struct domain *g = running(op->dom);
    if (g == 0)
        return GNTST_bad_domain;
    if (!window_frame_free(m, op->host_addr))
        return GNTST_bad_virt_addr;
    grant_handle_t handle = 0;
    while (handle < MAPTRACK_ENTRIES && m->maptrack[handle].in_use)
        handle++;
    if (handle == MAPTRACK_ENTRIES)
        return GNTST_no_space;
    uint32_t frame;
    int status = acquire(g, op->ref, (domid_t)m->id, readonly, &frame);
    if (status != GNTST_okay)
        return (int16_t)status;
    uint32_t gpa = (uint32_t)op->host_addr;
    long error = p2m_map_grant(m, gpa, frame, readonly);
    if (error) {
        release(g, g->grant_instance, op->ref, readonly, frame);
        return error == -XEN_EBUSY ? GNTST_bad_virt_addr : GNTST_no_space;
    }
    hfence_gvma_vmid(m->vmid);
    m->maptrack[handle] = (struct grant_map){
        .in_use = 1, .readonly = (uint8_t)readonly, .granter = (domid_t)g->id,
        .granter_instance = g->grant_instance, .ref = op->ref, .gpa = gpa, .frame = frame,
    };
    m->grant_maps++;
    op->handle = handle;
    op->dev_bus_addr = 0;
    return GNTST_okay;
}

/* Takes m's mapping `handle` away and gives its use back. grant_lock held. */
static void unmap_handle(struct domain *m, grant_handle_t handle)
{
    struct grant_map *map = &m->maptrack[handle];
    p2m_unmap_grant(m, map->gpa);
    release(&domains[map->granter], map->granter_instance, map->ref, map->readonly, map->frame);
    memset(map, 0, sizeof *map);
}

static int16_t unmap_one(struct domain *m, struct gnttab_unmap_grant_ref *op)
{
    if (op->handle >= MAPTRACK_ENTRIES || !m->maptrack[op->handle].in_use)
        return GNTST_bad_handle;
    if (op->host_addr != m->maptrack[op->handle].gpa)
        return GNTST_bad_virt_addr;
    unmap_handle(m, op->handle);
    return GNTST_okay;
}

/* One end of a copy: a grant (acquired) or the caller's own frame (domain 0: anyone's). */
struct copy_end {
    struct domain *granter;         /* 0 for a gmfn */
    uint32_t frame;                 /* host address */
};

static int copy_end_get(struct domain *m, const struct gnttab_copy_ptr *ptr, int gref, int writing,
                        struct copy_end *end)
{
    end->granter = 0;
    if (gref) {
        struct domain *g = running(ptr->domid);
        if (g == 0)
            return GNTST_bad_domain;
        int status = acquire(g, ptr->u.ref, (domid_t)m->id, !writing, &end->frame);
        if (status == GNTST_okay)
            end->granter = g;
        return status;
    }
    struct domain *d = ptr->domid == DOMID_SELF ? m : running(ptr->domid);
    if (d == 0)
        return GNTST_bad_domain;
    if (d != m && m->id != 0)
        return GNTST_permission_denied;
    uint64_t gpa = ptr->u.gmfn << FRAME_SHIFT;
    if (ptr->u.gmfn >= 1u << 20 || gpa < GUEST_RAM_BASE || gpa - GUEST_RAM_BASE >= d->memory_bytes)
        return GNTST_bad_page;
    end->frame = p2m_lookup(d, (uint32_t)gpa);
    return end->frame ? GNTST_okay : GNTST_bad_page;
}

static void copy_end_put(struct copy_end *end, const struct gnttab_copy_ptr *ptr, int writing)
{
    if (end->granter)
        release(end->granter, end->granter->grant_instance, ptr->u.ref, !writing, end->frame);
}

static int16_t copy_one(struct domain *m, struct gnttab_copy *op)
{
    if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return GNTST_bad_copy_arg;
    if ((uint32_t)op->source.offset + op->len > FRAME_SIZE || (uint32_t)op->dest.offset + op->len > FRAME_SIZE)
        return GNTST_bad_copy_arg;
    struct copy_end source, dest;
    int status = copy_end_get(m, &op->source, op->flags & GNTCOPY_source_gref, 0, &source);
    if (status != GNTST_okay)
        return (int16_t)status;
    status = copy_end_get(m, &op->dest, op->flags & GNTCOPY_dest_gref, 1, &dest);
    if (status == GNTST_okay) {
        memmove((uint8_t *)(uintptr_t)dest.frame + op->dest.offset,
                (const uint8_t *)(uintptr_t)source.frame + op->source.offset, op->len);
        copy_end_put(&dest, &op->dest, 1);
        m->grant_copies++;
    }
    copy_end_put(&source, &op->source, 0);
    return (int16_t)status;
}

/* The domain a table operation names: the caller's own, or (domain 0) any running one. */
static int16_t named(struct vcpu *v, domid_t dom, struct domain **d)
{
    uint32_t id = dom == DOMID_SELF ? (uint32_t)v->domain->id : dom;
    if (id != (uint32_t)v->domain->id && v->domain->id != 0)
        return GNTST_permission_denied;
    *d = running(id);
    return *d ? GNTST_okay : GNTST_bad_domain;
}

static int16_t setup_table(struct vcpu *v, struct gnttab_setup_table *op)
{
    struct domain *d;
    int16_t status = named(v, op->dom, &d);
    if (status != GNTST_okay)
        return status;
    if (op->nr_frames > GNTTAB_MAX_FRAMES || grow(d, op->nr_frames) < 0)
        return GNTST_general_error;
    if (op->frame_list.p >> 32)
        return GNTST_bad_virt_addr;
    for (uint32_t i = 0; i < op->nr_frames; i++) {
        xen_pfn_t gfn = d->grant_gpa[i] ? d->grant_gpa[i] >> FRAME_SHIFT : INVALID_GFN;
        if (copy_to_guest((uint32_t)op->frame_list.p + i * sizeof gfn, &gfn, sizeof gfn))
            return GNTST_bad_virt_addr;
    }
    return GNTST_okay;
}

static int16_t query_size(struct vcpu *v, struct gnttab_query_size *op)
{
    struct domain *d;
    int16_t status = named(v, op->dom, &d);
    if (status != GNTST_okay)
        return status;
    op->nr_frames = d->grant_nr_frames;
    op->max_nr_frames = GNTTAB_MAX_FRAMES;
    return GNTST_okay;
}

/* add_to_physmap of XENMAPSPACE_grant_table: frame idx of d's table (grown to it) at window address gpa. */
long grant_map_table_frame(struct domain *d, uint32_t idx, uint32_t gpa)
{
    if (idx & XENMAPIDX_grant_table_status || idx >= GNTTAB_MAX_FRAMES)
        return -XEN_EINVAL;
    spin_lock(&grant_lock);
    long error = grow(d, idx + 1) < 0 ? -XEN_ENOMEM : 0;
    for (int i = 0; error == 0 && i < MAPTRACK_ENTRIES; i++)
        if (d->maptrack[i].in_use && d->maptrack[i].gpa == gpa)
            error = -XEN_EBUSY;     /* a grant is mapped there */
    if (error == 0)
        error = p2m_map_hypervisor_frame(d, &d->grant_gpa[idx], gpa, d->grant_frames[idx]);
    spin_unlock(&grant_lock);
    return error;
}

/* One operation of each kind: its size in the guest's array, and what does it. */
union grant_op {
    struct gnttab_map_grant_ref map;
    struct gnttab_unmap_grant_ref unmap;
    struct gnttab_setup_table setup;
    struct gnttab_copy copy;
    struct gnttab_query_size query;
};

static int16_t do_op(struct vcpu *v, uint32_t cmd, union grant_op *op)
{
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return op->map.status = map_one(v->domain, &op->map);
    case GNTTABOP_unmap_grant_ref:
        return op->unmap.status = unmap_one(v->domain, &op->unmap);
    case GNTTABOP_setup_table:
        return op->setup.status = setup_table(v, &op->setup);
    case GNTTABOP_copy:
        return op->copy.status = copy_one(v->domain, &op->copy);
    default:
        return op->query.status = query_size(v, &op->query);
    }
}

/*
 * grant_table_op(cmd, uop, count): each operation read, done and written
 * back in turn. After GNTTAB_BATCH of them the call is restarted where it
 * got to (uop and count moved on, the ecall not passed), as Xen's
 * continuations do, so that a long batch keeps no pCPU from the others.
 */
long grant_table_op(struct vcpu *v)
{
    uint32_t cmd = v->regs.x[10], uop = v->regs.x[11], count = v->regs.x[12];
    static const uint32_t sizes[] = {
        [GNTTABOP_map_grant_ref] = sizeof(struct gnttab_map_grant_ref),
        [GNTTABOP_unmap_grant_ref] = sizeof(struct gnttab_unmap_grant_ref),
        [GNTTABOP_setup_table] = sizeof(struct gnttab_setup_table),
        [GNTTABOP_copy] = sizeof(struct gnttab_copy),
        [GNTTABOP_query_size] = sizeof(struct gnttab_query_size),
    };
    if (cmd >= sizeof sizes / sizeof sizes[0] || sizes[cmd] == 0)
        return -XEN_ENOSYS;
    if ((cmd == GNTTABOP_setup_table || cmd == GNTTABOP_query_size) && count != 1)
        return -XEN_EINVAL;         /* as Xen: one at a time */
    for (uint32_t done = 0; done < count; done++) {
        if (done == GNTTAB_BATCH) {
            v->regs.x[11] = uop;
            v->regs.x[12] = count - done;
            return HYPERCALL_DONE;  /* the guest makes the call again, from here */
        }
        union grant_op op;
        long error = copy_from_guest(&op, uop, sizes[cmd]);
        if (error)
            return error;
        spin_lock(&grant_lock);
        do_op(v, cmd, &op);
        spin_unlock(&grant_lock);
        error = copy_to_guest(uop, &op, sizes[cmd]);
        if (error)
            return error;
        uop += sizes[cmd];
    }
    return 0;
}

/*
 * d goes away (destroyed, or rebuilt): the grants it mapped are unmapped,
 * and its table's frames freed. What others map of its RAM stays mapped
 * (pinned) until they unmap it.
 */
void grant_destroy(struct domain *d)
{
    spin_lock(&grant_lock);
    for (grant_handle_t handle = 0; handle < MAPTRACK_ENTRIES; handle++)
        if (d->maptrack[handle].in_use)
            unmap_handle(d, handle);
    for (uint32_t i = 0; i < d->grant_nr_frames; i++)
        mm_free(d->grant_frames[i], 1);
    d->grant_nr_frames = 0;
    d->grant_instance = 0;
    spin_unlock(&grant_lock);
}

/* The 'g' key: each domain's table size and the grants it has mapped. */
void grant_dump(void)
{
    spin_lock(&grant_lock);
    for (int id = 0; id < NDOMAIN; id++) {
        struct domain *d = &domains[id];
        if (d->state == DOMAIN_FREE)
            continue;
        uint32_t mapped = 0;
        for (int i = 0; i < MAPTRACK_ENTRIES; i++)
            mapped += d->maptrack[i].in_use;
        hv_printk("Grant table of d%d (%s): %u of %u frames, %u grants mapped, %u maps and %u copies done\n",
                  id, d->config.name, (unsigned)d->grant_nr_frames, GNTTAB_MAX_FRAMES, (unsigned)mapped,
                  (unsigned)d->grant_maps, (unsigned)d->grant_copies);
        for (int i = 0; i < MAPTRACK_ENTRIES; i++) {
            struct grant_map *map = &d->maptrack[i];
            if (map->in_use)
                hv_printk("  handle %d: d%u's grant %u at 0x%08x%s\n", i, (unsigned)map->granter,
                          (unsigned)map->ref, (unsigned)map->gpa, map->readonly ? ", read-only" : "");
        }
    }
    spin_unlock(&grant_lock);
}

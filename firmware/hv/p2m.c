/*
 * p2m.c: each domain's G-stage page table (Sv32x4), the hardware's map
 * from guest-physical to host-physical addresses, and the hypervisor's
 * checked access to guest memory through it.
 *
 * A domain's RAM is mapped at GUEST_RAM_BASE and nothing else is: every
 * other guest-physical address faults into the hypervisor (an emulated
 * device, or a domain touching what it does not own). Each 4 MiB of guest
 * RAM is one megapage leaf when a free, aligned 4 MiB of host RAM exists,
 * else a second-level table of single frames. Every leaf is U (the
 * G-stage treats all guest accesses as user accesses), RWX, with A and D
 * set so the hardware never has to write them.
 *
 * The hypervisor's window (GUEST_XEN_BASE) holds single frames that are
 * not the domain's RAM: its shared_info, its grant table, pages other
 * domains granted it. Their leaves carry PTE_BORROWED (a bit the G-stage
 * leaves to software), so that p2m_destroy frees none of them: each
 * belongs to whoever lent it. Domain 0's foreign mappings of another
 * domain's RAM (the domain builder's, the back ends') are there too,
 * marked PTE_FOREIGN as well: each pins its frame, and p2m_destroy lets
 * go of the pins still held. d->lock guards changes to d's table.
 */
#include "hv.h"
#include "string.h"

#define ROOT_ENTRIES   4096            /* Sv32x4: the root indexes GPA bits 33:22 */
#define ROOT_FRAMES    4               /* 16 KiB, 16 KiB aligned */
#define TABLE_ENTRIES  1024
#define PTE_LEAF_RWX   (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define HGATP_MODE_SV32X4 0x80000000u
#define HGATP_VMID_SHIFT  22
#define PTE_BORROWED      0x100u      /* RSW bit 8: a frame mapped here, not owned through this mapping */
#define PTE_FOREIGN       0x200u      /* RSW bit 9: ... another domain's RAM, mapped by domain 0 and pinned */

static uint32_t make_pte(uint32_t address, uint32_t flags)
{
    return (address >> FRAME_SHIFT) << 10 | flags;
}

static uint32_t pte_address(uint32_t pte)
{
    return (pte >> 10) << FRAME_SHIFT;
}

static int pte_is_leaf(uint32_t pte)
{
    return (pte & (PTE_R | PTE_W | PTE_X)) != 0;
}

/* An empty root table and the domain's hgatp. 0, or -1 without memory. */
int p2m_create(struct domain *d)
{
    uint32_t root = mm_alloc(OWNER_HEAP, ROOT_FRAMES, ROOT_FRAMES * FRAME_SIZE);
    if (root == 0)
        return -1;
    d->gstage_root = (uint32_t *)(uintptr_t)root;
    d->hgatp = HGATP_MODE_SV32X4 | d->vmid << HGATP_VMID_SHIFT | root >> FRAME_SHIFT;
    return 0;
}

/* Maps `bytes` of guest RAM (at most 4 MiB) at `gpa` with single frames. */
static int populate_frames(struct domain *d, uint32_t gpa, uint32_t bytes)
{
    uint32_t table = mm_alloc(OWNER_HEAP, 1, FRAME_SIZE);
    if (table == 0)
        return -1;
    d->gstage_root[gpa >> 22] = make_pte(table, PTE_V);
    uint32_t *entries = (uint32_t *)(uintptr_t)table;
    for (uint32_t offset = 0; offset < bytes; offset += FRAME_SIZE) {
        uint32_t frame = mm_alloc(d->id, 1, FRAME_SIZE);
        if (frame == 0)
            return -1;
        entries[(offset >> FRAME_SHIFT) & (TABLE_ENTRIES - 1)] = make_pte(frame, PTE_LEAF_RWX);
    }
    return 0;
}

/*
 * Gives the domain `bytes` of zeroed RAM (a multiple of 4 KiB) at
 * GUEST_RAM_BASE. 0, or -1 when the pool runs dry (what was mapped stays,
 * for p2m_destroy).
 */
int p2m_populate(struct domain *d, uint32_t bytes)
{
    for (uint32_t offset = 0; offset < bytes; offset += MEGAPAGE) {
        uint32_t gpa = GUEST_RAM_BASE + offset;
        uint32_t chunk = bytes - offset < MEGAPAGE ? bytes - offset : MEGAPAGE;
        uint32_t megapage = chunk == MEGAPAGE ? mm_alloc_megapage(d->id) : 0;
        if (megapage)
            d->gstage_root[gpa >> 22] = make_pte(megapage, PTE_LEAF_RWX);
        else if (populate_frames(d, gpa, chunk) < 0)
            return -1;
    }
    return 0;
}

/* Scrubs and frees the domain's RAM and its tables. The domain runs nowhere. */
void p2m_destroy(struct domain *d)
{
    if (d->gstage_root == 0)
        return;
    for (uint32_t i = 0; i < ROOT_ENTRIES; i++) {
        uint32_t pte = d->gstage_root[i];
        if (!(pte & PTE_V))
            continue;
        if (pte_is_leaf(pte)) {
            mm_free(pte_address(pte), FRAMES_PER_MEGAPAGE);
            continue;
        }
        uint32_t *entries = (uint32_t *)(uintptr_t)pte_address(pte);
        for (uint32_t j = 0; j < TABLE_ENTRIES; j++)
            if ((entries[j] & (PTE_V | PTE_BORROWED)) == PTE_V)
                mm_free(pte_address(entries[j]), 1);
            else if ((entries[j] & (PTE_V | PTE_FOREIGN)) == (PTE_V | PTE_FOREIGN))
                mm_unpin(pte_address(entries[j]));
        mm_free(pte_address(pte), 1);
    }
    mm_free((uint32_t)(uintptr_t)d->gstage_root, ROOT_FRAMES);
    d->gstage_root = 0;
    d->hgatp = 0;
}

/* The leaf for gpa (no megapage there: the window), its second-level table made if need be; 0 without memory. d->lock held. */
static uint32_t *window_leaf(struct domain *d, uint32_t gpa)
{
    uint32_t *root = &d->gstage_root[gpa >> 22];
    if (!(*root & PTE_V)) {
        uint32_t table = mm_alloc(OWNER_HEAP, 1, FRAME_SIZE);
        if (table == 0)
            return 0;
        memset((void *)(uintptr_t)table, 0, FRAME_SIZE);
        *root = make_pte(table, PTE_V);
    }
    return (uint32_t *)(uintptr_t)pte_address(*root) + ((gpa >> FRAME_SHIFT) & (TABLE_ENTRIES - 1));
}

/*
 * No vCPU of d uses a translation older than this call once it returns:
 * the next load of any vCPU flushes the VMID (the epoch), and one loaded
 * or running now flushes before it enters the guest again (waited for).
 */
void p2m_flush(struct domain *d)
{
    __atomic_add_fetch(&d->vmid_epoch, 1, __ATOMIC_SEQ_CST);
    hfence_gvma_vmid(d->vmid);
    for (int i = 0; i < d->nvcpus; i++)
        vcpu_request_flush(&d->vcpus[i]);
}

/*
 * Maps the frame at host address `frame` at window address gpa of d, in
 * place of what *slot says it was at before (moving it), and records gpa
 * there. 0, -XEN_EBUSY if gpa holds another frame, -XEN_ENOMEM.
 */
long p2m_map_hypervisor_frame(struct domain *d, uint32_t *slot, uint32_t gpa, uint32_t frame)
{
    long error = 0;
    spin_lock(&d->lock);
    uint32_t *leaf = window_leaf(d, gpa);
    if (leaf == 0)
        error = -XEN_ENOMEM;
    else if ((*leaf & PTE_V) && pte_address(*leaf) != frame)
        error = -XEN_EBUSY;
    else {
        if (*slot && *slot != gpa)
            *window_leaf(d, *slot) = 0;
        *leaf = make_pte(frame, PTE_LEAF_RWX | PTE_BORROWED);
        *slot = gpa;
    }
    spin_unlock(&d->lock);
    if (error == 0)
        p2m_flush(d);
    return error;
}

/*
 * The leaf for RAM address gpa of d: a megapage there is split into
 * frames first (the same frames, so no translation changes), an empty
 * 4 MiB gets a table. 0 without memory. d->lock held.
 */
static uint32_t *ram_leaf(struct domain *d, uint32_t gpa)
{
    uint32_t *root = &d->gstage_root[gpa >> 22];
    if (*root & PTE_V && pte_is_leaf(*root)) {
        uint32_t table = mm_alloc(OWNER_HEAP, 1, FRAME_SIZE);
        if (table == 0)
            return 0;
        uint32_t *entries = (uint32_t *)(uintptr_t)table, base = pte_address(*root);
        for (uint32_t i = 0; i < TABLE_ENTRIES; i++)
            entries[i] = make_pte(base + i * FRAME_SIZE, PTE_LEAF_RWX);
        *root = make_pte(table, PTE_V);
    }
    return window_leaf(d, gpa);
}

/*
 * memory_op decrease_reservation: d gives back its RAM frame at gpa. The
 * host frame, unmapped and no longer in any of d's translations, for the
 * caller to free; 0 if none is there (or no memory to split a megapage).
 */
uint32_t p2m_release_ram(struct domain *d, uint32_t gpa)
{
    uint32_t frame = 0;
    spin_lock(&d->lock);
    uint32_t *leaf = ram_leaf(d, gpa);
    if (leaf && (*leaf & (PTE_V | PTE_BORROWED)) == PTE_V) {
        frame = pte_address(*leaf);
        *leaf = 0;
    }
    spin_unlock(&d->lock);
    if (frame)
        p2m_flush(d);
    return frame;
}

/* memory_op populate_physmap: a zeroed frame for d at RAM address gpa. 0, -XEN_EBUSY (one is there), -XEN_ENOMEM. */
long p2m_populate_ram(struct domain *d, uint32_t gpa)
{
    uint32_t frame = mm_alloc(d->id, 1, FRAME_SIZE);
    if (frame == 0)
        return -XEN_ENOMEM;
    long error = 0;
    spin_lock(&d->lock);
    uint32_t *leaf = ram_leaf(d, gpa);
    if (leaf == 0)
        error = -XEN_ENOMEM;
    else if (*leaf & PTE_V)
        error = -XEN_EBUSY;
    else
        *leaf = make_pte(frame, PTE_LEAF_RWX);
    spin_unlock(&d->lock);
    if (error)
        mm_free(frame, 1);
    return error;
}

/* A frame d does not own at window address gpa, with these leaf flags. 0, -XEN_EBUSY (one is there), -XEN_ENOMEM. */
static long map_borrowed(struct domain *d, uint32_t gpa, uint32_t frame, uint32_t flags)
{
    long error = 0;
    spin_lock(&d->lock);
    uint32_t *leaf = window_leaf(d, gpa);
    if (leaf == 0)
        error = -XEN_ENOMEM;
    else if (*leaf & PTE_V)
        error = -XEN_EBUSY;
    else
        *leaf = make_pte(frame, flags);
    spin_unlock(&d->lock);
    return error;
}

/* Maps a device's page (host_address) at gpa of d, read-write, never executable: a UART passed through. */
long p2m_map_device(struct domain *d, uint32_t gpa, uint32_t host_address)
{
    return map_borrowed(d, gpa, host_address, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D | PTE_BORROWED);
}

/*
 * Maps another domain's frame (a grant) at window address gpa of d:
 * readable, writable unless `readonly`, never executable. 0, -XEN_EBUSY
 * if gpa holds a frame already, -XEN_ENOMEM. The caller fences its own
 * hart; no other hart can hold a translation of an address that had none.
 */
long p2m_map_grant(struct domain *d, uint32_t gpa, uint32_t frame, int readonly)
{
    return map_borrowed(d, gpa, frame, PTE_V | PTE_R | (readonly ? 0 : PTE_W | PTE_D) | PTE_U | PTE_A | PTE_BORROWED);
}

/* Takes the grant mapping at window address gpa of d away; no vCPU of d uses it once this returns. */
void p2m_unmap_grant(struct domain *d, uint32_t gpa)
{
    spin_lock(&d->lock);
    uint32_t *leaf = window_leaf(d, gpa);
    if (leaf)
        *leaf = 0;
    spin_unlock(&d->lock);
    p2m_flush(d);
}

/* The host frame at RAM address gpa (frame-aligned) of d that d owns, not one it borrows; 0 if none. */
uint32_t p2m_owned_frame(struct domain *d, uint32_t gpa)
{
    uint32_t frame = 0;
    spin_lock(&d->lock);
    uint32_t pte = d->gstage_root ? d->gstage_root[gpa >> 22] : 0;
    if ((pte & PTE_V) && pte_is_leaf(pte))
        frame = pte_address(pte) + (gpa & (MEGAPAGE - FRAME_SIZE));
    else if (pte & PTE_V) {
        uint32_t leaf = ((uint32_t *)(uintptr_t)pte_address(pte))[(gpa >> FRAME_SHIFT) & (TABLE_ENTRIES - 1)];
        if ((leaf & (PTE_V | PTE_BORROWED)) == PTE_V)
            frame = pte_address(leaf);
    }
    spin_unlock(&d->lock);
    return frame;
}

/*
 * Maps another domain's RAM frame (pinned by the caller) at window address
 * gpa of d: read-write, never executable. 0, -XEN_EBUSY if gpa holds a
 * frame already, -XEN_ENOMEM. No other hart can hold a translation of an
 * address that had none; the caller fences its own.
 */
long p2m_map_foreign(struct domain *d, uint32_t gpa, uint32_t frame)
{
    return map_borrowed(d, gpa, frame, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D | PTE_BORROWED | PTE_FOREIGN);
}

/*
 * Takes the foreign mapping at window address gpa of d away; *frame gets
 * the frame, for the caller to unpin once no vCPU of d can use it (when
 * this returns). -XEN_EINVAL if gpa holds no foreign mapping.
 */
long p2m_unmap_foreign(struct domain *d, uint32_t gpa, uint32_t *frame)
{
    long error = -XEN_EINVAL;
    spin_lock(&d->lock);
    uint32_t pte = d->gstage_root[gpa >> 22];
    if ((pte & PTE_V) && !pte_is_leaf(pte)) {
        uint32_t *leaf = (uint32_t *)(uintptr_t)pte_address(pte) + ((gpa >> FRAME_SHIFT) & (TABLE_ENTRIES - 1));
        if ((*leaf & (PTE_V | PTE_FOREIGN)) == (PTE_V | PTE_FOREIGN)) {
            *frame = pte_address(*leaf);
            *leaf = 0;
            error = 0;
        }
    }
    spin_unlock(&d->lock);
    if (error == 0)
        p2m_flush(d);
    return error;
}

/*
 * The host-physical address of guest-physical `gpa` (32-bit guest
 * addresses only), or 0 if the domain has no RAM there.
 */
uint32_t p2m_lookup(const struct domain *d, uint32_t gpa)
{
    if (d->gstage_root == 0)
        return 0;
    uint32_t pte = d->gstage_root[gpa >> 22];
    if (!(pte & PTE_V))
        return 0;
    if (pte_is_leaf(pte))
        return pte_address(pte) + (gpa & (MEGAPAGE - 1));
    uint32_t *entries = (uint32_t *)(uintptr_t)pte_address(pte);
    uint32_t leaf = entries[(gpa >> FRAME_SHIFT) & (TABLE_ENTRIES - 1)];
    return (leaf & PTE_V) ? pte_address(leaf) + (gpa & (FRAME_SIZE - 1)) : 0;
}

/* Is all of [gpa, gpa + size) the domain's RAM? */
int guest_range_ok(const struct domain *d, uint32_t gpa, uint32_t size)
{
    if (gpa + size < gpa)
        return 0;
    for (uint32_t page = ROUND_DOWN(gpa, FRAME_SIZE); size && page < gpa + size; page += FRAME_SIZE)
        if (p2m_lookup(d, page) == 0)
            return 0;
    return 1;
}

/*
 * Walks [gpa, gpa + size) a frame at a time, calling step(host, offset, n)
 * for each piece. -1 (having done nothing) if any of it is not the
 * domain's RAM: the hypervisor never follows a guest's address blindly.
 */
static int guest_walk(struct domain *d, uint32_t gpa, uint32_t size,
                      void (*step)(uint8_t *host, uint32_t offset, uint32_t n, void *context), void *context)
{
    if (!guest_range_ok(d, gpa, size))
        return -1;
    for (uint32_t done = 0; done < size;) {
        uint32_t n = FRAME_SIZE - ((gpa + done) & (FRAME_SIZE - 1));
        if (n > size - done)
            n = size - done;
        step((uint8_t *)(uintptr_t)p2m_lookup(d, gpa + done), done, n, context);
        done += n;
    }
    return 0;
}

static void copy_in(uint8_t *host, uint32_t offset, uint32_t n, void *context)
{
    memcpy(host, (const uint8_t *)context + offset, n);
}

static void copy_out(uint8_t *host, uint32_t offset, uint32_t n, void *context)
{
    memcpy((uint8_t *)context + offset, host, n);
}

static void zero(uint8_t *host, uint32_t offset, uint32_t n, void *context)
{
    (void)offset, (void)context;
    memset(host, 0, n);
}

/* Copies into guest-physical memory; 0, or -1 if it is not all the domain's RAM. */
int guest_copy_to(struct domain *d, uint32_t gpa, const void *src, uint32_t size)
{
    return guest_walk(d, gpa, size, copy_in, (void *)src);
}

int guest_copy_from(struct domain *d, void *dst, uint32_t gpa, uint32_t size)
{
    return guest_walk(d, gpa, size, copy_out, dst);
}

int guest_zero(struct domain *d, uint32_t gpa, uint32_t size)
{
    return guest_walk(d, gpa, size, zero, 0);
}

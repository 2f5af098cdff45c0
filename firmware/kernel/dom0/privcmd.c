/*
 * privcmd.c: the dom0 build's side of platform.h: /dev/privcmd (include/
 * privcmd.h), through which the toolstack in user space makes hypercalls
 * and maps other domains' frames.
 *
 * A hypercall from user space carries user pointers, which the hypervisor
 * follows through the vCPU's page table at VS privilege. On the process's
 * own page table the kernel's half would be readable that way too, so the
 * call is made on a table of its own (one per hart): the process's user
 * half, and the trampoline's page execute-only (trampoline.S); sstatus.SUM
 * lets the hypervisor at the user pages, MXR stays off so the trampoline
 * is not readable. Interrupts are off from the switch to the return.
 *
 * Foreign frames go at guest-physical frames of this domain's window (the
 * /hypervisor node's reg, its upper half), one window frame per page of the
 * foreign area (include/abi.h), so that a page's place in the area names
 * its window frame: the same in every process, each used by one at a time.
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"
#include "fdt.h"
#include "sbi_call.h"
#include "hypercall.h"
#include "privcmd.h"
#include "platform.h"
#include "dom0.h"

#define FOREIGN_PAGES   (USER_FOREIGN_SIZE / PAGE_SIZE)
#define MAP_CHUNK       64              /* frames per add_to_physmap_batch */
#define PTES            1024
#define USER_ROOT_PTES  (USER_TOP >> 22)

extern char privcmd_trampoline_end[];
long privcmd_trampoline(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t number,
                        uint32_t satp, uint32_t eid);

static uint32_t window_gpa;             /* the window's first frame: shared_info (evtchn.c) */
static uint32_t foreign_gpa;            /* the window frame of the foreign area's first page; 0: no window */
static struct spinlock slots_lock;
static uint8_t slot_used[FOREIGN_PAGES];
static uint16_t slot_grant[FOREIGN_PAGES];  /* a grant mapped there (gntdev.c): its handle + 1; 0: a foreign frame */
static pagetable_t call_root[NCPU];     /* per hart: the table a user hypercall runs on */
static pagetable_t trampoline_table;    /* second level: the trampoline's page alone */

long dom0_hypercall(uint32_t number, uint32_t a0, uint32_t a1, uint32_t a2)
{
    return sbi_call(HYPERCALL_EID, number, a0, a1, a2).error;
}

/* The window of the /hypervisor node ("xen,xen"): 0, or -1 if the tree has none big enough. */
static int find_window(void)
{
    struct fdt fdt;
    uint32_t base, size;
    if (fdt_parse(&fdt, board.dtb) < 0)
        return -1;
    int node = fdt_find_compatible(&fdt, -1, "xen,xen");
    if (node < 0 || fdt_reg(&fdt, node, 0, &base, &size) < 0 || size < 2 * USER_FOREIGN_SIZE)
        return -1;
    window_gpa = base;
    foreign_gpa = base + size - USER_FOREIGN_SIZE;
    return 0;
}

void platform_init(void)
{
    spinlock_init(&slots_lock, "privcmd");
    if (find_window() < 0)
        panic("dom0: the device tree names no hypervisor window (not domain 0 of HyperLab's hypervisor?)");
    if ((uint32_t)(uintptr_t)privcmd_trampoline_end - (uint32_t)(uintptr_t)&privcmd_trampoline != PAGE_SIZE)
        panic("dom0: the privcmd trampoline is not one page");
    trampoline_table = kalloc();
    for (int i = 0; i < NCPU; i++)
        call_root[i] = kalloc();
    if (trampoline_table == 0 || call_root[NCPU - 1] == 0)
        panic("dom0: no memory for privcmd");
    uint32_t at = (uint32_t)(uintptr_t)&privcmd_trampoline;
    trampoline_table[(at >> 12) & 0x3ff] = (at >> 12) << 10 | PTE_V | PTE_X | PTE_A;
    kprintf("  dom0: /dev/privcmd, foreign pages at window 0x%08x\n", (unsigned)foreign_gpa);
    evtchn_init(window_gpa);
    mgmtport_init();
    xenbus_init();
}

/* ---- hypercalls from user space ---- */

static int privcmd_hypercall(uint32_t arg)
{
    struct proc *p = myproc();
    struct privcmd_hypercall call;
    if (copyin(&p->mm, &call, arg, sizeof call) < 0)
        return -EFAULT;
    if (call.op >> 32)
        return -ENOSYS;
    for (int i = 0; i < 5; i++)
        if (call.arg[i] >> 32)
            return -EINVAL;
    if (mm_make_resident(&p->mm, p->tf->regs[TF_SP]) < 0)
        return -ENOMEM;
    push_off();
    pagetable_t root = call_root[mycpu()->index];
    uint32_t at = (uint32_t)(uintptr_t)&privcmd_trampoline;
    memcpy(root, p->mm.pagetable, USER_ROOT_PTES * sizeof(pte_t));
    memset(root + USER_ROOT_PTES, 0, (PTES - USER_ROOT_PTES) * sizeof(pte_t));
    root[at >> 22] = ((uint32_t)(uintptr_t)trampoline_table >> 12) << 10 | PTE_V;
    csr_set(sstatus, SSTATUS_SUM);
    long result = privcmd_trampoline((uint32_t)call.arg[0], (uint32_t)call.arg[1], (uint32_t)call.arg[2],
                                     (uint32_t)call.arg[3], (uint32_t)call.arg[4], (uint32_t)call.op,
                                     SATP_MODE_SV32 | (uint32_t)(uintptr_t)root >> 12, HYPERCALL_EID);
    csr_clear(sstatus, SSTATUS_SUM);
    pop_off();
    return (int)result;
}

/* ---- foreign mappings ---- */

static uint32_t slot_va(uint32_t slot)
{
    return USER_FOREIGN_BASE + slot * PAGE_SIZE;
}

/* Reserves `count` consecutive free slots: the first, or -1. */
static int slots_take(uint32_t count)
{
    int first = -1;
    acquire(&slots_lock);
    for (uint32_t i = 0, run = 0; i < FOREIGN_PAGES; i++) {
        run = slot_used[i] ? 0 : run + 1;
        if (run == count) {
            first = (int)(i + 1 - count);
            memset(slot_used + first, 1, count);
            break;
        }
    }
    release(&slots_lock);
    return first;
}

static void slot_free(uint32_t slot)
{
    acquire(&slots_lock);
    slot_used[slot] = 0;
    slot_grant[slot] = 0;
    release(&slots_lock);
}

int foreign_slots_take(uint32_t count)
{
    return foreign_gpa ? slots_take(count) : -1;
}

uint32_t foreign_slot_va(uint32_t slot)
{
    return slot_va(slot);
}

uint32_t foreign_slot_gpa(uint32_t slot)
{
    return foreign_gpa + slot * PAGE_SIZE;
}

void foreign_slot_free(uint32_t slot)
{
    slot_free(slot);
}

void foreign_slot_grant(uint32_t slot, uint32_t handle)
{
    acquire(&slots_lock);
    slot_grant[slot] = (uint16_t)(handle + 1);
    release(&slots_lock);
}

static long unmap_gpfn(uint32_t gpfn)
{
    struct xen_remove_from_physmap r;
    memset(&r, 0, sizeof r);
    r.domid = DOMID_SELF;
    r.gpfn = gpfn;
    return dom0_hypercall(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, (uint32_t)(uintptr_t)&r, 0);
}

/* Gives back the grant mapped at window gpa (gntdev.c's), by its handle. */
static long unmap_grant(uint32_t gpa, uint32_t handle)
{
    struct gnttab_unmap_grant_ref u;
    memset(&u, 0, sizeof u);
    u.host_addr = gpa;
    u.handle = handle;
    long error = dom0_hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_unmap_grant_ref, (uint32_t)(uintptr_t)&u, 1);
    return error ? error : u.status;
}

void platform_foreign_release(uint32_t gpa)
{
    uint32_t slot = (gpa - foreign_gpa) / PAGE_SIZE;
    if (gpa < foreign_gpa || slot >= FOREIGN_PAGES)
        panic("privcmd: foreign page at 0x%08x is outside the area", (unsigned)gpa);
    acquire(&slots_lock);
    uint32_t grant = slot_grant[slot];
    release(&slots_lock);
    long error = grant ? unmap_grant(gpa, grant - 1) : unmap_gpfn(gpa >> 12);
    if (error)
        kprintf("privcmd: the hypervisor did not unmap window frame 0x%08x (error %ld)\n", (unsigned)gpa, error);
    slot_free(slot);
}

/* Maps one chunk (count <= MAP_CHUNK) at slots from `first`; errs[] filled. 0, or the batch's own error. */
static long map_chunk(struct mm *mm, uint16_t dom, const uint64_t *gfns, uint32_t first, uint32_t count,
                      int32_t *errs)
{
    xen_ulong_t idxs[MAP_CHUNK];
    xen_pfn_t gpfns[MAP_CHUNK];
    struct xen_add_to_physmap_batch b;
    for (uint32_t i = 0; i < count; i++) {
        idxs[i] = gfns[i] >> 32 ? 0xffffffffu : (xen_ulong_t)gfns[i];
        gpfns[i] = (foreign_gpa >> 12) + first + i;
        errs[i] = 0;
    }
    memset(&b, 0, sizeof b);
    b.domid = DOMID_SELF;
    b.space = XENMAPSPACE_gmfn_foreign;
    b.size = (uint16_t)count;
    b.foreign_domid = dom;
    b.idxs.p = (uint32_t)(uintptr_t)idxs;
    b.gpfns.p = (uint32_t)(uintptr_t)gpfns;
    b.errs.p = (uint32_t)(uintptr_t)errs;
    long error = dom0_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, (uint32_t)(uintptr_t)&b, 0);
    if (error)
        return error;
    for (uint32_t i = 0; i < count; i++) {
        if (errs[i] == 0 && gfns[i] >> 32) {
            unmap_gpfn((uint32_t)gpfns[i]);
            errs[i] = -XEN_EINVAL;
        }
        if (errs[i] == 0 && mm_map_foreign(mm, slot_va(first + i), (uint32_t)gpfns[i] << 12, 1) < 0) {
            unmap_gpfn((uint32_t)gpfns[i]);
            errs[i] = -XEN_ENOMEM;
        }
        if (errs[i] != 0)
            slot_free(first + i);
    }
    return 0;
}

static int privcmd_mmapbatch(uint32_t arg)
{
    struct mm *mm = &myproc()->mm;
    struct privcmd_mmapbatch_v2 m;
    uint64_t gfns[MAP_CHUNK];
    int32_t errs[MAP_CHUNK];
    if (copyin(mm, &m, arg, sizeof m) < 0)
        return -EFAULT;
    if (m.addr != 0 || m.num == 0 || m.num > PRIVCMD_MMAPBATCH_MAX)
        return -EINVAL;
    int first = slots_take(m.num);
    if (first < 0)
        return -ENOSPC;
    long error = 0;
    uint32_t done = 0;                  /* frames tried: their failed slots are free again */
    while (done < m.num && error == 0) {
        uint32_t count = m.num - done < MAP_CHUNK ? m.num - done : MAP_CHUNK;
        if (copyin(mm, gfns, m.arr + done * sizeof gfns[0], count * sizeof gfns[0]) < 0) {
            error = -EFAULT;
            break;
        }
        error = map_chunk(mm, m.dom, gfns, (uint32_t)first + done, count, errs);
        if (error)
            break;
        done += count;
        if (copyout(mm, m.err + (done - count) * sizeof errs[0], errs, count * sizeof errs[0]) < 0)
            error = -EFAULT;
    }
    m.addr = slot_va((uint32_t)first);
    if (error == 0 && copyout(mm, arg, &m, sizeof m) < 0)
        error = -EFAULT;
    if (error) {                        /* nothing stays: what this call mapped goes again */
        for (uint32_t i = 0; i < m.num; i++) {
            uint32_t gpa = i < done ? mm_unmap_foreign(mm, slot_va((uint32_t)first + i)) : 0;
            if (gpa)
                platform_foreign_release(gpa);
            else if (i >= done)
                slot_free((uint32_t)first + i);
        }
        return (int)error;
    }
    sfence_vma();
    return 0;
}

static int privcmd_munmap(uint32_t arg)
{
    struct mm *mm = &myproc()->mm;
    struct privcmd_munmap u;
    if (copyin(mm, &u, arg, sizeof u) < 0)
        return -EFAULT;
    if (u.addr < USER_FOREIGN_BASE || u.addr & (PAGE_SIZE - 1) || u.num > FOREIGN_PAGES ||
        u.addr - USER_FOREIGN_BASE + (uint64_t)u.num * PAGE_SIZE > USER_FOREIGN_SIZE)
        return -EINVAL;
    for (uint32_t i = 0; i < u.num; i++) {
        uint32_t gpa = mm_unmap_foreign(mm, (uint32_t)u.addr + i * PAGE_SIZE);
        if (gpa)
            platform_foreign_release(gpa);
    }
    return 0;
}

static int privcmd_ioctl(struct file *f, uint32_t request, uint32_t arg)
{
    (void)f;
    switch (request) {
    case IOCTL_PRIVCMD_HYPERCALL:
        return privcmd_hypercall(arg);
    case IOCTL_PRIVCMD_MMAPBATCH_V2:
        return privcmd_mmapbatch(arg);
    case IOCTL_PRIVCMD_MUNMAP:
        return privcmd_munmap(arg);
    default:
        return -ENOTTY;
    }
}

static const struct device privcmd = { .name = "privcmd", .ioctl = privcmd_ioctl };

const struct device *platform_device(const char *name)
{
    static const struct device *const devices[] = {
        &privcmd, &evtchn_device, &mgmtport_device, &xenbus_device, &xenbus_backend_device, &gntdev_device,
    };
    for (uint32_t i = 0; i < sizeof devices / sizeof devices[0]; i++)
        if (strcmp(name, devices[i]->name) == 0)
            return devices[i];
    return 0;
}

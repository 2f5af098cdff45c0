/*
 * gntdev.c: /dev/gntdev (include/gntdev.h), other domains' grants mapped
 * into a program of domain 0's.
 *
 * Each grant goes at a page of the foreign area (privcmd.c's slots): the
 * hypervisor maps it at that page's window frame (GNTTABOP_map_grant_ref,
 * GNTMAP_host_map), and the process's page table points there. The slot
 * remembers the grant's handle, so that unmapping the page, at
 * UNMAP_GRANT_REF or when the process goes, gives the grant back
 * (GNTTABOP_unmap_grant_ref) instead of removing a foreign frame.
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"
#include "hypercall.h"
#include "gntdev.h"
#include "platform.h"
#include "dom0.h"

/* Maps one grant at `slot`: 0, or a negative errno (nothing left mapped). */
static int map_one(struct mm *mm, const struct ioctl_gntdev_grant_ref *grant, uint32_t slot, int readonly)
{
    struct gnttab_map_grant_ref op;
    memset(&op, 0, sizeof op);
    op.host_addr = foreign_slot_gpa(slot);
    op.flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0);
    op.ref = grant->ref;
    op.dom = (domid_t)grant->domid;
    if (grant->domid >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    long error = dom0_hypercall(__HYPERVISOR_grant_table_op, GNTTABOP_map_grant_ref, (uint32_t)(uintptr_t)&op, 1);
    if (error || op.status != GNTST_okay)
        return op.status == GNTST_permission_denied ? -EPERM : -EINVAL;
    foreign_slot_grant(slot, op.handle);
    if (mm_map_foreign(mm, foreign_slot_va(slot), foreign_slot_gpa(slot), !readonly) < 0) {
        platform_foreign_release(foreign_slot_gpa(slot));
        return -ENOMEM;
    }
    return 0;
}

/* Unmaps `count` pages from user address va: each one's grant back. */
static void unmap(struct mm *mm, uint32_t va, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint32_t gpa = mm_unmap_foreign(mm, va + i * PAGE_SIZE);
        if (gpa)
            platform_foreign_release(gpa);
    }
}

static int map_grants(uint32_t arg)
{
    struct mm *mm = &myproc()->mm;
    struct ioctl_gntdev_map_grant_ref m;
    struct ioctl_gntdev_grant_ref refs[GNTDEV_MAP_MAX];
    if (copyin(mm, &m, arg, sizeof m) < 0)
        return -EFAULT;
    if (m.count == 0 || m.count > GNTDEV_MAP_MAX || m.flags & ~GNTDEV_MAP_READONLY)
        return -EINVAL;
    uint32_t refs_at = arg + (uint32_t)(uintptr_t)&((struct ioctl_gntdev_map_grant_ref *)0)->refs;
    if (copyin(mm, refs, refs_at, m.count * sizeof refs[0]) < 0)
        return -EFAULT;
    int first = foreign_slots_take(m.count);
    if (first < 0)
        return -ENOSPC;
    int error = 0;
    uint32_t done = 0;
    for (; done < m.count && error == 0; done++) {
        error = map_one(mm, &refs[done], (uint32_t)first + done, m.flags & GNTDEV_MAP_READONLY);
        if (error)
            break;
    }
    m.index = foreign_slot_va((uint32_t)first);
    if (error == 0 && copyout(mm, arg, &m, sizeof m) < 0)
        error = -EFAULT;
    if (error) {                        /* all or nothing: what this call mapped goes again */
        unmap(mm, foreign_slot_va((uint32_t)first), done < m.count ? done : m.count);
        for (uint32_t i = done; i < m.count; i++)
            foreign_slot_free((uint32_t)first + i);
        return error;
    }
    sfence_vma();
    return 0;
}

static int unmap_grants(uint32_t arg)
{
    struct mm *mm = &myproc()->mm;
    struct ioctl_gntdev_unmap_grant_ref u;
    if (copyin(mm, &u, arg, sizeof u) < 0)
        return -EFAULT;
    if (u.index < USER_FOREIGN_BASE || u.index & (PAGE_SIZE - 1) || u.count == 0 || u.count > GNTDEV_MAP_MAX ||
        u.index - USER_FOREIGN_BASE + (uint64_t)u.count * PAGE_SIZE > USER_FOREIGN_SIZE)
        return -EINVAL;
    unmap(mm, (uint32_t)u.index, u.count);
    return 0;
}

static int gntdev_ioctl(struct file *f, uint32_t request, uint32_t arg)
{
    (void)f;
    switch (request) {
    case IOCTL_GNTDEV_MAP_GRANT_REF:
        return map_grants(arg);
    case IOCTL_GNTDEV_UNMAP_GRANT_REF:
        return unmap_grants(arg);
    default:
        return -ENOTTY;
    }
}

const struct device gntdev_device = { .name = "gntdev", .ioctl = gntdev_ioctl };

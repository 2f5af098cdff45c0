/*
 * privcmd.h: /dev/privcmd, the dom0 build's door from user space to the
 * hypervisor, in the shapes of Linux's (include/uapi/xen/privcmd.h): the
 * toolstack (xl, the management daemon) makes hypercalls through it and
 * maps other domains' frames into its own address space to build them.
 *
 *   fd = open("/dev/privcmd", O_RDWR);
 *   ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call)   -> the hypercall's result
 *   ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &map) -> 0, or a negative errno
 *   ioctl(fd, IOCTL_PRIVCMD_MUNMAP, &unmap)     -> 0, or a negative errno
 *
 * A hypercall's pointers (its argument and every handle inside it) are the
 * caller's own user addresses: the hypervisor reads and writes them through
 * the process's page table with the kernel's half taken away, so a pointer
 * into the kernel gives -EFAULT (Xen's errno, 14) and never the kernel's
 * memory. The caller's stack and heap are made present before the call (a
 * hypercall cannot take a page fault in the middle).
 *
 * MMAPBATCH_V2 maps `num` frames of domain `dom` (guest frame numbers
 * arr[i]) at consecutive pages of the foreign area (include/abi.h). HyperLab
 * has no mmap(), so the kernel picks the place: addr must be 0 on entry and
 * says where on return. err[i] is 0 or the negative Xen errno of frame i;
 * a frame that failed is left unmapped (touching it kills the process).
 * The call fails as a whole (-EINVAL, -ENOSPC when the area is full,
 * -EFAULT) only before anything is mapped. MUNMAP undoes it for `num`
 * pages from addr; a process's mappings go when it exits or execs. The
 * frames stay the other domain's: the kernel can never reach them itself,
 * so read() or write() with a buffer there gives -EFAULT.
 */
#ifndef HYPERLAB_PRIVCMD_H
#define HYPERLAB_PRIVCMD_H

#include <stdint.h>

#define PRIVCMD_DEVICE "/dev/privcmd"

/* _IOC(_IOC_NONE, 'P', nr, size), as Linux numbers them. */
#define PRIVCMD_IOC(nr, size) ((uint32_t)(size) << 16 | (uint32_t)'P' << 8 | (nr))

struct privcmd_hypercall {
    uint64_t op;                    /* the hypercall number (__HYPERVISOR_*) */
    uint64_t arg[5];                /* a0..a4; each must fit in 32 bits */
};
#define IOCTL_PRIVCMD_HYPERCALL PRIVCMD_IOC(0, sizeof(struct privcmd_hypercall))

struct privcmd_mmapbatch_v2 {
    uint32_t num;                   /* frames, 1 .. PRIVCMD_MMAPBATCH_MAX */
    uint16_t dom;                   /* whose frames */
    uint16_t pad;
    uint64_t addr;                  /* IN: 0; OUT: where they are mapped */
    uint32_t arr;                   /* user address of uint64_t gfns[num] */
    uint32_t err;                   /* user address of int32_t errs[num] */
};
#define IOCTL_PRIVCMD_MMAPBATCH_V2 PRIVCMD_IOC(4, sizeof(struct privcmd_mmapbatch_v2))
#define PRIVCMD_MMAPBATCH_MAX 1024

/* HyperLab's own (Linux uses munmap(2)). */
struct privcmd_munmap {
    uint64_t addr;                  /* what MMAPBATCH_V2 returned (or a page of it) */
    uint32_t num;                   /* pages */
    uint32_t pad;
};
#define IOCTL_PRIVCMD_MUNMAP PRIVCMD_IOC(0x40, sizeof(struct privcmd_munmap))

_Static_assert(sizeof(struct privcmd_hypercall) == 48, "privcmd_hypercall: Linux's layout");
_Static_assert(sizeof(struct privcmd_mmapbatch_v2) == 24, "privcmd_mmapbatch_v2: its layout is the ABI");

#endif

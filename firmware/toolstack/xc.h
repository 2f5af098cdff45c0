/*
 * xc.h: the toolstack's library in domain 0 (libxenctrl's and the domain
 * builder's shapes): the domctls, sysctls and memory calls a toolstack
 * makes, wrapped one function each, and xc_domain_build, which puts a
 * kernel and its device tree into a new domain's memory as libxl does on
 * Arm. It runs wherever domain 0's toolstack runs; the place gives it two
 * things (defined by the program that links it):
 *
 *   xc_hypercall        makes a hypercall (a test guest: its own ecall;
 *                       domain 0's user space: /dev/privcmd)
 *   xc_map_foreign /    maps frames of another domain's RAM where this
 *   xc_unmap_foreign    code can read and write them (memory_op
 *                       add_to_physmap_batch / remove_from_physmap)
 *
 * Every function returns 0 (or a count, or an id) or a negative Xen errno.
 */
#ifndef HYPERLAB_XC_H
#define HYPERLAB_XC_H

#include <stdint.h>
#include "hypercall.h"

long xc_hypercall(uint32_t number, uint32_t a0, uint32_t a1, uint32_t a2);
/* Maps `count` frames of domain `dom` (guest frame numbers gfns[i]) contiguously; errs[i] per frame. 0 if any failed. */
void *xc_map_foreign(domid_t dom, const xen_ulong_t *gfns, uint32_t count, int32_t *errs);
/* Unmaps what xc_map_foreign mapped at `address` (`count` frames). 0, or the first error. */
long xc_unmap_foreign(void *address, uint32_t count);

#define XC_PAGE_SIZE 4096u

long xc_domctl(struct xen_domctl *op);
long xc_sysctl(struct xen_sysctl *op);

/* createdomain: *domid is the id wanted, or DOMID_ANY; it gets the id. */
long xc_domain_create(domid_t *domid, const xen_domain_handle_t handle, uint32_t max_vcpus);
long xc_domain_max_mem(domid_t domid, uint64_t max_kib);
long xc_domain_pause(domid_t domid);
long xc_domain_unpause(domid_t domid);
long xc_domain_destroy(domid_t domid);
long xc_domain_getinfo(domid_t domid, struct xen_domctl_getdomaininfo *info);
/* How long ago domain domid was built, and the hypervisor's time since power-on (HyperLab's XEN_DOMCTL_hyperlab_name; Xen's xl reads xenstore). */
long xc_domain_uptime_ns(domid_t domid, uint64_t *uptime_ns, uint64_t *now_ns);
/* populate_physmap of `count` frames from gfn `first` on, for domid: how many it got. */
long xc_domain_populate(domid_t domid, xen_ulong_t first, uint32_t count);
long xc_vcpu_setcontext(domid_t domid, uint32_t vcpu, const struct vcpu_guest_context *context);
long xc_vcpu_getinfo(domid_t domid, uint32_t vcpu, struct xen_domctl_getvcpuinfo *info);
/* set (set != 0) or get a vCPU's hard affinity, a mask of pCPUs (bit n: pCPU n). */
long xc_vcpu_affinity(domid_t domid, uint32_t vcpu, uint32_t *hard, int set);
long xc_physinfo(struct xen_sysctl_physinfo *info);
/* getdomaininfolist from domain 0 on, up to max entries: how many, or an errno. */
long xc_domain_list(struct xen_domctl_getdomaininfo *infos, uint32_t max);

/* alloc_unbound: a port of domain dom that remote_dom may bind to; the port, or an errno. */
long xc_evtchn_alloc_unbound(domid_t dom, domid_t remote_dom);
long xc_hvm_param_set(domid_t domid, uint32_t index, uint64_t value);
/* XEN_DOMCTL_vuart_op INIT: domid's vUART onto the console ring at its frame gfn, served by domain 0; the ring's port, or an errno. */
long xc_vuart_init(domid_t domid, uint32_t gfn);

/*
 * A domain's special frames, as Xen's HVM builder keeps them: frames
 * just above the RAM its device tree describes, so that an unmodified
 * kernel never uses them, counted in its maximum beside that RAM (as
 * libxl adds its own pages to a domain's). Frame XC_MAGIC_STORE (from the
 * top) is its xenstore ring (HVM_PARAM_STORE_PFN), XC_MAGIC_CONSOLE its
 * console ring (HVM_PARAM_CONSOLE_PFN).
 */
#define XC_MAGIC_PAGES   2
#define XC_MAGIC_KIB     (XC_MAGIC_PAGES * 4)
#define XC_MAGIC_STORE   0
#define XC_MAGIC_CONSOLE 1

/* What xc_domain_build makes of a domain: the board it sees and its kernel. */
struct xc_build {
    domid_t domid;                  /* created (xc_domain_create) with `vcpus` vCPUs, paused */
    uint32_t memory_kib;            /* its RAM, a multiple of 4 */
    int vcpus;
    const uint8_t *kernel;          /* an ELF32 RISC-V executable or a RISC-V Image, in this domain's memory */
    uint32_t kernel_size;
    const char *bootargs;           /* /chosen bootargs, or 0 */
    const char *isa;                /* each vCPU's riscv,isa (domain 0's own, from its tree) */
    uint32_t timebase_hz;
    /* out */
    uint32_t entry, dtb_gpa;
    uint32_t store_gfn;             /* its xenstore ring's frame (zeroed), for the caller to introduce */
    uint32_t console_gfn;           /* its console ring's frame (zeroed), for xc_vuart_init */
};

/*
 * Builds domain b->domid: max_mem, its RAM and special frames populated,
 * the kernel loaded, its device tree (the board of firmware/lib/fdt_write.h)
 * at the top of its RAM, 2 MiB-aligned as
 * QEMU puts one, and vCPU 0 set to start at the
 * entry with a0 = 0 and a1 = the tree. It stays paused: unpausing it is
 * the caller's last step. 0, or an errno with *error saying what failed.
 */
long xc_domain_build(struct xc_build *b, const char **error);

#endif

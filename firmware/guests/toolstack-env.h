/*
 * toolstack-env.h: the toolstack library's place in a test guest that is
 * domain 0 (toolstack-env.c), and what its checks use of it.
 */
#ifndef GUEST_TOOLSTACK_ENV_H
#define GUEST_TOOLSTACK_ENV_H

#include <stdint.h>
#include "hypercall.h"
#include "fdt_write.h"
#include "xl.h"

#define MAP_BASE     (GUEST_XEN_BASE + 0x800000u)   /* window frames for foreign mappings */
#define MAP_SLOTS    2048
#define MAP_MAX      128                            /* frames in one xc_map_foreign */

extern char guest_vcpu_isa[64];                     /* what xl_vcpu_isa gives: the program sets it */

/* add_to_physmap_batch of foreign frames at window frames gpfns; remove_from_physmap of one. */
long guest_map_batch(domid_t dom, const xen_ulong_t *gfns, const uint64_t *gpfns, uint32_t count, int32_t *errs);
long guest_unmap_gpfn(uint64_t gpfn);
void guest_name_domain(domid_t domid, const char *name);

#endif

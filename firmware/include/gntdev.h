/*
 * gntdev.h: /dev/gntdev, other domains' grants mapped into a program of
 * domain 0's, in the shapes of Linux's /dev/xen/gntdev
 * (include/uapi/xen/gntdev.h): the back end of a split driver maps the
 * page its front end granted it (the grant reference it found in
 * xenstore), as xl console maps a ring.
 *
 *   fd = open("/dev/gntdev", O_RDWR);
 *   ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map)     -> 0, or a negative errno
 *   ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap) -> 0, or a negative errno
 *
 * Linux maps the grants at the next mmap() of the offset `index` names;
 * HyperLab has no mmap(), so MAP_GRANT_REF maps them at once, at
 * consecutive pages of the foreign area (include/abi.h), and `index`
 * says where. `flags` (Linux's pad) asks for a read-only mapping, which a
 * grant with GTF_readonly needs. A grant that cannot be mapped fails the
 * call with nothing left mapped: -EPERM where the entry does not let
 * domain 0 (not granted to it, or read-only and a read-write mapping
 * asked), -EINVAL for a reference past the table or a domain that is not
 * there. The mappings go at UNMAP_GRANT_REF, or
 * when the process exits; until then the granter cannot take its grant
 * back (the hypervisor holds it in use).
 */
#ifndef HYPERLAB_GNTDEV_H
#define HYPERLAB_GNTDEV_H

#include <stdint.h>

#define GNTDEV_DEVICE "/dev/gntdev"
#define GNTDEV_MAP_MAX 16                   /* grants one call maps */
#define GNTDEV_MAP_READONLY 1u              /* flags: map for reading only */

#define GNTDEV_IOC(nr, size) ((uint32_t)(size) << 16 | (uint32_t)'G' << 8 | (nr))

struct ioctl_gntdev_grant_ref {
    uint32_t domid;                         /* the granter */
    uint32_t ref;                           /* its grant reference */
};

struct ioctl_gntdev_map_grant_ref {
    uint32_t count;                         /* IN: grants in refs[] (1..GNTDEV_MAP_MAX) */
    uint32_t flags;                         /* IN: GNTDEV_MAP_READONLY or 0 */
    uint64_t index;                         /* OUT: the user address of the first page */
    struct ioctl_gntdev_grant_ref refs[1];  /* IN: `count` of them */
};
#define IOCTL_GNTDEV_MAP_GRANT_REF GNTDEV_IOC(0, sizeof(struct ioctl_gntdev_map_grant_ref))

struct ioctl_gntdev_unmap_grant_ref {
    uint64_t index;                         /* IN: what MAP_GRANT_REF said */
    uint32_t count;                         /* IN: as mapped */
    uint32_t pad;
};
#define IOCTL_GNTDEV_UNMAP_GRANT_REF GNTDEV_IOC(1, sizeof(struct ioctl_gntdev_unmap_grant_ref))

_Static_assert(sizeof(struct ioctl_gntdev_map_grant_ref) == 24, "ioctl_gntdev_map_grant_ref as Linux's");
_Static_assert(sizeof(struct ioctl_gntdev_unmap_grant_ref) == 16, "ioctl_gntdev_unmap_grant_ref as Linux's");

#endif

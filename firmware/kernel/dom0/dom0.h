/*
 * dom0.h: what the dom0 build's own files (kernel/dom0/) share.
 */
#ifndef KERNEL_DOM0_H
#define KERNEL_DOM0_H

#include <stdint.h>

struct device;

/* privcmd.c: a hypercall of the kernel's own (its pointers are kernel addresses). */
long dom0_hypercall(uint32_t number, uint32_t a0, uint32_t a1, uint32_t a2);

/* evtchn.c: /dev/evtchn, its shared_info mapped at guest-physical `window` (a free frame of the hypervisor's window). */
void evtchn_init(uint32_t window);
extern const struct device evtchn_device;

/* mgmtport.c: /dev/mgmt, the management port, if the hypervisor gave this domain one. */
void mgmtport_init(void);
extern const struct device mgmtport_device;

/* xenbus.c: /dev/xenbus (xenstore's clients) and /dev/xenbus_backend (xenstored). */
void xenbus_init(void);
extern const struct device xenbus_device, xenbus_backend_device;

/* privcmd.c: pages of the foreign area (include/abi.h), each with its frame of the window. */
int foreign_slots_take(uint32_t count);         /* the first of `count` free in a row, or -1 */
uint32_t foreign_slot_va(uint32_t slot);
uint32_t foreign_slot_gpa(uint32_t slot);
void foreign_slot_free(uint32_t slot);
void foreign_slot_grant(uint32_t slot, uint32_t handle);   /* a grant is mapped there: unmapped by its handle */

/* gntdev.c: /dev/gntdev (include/gntdev.h). */
extern const struct device gntdev_device;

#endif

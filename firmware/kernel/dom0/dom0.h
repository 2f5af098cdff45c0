/*
 * dom0.h: what the dom0 build's own files (kernel/dom0/) share.
 */
#ifndef KERNEL_DOM0_H
#define KERNEL_DOM0_H

struct device;

/* mgmtport.c: /dev/mgmt, the management port, if the hypervisor gave this domain one. */
void mgmtport_init(void);
extern const struct device mgmtport_device;

#endif

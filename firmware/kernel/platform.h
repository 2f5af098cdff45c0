/*
 * platform.h: what the kernel's builds do differently, behind one narrow
 * interface. The native kernel (platform-native.c) runs on a machine, or
 * unmodified in an HVM domain; its dom0 build (dom0/, -DKERNEL_DOM0) is
 * the control domain: it has /dev/privcmd for the toolstack and /dev/mgmt,
 * the management port, for the management daemon, and /dev/evtchn. Everything
 * else is the same source.
 */
#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include <stdint.h>

struct file;

/* A device file, /dev/<name>. Each operation may be 0: open and close then always do, the others give an error. */
struct device {
    const char *name;
    int (*open)(struct file *f);                        /* 0, or a negative errno refusing it */
    void (*close)(struct file *f);                      /* the last descriptor of an open went */
    int (*read)(struct file *f, uint32_t address, int n);
    int (*write)(struct file *f, uint32_t address, int n);
    int (*ioctl)(struct file *f, uint32_t request, uint32_t arg);
};

/* A device's own word for one open file (file.c): 0 until the device's open sets it. */
void **file_private(struct file *f);

/* After paging is on and before the first process: the platform's own set-up. */
void platform_init(void);

/* A supervisor software interrupt came (after the kernel cleared it): the dom0 build's event upcall. */
void platform_soft_interrupt(void);


/* The device called `name` (what follows "dev/"), or 0. */
const struct device *platform_device(const char *name);

/*
 * A process's address space lets go of a foreign page (vm.c, at exit, exec
 * or MUNMAP): the frame of another domain mapped at guest-physical `gpa`.
 */
void platform_foreign_release(uint32_t gpa);

#endif

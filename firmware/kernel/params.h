/*
 * params.h: the kernel's limits, in one place.
 */
#ifndef KERNEL_PARAMS_H
#define KERNEL_PARAMS_H

#define NCPU            16      /* harts the kernel runs on (HyperLab allows 16) */
#define NPROC           64      /* process slots; fork gives -EAGAIN beyond */
#define NOFILE          16      /* open files per process */
#define NFILE           128     /* open files in the whole system */
#define NRAMFILE        64      /* files the initramfs may hold */
#define NUART           8       /* UARTs recorded from the device tree */
#define NIRQ            96      /* PLIC interrupt sources handled (QEMU virt has 96) */
#define KSTACK_SIZE     8192    /* kernel stack of each process, trap frame on top */
#define CPU_STACK_SIZE  4096    /* each hart's own stack: boot, then its scheduler */
#define TICK_HZ         100     /* timer interrupts per second on each hart */
#define KLOG_SIZE       16384   /* bytes of kernel log kept */
#define CONSOLE_INPUT   1024    /* bytes typed but not yet read */
#define IO_CHUNK        256     /* bytes copied per step between user and a device */
#define HART_START_WAIT_MS 200  /* how long boot waits for a secondary hart to come up */

#define KERNEL_VERSION  "0.1"
#ifdef KERNEL_DOM0
#define KERNEL_VARIANT  "dom0"
#else
#define KERNEL_VARIANT  "native"
#endif

#endif

/*
 * hypercall.h: the HyperLab hypervisor's hypercall ABI, Xen's hypercalls
 * on RISC-V. Shared by the hypervisor (firmware/hv/hypercall.c) and the
 * programs that call it.
 *
 * A hypercall is an SBI call (ecall from VS-mode) to one extension of the
 * SBI experimental range, HYPERCALL_EID ("XEN" in its low three bytes):
 *
 *   a7 = HYPERCALL_EID
 *   a6 = the hypercall's number, as Xen numbers them (__HYPERVISOR_*)
 *   a0..a5 = its arguments, Xen's in Xen's order
 *   a0 = the result on return: 0 or a value, or a negative errno (Xen's,
 *        which are Linux's: -EPERM, -EFAULT, ...); a1 = 0
 *
 * Xen itself defines no RISC-V hypercall ABI; Arm's (HVC #0xEA1, the number
 * in x16, arguments in x0..x4, result in x0) and Bao's (an SBI call in the
 * experimental range) are the precedents.
 *
 * xen_ulong_t is 32 bits here (riscv32). A pointer argument (a "guest
 * handle") is a guest virtual address, as on Xen: the hypervisor reads and
 * writes it through the caller's own translation (its VS-stage and G-stage,
 * with HLV/HSV), and a buffer it cannot reach there fails with -EFAULT and
 * touches nothing else. Every other argument is checked the same way: a
 * bad one is -EINVAL, an unknown operation -ENOSYS, and a DomU calling
 * what is Dom0's alone (domctl, sysctl) gets -EPERM.
 */
#ifndef HYPERCALL_H
#define HYPERCALL_H

#include <stdint.h>

#define HYPERCALL_EID               0x0858454eu

/* Hypercall numbers (Xen's public/xen.h). */
#define __HYPERVISOR_memory_op      12
#define __HYPERVISOR_xen_version    17
#define __HYPERVISOR_console_io     18
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vcpu_op        24
#define __HYPERVISOR_sched_op       29
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_hvm_op         34
#define __HYPERVISOR_sysctl         35
#define __HYPERVISOR_domctl         36
#define HYPERCALL_COUNT             64  /* numbers 0..63: Xen's, with arch_0..7 at 48..55 */

/* Errors: negative errno values, as Xen returns them. */
#define XEN_EPERM                   1
#define XEN_ENOENT                  2
#define XEN_ESRCH                   3
#define XEN_EFAULT                  14
#define XEN_EBUSY                   16
#define XEN_EINVAL                  22
#define XEN_ENOSYS                  38

typedef uint32_t xen_ulong_t;
typedef uint16_t domid_t;

#define DOMID_SELF                  0x7ff0u

/* ---- xen_version(cmd, arg) (public/version.h) ---- */

#define XENVER_version              0   /* returns major << 16 | minor; arg unused */
#define XENVER_extraversion         1   /* arg: xen_extraversion_t */
#define XENVER_compile_info         2   /* arg: struct xen_compile_info */
#define XENVER_capabilities         3   /* arg: xen_capabilities_info_t */
#define XENVER_changeset            4   /* arg: xen_changeset_info_t */
#define XENVER_get_features         6   /* arg: struct xen_feature_info */
#define XENVER_pagesize             7   /* returns the page size; arg unused */
#define XENVER_guest_handle         8   /* arg: xen_domain_handle_t */

typedef char xen_extraversion_t[16];
typedef char xen_capabilities_info_t[1024];
typedef char xen_changeset_info_t[64];
typedef uint8_t xen_domain_handle_t[16];

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};

struct xen_feature_info {
    uint32_t submap_idx;            /* IN: which 32 features */
    uint32_t submap;                /* OUT: a bit each */
};

/* ---- console_io(cmd, count, buffer) (public/xen.h) ---- */

#define CONSOLEIO_write             0   /* writes count bytes of buffer to the caller's console */
#define CONSOLEIO_read              1   /* reads up to count bytes typed at it; returns how many */
#define CONSOLEIO_MAX               1024  /* bytes one call moves at most (a longer write: a partial one) */

/* ---- sched_op(cmd, arg) (public/sched.h) ---- */

#define SCHEDOP_yield               0   /* arg unused */
#define SCHEDOP_block               1   /* waits for an interrupt (an event), as WFI; arg unused */
#define SCHEDOP_shutdown            2   /* arg: struct sched_shutdown */
#define SCHEDOP_poll                3   /* arg: struct sched_poll (with event channels) */

struct sched_shutdown {
    uint32_t reason;                /* SHUTDOWN_* */
};

#define SHUTDOWN_poweroff           0
#define SHUTDOWN_reboot             1
#define SHUTDOWN_suspend            2
#define SHUTDOWN_crash              3
#define SHUTDOWN_watchdog           4

/* ---- vcpu_op(cmd, vcpuid, arg) (public/vcpu.h) ---- */

#define VCPUOP_initialise           0
#define VCPUOP_up                   1
#define VCPUOP_down                 2
#define VCPUOP_is_up                3   /* returns 1 if the caller's vCPU vcpuid runs, 0 if not */

#endif

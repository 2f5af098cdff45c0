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
 *
 * The structs are Xen's, field for field (with xen_ulong_t and guest
 * handles as above), so that what a toolstack here fills in reads as
 * Xen's own tools would.
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
#define XEN_EACCES                  13
#define XEN_EFAULT                  14
#define XEN_EBUSY                   16
#define XEN_EINVAL                  22
#define XEN_ENOSYS                  38

typedef uint32_t xen_ulong_t;
typedef uint16_t domid_t;
typedef uint64_t uint64_aligned_t __attribute__((aligned(8)));

/* A guest pointer inside a struct: 8 bytes even on riscv32 (arch-riscv.h); the address in the low word. */
typedef struct {
    uint64_aligned_t p;
} xen_guest_handle_64_t;

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
#define SCHEDOP_remote_shutdown     4   /* Dom0's alone; arg: struct sched_remote_shutdown */

struct sched_shutdown {
    uint32_t reason;                /* SHUTDOWN_* */
};

struct sched_remote_shutdown {
    domid_t domain_id;              /* another domain */
    uint32_t reason;                /* SHUTDOWN_*, as for SCHEDOP_shutdown */
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

/* ---- hvm_op(cmd, struct xen_hvm_param *) (public/hvm/hvm_op.h, params.h) ---- */

/*
 * A domain's parameters: where its xenstore and console rings are, and
 * their event channels. The toolstack (domain 0) sets them for a DomU (a
 * domain may not set its own: -EPERM); the domain, and domain 0, read them.
 * Another DomU's are -EPERM; any other index -EINVAL.
 */
#define HVMOP_set_param             0
#define HVMOP_get_param             1

#define HVM_PARAM_CALLBACK_IRQ      0
#define HVM_PARAM_STORE_PFN         1
#define HVM_PARAM_STORE_EVTCHN      2
#define HVM_PARAM_CONSOLE_PFN       17
#define HVM_PARAM_CONSOLE_EVTCHN    18
#define HVM_NR_PARAMS               39

struct xen_hvm_param {
    domid_t domid;                  /* IN: a domain, or DOMID_SELF */
    uint16_t pad;
    uint32_t index;                 /* IN: HVM_PARAM_* */
    uint64_t value;                 /* IN (set) or OUT (get) */
};

/* ---- domctl(struct xen_domctl *) and sysctl(struct xen_sysctl *): Dom0's alone ---- */

/*
 * The toolstack's calls (public/domctl.h, public/sysctl.h of Xen 4.22):
 * one struct, whose interface_version must be the one here (else
 * -EACCES), copied in, acted on, and copied back. Here so far: domctl
 * destroydomain, pausedomain, unpausedomain, getdomaininfo, getvcpuinfo,
 * scheduler_op (credit weight and cap); sysctl readconsole (the
 * hypervisor's log, `xl dmesg`),
 * physinfo, sched_id, getdomaininfolist. The other commands answer -ENOSYS.
 */
#define XEN_DOMCTL_INTERFACE_VERSION 0x00000018
#define XEN_SYSCTL_INTERFACE_VERSION 0x00000016

#define XEN_DOMCTL_destroydomain    2   /* a domain other than the caller, running or kept after a crash */
#define XEN_DOMCTL_pausedomain      3   /* its vCPUs stop being run (-EINVAL for the caller itself) */
#define XEN_DOMCTL_unpausedomain    4   /* undoes one pause (-EINVAL if it is not paused) */
#define XEN_DOMCTL_getdomaininfo    5
#define XEN_DOMCTL_getvcpuinfo      14
#define XEN_DOMCTL_scheduler_op     16

#define XEN_DOMINF_dying            (1u << 0)
#define XEN_DOMINF_hvm_guest        (1u << 1)
#define XEN_DOMINF_shutdown         (1u << 2)   /* shut down (here: crashed and kept); the code in bits 16..23 */
#define XEN_DOMINF_paused           (1u << 3)
#define XEN_DOMINF_blocked          (1u << 4)   /* every online vCPU waits for an event */
#define XEN_DOMINF_running          (1u << 5)   /* a vCPU is on a pCPU */
#define XEN_DOMINF_hap              (1u << 8)
#define XEN_DOMINF_shutdownshift    16
#define XEN_INVALID_MAX_VCPU_ID     (~0u)

struct xen_arch_domainconfig {
    uint8_t gaddr_bits;             /* 34: Sv32x4 */
};

struct xen_domctl_getdomaininfo {
    domid_t domain;
    uint16_t pad1;
    uint32_t flags;                 /* XEN_DOMINF_* */
    uint64_aligned_t tot_pages;
    uint64_aligned_t max_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t shr_pages;
    uint64_aligned_t paged_pages;
    uint64_aligned_t shared_info_frame;
    uint64_aligned_t cpu_time;      /* ns its vCPUs ran */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t gpaddr_bits;
    uint8_t pad2[7];
    struct xen_arch_domainconfig arch_config;
};

struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                  /* IN */
    uint8_t online;                 /* OUT: started (SBI HSM) */
    uint8_t blocked;                /* OUT: waits for an interrupt */
    uint8_t running;                /* OUT: on a pCPU now */
    uint64_aligned_t cpu_time;      /* OUT: ns it ran */
    uint32_t cpu;                   /* OUT: the pCPU it runs or last ran on */
};

#define XEN_SCHEDULER_CREDIT        5

#define XEN_DOMCTL_SCHEDOP_putinfo  0
#define XEN_DOMCTL_SCHEDOP_getinfo  1

struct xen_domctl_sched_credit {
    uint16_t weight;                /* putinfo: 0 leaves it */
    uint16_t cap;                   /* % of one pCPU, 0 for none; putinfo: 0xffff leaves it */
};

struct xen_domctl_scheduler_op {
    uint32_t sched_id;              /* XEN_SCHEDULER_CREDIT, else -EINVAL */
    uint32_t cmd;                   /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        struct {
            xen_guest_handle_64_t vcpus;
            uint32_t nr_vcpus;
            uint32_t padding;
        } v;
    } u;
};

struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version;     /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_scheduler_op scheduler_op;
        uint8_t pad[128];
    } u;
};

#define XEN_SYSCTL_readconsole      1
#define XEN_SYSCTL_physinfo         3
#define XEN_SYSCTL_sched_id         4
#define XEN_SYSCTL_getdomaininfolist 6

#define XEN_SYSCTL_PHYSCAP_hvm      (1u << 0)
#define XEN_SYSCTL_PHYSCAP_hap      (1u << 3)

struct xen_sysctl_readconsole {
    uint8_t clear;                  /* IN: forget what is read */
    uint8_t incremental;            /* IN: start at index (if still kept), not at the oldest */
    uint8_t pad0, pad1;
    uint32_t index;                 /* IN: where to start; OUT: where the next read goes on */
    xen_guest_handle_64_t buffer;   /* IN: char[count] */
    uint32_t count;                 /* IN: room in buffer; OUT: bytes written */
};

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;               /* pCPUs online */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;               /* here, as on Arm: the timebase */
    uint32_t capabilities;          /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_aligned_t total_pages;   /* 4 KiB frames the hypervisor manages */
    uint64_aligned_t free_pages;
    uint64_aligned_t scrub_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t max_mfn;
    uint32_t hw_cap[8];
};

struct xen_sysctl_sched_id {
    uint32_t sched_id;              /* XEN_SCHEDULER_* */
};

struct xen_sysctl_getdomaininfolist {
    domid_t first_domain;           /* IN: the lowest id to list */
    uint32_t max_domains;           /* IN: entries buffer has room for */
    xen_guest_handle_64_t buffer;   /* IN: struct xen_domctl_getdomaininfo[max_domains] */
    uint32_t num_domains;           /* OUT: entries written */
};

struct xen_sysctl {
    uint32_t cmd;
    uint32_t interface_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        uint8_t pad[128];
    } u;
};

_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param as Xen's");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 112, "getdomaininfo as Xen's");
_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl as Xen's");
_Static_assert(sizeof(struct xen_domctl_getvcpuinfo) == 24, "getvcpuinfo as Xen's");
_Static_assert(sizeof(struct xen_domctl_scheduler_op) == 24, "scheduler_op as Xen's");
_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl as Xen's");
_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112, "physinfo as Xen's");

#endif

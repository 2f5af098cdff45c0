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
#define XEN_EEXIST                  17
#define XEN_ENOMEM                  12
#define XEN_EINVAL                  22
#define XEN_ENOSPC                  28
#define XEN_ENOSYS                  38
#define XEN_ETIME                   62

typedef uint32_t xen_ulong_t;
typedef uint16_t domid_t;
typedef uint64_t uint64_aligned_t __attribute__((aligned(8)));

/* A guest pointer inside a struct: 8 bytes even on riscv32 (arch-riscv.h); the address in the low word. */
typedef struct {
    uint64_aligned_t p;
} xen_guest_handle_64_t;

#define DOMID_SELF                  0x7ff0u
#define DOMID_INVALID               0x7ff4u
#define DOMID_ANY                   0x7ff5u   /* createdomain: the hypervisor picks the id */
#define DOMID_FIRST_RESERVED        0x7ff0u

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
#define SCHEDOP_poll                3   /* arg: struct sched_poll: waits for one of a few ports */
#define SCHEDOP_remote_shutdown     4   /* Dom0's alone; arg: struct sched_remote_shutdown */

struct sched_shutdown {
    uint32_t reason;                /* SHUTDOWN_* */
};

struct sched_remote_shutdown {
    domid_t domain_id;              /* another domain */
    uint32_t reason;                /* SHUTDOWN_*, as for SCHEDOP_shutdown */
};

/*
 * Waits until one of nr_ports ports (at most SCHED_POLL_MAX) is pending,
 * or until the system time `timeout` (ns; 0 for none) passes, or until an
 * event upcall would be taken; returns 0 in each case. Used on masked
 * ports, whose events raise no upcall.
 */
struct sched_poll {
    xen_guest_handle_64_t ports;    /* IN: evtchn_port_t[nr_ports] */
    uint32_t nr_ports;
    uint64_aligned_t timeout;
};
#define SCHED_POLL_MAX              8

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
#define VCPUOP_set_singleshot_timer 8   /* the caller's own vCPU; arg: struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer 9  /* the caller's own vCPU; arg unused */
#define VCPUOP_register_vcpu_info   10  /* arg: struct vcpu_register_vcpu_info */

/*
 * up and down: a vCPU that is down keeps its state but is not run (Xen's
 * VPF_down) until it is up again, where it left off. A vCPU that never
 * started is started with SBI HSM hart_start (an HVM guest's way), and
 * VCPUOP_up of it is -EINVAL.
 */

/* VIRQ_TIMER (on the vCPU that set it) at the system time timeout_abs_ns. */
struct vcpu_set_singleshot_timer {
    uint64_aligned_t timeout_abs_ns;
    uint32_t flags;                 /* VCPU_SSHOTTMR_future: -ETIME if that time has passed */
};
#define VCPU_SSHOTTMR_future        (1u << 0)

/* Where a vCPU's vcpu_info is to be: a frame of the domain's RAM and an offset in it. */
struct vcpu_register_vcpu_info {
    uint64_aligned_t mfn;           /* the guest frame number (gpa >> 12) */
    uint32_t offset;                /* the struct may not cross the frame's end */
    uint32_t rsvd;
};

/* ---- memory_op(cmd, arg) (public/memory.h) ---- */

#define XENMEM_decrease_reservation 1   /* arg: struct xen_memory_reservation; returns extents done */
#define XENMEM_populate_physmap     6   /* arg: struct xen_memory_reservation; returns extents done */
#define XENMEM_current_reservation  3   /* arg: domid_t *; returns its pages */
#define XENMEM_maximum_reservation  4   /* arg: domid_t *; returns the most pages it may have */
#define XENMEM_add_to_physmap       7   /* arg: struct xen_add_to_physmap */
#define XENMEM_remove_from_physmap  15  /* arg: struct xen_remove_from_physmap */
#define XENMEM_add_to_physmap_batch 23  /* arg: struct xen_add_to_physmap_batch */

/*
 * A domain gives frames of its RAM back (decrease_reservation: a balloon
 * driver) or has frames put back there (populate_physmap: zeroed), one
 * guest frame number per extent (extent_order 0 only, else -EINVAL), in
 * the RAM range its device tree's memory node gives, up to its maximum
 * reservation. The call returns how many extents it did before the first
 * it could not. Xen's continuation: after 64 extents the call is made
 * again by the guest's own ecall with the count done so far in cmd's bits
 * above MEMOP_EXTENT_SHIFT.
 */
#define MEMOP_EXTENT_SHIFT          6
#define MEMOP_CMD_MASK              ((1u << MEMOP_EXTENT_SHIFT) - 1)

struct xen_memory_reservation {
    xen_guest_handle_64_t extent_start;     /* xen_pfn_t[nr_extents]: guest frame numbers */
    xen_ulong_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;             /* unused */
    domid_t domid;                  /* DOMID_SELF (domain 0: any) */
};

#define XENMAPSPACE_shared_info     0   /* idx 0: the domain's shared_info frame */
#define XENMAPSPACE_grant_table     1   /* idx N: frame N of its grant table */
#define XENMAPSPACE_gmfn_foreign    4   /* idx: a guest frame of foreign_domid (batch only; domain 0 alone) */

/*
 * Maps one of the hypervisor's frames for the domain at guest frame gpfn.
 * Here gpfn must be in the hypervisor's window (GUEST_XEN_BASE, the reg
 * of the device tree's "xen,xen" node), outside the domain's RAM, as Xen
 * on Arm's guests use the grant-table region it advertises; -EINVAL
 * otherwise. Mapping a frame again moves it.
 */
struct xen_add_to_physmap {
    domid_t domid;                  /* DOMID_SELF (or, for domain 0, any domain) */
    uint16_t size;                  /* unused (XENMAPSPACE_gmfn_range) */
    uint32_t space;                 /* XENMAPSPACE_* */
    xen_ulong_t idx;
    xen_ulong_t gpfn;
};

/*
 * Domain 0's foreign mappings (what Linux's privcmd does for the domain
 * builder, `xl console`'s ring and the back ends): add_to_physmap_batch
 * with XENMAPSPACE_gmfn_foreign maps frame idxs[i] of domain
 * foreign_domid's RAM at gpfns[i] of domain 0's window (GUEST_XEN_BASE
 * up), read-write, never executable; errs[i] gets 0 or the entry's error
 * (-EINVAL outside the window or the other's RAM, -EBUSY where something
 * is mapped already, -ESRCH for a domain that is not there), and the call
 * returns 0 unless the struct itself is bad. The frame stays the other
 * domain's, and stays allocated while mapped even if that domain is
 * destroyed; remove_from_physmap of the gpfn gives the mapping back (only
 * a foreign mapping: -EINVAL for anything else). Batches of more than 64
 * are restarted as continuations (MEMOP_EXTENT_SHIFT) like reservations.
 */
struct xen_add_to_physmap_batch {
    domid_t domid;                  /* DOMID_SELF: domain 0 itself */
    uint16_t space;                 /* XENMAPSPACE_gmfn_foreign */
    uint16_t size;                  /* entries in idxs, gpfns and errs */
    domid_t foreign_domid;
    xen_guest_handle_64_t idxs;     /* IN: xen_ulong_t[size], the other domain's guest frames */
    xen_guest_handle_64_t gpfns;    /* IN: uint64_t[size], where each goes in the window */
    xen_guest_handle_64_t errs;     /* OUT: int32_t[size] */
};

struct xen_remove_from_physmap {
    domid_t domid;                  /* DOMID_SELF */
    uint16_t pad;
    uint32_t pad1;
    uint64_aligned_t gpfn;
};

/* The hypervisor's window in every domain's guest-physical map (Xen on Arm's GUEST_GNTTAB_BASE). */
#define GUEST_XEN_BASE              0x38000000u
#define GUEST_XEN_SIZE              0x01000000u

/* ---- event_channel_op(cmd, arg) (public/event_channel.h) ---- */

/*
 * Event channels: ports 1..EVTCHN_PORTS-1 of each domain (port 0 is
 * never allocated), with Xen's two-level ABI: a port is pending when its
 * bit in shared_info.evtchn_pending is set. A 0-to-1 change on a port
 * not masked in evtchn_mask sets bit port/32 of the vCPU's
 * vcpu_info.evtchn_pending_sel and then evtchn_upcall_pending, and a
 * supervisor software interrupt (VSSIP) is raised for that vCPU: the
 * upcall (the "xen,xen" node's interrupt). The guest clears sip.SSIP and
 * evtchn_upcall_pending before it scans the selector and the words, and
 * clears a port's pending bit before it handles it. An event on a masked
 * port stays pending without an upcall (EVTCHNOP_unmask delivers it).
 */
#define EVTCHN_PORTS                1024    /* 32 selector bits x 32-bit words */

typedef uint32_t evtchn_port_t;

#define EVTCHNOP_bind_interdomain   0
#define EVTCHNOP_bind_virq          1
#define EVTCHNOP_close              3
#define EVTCHNOP_send               4
#define EVTCHNOP_status             5
#define EVTCHNOP_alloc_unbound      6
#define EVTCHNOP_bind_ipi           7
#define EVTCHNOP_bind_vcpu          8
#define EVTCHNOP_unmask             9

/* A port of `dom` (DOMID_SELF; domain 0 may name any) that remote_dom may bind to. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;        /* IN */
    evtchn_port_t port;             /* OUT */
};

/* Connects a new local port to remote_port of remote_dom, unbound for the caller; the local port starts pending. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;             /* IN */
    evtchn_port_t remote_port;      /* IN */
    evtchn_port_t local_port;       /* OUT */
};

/* A port for VIRQ virq on vCPU vcpu (VIRQ_CONSOLE and VIRQ_DOM_EXC: vCPU 0, domain 0's only). */
struct evtchn_bind_virq {
    uint32_t virq;                  /* IN: VIRQ_* */
    uint32_t vcpu;                  /* IN */
    evtchn_port_t port;             /* OUT */
};

/* A port whose sends notify the caller's own vCPU vcpu. */
struct evtchn_bind_ipi {
    uint32_t vcpu;                  /* IN */
    evtchn_port_t port;             /* OUT */
};

struct evtchn_close {
    evtchn_port_t port;             /* IN */
};

/* Notifies the other end: the peer of an interdomain port, or the vCPU of an IPI port. */
struct evtchn_send {
    evtchn_port_t port;             /* IN */
};

#define EVTCHNSTAT_closed           0
#define EVTCHNSTAT_unbound          1
#define EVTCHNSTAT_interdomain      2
#define EVTCHNSTAT_pirq             3
#define EVTCHNSTAT_virq             4
#define EVTCHNSTAT_ipi              5

struct evtchn_status {
    domid_t dom;                    /* IN: DOMID_SELF (domain 0: any) */
    evtchn_port_t port;             /* IN */
    uint32_t status;                /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;                  /* OUT: the vCPU it notifies */
    union {
        struct { domid_t dom; } unbound;
        struct { domid_t dom; evtchn_port_t port; } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};

/* Which vCPU an unbound or interdomain port notifies. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};

struct evtchn_unmask {
    evtchn_port_t port;
};

/* Virtual interrupts (public/xen.h): events the hypervisor raises. */
#define VIRQ_TIMER                  0   /* per vCPU: its singleshot timer fired */
#define VIRQ_CONSOLE                2   /* domain 0: bytes were typed at its console (console_io read) */
#define VIRQ_DOM_EXC                3   /* domain 0: a domain shut down, crashed or was destroyed */
#define NR_VIRQS                    24

/* The shared pages (public/xen.h): vcpu_time_info gives the system time (ns since the domain was built). */
struct vcpu_time_info {
    uint32_t version;               /* odd while the hypervisor updates it */
    uint32_t pad0;
    uint64_aligned_t tsc_timestamp; /* the time CSR (guest time) when system_time was taken */
    uint64_aligned_t system_time;   /* ns */
    uint32_t tsc_to_system_mul;     /* ns = ((time - tsc_timestamp) << tsc_shift) * mul >> 32 */
    int8_t tsc_shift;               /* negative: a right shift */
    uint8_t flags;
    uint8_t pad1[2];
};

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t pad0;                   /* evtchn_upcall_mask on x86 PV only */
    uint8_t pad1[2];
    xen_ulong_t evtchn_pending_sel; /* a bit per word of evtchn_pending with a port to look at */
    struct vcpu_time_info time;
};

#define XEN_LEGACY_MAX_VCPUS        1   /* vcpu_info in shared_info: vCPU 0's; the others register theirs */

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t wc_version;            /* the wall clock at the domain's system time 0 (none here: 0) */
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
};

/* ---- grant_table_op(cmd, uop, count) (public/grant_table.h), version 1 ---- */

/*
 * A domain grants another access to a frame of its RAM by filling in an
 * entry of its grant table: the grantee's id, the frame's guest frame
 * number, and last (after a write barrier) GTF_permit_access in flags.
 * The table's frames are the hypervisor's; the domain sizes it with
 * setup_table and maps its frames into the hypervisor's window with
 * add_to_physmap (XENMAPSPACE_grant_table, idx = frame). While a grant is
 * mapped or copied through, the hypervisor sets GTF_reading (and
 * GTF_writing, for a writable mapping) in its flags: the granter takes a
 * grant back only by changing flags from what it wrote to 0 with a
 * compare-and-swap, which fails while either is set.
 *
 * Each call takes `count` operations in an array at `uop` and writes back
 * each one's status (GNTST_*); the call returns 0, or a negative errno if
 * the array itself cannot be read or written.
 */
typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;
typedef uint64_t xen_pfn_t;

struct grant_entry_v1 {
    uint16_t flags;                 /* GTF_* */
    domid_t domid;                  /* who may use it */
    uint32_t frame;                 /* the granter's guest frame number */
};

#define GTF_invalid                 0
#define GTF_permit_access           1
#define GTF_type_mask               3
#define GTF_readonly                (1u << 2)   /* the grantee may only read */
#define GTF_reading                 (1u << 3)   /* set by the hypervisor: in use */
#define GTF_writing                 (1u << 4)   /* set by the hypervisor: in use for writing */

#define GRANT_ENTRIES_PER_FRAME     (4096 / sizeof(struct grant_entry_v1))
#define XENMAPIDX_grant_table_status 0x80000000u    /* v2's status frames: -EINVAL here */

#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_copy               5
#define GNTTABOP_query_size         6

#define GNTMAP_device_map           (1u << 0)
#define GNTMAP_host_map             (1u << 1)
#define GNTMAP_readonly             (1u << 2)
#define GNTMAP_application_map      (1u << 3)
#define GNTMAP_contains_pte         (1u << 4)

#define GNTST_okay                  0
#define GNTST_general_error         (-1)
#define GNTST_bad_domain            (-2)
#define GNTST_bad_gntref            (-3)
#define GNTST_bad_handle            (-4)
#define GNTST_bad_virt_addr         (-5)
#define GNTST_bad_dev_addr          (-6)
#define GNTST_no_device_space       (-7)
#define GNTST_permission_denied     (-8)
#define GNTST_bad_page              (-9)
#define GNTST_bad_copy_arg          (-10)
#define GNTST_address_too_big       (-11)
#define GNTST_eagain                (-12)
#define GNTST_no_space              (-13)

/*
 * Maps domain `dom`'s grant `ref` at guest-physical host_addr of the
 * caller (GNTMAP_host_map; GNTMAP_readonly for a read-only mapping), an
 * unused frame of the hypervisor's window, as on Xen on Arm.
 */
struct gnttab_map_grant_ref {
    uint64_t host_addr;             /* IN */
    uint32_t flags;                 /* IN: GNTMAP_* */
    grant_ref_t ref;                /* IN */
    domid_t dom;                    /* IN: the granter */
    int16_t status;                 /* OUT: GNTST_* */
    grant_handle_t handle;          /* OUT: for unmap_grant_ref */
    uint64_t dev_bus_addr;          /* OUT: 0 (no device mappings) */
};

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;             /* IN: where it was mapped */
    uint64_t dev_bus_addr;          /* IN: unused */
    grant_handle_t handle;          /* IN */
    int16_t status;                 /* OUT */
};

/* Grows dom's table (DOMID_SELF; domain 0: any) to nr_frames; frame_list gets where each is mapped. */
struct gnttab_setup_table {
    domid_t dom;                    /* IN */
    uint32_t nr_frames;             /* IN */
    int16_t status;                 /* OUT */
    xen_guest_handle_64_t frame_list;   /* OUT: xen_pfn_t[nr_frames], the window gfn or INVALID_GFN */
};

#define INVALID_GFN                 (~0ull)

/* Copies len bytes between frames, either end a grant (GNTCOPY_*_gref) or the caller's own gmfn. */
struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t gmfn;
    } u;
    domid_t domid;                  /* a grant's granter; DOMID_SELF for a gmfn */
    uint16_t offset;
};

struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;                 /* GNTCOPY_* */
    int16_t status;                 /* OUT */
};

#define GNTCOPY_source_gref         (1u << 0)
#define GNTCOPY_dest_gref           (1u << 1)

struct gnttab_query_size {
    domid_t dom;                    /* IN */
    uint32_t nr_frames;             /* OUT */
    uint32_t max_nr_frames;         /* OUT */
    int16_t status;                 /* OUT */
};

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
 * -EACCES), copied in, acted on, and copied back. Here: domctl
 * createdomain, destroydomain, pausedomain, unpausedomain, getdomaininfo,
 * setvcpuaffinity, getvcpuaffinity, max_mem, setvcpucontext, getvcpuinfo,
 * max_vcpus, scheduler_op (credit weight and cap); sysctl readconsole
 * (the hypervisor's log, `xl dmesg`), physinfo, sched_id,
 * getdomaininfolist. The other commands answer -ENOSYS.
 *
 * Building a domain, as libxl does on Arm: createdomain (an empty domain,
 * paused, its vCPUs offline, no memory: the id comes back in
 * xen_domctl.domain), max_mem, memory_op populate_physmap for it, foreign
 * mappings of its frames (memory_op add_to_physmap_batch) to load its
 * kernel and write its device tree, setvcpucontext of vCPU 0 with
 * VGCF_online, unpausedomain. A domain the toolstack built is never
 * rebuilt or destroyed by the hypervisor itself: when it shuts down it is
 * kept (XEN_DOMINF_shutdown and the code) and VIRQ_DOM_EXC tells domain 0,
 * whose toolstack then destroys or rebuilds it (xl.cfg's on_poweroff...).
 */
#define XEN_DOMCTL_INTERFACE_VERSION 0x00000018
#define XEN_SYSCTL_INTERFACE_VERSION 0x00000016

#define XEN_DOMCTL_createdomain     1   /* domain: the id wanted, or DOMID_ANY; OUT: the id */
#define XEN_DOMCTL_destroydomain    2   /* a domain other than the caller, running or kept after a crash */
#define XEN_DOMCTL_pausedomain      3   /* its vCPUs stop being run (-EINVAL for the caller itself) */
#define XEN_DOMCTL_unpausedomain    4   /* undoes one pause (-EINVAL if it is not paused) */
#define XEN_DOMCTL_getdomaininfo    5
#define XEN_DOMCTL_setvcpuaffinity  9   /* the pCPUs a vCPU may run on */
#define XEN_DOMCTL_getvcpuaffinity  10
#define XEN_DOMCTL_max_mem          11  /* the most memory the domain may have (its RAM's size) */
#define XEN_DOMCTL_setvcpucontext   12  /* an offline vCPU's registers; VGCF_online starts it */
#define XEN_DOMCTL_getvcpuinfo      14
#define XEN_DOMCTL_max_vcpus        15  /* before any vCPU starts: how many of createdomain's it has */
#define XEN_DOMCTL_scheduler_op     16
#define XEN_DOMCTL_vuart_op         81  /* a DomU's vUART onto a console ring that domain 0 serves */
#define XEN_DOMCTL_hyperlab_vcpustats 0x4c00    /* HyperLab's own (Xen has none): what a vCPU's exits were */
#define XEN_DOMCTL_hyperlab_name    0x4c01      /* HyperLab's own: the domain's name and start time, for the hypervisor's log and xl (Xen keeps both in xenstore only) */

#define XEN_DOMCTL_CDF_hvm          (1u << 0)   /* required: every domain here is HVM */
#define XEN_DOMCTL_CDF_hap          (1u << 1)   /* required: the G-stage */

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

struct xen_domctl_createdomain {
    uint32_t ssidref;               /* unused (no XSM) */
    xen_domain_handle_t handle;     /* the domain's UUID, as getdomaininfo gives it back */
    uint32_t flags;                 /* XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap, else -EINVAL */
    uint32_t iommu_opts;            /* 0 */
    uint32_t max_vcpus;             /* 1..8 */
    uint32_t max_evtchn_port;       /* unused: every domain has EVTCHN_PORTS */
    int32_t max_grant_frames;       /* unused: GNTTAB_MAX_FRAMES */
    int32_t max_maptrack_frames;    /* unused */
    uint8_t max_grant_version;      /* 0 or 1 */
    uint8_t rsvd0[3];
    uint32_t altp2m_opts;           /* 0 */
    uint32_t vmtrace_size;          /* 0 */
    uint32_t cpupool_id;            /* 0: the one pool */
    struct xen_arch_domainconfig arch;  /* gaddr_bits: 0 or 34 */
};

struct xen_domctl_max_mem {
    uint64_aligned_t max_memkb;     /* a multiple of 4 KiB up to 1 GiB (its RAM ends below the tree limit) */
};

/*
 * A vCPU's registers for setvcpucontext (Xen's RISC-V port leaves
 * vcpu_guest_context empty; this follows Arm's: flags, the general
 * registers, and the MMU's state). The vCPU starts in VS-mode at pc with
 * these registers, as a hart leaves reset with a0 = its hart id and a1 =
 * its device tree.
 */
#define VGCF_online                 (1u << 5)   /* start it (once the domain is unpaused) */

struct vcpu_guest_context {
    uint32_t flags;                 /* VGCF_online */
    uint32_t pc;
    uint32_t x[32];                 /* x[0] is ignored */
    uint32_t satp;                  /* vsatp: 0 (translation off) to boot */
    uint32_t pad;
};

struct xen_domctl_vcpucontext {
    uint32_t vcpu;                  /* IN */
    uint32_t pad;
    xen_guest_handle_64_t ctxt;     /* IN: struct vcpu_guest_context */
};

/* A bitmap in the caller's memory: bit n of byte n / 8 is pCPU n. */
struct xenctl_bitmap {
    xen_guest_handle_64_t bitmap;   /* uint8_t[(nr_bits + 7) / 8] */
    uint32_t nr_bits;
    uint32_t pad;
};

#define XEN_VCPUAFFINITY_HARD       (1u << 0)   /* the pCPUs it may run on */
#define XEN_VCPUAFFINITY_SOFT       (1u << 1)   /* those it should: kept and reported, not used by the scheduler here */

/*
 * setvcpuaffinity: each map the flags name is set, and written back as it
 * takes effect (the hard one meet the online pCPUs: -EINVAL if that is
 * empty); a vCPU on a pCPU it may no longer use moves at once.
 * getvcpuaffinity: the maps as set.
 */
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;                  /* IN */
    uint32_t flags;                 /* IN: XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};

/*
 * The counts the hypervisor keeps per vCPU, for the lab's screens and the
 * management daemon (xentop's numbers and more): exits by cause (slots
 * 0..31 the exception codes, 32 + n interrupt n, the last "other"), SBI
 * calls by extension, hypercalls by Xen's number (the last: others),
 * emulated device accesses, event channel notifications, WFIs that
 * blocked, and time. A count wraps at 2^32.
 */
#define HYPERLAB_EXIT_SLOTS         48
#define HYPERLAB_SBI_SLOTS          9   /* base, time, ipi, rfence, hsm, srst, dbcn, legacy console, other */

struct hyperlab_vcpu_stats {
    uint32_t exits[HYPERLAB_EXIT_SLOTS];
    uint32_t sbi[HYPERLAB_SBI_SLOTS];
    uint32_t hypercalls[HYPERCALL_COUNT];
    uint32_t mmio_uart, mmio_plic;  /* vUART and vPLIC register accesses */
    uint32_t events;                /* event channel notifications to it */
    uint32_t sends;                 /* EVTCHNOP_send it made */
    uint32_t wfi;                   /* WFIs that blocked it */
    uint32_t pad;
    uint64_aligned_t time_run_ns;   /* on a pCPU, guest and hypervisor */
    uint64_aligned_t time_hv_ns;    /* of that, in the hypervisor for its exits */
};

struct xen_domctl_vcpustats {
    uint32_t vcpu;                  /* IN */
    uint32_t size;                  /* IN: sizeof(struct hyperlab_vcpu_stats), else -EINVAL */
    xen_guest_handle_64_t stats;    /* OUT: struct hyperlab_vcpu_stats */
};

/* A name: 1..31 printable characters but space, NUL-terminated; set once by the toolstack that built the domain. */
#define HYPERLAB_NAME_MAX 32
struct xen_domctl_hyperlab_name {
    uint32_t set;                   /* IN: 1 sets it from name, 0 reads it into name */
    char name[HYPERLAB_NAME_MAX];   /* IN or OUT */
    uint32_t pad;
    uint64_aligned_t created_ns;    /* OUT (reading): when the domain was built, in the hypervisor's system time */
    uint64_aligned_t now_ns;        /* OUT (reading): the hypervisor's system time now (xl uptime: the difference) */
};

/*
 * XEN_DOMCTL_vuart_op (Xen on Arm's, for its vpl011): VUART_OP_INIT puts
 * the domain's emulated UART on a console ring (struct xencons_interface)
 * in its frame gfn, served by console_domid (domain 0). The call gives
 * the ring's event channel: a port of the domain's that the hypervisor
 * holds (the domain itself cannot use it), for console_domid to bind.
 * While it is bound, what the guest writes to its UART goes into the
 * ring's `out` and what is in `in` is what the guest reads; once the
 * binding closes, the UART is the hypervisor's console for the domain
 * again (its own physical UART). Once per domain: -EEXIST after.
 */
#define XEN_DOMCTL_VUART_OP_INIT        0
#define XEN_DOMCTL_VUART_TYPE_NS16550   0x4c00  /* HyperLab's (Xen's are the pl011s) */
struct xen_domctl_vuart_op {
    uint32_t cmd;                   /* XEN_DOMCTL_VUART_OP_INIT */
    uint32_t type;                  /* XEN_DOMCTL_VUART_TYPE_NS16550 */
    uint64_aligned_t gfn;           /* IN: the ring's frame, in the domain's RAM */
    domid_t console_domid;          /* IN: who serves the ring: 0 */
    uint8_t pad[2];
    evtchn_port_t evtchn;           /* OUT: the ring's port (of the domain's) */
};

/* A console ring (public/io/console.h): free-running indexes, byte i at i % the array's size. */
struct xencons_interface {
    char in[1024];                  /* typed for the domain: the backend produces */
    char out[2048];                 /* what the domain wrote: the backend consumes */
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
    uint8_t connection;             /* XENCONSOLE_CONNECTED or _DISCONNECTED */
};
#define XENCONSOLE_CONNECTED    0
#define XENCONSOLE_DISCONNECTED 1

struct xen_domctl_max_vcpus {
    uint32_t max;
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
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_vcpustats vcpustats;
        struct xen_domctl_hyperlab_name name;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_vuart_op vuart_op;
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
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll as Xen's");
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "vcpu_set_singleshot_timer as Xen's");
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "vcpu_register_vcpu_info as Xen's");
_Static_assert(sizeof(struct xen_add_to_physmap) == 16, "xen_add_to_physmap with a 32-bit xen_ulong_t");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status as Xen's");
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info as Xen's");
_Static_assert(sizeof(struct vcpu_info) == 40, "vcpu_info with a 32-bit xen_ulong_t");
_Static_assert(EVTCHN_PORTS == sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8, "two levels of 32 bits");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 112, "getdomaininfo as Xen's");
_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl as Xen's");
_Static_assert(sizeof(struct xen_domctl_getvcpuinfo) == 24, "getvcpuinfo as Xen's");
_Static_assert(sizeof(struct xen_domctl_createdomain) == 64, "createdomain as Xen 4.22's");
_Static_assert(sizeof(struct xen_domctl_vcpucontext) == 16, "vcpucontext as Xen's");
_Static_assert(sizeof(struct hyperlab_vcpu_stats) == 528, "hyperlab_vcpu_stats: its layout is the ABI");
_Static_assert(sizeof(struct xen_domctl_vcpuaffinity) == 40, "vcpuaffinity as Xen's");
_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32, "add_to_physmap_batch with 64-bit handles");
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "remove_from_physmap with a 64-bit xen_pfn_t");
_Static_assert(sizeof(struct xen_domctl_scheduler_op) == 24, "scheduler_op as Xen's");
_Static_assert(sizeof(struct xen_domctl_vuart_op) == 24, "vuart_op as Xen's");
_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl as Xen's");
_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112, "physinfo as Xen's");
_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 as Xen's");
_Static_assert(sizeof(struct xen_memory_reservation) == 24, "xen_memory_reservation with a 64-bit handle");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "gnttab_map_grant_ref as Xen's");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "gnttab_unmap_grant_ref as Xen's");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "gnttab_setup_table with a 64-bit handle");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy with a 64-bit xen_pfn_t");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "gnttab_query_size as Xen's");

#endif

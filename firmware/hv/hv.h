/*
 * hv.h: the hypervisor's shared types and each subsystem's entry points,
 * grouped by the file that defines them. The memory maps and limits are in
 * params.h.
 *
 * Words that matter throughout:
 *   pCPU    a hart of the machine, as the hypervisor runs on it (struct pcpu)
 *   domain  a virtual machine: memory, vCPUs, a virtual board (struct domain)
 *   vCPU    a virtual hart of a domain, run on some pCPU (struct vcpu)
 *   exit    a trap from the guest (V=1) into the hypervisor (V=0)
 *
 * Concurrency: the hypervisor runs with sstatus.SIE clear, always, so no
 * interrupt ever preempts hypervisor code; a pCPU takes its interrupts as
 * exits from the guest or by polling sip while idle. Shared state is
 * guarded by spinlocks. sched_lock (sched_credit.c) guards every vCPU's
 * state and processor, every run queue and each domain's on_cpu count;
 * locks taken inside it: a pCPU's timers, a device's, the console's.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdint.h>
#include <stddef.h>
#include "params.h"
#include "riscv.h"
#include "sbi_call.h"
#include "hypercall.h"

struct domain;
struct vcpu;
struct pcpu;

/* ---- the hypervisor extension's CSR fields (privileged specification, chapter 9) ---- */

#define HSTATUS_GVA   0x00000040u
#define HSTATUS_SPV   0x00000080u   /* the trap came from V=1; sret returns to V=1 */
#define HSTATUS_SPVP  0x00000100u   /* the guest's privilege for HLV/HSV: 1 = VS */
#define HSTATUS_VTW   0x00200000u   /* WFI in VS-mode traps (virtual instruction) */
#define HVIP_VSSIP    MIP_VSSIP
#define HVIP_VSTIP    MIP_VSTIP
#define HVIP_VSEIP    MIP_VSEIP
#define HVIP_ALL      (HVIP_VSSIP | HVIP_VSTIP | HVIP_VSEIP)
#define VSIE_SSIE     0x002u        /* vsie as the guest sees it (sie bits) */
#define VSIE_STIE     0x020u
#define VSIE_SEIE     0x200u
#define INSN_WFI      0x10500073u
#define TINST_PTE_READ  0x00002000u /* htinst for a G-stage fault on a VS-stage PTE read (RV32) */
#define TINST_PTE_WRITE 0x00002020u /* ... and on its A/D update */

/* The hypervisor's fences, from C: GCC's own .attribute arch would hide 'h' from the assembler. */
static inline void hfence_vvma_all(void)
{
    __asm__ volatile(".option push\n.option arch, +h\nhfence.vvma zero, zero\n.option pop" ::: "memory");
}

static inline void hfence_gvma_vmid(uint32_t vmid)
{
    __asm__ volatile(".option push\n.option arch, +h\nhfence.gvma zero, %0\n.option pop" :: "r"(vmid) : "memory");
}

/* Exceptions the guest handles itself (hedeleg): the ones a bare hart would give its kernel. */
#define HEDELEG_GUEST ((1u << CAUSE_MISALIGNED_FETCH) | (1u << CAUSE_ILLEGAL_INSTRUCTION) |   \
                       (1u << CAUSE_BREAKPOINT) | (1u << CAUSE_MISALIGNED_LOAD) |               \
                       (1u << CAUSE_MISALIGNED_STORE) | (1u << CAUSE_USER_ECALL) |              \
                       (1u << CAUSE_FETCH_PAGE_FAULT) | (1u << CAUSE_LOAD_PAGE_FAULT) |         \
                       (1u << CAUSE_STORE_PAGE_FAULT))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUND_UP(x, a)   (((x) + (a) - 1) & ~((uint32_t)(a) - 1))
#define ROUND_DOWN(x, a) ((x) & ~((uint32_t)(a) - 1))

/* ---- spinlocks (lock.h style, inline) ---- */

struct spinlock {
    volatile uint32_t locked;
};

static inline void spin_lock(struct spinlock *lock)
{
    while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            ;
}

static inline void spin_unlock(struct spinlock *lock)
{
    __atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

/* ---- intrusive doubly linked lists (run queues) ---- */

struct list {
    struct list *next, *prev;
};

static inline void list_init(struct list *head) { head->next = head->prev = head; }
static inline int list_empty(const struct list *head) { return head->next == head; }
static inline int list_linked(const struct list *node) { return node->next != 0 && node->next != node; }

/* Puts `node` just before `at` (at the tail when `at` is the head). */
static inline void list_insert_before(struct list *at, struct list *node)
{
    node->prev = at->prev;
    node->next = at;
    at->prev->next = node;
    at->prev = node;
}

static inline void list_remove(struct list *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->next = node->prev = node;
}

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* ---- time ---- */

/* The time CSR: timebase ticks since power-on. */
/* The time CSR's low word: enough to time an exit. */
static inline uint32_t time_low(void)
{
    return csr_read(time);
}

static inline uint64_t time_now(void)
{
    return read_time();
}

/* A software timer: fn(data) runs on the pCPU it is armed on, once `deadline` passes. */
struct timer {
    uint64_t deadline;
    void (*fn)(void *data);
    void *data;
    struct timer *next;
    int pcpu;                       /* the queue it is on, -1 if none */
};

/* ---- host board, as the machine's device tree describes it (main.c) ---- */

struct host_uart {
    uint32_t base;
    uint32_t irq;
    int present;
};

struct host {
    const void *dtb;
    uint32_t dtb_size;
    uint32_t ram_base, ram_size;
    uint32_t timebase_hz;
    int npcpus;
    uint32_t hartids[NPCPU];
    int plic_context[NPCPU];        /* S-mode context of each pCPU, -1 if none */
    uint32_t plic_base, plic_size;
    struct host_uart uart[NUART];   /* UART0 is the console (stdout-path) */
    int mgmt_uart;                  /* MGMT_UART if the machine has it, else -1 */
    char isa[64];                   /* riscv,isa of the harts */
};
extern struct host host;
struct fdt;
const struct fdt *host_fdt(void);
void hv_main(uint32_t hartid, const void *dtb) __attribute__((noreturn));
void secondary_main(struct pcpu *p) __attribute__((noreturn));

/* ---- frames (mm.c) ---- */

#define FRAME_SIZE          4096u
#define FRAME_SHIFT         12
#define MEGAPAGE            0x400000u
#define FRAMES_PER_MEGAPAGE (MEGAPAGE / FRAME_SIZE)
#define OWNER_FREE          0xff    /* in the free pool */
#define OWNER_HYPERVISOR    0xfe    /* the hypervisor's own: image, tables, frame table */
#define OWNER_RESERVED      0xfd    /* firmware, boot modules, the device tree */
#define OWNER_HEAP          0xfc    /* the hypervisor's, allocated: G-stage tables */
#define OWNER_GRANTED       0xfb    /* freed by its domain while another maps it (a grant): freed at the last unmap */
#define OWNER_SCRUBBING     0xfa    /* on its way to the pool (mm_free) */

void mm_init(uint32_t hv_end);
void mm_reserve(uint32_t start, uint32_t size);
uint32_t mm_alloc(int owner, uint32_t frames, uint32_t align);
void mm_free(uint32_t address, uint32_t frames);
uint32_t mm_alloc_megapage(int owner);
uint32_t mm_free_frames(void);
int mm_pin(uint32_t address);
int mm_pin_owned(uint32_t address, int owner);
void mm_unpin(uint32_t address);
uint32_t mm_total_frames(void);

/* ---- the G-stage (p2m.c) ---- */

long p2m_map_device(struct domain *d, uint32_t gpa, uint32_t host_address);

int p2m_create(struct domain *d);
int p2m_populate(struct domain *d, uint32_t memory_bytes);
void p2m_destroy(struct domain *d);
uint32_t p2m_lookup(const struct domain *d, uint32_t gpa);
int guest_range_ok(const struct domain *d, uint32_t gpa, uint32_t size);
void p2m_flush(struct domain *d);
long p2m_map_hypervisor_frame(struct domain *d, uint32_t *slot, uint32_t gpa, uint32_t frame);
long p2m_map_grant(struct domain *d, uint32_t gpa, uint32_t frame, int readonly);
uint32_t p2m_release_ram(struct domain *d, uint32_t gpa);
long p2m_populate_ram(struct domain *d, uint32_t gpa);
void p2m_unmap_grant(struct domain *d, uint32_t gpa);
uint32_t p2m_owned_frame(struct domain *d, uint32_t gpa);
long p2m_map_foreign(struct domain *d, uint32_t gpa, uint32_t frame);
long p2m_unmap_foreign(struct domain *d, uint32_t gpa, uint32_t *frame);
int guest_copy_to(struct domain *d, uint32_t gpa, const void *src, uint32_t size);
int guest_copy_from(struct domain *d, void *dst, uint32_t gpa, uint32_t size);
int guest_zero(struct domain *d, uint32_t gpa, uint32_t size);

/* ---- statistics ---- */

#define EXIT_SLOTS   48             /* exceptions 0..31, then interrupts 32 + n */
enum sbi_slot {
    SBI_SLOT_BASE, SBI_SLOT_TIME, SBI_SLOT_IPI, SBI_SLOT_RFENCE, SBI_SLOT_HSM, SBI_SLOT_SRST,
    SBI_SLOT_DBCN, SBI_SLOT_LEGACY, SBI_SLOT_OTHER, SBI_SLOTS
};

struct vcpu_stats {
    uint32_t exits[EXIT_SLOTS];     /* by cause slot */
    uint32_t sbi[SBI_SLOTS];        /* SBI calls by extension */
    uint32_t hypercalls[HYPERCALL_COUNT];   /* by Xen's number; the rest in the last */
    uint32_t mmio_uart, mmio_plic;  /* emulated device accesses */
    uint32_t events;                /* event channel notifications to this vCPU */
    uint32_t sends;                 /* EVTCHNOP_send calls it made */
    uint32_t wfi;                   /* WFIs that blocked */
    uint64_t time_run;              /* timebase ticks on a pCPU (guest and hypervisor) */
    uint64_t time_hv;               /* of those, in the hypervisor handling its exits */
};

/* ---- emulated devices (vuart.c, vplic.c) ---- */

struct vuart {
    struct spinlock lock;
    uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
    uint8_t thr_interrupt;          /* THR-empty interrupt pending (cleared by IIR read, THR write) */
    uint8_t irq_level;              /* what it last drove its vPLIC line to */
    uint8_t rx[VUART_RX_BUFFER];
    uint32_t rx_read, rx_written;   /* free-running */
    /* its console ring (XEN_DOMCTL_vuart_op), used while domain 0 has bound its port */
    struct xencons_interface *ring; /* host address of the (pinned) frame; 0: none */
    uint32_t ring_port;
    uint8_t ring_connected;
};

#define PLIC_SOURCE_IDS (GUEST_PLIC_SOURCES + 1)   /* ids 1..GUEST_PLIC_SOURCES; 0 means none */
#define PLIC_WORDS ((PLIC_SOURCE_IDS + 31) / 32)

struct vplic {
    struct spinlock lock;
    uint8_t priority[PLIC_SOURCE_IDS];
    uint32_t level[PLIC_WORDS];     /* source lines as the devices drive them */
    uint32_t pending[PLIC_WORDS];
    uint32_t claimed[PLIC_WORDS];   /* claimed, not yet completed */
    uint32_t enable[MAX_VCPUS][PLIC_WORDS];
    uint32_t threshold[MAX_VCPUS];
    int contexts;                   /* one per vCPU */
    uint32_t words_in_use;          /* enable words with a bit set somewhere (the rest is skipped) */
};

/* ---- vCPUs and domains (vcpu.c, domain.c) ---- */

/* Saved guest registers: the layout entry.S reads and writes. */
struct guest_regs {
    uint32_t x[32];                 /* x[0] unused */
    uint32_t pc;                    /* sepc */
    uint32_t sstatus;               /* at the exit: SPP tells VS (1) from VU (0) */
    uint32_t hstatus;               /* at the exit: SPVP, GVA */
};
#define REGS_PC      128
#define REGS_SSTATUS 132
#define REGS_HSTATUS 136

enum vcpu_state {
    VCPU_OFFLINE,                   /* not started (HSM), or stopped */
    VCPU_BLOCKED,                   /* in WFI or HSM suspend: waits for an interrupt */
    VCPU_RUNNABLE,                  /* on a run queue */
    VCPU_RUNNING,                   /* current on a pCPU */
};

/* Credit scheduler priorities, best first (Xen's credit1: BOOST, UNDER, OVER). */
enum sched_priority { PRIO_BOOST, PRIO_UNDER, PRIO_OVER, PRIO_NONE };

struct vcpu {
    struct guest_regs regs;         /* first: entry.S addresses it from the struct */
    /* VS-level CSRs, saved while the vCPU is not loaded on a pCPU. */
    uint32_t vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp, hvip;
    volatile uint32_t irq_raise;    /* hvip bits others asked for (VSSIP, VSTIP), merged at entry */
    volatile uint32_t irq_external; /* the vPLIC's VSEIP level for this vCPU */
    struct domain *domain;
    int id;
    volatile int state;             /* enum vcpu_state; sched_lock */
    volatile int processor;         /* the pCPU it runs or queues on */
    volatile int in_guest;          /* between the last entry and the next exit */
    int last_pcpu;                  /* the pCPU it was last loaded on (-1: none yet); vcpu_load */
    int suspended;                  /* blocked by HSM suspend (reports SUSPENDED) */
    uint32_t resume_address, resume_opaque;  /* HSM: where a start or non-retentive suspend resumes */
    int resume_pending;
    struct timer timer;             /* the guest's SBI timer, on a pCPU's list while off its pCPU */
    volatile uint64_t timer_deadline;   /* host time of the guest's timer; NO_DEADLINE when none */
    volatile uint32_t flush_requested, flush_done;  /* RFENCE requests, counted */
    /* credit scheduler */
    struct list runq;
    int priority;
    int32_t credit;
    int active;                     /* takes part in credit accounting */
    int parked;                     /* over its cap: not run until the next credits */
    uint64_t scheduled_at;          /* when it last got a pCPU */
    uint64_t credited_until;        /* credits are debited for time run up to here */
    int down;                       /* VCPUOP_down: kept, not run, until VCPUOP_up; sched_lock */
    uint32_t hard_affinity;         /* bit n: it may run on pCPU n (setvcpuaffinity); sched_lock */
    uint32_t soft_affinity;         /* reported only */
    /* event channels (evtchn.c; evtchn_lock) */
    uint32_t vcpu_info;             /* host address of its struct vcpu_info, 0 until it has one */
    uint16_t virq_port[NR_VIRQS];   /* the port each VIRQ is bound to on it, 0 for none */
    evtchn_port_t poll_ports[SCHED_POLL_MAX];
    int poll_count;
    volatile int polling;           /* in SCHEDOP_poll */
    volatile int poll_woken;        /* ... and one of its ports (or its timeout) came */
    struct timer poll_timer;        /* the poll's timeout */
    struct timer singleshot;        /* VCPUOP_set_singleshot_timer: VIRQ_TIMER when it fires */
    uint32_t exit_at;               /* when the current exit began: the time CSR's low word (exits are short) */
    struct vcpu_stats stats;
};

enum domain_state {
    DOMAIN_FREE,                    /* this slot holds no domain */
    DOMAIN_RUNNING,
    DOMAIN_SHUTDOWN,                /* on its way out: vCPUs leaving their pCPUs */
    DOMAIN_KEPT,                    /* shut down and kept for inspection (its on_* action: preserve) */
};

/* A port of a domain (evtchn.c): its state is an EVTCHNSTAT_*. */
struct evtchn {
    uint8_t state;
    uint8_t vcpu;                   /* the vCPU it notifies */
    uint16_t virq;                  /* virq: which */
    domid_t remote_dom;             /* unbound: who may bind it; interdomain: the peer */
    uint8_t xen_consumer;           /* the hypervisor's end, not the domain's: its vUART's console ring (vuart.c) */
    uint8_t pad;
    evtchn_port_t remote_port;      /* interdomain: the peer's port */
};

/* Uses of one grant of a domain (grant.c): mappings and copies in progress. */
struct grant_active {
    uint16_t pins;                  /* all: GTF_reading while nonzero */
    uint16_t writers;               /* writable ones: GTF_writing while nonzero */
};

/* A grant a domain has mapped: its handle is the index in the domain's maptrack. */
struct grant_map {
    uint8_t in_use;
    uint8_t readonly;
    domid_t granter;
    uint32_t granter_instance;      /* its grant_instance then: a rebuilt granter is not touched */
    grant_ref_t ref;
    uint32_t gpa;                   /* where it is mapped */
    uint32_t frame;                 /* the host frame (pinned) */
};

/* Why a domain stopped: Xen's SHUTDOWN_* codes (public/sched.h, in hypercall.h), and one of ours. */
#define SHUTDOWN_destroy  0x100     /* destroyed by domain 0 (domctl destroydomain) */

/* What the board asked for, or the built-in default: enough to (re)build a domain. */
struct domain_config {
    char name[DOMAIN_NAME_MAX];
    const uint8_t *kernel;
    uint32_t kernel_size;
    uint32_t memory_mib;            /* 0: the default */
    int vcpus;
    uint32_t weight, cap;
    uint8_t on_poweroff, on_reboot, on_crash;   /* enum shutdown_action: what its shutdown leads to */
    char bootargs[BOOTARGS_MAX];
};

/* What a domain's shutdown leads to (xl.cfg's on_poweroff, on_reboot, on_crash). */
enum shutdown_action { ACTION_DESTROY, ACTION_RESTART, ACTION_PRESERVE };

struct domain {
    int id;
    struct domain_config config;
    volatile int state;             /* enum domain_state */
    int shutdown_code;
    struct spinlock lock;
    uint32_t memory_bytes;
    uint32_t *gstage_root;          /* Sv32x4 root table, 16 KiB */
    uint32_t hgatp;
    uint32_t vmid;
    uint32_t vmid_epoch;            /* bumped at every rebuild: pCPUs flush the VMID */
    uint64_t time_offset;           /* htimedelta: guest time starts at 0 when built */
    uint32_t entry, dtb_gpa;
    uint32_t kernel_end;            /* first guest-physical byte above the loaded kernel */
    int nvcpus;
    struct vcpu vcpus[MAX_VCPUS];
    volatile int on_cpu;            /* vCPUs current on some pCPU */
    int last_vcpu_ran[NPCPU];       /* per pCPU: VS TLB entries belong to that vCPU */
    int console_uart;               /* physical UART of its console, -1: the hypervisor console */
    struct vuart vuart;
    struct vplic vplic;
    uint32_t weight, cap;
    int pause_count;                /* paused by domain 0 (domctl pausedomain): its vCPUs do not run; sched_lock */
    uint64_t hvm_params[HVM_NR_PARAMS];     /* hvm_op: set by domain 0, read by the domain */
    uint32_t shared_info;           /* host address of its shared_info frame (evtchn.c) */
    uint32_t shared_info_gpa;       /* where it is mapped in the domain (add_to_physmap), 0 if not */
    struct evtchn evtchn[EVTCHN_PORTS];     /* evtchn_lock */
    /* grant tables (grant.c; grant_lock) */
    uint32_t grant_instance;        /* tells this build from the slot's earlier ones */
    uint32_t grant_nr_frames;
    uint32_t grant_frames[GNTTAB_MAX_FRAMES];   /* host addresses of its table's frames */
    uint32_t grant_gpa[GNTTAB_MAX_FRAMES];      /* where each is mapped in the domain, 0 if not */
    struct grant_active grant_active[GNTTAB_MAX_FRAMES * GRANT_ENTRIES_PER_FRAME];
    struct grant_map maptrack[MAPTRACK_ENTRIES];    /* the grants it has mapped */
    uint32_t grant_maps, grant_copies;      /* statistics: maps done, copies done */
    volatile uint32_t tot_pages;    /* frames of RAM it has now (memory_op changes it); d->lock */
    uint64_t created_at;
    uint32_t builds;                /* how many times it was built (reboots + 1) */
    uint32_t window_faults;         /* its accesses in its window that were refused (the first are logged) */
    int toolstack;                  /* built by domain 0 (createdomain): kept when it shuts down, never rebuilt here */
    int started;                    /* toolstack's: unpaused once (the log has described it) */
    int has_handle;
    xen_domain_handle_t handle;     /* the toolstack's UUID for it */
};
extern struct domain domains[NDOMAIN];

/* ---- pCPUs (pcpu.c) ---- */

/* Per-pCPU state; tp and sscratch hold its address. Fields at fixed offsets for entry.S first. */
struct pcpu {
    struct vcpu *vcpu;              /* 0: the vCPU loaded for entry / exit */
    uint32_t stack_top;             /* 4 */
    uint32_t scratch;               /* 8: entry.S saves t0 here */
    uint32_t fixup;                 /* 12: where a trap in the hypervisor resumes (guest access) */
    int id;                         /* index in host.hartids */
    uint32_t hartid;
    volatile int online;
    struct vcpu *current;           /* the vCPU this pCPU runs, 0 when idle */
    struct vcpu *loaded;            /* whose VS CSRs are in the hart */
    int loaded_external;            /* the VSEIP last written to hvip for it (-1: unknown) */
    volatile uint32_t softirq;      /* SOFTIRQ_* asked of this pCPU */
    struct spinlock runq_lock;
    struct list runq;
    int runq_length;
    struct spinlock timer_lock;
    struct timer *timers;           /* sorted by deadline */
    uint64_t hw_deadline;           /* what the hart's timer is set to */
    volatile int timers_changed;    /* a deadline was set here since the hart's timer was: look again */
    struct timer tick;              /* the scheduler tick, armed while a vCPU runs */
    int ticks;                      /* since the current vCPU was scheduled */
    uint64_t slice_end;
    uint32_t vmid_epoch[NDOMAIN];   /* per VMID: the epoch this hart's TLB was flushed for */
    uint64_t idle_since;
    uint64_t idle_time;
};
#define PCPU_VCPU    0
#define PCPU_STACK   4
#define PCPU_SCRATCH 8
#define PCPU_FIXUP   12

#define SOFTIRQ_SCHEDULE 1u         /* pick the next vCPU before returning to a guest */
#define SOFTIRQ_TIMER    2u         /* the hart's timer fired: run what is due */
#define NO_DEADLINE      (~0ull)    /* a timer that is not armed */

extern struct pcpu pcpus[NPCPU];

static inline struct pcpu *this_pcpu(void)
{
    struct pcpu *p;
    __asm__ volatile("mv %0, tp" : "=r"(p));
    return p;
}

void pcpu_init(struct pcpu *p, int id);
void pcpu_raise_softirq(struct pcpu *p, uint32_t softirq);
void pcpu_kick(int pcpu);
void pcpu_return(void) __attribute__((noreturn));
void pcpu_exit_done(struct pcpu *p, struct vcpu *v) __attribute__((noreturn));
void pcpu_handle_interrupts(uint32_t pending);

/* ---- entry.S ---- */

void vcpu_resume(struct vcpu *v) __attribute__((noreturn));
/* Reads guest memory through the guest's own translation; 0, or -1 if that faults. */
int guest_fetch_u16(uint32_t va, uint32_t *value);  /* HLVX.HU */
int guest_load_u8(uint32_t va, uint32_t *value);    /* HLV.BU */
int guest_store_u8(uint32_t va, uint32_t value);    /* HSV.B */
void secondary_entry(void);
extern uint8_t hv_stacks[];
static inline void *hv_stacks_top(int pcpu) { return hv_stacks + (pcpu + 1) * PCPU_STACK_SIZE; }
extern uint8_t hv_kernel_image[], hv_kernel_image_end[];
extern char _end[];

/* ---- vcpu.c ---- */

void vcpu_init(struct vcpu *v, struct domain *d, int id);
void vcpu_start(struct vcpu *v, uint32_t pc, uint32_t a0, uint32_t a1);
void vcpu_load(struct pcpu *p, struct vcpu *v);
void vcpu_unload(struct pcpu *p);
void vcpu_enter(struct pcpu *p, struct vcpu *v) __attribute__((noreturn));
void vcpu_raise_irq(struct vcpu *v, uint32_t hvip_bit);
void vcpu_set_external(struct vcpu *v, int level);
void vcpu_kick(struct vcpu *v);
void vcpu_block(struct vcpu *v);
uint64_t vcpu_time_run(const struct vcpu *v, uint64_t now);
int vcpu_wake_condition(const struct vcpu *v);
void vcpu_inject_exception(struct vcpu *v, uint32_t cause, uint32_t tval);
void vcpu_set_timer(struct vcpu *v, uint64_t guest_deadline);
void vcpu_check_timer(struct vcpu *v, uint64_t now);
void vcpu_timer_park(struct vcpu *v, int pcpu);
void vcpu_stop_timers(struct vcpu *v);
void vcpu_timer_unpark(struct vcpu *v);
void vcpu_request_flush(struct vcpu *v);
long vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *context);

/* ---- trap.c ---- */

void vcpu_exit(struct vcpu *v) __attribute__((noreturn));
const char *exit_cause_name(int slot);
void guest_memory_crash(struct vcpu *v, uint32_t cause);

/*
 * The guest-physical address of a guest-page fault: htval holds it >> 2;
 * for the guest's own access its two low bits are stval's, for a walk of
 * its page tables (htinst a pseudoinstruction: nonzero, bit 0 clear) zero.
 */
static inline uint32_t guest_fault_address(void)
{
    uint32_t htinst = csr_read(htinst);
    int walk = htinst != 0 && !(htinst & 1);
    return csr_read(htval) << 2 | (walk ? 0 : csr_read(stval) & 3);
}


void hv_fatal_trap(void) __attribute__((noreturn));

/* ---- vsbi.c ---- */

void vsbi_handle(struct vcpu *v);

/* ---- hypercall.c ---- */

/* A hypercall's result meaning "a0 and pc are set already" (the caller blocked or left). */
#define HYPERCALL_DONE  (-0x7fff)

void hypercall_handle(struct vcpu *v);
void domain_handle(const struct domain *d, xen_domain_handle_t handle);
const char *hypercall_name(int number);
long copy_from_guest(void *dst, uint32_t gva, uint32_t n);
long copy_to_guest(uint32_t gva, const void *src, uint32_t n);

/* ---- domctl.c ---- */

long domctl_op(struct vcpu *v);
long sysctl_op(struct vcpu *v);

/* ---- evtchn.c ---- */

int evtchn_init(struct domain *d);
void evtchn_destroy(struct domain *d);
long evtchn_op(struct vcpu *v, uint32_t cmd, uint32_t buffer);
void evtchn_send_virq(struct vcpu *v, uint32_t virq);
void evtchn_send_global_virq(uint32_t virq);
long evtchn_poll(struct vcpu *v, const evtchn_port_t *ports, uint32_t count, uint64_t timeout_ns);
void evtchn_poll_timeout(void *data);
void evtchn_poll_end(struct vcpu *v);
long evtchn_register_vcpu_info(struct vcpu *v, struct vcpu *target, uint64_t gfn, uint32_t offset);
void evtchn_dump(void);
long evtchn_alloc_xen(struct domain *d, uint32_t remote, uint32_t *port);
void evtchn_notify_xen(struct domain *d, uint32_t port);

/* ---- grant.c ---- */

void grant_init(struct domain *d);
void grant_destroy(struct domain *d);
long grant_table_op(struct vcpu *v);
long grant_map_table_frame(struct domain *d, uint32_t idx, uint32_t gpa);
void grant_dump(void);

/* ---- mmio.c ---- */

void mmio_guest_page_fault(struct vcpu *v, uint32_t cause);

/* ---- vuart.c ---- */

void vuart_init(struct domain *d);
uint32_t vuart_read(struct domain *d, uint32_t offset);
void vuart_write(struct domain *d, uint32_t offset, uint32_t value);
int vuart_receive(struct domain *d, uint8_t byte);
uint32_t vuart_take(struct domain *d, uint8_t *buffer, uint32_t n);
uint32_t vuart_rx_space(struct domain *d);
void vuart_transmit(struct domain *d, uint8_t byte);
long vuart_ring_init(struct domain *d, uint64_t gfn, uint32_t backend, uint32_t *port);
void vuart_ring_connect(struct domain *d, int connected);
void vuart_ring_kick(struct domain *d);
void vuart_destroy(struct domain *d);

/* ---- vplic.c ---- */

void vplic_init(struct domain *d);
int vplic_read(struct domain *d, uint32_t offset, uint32_t *value);
int vplic_write(struct domain *d, uint32_t offset, uint32_t value);
void vplic_set_level(struct domain *d, uint32_t source, int level);

/* ---- sched_credit.c ---- */

extern struct spinlock sched_lock;

enum deschedule { DESCHEDULE_PREEMPT, DESCHEDULE_BLOCK, DESCHEDULE_STOP };

void sched_init_pcpu(struct pcpu *p);
void sched_init_vcpu(struct vcpu *v);
void sched_wake(struct vcpu *v);                 /* sched_lock held */
void sched_remove(struct vcpu *v);               /* sched_lock held */
void sched_set_credit(struct domain *d, uint32_t weight, uint32_t cap);
long sched_set_affinity(struct vcpu *v, uint32_t hard, uint32_t soft);
uint32_t sched_online_pcpus(void);
struct vcpu *sched_schedule(struct pcpu *p);
void sched_deschedule(struct pcpu *p, int how);
void sched_tick(void *data);
void sched_dump(void);

/* ---- timer.c ---- */

void timer_init(struct timer *t, void (*fn)(void *), void *data);
void timer_set(struct timer *t, int pcpu, uint64_t deadline);
void timer_stop(struct timer *t);
void timer_run_expired(struct pcpu *p);
void timer_reprogram(struct pcpu *p);

uint64_t ms_to_ticks(uint32_t ms);
uint32_t ticks_to_ms(uint64_t ticks);
uint64_t ticks_to_ns(uint64_t ticks);
uint64_t ns_to_ticks(uint64_t ns);

/* ---- domain.c ---- */

void domains_boot(void);
struct domain *domain_build(int id, const struct domain_config *config);
long domain_create(int id, const xen_domain_handle_t handle, int vcpus);
void domain_set_max_memory(struct domain *d, uint32_t bytes);
long domain_set_max_vcpus(struct domain *d, uint32_t vcpus);
void domain_shutdown(struct domain *d, int code);
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
int domain_destroy(struct domain *d);
void domain_crash(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void domain_vcpu_left(struct domain *d);
const char *domain_state_name(const struct domain *d);

/* ---- loader.c ---- */

int kernel_load(struct domain *d, const uint8_t *image, uint32_t size, uint32_t *entry, const char **error);

/* ---- dtb.c ---- */

int dtb_build_guest(struct domain *d, uint8_t *buffer, uint32_t size);

/* ---- console.c ---- */

void console_init(void);
void console_attach(struct domain *d);
uint32_t console_ring_read(char *dst, uint32_t max, uint32_t *index, int incremental, int clear);
void console_guest_output(struct domain *d, uint8_t byte);
void console_guest_input_drained(struct domain *d);
void console_interrupt(void);
uint32_t console_passthrough_irq(void);
void console_passthrough_done(void);
void hv_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hv_printk_continue(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- keys.c ---- */

void keys_handle(char key);

/* ---- sbi.c (calls to the SBI firmware below) ---- */

void sbi_set_timer(uint64_t when);
void sbi_send_ipi_to(uint32_t hartid);
int sbi_hart_start(uint32_t hartid, uint32_t address, uint32_t opaque);
void sbi_system_reset(uint32_t type, uint32_t reason) __attribute__((noreturn));

/* ---- timer.c, inline ---- */

/* The earliest of p's timers and the deadline of the guest it runs. */
static inline __attribute__((always_inline)) uint64_t timer_earliest(const struct pcpu *p)
{
    struct timer *first = __atomic_load_n(&p->timers, __ATOMIC_RELAXED);
    uint64_t deadline = first ? first->deadline : NO_DEADLINE;
    const struct vcpu *v = p->current;
    if (v && v->timer_deadline < deadline)
        deadline = v->timer_deadline;
    return deadline;
}

/*
 * timer_reprogram, when a deadline was set on this pCPU since it last
 * programmed its hart timer (timers_changed: set_timer, a timer armed
 * here); a timer another pCPU arms here meanwhile comes with a kick, and
 * so with another pass. Taking a timer off needs nothing: the hart's timer
 * then fires early and finds nothing due.
 */
static inline __attribute__((always_inline)) void timer_reprogram_if_changed(struct pcpu *p)
{
    if (p->timers_changed && timer_earliest(p) != p->hw_deadline)
        timer_reprogram(p);
}

#endif

/*
 * defs.h: the kernel's shared types and each subsystem's entry points,
 * grouped by the file that defines them.
 */
#ifndef KERNEL_DEFS_H
#define KERNEL_DEFS_H

#include <stdint.h>
#include <stddef.h>
#include "params.h"
#include "syscall.h"
#include "abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE_ROUND_UP(a)   (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(a) ((a) & ~(PAGE_SIZE - 1))

typedef uint32_t pte_t;
typedef pte_t *pagetable_t;           /* a page of 1024 PTEs */

struct spinlock {
    volatile uint32_t locked;
    const char *name;
    struct cpu *cpu;                  /* holder, for panics */
};

/* Callee-saved registers, switched by swtch.S. */
struct context {
    uint32_t ra, sp;
    uint32_t s[12];
};

/*
 * What a trap saves (trapvec.S). For a trap from user mode it lies at the
 * top of the process's kernel stack; for one from the kernel, on the stack.
 */
struct trapframe {
    uint32_t regs[32];                /* x0..x31; regs[2] is sp */
    uint32_t epc;                     /* sepc */
    uint32_t kernel_tp;               /* this hart's struct cpu, for user traps */
    uint32_t status;                  /* sstatus, for kernel traps */
    uint32_t pad;
};
#define TF_A0 10
#define TF_A1 11
#define TF_A2 12
#define TF_A7 17
#define TF_SP 2

/* One hart, found through tp. */
struct cpu {
    uint32_t hartid;
    int index;                        /* in cpus[] */
    struct proc *proc;                /* running here, or 0 */
    struct context scheduler;         /* swtch() here to enter the scheduler */
    int noff;                         /* depth of push_off() */
    int intena;                       /* were interrupts on before push_off()? */
    volatile int online;
    volatile int idle;                /* waiting for work in wfi */
    int plic_context;                 /* this hart's S-mode PLIC context, -1 if none */
    uint64_t next_tick;
    int ticking;                      /* the periodic tick is armed (off while idle) */
    uint32_t code_seen;               /* code_generation at this hart's last fence.i */
};

/* A user address space. */
struct mm {
    pagetable_t pagetable;
    uint32_t heap_start;              /* initial break */
    uint32_t brk;                     /* current break */
    uint32_t reserved;                /* heap pages promised by sbrk, not yet present */
    uint32_t pages;                   /* user pages present */
    uint32_t foreign;                 /* other domains' pages mapped (dom0 build: /dev/privcmd) */
    uint32_t resident_stack;          /* mm_make_resident: the stack is present from here up (0: none yet) */
    uint32_t resident_brk;            /* ... and the heap up to here */
};

struct file;

struct proc {
    enum procstate state;
    int pid;
    struct proc *parent;
    void *chan;                       /* sleeping on this */
    int killed;                       /* exit at the next return to user mode */
    int exit_status;
    uint64_t wake_time;               /* sleep(): timebase ticks; 0 when not sleeping so */
    uint64_t run_start;               /* when it last started running */
    uint64_t cpu_time;                /* timebase ticks spent running */
    int hart;                         /* hartid while running, else -1 */
    struct mm mm;
    struct file *files[NOFILE];
    struct context context;
    uint8_t *kstack;
    struct trapframe *tf;             /* at the top of kstack */
    char name[PROC_NAME];
};

/* The board, as the device tree describes it (board.c). */
struct uart_info {
    uint32_t base;                    /* physical */
    uint32_t irq;
};
struct board {
    const void *dtb;
    uint32_t dtb_size;
    uint32_t ram_base, ram_size;
    uint32_t timebase_hz;
    char isa[64];                     /* the first hart's riscv,isa */
    char cmdline[128];                /* /chosen's bootargs, cut to fit */
    int harts;
    uint32_t hartids[NCPU];
    int plic_context[NCPU];           /* by index in hartids */
    uint32_t plic_base, plic_size, plic_sources;
    int uarts;
    struct uart_info uart[NUART];
    int console;                      /* index in uart[] of /chosen's stdout-path */
};
extern struct board board;

/* A file in the initramfs (initramfs.c). */
struct ramfile {
    const char *name;
    const uint8_t *data;
    uint32_t size;
};

/* entry.S, swtch.S, trapvec.S */
void secondary_entry(void);
void swtch(struct context *old, struct context *new);
void trap_vector(void);
void user_return(struct trapframe *tf) __attribute__((noreturn));

/* board.c */
int board_init(const void *dtb);

/* cpu.c */
extern struct cpu cpus[NCPU];
static inline struct cpu *mycpu(void)
{
    struct cpu *c;
    __asm__ volatile("mv %0, tp" : "=r"(c));
    return c;
}
void cpu_set(struct cpu *c);
void smp_start(void);
void send_wakeup_ipi(void);

/* spinlock.c */
void spinlock_init(struct spinlock *lock, const char *name);
void acquire(struct spinlock *lock);
void release(struct spinlock *lock);
int holding(struct spinlock *lock);
void push_off(void);
void pop_off(void);

/* kalloc.c */
void kalloc_init(void);
void *kalloc(void);                   /* a zeroed page, or 0 */
void *kalloc_reserved(void);          /* a zeroed page from an earlier kalloc_reserve */
void kfree(void *page);
int kalloc_reserve(uint32_t pages);   /* 0, or -1 if that many are not free */
void kalloc_unreserve(uint32_t pages);
uint32_t kalloc_total_pages(void);
uint32_t kalloc_free_pages(void);     /* free and not reserved */

/* vm.c */
extern pagetable_t kernel_pagetable;
void vm_init(void);
void vm_enable(void);
uintptr_t ioremap(uint32_t physical, uint32_t size);
void vm_switch(pagetable_t pagetable);
int mm_create(struct mm *mm);
void mm_destroy(struct mm *mm);
int mm_copy(struct mm *from, struct mm *to);
int mm_map_page(struct mm *mm, uint32_t va, uint32_t flags, void **page);
int mm_fault(struct mm *mm, uint32_t va, int cause);
int mm_sbrk(struct mm *mm, int increment, uint32_t *old_brk);
int mm_map_foreign(struct mm *mm, uint32_t va, uint32_t gpa, int writable);
uint32_t mm_unmap_foreign(struct mm *mm, uint32_t va);
int mm_make_resident(struct mm *mm, uint32_t sp);
int copyin(struct mm *mm, void *dst, uint32_t src, uint32_t n);
int copyout(struct mm *mm, uint32_t dst, const void *src, uint32_t n);
int copyinstr(struct mm *mm, char *dst, uint32_t src, uint32_t max);

/* proc.c */
extern struct spinlock proc_lock;
struct proc *myproc(void);
void proc_init(void);
int proc_start_init(void);
void scheduler(void) __attribute__((noreturn));
void sched(void);
void yield(void);
void sleep(void *chan, struct spinlock *lock);
void sleep_until(void *chan, struct spinlock *lock, uint64_t until);
void wakeup(void *chan);
void wake_sleepers(uint64_t now);
uint64_t proc_next_wake(void);
int proc_fork(void);
void proc_exit(int status) __attribute__((noreturn));
int proc_wait(uint32_t status_address);
int proc_kill(int pid);
int proc_sleep_ms(uint32_t ms);
int proc_list(uint32_t address, int max);
int proc_count(void);
void proc_kill_fault(struct proc *p, const char *fault, uint32_t address, uint32_t pc);

/* exec.c */
int exec(struct proc *p, const char *path, char *const argv[], int argc);

/* trap.c */
void code_written(void);
void trap_init_hart(void);
void user_trap(struct trapframe *tf) __attribute__((noreturn));
void user_trap_return(struct trapframe *tf) __attribute__((noreturn));
void kernel_trap(struct trapframe *tf);

/* timer.c */
void timer_init_hart(void);
void timer_interrupt(void);
void timer_init(void);
void timer_idle(uint64_t wake);
void timer_busy(void);
uint64_t timer_now(void);
uint32_t timer_uptime_ms(void);
uint64_t timer_ms_to_ticks(uint32_t ms);
uint32_t timer_ticks_to_ms(uint64_t ticks);

/* plic.c */
void plic_init(void);
void plic_enable(uint32_t irq, void (*handler)(int unit), int unit);
void plic_interrupt(void);

/* uart.c */
void uart_init(int index);
void uart_putc(char c);
int uart_ready(void);

/* console.c */
void console_init(void);
void console_input(char c);
int console_read(uint32_t address, int n);
int console_write(uint32_t address, int n);
void console_write_kernel(const char *s, int n);

/* klog.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void klog_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int klog_read(char *dst, int n, uint32_t offset);
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* sbi.c */
void sbi_init(void);
void sbi_describe(char *buf, int size);
int sbi_has_hsm(void);
void sbi_set_timer(uint64_t when);
void sbi_send_ipi(uint32_t mask, uint32_t base);
int sbi_hart_start(uint32_t hartid, uint32_t address, uint32_t opaque);
void sbi_console_write(const char *s, int n);
void sbi_shutdown(int reboot, int failure) __attribute__((noreturn));

/* initramfs.c */
void initramfs_init(void);
const struct ramfile *initramfs_find(const char *path);
const struct ramfile *initramfs_at(int index);
int initramfs_count(void);

/* file.c */
void file_init(void);
struct file *file_console(void);
int file_open(const char *path, int flags, struct file **out);
struct file *file_dup(struct file *f);
void file_close(struct file *f);
int file_read(struct file *f, uint32_t address, int n);
int file_write(struct file *f, uint32_t address, int n);
int file_ioctl(struct file *f, uint32_t request, uint32_t arg);

/* syscall.c */
void syscall(struct trapframe *tf);

/* Statistics for sysinfo (syscall.c). */
struct stats {
    volatile uint32_t ctx_switches;
    volatile uint32_t syscalls;
    volatile uint32_t page_faults;
};
extern struct stats stats;
static inline void stat_add(volatile uint32_t *counter)
{
    __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

#endif

/*
 * trap.c: what the kernel does with traps. From user mode: system calls,
 * page faults that fill in heap and stack, the timer (which preempts), and
 * faults, which kill the program with a message naming the fault and the
 * address. From the kernel itself only interrupts are expected; anything
 * else is a kernel bug and panics.
 */
#include "defs.h"
#include "riscv.h"
#include "platform.h"

#define STACK_OVERFLOW_REACH 0x10000u   /* below the stack this far counts as an overflow */

/* Bumped whenever the kernel writes instructions a program will run (exec,
 * fork): a hart that has not fenced since runs fence.i before user mode. */
static volatile uint32_t code_generation;

typedef void (*interrupt_handler)(void);
typedef void (*user_exception_handler)(struct proc *p, struct trapframe *tf,
                                       uint32_t cause, uint32_t tval);

static void soft_interrupt(void)
{
    csr_clear(sip, MIP_SSIP);       /* a wakeup IPI: the scheduler loop looks again */
    platform_soft_interrupt();      /* or, in the dom0 build, an event channel's upcall */
}

static const interrupt_handler interrupt_handlers[] = {
    [IRQ_S_SOFT] = soft_interrupt,
    [IRQ_S_TIMER] = timer_interrupt,
    [IRQ_S_EXT] = plic_interrupt,
};

static const char *const fault_names[NCAUSE] = {
    [CAUSE_MISALIGNED_FETCH] = "misaligned instruction fetch",
    [CAUSE_FETCH_ACCESS] = "instruction access fault",
    [CAUSE_ILLEGAL_INSTRUCTION] = "illegal instruction",
    [CAUSE_BREAKPOINT] = "breakpoint",
    [CAUSE_MISALIGNED_LOAD] = "misaligned load",
    [CAUSE_LOAD_ACCESS] = "load access fault",
    [CAUSE_MISALIGNED_STORE] = "misaligned store",
    [CAUSE_STORE_ACCESS] = "store access fault",
    [CAUSE_USER_ECALL] = "system call",
    [CAUSE_SUPERVISOR_ECALL] = "supervisor ecall",
    [CAUSE_FETCH_PAGE_FAULT] = "instruction page fault",
    [CAUSE_LOAD_PAGE_FAULT] = "load page fault",
    [CAUSE_STORE_PAGE_FAULT] = "store page fault",
};

static const char *fault_name(uint32_t cause)
{
    const char *name = cause < NCAUSE ? fault_names[cause] : 0;
    return name ? name : "unknown exception";
}

void trap_init_hart(void)
{
    csr_write(stvec, (uint32_t)(uintptr_t)trap_vector);
    csr_write(sscratch, 0);
    csr_write(scounteren, COUNTEREN_CY_TM_IR);     /* programs may read cycle, time, instret */
    csr_set(sie, MIP_SSIP | MIP_STIP | MIP_SEIP);
}

static void handle_interrupt(uint32_t cause)
{
    uint32_t irq = cause & ~CAUSE_INTERRUPT;
    if (irq >= ARRAY_SIZE(interrupt_handlers) || interrupt_handlers[irq] == 0)
        panic("unexpected interrupt %u", (unsigned)irq);
    interrupt_handlers[irq]();
}

static void user_ecall(struct proc *p, struct trapframe *tf, uint32_t cause, uint32_t tval)
{
    (void)p, (void)cause, (void)tval;
    syscall(tf);
}

static int is_stack_overflow(struct mm *mm, uint32_t address)
{
    return address < USER_STACK_BOTTOM && address >= USER_STACK_BOTTOM - STACK_OVERFLOW_REACH &&
           address >= PAGE_ROUND_UP(mm->brk);
}

static void user_page_fault(struct proc *p, struct trapframe *tf, uint32_t cause, uint32_t tval)
{
    stat_add(&stats.page_faults);
    int error = mm_fault(&p->mm, tval, (int)cause);
    if (error == 0)
        return;
    const char *fault = error == -ENOMEM ? "out of memory" :
                        is_stack_overflow(&p->mm, tval) ? "stack overflow" : fault_name(cause);
    proc_kill_fault(p, fault, tval, tf->epc);
}

/* Everything else a program can cause is fatal to it. */
static void user_fault(struct proc *p, struct trapframe *tf, uint32_t cause, uint32_t tval)
{
    int at_pc = cause == CAUSE_ILLEGAL_INSTRUCTION || cause == CAUSE_BREAKPOINT;
    proc_kill_fault(p, fault_name(cause), at_pc ? tf->epc : tval, tf->epc);
}

static const user_exception_handler user_exceptions[NCAUSE] = {
    [CAUSE_USER_ECALL] = user_ecall,
    [CAUSE_FETCH_PAGE_FAULT] = user_page_fault,
    [CAUSE_LOAD_PAGE_FAULT] = user_page_fault,
    [CAUSE_STORE_PAGE_FAULT] = user_page_fault,
};

/* A trap from user mode, from trapvec.S: tf holds the program's registers. */
void user_trap(struct trapframe *tf)
{
    uint32_t cause = csr_read(scause), tval = csr_read(stval);
    struct proc *p = myproc();
    if (csr_read(sstatus) & SSTATUS_SPP)
        panic("user_trap: not from user mode");
    if (cause & CAUSE_INTERRUPT) {
        handle_interrupt(cause);
        if ((cause & ~CAUSE_INTERRUPT) == IRQ_S_TIMER)
            yield();
    } else {
        csr_set(sstatus, SSTATUS_SIE);
        user_exception_handler handler = cause < NCAUSE ? user_exceptions[cause] : 0;
        (handler ? handler : user_fault)(p, tf, cause, tval);
    }
    user_trap_return(tf);
}

void code_written(void)
{
    __atomic_add_fetch(&code_generation, 1, __ATOMIC_RELEASE);
}

/* Makes this hart's instruction fetches see code the kernel has written. */
static void sync_code(struct cpu *c)
{
    uint32_t generation = __atomic_load_n(&code_generation, __ATOMIC_ACQUIRE);
    if (c->code_seen != generation) {
        fence_i();
        c->code_seen = generation;
    }
}

/* Back to user mode with tf's registers, unless the process has been killed. */
void user_trap_return(struct trapframe *tf)
{
    if (myproc()->killed)
        proc_exit(EXIT_KILLED);
    csr_clear(sstatus, SSTATUS_SIE);
    sync_code(mycpu());
    csr_clear(sstatus, SSTATUS_SPP);
    csr_set(sstatus, SSTATUS_SPIE);
    tf->kernel_tp = (uint32_t)(uintptr_t)mycpu();
    user_return(tf);
}

/* A trap taken in the kernel, from trapvec.S. */
void kernel_trap(struct trapframe *tf)
{
    uint32_t cause = csr_read(scause);
    if (!(tf->status & SSTATUS_SPP))
        panic("kernel_trap: from user mode");
    if (!(cause & CAUSE_INTERRUPT))
        panic("kernel trap: %s (cause %u) at pc 0x%08x, stval 0x%08x", fault_name(cause),
              (unsigned)cause, (unsigned)tf->epc, (unsigned)csr_read(stval));
    handle_interrupt(cause);
}

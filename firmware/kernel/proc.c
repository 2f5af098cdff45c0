/*
 * proc.c: processes and the scheduler. One lock, proc_lock, guards the
 * process table and every process's state; a hart holds it across the
 * switch between a process and its scheduler. Each hart runs its own
 * scheduler loop and picks runnable processes round-robin; the timer
 * preempts a process in user mode (trap.c).
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"

struct spinlock proc_lock;
static struct proc procs[NPROC];
static struct proc *init_proc;
static int next_pid = 1;
/* The earliest wake_time of a sleeper (written under proc_lock). The timer
 * reads it without the lock: a torn read costs at most one needless scan or
 * one tick of delay. */
static volatile uint64_t next_wake = ~0ull;
extern uint8_t kstacks[NPROC][KSTACK_SIZE];

void proc_init(void)
{
    spinlock_init(&proc_lock, "proc");
    for (int i = 0; i < NPROC; i++) {
        procs[i].kstack = kstacks[i];
        procs[i].tf = (struct trapframe *)(kstacks[i] + KSTACK_SIZE) - 1;
        procs[i].hart = -1;
    }
}

struct proc *myproc(void)
{
    push_off();
    struct proc *p = mycpu()->proc;
    pop_off();
    return p;
}

/* Where a new process starts: in the kernel, holding proc_lock from the scheduler. */
static void fork_return(void)
{
    release(&proc_lock);
    user_trap_return(myproc()->tf);
}

/* A free slot made ready to become a process, or 0. proc_lock held. */
static struct proc *alloc_proc(void)
{
    for (struct proc *p = procs; p < procs + NPROC; p++) {
        if (p->state != PROC_UNUSED)
            continue;
        p->state = PROC_EMBRYO;
        p->pid = next_pid++;
        p->killed = 0;
        p->exit_status = 0;
        p->wake_time = 0;
        p->cpu_time = 0;
        p->parent = 0;
        memset(p->files, 0, sizeof p->files);
        memset(&p->context, 0, sizeof p->context);
        p->context.ra = (uint32_t)(uintptr_t)fork_return;
        p->context.sp = (uint32_t)(uintptr_t)p->tf;
        return p;
    }
    return 0;
}

/* Gives a slot back. proc_lock held; the process's memory is already gone. */
static void free_proc(struct proc *p)
{
    p->state = PROC_UNUSED;
    p->pid = 0;
    p->parent = 0;
    p->name[0] = 0;
}

/* PID 1: /init if the initramfs has one, otherwise the shell. */
int proc_start_init(void)
{
    const char *path = initramfs_find("init") ? "init" : "sh";
    char *argv[] = { (char *)path, 0 };
    acquire(&proc_lock);
    struct proc *p = alloc_proc();
    release(&proc_lock);
    if (exec(p, path, argv, 1) < 0)
        return -1;
    for (int fd = STDIN; fd <= STDERR; fd++)
        p->files[fd] = file_console();
    init_proc = p;
    kprintf("  init: /%s as pid %d\n", path, p->pid);
    acquire(&proc_lock);
    p->state = PROC_RUNNABLE;
    release(&proc_lock);
    return 0;
}

/* The next runnable process after slot `from`, round-robin, or 0. proc_lock held. */
static struct proc *pick(int from)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[(from + i) % NPROC];
        if (p->state == PROC_RUNNABLE)
            return p;
    }
    return 0;
}

/* Runs `p` on this hart until it gives the hart back. proc_lock held. */
static void run(struct cpu *c, struct proc *p)
{
    p->state = PROC_RUNNING;
    p->hart = (int)c->hartid;
    p->run_start = timer_now();
    c->proc = p;
    vm_switch(p->mm.pagetable);
    stat_add(&stats.ctx_switches);
    swtch(&c->scheduler, &p->context);
    vm_switch(kernel_pagetable);
    p->cpu_time += timer_now() - p->run_start;
    p->hart = -1;
    c->proc = 0;
}

/*
 * Each hart's scheduler, forever. With nothing to run, the hart waits in
 * wfi with interrupts masked, so a wakeup cannot slip in between looking
 * and sleeping; the interrupt is taken right after.
 */
void scheduler(void)
{
    struct cpu *c = mycpu();
    int next = 0;
    for (;;) {
        csr_clear(sstatus, SSTATUS_SIE);
        acquire(&proc_lock);
        struct proc *p = pick(next);
        uint64_t wake = next_wake;
        if (p) {
            next = (int)(p - procs) + 1;
            timer_busy();
            run(c, p);
        } else {
            c->idle = 1;
        }
        release(&proc_lock);
        if (!p) {
            timer_idle(wake);
            wfi();
            c->idle = 0;
        }
        csr_set(sstatus, SSTATUS_SIE);
    }
}

/* Back to this hart's scheduler. proc_lock held, and nothing else. */
void sched(void)
{
    struct proc *p = myproc();
    struct cpu *c = mycpu();
    if (!holding(&proc_lock) || c->noff != 1)
        panic("sched: proc_lock must be the only lock held");
    if (p->state == PROC_RUNNING)
        panic("sched: %s[%d] still running", p->name, p->pid);
    int intena = c->intena;
    swtch(&p->context, &c->scheduler);
    mycpu()->intena = intena;
}

void yield(void)
{
    acquire(&proc_lock);
    myproc()->state = PROC_RUNNABLE;
    sched();
    release(&proc_lock);
}

/* Sleeps on chan, letting go of `lock` meanwhile; holds it again on return. */
void sleep(void *chan, struct spinlock *lock)
{
    struct proc *p = myproc();
    if (lock != &proc_lock) {
        acquire(&proc_lock);
        release(lock);
    }
    p->chan = chan;
    p->state = PROC_SLEEPING;
    sched();
    p->chan = 0;
    if (lock != &proc_lock) {
        release(&proc_lock);
        acquire(lock);
    }
}

/*
 * Sleeps on chan as sleep() does, and wakes by itself at timebase tick
 * `until` if nobody woke it before; the caller looks at what it waits for
 * and at the time again.
 */
void sleep_until(void *chan, struct spinlock *lock, uint64_t until)
{
    struct proc *p = myproc();
    acquire(&proc_lock);
    release(lock);
    p->wake_time = until;
    if (until < next_wake)
        next_wake = until;
    p->chan = chan;
    p->state = PROC_SLEEPING;
    sched();
    p->chan = 0;
    p->wake_time = 0;
    release(&proc_lock);
    acquire(lock);
}

/* Makes the sleepers on chan runnable. proc_lock held. Returns how many. */
static int wakeup_locked(void *chan)
{
    int woken = 0;
    for (struct proc *p = procs; p < procs + NPROC; p++) {
        if (p->state == PROC_SLEEPING && p->chan == chan) {
            p->state = PROC_RUNNABLE;
            woken++;
        }
    }
    return woken;
}

void wakeup(void *chan)
{
    acquire(&proc_lock);
    int woken = wakeup_locked(chan);
    release(&proc_lock);
    if (woken)
        send_wakeup_ipi();
}

/* From the timer: wakes the processes whose sleep() has run out. */
void wake_sleepers(uint64_t now)
{
    if (now < next_wake)
        return;
    acquire(&proc_lock);
    uint64_t earliest = ~0ull;
    for (struct proc *p = procs; p < procs + NPROC; p++) {
        if (p->state != PROC_SLEEPING || p->wake_time == 0)
            continue;
        if (p->wake_time <= now)
            p->state = PROC_RUNNABLE;
        else if (p->wake_time < earliest)
            earliest = p->wake_time;
    }
    next_wake = earliest;
    release(&proc_lock);
}

/* The earliest time a sleeper wants to wake, or ~0 if none. */
uint64_t proc_next_wake(void)
{
    acquire(&proc_lock);
    uint64_t wake = next_wake;
    release(&proc_lock);
    return wake;
}

int proc_sleep_ms(uint32_t ms)
{
    struct proc *p = myproc();
    int result = 0;
    if (ms == 0) {
        yield();
        return 0;
    }
    uint64_t until = timer_now() + timer_ms_to_ticks(ms);
    acquire(&proc_lock);
    p->wake_time = until;
    if (until < next_wake)
        next_wake = until;
    while (timer_now() < until) {
        if (p->killed) {
            result = -EINTR;
            break;
        }
        sleep(&p->wake_time, &proc_lock);
    }
    p->wake_time = 0;
    release(&proc_lock);
    return result;
}

/* Gives a half-made child back after fork failed. */
static int fork_fail(struct proc *child, int error)
{
    mm_destroy(&child->mm);
    acquire(&proc_lock);
    free_proc(child);
    release(&proc_lock);
    return error;
}

int proc_fork(void)
{
    struct proc *parent = myproc();
    acquire(&proc_lock);
    struct proc *child = alloc_proc();
    release(&proc_lock);
    if (child == 0)
        return -EAGAIN;
    int error = mm_create(&child->mm);
    if (error == 0)
        error = mm_copy(&parent->mm, &child->mm);
    if (error < 0)
        return fork_fail(child, error);
    code_written();                 /* the child's text is a fresh copy */
    *child->tf = *parent->tf;
    child->tf->regs[TF_A0] = 0;
    for (int fd = 0; fd < NOFILE; fd++)
        if (parent->files[fd])
            child->files[fd] = file_dup(parent->files[fd]);
    memcpy(child->name, parent->name, PROC_NAME);
    acquire(&proc_lock);
    int pid = child->pid;
    child->parent = parent;
    child->state = PROC_RUNNABLE;
    release(&proc_lock);
    send_wakeup_ipi();
    return pid;
}

/* Ends the calling process; its parent collects `status` with wait(). */
void proc_exit(int status)
{
    struct proc *p = myproc();
    if (p == init_proc) {
        kprintf("init exited (status %d): powering off\n", status);
        sbi_shutdown(0, status != 0);
    }
    for (int fd = 0; fd < NOFILE; fd++) {
        if (p->files[fd])
            file_close(p->files[fd]);
        p->files[fd] = 0;
    }
    vm_switch(kernel_pagetable);
    mm_destroy(&p->mm);
    acquire(&proc_lock);
    for (struct proc *q = procs; q < procs + NPROC; q++) {
        if (q->parent != p)
            continue;
        q->parent = init_proc;
        if (q->state == PROC_ZOMBIE)
            wakeup_locked(init_proc);
    }
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    wakeup_locked(p->parent);
    sched();
    panic("proc_exit: zombie %d ran again", p->pid);
}

/* Waits for a child to exit: its pid, with its status stored at status_address (if not 0). */
int proc_wait(uint32_t status_address)
{
    struct proc *p = myproc();
    acquire(&proc_lock);
    for (;;) {
        int children = 0;
        for (struct proc *q = procs; q < procs + NPROC; q++) {
            if (q->parent != p)
                continue;
            children++;
            if (q->state != PROC_ZOMBIE)
                continue;
            int pid = q->pid, status = q->exit_status;
            free_proc(q);
            release(&proc_lock);
            if (status_address && copyout(&p->mm, status_address, &status, sizeof status) < 0)
                return -EFAULT;
            return pid;
        }
        if (children == 0 || p->killed) {
            release(&proc_lock);
            return children == 0 ? -ECHILD : -EINTR;
        }
        sleep(p, &proc_lock);
    }
}

/* Marks a process to exit at its next return to user mode; wakes it if asleep. */
int proc_kill(int pid)
{
    if (pid == 1)
        return -EPERM;
    acquire(&proc_lock);
    for (struct proc *p = procs; p < procs + NPROC; p++) {
        if (p->pid != pid || p->state == PROC_UNUSED || p->state == PROC_ZOMBIE)
            continue;
        p->killed = 1;
        p->exit_status = EXIT_KILLED;
        if (p->state == PROC_SLEEPING)
            p->state = PROC_RUNNABLE;
        release(&proc_lock);
        return 0;
    }
    release(&proc_lock);
    return -ESRCH;
}

/* A user program did something fatal: say what and where, and end it. */
void proc_kill_fault(struct proc *p, const char *fault, uint32_t address, uint32_t pc)
{
    kprintf("%s[%d]: killed: %s at 0x%08x (pc 0x%08x)\n", p->name, p->pid, fault,
            (unsigned)address, (unsigned)pc);
    p->killed = 1;
}

static void fill_procinfo(struct procinfo *info, struct proc *p, uint64_t now)
{
    uint64_t cpu = p->cpu_time + (p->state == PROC_RUNNING ? now - p->run_start : 0);
    memset(info, 0, sizeof *info);
    info->pid = p->pid;
    info->ppid = p->parent ? p->parent->pid : 0;
    info->state = p->state;
    info->hart = p->hart;
    info->mem_kib = p->mm.pages * (PAGE_SIZE / 1024);
    info->cpu_ms = timer_ticks_to_ms(cpu);
    memcpy(info->name, p->name, PROC_NAME);
}

/* Fills up to `max` struct procinfo at user address `address`; returns how many. */
int proc_list(uint32_t address, int max)
{
    struct mm *mm = &myproc()->mm;
    struct procinfo info;
    uint64_t now = timer_now();
    int n = 0;
    acquire(&proc_lock);
    for (struct proc *p = procs; p < procs + NPROC && n < max; p++) {
        if (p->state == PROC_UNUSED)
            continue;
        fill_procinfo(&info, p, now);
        if (copyout(mm, address + n * sizeof info, &info, sizeof info) < 0) {
            release(&proc_lock);
            return -EFAULT;
        }
        n++;
    }
    release(&proc_lock);
    return n;
}

int proc_count(void)
{
    int n = 0;
    for (struct proc *p = procs; p < procs + NPROC; p++)
        n += p->state != PROC_UNUSED;
    return n;
}

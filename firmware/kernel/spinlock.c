/*
 * spinlock.c: mutual exclusion between harts. A hart holding a spinlock
 * runs with interrupts off (push_off), so an interrupt handler on the same
 * hart can never wait for a lock its own hart holds.
 */
#include "defs.h"
#include "riscv.h"

static inline int interrupts_enabled(void)
{
    return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

void spinlock_init(struct spinlock *lock, const char *name)
{
    lock->locked = 0;
    lock->name = name;
    lock->cpu = 0;
}

void acquire(struct spinlock *lock)
{
    push_off();
    if (holding(lock))
        panic("acquire: %s already held by this hart", lock->name);
    while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
        ;
    lock->cpu = mycpu();
}

void release(struct spinlock *lock)
{
    if (!holding(lock))
        panic("release: %s not held", lock->name);
    lock->cpu = 0;
    __atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
    pop_off();
}

/* Does this hart hold the lock? Interrupts must be off. */
int holding(struct spinlock *lock)
{
    return lock->locked && lock->cpu == mycpu();
}

/* Like turning interrupts off, but nests: as many pop_off()s undo it. */
void push_off(void)
{
    int enabled = interrupts_enabled();
    csr_clear(sstatus, SSTATUS_SIE);
    struct cpu *c = mycpu();
    if (c->noff == 0)
        c->intena = enabled;
    c->noff++;
}

void pop_off(void)
{
    struct cpu *c = mycpu();
    if (interrupts_enabled())
        panic("pop_off: interrupts on");
    if (c->noff < 1)
        panic("pop_off: not pushed");
    c->noff--;
    if (c->noff == 0 && c->intena)
        csr_set(sstatus, SSTATUS_SIE);
}

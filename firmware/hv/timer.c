/*
 * timer.c: software timers, a sorted list per pCPU, on the one hardware
 * timer each hart has (SBI set_timer: the firmware's mtimecmp, or
 * stimecmp where the hart has Sstc). A pCPU's hart timer is set to the
 * earliest of its timers and the deadline of the guest it runs (a field of
 * the vCPU, so that the guest's set_timer is only a store: vcpu.c), and
 * off (~0) when there is none, so an idle pCPU sleeps until something is
 * due. Callbacks run on the pCPU the timer was armed on, with no lock held.
 */
#include "hv.h"

void timer_init(struct timer *t, void (*fn)(void *), void *data)
{
    t->fn = fn;
    t->data = data;
    t->next = 0;
    t->pcpu = -1;
    t->deadline = NO_DEADLINE;
}

/* Unlinks t from p's list. p->timer_lock held; t is on it. */
static void unlink_timer(struct pcpu *p, struct timer *t)
{
    struct timer **at = &p->timers;
    while (*at && *at != t)
        at = &(*at)->next;
    if (*at)
        *at = t->next;
    t->next = 0;
    t->pcpu = -1;
}

void timer_stop(struct timer *t)
{
    for (;;) {
        int on = __atomic_load_n(&t->pcpu, __ATOMIC_ACQUIRE);
        if (on < 0)
            return;
        struct pcpu *p = &pcpus[on];
        spin_lock(&p->timer_lock);
        if (t->pcpu == on) {
            unlink_timer(p, t);
            spin_unlock(&p->timer_lock);
            return;
        }
        spin_unlock(&p->timer_lock);
    }
}

/*
 * Arms t for `deadline` (timebase ticks) on pCPU `pcpu`, disarming it
 * first. If it becomes that pCPU's earliest, the pCPU is told so that it
 * sets its hart timer (this one does so before it next enters a guest).
 */
void timer_set(struct timer *t, int pcpu, uint64_t deadline)
{
    struct pcpu *p = &pcpus[pcpu];
    if (t->pcpu != pcpu)
        timer_stop(t);
    spin_lock(&p->timer_lock);
    if (t->pcpu == pcpu)
        unlink_timer(p, t);         /* re-armed where it was: one lock does both */
    t->deadline = deadline;
    struct timer **at = &p->timers;
    while (*at && (*at)->deadline <= deadline)
        at = &(*at)->next;
    t->next = *at;
    *at = t;
    t->pcpu = pcpu;
    p->timers_changed = 1;
    int earliest = p->timers == t && deadline < p->hw_deadline;
    spin_unlock(&p->timer_lock);
    if (earliest && p != this_pcpu())
        pcpu_kick(pcpu);
}

/* Runs p's timers that are due. */
void timer_run_expired(struct pcpu *p)
{
    struct timer *first = __atomic_load_n(&p->timers, __ATOMIC_ACQUIRE);
    if (first == 0)
        return;
    uint64_t now = time_now();
    spin_lock(&p->timer_lock);
    while (p->timers && p->timers->deadline <= now) {
        struct timer *t = p->timers;
        unlink_timer(p, t);
        spin_unlock(&p->timer_lock);
        t->fn(t->data);
        spin_lock(&p->timer_lock);
    }
    spin_unlock(&p->timer_lock);
}

/*
 * Sets the hart's timer to p's earliest deadline (its timers', or its
 * guest's), if it is not already.
 * After a timer interrupt the caller forgets hw_deadline first, so that
 * the call to the firmware also clears the interrupt (SBI set_timer does).
 */
void timer_reprogram(struct pcpu *p)
{
    spin_lock(&p->timer_lock);
    p->timers_changed = 0;
    uint64_t deadline = timer_earliest(p);
    spin_unlock(&p->timer_lock);
    if (deadline == p->hw_deadline)
        return;
    p->hw_deadline = deadline;
    sbi_set_timer(deadline);
}

uint64_t ms_to_ticks(uint32_t ms)
{
    return (uint64_t)ms * host.timebase_hz / 1000;
}

uint32_t ticks_to_ms(uint64_t ticks)
{
    return (uint32_t)(ticks * 1000 / host.timebase_hz);
}

uint64_t ticks_to_ns(uint64_t ticks)
{
    uint64_t hz = host.timebase_hz;
    return ticks / hz * 1000000000ull + ticks % hz * 1000000000ull / hz;
}

uint64_t ns_to_ticks(uint64_t ns)
{
    uint64_t hz = host.timebase_hz;
    return ns / 1000000000ull * hz + ns % 1000000000ull * hz / 1000000000ull;
}

/*
 * sched_credit.c: Xen's credit scheduler (credit1), for vCPUs on pCPUs.
 *
 * Every 30 ms the credits of one pCPU-period per pCPU are handed out to the
 * domains that used CPU lately, in proportion to their weights (and no
 * more than a capped domain's cap), and shared among each domain's active
 * vCPUs. Running debits a vCPU's credit by the time it ran (10 credits per
 * ms). A vCPU with credit left is UNDER, one that spent it is OVER, and
 * UNDER runs first; a vCPU that wakes from waiting while UNDER is
 * BOOSTed ahead of both until its next tick, so interactive work answers
 * at once. Each pCPU has a run queue, ordered by priority and first come
 * first served within one; a pCPU that would go idle, or run only OVER
 * work, steals better work from the other queues. Time slices are 30 ms,
 * ticks 10 ms; an idle pCPU has no tick at all.
 *
 * One lock, sched_lock, guards the queues and every vCPU's state and
 * processor: the events it serialises (wake, block, slice end) are rare
 * next to the exits that do not schedule.
 */
#include "hv.h"

struct spinlock sched_lock;
static struct timer accounting_timer;    /* on pCPU 0, armed while any vCPU is active */
static int accounting_armed;

static void accounting(void *data);

void sched_init_pcpu(struct pcpu *p)
{
    list_init(&p->runq);
    timer_init(&p->tick, sched_tick, p);
    if (p->id == 0)
        timer_init(&accounting_timer, accounting, 0);
}

void sched_init_vcpu(struct vcpu *v)
{
    list_init(&v->runq);
    v->priority = PRIO_UNDER;
    v->credit = 0;
    v->active = 0;
    v->parked = 0;
}

static struct vcpu *runq_entry(struct list *node)
{
    return container_of(node, struct vcpu, runq);
}

/* Queues v behind every vCPU of its priority or better. */
static void runq_insert(struct pcpu *p, struct vcpu *v)
{
    struct list *at = p->runq.next;
    while (at != &p->runq && runq_entry(at)->priority <= v->priority)
        at = at->next;
    list_insert_before(at, &v->runq);
    p->runq_length++;
}

static void runq_remove(struct vcpu *v)
{
    if (!list_linked(&v->runq))
        return;
    list_remove(&v->runq);
    pcpus[v->processor].runq_length--;
}

/* May v run on pCPU `pcpu` (its hard affinity)? */
static int allowed(const struct vcpu *v, int pcpu)
{
    return v->hard_affinity >> pcpu & 1;
}

/*
 * The first vCPU of p's queue that may run on pCPU `on` (not parked, not
 * down, its domain not paused, its affinity allowing), or 0.
 */
static struct vcpu *runq_first(struct pcpu *p, int better_than, int on)
{
    for (struct list *at = p->runq.next; at != &p->runq; at = at->next) {
        struct vcpu *v = runq_entry(at);
        if (v->priority >= better_than)
            return 0;
        if (!v->parked && !v->down && !v->domain->pause_count && allowed(v, on))
            return v;
    }
    return 0;
}

static int priority_of(const struct vcpu *v)
{
    return v ? v->priority : PRIO_NONE;
}

static int pcpu_idle(const struct pcpu *p)
{
    return p->online && p->current == 0 && p->runq_length == 0;
}

/*
 * Where a waking vCPU should run, among the pCPUs its affinity allows:
 * its own pCPU if idle, else an idle one, else its own (if up), else the
 * first that is up.
 */
static int pick_pcpu(const struct vcpu *v)
{
    struct pcpu *own = &pcpus[v->processor];
    if (allowed(v, own->id) && pcpu_idle(own))
        return own->id;
    for (int i = 0; i < host.npcpus; i++)
        if (allowed(v, i) && pcpu_idle(&pcpus[i]))
            return i;
    if (allowed(v, own->id) && own->online)
        return own->id;
    for (int i = 0; i < host.npcpus; i++)
        if (allowed(v, i) && pcpus[i].online)
            return i;
    return 0;                       /* setvcpuaffinity keeps an online pCPU in every mask */
}

/* Makes p reschedule if v is better than what p runs (or p is idle). */
static void tickle(struct pcpu *p, const struct vcpu *v)
{
    if (p->current == 0 || v->priority < p->current->priority)
        pcpu_raise_softirq(p, SOFTIRQ_SCHEDULE);
}

/*
 * v (blocked or offline) becomes runnable: BOOSTed if it is UNDER, queued
 * on an idle pCPU if there is one, and that pCPU told. sched_lock held.
 */
void sched_wake(struct vcpu *v)
{
    if (v->domain->state != DOMAIN_RUNNING || v->state == VCPU_RUNNABLE || v->state == VCPU_RUNNING)
        return;
    if (v->priority == PRIO_UNDER)
        v->priority = PRIO_BOOST;
    v->state = VCPU_RUNNABLE;
    v->suspended = 0;
    v->processor = pick_pcpu(v);
    runq_insert(&pcpus[v->processor], v);
    tickle(&pcpus[v->processor], v);
}

/* The pCPUs that are up, as a mask. */
uint32_t sched_online_pcpus(void)
{
    uint32_t mask = 0;
    for (int i = 0; i < host.npcpus; i++)
        if (pcpus[i].online)
            mask |= 1u << i;
    return mask;
}

/*
 * domctl setvcpuaffinity: v may run only on the pCPUs of `hard` (bit n,
 * pCPU n) from now on: queued elsewhere, it moves; running elsewhere, its
 * pCPU reschedules at once. `soft` is kept for getvcpuaffinity. -EINVAL
 * if no pCPU of `hard` is up.
 */
long sched_set_affinity(struct vcpu *v, uint32_t hard, uint32_t soft)
{
    if ((hard & sched_online_pcpus()) == 0)
        return -XEN_EINVAL;
    spin_lock(&sched_lock);
    v->hard_affinity = hard;
    v->soft_affinity = soft;
    if (v->state == VCPU_RUNNABLE && !allowed(v, v->processor)) {
        runq_remove(v);
        v->processor = pick_pcpu(v);
        runq_insert(&pcpus[v->processor], v);
        tickle(&pcpus[v->processor], v);
    } else if (v->state == VCPU_RUNNING && !allowed(v, v->processor))
        pcpu_raise_softirq(&pcpus[v->processor], SOFTIRQ_SCHEDULE);
    spin_unlock(&sched_lock);
    return 0;
}

/* Domain 0 sets d's weight (0: as it was) and cap (0xffff: as it was), from the next accounting on. */
void sched_set_credit(struct domain *d, uint32_t weight, uint32_t cap)
{
    spin_lock(&sched_lock);
    if (weight != 0)
        d->weight = weight;
    if (cap != 0xffff)
        d->cap = cap;
    spin_unlock(&sched_lock);
}

/* Takes v off its run queue (it is not to run). sched_lock held. */
void sched_remove(struct vcpu *v)
{
    runq_remove(v);
}

static uint64_t ticks_per_ms(void)
{
    return host.timebase_hz / 1000;
}

/* Debits v's credit for the time it ran since it was last debited; it takes part in accounting. */
static void burn_credits(struct vcpu *v, uint64_t now)
{
    uint64_t ran = now - v->credited_until;
    v->credited_until = now;
    v->credit -= (int32_t)(ran * CREDITS_PER_MSEC / ticks_per_ms());
    if (!v->active) {
        v->active = 1;
        if (!accounting_armed) {
            accounting_armed = 1;
            timer_set(&accounting_timer, 0, now + ms_to_ticks(TICK_MS * TICKS_PER_ACCT));
        }
    }
}

static uint32_t divide_up(uint64_t n, uint64_t d)
{
    return (uint32_t)((n + d - 1) / d);
}

/* Re-sorts a run queue after accounting changed priorities. */
static void runq_sort(struct pcpu *p)
{
    struct list sorted;
    list_init(&sorted);
    while (!list_empty(&p->runq)) {
        struct vcpu *v = runq_entry(p->runq.next);
        list_remove(&v->runq);
        struct list *at = sorted.next;
        while (at != &sorted && runq_entry(at)->priority <= v->priority)
            at = at->next;
        list_insert_before(at, &v->runq);
    }
    if (!list_empty(&sorted)) {
        p->runq.next = sorted.next;
        p->runq.prev = sorted.prev;
        sorted.next->prev = &p->runq;
        sorted.prev->next = &p->runq;
    }
}

/* Hands one domain its share of `credit_total`; returns whether any vCPU stays active. */
static int credit_domain(struct domain *d, uint32_t credit_total, uint64_t weight_total)
{
    int active = 0, still_active = 0;
    for (int i = 0; i < d->nvcpus; i++)
        active += d->vcpus[i].active;
    if (active == 0)
        return 0;
    uint32_t fair = divide_up((uint64_t)credit_total * d->weight * active, weight_total);
    if (d->cap) {
        uint32_t cap = divide_up((uint64_t)d->cap * CREDITS_PER_ACCT, 100);
        if (fair > cap)
            fair = cap;
    }
    int32_t share = (int32_t)divide_up(fair, (uint32_t)active);
    for (int i = 0; i < d->nvcpus; i++) {
        struct vcpu *v = &d->vcpus[i];
        if (!v->active)
            continue;
        v->credit += share;
        v->parked = d->cap && v->credit < 0;
        if (v->credit < 0) {
            v->priority = PRIO_OVER;
        } else {
            v->priority = PRIO_UNDER;
            if (v->credit > CREDITS_PER_TSLICE) {   /* it does not use its share: it rests */
                v->active = 0;
                v->credit /= 2;
            }
        }
        still_active |= v->active;
    }
    return still_active;
}

/* Every 30 ms while any vCPU is active: the credits of the period, by weight. */
static void accounting(void *data)
{
    (void)data;
    spin_lock(&sched_lock);
    uint64_t weight_total = 0;
    for (int id = 0; id < NDOMAIN; id++) {
        struct domain *d = &domains[id];
        if (d->state != DOMAIN_RUNNING)
            continue;
        for (int i = 0; i < d->nvcpus; i++)
            weight_total += d->vcpus[i].active ? d->weight : 0;
    }
    int any_active = 0;
    uint32_t credit_total = CREDITS_PER_ACCT * (uint32_t)host.npcpus;
    for (int id = 0; weight_total && id < NDOMAIN; id++)
        if (domains[id].state == DOMAIN_RUNNING)
            any_active |= credit_domain(&domains[id], credit_total, weight_total);
    for (int i = 0; i < host.npcpus; i++) {
        struct pcpu *p = &pcpus[i];
        runq_sort(p);
        struct vcpu *waiting = runq_first(p, PRIO_NONE, p->id);
        if (waiting && priority_of(waiting) < priority_of(p->current))
            pcpu_raise_softirq(p, SOFTIRQ_SCHEDULE);
    }
    accounting_armed = any_active;
    if (any_active)
        timer_set(&accounting_timer, 0, time_now() + ms_to_ticks(TICK_MS * TICKS_PER_ACCT));
    spin_unlock(&sched_lock);
}

/*
 * Every 10 ms on a pCPU running a vCPU: debit it, end a BOOST, and
 * reschedule at the end of its slice, or at once if better work waits.
 */
void sched_tick(void *data)
{
    struct pcpu *p = data;
    uint64_t now = time_now();
    int reschedule = 0;
    spin_lock(&sched_lock);
    struct vcpu *v = p->current;
    if (v) {
        burn_credits(v, now);
        if (v->priority == PRIO_BOOST)
            v->priority = PRIO_UNDER;
        p->ticks++;
        struct vcpu *waiting = runq_first(p, PRIO_NONE, p->id);
        reschedule = p->ticks >= TICKS_PER_TSLICE || v->parked ||
                     (waiting && waiting->priority < v->priority);
        timer_set(&p->tick, p->id, now + ms_to_ticks(TICK_MS));
    }
    spin_unlock(&sched_lock);
    if (reschedule)
        pcpu_raise_softirq(p, SOFTIRQ_SCHEDULE);
}

/* Takes from another pCPU's queue a vCPU better than `than`, or 0. */
static struct vcpu *steal(struct pcpu *p, int than)
{
    for (int n = 1; n < host.npcpus; n++) {
        struct pcpu *victim = &pcpus[(p->id + n) % host.npcpus];
        struct vcpu *v = runq_first(victim, than, p->id);
        if (v) {
            runq_remove(v);
            v->processor = p->id;
            return v;
        }
    }
    return 0;
}

/* v becomes current on p. sched_lock held. */
static void arrive(struct pcpu *p, struct vcpu *v, uint64_t now)
{
    runq_remove(v);
    v->processor = p->id;
    v->state = VCPU_RUNNING;
    v->scheduled_at = v->credited_until = now;
    v->exit_at = (uint32_t)now;
    v->domain->on_cpu++;
    vcpu_timer_unpark(v);
    p->current = v;
    p->ticks = 0;
    p->slice_end = now + ms_to_ticks(TICK_MS * TICKS_PER_TSLICE);
    timer_set(&p->tick, p->id, now + ms_to_ticks(TICK_MS));
}

/*
 * p's current vCPU leaves it: its state saved and its time counted, then
 * blocked, queued again, or offline, as `how` says (offline whatever it
 * says if its domain is shutting down). Returns its domain if that was
 * the domain's last vCPU on a pCPU while it shuts down (to be finished
 * outside the lock), else 0. sched_lock held.
 */
static struct domain *leave(struct pcpu *p, int how, uint64_t now)
{
    struct vcpu *v = p->current;
    struct domain *d = v->domain;
    if (p->loaded == v)
        vcpu_unload(p);
    burn_credits(v, now);
    v->stats.time_run += now - v->scheduled_at;
    v->stats.time_hv += (uint32_t)((uint32_t)now - v->exit_at);
    v->exit_at = (uint32_t)now;
    p->current = 0;
    timer_stop(&p->tick);
    if (d->state != DOMAIN_RUNNING || how == DESCHEDULE_STOP) {
        v->state = VCPU_OFFLINE;
        v->timer_deadline = NO_DEADLINE;
    } else if (how == DESCHEDULE_BLOCK && !vcpu_wake_condition(v)) {
        v->state = VCPU_BLOCKED;
        vcpu_timer_park(v, p->id);
    } else {
        v->state = VCPU_RUNNABLE;
        v->suspended = 0;
        vcpu_timer_park(v, p->id);
        if (allowed(v, p->id))
            runq_insert(p, v);
        else {                      /* its affinity changed: to a pCPU it may use */
            v->processor = pick_pcpu(v);
            runq_insert(&pcpus[v->processor], v);
            tickle(&pcpus[v->processor], v);
        }
    }
    d->on_cpu--;
    return d->state == DOMAIN_SHUTDOWN && d->on_cpu == 0 ? d : 0;
}

/* p's current vCPU stops running here (WFI, HSM stop), from its exit. */
void sched_deschedule(struct pcpu *p, int how)
{
    spin_lock(&sched_lock);
    struct domain *finished = p->current ? leave(p, how, time_now()) : 0;
    spin_unlock(&sched_lock);
    pcpu_raise_softirq(p, SOFTIRQ_SCHEDULE);
    if (finished)
        domain_vcpu_left(finished);
}

/* May p's current vCPU go on running? */
static int may_continue(const struct vcpu *v)
{
    return v && v->state == VCPU_RUNNING && v->domain->state == DOMAIN_RUNNING && !v->parked && !v->down &&
           !v->domain->pause_count && allowed(v, v->processor);
}

/*
 * Picks what p runs next: its current vCPU, the head of its queue, or
 * stolen better work; 0 to idle. The current vCPU keeps the pCPU unless
 * something better waits, or its slice is over and an equal waits.
 */
struct vcpu *sched_schedule(struct pcpu *p)
{
    uint64_t now = time_now();
    struct domain *finished = 0;
    spin_lock(&sched_lock);
    struct vcpu *v = p->current;
    int keep = may_continue(v);
    if (v)
        burn_credits(v, now);
    int best = keep ? v->priority : PRIO_NONE;
    struct vcpu *head = runq_first(p, PRIO_NONE, p->id);
    if (priority_of(head) < best)
        best = priority_of(head);
    if (best >= PRIO_OVER) {
        struct vcpu *stolen = steal(p, best);
        if (stolen)
            head = stolen;
    }
    struct vcpu *next = head;
    if (keep && (head == 0 || head->priority > v->priority ||
                 (head->priority == v->priority && (int64_t)(now - p->slice_end) < 0)))
        next = v;
    if (next != v && v) {
        int runnable = v->state == VCPU_RUNNING && v->domain->state == DOMAIN_RUNNING;
        finished = leave(p, runnable ? DESCHEDULE_PREEMPT : DESCHEDULE_STOP, now);
    }
    if (next != v && next)
        arrive(p, next, now);
    if (next == v && next && (int64_t)(now - p->slice_end) >= 0) {
        p->ticks = 0;
        p->slice_end = now + ms_to_ticks(TICK_MS * TICKS_PER_TSLICE);
    }
    spin_unlock(&sched_lock);
    if (finished)
        domain_vcpu_left(finished);
    return next;
}

static const char *const priority_names[] = { "BOOST", "UNDER", "OVER", "-" };

/* The 'r' key: each pCPU's current vCPU and run queue. */
void sched_dump(void)
{
    spin_lock(&sched_lock);
    hv_printk("Scheduler: credit (credit1), %d ms slices, %d ms ticks, %d pCPUs\n",
              TICK_MS * TICKS_PER_TSLICE, TICK_MS, host.npcpus);
    for (int i = 0; i < host.npcpus; i++) {
        struct pcpu *p = &pcpus[i];
        struct vcpu *v = p->current;
        if (v)
            hv_printk("pCPU %d (hart %u): running d%dv%d (%s, credit %d)\n", i, (unsigned)p->hartid,
                      v->domain->id, v->id, priority_names[v->priority], (int)v->credit);
        else
            hv_printk("pCPU %d (hart %u): idle%s\n", i, (unsigned)p->hartid, p->online ? "" : " (offline)");
        int n = 0;
        for (struct list *at = p->runq.next; at != &p->runq; at = at->next, n++) {
            struct vcpu *q = runq_entry(at);
            hv_printk("  queue %d: d%dv%d (%s, credit %d%s)\n", n, q->domain->id, q->id,
                      priority_names[q->priority], (int)q->credit, q->parked ? ", parked at its cap" : "");
        }
        if (n == 0)
            hv_printk("  queue empty\n");
    }
    spin_unlock(&sched_lock);
}

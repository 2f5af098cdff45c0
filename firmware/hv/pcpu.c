/*
 * pcpu.c: what each pCPU does between exits: its softirqs, the way back
 * into a guest (pcpu_return), idling in WFI when nothing is runnable, and
 * the interrupts the hypervisor takes for itself: IPIs from other pCPUs,
 * its timer, and the machine's PLIC (the physical UARTs).
 */
#include "hv.h"

struct pcpu pcpus[NPCPU];

void pcpu_init(struct pcpu *p, int id)
{
    p->id = id;
    p->hartid = host.hartids[id];
    p->stack_top = (uint32_t)(uintptr_t)hv_stacks_top(id);
    p->hw_deadline = ~0ull;
    p->current = p->loaded = 0;
    sched_init_pcpu(p);
}

/* An IPI to pCPU `pcpu` (not this one): it exits from its guest, or wakes from WFI. */
void pcpu_kick(int pcpu)
{
    if (pcpu == this_pcpu()->id)
        return;
    sbi_send_ipi_to(pcpus[pcpu].hartid);
}

void pcpu_raise_softirq(struct pcpu *p, uint32_t softirq)
{
    __atomic_or_fetch(&p->softirq, softirq, __ATOMIC_RELEASE);
    if (p != this_pcpu())
        pcpu_kick(p->id);
}

/* The hypervisor's own interrupts (sip bits): IPI, timer, external. */
void pcpu_handle_interrupts(uint32_t pending)
{
    struct pcpu *p = this_pcpu();
    if (pending & MIP_SSIP)
        csr_clear(sip, MIP_SSIP);   /* an IPI only says "look again": the loop below does */
    if (pending & MIP_STIP) {
        p->hw_deadline = 0;         /* forget it: the next set_timer also clears STIP */
        p->timers_changed = 1;
        p->softirq |= SOFTIRQ_TIMER;
    }
    if (pending & MIP_SEIP)
        console_interrupt();
}

/* Nothing to run: sleep in WFI until an interrupt, then handle it. */
static void idle_wait(struct pcpu *p)
{
    if (__atomic_load_n(&p->softirq, __ATOMIC_ACQUIRE))
        return;
    timer_reprogram(p);
    uint64_t since = time_now();
    wfi();
    p->idle_time += time_now() - since;
    pcpu_handle_interrupts(csr_read(sip) & (MIP_SSIP | MIP_STIP | MIP_SEIP));
}

/*
 * The end of an exit: straight back into the guest when nothing happened
 * that asks for more (no softirq, the vCPU still runs); else pcpu_return.
 */
void pcpu_exit_done(struct pcpu *p, struct vcpu *v)
{
    if (p->softirq == 0 && p->current == v && v->state == VCPU_RUNNING && v->domain->state == DOMAIN_RUNNING) {
        timer_reprogram_if_changed(p);
        vcpu_enter(p, v);
    }
    pcpu_return();
}

/*
 * The end of every exit, and each pCPU's loop: run the timers that are
 * due (when the hart's timer fired), then return to the current vCPU if it may go on and nothing asked
 * for a reschedule, else pick the next one, else idle. Never returns: it
 * leaves through vcpu_enter.
 */
void pcpu_return(void)
{
    struct pcpu *p = this_pcpu();
    for (;;) {
        uint32_t softirq = p->softirq ? __atomic_exchange_n(&p->softirq, 0, __ATOMIC_ACQ_REL) : 0;
        struct vcpu *v = p->current;
        if (softirq & SOFTIRQ_TIMER) {
            uint64_t now = time_now();
            timer_run_expired(p);
            if (v)
                vcpu_check_timer(v, now);
        }
        if (v && !(softirq & SOFTIRQ_SCHEDULE) && v->state == VCPU_RUNNING &&
            v->domain->state == DOMAIN_RUNNING) {
            timer_reprogram_if_changed(p);
            vcpu_enter(p, v);
        }
        struct vcpu *next = sched_schedule(p);
        if (next) {
            timer_reprogram(p);
            vcpu_enter(p, next);
        }
        idle_wait(p);
    }
}

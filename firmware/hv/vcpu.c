/*
 * vcpu.c: a vCPU's life on a pCPU: loading its VS-level CSRs into the hart
 * and saving them back, entering the guest, the virtual interrupts others
 * raise for it (kept in memory until the next entry writes hvip), blocking
 * in WFI and waking, the guest's SBI timer and its VCPUOP singleshot
 * timer, and injecting a trap into the guest as a bare hart would take it.
 *
 * A vCPU's VS CSRs live in the hart from vcpu_load until vcpu_unload, and
 * in struct vcpu otherwise. A pCPU unloads a vCPU before anyone else can
 * see it leave (blocked, back on a run queue, offline), so no two pCPUs
 * ever hold the same vCPU's registers.
 */
#include "hv.h"
#include "string.h"

#define SSTATUS_SPP_VS SSTATUS_SPP     /* at an exit, sstatus.SPP: the guest was in VS-mode */

static void vcpu_timer_fired(void *data);
static void vcpu_singleshot_fired(void *data);

void vcpu_init(struct vcpu *v, struct domain *d, int id)
{
    memset(v, 0, sizeof *v);
    v->domain = d;
    v->id = id;
    v->state = VCPU_OFFLINE;
    v->last_pcpu = -1;
    v->processor = (d->id + id) % host.npcpus;
    v->hard_affinity = v->soft_affinity = ~0u;
    v->timer_deadline = NO_DEADLINE;
    timer_init(&v->timer, vcpu_timer_fired, v);
    timer_init(&v->singleshot, vcpu_singleshot_fired, v);
    timer_init(&v->poll_timer, evtchn_poll_timeout, v);
    sched_init_vcpu(v);
}

/* An offline vCPU's registers as a hart's out of reset: at `pc` in VS-mode, translation and interrupts off. */
static void reset(struct vcpu *v, uint32_t pc)
{
    memset(&v->regs, 0, sizeof v->regs);
    v->regs.pc = pc;
    v->regs.sstatus = SSTATUS_SPP_VS;
    v->vsstatus = v->vsie = v->vstvec = v->vsscratch = v->vsepc = v->vscause = v->vstval = v->vsatp = 0;
    v->hvip = 0;
    v->irq_raise = 0;
    v->timer_deadline = NO_DEADLINE;
    v->suspended = 0;
    v->down = 0;
    v->flush_requested = v->flush_done;
}

/*
 * Starts an offline vCPU at `pc` with a0 and a1: how a hart comes out of
 * reset or HSM hart_start. Called with sched_lock held.
 */
void vcpu_start(struct vcpu *v, uint32_t pc, uint32_t a0, uint32_t a1)
{
    reset(v, pc);
    v->regs.x[10] = a0;
    v->regs.x[11] = a1;
    sched_wake(v);
}

/*
 * domctl setvcpucontext: an offline vCPU gets these registers, as at
 * reset (VS-mode, interrupts off), and with VGCF_online starts: it runs
 * once its domain is unpaused. -EBUSY if it runs already.
 */
long vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *context)
{
    long error = 0;
    spin_lock(&sched_lock);
    if (v->state != VCPU_OFFLINE || v->domain->state != DOMAIN_RUNNING)
        error = -XEN_EBUSY;
    else {
        reset(v, context->pc);
        for (int i = 1; i < 32; i++)
            v->regs.x[i] = context->x[i];
        v->vsatp = context->satp;
        if (context->flags & VGCF_online)
            sched_wake(v);
    }
    spin_unlock(&sched_lock);
    return error;
}

/*
 * Makes v's VS-level state the hart's: its CSRs and its domain's G-stage.
 * TLB entries of the domain's VMID are flushed when this hart last ran
 * another vCPU of the domain (they share the VMID but not the TLB a bare
 * hart would have), or an earlier build of the domain, or its G-stage
 * changed since. The hart's instruction fetches are made coherent
 * (FENCE.I) with what other harts wrote when v comes from another pCPU
 * (its own FENCE.I ran there, not here) and for a new build or G-stage:
 * its frames may have been another domain's code, decoded here, and been
 * written since by the hart that built it (domain 0's, for xl create).
 */
void vcpu_load(struct pcpu *p, struct vcpu *v)
{
    struct domain *d = v->domain;
    csr_write(hgatp, d->hgatp);
    if (p->vmid_epoch[d->vmid] != d->vmid_epoch) {
        fence_i();
        hfence_gvma_vmid(d->vmid);
        hfence_vvma_all();
        p->vmid_epoch[d->vmid] = d->vmid_epoch;
        d->last_vcpu_ran[p->id] = v->id;
    } else {
        if (v->last_pcpu != p->id)
            fence_i();
        if (d->last_vcpu_ran[p->id] != v->id) {
            hfence_vvma_all();
            d->last_vcpu_ran[p->id] = v->id;
        }
    }
    v->last_pcpu = p->id;
    csr_write(vsstatus, v->vsstatus);
    csr_write(vsie, v->vsie);
    csr_write(vstvec, v->vstvec);
    csr_write(vsscratch, v->vsscratch);
    csr_write(vsepc, v->vsepc);
    csr_write(vscause, v->vscause);
    csr_write(vstval, v->vstval);
    csr_write(vsatp, v->vsatp);
    csr_write(hvip, v->hvip);
    csr_write(htimedelta, (uint32_t)d->time_offset);
    csr_write(htimedeltah, (uint32_t)(d->time_offset >> 32));
    p->loaded = v;
}

/* Saves the loaded vCPU's VS-level state back into it. */
void vcpu_unload(struct pcpu *p)
{
    struct vcpu *v = p->loaded;
    if (v == 0)
        return;
    v->vsstatus = csr_read(vsstatus);
    v->vsie = csr_read(vsie);
    v->vstvec = csr_read(vstvec);
    v->vsscratch = csr_read(vsscratch);
    v->vsepc = csr_read(vsepc);
    v->vscause = csr_read(vscause);
    v->vstval = csr_read(vstval);
    v->vsatp = csr_read(vsatp);
    v->hvip = csr_read(hvip) & HVIP_ALL;
    p->loaded = 0;
}

/* Runs the guest's remote fences asked for since the last entry (SBI RFENCE). */
static void vcpu_flush_requested(struct vcpu *v)
{
    uint32_t requested = __atomic_load_n(&v->flush_requested, __ATOMIC_ACQUIRE);
    if (requested == v->flush_done)
        return;
    fence_i();
    hfence_gvma_vmid(v->domain->vmid);  /* p2m_flush: a G-stage mapping may have gone */
    hfence_vvma_all();
    __atomic_store_n(&v->flush_done, requested, __ATOMIC_RELEASE);
}

/*
 * Enters v's guest where it left off: the VS state loaded, the virtual
 * interrupts others raised merged into hvip, the guest's pc and privilege
 * in sepc and sstatus.SPP, and hstatus set to return to V=1 with WFI
 * trapping (so that a waiting vCPU gives its pCPU back).
 */
void vcpu_enter(struct pcpu *p, struct vcpu *v)
{
    if (p->loaded != v) {
        vcpu_unload(p);
        vcpu_load(p, v);
        p->loaded_external = -1;
    }
    if (v->polling)
        evtchn_poll_end(v);
    uint32_t raised = v->irq_raise ? __atomic_exchange_n(&v->irq_raise, 0, __ATOMIC_ACQ_REL) : 0;
    int external = (int)__atomic_load_n(&v->irq_external, __ATOMIC_ACQUIRE);
    if (raised || external != p->loaded_external) {
        uint32_t hvip = (csr_read(hvip) | raised) & ~HVIP_VSEIP;
        csr_write(hvip, hvip | (external ? HVIP_VSEIP : 0));
        p->loaded_external = external;
    }
    int in_vs = (v->regs.sstatus & SSTATUS_SPP_VS) != 0;
    csr_write(sepc, v->regs.pc);
    if (in_vs)
        csr_set(sstatus, SSTATUS_SPP);
    else
        csr_clear(sstatus, SSTATUS_SPP);
    csr_write(hstatus, HSTATUS_SPV | HSTATUS_VTW | (in_vs ? HSTATUS_SPVP : 0));
    /* in_guest before the fence, the flush requests after it: a requester
     * that saw in_guest still 0 knows this entry will see its request. */
    v->in_guest = 1;
    fence_rw();
    vcpu_flush_requested(v);
    v->stats.time_hv += (uint32_t)(time_low() - v->exit_at);
    vcpu_resume(v);
}

/*
 * Would an interrupt wake v from WFI? Pending means raised (hvip, or asked
 * for since), enabled means in the guest's sie; as on a bare hart, the
 * global enable (sstatus.SIE) does not matter to WFI. A vCPU in
 * SCHEDOP_poll also wakes when a port it polls comes (or its timeout).
 */
int vcpu_wake_condition(const struct vcpu *v)
{
    uint32_t pending = v->hvip | v->irq_raise | (v->irq_external ? HVIP_VSEIP : 0);
    return ((pending & HVIP_ALL) >> 1 & v->vsie) != 0 || v->poll_woken;
}

/*
 * Tells v that one of its interrupts changed: wakes it if it waits for
 * one, or makes its pCPU exit (an IPI) so that the next entry writes the
 * new hvip. On this pCPU, the return path does that already.
 */
void vcpu_kick(struct vcpu *v)
{
    if (this_pcpu()->current == v && v->state == VCPU_RUNNING)
        return;                     /* it is in this very exit: the entry will see the change */
    spin_lock(&sched_lock);
    if (v->state == VCPU_BLOCKED && vcpu_wake_condition(v))
        sched_wake(v);
    else if (v->state == VCPU_RUNNING && v->processor != this_pcpu()->id)
        pcpu_kick(v->processor);
    spin_unlock(&sched_lock);
}

/* Raises a VS-level software or timer interrupt (hvip bit) for v. */
void vcpu_raise_irq(struct vcpu *v, uint32_t hvip_bit)
{
    __atomic_or_fetch(&v->irq_raise, hvip_bit, __ATOMIC_RELEASE);
    vcpu_kick(v);
}

/* The vPLIC's verdict for v's context: an external interrupt is (or is no longer) waiting. */
void vcpu_set_external(struct vcpu *v, int level)
{
    if (v->irq_external == (uint32_t)level)
        return;
    __atomic_store_n(&v->irq_external, level, __ATOMIC_RELEASE);
    if (level)
        vcpu_kick(v);               /* a lowered line waits for the next entry: at worst a spurious claim of 0 */
}

/*
 * v (current here) executed WFI: it leaves its pCPU until an interrupt it
 * enabled is pending, unless one already is.
 */
/* Timebase ticks v has run, up to `now` if it runs now (read without sched_lock: a statistic). */
uint64_t vcpu_time_run(const struct vcpu *v, uint64_t now)
{
    return v->stats.time_run + (v->state == VCPU_RUNNING ? now - v->scheduled_at : 0);
}

void vcpu_block(struct vcpu *v)
{
    struct pcpu *p = this_pcpu();
    v->stats.wfi++;
    vcpu_unload(p);
    if (vcpu_wake_condition(v)) {
        v->suspended = 0;
        return;
    }
    sched_deschedule(p, DESCHEDULE_BLOCK);
}

/*
 * Takes a trap into the guest's own handler, as a bare hart would have:
 * the trap's cause and value in vscause and vstval, the interrupted pc in
 * vsepc, vsstatus.SPP/SPIE/SIE moved as for a trap into S-mode, and the
 * guest continuing in VS-mode at vstvec (exceptions go to its base). v is
 * loaded on this pCPU.
 */
void vcpu_inject_exception(struct vcpu *v, uint32_t cause, uint32_t tval)
{
    uint32_t vsstatus = csr_read(vsstatus);
    int from_vs = (v->regs.sstatus & SSTATUS_SPP_VS) != 0;
    vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
    if (from_vs)
        vsstatus |= SSTATUS_SPP;
    if (csr_read(vsstatus) & SSTATUS_SIE)
        vsstatus |= SSTATUS_SPIE;
    csr_write(vsstatus, vsstatus);
    csr_write(vsepc, v->regs.pc);
    csr_write(vscause, cause);
    csr_write(vstval, tval);
    v->regs.pc = csr_read(vstvec) & ~3u;
    v->regs.sstatus |= SSTATUS_SPP_VS;
}

/*
 * The guest's timer. While its vCPU runs, the deadline is only a field the
 * pCPU folds into its hart timer (timer_reprogram), so set_timer is a
 * store; while the vCPU is off its pCPU, the deadline waits on that pCPU's
 * timer list (vcpu_timer_park), whose callback wakes it.
 */

/* The guest's timer fired while its vCPU was off its pCPU: it wakes to its VS timer interrupt. */
static void vcpu_timer_fired(void *data)
{
    struct vcpu *v = data;
    v->timer_deadline = NO_DEADLINE;
    vcpu_raise_irq(v, HVIP_VSTIP);
}

/* v, current on this pCPU: its deadline has passed (the hart timer said so); VSTIP until set_timer. */
void vcpu_check_timer(struct vcpu *v, uint64_t now)
{
    if (v->timer_deadline > now)
        return;
    v->timer_deadline = NO_DEADLINE;
    __atomic_or_fetch(&v->irq_raise, HVIP_VSTIP, __ATOMIC_RELEASE);
}

/* v leaves pCPU `pcpu`: its deadline goes on that pCPU's timer list. */
void vcpu_timer_park(struct vcpu *v, int pcpu)
{
    if (v->timer_deadline != NO_DEADLINE)
        timer_set(&v->timer, pcpu, v->timer_deadline);
}

/* VCPUOP_set_singleshot_timer's deadline passed: VIRQ_TIMER, if the domain bound it. */
static void vcpu_singleshot_fired(void *data)
{
    evtchn_send_virq(data, VIRQ_TIMER);
}

/* v's domain stops: none of its timers fires again (the SBI one, the singleshot, a poll's). */
void vcpu_stop_timers(struct vcpu *v)
{
    v->timer_deadline = NO_DEADLINE;
    timer_stop(&v->timer);
    timer_stop(&v->singleshot);
    timer_stop(&v->poll_timer);
}

/* v is current again: the pCPU watches its deadline itself. */
void vcpu_timer_unpark(struct vcpu *v)
{
    timer_stop(&v->timer);
}

/*
 * SBI set_timer from v (current here): clears its pending timer interrupt
 * and sets its deadline to `guest_deadline` (guest time: htimedelta
 * included); ~0 means no timer. A deadline already passed fires at once.
 */
void vcpu_set_timer(struct vcpu *v, uint64_t guest_deadline)
{
    struct domain *d = v->domain;
    if (v->irq_raise & HVIP_VSTIP)
        __atomic_and_fetch(&v->irq_raise, ~HVIP_VSTIP, __ATOMIC_ACQ_REL);
    csr_clear(hvip, HVIP_VSTIP);
    uint64_t host_deadline = guest_deadline == NO_DEADLINE ? NO_DEADLINE : guest_deadline - d->time_offset;
    if (guest_deadline != NO_DEADLINE && (int64_t)(host_deadline - time_now()) <= 0) {
        csr_set(hvip, HVIP_VSTIP);
        host_deadline = NO_DEADLINE;
    }
    v->timer_deadline = host_deadline;
    this_pcpu()->timers_changed = 1;
}

/*
 * Asks v for a full fence of its guest's translations and instruction
 * fetches before it runs guest code again (SBI RFENCE), and waits while it
 * is in the guest on another pCPU until it has fenced. A vCPU in the
 * hypervisor or off its pCPU fences at its next entry.
 */
void vcpu_request_flush(struct vcpu *v)
{
    uint32_t ticket = __atomic_add_fetch(&v->flush_requested, 1, __ATOMIC_SEQ_CST);
    if (v == this_pcpu()->current)
        return;
    if (!__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST))
        return;
    pcpu_kick(v->processor);
    while (__atomic_load_n(&v->in_guest, __ATOMIC_ACQUIRE) &&
           (int32_t)(__atomic_load_n(&v->flush_done, __ATOMIC_ACQUIRE) - ticket) < 0)
        ;
}

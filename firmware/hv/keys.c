/*
 * keys.c: the hypervisor's debug keys, typed on UART0 once Ctrl-A three
 * times has switched its input to the hypervisor (as on Xen's serial
 * console): 'h' lists them, 'q' shows the domains and their vCPUs with
 * what they cost, 'r' the scheduler's run queues.
 */
#include "hv.h"

static const char *const sbi_slot_names[SBI_SLOTS] = {
    [SBI_SLOT_BASE] = "base", [SBI_SLOT_TIME] = "time", [SBI_SLOT_IPI] = "ipi",
    [SBI_SLOT_RFENCE] = "rfence", [SBI_SLOT_HSM] = "hsm", [SBI_SLOT_SRST] = "srst",
    [SBI_SLOT_DBCN] = "dbcn", [SBI_SLOT_LEGACY] = "legacy", [SBI_SLOT_OTHER] = "unknown",
};

static const char *const vcpu_state_names[] = {
    [VCPU_OFFLINE] = "offline", [VCPU_BLOCKED] = "blocked", [VCPU_RUNNABLE] = "runnable",
    [VCPU_RUNNING] = "running",
};

static void help(void)
{
    hv_printk("'h' pressed -> the debug keys:\n");
    hv_printk("  key 'h' => this list\n");
    hv_printk("  key 'q' => domains and vCPUs: state, memory, exits by cause, SBI calls, hypercalls, time\n");
    hv_printk("  key 'r' => the scheduler's run queues, per pCPU\n");
    hv_printk("  key 'e' => event channels: each domain's open ports\n");
    hv_printk("  key 'g' => grant tables: each domain's size and the grants it has mapped\n");
    hv_printk("  Ctrl-A three times => input back to domain 0\n");
}

/* One line of the nonzero counters in `counts`, named by `name(slot)`. */
static void counts_line(const char *label, const uint32_t *counts, int slots, const char *(*name)(int))
{
    int any = 0;
    hv_printk("      %s:", label);
    for (int slot = 0; slot < slots; slot++) {
        if (counts[slot] == 0)
            continue;
        hv_printk_continue("%s %s %u", any ? "," : "", name(slot), (unsigned)counts[slot]);
        any = 1;
    }
    hv_printk_continue(any ? "\n" : " none\n");
}

static const char *sbi_slot_name(int slot)
{
    return sbi_slot_names[slot];
}

static uint32_t total(const uint32_t *counts, int slots)
{
    uint32_t sum = 0;
    for (int i = 0; i < slots; i++)
        sum += counts[i];
    return sum;
}

static void dump_vcpu(const struct vcpu *v)
{
    const struct vcpu_stats *s = &v->stats;
    uint64_t run = vcpu_time_run(v, time_now());
    hv_printk("    vCPU %d: %s%s on pCPU %d, time run %u ms, in the hypervisor %u ms, credit %d%s\n", v->id,
              vcpu_state_names[v->state], v->down ? " (down)" : "", v->processor, (unsigned)ticks_to_ms(run), (unsigned)ticks_to_ms(s->time_hv),
              (int)v->credit, v->parked ? " (parked at its cap)" : "");
    hv_printk("      exits %u; WFI blocks %u; vUART accesses %u, vPLIC accesses %u; events sent %u, received %u\n",
              (unsigned)total(s->exits, EXIT_SLOTS), (unsigned)s->wfi, (unsigned)s->mmio_uart, (unsigned)s->mmio_plic,
              (unsigned)s->sends, (unsigned)s->events);
    counts_line("exits by cause", s->exits, EXIT_SLOTS, exit_cause_name);
    counts_line("SBI calls", s->sbi, SBI_SLOTS, sbi_slot_name);
    counts_line("hypercalls", s->hypercalls, HYPERCALL_COUNT, hypercall_name);
}

static void dump_domains(void)
{
    uint64_t now = time_now();
    hv_printk("'q' pressed -> domains and vCPUs (uptime %u ms)\n", (unsigned)ticks_to_ms(now));
    for (int id = 0; id < NDOMAIN; id++) {
        const struct domain *d = &domains[id];
        if (d->state == DOMAIN_FREE)
            continue;
        hv_printk("d%d %s: %s%s, HVM, %d vCPU%s, %u MiB, VMID %u, weight %u, cap %u, up %u ms, built %u time%s\n",
                  d->id, d->config.name, domain_state_name(d), d->pause_count ? " (paused)" : "", d->nvcpus,
                  d->nvcpus > 1 ? "s" : "",
                  (unsigned)(d->memory_bytes >> 20), (unsigned)d->vmid, (unsigned)d->weight, (unsigned)d->cap,
                  (unsigned)ticks_to_ms(now - d->created_at), (unsigned)d->builds, d->builds > 1 ? "s" : "");
        for (int i = 0; i < d->nvcpus; i++)
            dump_vcpu(&d->vcpus[i]);
    }
    hv_printk("memory: %u of %u MiB free\n", (unsigned)(mm_free_frames() / 256), (unsigned)(mm_total_frames() / 256));
}

void keys_handle(char key)
{
    switch (key) {
    case 'h': help(); break;
    case 'q': dump_domains(); break;
    case 'r': sched_dump(); break;
    case 'e': evtchn_dump(); break;
    case 'g': grant_dump(); break;
    case '\r': case '\n': break;
    default: hv_printk("key '%c' does nothing; 'h' lists the debug keys\n", key >= ' ' && key < 127 ? key : '?');
    }
}

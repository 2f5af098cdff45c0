/*
 * vsbi.c: the SBI the hypervisor offers its guests (SBI v2.0): a guest
 * kernel's ecall from VS-mode is an exit, and the hypervisor answers as a
 * firmware would answer a bare kernel, for the domain's virtual harts:
 *
 *   BASE    who we are, which extensions exist
 *   TIME    a per-vCPU software timer that raises the VS timer interrupt
 *   IPI     the VS software interrupt on the target vCPUs
 *   RFENCE  remote fences of the target vCPUs' guest translations
 *   HSM     a guest starts, stops and suspends its own vCPUs
 *   SRST    shutdown and reboot of the domain, not the machine
 *   DBCN    and the legacy console calls: the domain's console
 *
 * and, as one extension of the experimental range, Xen's hypercalls
 * (hypercall.c).
 *
 * Every argument is checked: hart masks against the domain's vCPUs,
 * buffers against its memory. An unknown extension or function answers
 * SBI_ERR_NOT_SUPPORTED, as the specification says.
 */
#include "hv.h"
#include "sbi.h"

#define A0 10
#define A1 11
#define A2 12
#define A6 16
#define A7 17

#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_SHUTDOWN  0x08
#define DBCN_CHUNK               64      /* bytes copied from the guest at a time */
#define DBCN_MAX_WRITE           1024    /* bytes one call may write (partial writes are allowed) */
#define HSM_SUSPEND_NON_RETENTIVE 0x80000000u
#define HSM_SUSPEND_PLATFORM_FIRST 0x10000000u
#define HSM_SUSPEND_NON_RETENTIVE_PLATFORM_FIRST 0x90000000u
/* A function's answer when it has already set the caller's registers and pc itself
 * (before blocking or stopping the vCPU, after which it may run elsewhere at once). */
#define CALL_COMPLETE ((struct sbiret){ 1, 0 })

typedef struct sbiret (*vsbi_function)(struct vcpu *v);

struct vsbi_extension {
    uint32_t id;
    int slot;                       /* enum sbi_slot, for the statistics */
    const vsbi_function *functions;
    uint32_t count;
    int legacy;                     /* any function ID; the result in a0 only */
};

static uint32_t arg(const struct vcpu *v, int n)
{
    return v->regs.x[A0 + n];
}

static struct sbiret ok(long value)
{
    return (struct sbiret){ SBI_SUCCESS, value };
}

static struct sbiret fail(long error)
{
    return (struct sbiret){ error, 0 };
}

/* ---- BASE ---- */

static const struct vsbi_extension *find_extension(uint32_t id);

static struct sbiret base_spec_version(struct vcpu *v) { (void)v; return ok(SBI_SPEC_VERSION); }
static struct sbiret base_impl_id(struct vcpu *v) { (void)v; return ok(SBI_IMPL_ID_HYPERLAB_HV); }
static struct sbiret base_impl_version(struct vcpu *v) { (void)v; return ok(SBI_IMPL_VERSION_HYPERLAB); }
static struct sbiret base_probe(struct vcpu *v)
{
    return ok(arg(v, 0) == HYPERCALL_EID || find_extension(arg(v, 0)) != 0);
}
/* The machine's IDs are M-mode's to read; a virtual hart has none of its own. */
static struct sbiret base_machine_id(struct vcpu *v) { (void)v; return ok(0); }

static const vsbi_function base_functions[] = {
    [SBI_BASE_GET_SPEC_VERSION] = base_spec_version,
    [SBI_BASE_GET_IMPL_ID] = base_impl_id,
    [SBI_BASE_GET_IMPL_VERSION] = base_impl_version,
    [SBI_BASE_PROBE_EXTENSION] = base_probe,
    [SBI_BASE_GET_MVENDORID] = base_machine_id,
    [SBI_BASE_GET_MARCHID] = base_machine_id,
    [SBI_BASE_GET_MIMPID] = base_machine_id,
};

/* ---- TIME ---- */

static struct sbiret time_set_timer(struct vcpu *v)
{
    vcpu_set_timer(v, (uint64_t)arg(v, 1) << 32 | arg(v, 0));
    return ok(0);
}

static const vsbi_function time_functions[] = { [SBI_TIME_SET_TIMER] = time_set_timer };

/* ---- hart masks ---- */

/*
 * The vCPUs a (hart_mask, hart_mask_base) pair names, as a mask of vCPU
 * ids, in *targets; SBI_ERR_INVALID_PARAM if it names one the domain does
 * not have.
 */
static long target_vcpus(const struct vcpu *v, uint32_t mask, uint32_t base, uint32_t *targets)
{
    uint32_t all = (1u << v->domain->nvcpus) - 1;
    if (base == SBI_HART_MASK_ALL) {
        *targets = all;
        return SBI_SUCCESS;
    }
    if (base >= 32 || (base > 0 && mask >> (32 - base)))
        return SBI_ERR_INVALID_PARAM;
    *targets = mask << base;
    return (*targets & ~all) ? SBI_ERR_INVALID_PARAM : SBI_SUCCESS;
}

/* ---- IPI ---- */

/*
 * Calls `act` on each vCPU a (hart_mask, hart_mask_base) pair in a0/a1
 * names, after checking them all: a mask naming a vCPU the domain does not
 * have changes nothing and answers SBI_ERR_INVALID_PARAM.
 */
static struct sbiret for_each_target(struct vcpu *v, void (*act)(struct vcpu *target))
{
    uint32_t targets;
    long error = target_vcpus(v, arg(v, 0), arg(v, 1), &targets);
    if (error)
        return fail(error);
    for (int i = 0; targets; i++, targets >>= 1)
        if (targets & 1)
            act(&v->domain->vcpus[i]);
    return ok(0);
}

static void raise_software_interrupt(struct vcpu *target)
{
    vcpu_raise_irq(target, HVIP_VSSIP);
}

static struct sbiret ipi_send(struct vcpu *v)
{
    return for_each_target(v, raise_software_interrupt);
}

static const vsbi_function ipi_functions[] = { [SBI_IPI_SEND_IPI] = ipi_send };

/* ---- RFENCE ---- */

/* A full fence of guest translations and fetches on each target covers any range and ASID. */
static struct sbiret rfence(struct vcpu *v)
{
    return for_each_target(v, vcpu_request_flush);
}

static const vsbi_function rfence_functions[] = {
    [SBI_RFENCE_FENCE_I] = rfence,
    [SBI_RFENCE_SFENCE_VMA] = rfence,
    [SBI_RFENCE_SFENCE_VMA_ASID] = rfence,
    /* The HFENCE functions are not offered: a guest has no hypervisor extension. */
};

/* ---- HSM ---- */

static int in_guest_ram(const struct domain *d, uint32_t gpa)
{
    return gpa >= GUEST_RAM_BASE && gpa - GUEST_RAM_BASE < d->memory_bytes;
}

static struct sbiret hsm_hart_start(struct vcpu *v)
{
    struct domain *d = v->domain;
    uint32_t hart = arg(v, 0), address = arg(v, 1);
    if (hart >= (uint32_t)d->nvcpus)
        return fail(SBI_ERR_INVALID_PARAM);
    if (!in_guest_ram(d, address) || (address & 1))
        return fail(SBI_ERR_INVALID_ADDRESS);
    struct vcpu *target = &d->vcpus[hart];
    long error = SBI_SUCCESS;
    spin_lock(&sched_lock);
    if (target->state != VCPU_OFFLINE)
        error = SBI_ERR_ALREADY_AVAILABLE;
    else
        vcpu_start(target, address, hart, arg(v, 2));
    spin_unlock(&sched_lock);
    return fail(error);
}

/* Does not return to the caller: the vCPU goes offline until hart_start. */
static struct sbiret hsm_hart_stop(struct vcpu *v)
{
    (void)v;
    sched_deschedule(this_pcpu(), DESCHEDULE_STOP);
    return CALL_COMPLETE;
}

static struct sbiret hsm_hart_get_status(struct vcpu *v)
{
    struct domain *d = v->domain;
    uint32_t hart = arg(v, 0);
    if (hart >= (uint32_t)d->nvcpus)
        return fail(SBI_ERR_INVALID_PARAM);
    struct vcpu *target = &d->vcpus[hart];
    if (target->state == VCPU_OFFLINE)
        return ok(SBI_HSM_STOPPED);
    return ok(target->state == VCPU_BLOCKED && target->suspended ? SBI_HSM_SUSPENDED : SBI_HSM_STARTED);
}

/* SBI_SUCCESS for the suspend types offered (the two defaults), else the error the specification names. */
static long suspend_type_error(uint32_t type)
{
    if (type == SBI_HSM_SUSPEND_RETENTIVE || type == HSM_SUSPEND_NON_RETENTIVE)
        return SBI_SUCCESS;
    int platform = (type >= HSM_SUSPEND_PLATFORM_FIRST && type < HSM_SUSPEND_NON_RETENTIVE) ||
                   type >= HSM_SUSPEND_NON_RETENTIVE_PLATFORM_FIRST;
    return platform ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM;
}

/*
 * Suspends the calling vCPU until an interrupt it enabled is pending. A
 * retentive suspend then returns success, like WFI; a non-retentive one
 * resumes at resume_addr with a0 = hartid and a1 = opaque, translation
 * and interrupts off, as if the hart had been started there. The call is
 * complete before the vCPU blocks (another pCPU may run it at once).
 */
static struct sbiret hsm_hart_suspend(struct vcpu *v)
{
    uint32_t type = arg(v, 0), resume = arg(v, 1), opaque = arg(v, 2);
    long error = suspend_type_error(type);
    if (error)
        return fail(error);
    if (type == HSM_SUSPEND_NON_RETENTIVE) {
        if (!in_guest_ram(v->domain, resume) || (resume & 1))
            return fail(SBI_ERR_INVALID_ADDRESS);
        v->regs.pc = resume;
        v->regs.x[A0] = (uint32_t)v->id;
        v->regs.x[A1] = opaque;
        csr_write(vsatp, 0);
        csr_clear(vsstatus, SSTATUS_SIE);
    } else {
        v->regs.x[A0] = SBI_SUCCESS;
        v->regs.x[A1] = 0;
        v->regs.pc += 4;
    }
    v->suspended = 1;
    vcpu_block(v);
    return CALL_COMPLETE;
}

static const vsbi_function hsm_functions[] = {
    [SBI_HSM_HART_START] = hsm_hart_start,
    [SBI_HSM_HART_STOP] = hsm_hart_stop,
    [SBI_HSM_HART_GET_STATUS] = hsm_hart_get_status,
    [SBI_HSM_HART_SUSPEND] = hsm_hart_suspend,
};

/* ---- SRST ---- */

static struct sbiret srst_system_reset(struct vcpu *v)
{
    uint32_t type = arg(v, 0), reason = arg(v, 1);
    if (type > SBI_SRST_WARM_REBOOT && type < 0xf0000000u)
        return fail(SBI_ERR_INVALID_PARAM);
    if (reason > SBI_SRST_REASON_FAILURE && reason < 0xe0000000u)
        return fail(SBI_ERR_INVALID_PARAM);
    if (type > SBI_SRST_WARM_REBOOT)
        return fail(SBI_ERR_NOT_SUPPORTED);
    int code = type != SBI_SRST_SHUTDOWN ? SHUTDOWN_reboot
             : reason == SBI_SRST_REASON_FAILURE ? SHUTDOWN_crash : SHUTDOWN_poweroff;
    domain_shutdown(v->domain, code);
    return ok(0);
}

static const vsbi_function srst_functions[] = { [SBI_SRST_SYSTEM_RESET] = srst_system_reset };

/* ---- DBCN and the legacy console ---- */

/* The buffer (num_bytes, base_lo, base_hi) must be the domain's RAM below 4 GiB. */
static struct sbiret dbcn_write(struct vcpu *v)
{
    uint32_t length = arg(v, 0), address = arg(v, 1);
    uint8_t chunk[DBCN_CHUNK];
    if (arg(v, 2) != 0)
        return fail(SBI_ERR_INVALID_PARAM);
    if (length > DBCN_MAX_WRITE)
        length = DBCN_MAX_WRITE;
    for (uint32_t done = 0; done < length;) {
        uint32_t n = length - done < DBCN_CHUNK ? length - done : DBCN_CHUNK;
        if (guest_copy_from(v->domain, chunk, address + done, n) < 0)
            return done ? ok((long)done) : fail(SBI_ERR_INVALID_PARAM);
        for (uint32_t i = 0; i < n; i++)
            vuart_transmit(v->domain, chunk[i]);
        done += n;
    }
    return ok((long)length);
}

static struct sbiret dbcn_read(struct vcpu *v)
{
    uint32_t length = arg(v, 0), address = arg(v, 1);
    uint8_t chunk[DBCN_CHUNK];
    if (arg(v, 2) != 0)
        return fail(SBI_ERR_INVALID_PARAM);
    if (length > DBCN_CHUNK)
        length = DBCN_CHUNK;
    if (!guest_range_ok(v->domain, address, length))
        return fail(SBI_ERR_INVALID_PARAM);
    uint32_t n = vuart_take(v->domain, chunk, length);
    if (guest_copy_to(v->domain, address, chunk, n) < 0)
        return fail(SBI_ERR_INVALID_PARAM);   /* the bytes are lost, as on a bad buffer natively */
    return ok((long)n);
}

static struct sbiret dbcn_write_byte(struct vcpu *v)
{
    vuart_transmit(v->domain, (uint8_t)arg(v, 0));
    return ok(0);
}

static const vsbi_function dbcn_functions[] = {
    [SBI_DBCN_CONSOLE_WRITE] = dbcn_write,
    [SBI_DBCN_CONSOLE_READ] = dbcn_read,
    [SBI_DBCN_CONSOLE_WRITE_BYTE] = dbcn_write_byte,
};

static struct sbiret legacy_set_timer(struct vcpu *v)
{
    time_set_timer(v);
    return ok(0);
}

static struct sbiret legacy_putchar(struct vcpu *v)
{
    dbcn_write_byte(v);
    return ok(0);
}

static struct sbiret legacy_getchar(struct vcpu *v)
{
    uint8_t byte;
    return (struct sbiret){ vuart_take(v->domain, &byte, 1) ? byte : -1, 0 };
}

static struct sbiret legacy_shutdown(struct vcpu *v)
{
    domain_shutdown(v->domain, SHUTDOWN_poweroff);
    return ok(0);
}

static const vsbi_function legacy_set_timer_functions[] = { legacy_set_timer };
static const vsbi_function legacy_putchar_functions[] = { legacy_putchar };
static const vsbi_function legacy_getchar_functions[] = { legacy_getchar };
static const vsbi_function legacy_shutdown_functions[] = { legacy_shutdown };

#define EXTENSION(eid, slot, table) { eid, slot, table, ARRAY_SIZE(table), 0 }
#define LEGACY(eid, table) { eid, SBI_SLOT_LEGACY, table, 1, 1 }

/* Searched in order: the calls a running kernel makes most come first. */
static const struct vsbi_extension extensions[] = {
    EXTENSION(SBI_EXT_TIME, SBI_SLOT_TIME, time_functions),
    EXTENSION(SBI_EXT_IPI, SBI_SLOT_IPI, ipi_functions),
    EXTENSION(SBI_EXT_RFENCE, SBI_SLOT_RFENCE, rfence_functions),
    EXTENSION(SBI_EXT_DBCN, SBI_SLOT_DBCN, dbcn_functions),
    EXTENSION(SBI_EXT_BASE, SBI_SLOT_BASE, base_functions),
    EXTENSION(SBI_EXT_HSM, SBI_SLOT_HSM, hsm_functions),
    EXTENSION(SBI_EXT_SRST, SBI_SLOT_SRST, srst_functions),
    LEGACY(SBI_EXT_LEGACY_SET_TIMER, legacy_set_timer_functions),
    LEGACY(SBI_EXT_LEGACY_PUTCHAR, legacy_putchar_functions),
    LEGACY(SBI_EXT_LEGACY_GETCHAR, legacy_getchar_functions),
    LEGACY(SBI_EXT_LEGACY_SHUTDOWN, legacy_shutdown_functions),
};

static const struct vsbi_extension *find_extension(uint32_t id)
{
    for (uint32_t i = 0; i < ARRAY_SIZE(extensions); i++)
        if (extensions[i].id == id)
            return &extensions[i];
    return 0;
}

/* An ecall from VS-mode: a7 = extension, a6 = function, a0..a5 arguments; a0 = error, a1 = value. */
void vsbi_handle(struct vcpu *v)
{
    if (v->regs.x[A7] == SBI_EXT_TIME && v->regs.x[A6] == SBI_TIME_SET_TIMER) {
        /* The call a running kernel makes most (every tick): straight to it. */
        v->stats.sbi[SBI_SLOT_TIME]++;
        vcpu_set_timer(v, (uint64_t)v->regs.x[A1] << 32 | v->regs.x[A0]);
        v->regs.x[A0] = SBI_SUCCESS;
        v->regs.x[A1] = 0;
        v->regs.pc += 4;
        return;
    }
    if (v->regs.x[A7] == HYPERCALL_EID) {
        hypercall_handle(v);        /* Xen's hypercalls (hypercall.c) */
        return;
    }
    const struct vsbi_extension *extension = find_extension(v->regs.x[A7]);
    uint32_t function = extension && extension->legacy ? 0 : v->regs.x[A6];
    struct sbiret ret = fail(SBI_ERR_NOT_SUPPORTED);
    v->stats.sbi[extension ? extension->slot : SBI_SLOT_OTHER]++;
    if (extension && function < extension->count && extension->functions[function])
        ret = extension->functions[function](v);
    if (ret.error == CALL_COMPLETE.error)
        return;
    v->regs.x[A0] = (uint32_t)ret.error;
    if (!(extension && extension->legacy))
        v->regs.x[A1] = (uint32_t)ret.value;
    v->regs.pc += 4;
}

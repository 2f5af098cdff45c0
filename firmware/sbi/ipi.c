/*
 * ipi.c: the IPI and RFENCE extensions, both carried by the CLINT's
 * machine software interrupt (msip). A sender records what it wants in the
 * target's struct hart and raises the target's msip; the target, in
 * ipi_handle, raises SSIP for an IPI and runs a full fence for remote fence
 * requests. A full fence (fence.i, sfence.vma, and hfence with H) covers
 * every range and ASID a caller can ask for.
 *
 * Fence requests are counted: a sender waits until the target's fence_done
 * has reached the count its own request made, which proves the target read
 * the request before fencing. While it waits, the sender serves requests
 * aimed at itself, so two harts fencing each other cannot deadlock.
 */
#include "firmware.h"
#include "riscv.h"
#include "sbi.h"

#define CLINT_MSIP(hart) (4 * (hart))

static void msip_write(uint32_t hart, uint32_t value)
{
    mmio_write32(platform.clint + CLINT_MSIP(hart), value);
}

void ipi_clear(uint32_t hart)
{
    msip_write(hart, 0);
}

static void full_fence(void)
{
    fence_i();
    sfence_vma();
    if (platform.has_h) {
        __asm__ volatile(".option push\n.option arch, +h\n"
                         "hfence.gvma zero, zero\nhfence.vvma zero, zero\n"
                         ".option pop" ::: "memory");
    }
}

/* Serves what other harts asked of this one. */
void ipi_process(uint32_t hart)
{
    struct hart *self = &harts[hart];
    if (__atomic_exchange_n(&self->ssip_pending, 0, __ATOMIC_ACQ_REL))
        mip_update(0, MIP_SSIP);
    uint32_t requested = __atomic_load_n(&self->fence_requested, __ATOMIC_ACQUIRE);
    if (requested != self->fence_done) {
        full_fence();
        __atomic_store_n(&self->fence_done, requested, __ATOMIC_RELEASE);
    }
}

void ipi_handle(struct trap_regs *regs)
{
    (void)regs;
    uint32_t hart = hartid();
    msip_write(hart, 0);
    ipi_process(hart);
}

/*
 * The harts a (mask, base) pair names, as a mask of hartids; 0 with
 * *error set if it names a hart that does not exist.
 */
static uint32_t target_harts(uint32_t mask, uint32_t base, long *error)
{
    *error = SBI_SUCCESS;
    if (base == SBI_HART_MASK_ALL)
        return platform.hart_mask;
    uint32_t targets = base < 32 ? mask << base : 0;
    if (base >= 32 || (base > 0 && mask >> (32 - base)) || (targets & ~platform.hart_mask)) {
        *error = SBI_ERR_INVALID_PARAM;
        return 0;
    }
    return targets;
}

static struct sbiret ipi_send(struct trap_regs *regs)
{
    long error;
    uint32_t targets = target_harts(regs->x[REG_A0], regs->x[REG_A1], &error);
    for (uint32_t hart = 0; targets; hart++, targets >>= 1) {
        if (!(targets & 1))
            continue;
        __atomic_store_n(&harts[hart].ssip_pending, 1, __ATOMIC_RELEASE);
        msip_write(hart, 1);
    }
    return (struct sbiret){ error, 0 };
}

/* Has every hart of `targets` with a request counted in `tickets` fenced? */
static int fences_done(uint32_t targets, const uint32_t *tickets)
{
    for (uint32_t hart = 0; hart < SBI_MAX_HARTS; hart++)
        if ((targets >> hart & 1) &&
            (int32_t)(__atomic_load_n(&harts[hart].fence_done, __ATOMIC_ACQUIRE) - tickets[hart]) < 0)
            return 0;
    return 1;
}

/* A full fence on every started hart of the mask in a0/a1, this one included. */
static struct sbiret rfence(struct trap_regs *regs)
{
    long error;
    uint32_t self = hartid();
    uint32_t targets = target_harts(regs->x[REG_A0], regs->x[REG_A1], &error);
    uint32_t tickets[SBI_MAX_HARTS];
    if (targets & (1u << self))
        full_fence();
    targets &= ~(1u << self);
    for (uint32_t hart = 0; hart < SBI_MAX_HARTS; hart++) {
        if (!(targets >> hart & 1))
            continue;
        if (harts[hart].hsm_state != SBI_HSM_STARTED) {
            targets &= ~(1u << hart);   /* it fences when it starts */
            continue;
        }
        tickets[hart] = __atomic_add_fetch(&harts[hart].fence_requested, 1, __ATOMIC_ACQ_REL);
        msip_write(hart, 1);
    }
    while (!fences_done(targets, tickets))
        ipi_process(self);
    return (struct sbiret){ error, 0 };
}

static struct sbiret rfence_h(struct trap_regs *regs)
{
    if (!platform.has_h)
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    return rfence(regs);
}

static const sbi_function ipi_functions[] = {
    [SBI_IPI_SEND_IPI] = ipi_send,
};

static const sbi_function rfence_functions[] = {
    [SBI_RFENCE_FENCE_I] = rfence,
    [SBI_RFENCE_SFENCE_VMA] = rfence,
    [SBI_RFENCE_SFENCE_VMA_ASID] = rfence,
    [SBI_RFENCE_HFENCE_GVMA_VMID] = rfence_h,
    [SBI_RFENCE_HFENCE_GVMA] = rfence_h,
    [SBI_RFENCE_HFENCE_VVMA_ASID] = rfence_h,
    [SBI_RFENCE_HFENCE_VVMA] = rfence_h,
};

const struct sbi_extension sbi_ipi_extension = {
    SBI_EXT_IPI, ipi_functions, ARRAY_SIZE(ipi_functions), 0,
};

const struct sbi_extension sbi_rfence_extension = {
    SBI_EXT_RFENCE, rfence_functions, ARRAY_SIZE(rfence_functions), 0,
};

/*
 * hsm.c: the HSM extension: harts start, stop and report their state. A
 * stopped hart waits in M-mode (hsm_wait) with only the machine software
 * interrupt enabled; hart_start leaves it the address to start at and
 * raises its msip.
 */
#include "firmware.h"
#include "riscv.h"
#include "sbi.h"

/* Every hart of the tree is stopped but the boot hart, which runs the payload. */
void hsm_init(uint32_t boot_hartid)
{
    for (uint32_t hart = 0; hart < SBI_MAX_HARTS; hart++)
        harts[hart].hsm_state = hart == boot_hartid ? SBI_HSM_STARTED : SBI_HSM_STOPPED;
}

/* Waits, stopped, until hart_start; then enters S-mode where it asked. */
void hsm_wait(uint32_t hart)
{
    struct hart *self = &harts[hart];
    timer_stop(hart);
    mip_update(MIP_SSIP, 0);
    csr_write(mie, MIP_MSIP);
    for (;;) {
        ipi_clear(hart);
        if (__atomic_load_n(&self->hsm_state, __ATOMIC_ACQUIRE) == SBI_HSM_START_PENDING)
            break;
        wfi();
    }
    self->ssip_pending = 0;
    self->fence_done = self->fence_requested;
    sfence_vma();
    fence_i();
    __atomic_store_n(&self->hsm_state, SBI_HSM_STARTED, __ATOMIC_RELEASE);
    enter_supervisor(hart, self->opaque, self->start_address);
}

static struct sbiret hsm_hart_start(struct trap_regs *regs)
{
    uint32_t hart = regs->x[REG_A0];
    if (hart >= SBI_MAX_HARTS || !(platform.hart_mask & (1u << hart)))
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    if (harts[hart].hsm_state != SBI_HSM_STOPPED)
        return (struct sbiret){ SBI_ERR_ALREADY_AVAILABLE, 0 };
    harts[hart].start_address = regs->x[REG_A1];
    harts[hart].opaque = regs->x[REG_A2];
    int expected = SBI_HSM_STOPPED;
    if (!__atomic_compare_exchange_n(&harts[hart].hsm_state, &expected, SBI_HSM_START_PENDING,
                                     0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return (struct sbiret){ SBI_ERR_ALREADY_AVAILABLE, 0 };
    mmio_write32(platform.clint + 4 * hart, 1);
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

static struct sbiret hsm_hart_stop(struct trap_regs *regs)
{
    (void)regs;
    uint32_t hart = hartid();
    __atomic_store_n(&harts[hart].hsm_state, SBI_HSM_STOPPED, __ATOMIC_RELEASE);
    hsm_restart(hart);
}

static struct sbiret hsm_hart_get_status(struct trap_regs *regs)
{
    uint32_t hart = regs->x[REG_A0];
    if (hart >= SBI_MAX_HARTS || !(platform.hart_mask & (1u << hart)))
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    return (struct sbiret){ SBI_SUCCESS, harts[hart].hsm_state };
}

/* Only the default retentive suspend: wait for an interrupt, then carry on. */
static struct sbiret hsm_hart_suspend(struct trap_regs *regs)
{
    if (regs->x[REG_A0] != SBI_HSM_SUSPEND_RETENTIVE)
        return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
    wfi();
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

static const sbi_function hsm_functions[] = {
    [SBI_HSM_HART_START] = hsm_hart_start,
    [SBI_HSM_HART_STOP] = hsm_hart_stop,
    [SBI_HSM_HART_GET_STATUS] = hsm_hart_get_status,
    [SBI_HSM_HART_SUSPEND] = hsm_hart_suspend,
};

const struct sbi_extension sbi_hsm_extension = {
    SBI_EXT_HSM, hsm_functions, ARRAY_SIZE(hsm_functions), 0,
};

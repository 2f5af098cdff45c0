/*
 * timer.c: the TIME extension, on the CLINT's per-hart mtimecmp. S-mode
 * asks for an interrupt at a time; when mtime reaches it the machine timer
 * interrupt comes here and is passed on as the supervisor timer interrupt
 * (STIP), which stays pending until S-mode sets the next time. A time of
 * (uint64_t)-1 means "no timer" (as the SBI specification suggests): the
 * machine timer interrupt then stays off altogether.
 */
#include "firmware.h"
#include "riscv.h"
#include "sbi.h"

#define CLINT_MTIMECMP(hart) (0x4000 + 8 * (hart))

/* Writes the 64-bit compare value without passing through a smaller one. */
static void mtimecmp_write(uint32_t hart, uint32_t low, uint32_t high)
{
    uintptr_t at = platform.clint + CLINT_MTIMECMP(hart);
    mmio_write32(at, 0xffffffffu);
    mmio_write32(at + 4, high);
    mmio_write32(at, low);
}

static struct sbiret time_set_timer(struct trap_regs *regs)
{
    uint32_t low = regs->x[REG_A0], high = regs->x[REG_A1];
    mtimecmp_write(hartid(), low, high);
    mip_update(MIP_STIP, 0);
    if ((low & high) == 0xffffffffu)
        csr_clear(mie, MIP_MTIP);
    else
        csr_set(mie, MIP_MTIP);
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

/* The machine timer fired: hand it to S-mode and stop listening until the next set_timer. */
void timer_handle(struct trap_regs *regs)
{
    (void)regs;
    csr_clear(mie, MIP_MTIP);
    mip_update(0, MIP_STIP);
}

static const sbi_function time_functions[] = {
    [SBI_TIME_SET_TIMER] = time_set_timer,
};

const struct sbi_extension sbi_time_extension = {
    SBI_EXT_TIME, time_functions, ARRAY_SIZE(time_functions), 0,
};

/*
 * timer.c: the TIME extension, and Sstc. S-mode asks for an interrupt at a
 * time; the supervisor timer interrupt (STIP) then stays pending from that
 * time until S-mode sets the next. A time of (uint64_t)-1 means "no timer"
 * (as the SBI specification suggests).
 *
 * Without Sstc (HyperLab's hart), the time goes to the CLINT's per-hart
 * mtimecmp: when mtime reaches it the machine timer interrupt comes here and
 * is passed on as STIP. With Sstc (QEMU's default rv32 CPU), menvcfg.STCE
 * lets S-mode write stimecmp itself, and STIP becomes that comparison's
 * read-only output, so set_timer writes stimecmp too.
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

/* stimecmp, likewise never smaller on the way (only on a hart with Sstc). */
static void stimecmp_write(uint32_t low, uint32_t high)
{
    csr_write(stimecmp, 0xffffffffu);
    csr_write(stimecmph, high);
    csr_write(stimecmp, low);
}

/*
 * Sets menvcfg.STCE where the hart has Sstc, which makes stimecmp usable in
 * S/HS-mode (and lets a hypervisor set henvcfg.STCE for its guests: that
 * bit is read-only zero while menvcfg.STCE is 0). The bit is WARL, read-only
 * zero without Sstc, so writing it and reading it back is the probe; menvcfgh
 * itself exists on every hart of privileged specification 1.12 (HyperLab's
 * too). Leaves the hart with no timer set.
 */
void timer_init(uint32_t hart)
{
    csr_set(menvcfgh, MENVCFGH_STCE);
    harts[hart].sstc = (csr_read(menvcfgh) & MENVCFGH_STCE) != 0;
    timer_stop(hart);
}

/* No timer: the machine timer interrupt off, STIP clear. */
void timer_stop(uint32_t hart)
{
    csr_clear(mie, MIP_MTIP);
    if (harts[hart].sstc)
        stimecmp_write(0xffffffffu, 0xffffffffu);
    else
        mip_update(MIP_STIP, 0);
}

static struct sbiret time_set_timer(struct trap_regs *regs)
{
    uint32_t low = regs->x[REG_A0], high = regs->x[REG_A1];
    if (harts[hartid()].sstc) {
        stimecmp_write(low, high);
        return (struct sbiret){ SBI_SUCCESS, 0 };
    }
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

/*
 * reset.c: the SRST extension, through the sifive test finisher: 0x5555
 * powers off, 0x7777 resets, (code << 16) | 0x3333 powers off reporting a
 * failure (QEMU and HyperLab exit with status `code`).
 */
#include "firmware.h"
#include "riscv.h"
#include "sbi.h"

#define FINISHER_PASS   0x5555
#define FINISHER_RESET  0x7777
#define FINISHER_FAIL   0x3333
#define FAILURE_CODE    1            /* exit status after a system failure */

extern volatile uint32_t sbi_ready, boot_lottery;

static void finisher_write(uint32_t value)
{
    if (platform.finisher)
        mmio_write32(platform.finisher, value);
    for (;;)
        wfi();
}

void sbi_fail(void)
{
    finisher_write(FAILURE_CODE << 16 | FINISHER_FAIL);
    __builtin_unreachable();
}

void system_reset(uint32_t type, uint32_t reason)
{
    if (type == SBI_SRST_SHUTDOWN) {
        finisher_write(reason == SBI_SRST_REASON_FAILURE ? FAILURE_CODE << 16 | FINISHER_FAIL
                                                         : FINISHER_PASS);
    }
    /* A reset that keeps RAM must find the boot lottery open again. */
    boot_lottery = 0;
    sbi_ready = 0;
    fence_rw();
    finisher_write(FINISHER_RESET);
    __builtin_unreachable();
}

static struct sbiret srst_system_reset(struct trap_regs *regs)
{
    uint32_t type = regs->x[REG_A0], reason = regs->x[REG_A1];
    if (type > SBI_SRST_WARM_REBOOT || (reason > SBI_SRST_REASON_FAILURE && reason < 0xe0000000u))
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    system_reset(type, reason);
}

static const sbi_function srst_functions[] = {
    [SBI_SRST_SYSTEM_RESET] = srst_system_reset,
};

const struct sbi_extension sbi_srst_extension = {
    SBI_EXT_SRST, srst_functions, ARRAY_SIZE(srst_functions), 0,
};

/*
 * sbi.c: calls into the SBI firmware (include/sbi.h), the kernel's only
 * way to reach M-mode: the timer, IPIs, starting harts, an early console
 * and powering off.
 */
#include "defs.h"
#include "sbi.h"

struct sbiret {
    long error;
    long value;
};

static struct sbiret sbi_call(uint32_t extension, uint32_t function,
                              uint32_t arg0, uint32_t arg1, uint32_t arg2)
{
    register uint32_t a0 __asm__("a0") = arg0;
    register uint32_t a1 __asm__("a1") = arg1;
    register uint32_t a2 __asm__("a2") = arg2;
    register uint32_t a6 __asm__("a6") = function;
    register uint32_t a7 __asm__("a7") = extension;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
    return (struct sbiret){ (long)a0, (long)a1 };
}

void sbi_set_timer(uint64_t when)
{
    sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (uint32_t)when, (uint32_t)(when >> 32), 0);
}

void sbi_send_ipi(uint32_t mask, uint32_t base)
{
    sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, mask, base, 0);
}

int sbi_hart_start(uint32_t hartid, uint32_t address, uint32_t opaque)
{
    return (int)sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, address, opaque).error;
}

/* Before the UART driver runs (and for panics): the firmware's console. */
void sbi_console_write(const char *s, int n)
{
    sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, (uint32_t)n, (uint32_t)(uintptr_t)s, 0);
}

void sbi_shutdown(int reboot, int failure)
{
    sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
             reboot ? SBI_SRST_COLD_REBOOT : SBI_SRST_SHUTDOWN,
             failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0);
    for (;;)
        __asm__ volatile("wfi");
}

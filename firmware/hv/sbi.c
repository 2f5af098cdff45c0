/*
 * sbi.c: the hypervisor's own calls to the SBI firmware below it (ecall
 * from HS-mode): its harts' timers, IPIs between pCPUs, starting the other
 * harts, and the machine's power.
 */
#include "hv.h"
#include "sbi.h"

/* Sets this hart's timer; ~0 turns it off. Either clears a pending timer interrupt. */
void sbi_set_timer(uint64_t when)
{
    sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (uint32_t)when, (uint32_t)(when >> 32), 0);
}

void sbi_send_ipi_to(uint32_t hartid)
{
    sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1u << (hartid % 32), hartid / 32 * 32, 0);
}

int sbi_hart_start(uint32_t hartid, uint32_t address, uint32_t opaque)
{
    return (int)sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, address, opaque).error;
}

void sbi_system_reset(uint32_t type, uint32_t reason)
{
    sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, type, reason, 0);
    for (;;)
        wfi();
}

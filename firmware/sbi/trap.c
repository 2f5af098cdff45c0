/*
 * trap.c: what M-mode does with the traps it keeps. S-mode's own
 * exceptions and interrupts are delegated (main.c); what reaches here is
 * an SBI call, the machine timer, a machine software interrupt (IPIs and
 * remote fences), or a fault that S-mode could not have caused on purpose.
 */
#include "firmware.h"
#include "riscv.h"

typedef void (*trap_handler)(struct trap_regs *regs);

static const trap_handler interrupt_handlers[] = {
    [IRQ_M_SOFT] = ipi_handle,
    [IRQ_M_TIMER] = timer_handle,
};

static const trap_handler exception_handlers[NCAUSE] = {
    [CAUSE_SUPERVISOR_ECALL] = ecall_handle,
};

/* A trap nothing here handles: report it and stop the machine. */
static void unexpected(struct trap_regs *regs, uint32_t cause)
{
    static const char *modes[] = { "U", "S", "?", "M" };
    sbi_printf("\nHyperLab SBI: unexpected trap, mcause 0x%08x from %s-mode at pc 0x%08x, "
               "mtval 0x%08x, hart %u\n", (unsigned)cause, modes[(regs->mstatus & MSTATUS_MPP) >> 11],
               (unsigned)regs->mepc, (unsigned)csr_read(mtval), (unsigned)hartid());
    sbi_fail();
}

void sbi_trap(struct trap_regs *regs)
{
    uint32_t cause = csr_read(mcause);
    uint32_t code = cause & ~CAUSE_INTERRUPT;
    trap_handler handler = 0;
    if (cause & CAUSE_INTERRUPT) {
        if (code < ARRAY_SIZE(interrupt_handlers))
            handler = interrupt_handlers[code];
    } else if (code < NCAUSE && (regs->mstatus & MSTATUS_MPP) != MSTATUS_MPP_M) {
        handler = exception_handlers[code];
    }
    if (handler == 0)
        unexpected(regs, cause);
    handler(regs);
}

/*
 * plic.c: the platform-level interrupt controller. Device interrupts are
 * enabled in the S-mode context of every hart (board.c found them in the
 * device tree); whichever hart claims one runs its handler.
 */
#include "defs.h"
#include "riscv.h"

#define PLIC_PRIORITY(irq)      (4 * (irq))
#define PLIC_ENABLE(context)    (0x2000 + 0x80 * (context))
#define PLIC_THRESHOLD(context) (0x200000 + 0x1000 * (context))
#define PLIC_CLAIM(context)     (0x200004 + 0x1000 * (context))

static uintptr_t plic;
static struct {
    void (*handler)(int unit);
    int unit;
} irqs[NIRQ];

void plic_init(void)
{
    plic = ioremap(board.plic_base, board.plic_size);
    for (int i = 0; i < board.harts && i < NCPU; i++)
        if (board.plic_context[i] >= 0)
            mmio_write32(plic + PLIC_THRESHOLD(board.plic_context[i]), 0);
}

/* Routes interrupt `irq` to handler(unit), on every hart. */
void plic_enable(uint32_t irq, void (*handler)(int unit), int unit)
{
    if (irq == 0 || irq >= NIRQ)
        panic("plic_enable: irq %u", (unsigned)irq);
    irqs[irq].handler = handler;
    irqs[irq].unit = unit;
    mmio_write32(plic + PLIC_PRIORITY(irq), 1);
    for (int i = 0; i < board.harts && i < NCPU; i++) {
        int context = board.plic_context[i];
        if (context < 0)
            continue;
        uintptr_t enable = plic + PLIC_ENABLE(context) + 4 * (irq / 32);
        mmio_write32(enable, mmio_read32(enable) | 1u << (irq % 32));
    }
}

/* The supervisor external interrupt: claim, handle, complete. */
void plic_interrupt(void)
{
    int context = mycpu()->plic_context;
    if (context < 0)
        return;
    uint32_t irq = mmio_read32(plic + PLIC_CLAIM(context));
    if (irq == 0)
        return;                     /* another hart claimed it first */
    if (irq < NIRQ && irqs[irq].handler)
        irqs[irq].handler(irqs[irq].unit);
    else
        klog_printf("plic: interrupt %u with no handler\n", (unsigned)irq);
    mmio_write32(plic + PLIC_CLAIM(context), irq);
}

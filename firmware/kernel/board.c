/*
 * board.c: what the kernel learns from the device tree: RAM, the harts and
 * the timebase, the PLIC and which of its contexts belong to which hart's
 * S-mode, the UARTs and which one is the console. Nothing else about the
 * board is assumed, so the same kernel runs wherever the tree is honest.
 */
#include "defs.h"
#include "riscv.h"
#include "fdt.h"
#include "string.h"

struct board board;
static struct fdt fdt;

static int read_memory(void)
{
    for (int node = fdt_next_child(&fdt, 0, -1); node >= 0; node = fdt_next_child(&fdt, 0, node)) {
        const char *type = fdt_prop(&fdt, node, "device_type", 0);
        if (type && strcmp(type, "memory") == 0)
            return fdt_reg(&fdt, node, 0, &board.ram_base, &board.ram_size);
    }
    return -1;
}

static int read_harts(void)
{
    int cpus = fdt_path(&fdt, "/cpus");
    board.timebase_hz = fdt_prop_u32(&fdt, cpus, "timebase-frequency", 0);
    for (int cpu = fdt_next_child(&fdt, cpus, -1); cpu >= 0; cpu = fdt_next_child(&fdt, cpus, cpu)) {
        const char *type = fdt_prop(&fdt, cpu, "device_type", 0);
        uint32_t hartid;
        if (!type || strcmp(type, "cpu") != 0 || !fdt_is_enabled(&fdt, cpu) ||
            fdt_reg(&fdt, cpu, 0, &hartid, 0) < 0 || board.harts == NCPU)
            continue;
        int length = 0;
        const char *isa = fdt_prop(&fdt, cpu, "riscv,isa", &length);
        if (board.harts == 0 && isa && length > 0 && isa[length - 1] == 0)
            strlcpy(board.isa, isa, sizeof board.isa);
        board.plic_context[board.harts] = -1;
        board.hartids[board.harts++] = hartid;
    }
    return board.harts > 0 && board.timebase_hz > 0 ? 0 : -1;
}

/* The index in board.hartids of the hart whose cpu-intc has this phandle, or -1. */
static int hart_of_intc(uint32_t phandle)
{
    int intc = fdt_find_phandle(&fdt, phandle);
    uint32_t hartid;
    if (intc < 0 || fdt_reg(&fdt, fdt.nodes[intc].parent, 0, &hartid, 0) < 0)
        return -1;
    for (int i = 0; i < board.harts; i++)
        if (board.hartids[i] == hartid)
            return i;
    return -1;
}

/*
 * The PLIC's interrupts-extended lists its contexts in order, each as
 * <hart's interrupt controller, interrupt number>; a context whose number
 * is the supervisor external interrupt is that hart's S-mode context.
 */
static int read_plic(void)
{
    int plic = fdt_find_compatible(&fdt, -1, "riscv,plic0");
    if (plic < 0)
        plic = fdt_find_compatible(&fdt, -1, "sifive,plic-1.0.0");
    if (fdt_reg(&fdt, plic, 0, &board.plic_base, &board.plic_size) < 0)
        return -1;
    board.plic_sources = fdt_prop_u32(&fdt, plic, "riscv,ndev", 0);
    int length;
    const uint8_t *contexts = fdt_prop(&fdt, plic, "interrupts-extended", &length);
    for (int context = 0; contexts && (context + 1) * 8 <= length; context++) {
        int hart = hart_of_intc(fdt_cell(contexts + 8 * context));
        if (hart >= 0 && fdt_cell(contexts + 8 * context + 4) == IRQ_S_EXT)
            board.plic_context[hart] = context;
    }
    return 0;
}

static void read_uarts(void)
{
    int chosen = fdt_path(&fdt, "/chosen");
    const char *stdout_path = fdt_prop(&fdt, chosen, "stdout-path", 0);
    int console = stdout_path ? fdt_path(&fdt, stdout_path) : -1;
    for (int node = fdt_find_compatible(&fdt, -1, "ns16550a"); node >= 0 && board.uarts < NUART;
         node = fdt_find_compatible(&fdt, node, "ns16550a")) {
        struct uart_info *uart = &board.uart[board.uarts];
        if (!fdt_is_enabled(&fdt, node) || fdt_reg(&fdt, node, 0, &uart->base, 0) < 0)
            continue;
        uart->irq = fdt_prop_u32(&fdt, node, "interrupts", 0);
        if (node == console)
            board.console = board.uarts;
        board.uarts++;
    }
}

/* Reads the tree at dtb into `board`: 0, or -1 if it lacks what the kernel needs. */
int board_init(const void *dtb)
{
    if (fdt_parse(&fdt, dtb) < 0)
        return -1;
    board.dtb = dtb;
    board.dtb_size = fdt.size;
    if (read_memory() < 0 || read_harts() < 0 || read_plic() < 0)
        return -1;
    read_uarts();
    int length;
    const char *bootargs = fdt_prop(&fdt, fdt_path(&fdt, "/chosen"), "bootargs", &length);
    if (bootargs && length > 0) {
        uint32_t n = (uint32_t)length < sizeof board.cmdline ? (uint32_t)length : sizeof board.cmdline - 1;
        memcpy(board.cmdline, bootargs, n);   /* the property may lack its NUL: the zeroed board ends it */
    }
    return board.uarts > 0 ? 0 : -1;
}

/*
 * main.c: bringing the hypervisor up. The SBI firmware starts it in
 * HS-mode on one hart with the machine's device tree; it reads the board
 * from the tree, sets up the console and the frames, builds the boot
 * domains (domain.c), starts the other harts as pCPUs through SBI HSM, and
 * joins the scheduler on every pCPU.
 */
#include "hv.h"
#include "fdt.h"
#include "string.h"
#include "sbi.h"

#define UART0_FALLBACK 0x10000000u  /* where to say that the tree is unusable */

struct host host;
static struct fdt fdt;
extern char hv_trap_vector[];

static int read_memory(void)
{
    for (int node = fdt_next_child(&fdt, 0, -1); node >= 0; node = fdt_next_child(&fdt, 0, node)) {
        const char *type = fdt_prop(&fdt, node, "device_type", 0);
        if (type && strcmp(type, "memory") == 0)
            return fdt_reg(&fdt, node, 0, &host.ram_base, &host.ram_size);
    }
    return -1;
}

/* The harts under /cpus; the boot hart becomes pCPU 0, the others follow in tree order. */
static int read_harts(uint32_t boot_hartid)
{
    int cpus = fdt_path(&fdt, "/cpus");
    host.timebase_hz = fdt_prop_u32(&fdt, cpus, "timebase-frequency", 0);
    host.hartids[0] = boot_hartid;
    host.npcpus = 1;
    for (int cpu = fdt_next_child(&fdt, cpus, -1); cpu >= 0; cpu = fdt_next_child(&fdt, cpus, cpu)) {
        const char *type = fdt_prop(&fdt, cpu, "device_type", 0);
        uint32_t hartid;
        if (!type || strcmp(type, "cpu") != 0 || !fdt_is_enabled(&fdt, cpu) || fdt_reg(&fdt, cpu, 0, &hartid, 0) < 0)
            continue;
        const char *isa = fdt_prop(&fdt, cpu, "riscv,isa", 0);
        if (isa && !host.isa[0])
            strlcpy(host.isa, isa, sizeof host.isa);
        if (hartid != boot_hartid && host.npcpus < NPCPU)
            host.hartids[host.npcpus++] = hartid;
    }
    return host.timebase_hz > 0 ? 0 : -1;
}

/* The pCPU whose hart's interrupt controller has this phandle, or -1. */
static int pcpu_of_intc(uint32_t phandle)
{
    int intc = fdt_find_phandle(&fdt, phandle);
    uint32_t hartid;
    if (intc < 0 || fdt_reg(&fdt, fdt.nodes[intc].parent, 0, &hartid, 0) < 0)
        return -1;
    for (int i = 0; i < host.npcpus; i++)
        if (host.hartids[i] == hartid)
            return i;
    return -1;
}

/* The PLIC and each pCPU's supervisor context (the <intc, 9> entries of interrupts-extended). */
static void read_plic(void)
{
    for (int i = 0; i < NPCPU; i++)
        host.plic_context[i] = -1;
    int plic = fdt_find_compatible(&fdt, -1, "riscv,plic0");
    if (plic < 0)
        plic = fdt_find_compatible(&fdt, -1, "sifive,plic-1.0.0");
    if (fdt_reg(&fdt, plic, 0, &host.plic_base, &host.plic_size) < 0)
        return;
    int length;
    const uint8_t *contexts = fdt_prop(&fdt, plic, "interrupts-extended", &length);
    for (int context = 0; contexts && (context + 1) * 8 <= length; context++) {
        int pcpu = pcpu_of_intc(fdt_cell(contexts + 8 * context));
        if (pcpu >= 0 && fdt_cell(contexts + 8 * context + 4) == IRQ_S_EXT)
            host.plic_context[pcpu] = context;
    }
}

/*
 * The UARTs: UART0 is /chosen's stdout-path; the other 16550s, in order of
 * address, are the consoles 1..7 (console.c, console_attach, gives them out).
 */
static void read_uarts(void)
{
    int chosen = fdt_path(&fdt, "/chosen");
    const char *stdout_path = fdt_prop(&fdt, chosen, "stdout-path", 0);
    int console = stdout_path ? fdt_path(&fdt, stdout_path) : -1;
    uint32_t bases[NUART], irqs[NUART];
    int count = 0;
    for (int node = fdt_find_compatible(&fdt, -1, "ns16550a"); node >= 0;
         node = fdt_find_compatible(&fdt, node, "ns16550a")) {
        uint32_t base;
        if (!fdt_is_enabled(&fdt, node) || fdt_reg(&fdt, node, 0, &base, 0) < 0)
            continue;
        uint32_t irq = fdt_prop_u32(&fdt, node, "interrupts", 0);
        if (node == console || (console < 0 && !host.uart[0].present)) {
            host.uart[0] = (struct host_uart){ base, irq, 1 };
            continue;
        }
        int at = count < NUART - 1 ? count++ : NUART - 2;
        while (at > 0 && bases[at - 1] > base) {
            bases[at] = bases[at - 1];
            irqs[at] = irqs[at - 1];
            at--;
        }
        bases[at] = base;
        irqs[at] = irq;
    }
    for (int i = 0; i < count; i++)
        host.uart[1 + i] = (struct host_uart){ bases[i], irqs[i], 1 };
}

static int host_init(uint32_t boot_hartid, const void *dtb)
{
    if (fdt_parse(&fdt, dtb) < 0)
        return -1;
    host.dtb = dtb;
    host.dtb_size = fdt.size;
    if (read_memory() < 0 || read_harts(boot_hartid) < 0)
        return -1;
    read_plic();
    read_uarts();
    host.mgmt_uart = host.uart[MGMT_UART].present ? MGMT_UART : -1;
    return host.uart[0].present ? 0 : -1;
}

/* The tree the domain builder reads /chosen from. */
const struct fdt *host_fdt(void)
{
    return &fdt;
}

/* This hart's hypervisor CSRs: traps, delegation to guests, counters, its interrupts. */
static void hart_init(struct pcpu *p)
{
    csr_write(stvec, (uint32_t)(uintptr_t)hv_trap_vector);
    csr_write(sscratch, (uint32_t)(uintptr_t)p);
    csr_write(hedeleg, HEDELEG_GUEST);
    csr_write(hideleg, HVIP_ALL);
    csr_write(hcounteren, COUNTEREN_CY_TM_IR);
    csr_write(hvip, 0);
    csr_write(hgatp, 0);
    csr_clear(sstatus, SSTATUS_SIE);
    csr_write(sie, MIP_SSIP | MIP_STIP | MIP_SEIP);
}

static void banner(void)
{
    hv_printk("HyperLab hypervisor %s, HS-mode, on %d pCPU%s, %u MiB of RAM at 0x%08x\n", HV_VERSION_STRING,
              host.npcpus, host.npcpus > 1 ? "s" : "", (unsigned)(host.ram_size >> 20), (unsigned)host.ram_base);
    hv_printk("scheduler: credit, %d ms slices; timebase %u Hz; consoles:", TICK_MS * TICKS_PER_TSLICE,
              (unsigned)host.timebase_hz);
    for (int n = 0; n < NUART; n++)
        if (host.uart[n].present && n != host.mgmt_uart)
            hv_printk_continue(" UART%d", n);
    if (host.mgmt_uart >= 0)
        hv_printk_continue("; management port: UART%d, domain 0's", host.mgmt_uart);
    hv_printk_continue("\n");
}

static void start_secondaries(void)
{
    for (int i = 1; i < host.npcpus; i++) {
        int error = sbi_hart_start(pcpus[i].hartid, (uint32_t)(uintptr_t)secondary_entry,
                                   (uint32_t)(uintptr_t)&pcpus[i]);
        if (error)
            hv_printk("pCPU %d (hart %u) did not start: SBI error %d\n", i, (unsigned)pcpus[i].hartid, error);
    }
}

/* The boot hart, from entry.S: a0 = hartid, a1 = the device tree. */
void hv_main(uint32_t hartid, const void *dtb)
{
    if (host_init(hartid, dtb) < 0) {
        host.uart[0] = (struct host_uart){ UART0_FALLBACK, 0, 1 };
        panic("no usable device tree at %p", dtb);
    }
    for (int i = 0; i < host.npcpus; i++)
        pcpu_init(&pcpus[i], i);
    hart_init(&pcpus[0]);
    pcpus[0].online = 1;
    console_init();
    banner();
    mm_init((uint32_t)(uintptr_t)_end);
    mm_reserve((uint32_t)(uintptr_t)dtb, host.dtb_size);
    domains_boot();
    start_secondaries();
    pcpu_return();
}

/* A secondary hart, from entry.S, once HSM has started it. */
void secondary_main(struct pcpu *p)
{
    hart_init(p);
    __atomic_store_n(&p->online, 1, __ATOMIC_RELEASE);
    pcpu_return();
}

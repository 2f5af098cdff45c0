/*
 * main.c: bringing up the SBI firmware. The boot hart reads the platform
 * from the device tree, prints the banner and starts the payload (the
 * kernel at SBI_PAYLOAD_ADDRESS) in S-mode; every hart sets its own
 * machine-mode CSRs: PMP, trap delegation, counter access, Sstc.
 */
#include "firmware.h"
#include "riscv.h"
#include "fdt.h"
#include "string.h"
#include "sbi.h"

struct platform platform;
struct hart harts[SBI_MAX_HARTS];
static struct fdt fdt;
extern volatile uint32_t sbi_ready, boot_lottery;

/* Exceptions S-mode handles itself. */
#define MEDELEG_BASE ((1u << CAUSE_MISALIGNED_FETCH) | (1u << CAUSE_FETCH_ACCESS) |          \
                      (1u << CAUSE_ILLEGAL_INSTRUCTION) | (1u << CAUSE_BREAKPOINT) |          \
                      (1u << CAUSE_MISALIGNED_LOAD) | (1u << CAUSE_LOAD_ACCESS) |             \
                      (1u << CAUSE_MISALIGNED_STORE) | (1u << CAUSE_STORE_ACCESS) |           \
                      (1u << CAUSE_USER_ECALL) | (1u << CAUSE_FETCH_PAGE_FAULT) |             \
                      (1u << CAUSE_LOAD_PAGE_FAULT) | (1u << CAUSE_STORE_PAGE_FAULT))
/* With the H extension, the hypervisor (HS-mode) handles its guests' traps too. */
#define MEDELEG_H    ((1u << CAUSE_VIRTUAL_SUPERVISOR_ECALL) | (1u << CAUSE_FETCH_GUEST_PAGE_FAULT) | \
                      (1u << CAUSE_LOAD_GUEST_PAGE_FAULT) | (1u << CAUSE_VIRTUAL_INSTRUCTION) |    \
                      (1u << CAUSE_STORE_GUEST_PAGE_FAULT))
#define MIDELEG_BASE (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIDELEG_H    (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)

/* NAPOT encoding of a naturally aligned power-of-two region for pmpaddr. */
#define PMP_NAPOT_ADDR(base, size) (((base) | ((size) / 2 - 1)) >> 2)

/*
 * PMP: entry 0 hides the firmware's own 4 MiB from S and U (no R, W or X);
 * entry 1 opens everything else (QEMU refuses mret to a lower mode while
 * no PMP entry matches).
 */
static void pmp_init(void)
{
    csr_write(pmpaddr0, PMP_NAPOT_ADDR(SBI_BASE, SBI_REGION_SIZE));
    csr_write(pmpaddr1, 0xffffffffu);
    csr_write(pmpcfg0, PMP_NAPOT | (PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8);
}

/* The machine-mode CSRs every hart sets for itself. */
static void hart_init(uint32_t id)
{
    pmp_init();
    uint32_t medeleg = MEDELEG_BASE, mideleg = MIDELEG_BASE;
    if (platform.has_h) {
        medeleg |= MEDELEG_H;
        mideleg |= MIDELEG_H;
    }
    csr_write(medeleg, medeleg);
    csr_write(mideleg, mideleg);
    csr_write(mcounteren, COUNTEREN_CY_TM_IR);   /* TM: also what Sstc needs for stimecmp */
    timer_init(id);
    ipi_clear(id);
    csr_write(mie, MIP_MSIP);
}

/* The UART /chosen's stdout-path names, or the first ns16550a. */
static int find_console(void)
{
    int chosen = fdt_path(&fdt, "/chosen");
    const char *path = fdt_prop(&fdt, chosen, "stdout-path", 0);
    int node = path ? fdt_path(&fdt, path) : -1;
    return node >= 0 ? node : fdt_find_compatible(&fdt, -1, "ns16550a");
}

/* Records the harts under /cpus (those the firmware can serve). */
static void find_harts(void)
{
    int cpus = fdt_path(&fdt, "/cpus");
    for (int cpu = fdt_next_child(&fdt, cpus, -1); cpu >= 0; cpu = fdt_next_child(&fdt, cpus, cpu)) {
        uint32_t id;
        const char *type = fdt_prop(&fdt, cpu, "device_type", 0);
        if (!type || strcmp(type, "cpu") != 0 || !fdt_is_enabled(&fdt, cpu) ||
            fdt_reg(&fdt, cpu, 0, &id, 0) < 0 || id >= SBI_MAX_HARTS)
            continue;
        platform.hart_mask |= 1u << id;
        platform.harts++;
    }
}

/* Reads the device tree into `platform`; 0, or -1 if something essential is missing. */
static int platform_init(const void *dtb)
{
    uint32_t address;
    platform.has_h = (csr_read(misa) & MISA_H) != 0;
    if (fdt_parse(&fdt, dtb) < 0)
        return -1;
    if (fdt_reg(&fdt, find_console(), 0, &address, 0) == 0)
        platform.uart = address;
    int clint = fdt_find_compatible(&fdt, -1, "riscv,clint0");
    if (clint < 0)
        clint = fdt_find_compatible(&fdt, -1, "sifive,clint0");
    if (fdt_reg(&fdt, clint, 0, &address, 0) < 0)
        return -1;
    platform.clint = address;
    if (fdt_reg(&fdt, fdt_find_compatible(&fdt, -1, "sifive,test0"), 0, &address, 0) == 0)
        platform.finisher = address;
    find_harts();
    return platform.harts > 0 ? 0 : -1;
}

/* The banner says nothing that varies from boot to boot (not even which hart won). */
static void banner(void)
{
    sbi_printf("\nHyperLab SBI v%s (SBI specification v%u.%u)\n", SBI_VERSION_STRING,
               SBI_SPEC_VERSION >> 24, SBI_SPEC_VERSION & 0xffffff);
    sbi_printf("  harts %d, console ns16550a at 0x%08x%s\n", platform.harts,
               (unsigned)platform.uart, platform.has_h ? ", hypervisor extension" : "");
    sbi_printf("  extensions: base time ipi rfence hsm srst dbcn legacy-console\n");
    sbi_printf("  next: 0x%08x in S-mode\n\n", SBI_PAYLOAD_ADDRESS);
}

/* The boot hart, from start.S, with .bss clear. */
void sbi_boot_main(uint32_t id, const void *dtb)
{
    if (platform_init(dtb) < 0) {
        platform.uart = platform.uart ? platform.uart : 0x10000000u;  /* last resort */
        sbi_printf("HyperLab SBI: no usable device tree at %p\n", dtb);
        sbi_fail();
    }
    hsm_init(id);
    hart_init(id);
    banner();
    fence_rw();
    sbi_ready = 1;
    enter_supervisor(id, (uint32_t)(uintptr_t)dtb, SBI_PAYLOAD_ADDRESS);
}

/* Every other hart, once the boot hart has read the platform. */
void sbi_secondary_main(uint32_t id)
{
    hart_init(id);
    hsm_wait(id);
}

/*
 * Leaves M-mode for good: continues at `address` in S-mode, translation
 * off and interrupts off, with a0 = hartid and a1 as given. The M-mode
 * stack starts afresh at the next trap (mscratch is its top).
 */
void enter_supervisor(uint32_t id, uint32_t a1, uint32_t address)
{
    register uint32_t a0_value __asm__("a0") = id;
    register uint32_t a1_value __asm__("a1") = a1;
    csr_clear(mstatus, MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MPRV | SSTATUS_SIE);
    csr_set(mstatus, MSTATUS_MPP_S);
    csr_write(satp, 0);
    csr_write(sie, 0);
    csr_write(mepc, address);
    __asm__ volatile("mret" :: "r"(a0_value), "r"(a1_value));
    __builtin_unreachable();
}

/*
 * main.c: bringing the kernel up. The boot hart reads the device tree,
 * sets up memory, paging, traps and the console, makes PID 1 from the
 * initramfs, starts the other harts through SBI HSM, and joins the
 * scheduler; each secondary hart turns on paging, traps and its timer and
 * joins it too.
 */
#include "defs.h"
#include "riscv.h"
#include "memlayout.h"
#include "platform.h"

struct cpu cpus[NCPU];

void cpu_set(struct cpu *c)
{
    __asm__ volatile("mv tp, %0" :: "r"(c));
}

/* cpus[0] is the boot hart; the others follow in device-tree order. */
static void cpus_init(uint32_t boot_hartid)
{
    int next = 1;
    for (int i = 0; i < board.harts; i++) {
        int index = board.hartids[i] == boot_hartid ? 0 : next++;
        if (index >= NCPU)
            break;
        cpus[index].hartid = board.hartids[i];
        cpus[index].index = index;
        cpus[index].plic_context = board.plic_context[i];
    }
    cpus[0].online = 1;
}

static void banner(void)
{
    uint32_t free_kib = kalloc_free_pages() * (PAGE_SIZE / 1024);
    char firmware[64];
    sbi_describe(firmware, sizeof firmware);
    kprintf("HyperLab kernel %s (%s), riscv32 Sv32\n", KERNEL_VERSION, KERNEL_VARIANT);
    kprintf("  firmware: %s\n", firmware);
    kprintf("  memory: %u MiB at 0x%08x, %u KiB free\n", (unsigned)(board.ram_size >> 20),
            (unsigned)board.ram_base, (unsigned)free_kib);
    kprintf("  console: ns16550a at 0x%08x, irq %u; timebase %u Hz\n",
            (unsigned)board.uart[board.console].base, (unsigned)board.uart[board.console].irq,
            (unsigned)board.timebase_hz);
    klog_printf("  device tree at %p: %d harts, plic at 0x%08x (%u sources)\n",
                board.dtb, board.harts, (unsigned)board.plic_base, (unsigned)board.plic_sources);
}

/* The boot hart, from entry.S: a0 = hartid, a1 = the device tree. */
void kmain(uint32_t hartid, const void *dtb)
{
    cpus[0].hartid = hartid;
    cpus[0].plic_context = -1;
    cpu_set(&cpus[0]);
    sbi_init();
    if (board_init(dtb) < 0)
        panic("no usable device tree at %p", dtb);
    cpus_init(hartid);
    kalloc_init();
    vm_init();
    vm_enable();
    trap_init_hart();
    timer_init();
    plic_init();
    console_init();
    banner();
    initramfs_init();
    platform_init();
    file_init();
    proc_init();
    smp_start();
    if (proc_start_init() < 0)
        panic("no /init or /sh in the initramfs");
    timer_init_hart();
    scheduler();
}

/* A secondary hart, from entry.S: a0 = hartid, a1 = its index in cpus[]. */
void secondary_main(uint32_t hartid, int index)
{
    struct cpu *c = &cpus[index];
    if (c->hartid != hartid)
        panic("hart %u started as cpu %d of hart %u", (unsigned)hartid, index, (unsigned)c->hartid);
    cpu_set(c);
    vm_enable();
    trap_init_hart();
    timer_init_hart();
    __atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
    scheduler();
}

/* Starts every other hart with SBI HSM and waits (a while) for each to come up. */
void smp_start(void)
{
    int online = 1, harts = board.harts < NCPU ? board.harts : NCPU;
    if (!sbi_has_hsm())
        harts = 1;                  /* no way to start the others */
    for (int i = 1; i < harts; i++) {
        int error = sbi_hart_start(cpus[i].hartid, (uint32_t)(uintptr_t)secondary_entry, (uint32_t)i);
        if (error)
            kprintf("smp: hart %u did not start (SBI error %d)\n", (unsigned)cpus[i].hartid, error);
    }
    uint64_t deadline = timer_now() + timer_ms_to_ticks(HART_START_WAIT_MS);
    for (int i = 1; i < harts; i++) {
        while (!__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE) && timer_now() < deadline)
            ;
        online += cpus[i].online;
    }
    kprintf("  harts: %d of %d online\n", online, board.harts);
}

/* Wakes harts idling in the scheduler, so new work starts without waiting for a tick. */
void send_wakeup_ipi(void)
{
    uint32_t mask = 0;
    struct cpu *self = mycpu();
    for (int i = 0; i < NCPU; i++)
        if (&cpus[i] != self && cpus[i].idle && cpus[i].hartid < 32)
            mask |= 1u << cpus[i].hartid;
    if (mask)
        sbi_send_ipi(mask, 0);
}

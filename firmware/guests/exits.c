/*
 * exits.c: what one exit costs, for `npm run bench:hv`. Booted as a DomU
 * with two vCPUs, it runs six phases, each many times the same exit,
 * between markers on its console ("exits: begin NAME", "exits: end
 * NAME"); the host counts the instructions the harts retired in HS-mode
 * and the VM exits between the markers:
 *
 *   set_timer   SBI TIME set_timer, a timer far in the future
 *   uart-write  a store to the vUART's scratch register
 *   plic-claim  a vPLIC claim and its complete (the vUART's THRE
 *               interrupt keeps a source pending), two exits a round
 *   ipi         an SBI IPI from vCPU 0 to vCPU 1, which wakes from WFI,
 *               clears it and answers through memory: the sender's exit,
 *               the receiver's WFI exit, and its wakeup
 *   xen_version the cheapest hypercall, xen_version XENVER_version
 *   sbi-version the cheapest SBI call, BASE get_spec_version
 *
 * The calls come last, when Domain-0 (booting beside it at first) is long
 * idle, so that their HS-mode count is theirs alone.
 */
#include "guest.h"
#include "hypercall.h"

#define ROUNDS          20000
#define UART            0x10000000u
#define UART_IER        1
#define UART_SCR        7
#define UART_IER_THRI   0x02
#define UART_IRQ        10
#define PLIC            0x0c000000u
#define PLIC_ENABLE0    (PLIC + 0x2000)
#define PLIC_CLAIM0     (PLIC + 0x200004)

static volatile uint32_t ipis_seen;

static void mmio_write8_at(uint32_t address, uint8_t value)
{
    *(volatile uint8_t *)(uintptr_t)address = value;
}

static void mmio_write32_at(uint32_t address, uint32_t value)
{
    *(volatile uint32_t *)(uintptr_t)address = value;
}

static uint32_t mmio_read32_at(uint32_t address)
{
    return *(volatile uint32_t *)(uintptr_t)address;
}

static void phase_xen_version(void)
{
    for (uint32_t i = 0; i < ROUNDS; i++)
        hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
}

static void phase_sbi_version(void)
{
    for (uint32_t i = 0; i < ROUNDS; i++)
        sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
}

static void phase_set_timer(void)
{
    uint64_t far = time_now() + 1000000000ull;
    for (uint32_t i = 0; i < ROUNDS; i++)
        guest_set_timer(far + i);
    guest_set_timer(~0ull);
}

static void phase_uart_write(void)
{
    for (uint32_t i = 0; i < ROUNDS; i++)
        mmio_write8_at(UART + UART_SCR, (uint8_t)i);
}

static void phase_plic_claim(void)
{
    mmio_write32_at(PLIC + 4 * UART_IRQ, 1);
    mmio_write32_at(PLIC_ENABLE0, 1u << UART_IRQ);
    mmio_write8_at(UART + UART_IER, UART_IER_THRI);
    for (uint32_t i = 0; i < ROUNDS; i++)
        mmio_write32_at(PLIC_CLAIM0, mmio_read32_at(PLIC_CLAIM0));
    mmio_write8_at(UART + UART_IER, 0);
    mmio_write32_at(PLIC_ENABLE0, 0);
}

static void phase_ipi(void)
{
    for (uint32_t i = 0; i < ROUNDS; i++) {
        sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1u << 1, 0, 0);
        while (ipis_seen <= i)
            ;
    }
}

/* vCPU 1: sleeps in WFI until an IPI, counts it, again. */
void guest_secondary_program(uint32_t hartid)
{
    (void)hartid;
    csr_set(sie, MIP_SSIP);
    for (;;) {
        wfi();
        if (csr_read(sip) & MIP_SSIP) {
            csr_clear(sip, MIP_SSIP);
            ipis_seen++;
        }
    }
}

static void run(const char *name, void (*phase)(void))
{
    print("exits: begin %s\n", name);
    phase();
    print("exits: end %s\n", name);
}

void guest_program(uint32_t hartid)
{
    (void)hartid;
    sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, (uint32_t)(uintptr_t)secondary_entry, 0);
    print("exits: %d rounds a phase\n", ROUNDS);
    run("set_timer", phase_set_timer);
    run("uart-write", phase_uart_write);
    run("plic-claim", phase_plic_claim);
    run("ipi", phase_ipi);
    run("xen_version", phase_xen_version);
    run("sbi-version", phase_sbi_version);
    print("exits: done\n");
    guest_power_off(0);
}

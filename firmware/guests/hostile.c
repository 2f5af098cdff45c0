/*
 * hostile.c: a guest that attacks the hypervisor, for the tests of
 * src/system/hostile.test.ts. Booted as a DomU, it runs the attacks its
 * bootargs name and prints what each got, one line per check:
 *
 *   hostile(traps): ok: csrr hstatus -> illegal instruction at its pc
 *
 * Attacks that a guest survives, each answered as the specifications say:
 *   traps     hypervisor and machine CSRs, HLV/HSV/HLVX, HFENCE and MRET
 *             from VS-mode: each an illegal-instruction trap into the guest
 *   sbi       unknown extensions and functions, bad hart masks, HSM on
 *             vCPUs it does not have, bad addresses and buffers, bad SRST
 *             and suspend types: each an SBI error code
 *   timers    a million set_timer calls, then one that must still fire
 *   irqoff    a loop with interrupts off, forever (the others must go on)
 *   canary    fills its RAM with a pattern and, on each 'c' typed on its
 *             console, says whether the pattern is intact
 * Attacks that crash the domain (the hypervisor reports it; nothing else
 * is touched): load-outside, store-outside (after filling its own RAM),
 * finisher (the machine's power-off register), clint (another hart's
 * software interrupt), uart1 (another domain's console), fetch-outside,
 * pagetable-outside (a page table root outside its memory).
 */
#include "guest.h"
#include "format.h"

#define OUTSIDE        0x90000000u      /* no domain of this lab has RAM there */
#define FINISHER       0x00100000u
#define CLINT_MSIP1    0x02000004u
#define UART1          0x10011000u
#define TIMER_FLOOD    1000000
#define PATTERN(a)     ((a) ^ 0x5a17c0deu)

static const char *attack = "?";
static int passed, failed;

static void report(int ok, const char *what, const char *detail)
{
    print("hostile(%s): %s: %s%s%s\n", attack, ok ? "ok" : "FAIL", what, detail[0] ? " -> " : "", detail);
    if (ok)
        passed++;
    else
        failed++;
}

/* ---- traps: what VS-mode may not do ---- */

/* Runs `insn` at a label and checks that it trapped there with an illegal instruction. */
#define EXPECT_ILLEGAL(insn)                                                            \
    do {                                                                                \
        uint32_t at_, before_ = traps.count;                                            \
        __asm__ volatile(".option push\n.option arch, +h\nla %0, 1f\n1: " insn          \
                         "\n.option pop" : "=&r"(at_) :: "a0", "memory");               \
        expect_trap(traps.count - before_, at_, insn);                                  \
    } while (0)

/*
 * After one instruction at `at`: exactly one illegal-instruction trap,
 * there. QEMU 7.2 delivers an illegal instruction that the hardware
 * delegates to VS-mode with cause 1 (it subtracts one from causes 2, 6 and
 * 10 as if they were VS interrupts); the bootargs word "qemu-vs-cause"
 * accepts that.
 */
static void expect_trap(uint32_t count, uint32_t at, const char *insn)
{
    char detail[96];
    int cause_ok = traps.cause == CAUSE_ILLEGAL_INSTRUCTION ||
                   (traps.cause == CAUSE_FETCH_ACCESS && bootargs_has("qemu-vs-cause"));
    int ok = count == 1 && cause_ok && traps.epc == at;
    if (ok)
        snprintf(detail, sizeof detail, "illegal instruction at its pc");
    else
        snprintf(detail, sizeof detail, "%u traps, the last cause %u at 0x%08x (it was at 0x%08x)",
                 (unsigned)count, (unsigned)traps.cause, (unsigned)traps.epc, (unsigned)at);
    report(ok, insn, detail);
}

static void attack_traps(void)
{
    EXPECT_ILLEGAL("csrr a0, hstatus");
    EXPECT_ILLEGAL("csrw hgatp, zero");
    EXPECT_ILLEGAL("csrr a0, htimedelta");
    EXPECT_ILLEGAL("csrw hvip, a0");
    EXPECT_ILLEGAL("csrr a0, vsatp");
    EXPECT_ILLEGAL("csrr a0, mstatus");
    EXPECT_ILLEGAL("csrw mtvec, zero");
    EXPECT_ILLEGAL("hlv.w a0, (sp)");
    EXPECT_ILLEGAL("hsv.w zero, (sp)");
    EXPECT_ILLEGAL("hlvx.hu a0, (sp)");
    EXPECT_ILLEGAL("hfence.vvma zero, zero");
    EXPECT_ILLEGAL("hfence.gvma zero, zero");
    EXPECT_ILLEGAL("mret");
}

/* ---- sbi: bad calls get error codes ---- */

static void expect_error(struct sbiret r, long error, const char *what)
{
    static const char *const names[] = { "success", "failed", "not supported", "invalid param",
                                         "denied", "invalid address", "already available" };
    char detail[48];
    long shown = -r.error;
    snprintf(detail, sizeof detail, "%s", shown >= 0 && shown <= 6 ? names[shown] : "another error");
    report(r.error == error, what, detail);
}

static volatile uint32_t second_vcpu_ran;

void guest_secondary_program(uint32_t hartid)
{
    (void)hartid;
    second_vcpu_ran = 1;
    sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
}

static void sbi_bad_calls(void)
{
    uint32_t buffer = (uint32_t)(uintptr_t)&passed;
    expect_error(sbi_call(0x12345678, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, "unknown extension 0x12345678");
    expect_error(sbi_call(0x08000000, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, "experimental extension 0x08000000");
    expect_error(sbi_call(SBI_EXT_BASE, 99, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, "BASE function 99");
    expect_error(sbi_call(SBI_EXT_TIME, 1, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, "TIME function 1");
    report(sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, 0x12345678, 0, 0).value == 0,
          "probe of an unknown extension", "0");
    expect_error(sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 0x4, 0, 0), SBI_ERR_INVALID_PARAM,
                 "IPI to vCPU 2 of a 2-vCPU domain");
    expect_error(sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, 40, 0), SBI_ERR_INVALID_PARAM, "IPI with hart_mask_base 40");
    expect_error(sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, 0x80000000u, 0, 0), SBI_ERR_INVALID_PARAM,
                 "remote sfence.vma on vCPU 31");
    expect_error(sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_HFENCE_GVMA, 1, 0, 0), SBI_ERR_NOT_SUPPORTED,
                 "remote hfence.gvma (a guest has no H)");
    expect_error(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 5, (uint32_t)(uintptr_t)secondary_entry, 0),
                 SBI_ERR_INVALID_PARAM, "HSM start of vCPU 5");
    expect_error(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 0, (uint32_t)(uintptr_t)secondary_entry, 0),
                 SBI_ERR_ALREADY_AVAILABLE, "HSM start of itself");
    expect_error(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, OUTSIDE, 0), SBI_ERR_INVALID_ADDRESS,
                 "HSM start at an address outside its memory");
    expect_error(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 99, 0, 0), SBI_ERR_INVALID_PARAM,
                 "HSM status of vCPU 99");
    expect_error(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 1, 0, 0), SBI_ERR_INVALID_PARAM,
                 "HSM suspend of a reserved type");
    expect_error(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, 0x10000000u, 0, 0), SBI_ERR_NOT_SUPPORTED,
                 "HSM suspend of a platform type");
    expect_error(sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 16, OUTSIDE, 0), SBI_ERR_INVALID_PARAM,
                 "console write from outside its memory");
    expect_error(sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 16, buffer, 1), SBI_ERR_INVALID_PARAM,
                 "console write above 4 GiB");
    expect_error(sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 0x7fffffffu, guest_ram_base + guest_ram_size - 8, 0),
                 SBI_ERR_INVALID_PARAM, "console write running past its memory");
    expect_error(sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 16, OUTSIDE, 0), SBI_ERR_INVALID_PARAM,
                 "console read into memory outside");
    expect_error(sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 7, 0, 0), SBI_ERR_INVALID_PARAM,
                 "system reset of type 7");
    expect_error(sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 0, 9, 0), SBI_ERR_INVALID_PARAM,
                 "system reset for reason 9");
}

/* The calls above got errors; these good ones must still work. */
static void sbi_good_calls(void)
{
    csr_set(sie, MIP_SSIP | MIP_STIP);
    expect_error(sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, 0, 0), SBI_SUCCESS, "IPI to itself");
    csr_set(sstatus, SSTATUS_SIE);
    for (int i = 0; i < 100000 && traps.software_interrupts == 0; i++)
        ;
    report(traps.software_interrupts == 1, "the IPI arrives", "one software interrupt");
    guest_set_timer(0);
    for (int i = 0; i < 100000 && traps.timer_interrupts == 0; i++)
        ;
    report(traps.timer_interrupts == 1, "set_timer in the past", "a timer interrupt at once");
    csr_clear(sstatus, SSTATUS_SIE);
    expect_error(sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, 1, (uint32_t)(uintptr_t)secondary_entry, 0),
                 SBI_SUCCESS, "HSM start of vCPU 1");
    for (int i = 0; i < 10000000 && !second_vcpu_ran; i++)
        ;
    long status = -1;
    for (int i = 0; i < 10000000 && status != SBI_HSM_STOPPED; i++)
        status = sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, 1, 0, 0).value;
    report(second_vcpu_ran && status == SBI_HSM_STOPPED, "vCPU 1 ran, then stopped itself", "stopped");
}

/* ---- timers: a flood of set_timer, then one that must fire ---- */

static void attack_timers(void)
{
    /* Deadlines a day away: however slow the machine, none of the flood fires. */
    uint64_t start = time_now() + 864000000000ull;
    for (int i = 0; i < TIMER_FLOOD; i++)
        guest_set_timer(start + (uint32_t)i);
    report(1, "a million set_timer calls", "all returned");
    csr_set(sie, MIP_STIP);
    csr_set(sstatus, SSTATUS_SIE);
    guest_set_timer(time_now() + 10000);
    while (traps.timer_interrupts == 0)
        wfi();
    report(traps.timer_interrupts == 1, "the last timer fires", "one timer interrupt");
}

/* ---- canary: its own memory, checked on demand ---- */

static uint32_t canary_start(void)
{
    return ((uint32_t)(uintptr_t)_end + 0xfff) & ~0xfffu;
}

static uint32_t canary_end(void)
{
    return ((uint32_t)(uintptr_t)guest_dtb & ~0xfffu);
}

static void canary_fill(void)
{
    for (uint32_t a = canary_start(); a < canary_end(); a += 4)
        *(volatile uint32_t *)(uintptr_t)a = PATTERN(a);
}

static void canary_check(void)
{
    char detail[64];
    for (uint32_t a = canary_start(); a < canary_end(); a += 4) {
        if (*(volatile uint32_t *)(uintptr_t)a != PATTERN(a)) {
            snprintf(detail, sizeof detail, "broken at 0x%08x", (unsigned)a);
            report(0, "canary", detail);
            return;
        }
    }
    snprintf(detail, sizeof detail, "intact, %u KiB", (unsigned)((canary_end() - canary_start()) / 1024));
    report(1, "canary", detail);
}

/* Waits for console input (polling every 10 ms, asleep between), checking on each 'c'. */
static void attack_canary(void)
{
    canary_fill();
    print("hostile(canary): filled; type c to check\n");
    csr_set(sie, MIP_STIP);
    csr_set(sstatus, SSTATUS_SIE);
    for (;;) {
        uint8_t byte;
        struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 1, (uint32_t)(uintptr_t)&byte, 0);
        if (r.error == 0 && r.value == 1) {
            if (byte == 'c')
                canary_check();
            continue;
        }
        guest_set_timer(time_now() + 100000);
        wfi();
    }
}

/* ---- the attacks that crash the domain ---- */

static void attempt(const char *what)
{
    print("hostile(%s): attempting %s\n", attack, what);
}

static void attack_fatal(void)
{
    if (bootargs_has("load-outside")) {
        attempt("a load from guest-physical 0x90000000");
        (void)*(volatile uint32_t *)(uintptr_t)OUTSIDE;
    } else if (bootargs_has("store-outside")) {
        canary_fill();
        print("hostile(%s): wrote over its whole RAM (%u KiB): only its own frames\n", attack,
              (unsigned)((canary_end() - canary_start()) / 1024));
        attempt("a store just past the end of its RAM");
        *(volatile uint32_t *)(uintptr_t)(guest_ram_base + guest_ram_size) = 0xdeadbeef;
    } else if (bootargs_has("finisher")) {
        attempt("to power the machine off through the test finisher at 0x00100000");
        *(volatile uint32_t *)(uintptr_t)FINISHER = 0x5555;
    } else if (bootargs_has("clint")) {
        attempt("to interrupt hart 1 through the CLINT at 0x02000004");
        *(volatile uint32_t *)(uintptr_t)CLINT_MSIP1 = 1;
    } else if (bootargs_has("uart1")) {
        attempt("to write on UART1 at 0x10011000, another domain's console");
        *(volatile uint8_t *)(uintptr_t)UART1 = 'X';
    } else if (bootargs_has("fetch-outside")) {
        attempt("to run code at guest-physical 0x90000000");
        ((void (*)(void))(uintptr_t)OUTSIDE)();
    } else if (bootargs_has("pagetable-outside")) {
        attempt("a page table root at guest-physical 0x90000000");
        csr_write(satp, SATP_MODE_SV32 | OUTSIDE >> 12);
        __asm__ volatile("sfence.vma" ::: "memory");
    } else {
        return;
    }
    report(0, "the domain should have been crashed", "it goes on");
}

static const char *const attacks[] = { "traps", "sbi", "timers", "irqoff", "canary", "load-outside",
                                       "store-outside", "finisher", "clint", "uart1", "fetch-outside",
                                       "pagetable-outside" };

void guest_program(uint32_t hartid)
{
    (void)hartid;
    for (unsigned i = 0; i < sizeof attacks / sizeof attacks[0]; i++)
        if (bootargs_has(attacks[i]))
            attack = attacks[i];
    print("hostile(%s): starting in a domain of %u KiB\n", attack, (unsigned)(guest_ram_size / 1024));
    if (bootargs_has("traps"))
        attack_traps();
    if (bootargs_has("sbi")) {
        sbi_bad_calls();
        sbi_good_calls();
    }
    if (bootargs_has("timers"))
        attack_timers();
    if (bootargs_has("canary"))
        attack_canary();
    if (bootargs_has("irqoff")) {
        print("hostile(irqoff): spinning with interrupts off, forever\n");
        csr_clear(sstatus, SSTATUS_SIE);
        for (volatile uint32_t spins = 0;; spins++)
            ;
    }
    attack_fatal();
    print("hostile(%s): done: %d passed, %d failed\n", attack, passed, failed);
    for (;;)
        wfi();
}

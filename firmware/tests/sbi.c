/*
 * sbi.c: the HyperLab SBI firmware, checked from S-mode. Built into
 * tests/sbi.elf together with the firmware (the firmware's start at
 * 0x80000000, this program as its payload at 0x80400000), so the same image
 * runs on HyperLab and, with -bios none, on QEMU.
 *
 * hyperlab-test: harts=4 hyperlab-line="sstc: no (riscv,isa); stimecmp is an illegal instruction" qemu-line="sstc: yes (riscv,isa); stimecmp from S-mode, timer interrupt taken"
 *
 * Checks, in order: BASE (versions, IDs, probing), unknown extensions and
 * functions, DBCN and the legacy console, TIME (a timer interrupt arrives
 * and set_timer clears it), Sstc (where the hart's riscv,isa lists it, as on
 * QEMU's default CPU, the firmware has set menvcfg.STCE and S-mode's own
 * stimecmp raises the supervisor timer interrupt, which is taken; where it
 * does not, as on HyperLab, stimecmp is an illegal instruction: the two
 * machines print different lines there, which the differential test checks
 * one per machine), IPI (to this hart; a bad mask), HSM (status,
 * starting a hart with an opaque value, the hart stopping itself, starting
 * it again), RFENCE (with another hart running), SRST (a bad type). Passes
 * by powering off through SRST; fails with the check's number as exit status.
 */
#include <stdint.h>
#include "fdt.h"
#include "sbi.h"
#include "string.h"

#define MAX_HARTS   16
#define STACK_SIZE  1024
#define OPAQUE      0x5eed1234u
#define SIP_SSIP    0x002u
#define SIP_STIP    0x020u
#define SIE_STIE    0x020u
#define SIE_SSIE    0x002u
#define SSTATUS_SIE 0x002u
#define SCAUSE_SUPERVISOR_TIMER 0x80000005u
#define CAUSE_ILLEGAL_INSTRUCTION 2u
#define SPIN_LIMIT  10000000    /* polls before a wait counts as failed */

struct sbiret {
    long error;
    long value;
};

static int check_number;
static struct fdt fdt;
static volatile uint32_t trap_cause, trap_count;   /* what sstc_trap saw */
uint8_t stacks[MAX_HARTS][STACK_SIZE] __attribute__((aligned(16)));   /* secondary_start uses it */
static volatile uint32_t secondary_hartid = ~0u, secondary_opaque, secondary_runs, secondary_stop;

__asm__(
    ".pushsection .text.init, \"ax\"\n"
    ".globl _start\n"
    "_start:\n"
    "  la sp, boot_stack_top\n"
    "  call sbi_test_main\n"                  /* a0 = hartid, a1 = device tree */
    "1: j 1b\n"
    ".popsection\n"
    ".pushsection .text, \"ax\"\n"
    ".globl secondary_start\n"
    "secondary_start:\n"                  /* a0 = hartid, a1 = opaque */
    "  addi t0, a0, 1\n"
    "  slli t0, t0, 10\n"                 /* STACK_SIZE */
    "  la sp, stacks\n"
    "  add sp, sp, t0\n"
    "  call secondary_main\n"
    "1: j 1b\n"
    ".popsection\n"
    ".pushsection .bss, \"aw\", @nobits\n"
    ".align 4\n"
    ".space 4096\n"
    "boot_stack_top:\n"
    ".popsection\n");

static struct sbiret call(uint32_t ext, uint32_t fid, uint32_t a0, uint32_t a1, uint32_t a2)
{
    register uint32_t r0 __asm__("a0") = a0;
    register uint32_t r1 __asm__("a1") = a1;
    register uint32_t r2 __asm__("a2") = a2;
    register uint32_t r6 __asm__("a6") = fid;
    register uint32_t r7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
    return (struct sbiret){ (long)r0, (long)r1 };
}

static uint32_t length(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void print(const char *s)
{
    call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, length(s), (uint32_t)(uintptr_t)s, 0);
}

static void fail(void)
{
    print("sbi test: FAILED\n");
    call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE, 0);
    for (;;)
        ;
}

/* Check number n (1, 2, ...): `ok` must hold; on the first check of a group, say which. */
static void check(int ok)
{
    check_number++;
    if (!ok) {
        char digits[4] = { (char)('0' + check_number / 10), (char)('0' + check_number % 10), 0 };
        print("sbi test: check ");
        print(digits);
        print(" failed\n");
        fail();
    }
}

static uint32_t csr_sip(void)
{
    uint32_t v;
    __asm__ volatile("csrr %0, sip" : "=r"(v));
    return v;
}

static uint64_t now(void)
{
    uint32_t high, low, again;
    do {
        __asm__ volatile("csrr %0, timeh" : "=r"(high));
        __asm__ volatile("csrr %0, time" : "=r"(low));
        __asm__ volatile("csrr %0, timeh" : "=r"(again));
    } while (high != again);
    return (uint64_t)high << 32 | low;
}

/* Waits until *flag == value; 0 if it never did. */
static int wait_for(volatile uint32_t *flag, uint32_t value)
{
    for (int i = 0; i < SPIN_LIMIT; i++)
        if (__atomic_load_n(flag, __ATOMIC_ACQUIRE) == value)
            return 1;
    return 0;
}

static void test_base(void)
{
    static const uint32_t extensions[] = { SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE,
        SBI_EXT_HSM, SBI_EXT_SRST, SBI_EXT_DBCN, SBI_EXT_LEGACY_PUTCHAR, SBI_EXT_LEGACY_GETCHAR };
    print("base: spec version, implementation, probe\n");
    struct sbiret r = call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0);
    check(r.error == SBI_SUCCESS && r.value == SBI_SPEC_VERSION);
    r = call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0);
    check(r.error == SBI_SUCCESS && r.value == SBI_IMPL_ID_HYPERLAB);
    r = call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0);
    check(r.error == SBI_SUCCESS && r.value == SBI_IMPL_VERSION_HYPERLAB);
    for (uint32_t i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
        check(call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, extensions[i], 0, 0).value == 1);
    check(call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, 0x0a000000, 0, 0).value == 0);
    for (uint32_t fid = SBI_BASE_GET_MVENDORID; fid <= SBI_BASE_GET_MIMPID; fid++)
        check(call(SBI_EXT_BASE, fid, 0, 0, 0).error == SBI_SUCCESS);
    print("unknown extension and function: not supported\n");
    check(call(0x0a000000, 0, 0, 0, 0).error == SBI_ERR_NOT_SUPPORTED);
    check(call(SBI_EXT_BASE, 99, 0, 0, 0).error == SBI_ERR_NOT_SUPPORTED);
    check(call(SBI_EXT_HSM, 99, 0, 0, 0).error == SBI_ERR_NOT_SUPPORTED);
}

static void test_console(void)
{
    static const char message[] = "dbcn: console_write\n";
    char byte;
    struct sbiret r = call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, sizeof message - 1,
                           (uint32_t)(uintptr_t)message, 0);
    check(r.error == SBI_SUCCESS && r.value == sizeof message - 1);
    check(call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, 1, (uint32_t)(uintptr_t)message, 1).error ==
          SBI_ERR_INVALID_PARAM);
    for (const char *s = "dbcn: console_write_byte\n"; *s; s++)
        check(call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, (uint8_t)*s, 0, 0).error == SBI_SUCCESS);
    r = call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 1, (uint32_t)(uintptr_t)&byte, 0);
    check(r.error == SBI_SUCCESS && r.value == 0);          /* nothing typed */
    for (const char *s = "legacy: console_putchar\n"; *s; s++)
        check(call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)*s, 0, 0).error == 0);
    check(call(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0).error == -1);
}

static void test_timer(void)
{
    print("time: set_timer raises STIP, a later time clears it\n");
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_STIE));
    uint64_t when = now() + 1000;
    check(call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (uint32_t)when, (uint32_t)(when >> 32), 0).error == 0);
    int seen = 0;
    for (int i = 0; i < SPIN_LIMIT && !seen; i++) {
        __asm__ volatile("wfi");
        seen = (csr_sip() & SIP_STIP) != 0;
    }
    check(seen);
    check(now() >= when);
    check(call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, 0xffffffffu, 0xffffffffu, 0).error == 0);
    check(!(csr_sip() & SIP_STIP));
}

/* stimecmp (Sstc), never smaller on the way. */
static void stimecmp_write(uint64_t when)
{
    __asm__ volatile("csrw stimecmp, %0" :: "r"(0xffffffffu));
    __asm__ volatile("csrw stimecmph, %0" :: "r"((uint32_t)(when >> 32)));
    __asm__ volatile("csrw stimecmp, %0" :: "r"((uint32_t)when));
}

/*
 * The S-mode trap handler of the Sstc checks: records scause; the timer
 * interrupt is answered by moving stimecmp out of reach, an exception (the
 * illegal stimecmp write, 4 bytes) by going on after the instruction.
 */
__attribute__((interrupt("supervisor"), aligned(4))) static void sstc_trap(void)
{
    uint32_t cause, epc;
    __asm__ volatile("csrr %0, scause" : "=r"(cause));
    trap_cause = cause;
    trap_count++;
    if (cause == SCAUSE_SUPERVISOR_TIMER) {
        stimecmp_write(~0ull);
    } else {
        __asm__ volatile("csrr %0, sepc" : "=r"(epc));
        __asm__ volatile("csrw sepc, %0" :: "r"(epc + 4));
    }
}

/* 1 if the ISA string names `extension` among its multi-letter extensions ("_sstc"). */
static int isa_has(const char *isa, const char *extension)
{
    size_t n = strlen(extension);
    for (const char *p = isa; *p; p++)
        if (*p == '_' && strncmp(p + 1, extension, n) == 0 && (p[1 + n] == '_' || p[1 + n] == 0))
            return 1;
    return 0;
}

/* riscv,isa of the hart `self` in the device tree at `dtb`, or 0. */
static const char *hart_isa(uint32_t self, const void *dtb)
{
    if (fdt_parse(&fdt, dtb) < 0)
        return 0;
    int cpus = fdt_path(&fdt, "/cpus");
    for (int cpu = fdt_next_child(&fdt, cpus, -1); cpu >= 0; cpu = fdt_next_child(&fdt, cpus, cpu)) {
        uint32_t id;
        if (fdt_reg(&fdt, cpu, 0, &id, 0) == 0 && id == self)
            return fdt_prop(&fdt, cpu, "riscv,isa", 0);
    }
    return 0;
}

/* Sstc present: S-mode sets its own timer in stimecmp and takes the interrupt. */
static void sstc_present(void)
{
    print("sstc: yes (riscv,isa); stimecmp from S-mode, timer interrupt taken\n");
    trap_count = 0;
    uint64_t when = now() + 1000;
    stimecmp_write(when);
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_STIE));
    __asm__ volatile("csrs sstatus, %0" :: "r"(SSTATUS_SIE));
    for (int i = 0; i < SPIN_LIMIT && trap_count == 0; i++)
        __asm__ volatile("wfi");
    __asm__ volatile("csrc sstatus, %0" :: "r"(SSTATUS_SIE));
    check(trap_count == 1 && trap_cause == SCAUSE_SUPERVISOR_TIMER);
    check(now() >= when);
    check(!(csr_sip() & SIP_STIP));
}

/* Sstc absent: stimecmp does not exist (the firmware delegates illegal instructions to S-mode). */
static void sstc_absent(void)
{
    print("sstc: no (riscv,isa); stimecmp is an illegal instruction\n");
    trap_count = 0;
    __asm__ volatile("csrw stimecmp, zero");
    check(trap_count == 1 && trap_cause == CAUSE_ILLEGAL_INSTRUCTION);
}

static void test_sstc(uint32_t self, const void *dtb)
{
    const char *isa = hart_isa(self, dtb);
    check(isa != 0);
    uint32_t stvec;
    __asm__ volatile("csrrw %0, stvec, %1" : "=r"(stvec) : "r"(sstc_trap));
    if (isa_has(isa, "sstc"))
        sstc_present();
    else
        sstc_absent();
    __asm__ volatile("csrw stvec, %0" :: "r"(stvec));
}

static void test_ipi(uint32_t self)
{
    print("ipi: send_ipi to this hart raises SSIP\n");
    __asm__ volatile("csrs sie, %0" :: "r"(SIE_SSIE));
    check(call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, self, 0).error == SBI_SUCCESS);
    int seen = 0;
    for (int i = 0; i < SPIN_LIMIT && !seen; i++)
        seen = (csr_sip() & SIP_SSIP) != 0;
    check(seen);
    __asm__ volatile("csrc sip, %0" :: "r"(SIP_SSIP));
    check(!(csr_sip() & SIP_SSIP));
    check(call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, 40, 0).error == SBI_ERR_INVALID_PARAM);
}

/* A started hart: reports in, then waits to be told to stop, and stops. */
void secondary_main(uint32_t hartid, uint32_t opaque)
{
    secondary_opaque = opaque;
    __atomic_store_n(&secondary_hartid, hartid, __ATOMIC_RELEASE);
    __atomic_add_fetch(&secondary_runs, 1, __ATOMIC_ACQ_REL);
    while (!__atomic_load_n(&secondary_stop, __ATOMIC_ACQUIRE))
        ;
    secondary_stop = 0;
    call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
}

static int status(uint32_t hart)
{
    struct sbiret r = call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hart, 0, 0);
    return r.error ? (int)r.error : (int)r.value;
}

/* Waits until `hart` reports `state`; 0 if it never does. */
static int wait_status(uint32_t hart, int state)
{
    for (int i = 0; i < SPIN_LIMIT / 100; i++)
        if (status(hart) == state)
            return 1;
    return 0;
}

static void test_hsm_and_rfence(uint32_t self)
{
    extern char secondary_start[];
    uint32_t other = self == 0 ? 1 : 0;
    print("hsm: status, hart_start with an opaque value, hart_stop\n");
    check(status(self) == SBI_HSM_STARTED);
    check(status(other) == SBI_HSM_STOPPED);
    check(status(99) == SBI_ERR_INVALID_PARAM);
    check(call(SBI_EXT_HSM, SBI_HSM_HART_START, self, 0, 0).error == SBI_ERR_ALREADY_AVAILABLE);
    check(call(SBI_EXT_HSM, SBI_HSM_HART_START, 99, 0, 0).error == SBI_ERR_INVALID_PARAM);
    for (int round = 1; round <= 2; round++) {
        check(call(SBI_EXT_HSM, SBI_HSM_HART_START, other, (uint32_t)(uintptr_t)secondary_start,
                   OPAQUE + round).error == SBI_SUCCESS);
        check(wait_for(&secondary_runs, (uint32_t)round));
        check(secondary_hartid == other && secondary_opaque == OPAQUE + (uint32_t)round);
        check(status(other) == SBI_HSM_STARTED);
        if (round == 1) {
            print("rfence: fence_i and sfence_vma on every hart, one running\n");
            for (uint32_t fid = SBI_RFENCE_FENCE_I; fid <= SBI_RFENCE_SFENCE_VMA_ASID; fid++)
                check(call(SBI_EXT_RFENCE, fid, 0, SBI_HART_MASK_ALL, 0).error == SBI_SUCCESS);
            long h = call(SBI_EXT_RFENCE, SBI_RFENCE_HFENCE_GVMA, 0, SBI_HART_MASK_ALL, 0).error;
            check(h == SBI_SUCCESS || h == SBI_ERR_NOT_SUPPORTED);
            check(call(SBI_EXT_RFENCE, SBI_RFENCE_FENCE_I, 1, 40, 0).error == SBI_ERR_INVALID_PARAM);
        }
        __atomic_store_n(&secondary_stop, 1, __ATOMIC_RELEASE);
        check(wait_status(other, SBI_HSM_STOPPED));
    }
}

void sbi_test_main(uint32_t hartid, const void *dtb)
{
    print("sbi test: the HyperLab SBI firmware, from S-mode\n");
    test_base();
    test_console();
    test_timer();
    test_sstc(hartid, dtb);
    test_ipi(hartid);
    test_hsm_and_rfence(hartid);
    print("srst: a bad reset type is refused\n");
    check(call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, 7, 0, 0).error == SBI_ERR_INVALID_PARAM);
    print("sbi test: passed\nPASS\n");
    call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_SHUTDOWN, SBI_SRST_REASON_NONE, 0);
    fail();
}

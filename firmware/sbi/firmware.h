/*
 * firmware.h: what the files of the SBI firmware share: the trap frame,
 * the platform found in the device tree, per-hart state, and each
 * subsystem's entry points.
 */
#ifndef SBI_FIRMWARE_H
#define SBI_FIRMWARE_H

#include <stdint.h>
#include "params.h"
#include "riscv.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Registers saved by the trap vector (start.S); x[10] is a0. */
struct trap_regs {
    uint32_t x[32];
    uint32_t mepc;
    uint32_t mstatus;
};
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A4 14
#define REG_A5 15
#define REG_A6 16
#define REG_A7 17
#define TRAP_REGS_SIZE 136          /* sizeof(struct trap_regs), for start.S */

/* The board, as the device tree describes it. */
struct platform {
    uintptr_t uart;              /* the console: /chosen stdout-path */
    uintptr_t clint;
    uintptr_t finisher;          /* sifive,test0; 0 if none */
    uint32_t hart_mask;          /* bit h: hart h is in the tree */
    int harts;
    int has_h;                   /* misa.H: the hypervisor extension */
};
extern struct platform platform;

/* Per-hart state; other harts write the request fields. */
struct hart {
    volatile int hsm_state;          /* SBI_HSM_* */
    uint32_t start_address;          /* for a pending hart_start */
    uint32_t opaque;
    volatile uint32_t ssip_pending;  /* send_ipi: raise SSIP */
    volatile uint32_t fence_requested; /* remote fences asked for (a count) */
    volatile uint32_t fence_done;    /* the request count a full fence covered */
    int sstc;                        /* Sstc: set_timer writes stimecmp (menvcfg.STCE is set) */
};
extern struct hart harts[SBI_MAX_HARTS];

struct sbiret {
    long error;
    long value;
};

typedef struct sbiret (*sbi_function)(struct trap_regs *regs);

/* An SBI extension: its ID and its functions, indexed by function ID. */
struct sbi_extension {
    uint32_t id;
    const sbi_function *functions;
    uint32_t count;
    int legacy;                  /* legacy call: any function ID, result in a0 only */
};

extern const struct sbi_extension sbi_base_extension, sbi_time_extension,
    sbi_ipi_extension, sbi_rfence_extension, sbi_hsm_extension,
    sbi_srst_extension, sbi_dbcn_extension, sbi_legacy_putchar_extension,
    sbi_legacy_getchar_extension;

static inline uint32_t hartid(void)
{
    uint32_t id;
    __asm__ volatile("csrr %0, mhartid" : "=r"(id));
    return id;
}

/*
 * Clears, then sets, bits of mip that S-mode's interrupts hang on (SSIP,
 * STIP), touching no other bit: a plain write of mip would also write the
 * VS-level bits that alias hvip, and on QEMU 7.2 (which lets mip write
 * VSTIP and VSEIP) lose the virtual interrupts a hypervisor had raised.
 */
static inline void mip_update(uint32_t clear, uint32_t set)
{
    clear &= MIP_SSIP | MIP_STIP;
    set &= MIP_SSIP | MIP_STIP;
    if (clear)
        __asm__ volatile("csrc mip, %0" :: "r"(clear) : "memory");
    if (set)
        __asm__ volatile("csrs mip, %0" :: "r"(set) : "memory");
}

/* start.S */
void hsm_restart(uint32_t hartid) __attribute__((noreturn));

/* main.c */
void enter_supervisor(uint32_t hartid, uint32_t a1, uint32_t address) __attribute__((noreturn));

/* trap.c */
void sbi_trap(struct trap_regs *regs);

/* ecall.c */
void ecall_handle(struct trap_regs *regs);
const struct sbi_extension *ecall_find(uint32_t id);

/* console.c */
void console_putc(char c);
int console_getc(void);
void sbi_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* timer.c */
void timer_init(uint32_t hartid);
void timer_stop(uint32_t hartid);
void timer_handle(struct trap_regs *regs);

/* ipi.c */
void ipi_handle(struct trap_regs *regs);
void ipi_clear(uint32_t hartid);
void ipi_process(uint32_t hartid);

/* hsm.c */
void hsm_wait(uint32_t hartid) __attribute__((noreturn));
void hsm_init(uint32_t boot_hartid);

/* reset.c */
void sbi_fail(void) __attribute__((noreturn));
void system_reset(uint32_t type, uint32_t reason) __attribute__((noreturn));

#endif

/*
 * guest.h: what the small guest programs share (guest.c): SBI calls, a
 * console on SBI DBCN, the bootargs of /chosen, time, and traps caught
 * and recorded so that a program can check what an instruction caused.
 * They run in S-mode on the bare machine under an SBI firmware, and in
 * VS-mode as domains of the hypervisor: nothing here knows which.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdint.h>
#include "sbi.h"
#include "riscv.h"
#include "sbi_call.h"


/* What the trap vector saves (start.S). */
struct guest_frame {
    uint32_t x[32];
    uint32_t sepc, scause;
};

/* The last trap the handler took: cause, tval, epc; count counts them. */
struct trap_record {
    volatile uint32_t count;
    volatile uint32_t cause, tval, epc;
    volatile uint32_t timer_interrupts, software_interrupts;
};
extern struct trap_record traps;
extern void (*software_interrupt_handler)(void);   /* a program's, called with SSIP cleared */

void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *bootargs(void);
int bootargs_has(const char *word);
uint64_t time_now(void);
void guest_power_off(int failed) __attribute__((noreturn));
void guest_set_timer(uint64_t when);
void secondary_entry(void);
extern char _image_start[], _end[];
extern const void *guest_dtb;
extern uint32_t guest_ram_base, guest_ram_size;

/* Hypercalls (firmware/include/hypercall.h): the result in a0. */
long hypercall(uint32_t number, uint32_t a0, uint32_t a1, uint32_t a2);
void sleep_ms(uint32_t ms);

/*
 * Checks, one line each: "<prefix>: ok: <what> -> <got>, <expected>" or
 * "<prefix>: FAIL: ...", then checks_done's "<prefix>: done: P passed,
 * F failed".
 */
extern const char *check_prefix;
void check(int ok, const char *what, long got, const char *expected);
void expect(long got, long expected, const char *what, const char *name);
void checks_done(void);
extern int checks_failed;

/* Each program defines these. */
void guest_program(uint32_t hartid);
void guest_secondary_program(uint32_t hartid);

#endif

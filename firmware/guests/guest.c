/*
 * guest.c: the runtime of the guest programs (guest.h).
 */
#include <stdarg.h>
#include "guest.h"
#include "hypercall.h"
#include "fdt.h"
#include "format.h"
#include "string.h"

struct trap_record traps;
void (*software_interrupt_handler)(void);
const void *guest_dtb;
uint32_t guest_ram_base, guest_ram_size;
static struct fdt fdt;
static volatile uint32_t console_lock;

struct line {
    char text[160];
    uint32_t length;
};

static void line_sink(void *context, char c)
{
    struct line *line = context;
    if (c == '\n' && line->length < sizeof line->text)
        line->text[line->length++] = '\r';
    if (line->length < sizeof line->text)
        line->text[line->length++] = c;
}

/* printf to the console (SBI DBCN), one call per message, whole lines kept whole between harts. */
void print(const char *fmt, ...)
{
    struct line line = { .length = 0 };
    va_list args;
    va_start(args, fmt);
    vformat(line_sink, &line, fmt, args);
    va_end(args);
    while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
        ;
    for (uint32_t done = 0; done < line.length;) {
        struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, line.length - done,
                                   (uint32_t)(uintptr_t)line.text + done, 0);
        if (r.error || r.value <= 0)
            break;
        done += (uint32_t)r.value;
    }
    __atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

const char *bootargs(void)
{
    const char *args = fdt_prop(&fdt, fdt_path(&fdt, "/chosen"), "bootargs", 0);
    return args ? args : "";
}

/* Is `word` one of the blank-separated words of the bootargs? */
int bootargs_has(const char *word)
{
    size_t n = strlen(word);
    for (const char *p = bootargs(); *p;) {
        while (*p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - start) == n && strncmp(start, word, n) == 0)
            return 1;
    }
    return 0;
}

uint64_t time_now(void)
{
    return read_time();
}

void guest_set_timer(uint64_t when)
{
    sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (uint32_t)when, (uint32_t)(when >> 32), 0);
}

long hypercall(uint32_t number, uint32_t a0, uint32_t a1, uint32_t a2)
{
    return sbi_call(HYPERCALL_EID, number, a0, a1, a2).error;
}

/* Sleeps `ms` in SCHEDOP_block, woken by its SBI timer. */
void sleep_ms(uint32_t ms)
{
    uint64_t until = time_now() + (uint64_t)ms * 10000;     /* the 10 MHz timebase */
    csr_set(sie, MIP_STIP);
    while (time_now() < until) {
        guest_set_timer(until);
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    }
    guest_set_timer(~0ull);
}

const char *check_prefix = "check";
static int checks_passed;
int checks_failed;

void check(int ok, const char *what, long got, const char *expected)
{
    print("%s: %s: %s -> %ld%s%s\n", check_prefix, ok ? "ok" : "FAIL", what, got, expected[0] ? ", " : "", expected);
    if (ok)
        checks_passed++;
    else
        checks_failed++;
}

/* Checks that `what` returned exactly `expected` (named `name`). */
void expect(long got, long expected, const char *what, const char *name)
{
    check(got == expected, what, got, name);
}

void checks_done(void)
{
    print("%s: done: %d passed, %d failed\n", check_prefix, checks_passed, checks_failed);
}

void guest_power_off(int failed)
{
    sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_SHUTDOWN,
             failed ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0);
    for (;;)
        wfi();
}

static uint32_t instruction_length(uint32_t pc)
{
    return (*(volatile uint16_t *)(uintptr_t)pc & 3) == 3 ? 4 : 2;
}

/*
 * Every trap: interrupts are counted and quietened (a timer interrupt by
 * turning the timer off, a software interrupt by clearing it, then the
 * program's handler for it, if it has one); an exception is recorded and the instruction
 * skipped, so that a program can look at what it caused.
 */
void guest_trap(struct guest_frame *frame)
{
    uint32_t cause = frame->scause;
    if (cause & CAUSE_INTERRUPT) {
        if ((cause & ~CAUSE_INTERRUPT) == IRQ_S_TIMER) {
            traps.timer_interrupts++;
            guest_set_timer(~0ull);
        } else {
            traps.software_interrupts++;
            csr_clear(sip, MIP_SSIP);
            if (software_interrupt_handler)
                software_interrupt_handler();
        }
        return;
    }
    traps.cause = cause;
    traps.tval = csr_read(stval);
    traps.epc = frame->sepc;
    traps.count++;
    frame->sepc += instruction_length(frame->sepc);
}

/* The boot hart, from start.S. */
void guest_main(uint32_t hartid, const void *dtb)
{
    guest_dtb = dtb;
    if (fdt_parse(&fdt, dtb) == 0) {
        for (int node = fdt_next_child(&fdt, 0, -1); node >= 0; node = fdt_next_child(&fdt, 0, node)) {
            const char *type = fdt_prop(&fdt, node, "device_type", 0);
            if (type && strcmp(type, "memory") == 0)
                fdt_reg(&fdt, node, 0, &guest_ram_base, &guest_ram_size);
        }
    }
    guest_program(hartid);
    guest_power_off(0);
}

void guest_secondary(uint32_t hartid)
{
    guest_secondary_program(hartid);
    for (;;)
        wfi();
}

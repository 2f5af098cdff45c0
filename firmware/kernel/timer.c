/*
 * timer.c: time and the tick. The time CSR counts at the device tree's
 * timebase-frequency from power-on; a busy hart asks SBI for an interrupt
 * TICK_HZ times a second, which preempts user programs and ends sleeps. An
 * idle hart asks only for the next sleeper's wake time (or for nothing), so
 * an idle machine sleeps until something happens.
 */

#define NO_TIMER (~0ull)            /* SBI: no timer interrupt at all */
#include "defs.h"
#include "riscv.h"

static uint32_t tick_interval;      /* timebase ticks between timer interrupts */

void timer_init(void)
{
    tick_interval = board.timebase_hz / TICK_HZ;
}

uint64_t timer_now(void)
{
    return read_time();
}

uint64_t timer_ms_to_ticks(uint32_t ms)
{
    return (uint64_t)ms * board.timebase_hz / 1000;
}

uint32_t timer_ticks_to_ms(uint64_t ticks)
{
    return (uint32_t)(ticks * 1000 / board.timebase_hz);
}

uint32_t timer_uptime_ms(void)
{
    return timer_ticks_to_ms(timer_now());
}

void timer_init_hart(void)
{
    mycpu()->ticking = 0;
    timer_busy();
}

/* This hart has work: tick. */
void timer_busy(void)
{
    struct cpu *c = mycpu();
    if (c->ticking)
        return;
    c->ticking = 1;
    c->next_tick = timer_now() + tick_interval;
    sbi_set_timer(c->next_tick);
}

/* This hart has nothing to run: no tick, only a wakeup at `wake` (if any). */
void timer_idle(uint64_t wake)
{
    struct cpu *c = mycpu();
    c->ticking = 0;
    sbi_set_timer(wake ? wake : NO_TIMER);
}

/*
 * The timer fired: wake the sleepers whose time has come, then ask for the
 * next tick (skipping any missed), or, on an idle hart, for the next wake
 * time. Either call also clears the pending interrupt.
 */
void timer_interrupt(void)
{
    struct cpu *c = mycpu();
    uint64_t now = timer_now();
    wake_sleepers(now);
    if (!c->ticking) {
        timer_idle(proc_next_wake());
        return;
    }
    c->next_tick += tick_interval;
    if (c->next_tick <= now)
        c->next_tick = now + tick_interval;
    sbi_set_timer(c->next_tick);
}

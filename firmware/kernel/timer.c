/*
 * timer.c: time and the tick. The time CSR counts at the device tree's
 * timebase-frequency from power-on; each hart asks SBI for an interrupt
 * TICK_HZ times a second, which preempts user programs and ends sleeps.
 */
#include "defs.h"
#include "riscv.h"

static uint32_t tick_interval;      /* timebase ticks between timer interrupts */

void timer_init(void)
{
    tick_interval = board.timebase_hz / TICK_HZ;
}

uint64_t timer_now(void)
{
    uint32_t high, low;
    do {
        high = csr_read(timeh);
        low = csr_read(time);
    } while (high != csr_read(timeh));
    return (uint64_t)high << 32 | low;
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
    struct cpu *c = mycpu();
    c->next_tick = timer_now() + tick_interval;
    sbi_set_timer(c->next_tick);
}

/* The tick: schedule the next one (skipping any missed), wake sleepers. */
void timer_interrupt(void)
{
    struct cpu *c = mycpu();
    uint64_t now = timer_now();
    c->next_tick += tick_interval;
    if (c->next_tick <= now)
        c->next_tick = now + tick_interval;
    sbi_set_timer(c->next_tick);
    wake_sleepers(now);
}

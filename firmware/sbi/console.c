/*
 * console.c: the firmware's console on the UART the device tree names,
 * polled: the DBCN extension (write, read, write a byte), the legacy
 * putchar and getchar calls, and sbi_printf for the firmware's own
 * messages. A lock keeps one hart's message whole.
 */
#include <stdarg.h>
#include "firmware.h"
#include "riscv.h"
#include "ns16550.h"
#include "format.h"
#include "sbi.h"

static volatile uint32_t console_lock;

static void lock(void)
{
    while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
        ;
}

static void unlock(void)
{
    __atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

void console_putc(char c)
{
    while (!(mmio_read8(platform.uart + UART_LSR) & UART_LSR_THRE))
        ;
    mmio_write8(platform.uart + UART_THR, (uint8_t)c);
}

/* A byte typed on the console, or -1 if none is waiting. */
int console_getc(void)
{
    if (!(mmio_read8(platform.uart + UART_LSR) & UART_LSR_DR))
        return -1;
    return mmio_read8(platform.uart + UART_RBR);
}

static void printf_sink(void *context, char c)
{
    (void)context;
    if (c == '\n')
        console_putc('\r');
    console_putc(c);
}

void sbi_printf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    lock();
    vformat(printf_sink, 0, fmt, args);
    unlock();
    va_end(args);
}

/* The buffer a DBCN call names (a1 low, a2 high half of a physical address). */
static int dbcn_buffer(struct trap_regs *regs, uint8_t **buffer)
{
    uint32_t length = regs->x[REG_A0], low = regs->x[REG_A1];
    if (regs->x[REG_A2] != 0 || low + length < low)
        return -1;
    *buffer = (uint8_t *)(uintptr_t)low;
    return 0;
}

static struct sbiret dbcn_write(struct trap_regs *regs)
{
    uint8_t *buffer;
    if (dbcn_buffer(regs, &buffer) < 0)
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    lock();
    for (uint32_t i = 0; i < regs->x[REG_A0]; i++)
        console_putc((char)buffer[i]);
    unlock();
    return (struct sbiret){ SBI_SUCCESS, (long)regs->x[REG_A0] };
}

static struct sbiret dbcn_read(struct trap_regs *regs)
{
    uint8_t *buffer;
    uint32_t n = 0;
    if (dbcn_buffer(regs, &buffer) < 0)
        return (struct sbiret){ SBI_ERR_INVALID_PARAM, 0 };
    for (int c; n < regs->x[REG_A0] && (c = console_getc()) >= 0; n++)
        buffer[n] = (uint8_t)c;
    return (struct sbiret){ SBI_SUCCESS, (long)n };
}

static struct sbiret dbcn_write_byte(struct trap_regs *regs)
{
    lock();
    console_putc((char)regs->x[REG_A0]);
    unlock();
    return (struct sbiret){ SBI_SUCCESS, 0 };
}

/* Legacy calls return in a0 only: 0 from putchar, the byte or -1 from getchar. */
static struct sbiret legacy_putchar(struct trap_regs *regs)
{
    dbcn_write_byte(regs);
    return (struct sbiret){ 0, 0 };
}

static struct sbiret legacy_getchar(struct trap_regs *regs)
{
    (void)regs;
    return (struct sbiret){ console_getc(), 0 };
}

static const sbi_function dbcn_functions[] = {
    [SBI_DBCN_CONSOLE_WRITE] = dbcn_write,
    [SBI_DBCN_CONSOLE_READ] = dbcn_read,
    [SBI_DBCN_CONSOLE_WRITE_BYTE] = dbcn_write_byte,
};
static const sbi_function legacy_putchar_functions[] = { legacy_putchar };
static const sbi_function legacy_getchar_functions[] = { legacy_getchar };

const struct sbi_extension sbi_dbcn_extension = {
    SBI_EXT_DBCN, dbcn_functions, ARRAY_SIZE(dbcn_functions), 0,
};
const struct sbi_extension sbi_legacy_putchar_extension = {
    SBI_EXT_LEGACY_PUTCHAR, legacy_putchar_functions, 1, 1,
};
const struct sbi_extension sbi_legacy_getchar_extension = {
    SBI_EXT_LEGACY_GETCHAR, legacy_getchar_functions, 1, 1,
};

/*
 * uart.c: the NS16550A driver for the console UART. Input is interrupt
 * driven (each byte goes to the console's buffer); output waits for room
 * in the transmitter, byte by byte.
 */
#include "defs.h"
#include "riscv.h"
#include "ns16550.h"

#define UART_WINDOW 0x100

static uintptr_t uart;

/* Hands every byte the UART holds to the console. */
static void uart_interrupt(int unit)
{
    (void)unit;
    while (mmio_read8(uart + UART_LSR) & UART_LSR_DR)
        console_input((char)mmio_read8(uart + UART_RBR));
}

/* Takes over board.uart[index] as the console. */
void uart_init(int index)
{
    uintptr_t base = ioremap(board.uart[index].base, UART_WINDOW);
    mmio_write8(base + UART_IER, 0);
    /* FCR stays as it is: switching the FIFOs on or off flushes them, and
     * with it whatever was typed ahead of the boot. */
    mmio_write8(base + UART_LCR, UART_LCR_8N1);
    mmio_write8(base + UART_MCR, UART_MCR_OUT2);
    uart = base;
    plic_enable(board.uart[index].irq, uart_interrupt, index);
    mmio_write8(base + UART_IER, UART_IER_RDI);
}

int uart_ready(void)
{
    return uart != 0;
}

void uart_putc(char c)
{
    while (!(mmio_read8(uart + UART_LSR) & UART_LSR_THRE))
        ;
    mmio_write8(uart + UART_THR, (uint8_t)c);
}

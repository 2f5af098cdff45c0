/*
 * lab.h: what the lab's own images (the console demo, the SMP benchmark)
 * share: the board's addresses, MMIO and CSR accessors, UART0 output, the
 * test finisher, and the number of harts from the device tree.
 */
#ifndef LAB_H
#define LAB_H

#include <stdint.h>

#define HART_MAX        16            /* harts start.S gives a stack */
#define TIMEBASE_HZ     10000000      /* mtime frequency (device tree) */

#define UART0_BASE      0x10000000UL  /* NS16550A */
#define UART_RBR        0             /* receive buffer (read) */
#define UART_THR        0             /* transmit holding (write) */
#define UART_IER        1
#define UART_FCR        2
#define UART_LSR        5
#define UART_IER_RDI    0x01          /* interrupt when data arrives */
#define UART_FCR_ENABLE 0x07          /* FIFOs on, both cleared */
#define UART_LSR_DR     0x01          /* a byte is waiting */
#define UART_LSR_THRE   0x20          /* room to transmit */
#define UART0_IRQ       10

#define PLIC_BASE       0x0c000000UL
#define PLIC_PRIORITY(irq)      (PLIC_BASE + 4 * (irq))
#define PLIC_ENABLE(ctx)        (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx)     (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx)         (PLIC_BASE + 0x200004 + 0x1000 * (ctx))
#define PLIC_M_CONTEXT(hart)    (2 * (hart))

#define CLINT_BASE      0x02000000UL
#define CLINT_MSIP(hart)        (CLINT_BASE + 4 * (hart))
#define CLINT_MTIMECMP(hart)    (CLINT_BASE + 0x4000 + 8 * (hart))
#define CLINT_MTIME             (CLINT_BASE + 0xbff8)

#define FINISHER_BASE   0x100000UL    /* sifive test finisher */
#define FINISHER_PASS   0x5555        /* power off, status 0 */
#define FINISHER_FAIL   0x3333        /* (code << 16) | FAIL */
#define FINISHER_RESET  0x7777        /* reboot */

#define MSTATUS_MIE     0x8
#define MIE_MSIE        (1 << 3)
#define MIE_MTIE        (1 << 7)
#define MIE_MEIE        (1 << 11)
#define CAUSE_INTERRUPT 0x80000000u
#define IRQ_M_SOFT      3
#define IRQ_M_TIMER     7
#define IRQ_M_EXT       11

#define csr_read(name) ({ uint32_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define csr_set(name, bits) __asm__ volatile("csrs " #name ", %0" :: "r"(bits))
#define csr_clear(name, bits) __asm__ volatile("csrc " #name ", %0" :: "r"(bits))

static inline void mmio_write8(uintptr_t address, uint8_t value) { *(volatile uint8_t *)address = value; }
static inline uint8_t mmio_read8(uintptr_t address) { return *(volatile uint8_t *)address; }
static inline void mmio_write32(uintptr_t address, uint32_t value) { *(volatile uint32_t *)address = value; }
static inline uint32_t mmio_read32(uintptr_t address) { return *(volatile uint32_t *)address; }

/* UART0, polled. */
void uart_putc(char c);
void uart_puts(const char *s);
void uart_put_decimal(uint32_t n);
void uart_put_hex(uint32_t n);

/* A spinlock around UART0 output, so that lines of several harts do not mix. */
void console_lock(void);
void console_unlock(void);

/* Ends the machine through the test finisher: status 0, or `code`. */
void finish(uint32_t code) __attribute__((noreturn));

/* Number of cpu@ nodes in the device tree at `fdt` (1 if it is unreadable). */
uint32_t fdt_cpus(const uint8_t *fdt);

/* Called by start.S for every machine-mode trap. Each program defines it. */
void trap_handler(uint32_t cause, uint32_t epc);

#endif

/*
 * The physical memory map of the board: a superset of QEMU 7.2's riscv32
 * `virt` machine, so that the same images boot on both (DESIGN.md).
 *
 *   0x0000_1000  boot ROM (QEMU's "mrom", 0xf000 bytes)
 *   0x0010_0000  sifive test finisher                    (0x1000)
 *   0x0200_0000  CLINT: msip, mtimecmp, mtime            (0x10000)
 *   0x0c00_0000  PLIC: M and S contexts per hart         (0x600000)
 *   0x1000_0000  UART0, NS16550A, IRQ 10                 (0x100)
 *   0x1000_1000  (QEMU's virtio-mmio slots, 0x1000 apart, up to 0x1000_8fff)
 *   0x1001_1000  console UARTs 1..7, one 4 KiB page each  (0x100)
 *                (UART n at 0x1001_0000 + n * 0x1000, IRQ 11 + n: 12..18;
 *                QEMU gives IRQ 11 to its RTC, which this board lacks)
 *   0x8000_0000  RAM, 128 MiB by default
 *
 * Addresses are plain numbers (0..2^32-1), never negative int32.
 */

/** Most harts a board can have: fixes the layout of device state. */
export const MAX_HARTS = 16;

export const BOOTROM_BASE = 0x0000_1000;
/** QEMU maps 0xf000 bytes of ROM; reads past the code return zero. */
export const BOOTROM_SIZE = 0xf000;

export const TEST_FINISHER_BASE = 0x0010_0000;
export const TEST_FINISHER_SIZE = 0x1000;

export const CLINT_BASE = 0x0200_0000;
export const CLINT_SIZE = 0x1_0000;

export const PLIC_BASE = 0x0c00_0000;
/** QEMU sizes the PLIC for its maximum of 512 harts x 2 contexts. */
export const PLIC_SIZE = 0x60_0000;

export const UART0_BASE = 0x1000_0000;
/**
 * UART n (1..7) is at CONSOLE_UARTS_BASE + n * UART_PAGE_SIZE: each in a
 * 4 KiB page of its own, above QEMU's virtio-mmio window, so that a
 * hypervisor can pass single UARTs through to a domain with a G-stage
 * mapping while it keeps UART0 (DESIGN.md, "Consoles").
 */
export const CONSOLE_UARTS_BASE = 0x1001_0000;
export const UART_PAGE_SIZE = 0x1000;
/** Each UART's register window, as the device tree states it; QEMU decodes only its 8 registers inside it. */
export const UART_WINDOW_SIZE = 0x100;
/** UART0 plus the seven extra console UARTs. */
export const UART_COUNT = 8;
export const UART0_IRQ = 10;
/** IRQ of UART n (0 = UART0, 1..7 = extra consoles on 12..18). */
export function uartIrq(n: number): number {
  return n === 0 ? UART0_IRQ : 11 + n;
}
/** Physical address of UART n (0 = UART0, 1..7 = extra consoles). */
export function uartBase(n: number): number {
  return n === 0 ? UART0_BASE : CONSOLE_UARTS_BASE + n * UART_PAGE_SIZE;
}
/** The 16550's input clock as QEMU's device tree states it (3.6864 MHz). */
export const UART_CLOCK_HZ = 0x38_4000;

export const RAM_BASE = 0x8000_0000;
export const DEFAULT_RAM_SIZE = 128 * 1024 * 1024;

/** Where the reset vector sends harts unless the host says otherwise. */
export const DEFAULT_START_ADDRESS = RAM_BASE;

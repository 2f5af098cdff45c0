/*
 * The board: shared memory, the devices on it, their wiring, and the
 * address decoder the harts use for everything that is not RAM.
 *
 * One SharedArrayBuffer holds the board. The board that creates it powers
 * the devices on, writes the device tree into RAM and programs the boot
 * ROM; a board built on an existing buffer (in another Web Worker) only
 * attaches to that state. Device objects keep no state of their own, so
 * every attached board drives the same devices.
 *
 * Shared memory layout (byte offsets; RAM follows the device state):
 *
 *   0x00000  board header        magic, layout version, harts, RAM size,
 *                                device tree address and size (8 words)
 *   0x00040  hart wake signals   one word per hart (MAX_HARTS)
 *   0x00100  boot ROM            BOOTROM_STATE_WORDS
 *   0x00140  test finisher       FINISHER_STATE_WORDS
 *   0x00180  CLINT               CLINT_STATE_WORDS
 *   0x00400  PLIC                PLIC_STATE_WORDS
 *   0x00800  UART 0..7           UART_STATE_WORDS each, 0x100 apart
 *   0x01000  free up to 0x10000
 *   0x10000  runtime region      runtimeBytes (default 0): the runtime's
 *                                control words, hart counters and console
 *                                rings (src/runtime/layout.ts)
 *   0x10000 + runtimeBytes
 *            RAM                 ramSize bytes, physical 0x80000000 up
 *
 * RAM views assume a little-endian host (every browser and Node platform
 * this runs on); the constructor checks it.
 */

import type { Clock, HartWakeup, MmioDevice } from './device.ts';
import { BootRom, BOOTROM_STATE_WORDS } from './devices/bootrom.ts';
import { Clint, CLINT_STATE_WORDS } from './devices/clint.ts';
import { TestFinisher, FINISHER_STATE_WORDS, type FinishEvent } from './devices/finisher.ts';
import { Plic, PLIC_STATE_WORDS } from './devices/plic.ts';
import { Uart16550, UART_STATE_WORDS } from './devices/uart16550.ts';
import { addBootModules, type PlacedModule } from './boot-modules.ts';
import { loadElf, loadRawImage, type LoadedImage, type ReservedRange } from './elf.ts';
import { buildVirtDeviceTree, encodeFdt } from './fdt.ts';
import {
  BOOTROM_BASE,
  BOOTROM_SIZE,
  CLINT_BASE,
  CLINT_SIZE,
  DEFAULT_RAM_SIZE,
  DEFAULT_START_ADDRESS,
  MAX_HARTS,
  PLIC_BASE,
  PLIC_SIZE,
  RAM_BASE,
  TEST_FINISHER_BASE,
  TEST_FINISHER_SIZE,
  UART_COUNT,
  UART_WINDOW_SIZE,
  uartBase,
  uartIrq,
} from './memory-map.ts';

/** Bytes of shared memory before RAM, holding all device state. */
export const DEVICE_STATE_BYTES = 0x1_0000;

// Byte offsets of each region in the device state (see the layout above).
const HEADER_OFFSET = 0x0;
const HART_SIGNALS_OFFSET = 0x40;
const BOOTROM_OFFSET = 0x100;
const FINISHER_OFFSET = 0x140;
const CLINT_OFFSET = 0x180;
const PLIC_OFFSET = 0x400;
const UART_OFFSET = 0x800;
const UART_STATE_STRIDE = 0x100;
const FREE_OFFSET = 0x1000;

// Board header words.
const H_MAGIC = 0;
const H_LAYOUT_VERSION = 1;
const H_HARTS = 2;
const H_RAM_SIZE = 3;
const H_FDT_ADDRESS = 4;
const H_FDT_SIZE = 5;
const H_RUNTIME_BYTES = 6;
const HEADER_WORDS = 8;
const BOARD_MAGIC = 0x424c_5948; // "HYLB"
const LAYOUT_VERSION = 1;

/** Each region must end before the next begins. */
const REGIONS: [string, number, number, number][] = [
  ['header', HEADER_OFFSET, HEADER_WORDS, HART_SIGNALS_OFFSET],
  ['hart signals', HART_SIGNALS_OFFSET, MAX_HARTS, BOOTROM_OFFSET],
  ['boot ROM', BOOTROM_OFFSET, BOOTROM_STATE_WORDS, FINISHER_OFFSET],
  ['finisher', FINISHER_OFFSET, FINISHER_STATE_WORDS, CLINT_OFFSET],
  ['CLINT', CLINT_OFFSET, CLINT_STATE_WORDS, PLIC_OFFSET],
  ['PLIC', PLIC_OFFSET, PLIC_STATE_WORDS, UART_OFFSET],
  ['UART', UART_OFFSET + (UART_COUNT - 1) * UART_STATE_STRIDE, UART_STATE_WORDS, FREE_OFFSET],
];
for (const [name, offset, words, next] of REGIONS) {
  if (offset + 4 * words > next) throw new Error(`board layout: ${name} state overlaps the next region`);
}
if (UART_STATE_WORDS * 4 > UART_STATE_STRIDE) throw new Error('board layout: UART state exceeds its stride');

const MiB = 1024 * 1024;
const MIN_RAM_SIZE = 4 * MiB;
/** RAM may reach the top of the 32-bit physical address space. */
const MAX_RAM_SIZE = 2 ** 32 - RAM_BASE;
/** QEMU keeps the device tree below 3 GiB so that 32-bit software reaches it. */
const FDT_LIMIT = 3 * 1024 * MiB;
const FDT_ALIGNMENT = 2 * MiB;

export interface BoardConfig {
  harts: number;
  /** Bytes of RAM at 0x80000000, a multiple of 4 KiB (default 128 MiB). */
  ramSize?: number;
  clock: Clock;
  /** Each byte a UART transmits; `uart` is 0 for UART0, 1..7 for the consoles. */
  output?: (uart: number, byte: number) => void;
  /** Software wrote the test finisher; the runtime stops or reboots the machine. */
  onFinish?: (event: FinishEvent) => void;
  /** riscv,isa in the device tree (default DEFAULT_RISCV_ISA). */
  isa?: string;
  /** /chosen/bootargs in the device tree. */
  bootargs?: string;
  /**
   * Bytes of shared memory reserved for the runtime (control words, hart
   * counters, console rings), between the device state and RAM; a multiple
   * of 4 KiB (default 0). The board never touches them.
   */
  runtimeBytes?: number;
}

/** Where QEMU 7.2 puts the device tree: 2 MiB-aligned, just below the end of RAM or 3 GiB. */
export function fdtLoadAddress(ramBase: number, ramSize: number, fdtSize: number): number {
  const top = Math.min(ramBase + ramSize, FDT_LIMIT);
  return Math.floor((top - fdtSize) / FDT_ALIGNMENT) * FDT_ALIGNMENT;
}

export class Board implements HartWakeup {
  readonly sab: SharedArrayBuffer;
  readonly harts: number;
  readonly ramBase = RAM_BASE;
  readonly ramSize: number;
  /** Byte offset and size of the runtime region in `sab` (BoardConfig.runtimeBytes). */
  readonly runtimeOffset = DEVICE_STATE_BYTES;
  readonly runtimeBytes: number;
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  /**
   * One word per hart, incremented and notified (Atomics.notify) whenever
   * an interrupt for that hart may have become pending. A hart in WFI
   * reads its word, checks interrupts(), then Atomics.wait()s on the word
   * with the value it read, for at most its timer deadline.
   */
  readonly hartSignals: Int32Array;
  readonly bootRom: BootRom;
  readonly finisher: TestFinisher;
  readonly clint: Clint;
  readonly plic: Plic;
  private readonly header: Int32Array;
  private readonly uarts: Uart16550[] = [];
  // The address decoder: devices sorted by base, with their bases and ends.
  private readonly devices: MmioDevice[];
  private readonly deviceBases: Float64Array;
  private readonly deviceEnds: Float64Array;

  /**
   * Builds the board; with `sab`, attaches to a board another thread built
   * with the same config (harts and RAM size must match).
   */
  constructor(private readonly config: BoardConfig, sab?: SharedArrayBuffer) {
    checkLittleEndian();
    const { harts } = config;
    const ramSize = config.ramSize ?? DEFAULT_RAM_SIZE;
    if (!Number.isInteger(harts) || harts < 1 || harts > MAX_HARTS) {
      throw new Error(`a board has 1 to ${MAX_HARTS} harts, not ${harts}`);
    }
    if (ramSize % 4096 !== 0 || ramSize < MIN_RAM_SIZE || ramSize > MAX_RAM_SIZE) {
      throw new Error(`RAM size must be a multiple of 4 KiB from 4 MiB to 2 GiB, not ${ramSize}`);
    }
    const runtimeBytes = config.runtimeBytes ?? 0;
    if (!Number.isInteger(runtimeBytes) || runtimeBytes < 0 || runtimeBytes % 4096 !== 0) {
      throw new Error(`the runtime region must be a multiple of 4 KiB, not ${runtimeBytes} bytes`);
    }
    this.harts = harts;
    this.ramSize = ramSize;
    this.runtimeBytes = runtimeBytes;
    const ramOffset = DEVICE_STATE_BYTES + runtimeBytes;
    this.sab = sab ?? new SharedArrayBuffer(ramOffset + ramSize);
    if (this.sab.byteLength !== ramOffset + ramSize) {
      throw new Error(`shared memory holds ${this.sab.byteLength} bytes, this board needs ${ramOffset + ramSize}`);
    }
    this.ram8 = new Uint8Array(this.sab, ramOffset, ramSize);
    this.ram16 = new Uint16Array(this.sab, ramOffset, ramSize / 2);
    this.ram32 = new Int32Array(this.sab, ramOffset, ramSize / 4);
    this.header = this.slice(HEADER_OFFSET, HEADER_WORDS);
    this.hartSignals = this.slice(HART_SIGNALS_OFFSET, MAX_HARTS);

    this.bootRom = new BootRom(BOOTROM_BASE, BOOTROM_SIZE, this.slice(BOOTROM_OFFSET, BOOTROM_STATE_WORDS));
    this.finisher = new TestFinisher(
      TEST_FINISHER_BASE,
      TEST_FINISHER_SIZE,
      this.slice(FINISHER_OFFSET, FINISHER_STATE_WORDS),
      config.onFinish,
    );
    this.clint = new Clint(CLINT_BASE, CLINT_SIZE, this.slice(CLINT_OFFSET, CLINT_STATE_WORDS), harts, config.clock, this);
    this.plic = new Plic(PLIC_BASE, PLIC_SIZE, this.slice(PLIC_OFFSET, PLIC_STATE_WORDS), harts, this);
    const output = config.output ?? (() => {});
    for (let n = 0; n < UART_COUNT; n++) {
      const state = this.slice(UART_OFFSET + n * UART_STATE_STRIDE, UART_STATE_WORDS);
      const transmit = (byte: number) => output(n, byte);
      this.uarts.push(new Uart16550(`uart${n}`, uartBase(n), UART_WINDOW_SIZE, state, uartIrq(n), this.plic, transmit));
    }

    this.devices = [this.bootRom, this.finisher, this.clint, this.plic, ...this.uarts].sort((a, b) => a.base - b.base);
    this.deviceBases = Float64Array.from(this.devices, (d) => d.base);
    this.deviceEnds = Float64Array.from(this.devices, (d) => d.base + d.size);

    if (sab === undefined) this.powerOn();
    else this.checkAttached();
  }

  /** Physical address of the device tree in RAM (a1 at boot). */
  get fdtAddress(): number {
    return this.header[H_FDT_ADDRESS] >>> 0;
  }

  get fdtSize(): number {
    return this.header[H_FDT_SIZE];
  }

  /** A copy of the device tree blob as it is in RAM. */
  deviceTreeBlob(): Uint8Array {
    const at = this.fdtAddress - this.ramBase;
    return this.ram8.slice(at, at + this.fdtSize);
  }

  /**
   * Reads `size` (1, 2, 4) bytes of a device register at physical address
   * `paddr`; undefined for a hole or a rejected access (load access fault).
   * RAM is not routed here: harts access the RAM views directly.
   */
  mmioRead(paddr: number, size: number, hart: number): number | undefined {
    const address = paddr >>> 0;
    const index = this.deviceIndex(address);
    if (index < 0) return undefined;
    const device = this.devices[index];
    return device.read(address - device.base, size, hart);
  }

  /** Writes a device register; false for a hole or a rejected access (store access fault). */
  mmioWrite(paddr: number, size: number, value: number, hart: number): boolean {
    const address = paddr >>> 0;
    const index = this.deviceIndex(address);
    if (index < 0) return false;
    const device = this.devices[index];
    return device.write(address - device.base, size, value, hart);
  }

  /** mip bits the devices assert for `hart`: MSIP, MTIP (CLINT), MEIP, SEIP (PLIC). */
  interrupts(hart: number): number {
    return this.clint.interrupts(hart) | this.plic.interrupts(hart);
  }

  /** Clock time at which `hart`'s timer interrupt asserts (see Clint.timerDeadline). */
  timerDeadline(hart: number): number {
    return this.clint.timerDeadline(hart);
  }

  /** Current mtime, for the time CSR. */
  mtime(): number {
    return this.clint.mtime();
  }

  /** UART `n`: 0 is UART0, 1..7 the extra consoles. Host side: receive() and rxSpace(). */
  uart(n: number): Uart16550 {
    const uart = this.uarts[n];
    if (uart === undefined) throw new Error(`no UART ${n}: the board has UARTs 0..${UART_COUNT - 1}`);
    return uart;
  }

  /** Where the boot ROM sends harts (default 0x80000000, as QEMU with -bios none). */
  setStartAddress(address: number): void {
    this.bootRom.setStartAddress(address);
  }

  startAddress(): number {
    return this.bootRom.startAddress();
  }

  /** How software last ended the machine through the test finisher, since reset. */
  lastFinish(): FinishEvent | undefined {
    return this.finisher.lastEvent();
  }

  /**
   * Loads an ELF image into RAM (see elf.ts). Like QEMU, refuses an image
   * that would overwrite the device tree (or one of `reserved`). The start
   * address is unchanged: QEMU's reset vector also enters RAM at
   * 0x80000000 whatever the entry.
   */
  loadElf(bytes: Uint8Array, reserved: readonly ReservedRange[] = []): LoadedImage {
    return loadElf(bytes, this.ramBase, this.ram8, [this.deviceTreeRange(), ...reserved]);
  }

  /**
   * Copies a raw binary into RAM at `address`; `memorySize` bytes (default
   * its size) may not overlap the device tree or one of `reserved`.
   */
  loadRaw(bytes: Uint8Array, address: number, reserved: readonly ReservedRange[] = [], memorySize?: number): LoadedImage {
    return loadRawImage(bytes, this.ramBase, this.ram8, address, [this.deviceTreeRange(), ...reserved], memorySize);
  }

  /** Device power-on state (QEMU's reset values) and a fresh device tree in RAM, with no boot modules. */
  reset(): void {
    this.finisher.reset();
    this.clint.reset();
    this.plic.reset();
    for (const uart of this.uarts) uart.reset();
    this.writeDeviceTree();
  }

  /**
   * Encodes the device tree, with `modules` named in /chosen
   * (boot-modules.ts), copies it where QEMU would put it and points the
   * boot ROM at it.
   */
  writeDeviceTree(modules: readonly PlacedModule[] = []): void {
    const tree = buildVirtDeviceTree({
      harts: this.harts,
      ramSize: this.ramSize,
      isa: this.config.isa,
      bootargs: this.config.bootargs,
    });
    addBootModules(tree.find('/chosen')!, modules);
    const blob = encodeFdt(tree);
    const address = fdtLoadAddress(this.ramBase, this.ramSize, blob.length);
    this.ram8.set(blob, address - this.ramBase);
    this.header[H_FDT_ADDRESS] = address | 0;
    this.header[H_FDT_SIZE] = blob.length;
    this.bootRom.setFdtAddress(address);
  }

  private deviceTreeRange(): ReservedRange {
    return { name: 'the device tree', address: this.fdtAddress, size: this.fdtSize };
  }

  /** HartWakeup: bumps the hart's signal word and wakes a waiter on it. */
  wake(hart: number): void {
    Atomics.add(this.hartSignals, hart, 1);
    Atomics.notify(this.hartSignals, hart);
  }

  private slice(byteOffset: number, words: number): Int32Array {
    return new Int32Array(this.sab, byteOffset, words);
  }

  private powerOn(): void {
    const header = this.header;
    header[H_MAGIC] = BOARD_MAGIC;
    header[H_LAYOUT_VERSION] = LAYOUT_VERSION;
    header[H_HARTS] = this.harts;
    header[H_RAM_SIZE] = this.ramSize | 0;
    header[H_RUNTIME_BYTES] = this.runtimeBytes;
    this.bootRom.program(DEFAULT_START_ADDRESS, 0);
    this.reset();
  }

  private checkAttached(): void {
    const header = this.header;
    if (header[H_MAGIC] !== BOARD_MAGIC || header[H_LAYOUT_VERSION] !== LAYOUT_VERSION) {
      throw new Error('shared memory does not hold a board of this version');
    }
    if (header[H_RUNTIME_BYTES] !== this.runtimeBytes) {
      throw new Error(`shared memory reserves ${header[H_RUNTIME_BYTES]} bytes for the runtime, not ${this.runtimeBytes}`);
    }
    if (header[H_HARTS] !== this.harts || header[H_RAM_SIZE] >>> 0 !== this.ramSize) {
      throw new Error(
        `shared memory holds a board with ${header[H_HARTS]} harts and ${header[H_RAM_SIZE] >>> 0} bytes of RAM, ` +
          `not ${this.harts} and ${this.ramSize}`,
      );
    }
  }

  /** Index of the device whose window holds `address`, or -1 (binary search). */
  private deviceIndex(address: number): number {
    const bases = this.deviceBases;
    let low = 0;
    let high = bases.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (bases[middle] <= address) low = middle + 1;
      else high = middle - 1;
    }
    return high >= 0 && address < this.deviceEnds[high] ? high : -1;
  }
}

function checkLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('HyperLab needs a little-endian host: RAM views are read natively');
  }
}

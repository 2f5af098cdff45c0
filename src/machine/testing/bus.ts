/*
 * A minimal bus for hart unit tests: RAM at 0x80000000 and one MMIO word
 * that records writes. The real board is board.ts.
 */
import type { HartBus } from '../hart.ts';

export const TEST_RAM_BASE = 0x80000000;
export const TEST_DEVICE = 0x10000000;

export class TestBus implements HartBus {
  readonly ramBase = TEST_RAM_BASE;
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  interruptBits = 0;
  time = 0;
  readonly deviceWrites: number[] = [];

  constructor(readonly ramSize = 1 << 20) {
    const buffer = new SharedArrayBuffer(ramSize);
    this.ram8 = new Uint8Array(buffer);
    this.ram16 = new Uint16Array(buffer);
    this.ram32 = new Int32Array(buffer);
  }

  mmioRead(pa: number, size: number): number | undefined {
    return pa === TEST_DEVICE ? 0x5a : undefined;
  }

  mmioWrite(pa: number, size: number, value: number): boolean {
    if (pa !== TEST_DEVICE) return false;
    this.deviceWrites.push(value);
    return true;
  }

  interrupts(): number {
    return this.interruptBits;
  }

  mtime(): number {
    return this.time;
  }

  /** Writes instruction words at `address`. */
  load(address: number, words: number[]): void {
    words.forEach((word, index) => { this.ram32[(address - this.ramBase) / 4 + index] = word | 0; });
  }
}

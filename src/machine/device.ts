/*
 * The contract between the hart and the devices of the board.
 *
 * Every device is a small state machine whose state lives in an Int32Array
 * slice of the machine's shared memory, so that the same device can be
 * driven by whichever hart touches it (one Web Worker per hart later on).
 * A device object holds no state of its own beyond that slice and its wiring.
 */

/** A memory-mapped device. Offsets are relative to `base`. */
export interface MmioDevice {
  readonly name: string;
  /** Physical base address. */
  readonly base: number;
  /** Size of the register window in bytes. */
  readonly size: number;
  /**
   * Reads `size` bytes (1, 2 or 4) at `offset` on behalf of hart `hart`.
   * Returns the value zero-extended to 32 bits (as a uint32 or int32; the
   * hart masks it). Returns `undefined` for an access the device rejects
   * (the hart raises a load access fault).
   */
  read(offset: number, size: number, hart: number): number | undefined;
  /** Writes; returns false for an access the device rejects (store access fault). */
  write(offset: number, size: number, value: number, hart: number): boolean;
}

/** mip bits that devices drive (privileged spec names). */
export const MIP_SSIP = 1 << 1;
export const MIP_MSIP = 1 << 3;
export const MIP_STIP = 1 << 5;
export const MIP_MTIP = 1 << 7;
export const MIP_SEIP = 1 << 9;
export const MIP_MEIP = 1 << 11;

/** The time base: mtime ticks at 10 MHz (DESIGN.md). */
export const TIMEBASE_HZ = 10_000_000;

/** A source of mtime, in ticks of TIMEBASE_HZ. Real time or derived from instructions. */
export interface Clock {
  /** Current mtime (ticks, a non-negative integer below 2^53). */
  now(): number;
}

/** Raised interrupt lines of the PLIC; devices call this with their IRQ level. */
export interface InterruptSink {
  setLevel(irq: number, high: boolean): void;
}

/**
 * Told when an interrupt for `hart` may have become pending, so that a hart
 * sleeping in WFI (Atomics.wait) can be woken. Spurious wakes are harmless.
 */
export interface HartWakeup {
  wake(hart: number): void;
}

/*
 * SiFive CLINT as QEMU 7.2's virt machine lays it out: machine software
 * interrupts (msip, one word per hart at 4*hart) and the machine timer
 * (mtimecmp per hart at 0x4000 + 8*hart, mtime at 0xbff8), as 32-bit
 * halves of 64-bit values on RV32.
 *
 * mtime is the board's Clock plus an offset that software changes by
 * writing mtime. MTIP is a comparison, mtime >= mtimecmp, evaluated when the
 * hart asks (`interrupts`), so no timer events are needed; a sleeping hart
 * uses `timerDeadline` as its timeout.
 *
 * Matched with qemu-system-riscv32 7.2:
 * - mtimecmp resets to 0, so MTIP is pending from reset until software
 *   programs the timer (firmware must set mtimecmp before enabling MTIE);
 * - only 32-bit accesses are valid (others fault); 0xc000..0xffff is
 *   outside QEMU's timer window and faults; registers of harts that do not
 *   exist read as 0 and ignore writes.
 * 64-bit values are kept as (hi, lo) 32-bit halves so that they stay exact.
 */

import { MIP_MSIP, MIP_MTIP, type Clock, type HartWakeup, type MmioDevice } from '../device.ts';
import { MAX_HARTS } from '../memory-map.ts';

const CLINT_MSIP = 0x0000; // + 4*hart
const CLINT_MTIMECMP = 0x4000; // + 8*hart: lo, hi
const CLINT_MTIME = 0xbff8; // lo, then hi at 0xbffc
/** End of QEMU's timer window; accesses past it fault. */
const CLINT_DECODED_END = 0xc000;

// Layout of the state slice (Int32Array words).
const S_MTIME_OFFSET_LO = 0;
const S_MTIME_OFFSET_HI = 1;
const S_MSIP = 2; // MAX_HARTS words
const S_MTIMECMP = S_MSIP + MAX_HARTS; // MAX_HARTS pairs: lo, hi
/** Words of shared state the CLINT needs. */
export const CLINT_STATE_WORDS = S_MTIMECMP + 2 * MAX_HARTS;

const TWO_32 = 4294967296;
/** Clock.now() stays below this (device.ts). */
const CLOCK_LIMIT = 2 ** 53;

export class Clint implements MmioDevice {
  readonly name = 'clint';
  // mtime computed by computeMtime(), as unsigned halves (scratch, not state).
  private mtimeLo = 0;
  private mtimeHi = 0;

  constructor(
    readonly base: number,
    readonly size: number,
    private readonly state: Int32Array,
    private readonly harts: number,
    private readonly clock: Clock,
    private readonly wakeup: HartWakeup,
  ) {
    if (state.length < CLINT_STATE_WORDS) throw new Error('clint: state slice too small');
    if (harts > MAX_HARTS) throw new Error(`clint: at most ${MAX_HARTS} harts`);
  }

  /** Power-on state as in QEMU: mtime = clock, msip = 0, mtimecmp = 0. */
  reset(): void {
    this.state.fill(0, 0, CLINT_STATE_WORDS);
  }

  read(offset: number, size: number, hart: number): number | undefined {
    if (size !== 4 || (offset & 3) !== 0 || offset >= CLINT_DECODED_END) return undefined;
    if (offset >= CLINT_MTIME) {
      this.computeMtime();
      return offset === CLINT_MTIME ? this.mtimeLo : this.mtimeHi;
    }
    if (offset >= CLINT_MTIMECMP) {
      const target = (offset - CLINT_MTIMECMP) >>> 3;
      if (target >= this.harts) return 0;
      return Atomics.load(this.state, S_MTIMECMP + 2 * target + ((offset >>> 2) & 1));
    }
    const target = (offset - CLINT_MSIP) >>> 2;
    return target < this.harts ? Atomics.load(this.state, S_MSIP + target) : 0;
  }

  write(offset: number, size: number, value: number, hart: number): boolean {
    if (size !== 4 || (offset & 3) !== 0 || offset >= CLINT_DECODED_END) return false;
    if (offset >= CLINT_MTIME) {
      this.writeMtimeHalf(offset === CLINT_MTIME ? 0 : 1, value >>> 0);
    } else if (offset >= CLINT_MTIMECMP) {
      const target = (offset - CLINT_MTIMECMP) >>> 3;
      if (target < this.harts) {
        Atomics.store(this.state, S_MTIMECMP + 2 * target + ((offset >>> 2) & 1), value);
        // A sleeping hart may now have an earlier (or later) deadline.
        this.wakeup.wake(target);
      }
    } else {
      const target = (offset - CLINT_MSIP) >>> 2;
      if (target < this.harts) {
        Atomics.store(this.state, S_MSIP + target, value & 1);
        if (value & 1) this.wakeup.wake(target);
      }
    }
    return true;
  }

  /** MIP_MSIP | MIP_MTIP as asserted now for `hart`. */
  interrupts(hart: number): number {
    const msip = Atomics.load(this.state, S_MSIP + hart) !== 0 ? MIP_MSIP : 0;
    return msip | (this.timerPending(hart) ? MIP_MTIP : 0);
  }

  /**
   * The Clock.now() value at which MTIP asserts for `hart` (mtimecmp minus
   * the mtime offset, so equal to mtimecmp until software writes mtime).
   * At or before now when MTIP is already pending; Infinity when the clock
   * never gets there (it stays below 2^53), as with the all-ones mtimecmp
   * that software writes to turn the timer off.
   */
  timerDeadline(hart: number): number {
    const s = this.state;
    const cmp = (s[S_MTIMECMP + 2 * hart + 1] >>> 0) * TWO_32 + (s[S_MTIMECMP + 2 * hart] >>> 0);
    const deadline = cmp - (s[S_MTIME_OFFSET_HI] * TWO_32 + (s[S_MTIME_OFFSET_LO] >>> 0));
    return deadline < CLOCK_LIMIT ? deadline : Infinity;
  }

  /** Current mtime (exact while below 2^53), e.g. for the time CSR. */
  mtime(): number {
    this.computeMtime();
    return this.mtimeHi * TWO_32 + this.mtimeLo;
  }

  private timerPending(hart: number): boolean {
    const s = this.state;
    this.computeMtime();
    const cmpHi = s[S_MTIMECMP + 2 * hart + 1] >>> 0;
    if (this.mtimeHi !== cmpHi) return this.mtimeHi > cmpHi;
    return this.mtimeLo >= s[S_MTIMECMP + 2 * hart] >>> 0;
  }

  /** mtime = (clock + offset) mod 2^64, into mtimeHi/mtimeLo. */
  private computeMtime(now: number = this.clock.now()): void {
    const nowHi = Math.floor(now / TWO_32);
    let lo = now - nowHi * TWO_32 + (this.state[S_MTIME_OFFSET_LO] >>> 0);
    let carry = 0;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      carry = 1;
    }
    this.mtimeLo = lo;
    this.mtimeHi = (nowHi + (this.state[S_MTIME_OFFSET_HI] >>> 0) + carry) % TWO_32;
  }

  /** Sets one half of mtime, keeping the other, by moving the offset. */
  private writeMtimeHalf(half: number, value: number): void {
    const now = this.clock.now();
    this.computeMtime(now);
    const wantLo = half === 0 ? value : this.mtimeLo;
    const wantHi = half === 1 ? value : this.mtimeHi;
    const nowHi = Math.floor(now / TWO_32);
    let lo = wantLo - (now - nowHi * TWO_32);
    let borrow = 0;
    if (lo < 0) {
      lo += TWO_32;
      borrow = 1;
    }
    Atomics.store(this.state, S_MTIME_OFFSET_LO, lo | 0);
    Atomics.store(this.state, S_MTIME_OFFSET_HI, (wantHi - nowHi - borrow) | 0);
    // Every hart's comparison changed.
    for (let h = 0; h < this.harts; h++) this.wakeup.wake(h);
  }
}

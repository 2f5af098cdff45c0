/*
 * The real-time clock of a machine whose harts run in several workers.
 *
 * Each worker has its own performance.now() origin, so mtime is computed
 * from wall-clock milliseconds (performance.timeOrigin + performance.now(),
 * the same scale in every worker of the page) against one origin kept in
 * shared memory:
 *
 *   ticks = base + (hostMs - origin) * ticksPerMs
 *
 * The host rewrites (origin, base, ticksPerMs) under a seqlock when the
 * machine pauses (ticksPerMs = 0: mtime stands still, so a paused guest sees
 * no time pass) or when the speed changes (time slows down with the harts:
 * at a fraction f of the nominal NOMINAL_INSTRUCTIONS_PER_SECOND, ticks
 * come f times slower, so timer interrupts keep their spacing in
 * instructions). Each reader keeps its own result monotonic.
 */
import { TIMEBASE_HZ, type Clock } from '../machine/device.ts';
import { TICK_INSTRUCTIONS } from '../machine/machine.ts';
import {
  C_CLOCK_SEQUENCE, CLOCK_BASE_TICKS, CLOCK_ORIGIN_MS, CLOCK_TICKS_PER_MS,
} from './layout.ts';

/** The notional speed of a hart that the deterministic clock assumes (100 MIPS). */
export const NOMINAL_INSTRUCTIONS_PER_SECOND = TIMEBASE_HZ * TICK_INSTRUCTIONS;
const TICKS_PER_MS = TIMEBASE_HZ / 1000;

/** Wall-clock milliseconds on a scale shared by the page and its workers. */
export function hostMilliseconds(): number {
  return performance.timeOrigin + performance.now();
}

/** How fast mtime runs when harts are limited to `instructionsPerSecond` (0 = full speed). */
export function timeRate(instructionsPerSecond: number): number {
  if (instructionsPerSecond <= 0) return 1;
  return Math.min(1, instructionsPerSecond / NOMINAL_INSTRUCTIONS_PER_SECOND);
}

export class SharedClock implements Clock {
  private last = 0;

  constructor(
    private readonly control: Int32Array,
    private readonly words: Float64Array,
    private readonly hostNow: () => number = hostMilliseconds,
  ) {}

  now(): number {
    const control = this.control;
    const words = this.words;
    let ticks: number;
    for (;;) {
      const before = Atomics.load(control, C_CLOCK_SEQUENCE);
      if (before & 1) continue; // the host is rewriting the clock
      const origin = words[CLOCK_ORIGIN_MS];
      const base = words[CLOCK_BASE_TICKS];
      const rate = words[CLOCK_TICKS_PER_MS];
      if (Atomics.load(control, C_CLOCK_SEQUENCE) !== before) continue;
      ticks = base + (this.hostNow() - origin) * rate;
      break;
    }
    ticks = Math.floor(ticks);
    if (ticks < this.last) return this.last;
    this.last = ticks;
    return ticks;
  }

  /** Forgets the last value read, after the host restarted the clock (machine reset). */
  restarted(): void {
    this.last = 0;
  }

  /** Milliseconds of host time until mtime reaches `ticks` (Infinity if it stands still). */
  millisecondsUntil(ticks: number): number {
    const rate = this.words[CLOCK_TICKS_PER_MS];
    const remaining = ticks - this.now();
    if (remaining <= 0) return 0;
    return rate > 0 ? remaining / rate : Infinity;
  }

  /**
   * Host side: from now on, mtime advances at `rate` times real time (0
   * stops it). Starts at `startTicks` instead when given (power-on).
   */
  setRate(rate: number, startTicks?: number): void {
    const base = startTicks ?? this.now();
    const control = this.control;
    Atomics.add(control, C_CLOCK_SEQUENCE, 1); // odd: readers retry
    this.words[CLOCK_ORIGIN_MS] = this.hostNow();
    this.words[CLOCK_BASE_TICKS] = base;
    this.words[CLOCK_TICKS_PER_MS] = rate * TICKS_PER_MS;
    Atomics.add(control, C_CLOCK_SEQUENCE, 1);
    this.last = Math.min(this.last, Math.floor(base));
  }
}

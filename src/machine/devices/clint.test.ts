import { describe, expect, it } from 'vitest';
import { MIP_MSIP, MIP_MTIP, type Clock } from '../device.ts';
import { Clint, CLINT_STATE_WORDS } from './clint.ts';

const MSIP = 0x0000, MTIMECMP = 0x4000, MTIME = 0xbff8;

class ManualClock implements Clock {
  constructor(public ticks = 0) {}
  now(): number {
    return this.ticks;
  }
}

function makeClint(harts = 2, ticks = 0) {
  const clock = new ManualClock(ticks);
  const woken: number[] = [];
  const clint = new Clint(0x200_0000, 0x1_0000, new Int32Array(CLINT_STATE_WORDS), harts, clock, {
    wake: (hart) => woken.push(hart),
  });
  clint.reset();
  return { clint, clock, woken };
}

const rd = (clint: Clint, offset: number) => clint.read(offset, 4, 0)! >>> 0;
const wr = (clint: Clint, offset: number, value: number) => clint.write(offset, 4, value, 0);

describe('Clint', () => {
  it('resets mtimecmp to 0, so MTIP is pending from reset as on QEMU 7.2', () => {
    const { clint } = makeClint();
    expect(rd(clint, MTIMECMP)).toBe(0);
    expect(rd(clint, MTIMECMP + 4)).toBe(0);
    expect(clint.interrupts(0)).toBe(MIP_MTIP);
    expect(clint.timerDeadline(1)).toBe(0);
  });

  it('raises MTIP when mtime reaches mtimecmp, comparing all 64 bits', () => {
    const { clint, clock } = makeClint(2, 100);
    wr(clint, MTIMECMP + 8 + 4, 1); // hart 1: hi first, so no early fire
    wr(clint, MTIMECMP + 8, 0x10);
    expect(clint.timerDeadline(1)).toBe(2 ** 32 + 0x10);
    expect(clint.interrupts(1)).toBe(0);
    clock.ticks = 2 ** 32 + 0xf;
    expect(clint.interrupts(1)).toBe(0);
    clock.ticks = 2 ** 32 + 0x10;
    expect(clint.interrupts(1)).toBe(MIP_MTIP);
    expect(clint.interrupts(0)).toBe(MIP_MTIP); // hart 0's mtimecmp is still 0
  });

  it('never fires with an all-ones mtimecmp', () => {
    const { clint, clock } = makeClint();
    wr(clint, MTIMECMP, -1);
    wr(clint, MTIMECMP + 4, -1);
    clock.ticks = 2 ** 52;
    expect(clint.interrupts(0)).toBe(0);
    expect(clint.timerDeadline(0)).toBe(Infinity);
  });

  it('reads mtime from the clock, and a write moves it by an offset', () => {
    const { clint, clock } = makeClint(1, 0x1_2345_6789);
    expect(rd(clint, MTIME)).toBe(0x2345_6789);
    expect(rd(clint, MTIME + 4)).toBe(1);
    wr(clint, MTIME + 4, 5);
    expect(rd(clint, MTIME + 4)).toBe(5);
    expect(rd(clint, MTIME)).toBe(0x2345_6789);
    clock.ticks += 0x10;
    expect(clint.mtime()).toBe(5 * 2 ** 32 + 0x2345_6799);
    wr(clint, MTIME, 0);
    wr(clint, MTIME + 4, 0);
    expect(clint.mtime()).toBe(0);
    clock.ticks += 7;
    expect(clint.mtime()).toBe(7);
  });

  it('keeps the deadline in clock time when mtime has an offset', () => {
    const { clint, clock } = makeClint(1, 1000);
    wr(clint, MTIME, 0); // mtime = clock - 1000
    wr(clint, MTIMECMP + 4, 0);
    wr(clint, MTIMECMP, 50);
    expect(clint.timerDeadline(0)).toBe(1050);
    clock.ticks = 1049;
    expect(clint.interrupts(0)).toBe(0);
    clock.ticks = 1050;
    expect(clint.interrupts(0)).toBe(MIP_MTIP);
  });

  it('wraps mtime modulo 2^64', () => {
    const { clint, clock } = makeClint(1, 10);
    wr(clint, MTIME + 4, -1);
    wr(clint, MTIME, -4); // mtime = 2^64 - 4
    clock.ticks += 6;
    expect(rd(clint, MTIME + 4)).toBe(0);
    expect(rd(clint, MTIME)).toBe(2);
  });

  it('sets and clears msip with bit 0 and wakes the target hart', () => {
    const { clint, woken } = makeClint();
    wr(clint, MTIMECMP + 8, -1);
    wr(clint, MTIMECMP + 12, -1);
    woken.length = 0;
    wr(clint, MSIP + 4, 1);
    expect(woken).toEqual([1]);
    expect(rd(clint, MSIP + 4)).toBe(1);
    expect(clint.interrupts(1)).toBe(MIP_MSIP);
    wr(clint, MSIP + 4, 2);
    expect(rd(clint, MSIP + 4)).toBe(0);
    expect(clint.interrupts(1)).toBe(0);
  });

  it('accepts only aligned 32-bit accesses inside QEMU\'s decoded range', () => {
    const { clint } = makeClint();
    expect(clint.read(MSIP, 1, 0)).toBeUndefined();
    expect(clint.read(MSIP, 2, 0)).toBeUndefined();
    expect(clint.write(MSIP, 1, 1, 0)).toBe(false);
    expect(clint.read(MSIP + 2, 4, 0)).toBeUndefined();
    expect(clint.read(0xc000, 4, 0)).toBeUndefined();
    expect(clint.read(0xfffc, 4, 0)).toBeUndefined();
  });

  it('reads registers of absent harts as 0 and ignores writes to them', () => {
    const { clint, woken } = makeClint(2);
    woken.length = 0;
    expect(wr(clint, MSIP + 4 * 7, 1)).toBe(true);
    expect(rd(clint, MSIP + 4 * 7)).toBe(0);
    expect(wr(clint, MTIMECMP + 8 * 7, 5)).toBe(true);
    expect(rd(clint, MTIMECMP + 8 * 7)).toBe(0);
    expect(rd(clint, 0x3ffc)).toBe(0);
    expect(rd(clint, 0x5000)).toBe(0);
    expect(woken).toEqual([]);
  });
});

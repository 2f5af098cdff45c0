/*
 * The runtime's small parts: console rings, the shared clock, the speed
 * limit, console input and kept output.
 */
import { describe, expect, it } from 'vitest';
import { ByteRing } from './console-ring.ts';
import { InputQueue } from './input-queue.ts';
import { C_CLOCK_SEQUENCE, CLOCK_WORDS, CONTROL_WORDS, LAYOUT, RUNTIME_BYTES } from './layout.ts';
import { RecentBytes } from './recent-bytes.ts';
import { NOMINAL_INSTRUCTIONS_PER_SECOND, SharedClock, timeRate } from './shared-clock.ts';
import { Throttle } from './throttle.ts';

function ring(capacity: number) {
  const header = new Int32Array(new SharedArrayBuffer(16));
  return new ByteRing(header, 0, 1, 2, new Uint8Array(new SharedArrayBuffer(capacity)));
}

describe('ByteRing', () => {
  it('carries bytes in order, wraps around, and refuses what does not fit', () => {
    const r = ring(8);
    expect(r.write([1, 2, 3, 4, 5, 6])).toBe(6);
    expect(Array.from(r.readAll()!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.write([7, 8, 9, 10, 11, 12, 13, 14, 15])).toBe(8);
    expect(r.push(16)).toBe(false);
    expect(r.space()).toBe(0);
    expect(r.peek()).toBe(7);
    r.drop();
    expect(r.push(16)).toBe(true);
    expect(Array.from(r.readAll()!)).toEqual([8, 9, 10, 11, 12, 13, 14, 16]);
    expect(r.readAll()).toBeUndefined();
  });

  it('counts correctly when head and tail wrap past 2^31', () => {
    const r = ring(4);
    const header = (r as unknown as { header: Int32Array }).header;
    header[0] = header[1] = 0x7fff_fffe;
    expect(r.write([1, 2, 3])).toBe(3);
    expect(r.count()).toBe(3);
    expect(Array.from(r.readAll()!)).toEqual([1, 2, 3]);
  });
});

describe('SharedClock', () => {
  function clocks() {
    let hostMs = 1000;
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    const words = new Float64Array(new SharedArrayBuffer(CLOCK_WORDS * 8));
    const host = new SharedClock(control, words, () => hostMs);
    const worker = new SharedClock(control, words, () => hostMs);
    return { host, worker, control, advance: (ms: number) => { hostMs += ms; } };
  }

  it('gives every reader the same 10 MHz time from one origin', () => {
    const { host, worker, control, advance } = clocks();
    host.setRate(1, 0);
    expect(control[C_CLOCK_SEQUENCE] % 2).toBe(0);
    advance(2.5);
    expect(worker.now()).toBe(25_000);
    expect(host.now()).toBe(25_000);
  });

  it('stands still while paused, slows down with the harts, and restarts at 0 on reset', () => {
    const { host, worker, advance } = clocks();
    host.setRate(1, 0);
    advance(1);
    host.setRate(0);
    advance(1000);
    expect(worker.now()).toBe(10_000);
    expect(worker.millisecondsUntil(20_000)).toBe(Infinity);
    host.setRate(timeRate(NOMINAL_INSTRUCTIONS_PER_SECOND / 10));
    advance(10);
    expect(worker.now()).toBe(20_000);
    host.setRate(1, 0);
    worker.restarted();
    expect(worker.now()).toBe(0);
  });
});

describe('Throttle', () => {
  it('grants instructions at the limit, and never a burst after a long wait', () => {
    const throttle = new Throttle();
    throttle.setLimit(1000, 0);
    expect(throttle.budget(0)).toBe(0);
    expect(throttle.msUntilNext(0)).toBe(1);
    expect(throttle.budget(10)).toBe(10);
    throttle.spend(10);
    expect(throttle.budget(10)).toBe(0);
    expect(throttle.budget(60_000)).toBe(100); // at most 100 ms of backlog
    throttle.setLimit(0, 0);
    expect(throttle.budget(0)).toBe(Infinity);
  });
});

describe('runtime layout', () => {
  it('keeps every region in order, aligned, inside RUNTIME_BYTES', () => {
    expect(LAYOUT.clock % 8).toBe(0);
    expect(LAYOUT.hartTimes % 8).toBe(0);
    expect(LAYOUT.counters % 8).toBe(0);
    expect(LAYOUT.hartControl).toBeGreaterThanOrEqual(LAYOUT.clock + CLOCK_WORDS * 8);
    expect(LAYOUT.end).toBeLessThanOrEqual(RUNTIME_BYTES);
    expect(RUNTIME_BYTES % 4096).toBe(0);
  });
});

describe('RecentBytes', () => {
  const text = (kept: RecentBytes) => Buffer.concat(kept.chunks()).toString('latin1');
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('keeps the last bytes up to its limit, cutting the oldest chunk at the front', () => {
    const kept = new RecentBytes(8);
    kept.push(bytes('abc'));
    kept.push(bytes('defg'));
    expect(text(kept)).toBe('abcdefg');
    kept.push(bytes('hij'));
    expect(text(kept)).toBe('cdefghij');
    expect(kept.length).toBe(8);
    kept.push(bytes('0123456789'));
    expect(text(kept)).toBe('23456789');
    kept.clear();
    expect(kept.chunks()).toEqual([]);
  });
});

describe('InputQueue', () => {
  it('is held open until every source that held it lets go, once each', () => {
    const input = new InputQueue();
    const first = input.hold();
    const second = input.hold();
    first();
    first();
    expect(input.held).toBe(true);
    second();
    expect(input.held).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { TestFinisher, FINISHER_STATE_WORDS, type FinishEvent } from './finisher.ts';

function makeFinisher() {
  const events: FinishEvent[] = [];
  const finisher = new TestFinisher(0x10_0000, 0x1000, new Int32Array(FINISHER_STATE_WORDS), (e) => events.push(e));
  finisher.reset();
  return { finisher, events };
}

describe('TestFinisher', () => {
  it('reports pass, fail with its code, and reboot', () => {
    const { finisher, events } = makeFinisher();
    finisher.write(0, 4, 0x5555, 0);
    finisher.write(0, 4, (42 << 16) | 0x3333, 0);
    finisher.write(0, 4, 0x7777, 0);
    finisher.write(0, 4, (0xffff << 16) | 0x3333, 0);
    expect(events).toEqual([
      { kind: 'pass', code: 0 },
      { kind: 'fail', code: 42 },
      { kind: 'reboot', code: 0 },
      { kind: 'fail', code: 0xffff },
    ]);
  });

  it('keeps the last event in shared state for other threads', () => {
    const { finisher } = makeFinisher();
    expect(finisher.lastEvent()).toBeUndefined();
    finisher.write(0, 4, (3 << 16) | 0x3333, 0);
    expect(finisher.lastEvent()).toEqual({ kind: 'fail', code: 3 });
    finisher.reset();
    expect(finisher.lastEvent()).toBeUndefined();
  });

  it('ignores other values and offsets, and accepts 16-bit writes as QEMU does', () => {
    const { finisher, events } = makeFinisher();
    expect(finisher.write(0, 4, 0x1234, 0)).toBe(true);
    expect(finisher.write(8, 4, 0x5555, 0)).toBe(true);
    expect(events).toEqual([]);
    expect(finisher.write(0, 2, 0x5555, 0)).toBe(true);
    expect(events).toEqual([{ kind: 'pass', code: 0 }]);
  });

  it('reads 0 and faults byte accesses', () => {
    const { finisher } = makeFinisher();
    expect(finisher.read(0, 4, 0)).toBe(0);
    expect(finisher.read(0, 2, 0)).toBe(0);
    expect(finisher.read(0, 1, 0)).toBeUndefined();
    expect(finisher.write(0, 1, 0x55, 0)).toBe(false);
  });
});

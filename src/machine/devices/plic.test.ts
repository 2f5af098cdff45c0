import { describe, expect, it } from 'vitest';
import { MIP_MEIP, MIP_SEIP } from '../device.ts';
import { Plic, PLIC_STATE_WORDS } from './plic.ts';

const PRIORITY = 0x0, PENDING = 0x1000, ENABLE = 0x2000, CONTEXT = 0x20_0000;
const enable = (context: number, word = 0) => ENABLE + 0x80 * context + 4 * word;
const threshold = (context: number) => CONTEXT + 0x1000 * context;
const claim = (context: number) => CONTEXT + 0x1000 * context + 4;

function makePlic(harts = 2) {
  const woken: number[] = [];
  const plic = new Plic(0xc00_0000, 0x60_0000, new Int32Array(PLIC_STATE_WORDS), harts, {
    wake: (hart) => woken.push(hart),
  });
  plic.reset();
  return { plic, woken };
}

const rd = (plic: Plic, offset: number) => plic.read(offset, 4, 0)! >>> 0;
const wr = (plic: Plic, offset: number, value: number) => plic.write(offset, 4, value, 0);

describe('Plic registers', () => {
  it('keeps priorities and thresholds modulo 8 and source 0 at 0, like QEMU 7.2', () => {
    const { plic } = makePlic();
    wr(plic, PRIORITY + 4, 0xffffffff);
    expect(rd(plic, PRIORITY + 4)).toBe(7);
    wr(plic, PRIORITY + 4, 9);
    expect(rd(plic, PRIORITY + 4)).toBe(1);
    wr(plic, PRIORITY + 0, 3);
    expect(rd(plic, PRIORITY + 0)).toBe(0);
    wr(plic, PRIORITY + 4 * 96, 3);
    expect(rd(plic, PRIORITY + 4 * 96)).toBe(3);
    wr(plic, PRIORITY + 4 * 97, 3);
    expect(rd(plic, PRIORITY + 4 * 97)).toBe(0);
    wr(plic, threshold(0), 0xff);
    expect(rd(plic, threshold(0))).toBe(7);
  });

  it('has enable words for IDs 0..95 per existing context', () => {
    const { plic } = makePlic(2);
    wr(plic, enable(0, 2), -1);
    expect(rd(plic, enable(0, 2))).toBe(0xffffffff);
    wr(plic, enable(0, 3), -1);
    expect(rd(plic, enable(0, 3))).toBe(0);
    wr(plic, enable(3, 0), -1);
    expect(rd(plic, enable(3, 0))).toBe(0xffffffff);
    wr(plic, enable(4, 0), -1); // hart 2 does not exist
    expect(rd(plic, enable(4, 0))).toBe(0);
    expect(rd(plic, threshold(4))).toBe(0);
  });

  it('accepts only aligned 32-bit accesses, and ignores writes to pending bits', () => {
    const { plic } = makePlic();
    expect(plic.read(PRIORITY + 4, 1, 0)).toBeUndefined();
    expect(plic.read(PRIORITY + 4, 2, 0)).toBeUndefined();
    expect(plic.write(PRIORITY + 4, 1, 1, 0)).toBe(false);
    expect(plic.read(PRIORITY + 6, 4, 0)).toBeUndefined();
    expect(wr(plic, PENDING, -1)).toBe(true);
    expect(rd(plic, PENDING)).toBe(0);
    expect(rd(plic, 0x5ffffc)).toBe(0);
  });
});

describe('Plic interrupts', () => {
  it('asserts MEIP for an enabled source above threshold, and SEIP for the S context', () => {
    const { plic, woken } = makePlic(2);
    wr(plic, PRIORITY + 4 * 10, 1);
    plic.setLevel(10, true);
    expect(rd(plic, PENDING)).toBe(1 << 10);
    expect(plic.interrupts(0)).toBe(0);
    wr(plic, enable(0), 1 << 10);
    expect(plic.interrupts(0)).toBe(MIP_MEIP);
    expect(woken).toEqual([0]);
    wr(plic, enable(3), 1 << 10);
    expect(plic.interrupts(1)).toBe(MIP_SEIP);
    wr(plic, threshold(0), 1);
    expect(plic.interrupts(0)).toBe(0);
  });

  it('never delivers a source of priority 0', () => {
    const { plic } = makePlic();
    wr(plic, enable(0), 1 << 5);
    plic.setLevel(5, true);
    expect(plic.interrupts(0)).toBe(0);
    expect(rd(plic, claim(0))).toBe(0);
  });

  it('claims the highest priority first, and the lowest ID on ties', () => {
    const { plic } = makePlic();
    for (const [source, priority] of [[3, 2], [7, 5], [9, 5], [40, 1]]) {
      wr(plic, PRIORITY + 4 * source, priority);
      plic.setLevel(source, true);
    }
    wr(plic, enable(0, 0), (1 << 3) | (1 << 7) | (1 << 9));
    wr(plic, enable(0, 1), 1 << (40 - 32));
    expect([rd(plic, claim(0)), rd(plic, claim(0)), rd(plic, claim(0)), rd(plic, claim(0))]).toEqual([7, 9, 3, 40]);
    expect(rd(plic, claim(0))).toBe(0);
    expect(plic.interrupts(0)).toBe(0);
  });

  it('clears pending on claim and re-arms on completion while the line is high', () => {
    const { plic } = makePlic();
    wr(plic, PRIORITY + 4 * 10, 1);
    wr(plic, enable(0), 1 << 10);
    plic.setLevel(10, true);
    expect(rd(plic, claim(0))).toBe(10);
    expect(rd(plic, PENDING)).toBe(0);
    expect(plic.interrupts(0)).toBe(0);
    expect(rd(plic, claim(0))).toBe(0);
    wr(plic, claim(0), 10);
    expect(rd(plic, PENDING)).toBe(1 << 10);
    expect(plic.interrupts(0)).toBe(MIP_MEIP);
  });

  it('stays quiet after completion once the device lowered its line', () => {
    const { plic } = makePlic();
    wr(plic, PRIORITY + 4 * 10, 1);
    wr(plic, enable(0), 1 << 10);
    plic.setLevel(10, true);
    rd(plic, claim(0));
    plic.setLevel(10, false);
    wr(plic, claim(0), 10);
    expect(plic.interrupts(0)).toBe(0);
  });

  it('forgets a request whose line drops before it is claimed, as QEMU does', () => {
    const { plic } = makePlic();
    wr(plic, PRIORITY + 4 * 10, 1);
    wr(plic, enable(0), 1 << 10);
    plic.setLevel(10, true);
    plic.setLevel(10, false);
    expect(rd(plic, PENDING)).toBe(0);
    expect(plic.interrupts(0)).toBe(0);
  });

  it('holds a claimed source away from every context until completed', () => {
    const { plic } = makePlic();
    wr(plic, PRIORITY + 4 * 10, 1);
    wr(plic, enable(0), 1 << 10);
    wr(plic, enable(1), 1 << 10);
    plic.setLevel(10, true);
    expect(plic.interrupts(0)).toBe(MIP_MEIP | MIP_SEIP);
    expect(rd(plic, claim(1))).toBe(10);
    expect(plic.interrupts(0)).toBe(0);
    expect(rd(plic, claim(0))).toBe(0);
    wr(plic, claim(0), 10);
    expect(plic.interrupts(0)).toBe(MIP_MEIP | MIP_SEIP);
  });

  it('re-posts a request when a claimed source\'s line is driven high again, as QEMU does', () => {
    const { plic } = makePlic();
    wr(plic, PRIORITY + 4 * 10, 1);
    wr(plic, enable(0), 1 << 10);
    plic.setLevel(10, true);
    rd(plic, claim(0));
    plic.setLevel(10, true);
    expect(rd(plic, PENDING)).toBe(1 << 10);
    expect(plic.interrupts(0)).toBe(0); // masked until completed
    wr(plic, claim(0), 10);
    expect(plic.interrupts(0)).toBe(MIP_MEIP);
  });

  it('rejects a source it has no gateway for', () => {
    const { plic } = makePlic();
    expect(() => plic.setLevel(0, true)).toThrow();
    expect(() => plic.setLevel(96, true)).toThrow();
  });
});

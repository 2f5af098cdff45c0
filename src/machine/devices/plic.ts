/*
 * SiFive PLIC as in QEMU 7.2's virt machine: 96 sources (riscv,ndev),
 * 3 priority bits, and two contexts per hart, 2h for hart h's M-mode
 * (MEIP) and 2h+1 for its S-mode (SEIP).
 *
 * Gateways are level-triggered: a source is pending while its line is high
 * (a line that drops before being claimed is no longer pending, as in QEMU).
 * A claim returns the enabled, pending, unclaimed source of highest priority
 * strictly above the context's threshold (lowest ID on ties), clears its
 * pending bit and marks it claimed; completion clears the claim, and the
 * source is pending again at once if its line is still high.
 *
 * Matched with qemu-system-riscv32 7.2:
 * - only aligned 32-bit accesses are valid; everything else in the window
 *   reads 0 and ignores writes (pending bits are read-only);
 * - priorities and thresholds are WARL: the value modulo 8 is kept;
 *   source 0's priority is hardwired to 0;
 * - pending and enable bits exist for IDs 0..95: QEMU 7.2 accepts a
 *   priority for source 96 but its enable bit reads 0, so it never fires;
 * - a claim is global to the source, so another context cannot claim it
 *   until it is completed, and completion is accepted from any context.
 * One deliberate difference: QEMU 7.2 does not re-evaluate MEIP/SEIP when
 * an enable register is written (only at the next event); here every
 * register write takes effect at once, as the PLIC specification says.
 */

import { MIP_MEIP, MIP_SEIP, type HartWakeup, type InterruptSink, type MmioDevice } from '../device.ts';
import { MAX_HARTS } from '../memory-map.ts';
import { lockState, unlockState } from './state-lock.ts';

/** Interrupt sources, IDs 1..96 (the device tree's riscv,ndev). */
export const PLIC_NUM_SOURCES = 96;
/** Priority bits: priorities and thresholds are 0..7. */
export const PLIC_PRIORITY_BITS = 3;
const PLIC_PRIORITY_MASK = (1 << PLIC_PRIORITY_BITS) - 1;
/** 32-bit words of pending and enable bits (IDs 0..95). */
const PLIC_SOURCE_WORDS = 3;

const PLIC_PRIORITY = 0x0; // + 4*source
const PLIC_PENDING = 0x1000; // bit array
const PLIC_ENABLE = 0x2000; // + 0x80*context: bit array
const PLIC_ENABLE_STRIDE = 0x80;
const PLIC_CONTEXT = 0x20_0000; // + 0x1000*context
const PLIC_CONTEXT_STRIDE = 0x1000;
const PLIC_THRESHOLD = 0x0; // within a context
const PLIC_CLAIM = 0x4; // claim (read) and complete (write)

const CONTEXTS_PER_HART = 2;
const MAX_CONTEXTS = CONTEXTS_PER_HART * MAX_HARTS;

// Layout of the state slice (Int32Array words).
const S_LOCK = 0;
const S_PRIORITY = 1; // PLIC_NUM_SOURCES + 1 words, by source ID
const S_LEVEL = S_PRIORITY + PLIC_NUM_SOURCES + 1; // line levels, bit array
const S_PENDING = S_LEVEL + PLIC_SOURCE_WORDS;
const S_CLAIMED = S_PENDING + PLIC_SOURCE_WORDS;
const S_THRESHOLD = S_CLAIMED + PLIC_SOURCE_WORDS; // by context
const S_ENABLE = S_THRESHOLD + MAX_CONTEXTS; // PLIC_SOURCE_WORDS per context
const S_HART_MIP = S_ENABLE + MAX_CONTEXTS * PLIC_SOURCE_WORDS; // MEIP|SEIP by hart
/** Words of shared state the PLIC needs. */
export const PLIC_STATE_WORDS = S_HART_MIP + MAX_HARTS;

export class Plic implements MmioDevice, InterruptSink {
  readonly name = 'plic';
  private readonly contexts: number;

  constructor(
    readonly base: number,
    readonly size: number,
    private readonly state: Int32Array,
    private readonly harts: number,
    private readonly wakeup: HartWakeup,
  ) {
    if (state.length < PLIC_STATE_WORDS) throw new Error('plic: state slice too small');
    if (harts > MAX_HARTS) throw new Error(`plic: at most ${MAX_HARTS} harts`);
    this.contexts = CONTEXTS_PER_HART * harts;
  }

  /** Power-on state: all zero, no interrupt asserted. Line levels are kept:
   * devices drive them and reset themselves. */
  reset(): void {
    const s = this.state;
    lockState(s, S_LOCK);
    s.fill(0, S_PRIORITY, S_PRIORITY + PLIC_NUM_SOURCES + 1);
    s.fill(0, S_PENDING, PLIC_STATE_WORDS);
    for (let w = 0; w < PLIC_SOURCE_WORDS; w++) s[S_PENDING + w] = s[S_LEVEL + w];
    unlockState(s, S_LOCK);
  }

  /**
   * The gateway: a device drives source `irq` (1..95) high or low. Driving
   * a high line again re-posts its request if a claim had cleared it, as
   * QEMU's gateway does; the source stays masked until completed.
   */
  setLevel(irq: number, high: boolean): void {
    if (irq < 1 || irq >= PLIC_SOURCE_WORDS * 32) throw new Error(`plic: no source ${irq}`);
    const s = this.state;
    const word = irq >>> 5;
    const bit = 1 << (irq & 31);
    lockState(s, S_LOCK);
    if (high) {
      if (s[S_LEVEL + word] & s[S_PENDING + word] & bit) {
        unlockState(s, S_LOCK);
        return; // already asking: nothing changes
      }
      s[S_LEVEL + word] |= bit;
      s[S_PENDING + word] |= bit;
    } else {
      s[S_LEVEL + word] &= ~bit;
      s[S_PENDING + word] &= ~bit;
    }
    this.update();
    unlockState(s, S_LOCK);
  }

  /** MIP_MEIP | MIP_SEIP as asserted now for `hart`. */
  interrupts(hart: number): number {
    return Atomics.load(this.state, S_HART_MIP + hart);
  }

  read(offset: number, size: number, hart: number): number | undefined {
    if (size !== 4 || (offset & 3) !== 0) return undefined;
    const s = this.state;
    lockState(s, S_LOCK);
    let value = 0;
    if (offset < PLIC_PENDING) {
      const source = (offset - PLIC_PRIORITY) >>> 2;
      if (source <= PLIC_NUM_SOURCES) value = s[S_PRIORITY + source];
    } else if (offset < PLIC_ENABLE) {
      const word = (offset - PLIC_PENDING) >>> 2;
      if (word < PLIC_SOURCE_WORDS) value = s[S_PENDING + word];
    } else if (offset < PLIC_CONTEXT) {
      const index = this.enableIndex(offset);
      if (index >= 0) value = s[index];
    } else {
      const context = (offset - PLIC_CONTEXT) >>> 12;
      const register = offset & (PLIC_CONTEXT_STRIDE - 1);
      if (context < this.contexts) {
        if (register === PLIC_THRESHOLD) value = s[S_THRESHOLD + context];
        else if (register === PLIC_CLAIM) value = this.claim(context);
      }
    }
    unlockState(s, S_LOCK);
    return value;
  }

  write(offset: number, size: number, value: number, hart: number): boolean {
    if (size !== 4 || (offset & 3) !== 0) return false;
    const s = this.state;
    lockState(s, S_LOCK);
    if (offset < PLIC_PENDING) {
      const source = (offset - PLIC_PRIORITY) >>> 2;
      if (source >= 1 && source <= PLIC_NUM_SOURCES) {
        s[S_PRIORITY + source] = value & PLIC_PRIORITY_MASK;
        this.update();
      }
    } else if (offset >= PLIC_ENABLE && offset < PLIC_CONTEXT) {
      const index = this.enableIndex(offset);
      if (index >= 0) {
        s[index] = value;
        this.update();
      }
    } else if (offset >= PLIC_CONTEXT) {
      const context = (offset - PLIC_CONTEXT) >>> 12;
      const register = offset & (PLIC_CONTEXT_STRIDE - 1);
      if (context < this.contexts) {
        if (register === PLIC_THRESHOLD) {
          s[S_THRESHOLD + context] = value & PLIC_PRIORITY_MASK;
          this.update();
        } else if (register === PLIC_CLAIM) {
          this.complete(value >>> 0);
        }
      }
    }
    unlockState(s, S_LOCK);
    return true;
  }

  /** State index of the enable word at `offset`, or -1 if none is there. */
  private enableIndex(offset: number): number {
    const context = ((offset - PLIC_ENABLE) / PLIC_ENABLE_STRIDE) | 0;
    const word = ((offset - PLIC_ENABLE) & (PLIC_ENABLE_STRIDE - 1)) >>> 2;
    if (context >= this.contexts || word >= PLIC_SOURCE_WORDS) return -1;
    return S_ENABLE + context * PLIC_SOURCE_WORDS + word;
  }

  private claim(context: number): number {
    const source = this.bestSource(context);
    if (source !== 0) {
      const word = source >>> 5;
      const bit = 1 << (source & 31);
      this.state[S_PENDING + word] &= ~bit;
      this.state[S_CLAIMED + word] |= bit;
      this.update();
    }
    return source;
  }

  private complete(source: number): void {
    if (source >= PLIC_SOURCE_WORDS * 32) return;
    const s = this.state;
    const word = source >>> 5;
    const bit = 1 << (source & 31);
    s[S_CLAIMED + word] &= ~bit;
    // A line still high asks again (level-triggered gateway).
    s[S_PENDING + word] |= s[S_LEVEL + word] & bit;
    this.update();
  }

  /** Highest-priority claimable source for `context`, lowest ID on ties; 0 if none. */
  private bestSource(context: number): number {
    const s = this.state;
    let best = 0;
    let bestPriority = s[S_THRESHOLD + context];
    const enable = S_ENABLE + context * PLIC_SOURCE_WORDS;
    for (let w = 0; w < PLIC_SOURCE_WORDS; w++) {
      let candidates = s[S_PENDING + w] & ~s[S_CLAIMED + w] & s[enable + w];
      while (candidates !== 0) {
        const lowest = candidates & -candidates;
        candidates ^= lowest;
        const source = (w << 5) + 31 - Math.clz32(lowest);
        const priority = s[S_PRIORITY + source];
        if (priority > bestPriority) {
          best = source;
          bestPriority = priority;
        }
      }
    }
    return best;
  }

  /** Recomputes every hart's MEIP/SEIP; wakes harts that gained one. */
  private update(): void {
    const s = this.state;
    for (let hart = 0; hart < this.harts; hart++) {
      const context = CONTEXTS_PER_HART * hart;
      const mip =
        (this.bestSource(context) !== 0 ? MIP_MEIP : 0) | (this.bestSource(context + 1) !== 0 ? MIP_SEIP : 0);
      const old = Atomics.exchange(s, S_HART_MIP + hart, mip);
      if (mip & ~old) this.wakeup.wake(hart);
    }
  }
}

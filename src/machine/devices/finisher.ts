/*
 * SiFive test finisher ("sifive,test0"), QEMU virt's way for software to
 * end the machine: writing 0x5555 powers off with success, 0x7777 reboots,
 * and (code << 16) | 0x3333 fails with exit code `code`.
 *
 * As in QEMU 7.2: 16- and 32-bit accesses are valid (bytes fault), only
 * offset 0 acts, other values are ignored, and reads return 0. The last
 * event is also kept in shared state, because the hart that writes the
 * register runs in its own worker while the host wants to know.
 */

import type { MmioDevice } from '../device.ts';

export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

export type FinishKind = 'pass' | 'fail' | 'reboot';

/** How software ended the machine; `code` is the exit status (0 but for fail). */
export interface FinishEvent {
  kind: FinishKind;
  code: number;
}

// Layout of the state slice: which event (0 = none yet) and its code.
const S_KIND = 0;
const S_CODE = 1;
/** Words of shared state the finisher needs. */
export const FINISHER_STATE_WORDS = 2;
const KINDS: readonly FinishKind[] = ['pass', 'fail', 'reboot'];

export class TestFinisher implements MmioDevice {
  readonly name = 'test-finisher';

  constructor(
    readonly base: number,
    readonly size: number,
    private readonly state: Int32Array,
    private readonly onFinish: (event: FinishEvent) => void = () => {},
  ) {
    if (state.length < FINISHER_STATE_WORDS) throw new Error('finisher: state slice too small');
  }

  reset(): void {
    Atomics.store(this.state, S_KIND, 0);
    Atomics.store(this.state, S_CODE, 0);
  }

  read(offset: number, size: number, hart: number): number | undefined {
    return size === 1 ? undefined : 0;
  }

  write(offset: number, size: number, value: number, hart: number): boolean {
    if (size === 1) return false;
    if (offset !== 0) return true;
    const status = value & 0xffff;
    const code = (value >>> 16) & 0xffff;
    if (status === FINISHER_PASS) this.finish('pass', 0);
    else if (status === FINISHER_FAIL) this.finish('fail', code);
    else if (status === FINISHER_RESET) this.finish('reboot', 0);
    return true;
  }

  /** The last event software raised since reset, from any worker. */
  lastEvent(): FinishEvent | undefined {
    const kind = Atomics.load(this.state, S_KIND);
    if (kind === 0) return undefined;
    return { kind: KINDS[kind - 1], code: Atomics.load(this.state, S_CODE) };
  }

  private finish(kind: FinishKind, code: number): void {
    Atomics.store(this.state, S_CODE, code);
    Atomics.store(this.state, S_KIND, KINDS.indexOf(kind) + 1);
    this.onFinish({ kind, code });
  }
}

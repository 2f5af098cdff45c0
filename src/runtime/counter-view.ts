/*
 * A hart's counters and status read straight from the arrays the hart
 * writes (shared memory in the worker machine): HartCounters for both
 * machines.
 */
import {
  CAUSE_SLOTS, COUNTED_VMIDS, MODE_COUNT, RETIRED, RETIRED_BY_VMID, STATUS_MODE, STATUS_PC, STATUS_STATE, STATUS_VMID,
  trapIndex, VM_EXITS,
} from '../machine/counters.ts';
import type { HartCounters, HartState } from './api.ts';
import { T_ASLEEP_SINCE, T_WAITING_MS } from './layout.ts';
import { hostMilliseconds } from './shared-clock.ts';

/** STATUS_STATE values (layout.ts) by name. */
const HART_STATES: readonly HartState[] = ['running', 'waiting', 'paused', 'off'];

export class CounterView implements HartCounters {
  constructor(
    readonly id: number,
    readonly thread: string,
    private readonly counters: Float64Array,
    private readonly status: Int32Array,
    private readonly times?: Float64Array,
  ) {}

  state(): HartState {
    return HART_STATES[Atomics.load(this.status, STATUS_STATE)] ?? 'running';
  }

  mode(): number {
    return this.status[STATUS_MODE];
  }

  vmid(): number | undefined {
    const vmid = this.status[STATUS_VMID];
    return vmid < 0 ? undefined : vmid;
  }

  pc(): number {
    return this.status[STATUS_PC] >>> 0;
  }

  retired(mode?: number): number {
    if (mode !== undefined) return this.counters[RETIRED + mode];
    let total = 0;
    for (let m = 0; m < MODE_COUNT; m++) total += this.counters[RETIRED + m];
    return total;
  }

  retiredByVmid(vmid: number): number {
    return this.counters[RETIRED_BY_VMID + Math.min(Math.max(vmid, 0), COUNTED_VMIDS - 1)];
  }

  vmExits(slot?: number): number {
    if (slot !== undefined) return this.counters[VM_EXITS + slot];
    let total = 0;
    for (let s = 0; s < CAUSE_SLOTS; s++) total += this.counters[VM_EXITS + s];
    return total;
  }

  traps(target: number, slot: number): number {
    return this.counters[trapIndex(target, slot)];
  }

  waitingMs(): number {
    if (!this.times) return 0;
    const since = this.times[T_ASLEEP_SINCE];
    return this.times[T_WAITING_MS] + (since > 0 ? Math.max(0, hostMilliseconds() - since) : 0);
  }
}

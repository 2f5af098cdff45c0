/*
 * The sampler publishes one hart's change as a new snapshot of that hart
 * only: every other hart keeps its snapshot object, so a card that selects
 * its own hart (useHarts((s) => s.harts[id])) is not rendered again.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MODE_S, MODE_M, MODE_VS, type HartCounters, type HartState, type LabMachine } from '../runtime/index.ts';
import { startSampler } from './sampler.ts';
import { useHarts } from './store.ts';

/** A machine whose counters the test sets. */
function fakeMachine(harts: number) {
  const retired = new Array(harts).fill(0);
  const states: HartState[] = new Array(harts).fill('running');
  const modes: number[] = new Array(harts).fill(MODE_M);
  const vmids: (number | undefined)[] = new Array(harts).fill(undefined);
  const view = (id: number): HartCounters => ({
    id,
    thread: `worker hart-${id}`,
    state: () => states[id],
    mode: () => modes[id],
    vmid: () => vmids[id],
    pc: () => 0x8000_0000,
    retired: (mode?: number) => (mode === undefined || mode === 0 ? retired[id] : 0),
    retiredByVmid: () => 0,
    vmExits: () => 0,
    traps: () => 0,
    waitingMs: () => 0,
  });
  const machine = { harts, hart: view, symbolize: () => 'main' } as unknown as LabMachine;
  return { machine, retired, states, modes, vmids };
}

describe('the sampler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => setTimeout(callback, 16));
    vi.stubGlobal('cancelAnimationFrame', (id: ReturnType<typeof setTimeout>) => clearTimeout(id));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('replaces only the snapshot of the hart that changed', () => {
    const { machine, retired } = fakeMachine(3);
    const stop = startSampler(machine);
    vi.advanceTimersByTime(2000);
    const settled = useHarts.getState().harts;
    const changes: number[][] = [];
    const unsubscribe = useHarts.subscribe((state, previous) => {
      changes.push(state.harts.map((hart, id) => (hart === previous.harts[id] ? 0 : 1)));
    });
    retired[1] += 5_000_000;
    vi.advanceTimersByTime(1000);
    unsubscribe();
    stop();
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(change).toEqual([0, 1, 0]);
    const now = useHarts.getState().harts;
    expect(now[0]).toBe(settled[0]);
    expect(now[2]).toBe(settled[2]);
    expect(now[1].retired).toBe(5_000_000);
  });

  it('publishes a change of state at the next sample', () => {
    const { machine, states } = fakeMachine(2);
    const stop = startSampler(machine);
    vi.advanceTimersByTime(2000);
    states[0] = 'paused';
    vi.advanceTimersByTime(150);
    stop();
    expect(useHarts.getState().harts[0].state).toBe('paused');
  });

  it('publishes the guest a hart enters, a switch of guests, and a return to the host at the next sample', () => {
    const { machine, modes, vmids } = fakeMachine(2);
    const stop = startSampler(machine);
    vi.advanceTimersByTime(2000);
    expect(useHarts.getState().harts[0].vmid).toBeUndefined();
    const seen = () => useHarts.getState().harts.map((hart) => [hart.mode, hart.vmid]);
    modes[1] = MODE_VS;
    vmids[1] = 1;
    vi.advanceTimersByTime(150);
    expect(seen()).toEqual([[MODE_M, undefined], [MODE_VS, 1]]);
    // A guest's pc is no address of the image: no function name from the image's symbols.
    expect(useHarts.getState().harts.map((hart) => hart.where)).toEqual(['main', undefined]);
    vmids[1] = 2; // the hypervisor switched guests between samples
    vi.advanceTimersByTime(150);
    expect(seen()).toEqual([[MODE_M, undefined], [MODE_VS, 2]]);
    modes[1] = MODE_S;
    vmids[1] = undefined;
    vi.advanceTimersByTime(150);
    stop();
    expect(seen()).toEqual([[MODE_M, undefined], [MODE_S, undefined]]);
  });
});

/*
 * The sampler: once per animation frame, reads every hart's counters from
 * shared memory (no messages) and, when what a card shows has changed,
 * replaces that hart's snapshot in useHarts. Numbers that change at
 * instruction speed (pc, MIPS, time shares) are published a few times a
 * second, so that they stay readable on a projector; a change of state,
 * mode or guest (VMID) is published at once.
 */
import { MODE_COUNT, type LabMachine } from '../runtime/index.ts';
import { useHarts, type HartSnapshot } from './store.ts';

/** How often the fast-moving numbers of a card are refreshed, in ms. */
const PUBLISH_MS = 500;
/** The same for a hart that sleeps in WFI nearly all the time: an idle lab should cost nothing. */
const PUBLISH_IDLE_MS = 1000;
/** How often the counters are read (each time in an animation frame), in ms: while a hart runs, and while none does. */
const SAMPLE_MS = 100;
const SAMPLE_IDLE_MS = 250;
/** The window MIPS and time shares are computed over, in ms. */
const WINDOW_MS = 1000;

interface Sample {
  time: number;
  retired: number[];
  waitingMs: number;
}

/** What one hart's card is computed from: recent samples. */
class HartHistory {
  samples: Sample[] = [];
  lastPublish = -Infinity;
}

/** Starts sampling `machine`; returns a function that stops. */
export function startSampler(machine: LabMachine): () => void {
  const histories = Array.from({ length: machine.harts }, () => new HartHistory());
  useHarts.setState({ harts: histories.map((_, id) => snapshot(machine, id, histories[id], performance.now())) });
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A few reads a second, each in an animation frame: an idle lab then
  // costs the browser almost nothing (a frame every 16 ms would not).
  const schedule = () => {
    const running = useHarts.getState().harts.some((hart) => hart.state === 'running');
    timer = setTimeout(() => { frame = requestAnimationFrame(onFrame); }, running ? SAMPLE_MS : SAMPLE_IDLE_MS);
  };
  const onFrame = () => {
    schedule();
    const now = performance.now();
    const current = useHarts.getState().harts;
    let next: HartSnapshot[] | undefined;
    for (let id = 0; id < machine.harts; id++) {
      const view = machine.hart(id);
      const shown = current[id];
      const interval = shown.state === 'waiting' && shown.mips < 0.1 ? PUBLISH_IDLE_MS : PUBLISH_MS;
      const due = now - histories[id].lastPublish >= interval;
      if (!due && view.state() === shown.state && view.mode() === shown.mode && view.vmid() === shown.vmid) continue;
      const fresh = snapshot(machine, id, histories[id], now);
      if (sameSnapshot(fresh, shown)) continue;
      next ??= [...current];
      next[id] = fresh;
    }
    if (next) useHarts.setState({ harts: next });
  };
  frame = requestAnimationFrame(onFrame);
  return () => {
    clearTimeout(timer);
    cancelAnimationFrame(frame);
  };
}

function snapshot(machine: LabMachine, id: number, history: HartHistory, now: number): HartSnapshot {
  const view = machine.hart(id);
  const retired: number[] = [];
  for (let mode = 0; mode < MODE_COUNT; mode++) retired.push(view.retired(mode));
  const sample: Sample = { time: now, retired, waitingMs: view.waitingMs() };
  const samples = history.samples;
  if (samples.length > 0 && total(sample.retired) < total(samples[samples.length - 1].retired)) {
    samples.length = 0; // the counters restarted (reset)
  }
  samples.push(sample);
  while (samples.length > 2 && now - samples[1].time >= WINDOW_MS) samples.shift();
  history.lastPublish = now;
  const oldest = samples[0];
  const state = view.state();
  const pc = view.pc();
  const vmid = view.vmid();
  return {
    id,
    thread: view.thread,
    state,
    mode: view.mode(),
    vmid,
    pc,
    // While V=1 the pc is the guest's virtual address: the image's symbols do not describe it.
    where: vmid === undefined ? machine.symbolize(pc) : undefined,
    mips: shown(rate(oldest, sample)),
    retired: total(sample.retired),
    shares: shares(oldest, sample, state).map((share) => Math.round(share * 100) / 100),
  };
}

/** MIPS to the precision a card shows, so that invisible changes do not re-render it. */
function shown(mips: number): number {
  if (mips >= 10) return Math.round(mips);
  if (mips >= 0.1) return Math.round(mips * 10) / 10;
  return Math.round(mips * 1e6) / 1e6; // instructions per second
}

function total(counts: number[]): number {
  let sum = 0;
  for (const count of counts) sum += count;
  return sum;
}

/** Millions of instructions per second between two samples. */
function rate(from: Sample, to: Sample): number {
  const seconds = (to.time - from.time) / 1000;
  if (seconds <= 0) return 0;
  return Math.max(0, total(to.retired) - total(from.retired)) / seconds / 1e6;
}

/**
 * Shares of the time between two samples: asleep in WFI, and the rest split
 * between the modes in proportion to the instructions each retired.
 */
function shares(from: Sample, to: Sample, state: string): number[] {
  const elapsed = to.time - from.time;
  const result = new Array(MODE_COUNT + 1).fill(0);
  if (elapsed <= 0) {
    if (state === 'waiting') result[MODE_COUNT] = 1;
    return result;
  }
  const asleep = Math.min(1, Math.max(0, (to.waitingMs - from.waitingMs) / elapsed));
  const retired = to.retired.map((count, mode) => Math.max(0, count - from.retired[mode]));
  const sum = total(retired);
  if (sum === 0) {
    if (state === 'waiting' || asleep > 0) result[MODE_COUNT] = 1;
    return result;
  }
  for (let mode = 0; mode < MODE_COUNT; mode++) result[mode] = ((1 - asleep) * retired[mode]) / sum;
  result[MODE_COUNT] = asleep;
  return result;
}

function sameSnapshot(a: HartSnapshot, b: HartSnapshot): boolean {
  return a.state === b.state && a.mode === b.mode && a.vmid === b.vmid && a.pc === b.pc && a.retired === b.retired && a.mips === b.mips &&
    a.shares.every((share, i) => share === b.shares[i]);
}

/*
 * The page of `npm run bench:browser` (bench.html): runs an image on a
 * worker machine through the runtime's public API, with no UI to share the
 * CPU with, and leaves the figures in window.__bench.
 *
 *   bench.html?harts=2&image=firmware/bench-smp.elf
 *   bench.html?harts=2&image=firmware/bench-smp.elf&control=20
 *   bench.html?harts=1&image=firmware/bench-smp.elf&compile=0
 *
 * compile=0 runs the interpreter only (no block compiler).
 * With control=N it measures instead how long the harts take to answer a
 * control word: N pauses (and resumes) of busy harts, each timed from the
 * page's request to the last worker's acknowledgment.
 * The clock starts when every hart's worker runs (powerOn resolved) and
 * stops when the guest powers off, so worker start-up is not counted.
 */
import { createWorkerMachine, totalRetired, whenStopped } from '../runtime/index.ts';

export interface BenchResult {
  harts: number;
  instructions: number;
  perHart: number[];
  seconds: number;
  mips: number;
  output: string;
  stop: string;
}

export interface ControlResult {
  pauses: number;
  medianMs: number;
  maxMs: number;
}

declare global {
  interface Window {
    __bench?: BenchResult | ControlResult | { error: string };
  }
}

async function run(): Promise<BenchResult | ControlResult> {
  const params = new URLSearchParams(location.search);
  if (params.has('control')) return controlLatency(params, Number(params.get('control')));
  const harts = Number(params.get('harts') ?? 1);
  const imagePath = params.get('image') ?? 'firmware/bench-smp.elf';
  const response = await fetch(import.meta.env.BASE_URL + imagePath);
  if (!response.ok) throw new Error(`cannot load ${imagePath}: ${response.status}`);
  const compile = params.get('compile') !== '0';
  const machine = createWorkerMachine({ harts, image: new Uint8Array(await response.arrayBuffer()), compile });
  let output = '';
  const decoder = new TextDecoder();
  machine.console(0).onOutput((bytes) => { output += decoder.decode(bytes, { stream: true }); });
  const stopped = whenStopped(machine);
  await machine.powerOn();
  const started = performance.now();
  const reason = await stopped;
  const seconds = (performance.now() - started) / 1000;
  const instructions = totalRetired(machine);
  const perHart = Array.from({ length: harts }, (_, hart) => machine.hart(hart).retired());
  machine.dispose();
  return {
    harts, instructions, perHart, seconds, mips: instructions / seconds / 1e6, output, stop: JSON.stringify(reason),
  };
}

/** Times `pauses` pause commands to busy harts (each followed by a resume). */
async function controlLatency(params: URLSearchParams, pauses: number): Promise<ControlResult> {
  const harts = Number(params.get('harts') ?? 2);
  const imagePath = params.get('image') ?? 'firmware/bench-smp.elf';
  const response = await fetch(import.meta.env.BASE_URL + imagePath);
  const machine = createWorkerMachine({ harts, image: new Uint8Array(await response.arrayBuffer()) });
  await machine.powerOn();
  const times: number[] = [];
  for (let n = 0; n < pauses; n++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await machine.pause();
    times.push(performance.now() - started);
    await machine.resume();
  }
  machine.dispose();
  times.sort((a, b) => a - b);
  return { pauses, medianMs: times[times.length >> 1], maxMs: times[times.length - 1] };
}

run().then(
  (result) => {
    window.__bench = result;
    document.getElementById('result')!.textContent = JSON.stringify(result, null, 2);
  },
  (error: Error) => {
    window.__bench = { error: error.message };
    document.getElementById('result')!.textContent = error.message;
  },
);

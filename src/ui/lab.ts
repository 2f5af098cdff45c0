/*
 * The page's machine: fetches the image, builds the worker machine through
 * the runtime's public API, keeps the console's output for the terminal,
 * and carries out what the controls ask. Components call these functions
 * and read the stores; they never touch the machine themselves.
 */
import {
  createWorkerMachine, RecentBytes, type ConsoleStream, type LabMachine, type RunState,
} from '../runtime/index.ts';
import type { LabConfig } from './config.ts';
import { startSampler } from './sampler.ts';
import { useLab } from './store.ts';
import { installTestHook } from './test-hook.ts';

/** Console output kept for a terminal that opens later (or opens again), in bytes. */
const CONSOLE_HISTORY_BYTES = 1 << 20;

/** Everything UART0 printed since the page loaded, and who wants the next bytes. */
export class ConsoleLog {
  private readonly history = new RecentBytes(CONSOLE_HISTORY_BYTES);
  private readonly listeners = new Set<(bytes: Uint8Array) => void>();

  constructor(readonly stream: ConsoleStream) {
    stream.onOutput((chunk) => this.append(chunk));
  }

  /** Calls `listener` with the history, then with every new chunk. Returns a function that unsubscribes. */
  subscribe(listener: (bytes: Uint8Array) => void): () => void {
    for (const chunk of this.history.chunks()) listener(chunk);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends what the user typed to the guest. */
  type(data: string): void {
    this.stream.write(data);
  }

  private append(chunk: Uint8Array): void {
    this.history.push(chunk);
    for (const listener of this.listeners) listener(chunk);
  }
}

let machine: LabMachine | undefined;
let console0: ConsoleLog | undefined;

/** The page's machine (undefined until loaded). */
export function labMachine(): LabMachine | undefined {
  return machine;
}

export function labConsole(): ConsoleLog | undefined {
  return console0;
}

/** Loads the image, builds the machine and powers it on. */
export async function startLab(config: LabConfig): Promise<void> {
  useLab.setState({ status: 'loading', image: config.image, harts: config.harts, ramMiB: config.ramMiB, speed: config.speed });
  try {
    const response = await fetch(import.meta.env.BASE_URL + config.image);
    if (!response.ok) throw new Error(`cannot load ${config.image}: ${response.status} ${response.statusText}`);
    const image = new Uint8Array(await response.arrayBuffer());
    const created = createWorkerMachine({ harts: config.harts, ramMiB: config.ramMiB, image });
    created.setSpeed(config.speed);
    machine = created;
    console0 = new ConsoleLog(created.console(0));
    created.onStateChange((runState: RunState) => useLab.setState({ runState, stopReason: created.stopReason() }));
    startSampler(created);
    installTestHook(created);
    useLab.setState({ status: 'ready' });
    await created.powerOn();
  } catch (error) {
    useLab.setState({ status: 'error', error: (error as Error).message });
  }
}

/** Runs a control operation with the buttons held, reporting failures in the status line. */
async function control(operation: (machine: LabMachine) => Promise<unknown>): Promise<void> {
  if (!machine || useLab.getState().busy) return;
  useLab.setState({ busy: true });
  try {
    await operation(machine);
  } catch (error) {
    useLab.setState({ lastStep: (error as Error).message });
  } finally {
    useLab.setState({ busy: false });
  }
}

export function togglePower(): Promise<void> {
  return control((m) => (m.state() === 'off' || m.state() === 'stopped' ? m.powerOn() : m.powerOff()));
}

export function togglePause(): Promise<void> {
  return control((m) => (m.state() === 'paused' ? m.resume() : m.pause()));
}

export function resetMachine(): Promise<void> {
  return control((m) => m.reset());
}

export function stepHart(): Promise<void> {
  const { stepHart: hart, stepCount: count } = useLab.getState();
  return control(async (m) => {
    const result = await m.step(hart, count);
    const where = m.symbolize(m.hart(hart).pc()) ?? '';
    useLab.setState({
      lastStep: `hart ${hart} retired ${result.retired.toLocaleString('en')} instruction${result.retired === 1 ? '' : 's'}` +
        (result.state === 'waiting' ? ' and waits for an interrupt' : '') +
        `; pc 0x${m.hart(hart).pc().toString(16).padStart(8, '0')}${where ? ' in ' + where : ''}`,
    });
  });
}

/** Instructions per second per hart; Infinity = full speed. */
export function setSpeed(instructionsPerSecond: number): void {
  useLab.setState({ speed: instructionsPerSecond });
  machine?.setSpeed(instructionsPerSecond);
}

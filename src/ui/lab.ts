/*
 * The page's machine: fetches the image (and the kernel and the boot
 * modules the address names), builds the worker machine through the
 * runtime's public API, keeps every UART's output for its terminal
 * (consoles.ts), and carries out what the controls ask. Components call
 * these functions and read the stores; they never touch the machine
 * themselves.
 */
import {
  createWorkerMachine, ImageError, UART_COUNT, type BootFile, type LabMachine, type MachineOptions, type RunState,
} from '../runtime/index.ts';
import type { LabAddress, LabConfig } from './config.ts';
import { LabConsoles, withConsole } from './consoles.ts';
import { startSampler } from './sampler.ts';
import { useConsoles, useLab } from './store.ts';
import { installTestHook } from './test-hook.ts';

let machine: LabMachine | undefined;
let consoles: LabConsoles | undefined;

/** The page's machine (undefined until loaded). */
export function labMachine(): LabMachine | undefined {
  return machine;
}

/** The consoles of the page's machine, one per UART (undefined until loaded). */
export function labConsoles(): LabConsoles | undefined {
  return consoles;
}

/**
 * A file under the site's base. A missing file fails, also where the
 * server answers with its page instead (an HTML fallback, as Vite's).
 */
async function fetchSiteFile(path: string): Promise<Uint8Array> {
  const response = await fetch(import.meta.env.BASE_URL + path);
  if (!response.ok) throw new Error(`cannot load ${path}: ${response.status} ${response.statusText}`);
  if (response.headers.get('content-type')?.startsWith('text/html')) throw new Error(`cannot load ${path}: no such file`);
  return new Uint8Array(await response.arrayBuffer());
}

async function fetchBootFile(file: string): Promise<BootFile> {
  return { file, bytes: await fetchSiteFile(file) };
}

/** The software the configuration names, fetched. */
async function fetchSoftware(config: LabConfig): Promise<Pick<MachineOptions, 'image' | 'kernel' | 'modules'>> {
  const [image, kernel, modules] = await Promise.all([
    fetchSiteFile(config.image),
    config.kernel === undefined ? undefined : fetchBootFile(config.kernel),
    Promise.all(config.modules.map(async (spec) => ({ ...spec, ...(await fetchBootFile(spec.file)) }))),
  ]);
  return { image, kernel, modules };
}

/** Why the machine could not start, for the page: problems of the image name it, those of other files name theirs. */
function startFailure(error: unknown, config: LabConfig): string {
  const message = (error as Error).message;
  return error instanceof ImageError && error.file === undefined ? `${config.image}: ${message}` : message;
}

/** Loads what the address asks for, builds the machine and powers it on; a bad address or file shows why. */
export async function startLab(address: LabAddress): Promise<void> {
  if ('error' in address) {
    useLab.setState({ status: 'error', error: `the address asks for what the lab cannot do: ${address.error}` });
    return;
  }
  const { config } = address;
  useLab.setState({ status: 'loading', image: config.image, harts: config.harts, ramMiB: config.ramMiB, speed: config.speed });
  try {
    const created = createWorkerMachine({
      harts: config.harts, ramMiB: config.ramMiB, compile: config.compile, ...(await fetchSoftware(config)),
    });
    created.setSpeed(config.speed);
    machine = created;
    consoles = new LabConsoles(created, UART_COUNT, {
      inUse: (uart) => useConsoles.setState((s) => ({ inUse: withConsole(s.inUse, uart) })),
      owners: (owners) => useConsoles.setState({ owners }),
    });
    created.onStateChange((runState: RunState) => useLab.setState({ runState, stopReason: created.stopReason() }));
    startSampler(created);
    installTestHook(created);
    useLab.setState({ status: 'ready' });
    await created.powerOn();
  } catch (error) {
    useLab.setState({ status: 'error', error: startFailure(error, config) });
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

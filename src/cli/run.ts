/*
 * The runner: boots an image (with a kernel and boot modules, if given) on
 * a machine of the runtime (every hart in this thread), connects UART0 to
 * the host's stdin and stdout and the other UARTs to their serial ports,
 * and turns the way the guest stopped into an exit status.
 */
import { writeFileSync } from 'node:fs';
import {
  createThreadMachine, totalRetired, whenStopped, type BootFile, type BootModule, type ConsoleStream, type LabMachine,
  type StopReason,
} from '../runtime/index.ts';
import { closeSerialPorts, openSerialPorts, type SerialSpec } from './serial.ts';

export const EXIT_USAGE = 2;
export const EXIT_LIMIT = 124;

export interface RunOptions {
  harts?: number;
  ramMiB?: number;
  maxInstructions?: number;
  deterministic?: boolean;
  /** Whether hot code is compiled into blocks (default true; --no-compile). */
  compile?: boolean;
  raw?: boolean;
  /** A kernel for the SBI firmware in the image (--kernel). */
  kernel?: BootFile;
  /** Dom0's kernel and the DomUs for a hypervisor in the image (--module, --domain). */
  modules?: BootModule[];
  /** UARTs 1..7 on files and sockets (--serial). */
  serial?: SerialSpec[];
  /** Write the device tree the machine built to this file and stop, before running anything (--dump-dtb). */
  dumpDeviceTree?: string;
  /** Where UART0's bytes go (default: stdout). */
  write?: (bytes: Uint8Array) => void;
  /** Console input (default: stdin). */
  input?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };
  /** Told the machine when the run ends, and how long it ran (for benchmarks). */
  onStop?: (machine: LabMachine, seconds: number) => void;
}

const CTRL_A = 0x01;

/** Signals that end a run as a power-off, so that sockets and terminal modes are cleaned up. */
const STOP_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/**
 * Runs `bytes` (an ELF image, or raw with options.raw) and resolves to the
 * exit status. Throws ImageError or BootConfigError for software the
 * machine cannot load, SerialError for a serial port it cannot open.
 */
export async function runImage(bytes: Uint8Array, options: RunOptions): Promise<number> {
  const machine = createThreadMachine({
    harts: options.harts ?? 1,
    ramMiB: options.ramMiB ?? 128,
    image: bytes,
    imageFormat: options.raw ? 'raw' : 'elf',
    kernel: options.kernel,
    modules: options.modules,
    clock: options.deterministic ? 'deterministic' : 'real-time',
    maxInstructions: options.maxInstructions,
    compile: options.compile,
  });
  if (options.dumpDeviceTree !== undefined) return dumpDeviceTree(machine, options.dumpDeviceTree);
  const ports = await openSerialPorts(machine, options.serial ?? []);
  const write = options.write ?? ((chunk: Uint8Array) => process.stdout.write(chunk));
  const console0 = machine.console(0);
  console0.onOutput(write);
  const stdin = options.input ?? process.stdin;
  const detach = await attachInput(stdin, console0, options.deterministic ?? false, () => void machine.powerOff());
  let signal: keyof typeof STOP_SIGNALS | undefined;
  const onSignal = (name: keyof typeof STOP_SIGNALS) => {
    signal = name;
    void machine.powerOff();
  };
  for (const name of Object.keys(STOP_SIGNALS) as (keyof typeof STOP_SIGNALS)[]) process.on(name, onSignal);
  const started = performance.now();
  let reason: StopReason;
  try {
    await machine.powerOn();
    reason = await whenStopped(machine);
  } finally {
    for (const name of Object.keys(STOP_SIGNALS)) process.off(name, onSignal);
    detach();
    await closeSerialPorts(ports);
  }
  options.onStop?.(machine, (performance.now() - started) / 1000);
  return signal ? 128 + STOP_SIGNALS[signal] : exitStatus(reason, machine);
}

/** Writes the machine's device tree blob to `path` (like QEMU's -M virt,dumpdtb=PATH). */
function dumpDeviceTree(machine: LabMachine, path: string): number {
  try {
    writeFileSync(path, machine.deviceTree());
    return 0;
  } catch (error) {
    process.stderr.write(`hyperlab: --dump-dtb: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
}

function exitStatus(reason: StopReason, machine: LabMachine): number {
  switch (reason.kind) {
    case 'finisher':
      return reason.event.kind === 'fail' ? reason.event.code : 0;
    case 'tohost':
      return reason.value === 1 ? 0 : (reason.value >>> 1) || 1;
    case 'limit':
      process.stderr.write(`hyperlab: stopped after ${totalRetired(machine)} instructions (--max-instructions)\n`);
      return EXIT_LIMIT;
    case 'idle':
      process.stderr.write('hyperlab: every hart waits for an interrupt that nothing can raise; stopping\n');
      return EXIT_LIMIT;
    case 'power-off':
      return 0; // the user quit (Ctrl-A x)
  }
}

/**
 * Connects host input to the console. In deterministic mode piped input is
 * read completely before the machine starts, so when it arrives cannot
 * change what the guest sees. Returns a function that detaches.
 */
async function attachInput(stdin: RunOptions['input'] & {}, console0: ConsoleStream, deterministic: boolean,
  quit: () => void): Promise<() => void> {
  if (deterministic && !stdin.isTTY) {
    for await (const chunk of stdin) console0.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    console0.end();
    return () => {};
  }
  let sawCtrlA = false;
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (stdin.isTTY) {
      for (const byte of bytes) {
        if (sawCtrlA && (byte === 0x78 || byte === 0x58)) quit(); // Ctrl-A x
        sawCtrlA = byte === CTRL_A;
      }
    }
    console0.write(bytes);
  };
  const onEnd = () => console0.end();
  if (stdin.isTTY) stdin.setRawMode?.(true);
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    if (stdin.isTTY) stdin.setRawMode?.(false);
    stdin.pause();
  };
}

/*
 * The runner: boots an image on a machine of the runtime (every hart in
 * this thread), connects UART0 to the host's stdin and stdout, and turns
 * the way the guest stopped into an exit status.
 */
import {
  createThreadMachine, totalRetired, whenStopped, type ConsoleStream, type LabMachine, type StopReason,
} from '../runtime/index.ts';

export const EXIT_USAGE = 2;
export const EXIT_LIMIT = 124;

export interface RunOptions {
  harts?: number;
  ramMiB?: number;
  maxInstructions?: number;
  deterministic?: boolean;
  raw?: boolean;
  /** Where UART0's bytes go (default: stdout). */
  write?: (bytes: Uint8Array) => void;
  /** Console input (default: stdin). */
  input?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => void };
  /** Told the machine when the run ends, and how long it ran (for benchmarks). */
  onStop?: (machine: LabMachine, seconds: number) => void;
}

const CTRL_A = 0x01;

/** Runs `bytes` (an ELF image, or raw with options.raw) and resolves to the exit status. Throws ImageError. */
export async function runImage(bytes: Uint8Array, options: RunOptions): Promise<number> {
  const machine = createThreadMachine({
    harts: options.harts ?? 1,
    ramMiB: options.ramMiB ?? 128,
    image: bytes,
    imageFormat: options.raw ? 'raw' : 'elf',
    clock: options.deterministic ? 'deterministic' : 'real-time',
    maxInstructions: options.maxInstructions,
  });
  const write = options.write ?? ((chunk: Uint8Array) => process.stdout.write(chunk));
  const console0 = machine.console(0);
  console0.onOutput(write);
  const stdin = options.input ?? process.stdin;
  const detach = await attachInput(stdin, console0, options.deterministic ?? false, () => void machine.powerOff());
  const started = performance.now();
  let reason: StopReason;
  try {
    await machine.powerOn();
    reason = await whenStopped(machine);
  } finally {
    detach();
  }
  options.onStop?.(machine, (performance.now() - started) / 1000);
  return exitStatus(reason, machine);
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

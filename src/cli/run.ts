/*
 * The runner's main loop: steps the machine, moves console bytes between
 * UART0 and the host, sleeps while every hart waits for an interrupt, and
 * turns the way the guest stopped into an exit status.
 */
import { Machine, type StopReason } from '../machine/machine.ts';

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
  /** Told the machine's figures when the run ends (for benchmarks). */
  onStop?: (machine: Machine, seconds: number) => void;
}

/** Instructions per hart per scheduling round. Small rounds interleave harts finely. */
const QUANTUM_DETERMINISTIC = 1000;
const QUANTUM_REAL_TIME = 20_000;
/** How long the loop runs before giving the host's event loop a turn, in ms. */
const SLICE_MS = 20;
/** Longest sleep while every hart waits, so input and exits are noticed, in ms. */
const MAX_SLEEP_MS = 50;
const CTRL_A = 0x01;

/** Bytes typed on the host, held until the guest's UART has room for them. */
class InputQueue {
  private bytes: number[] = [];
  private head = 0;
  ended = false;
  push(chunk: Uint8Array): void {
    for (const byte of chunk) this.bytes.push(byte);
  }
  get length(): number {
    return this.bytes.length - this.head;
  }
  shift(): number {
    const byte = this.bytes[this.head++];
    if (this.head > 4096 && this.head * 2 > this.bytes.length) {
      this.bytes = this.bytes.slice(this.head);
      this.head = 0;
    }
    return byte;
  }
}

/** Runs `bytes` (an ELF image, or raw with options.raw) and resolves to the exit status. */
export async function runImage(bytes: Uint8Array, options: RunOptions): Promise<number> {
  const output: number[] = [];
  const write = options.write ?? ((chunk: Uint8Array) => process.stdout.write(chunk));
  const flush = () => {
    if (output.length === 0) return;
    write(Uint8Array.from(output));
    output.length = 0;
  };
  const machine = new Machine({
    harts: options.harts ?? 1,
    ramSize: (options.ramMiB ?? 128) * 1024 * 1024,
    deterministic: options.deterministic,
    output: (uart, byte) => { if (uart === 0) output.push(byte); },
  });
  machine.load(bytes, options.raw ? 'raw' : 'elf');

  const input = new InputQueue();
  const stdin = options.input ?? process.stdin;
  let quitRequested = false;
  const detach = await attachInput(stdin, input, options.deterministic ?? false, () => { quitRequested = true; });
  const quantum = options.deterministic ? QUANTUM_DETERMINISTIC : QUANTUM_REAL_TIME;
  const limit = options.maxInstructions ?? Infinity;
  const uart = machine.board.uart(0);
  const started = performance.now();
  let reason: StopReason | undefined;
  try {
    while (!reason) {
      const sliceEnd = performance.now() + SLICE_MS;
      do {
        while (input.length > 0 && uart.rxSpace() > 0) uart.receive(input.shift());
        const remaining = limit - machine.instructions;
        machine.runRound(Math.max(1, Math.min(quantum, Math.ceil(remaining / machine.harts.length))));
        reason = machine.stopReason ?? (machine.instructions >= limit ? { kind: 'limit' } : undefined);
      } while (!reason && !machine.allWaiting() && performance.now() < sliceEnd);
      flush();
      if (reason) break;
      if (quitRequested) return 0;
      if (machine.allWaiting() && !(input.length > 0 && uart.rxSpace() > 0)) {
        const timerArmed = Number.isFinite(machine.nextTimerDeadline());
        if (!timerArmed && input.ended && input.length === 0) reason = { kind: 'idle' };
        else if (options.deterministic && timerArmed) machine.skipToNextDeadline();
        else await sleep(options.deterministic ? MAX_SLEEP_MS : sleepMs(machine));
      } else {
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    flush();
    detach();
  }
  options.onStop?.(machine, (performance.now() - started) / 1000);
  return exitStatus(reason, machine);
}

function sleepMs(machine: Machine): number {
  const ticks = machine.nextTimerDeadline() - machine.mtime();
  return Math.max(0, Math.min(MAX_SLEEP_MS, ticks / 10_000));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exitStatus(reason: StopReason, machine: Machine): number {
  switch (reason.kind) {
    case 'finisher':
      return reason.event.kind === 'fail' ? reason.event.code : 0;
    case 'tohost':
      return reason.value === 1 ? 0 : (reason.value >>> 1) || 1;
    case 'limit':
      process.stderr.write(`hyperlab: stopped after ${machine.instructions} instructions (--max-instructions)\n`);
      return EXIT_LIMIT;
    case 'idle':
      process.stderr.write('hyperlab: every hart waits for an interrupt that nothing can raise; stopping\n');
      return EXIT_LIMIT;
  }
}

/**
 * Connects host input to the queue. In deterministic mode piped input is
 * read completely before the machine starts, so when it arrives cannot
 * change what the guest sees. Returns a function that detaches.
 */
async function attachInput(stdin: RunOptions['input'] & {}, queue: InputQueue, deterministic: boolean,
  quit: () => void): Promise<() => void> {
  if (deterministic && !stdin.isTTY) {
    for await (const chunk of stdin) queue.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    queue.ended = true;
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
    queue.push(bytes);
  };
  const onEnd = () => { queue.ended = true; };
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

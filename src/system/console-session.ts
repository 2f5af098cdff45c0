/*
 * Boot-and-drive, expect-style: boots the HyperLab stack on a machine (the
 * headless runner, or QEMU as the reference), types commands at the shell's
 * prompt and records what comes back on the console.
 *
 * Two ways of typing, one transcript:
 *  - interactive (QEMU, or HyperLab in real time): wait for the prompt, type
 *    a line, wait for its output and the next prompt;
 *  - scripted (HyperLab with --deterministic): the runner reads piped input
 *    whole before it starts, so every line goes in at once and the guest
 *    takes it as it reads. The shell reads a byte at a time and echoes what
 *    it reads, so the console shows the same bytes either way.
 * Either way the transcript splits at the prompts into one part per line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROMPT = '$ ';
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The images: the committed ones, or HYPERLAB_FIRMWARE (a `make OUT=...` of work in progress). */
export const FIRMWARE = process.env.HYPERLAB_FIRMWARE || `${ROOT}public/firmware`;

/** How to start a machine that boots to the shell on its console. */
export interface Target {
  name: string;
  command: string;
  args: string[];
  /** Typed all at once before the machine starts (the runner's deterministic mode). */
  scripted: boolean;
}

export function hyperlab(harts: number, options: { deterministic?: boolean; maxInstructions?: number } = {}): Target {
  const deterministic = options.deterministic ?? true;
  const args = [`${ROOT}bin/hyperlab.mjs`, 'run', `${FIRMWARE}/hyperlab.elf`, '--harts', String(harts)];
  if (deterministic) args.push('--deterministic');
  if (options.maxInstructions) args.push('--max-instructions', String(options.maxInstructions));
  return { name: `HyperLab, ${harts} hart${harts > 1 ? 's' : ''}`, command: process.execPath, args, scripted: deterministic };
}

/**
 * QEMU's virt board with our SBI firmware and kernel. The console is plain
 * `-serial stdio` rather than -nographic, whose monitor multiplexer would
 * swallow Ctrl-A (a line-editing key).
 */
export function qemu(harts: number): Target {
  return {
    name: `QEMU, ${harts} hart${harts > 1 ? 's' : ''}`,
    command: 'qemu-system-riscv32',
    args: ['-M', 'virt', '-smp', String(harts), '-m', '128M', '-bios', `${FIRMWARE}/sbi.elf`,
      '-kernel', `${FIRMWARE}/kernel.elf`, '-display', 'none', '-serial', 'stdio', '-monitor', 'none'],
    scripted: false,
  };
}

/** One line typed at the prompt. */
export interface Step {
  /** The keys, ending with Enter ('\r'). */
  keys: string;
  /** The machine stops after this line (halt): wait for it to exit instead of a prompt. */
  exits?: boolean;
  /** The machine restarts (reboot): wait for the prompt of the new boot, then stop. */
  reboots?: boolean;
}

export interface Transcript {
  target: string;
  /** Everything the console printed, as sent (with '\r'). */
  raw: string;
  /** What the console printed before the first prompt. */
  boot: string;
  /**
   * Per step: what followed the prompt it was typed at (its echo, then its
   * output); a step with Ctrl-C spans the prompts it made.
   */
  parts: string[];
  /** The machine's exit status, or null when it was stopped. */
  status: number | null;
  seconds: number;
}

class TimeoutError extends Error {}

/** A running machine's console. */
class Console {
  readonly child: ChildProcess;
  output = '';
  exited: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(target: Target) {
    this.child = spawn(target.command, target.args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
    const onData = (chunk: Buffer) => {
      this.output += chunk.toString('latin1');
      for (const wake of this.waiters) wake();
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('exit', (code) => {
        for (const wake of this.waiters) wake();
        resolve(code);
      });
    });
  }

  stderr = '';

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `done()` holds, re-checked on each output; fails after `ms`. */
  async until(done: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (!this.running) throw new Error(`the machine stopped while waiting for ${what}\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new TimeoutError(`timed out after ${ms} ms waiting for ${what}\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
      this.waiters = [];
    }
  }

  type(keys: string): void {
    this.child.stdin!.write(Buffer.from(keys, 'latin1'));
  }

  tail(): string {
    return `--- console (last 2000 bytes) ---\n${this.output.slice(-2000)}\n--- stderr ---\n${this.stderr.slice(-2000)}`;
  }

  async stop(): Promise<number | null> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/** The prompts the console has printed so far: prompts at the start of a line or after a screen clear. */
export function countPrompts(text: string): number {
  return splitAtPrompts(text).length - 1;
}

const PROMPT_AT = /(?<=\n|\x1b\[2J)\$ /g;

/** Splits a transcript at its prompts: [before the first prompt, after it, after the second, ...]. */
export function splitAtPrompts(text: string): string[] {
  return text.split(PROMPT_AT);
}

/** Prompts a line makes the shell print: one for its own end, one more per Ctrl-C. */
function promptsFor(step: Step): number {
  return 1 + [...step.keys].filter((key) => key === '\x03').length;
}

/**
 * Boots `target`, types `steps` at the prompt and returns the transcript.
 * The last step should end the session (halt, or reboot); otherwise the
 * machine is stopped once the last prompt appears. `timeoutMs` bounds each
 * wait (interactive) or the whole run (scripted).
 */
export async function drive(target: Target, steps: Step[], timeoutMs = 60_000): Promise<Transcript> {
  const started = performance.now();
  const machine = new Console(target);
  try {
    await typeSteps(machine, target, steps, timeoutMs);
  } catch (error) {
    await machine.stop();
    throw error;
  }
  if (machine.running) await machine.stop();
  const status = await machine.exited;
  const [boot, ...prompts] = splitAtPrompts(machine.output);
  const parts = steps.map((step) => prompts.splice(0, promptsFor(step)).join(PROMPT));
  return { target: target.name, raw: machine.output, boot, parts, status, seconds: (performance.now() - started) / 1000 };
}

async function typeSteps(machine: Console, target: Target, steps: Step[], timeoutMs: number): Promise<void> {
  if (target.scripted) {
    machine.type(steps.map((step) => step.keys).join(''));
    machine.child.stdin!.end();
  } else {
    await machine.until(() => countPrompts(machine.output) >= 1, timeoutMs, 'the first prompt');
  }
  let prompts = 1;
  for (const step of steps) {
    const what = JSON.stringify(step.keys);
    if (!target.scripted) machine.type(step.keys);
    if (step.exits) {
      await machine.until(() => !machine.running, timeoutMs, `the machine to stop after ${what}`);
      return;
    }
    prompts += promptsFor(step);
    const expected = prompts;
    const boots = countBoots(machine.output);
    await machine.until(() => countPrompts(machine.output) >= expected &&
      (!step.reboots || countBoots(machine.output) > boots), timeoutMs, `the prompt after ${what}`);
    if (step.reboots) return;
  }
}

/** Boots seen on a console: each prints the shell's welcome line once. */
export function countBoots(text: string): number {
  return text.split('Welcome to HyperLab').length - 1;
}

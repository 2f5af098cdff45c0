/*
 * `npm run bench:boot`: how long the HyperLab stack (SBI firmware, kernel,
 * shell) takes from power-on to the shell's first prompt.
 *
 * On HyperLab (one hart, in this Node process): the instructions retired
 * until the prompt, and the wall time, for a cold boot (the interpreter
 * still compiling itself) and a warm one (the same machine reset); then the
 * wall time of `hyperlab run` from process start to the prompt. On QEMU
 * (qemu-system-riscv32, one hart): the wall time from starting the process
 * to the prompt, QEMU's own start-up included.
 *
 * Target (issue 4): the prompt within 1 s on one hart in Node.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Machine } from '../machine/machine.ts';
import { FIRMWARE, countPrompts, hyperlab, qemu, type Target } from '../system/console-session.ts';

/** Instructions per round of the loop: small, so the count at the prompt is close. */
const QUANTUM = 2_000;
/** Give up on a boot after this much wall time, in ms. */
const TIMEOUT_MS = 60_000;

interface BootFigures {
  instructions: number;
  seconds: number;
  /** Of those seconds, the time every hart slept in WFI (waiting for a timer). */
  idleSeconds: number;
}

/** Runs `machine` from reset until the console shows the prompt. */
function bootToPrompt(machine: Machine, console: { text: string }): BootFigures {
  const started = performance.now();
  const instructionsBefore = machine.instructions;
  machine.reset();
  console.text = '';
  let idle = 0;
  while (countPrompts(console.text) === 0) {
    if (machine.allWaiting()) {
      const asleep = performance.now();
      while (machine.allWaiting() && machine.mtime() < machine.nextTimerDeadline()) { /* the clock runs on */ }
      idle += performance.now() - asleep;
    }
    machine.runRound(QUANTUM);
    if (machine.stopReason) throw new Error(`the machine stopped before the prompt: ${JSON.stringify(machine.stopReason)}\n${console.text}`);
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`no prompt after ${TIMEOUT_MS} ms:\n${console.text}`);
  }
  return {
    instructions: machine.instructions - instructionsBefore,
    seconds: (performance.now() - started) / 1000,
    idleSeconds: idle / 1000,
  };
}

/** Wall time from starting `target`'s process to its prompt, or undefined when its command is missing. */
async function processToPrompt(target: Target): Promise<number | undefined> {
  const started = performance.now();
  const child = spawn(target.command, target.args, { stdio: ['pipe', 'pipe', 'ignore'] });
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${target.name}: no prompt after ${TIMEOUT_MS} ms:\n${text}`));
    }, TIMEOUT_MS);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') resolve(undefined); else reject(error);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (countPrompts(text) === 0) return;
      const seconds = (performance.now() - started) / 1000;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(seconds);
    });
  });
}

export async function benchmarkBoot(args: string[]): Promise<number> {
  const image = args[0] ?? `${FIRMWARE}/hyperlab.elf`;
  const console = { text: '' };
  const powerOn = performance.now();
  const machine = new Machine({
    harts: 1,
    output: (uart, byte) => { if (uart === 0) console.text += String.fromCharCode(byte); },
  });
  machine.load({ image: readFileSync(image) });
  const setUp = (performance.now() - powerOn) / 1000;
  const cold = bootToPrompt(machine, console);
  const warm = bootToPrompt(machine, console);
  const busy = (figures: BootFigures) =>
    `${(figures.seconds - figures.idleSeconds).toFixed(3)} s executing at ` +
    `${(figures.instructions / (figures.seconds - figures.idleSeconds) / 1e6).toFixed(1)} MIPS, ` +
    `${figures.idleSeconds.toFixed(3)} s with every hart in WFI`;
  process.stdout.write(console.text.replace(/\r/g, '') + '\n\n');
  process.stdout.write(`Boot to the shell prompt, one hart (target: within 1 s in Node):\n`);
  process.stdout.write(`  HyperLab instructions:  ${cold.instructions.toLocaleString('en')} (±${QUANTUM})\n`);
  process.stdout.write(`  HyperLab, cold:         ${cold.seconds.toFixed(3)} s (${busy(cold)}), Node ${process.version}\n`);
  process.stdout.write(`                          plus ${setUp.toFixed(3)} s to build the machine and load the image\n`);
  process.stdout.write(`  HyperLab, warm:         ${warm.seconds.toFixed(3)} s (${busy(warm)}; after a reset)\n`);
  const runner = await processToPrompt(hyperlab(1, { deterministic: false }));
  process.stdout.write(`  hyperlab run:           ${runner!.toFixed(3)} s (process start to prompt: Node, the TypeScript loader, the boot)\n`);
  const qemuSeconds = await processToPrompt(qemu(1));
  if (qemuSeconds === undefined) {
    process.stdout.write('  QEMU:                   qemu-system-riscv32 not found (apt-get install -y qemu-system-misc)\n');
  } else {
    process.stdout.write(`  QEMU 7.2 (TCG):         ${qemuSeconds.toFixed(3)} s (process start to prompt)\n`);
  }
  return 0;
}

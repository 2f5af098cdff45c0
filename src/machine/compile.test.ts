/*
 * The block compiler is exact: deterministic programs run with it and
 * without it (compile: false, the runner's --no-compile) must print the same
 * bytes on every UART, stop the same way, and leave every hart with the same
 * counters (instructions by mode and VMID, traps by cause and target, VM
 * exits), pc and registers. The programs: every self-checking program, the
 * HyperLab kernel booted with a scripted shell session (system calls, page
 * faults, killed programs, the in-kernel benchmark), and the hypervisor
 * with Dom0 and guest domains. Unit tests of the compiler's own rules follow.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createThreadMachine, whenStopped, type BootModule, type ThreadMachine } from '../runtime/index.ts';
import { MAX_BLOCK_LENGTH } from './compile.ts';
import { add, addi, bne, sw } from './testing/encode.ts';
import { runProgram } from './testing/program.ts';

const FIRMWARE = fileURLToPath(new URL('../../public/firmware', import.meta.url));
const firmware = (name: string) => new Uint8Array(readFileSync(join(FIRMWARE, name)));

interface Run {
  /** Blocks the harts compiled (none without the compiler). */
  blocks: number;
  uarts: string[];
  stop: string;
  harts: { counters: number[]; status: number[]; pc: number; x: number[] }[];
}

interface Setup {
  harts: number;
  image: Uint8Array;
  kernel?: { file: string; bytes: Uint8Array };
  modules?: BootModule[];
  input?: string;
  maxInstructions: number;
}

/** Runs `setup` on the deterministic thread machine, with or without the compiler, and records what it did. */
async function runOnce(setup: Setup, compile: boolean): Promise<Run> {
  const machine: ThreadMachine = createThreadMachine({
    harts: setup.harts, image: setup.image, kernel: setup.kernel, modules: setup.modules,
    clock: 'deterministic', maxInstructions: setup.maxInstructions, compile,
  });
  const uarts: string[] = [];
  for (let uart = 0; uart < 8; uart++) {
    uarts.push('');
    machine.console(uart).onOutput((bytes) => { uarts[uart] += Buffer.from(bytes).toString('latin1'); });
  }
  if (setup.input) machine.console(0).write(new TextEncoder().encode(setup.input));
  const stopped = whenStopped(machine);
  await machine.powerOn();
  const stop = JSON.stringify(await stopped);
  const harts = machine.machine.harts.map((hart) => ({
    counters: Array.from(hart.counters), status: Array.from(hart.status), pc: hart.pc, x: Array.from(hart.x.subarray(0, 32)),
  }));
  const blocks = machine.machine.harts.reduce((sum, hart) => sum + hart.blocksCompiled, 0);
  machine.dispose();
  return { blocks, uarts, stop, harts };
}

/** Runs `setup` both ways; they must agree in everything. Returns the compiled run. */
async function runBothWays(setup: Setup): Promise<Run> {
  const compiled = await runOnce(setup, true);
  const interpreted = await runOnce(setup, false);
  expect(compiled.uarts).toEqual(interpreted.uarts);
  expect(compiled.stop).toBe(interpreted.stop);
  expect(compiled.harts).toEqual(interpreted.harts);
  expect(interpreted.blocks).toBe(0);
  return compiled;
}

/** Harts a self-checking program wants (its source's `hyperlab-test: harts=N`). */
function hartsOf(name: string): number {
  for (const ext of ['.S', '.c']) {
    try {
      const source = readFileSync(fileURLToPath(new URL(`../../firmware/tests/${name}${ext}`, import.meta.url)), 'utf8');
      return Number(/hyperlab-test:.*\bharts=(\d+)/.exec(source)?.[1] ?? 1);
    } catch {
      // try the next extension
    }
  }
  return 1;
}

describe('the block compiler against the interpreter', () => {
  const programs = readdirSync(join(FIRMWARE, 'tests')).filter((file) => file.endsWith('.elf')).sort();

  for (const file of programs) {
    const name = file.slice(0, -'.elf'.length);
    it(`${name} runs the same`, async () => {
      const run = await runBothWays({ harts: hartsOf(name), image: firmware(`tests/${file}`), maxInstructions: 200_000_000 });
      expect(run.uarts[0].endsWith('PASS\n'), run.uarts[0]).toBe(true);
    }, 120_000);
  }

  it('the benchmark runs the same (its first 60 million instructions)', async () => {
    const run = await runBothWays({ harts: 1, image: firmware('bench-vsvu.elf'), maxInstructions: 60_000_000 });
    expect(run.stop).toContain('limit');
    expect(run.uarts[0]).toMatch(/^bench: /);
    expect(run.blocks).toBeGreaterThan(10);
  }, 120_000);

  it('the kernel and a scripted shell session run the same', async () => {
    const lines = ['help', 'ls', 'cat README', 'echo one; echo two', 'ps', 'sleep 0.1', 'crash null', 'crash illegal',
      'crash stack', 'hexdump sh 0 32', 'bench', 'uptime', 'halt'];
    const run = await runBothWays({
      harts: 2, image: firmware('hyperlab.elf'), input: lines.map((line) => line + '\r').join(''),
      maxInstructions: 2_000_000_000,
    });
    expect(run.uarts[0]).toMatch(/killed: load page fault/);
    expect(run.uarts[0]).toMatch(/page faults/);
    expect(run.uarts[0]).toMatch(/halt: powering off/);
    expect(run.blocks).toBeGreaterThan(100);
  }, 300_000);

  it('the hypervisor with Dom0 and two DomUs runs the same', async () => {
    const module = (file: string, name?: string): BootModule => ({
      file, bytes: firmware(file), ...(name ? { domain: { name } } : {}),
    });
    const run = await runBothWays({
      harts: 2, image: firmware('hypervisor.elf'),
      modules: [module('kernel.elf'), module('guests/cpubench.elf', 'cpubench'), module('guests/hcall.elf', 'hcall')],
      input: 'uname -a\rps\r',
      maxInstructions: 300_000_000,
    });
    expect(run.uarts[0]).toMatch(/d1 \(cpubench\)/);
    expect(run.uarts[0]).toMatch(/^HyperLab hyperlab \S+ native riscv32$/m);
    expect(run.blocks).toBeGreaterThan(100);
  }, 300_000);
});

describe('compiled blocks', () => {
  it('are exact inside a loop that outlasts many batches', () => {
    // x6 += x5 while x5 counts down to 0
    const program = [add(6, 6, 5), addi(5, 5, -1), bne(5, 0, -8)];
    const runs = [true, false].map((compile) => runProgram(program, (hart) => { hart.x[5] = 100_000; }, 1000, 4096,
      { compile }).hart);
    for (const hart of runs) {
      expect(hart.x[6]).toBe(((100_000 * 100_001) / 2) | 0);
      expect(hart.x[5]).toBe(0);
    }
    expect(runs[0].blocksCompiled).toBeGreaterThan(0);
    expect(Array.from(runs[0].counters)).toEqual(Array.from(runs[1].counters));
  });

  it('are dropped when the code they hold is overwritten', () => {
    // A loop adds 1 to x9 until, with M passes to go, it overwrites its own first instruction to add 2.
    const program = [
      addi(9, 9, 1), // 0: patched to addi x9, x9, 2
      addi(5, 5, -1), // 4
      bne(5, 6, 8), // 8: to 16
      sw(7, 8, 0), // 12: the patch
      bne(5, 0, -16), // 16: to 0
    ];
    const passes = 50_000;
    const late = 1_000;
    const runs = [true, false].map((compile) => runProgram(program, (hart, bus) => {
      hart.x[5] = passes;
      hart.x[6] = late;
      hart.x[7] = addi(9, 9, 2);
      hart.x[8] = bus.ramBase;
    }, 1000, 4096, { compile }).hart);
    for (const hart of runs) expect(hart.x[9]).toBe(passes + late);
    expect(runs[0].blockDrops).toBeGreaterThan(0);
    expect(Array.from(runs[0].counters)).toEqual(Array.from(runs[1].counters));
  });

  it('hold at most MAX_BLOCK_LENGTH instructions', () => {
    expect(MAX_BLOCK_LENGTH).toBeGreaterThanOrEqual(16);
  });
});

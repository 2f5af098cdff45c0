/*
 * `npm run bench`: runs the CPU benchmark (integer kernels that check their
 * own results) on one hart in Node, three ways, and prints the MIPS of each:
 *
 *   M-mode  public/firmware/bench.elf: the kernels in M-mode, no translation
 *   S/U     public/firmware/bench-su.elf: the kernels in U-mode under Sv32
 *   VS/VU   public/firmware/bench-vsvu.elf: the kernels in VU-mode under
 *           two-stage translation (Sv32, then Sv32x4), set up by a tiny
 *           HS-mode harness
 *
 * each with the block compiler (compile.ts) and with the interpreter only
 * (--no-compile), side by side: the two must print the same and retire the
 * same number of instructions. Then VS/VU's speed as a share of S/U's (the
 * H extension's target: 80% or more), the compiler's speed-up (target 2x),
 * and each image's time under qemu-system-riscv32 for comparison.
 *
 *   npm run bench [-- --runs N] [-- IMAGE]
 *
 * --runs N keeps the fastest of N runs of each image and mode (the host is
 * often busy); IMAGE runs that one image only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { totalRetired } from '../runtime/index.ts';
import { runImage } from './run.ts';

interface BenchImage {
  label: string;
  file: string;
  /** Extra QEMU arguments the image needs. */
  qemuArgs: string[];
}

const firmware = (name: string) => fileURLToPath(new URL(`../../public/firmware/${name}`, import.meta.url));

const IMAGES: BenchImage[] = [
  { label: 'M-mode', file: firmware('bench.elf'), qemuArgs: [] },
  { label: 'S/U', file: firmware('bench-su.elf'), qemuArgs: ['-cpu', 'rv32,h=true'] },
  { label: 'VS/VU', file: firmware('bench-vsvu.elf'), qemuArgs: ['-cpu', 'rv32,h=true'] },
];

/** The H extension's goal: VS/VU at this share of the S/U speed, or more. */
const VIRTUAL_SPEED_TARGET = 0.8;
/** The block compiler's goal: this many times the interpreter's MIPS, or more. */
const COMPILER_SPEED_TARGET = 2;

interface Measurement {
  instructions: number;
  seconds: number;
  output: string;
  status: number;
}

export async function benchmark(args: string[]): Promise<number> {
  let runs = 1;
  const runsAt = args.indexOf('--runs');
  if (runsAt >= 0) {
    runs = Number(args[runsAt + 1]);
    args = [...args.slice(0, runsAt), ...args.slice(runsAt + 2)];
    if (!Number.isInteger(runs) || runs < 1) {
      console.error('bench: --runs takes a positive whole number');
      return 2;
    }
  }
  const images = args[0] ? [{ label: args[0], file: args[0], qemuArgs: ['-cpu', 'rv32,h=true'] }] : IMAGES;

  const mips = new Map<string, number>();
  let failed = false;
  let reference: string | undefined;
  const speedUps: number[] = [];
  for (const image of images) {
    const best = await measureBest(image.file, runs, true);
    const interpreted = await measureBest(image.file, runs, false);
    const broken = [best, interpreted].find((result) => result.status !== 0);
    if (broken) {
      process.stdout.write(broken.output);
      console.error(`bench: ${image.label} failed on HyperLab (exit status ${broken.status})`);
      failed = true;
      continue;
    }
    if (reference === undefined) {
      reference = best.output;
      process.stdout.write(best.output);
    } else if (checksum(best.output) !== checksum(reference)) {
      console.log(`warning: ${image.label} printed a different checksum than the first run`);
    }
    if (best.output !== interpreted.output || best.instructions !== interpreted.instructions) {
      console.error(`bench: ${image.label} printed or retired differently with the compiler ` +
        `(${best.instructions} instructions) and without (${interpreted.instructions})`);
      failed = true;
    }
    const rate = best.instructions / best.seconds / 1e6;
    const interpretedRate = interpreted.instructions / interpreted.seconds / 1e6;
    mips.set(image.label, rate);
    speedUps.push(rate / interpretedRate);
    console.log(`${image.label}: ${best.instructions} instructions in ${best.seconds.toFixed(2)} s = ${rate.toFixed(1)} MIPS` +
      ` compiled, ${interpretedRate.toFixed(1)} MIPS interpreted (${interpreted.seconds.toFixed(2)} s): ` +
      `${(rate / interpretedRate).toFixed(2)}x (one hart, Node ${process.version}${runs > 1 ? `, fastest of ${runs}` : ''})`);
    reportQemu(image, best);
  }
  if (speedUps.length > 0) {
    const least = Math.min(...speedUps);
    console.log(`block compiler: ${least.toFixed(2)}x the interpreter's MIPS at least ` +
      `(target: ${COMPILER_SPEED_TARGET}x or more: ${least >= COMPILER_SPEED_TARGET ? 'met' : 'NOT met'})`);
  }

  const user = mips.get('S/U');
  const guest = mips.get('VS/VU');
  if (user !== undefined && guest !== undefined) {
    const share = guest / user;
    console.log(`VS/VU runs at ${(100 * share).toFixed(1)}% of the S/U speed (target: ${100 * VIRTUAL_SPEED_TARGET}% or more: ` +
      `${share >= VIRTUAL_SPEED_TARGET ? 'met' : 'NOT met'})`);
  }
  return failed ? 1 : 0;
}

/** Runs `file` `runs` times on HyperLab; returns the fastest run, or the first failed one. */
async function measureBest(file: string, runs: number, compile: boolean): Promise<Measurement> {
  const bytes = readFileSync(file);
  let best: Measurement | undefined;
  for (let run = 0; run < runs; run++) {
    const result = await measure(bytes, compile);
    if (result.status !== 0) return result;
    if (best === undefined || result.seconds < best.seconds) best = result;
  }
  return best!;
}

async function measure(bytes: Uint8Array, compile: boolean): Promise<Measurement> {
  const result: Measurement = { instructions: 0, seconds: 0, output: '', status: 0 };
  result.status = await runImage(bytes, {
    harts: 1,
    compile,
    input: emptyInput(),
    write: (chunk) => { result.output += Buffer.from(chunk).toString('latin1'); },
    onStop: (machine, elapsed) => { result.instructions = totalRetired(machine); result.seconds = elapsed; },
  });
  return result;
}

/** Prints the image's time under QEMU and HyperLab's time as a multiple of it. */
function reportQemu(image: BenchImage, hyperlab: Measurement): void {
  const qemu = timeQemu(image, hyperlab.output);
  if (qemu === undefined) {
    console.log('  QEMU: qemu-system-riscv32 not found (apt-get install -y qemu-system-misc); no ratio');
  } else {
    console.log(`  QEMU 7.2 (TCG): ${qemu.toFixed(2)} s; HyperLab takes ${(hyperlab.seconds / qemu).toFixed(2)}x QEMU's time`);
  }
}

/** Runs the image under QEMU and returns its wall time in seconds, or undefined without QEMU. */
function timeQemu(image: BenchImage, expectedOutput: string): number | undefined {
  const started = performance.now();
  const result = spawnSync('qemu-system-riscv32',
    ['-M', 'virt', '-bios', 'none', '-nographic', '-kernel', image.file, ...image.qemuArgs],
    { encoding: 'latin1', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const elapsed = (performance.now() - started) / 1000;
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  if (result.status !== 0) throw new Error(`bench: QEMU run of ${image.label} failed (status ${result.status}): ${result.stderr}`);
  if (checksum(result.stdout.replace(/\r/g, '')) !== checksum(expectedOutput)) {
    console.log(`  warning: QEMU printed a different checksum than HyperLab for ${image.label}`);
  }
  return elapsed;
}

/** The lines of the benchmark's output that must not depend on the machine or the mode. */
function checksum(text: string): string {
  return text.split('\n').filter((line) => line.includes('checksum')).join('\n');
}

function emptyInput(): NodeJS.ReadableStream {
  return Readable.from([]);
}

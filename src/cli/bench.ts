/*
 * `npm run bench`: runs public/firmware/bench.elf (integer kernels that
 * check their own results) on one hart in Node and prints the MIPS, then
 * runs the same image under qemu-system-riscv32 and prints the time ratio.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { totalRetired } from '../runtime/index.ts';
import { runImage } from './run.ts';

const DEFAULT_IMAGE = fileURLToPath(new URL('../../public/firmware/bench.elf', import.meta.url));

export async function benchmark(args: string[]): Promise<number> {
  const image = args[0] ?? DEFAULT_IMAGE;
  const bytes = readFileSync(image);
  let instructions = 0;
  let seconds = 0;
  let guestOutput = '';
  const status = await runImage(bytes, {
    harts: 1,
    input: emptyInput(),
    write: (chunk) => { guestOutput += Buffer.from(chunk).toString('latin1'); },
    onStop: (machine, elapsed) => { instructions = totalRetired(machine); seconds = elapsed; },
  });
  process.stdout.write(guestOutput);
  if (status !== 0) {
    console.error(`bench: the benchmark program failed on HyperLab (exit status ${status})`);
    return 1;
  }
  const mips = instructions / seconds / 1e6;
  console.log(`HyperLab: ${instructions} instructions in ${seconds.toFixed(2)} s = ${mips.toFixed(1)} MIPS (one hart, Node ${process.version})`);
  const qemu = timeQemu(image, guestOutput);
  if (qemu === undefined) {
    console.log('QEMU: qemu-system-riscv32 not found (apt-get install -y qemu-system-misc); no ratio');
  } else {
    console.log(`QEMU 7.2 (TCG): ${qemu.toFixed(2)} s; HyperLab takes ${(seconds / qemu).toFixed(2)}x QEMU's time`);
  }
  return 0;
}

/** Runs the image under QEMU and returns its wall time in seconds, or undefined without QEMU. */
function timeQemu(image: string, expectedOutput: string): number | undefined {
  const started = performance.now();
  const result = spawnSync('qemu-system-riscv32', ['-M', 'virt', '-bios', 'none', '-nographic', '-kernel', image],
    { encoding: 'latin1', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const elapsed = (performance.now() - started) / 1000;
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  if (result.status !== 0) throw new Error(`bench: QEMU run failed (status ${result.status}): ${result.stderr}`);
  const checksum = (text: string) => text.split('\n').filter((line) => line.includes('checksum')).join('\n');
  if (checksum(result.stdout.replace(/\r/g, '')) !== checksum(expectedOutput)) {
    console.log('warning: QEMU printed a different checksum than HyperLab');
  }
  return elapsed;
}

function emptyInput(): NodeJS.ReadableStream {
  return Readable.from([]);
}

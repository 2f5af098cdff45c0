/*
 * Differential conformance tests: the self-checking programs under
 * firmware/tests (built into public/firmware/tests) and the hello program run
 * on HyperLab and on qemu-system-riscv32 -M virt, the reference machine. Each
 * must pass on HyperLab, and HyperLab's UART0 output and exit status must be
 * exactly QEMU's, with the block compiler and without it (--no-compile).
 *
 * A program states how it runs in a line of its source comment:
 *
 *     hyperlab-test: harts=2 qemu="-icount shift=0"
 *
 *   harts=N      number of harts on both machines (default 1)
 *   qemu="ARGS"  extra QEMU arguments, split at spaces (for instance an exact
 *                instruction count for programs that read instret)
 *   hyperlab-line="TEXT" qemu-line="TEXT"
 *                (together) a line where the machines differ on purpose (an
 *                extension one has and the other lacks): each must print its
 *                own line, and the outputs are compared with it masked
 *
 * Also checked here: the committed images in public/firmware are what the
 * sources build to, and the build does not depend on where the tree is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toolAvailable } from './testing/tools.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIRMWARE_SOURCES = join(ROOT, 'firmware');
const IMAGES = join(ROOT, 'public', 'firmware');
const CLI = join(ROOT, 'bin', 'hyperlab.mjs');

/** Instruction budget for HyperLab: far above what any program needs. */
const MAX_INSTRUCTIONS = 200_000_000;
const HYPERLAB_TIMEOUT_MS = 100_000;
const QEMU_TIMEOUT_MS = 30_000;
const BUILD_TIMEOUT_MS = 300_000;

/** The line each machine prints where they differ on purpose. */
interface MachineLines {
  hyperlab: string;
  qemu: string;
}

interface TestHeader {
  harts: number;
  qemuArgs: string[];
  machineLines?: MachineLines;
}

/** Reads the `hyperlab-test:` line of a program's source (defaults without one). */
function parseTestHeader(source: string): TestHeader {
  const header: TestHeader = { harts: 1, qemuArgs: [] };
  const line = /hyperlab-test:(.*)/.exec(source);
  if (!line) return header;
  const fields = line[1].replace(/\*\/.*$/, '').trim();
  const field = /([\w-]+)=("[^"]*"|\S+)\s*/y;
  const lines: Partial<MachineLines> = {};
  let at = 0;
  while (at < fields.length) {
    field.lastIndex = at;
    const match = field.exec(fields);
    if (!match) throw new Error(`hyperlab-test: cannot read '${fields.slice(at)}'`);
    const [, key, raw] = match;
    const value = raw.startsWith('"') ? raw.slice(1, -1) : raw;
    if (key === 'harts' && /^[1-9]\d*$/.test(value)) header.harts = Number(value);
    else if (key === 'qemu') header.qemuArgs = value.split(/\s+/).filter(Boolean);
    else if (key === 'hyperlab-line' && value) lines.hyperlab = value;
    else if (key === 'qemu-line' && value) lines.qemu = value;
    else throw new Error(`hyperlab-test: unknown or malformed field '${match[0].trim()}'`);
    at = field.lastIndex;
  }
  if ((lines.hyperlab === undefined) !== (lines.qemu === undefined)) {
    throw new Error('hyperlab-test: hyperlab-line and qemu-line go together');
  }
  if (lines.hyperlab !== undefined) header.machineLines = lines as MachineLines;
  return header;
}

/** Where the machines print their own line (MachineLines), the comparison sees this instead. */
const MACHINE_LINE_MARK = '<the line where the machines differ>';

/** `output` with every line equal to `line` replaced by the mark (unchanged without a line). */
function maskLine(output: string, line: string | undefined): string {
  if (line === undefined) return output;
  return output.split('\n').map((text) => (text === line ? MACHINE_LINE_MARK : text)).join('\n');
}

/** The lines of `output`. */
function linesOf(output: string): string[] {
  return output.split('\n');
}

interface Run {
  stdout: string;
  stderr: string;
  /** Exit status, or null when the process was killed (timeout). */
  status: number | null;
  timedOut: boolean;
}

/** Runs a command with no input, collecting its output, killed after `timeoutMs`. */
function run(command: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString('latin1'),
        stderr: Buffer.concat(stderr).toString('latin1'),
        status,
        timedOut,
      });
    });
  });
}

function runHyperLab(image: string, harts: number, compile: boolean): Promise<Run> {
  const args = [CLI, 'run', image, '--deterministic', '--max-instructions', String(MAX_INSTRUCTIONS)];
  if (harts > 1) args.push('--harts', String(harts));
  if (!compile) args.push('--no-compile');
  return run(process.execPath, args, HYPERLAB_TIMEOUT_MS);
}

/*
 * QEMU's output needs no normalizing: spawned with pipes (no terminal),
 * -nographic passes UART0's bytes through unchanged. The "\r\n" and terminal
 * modes seen interactively come from the terminal's line discipline, not from
 * QEMU, so they never reach this test; comparing bytes as they are keeps any
 * real difference visible.
 */
function runQemu(image: string, harts: number, extraArgs: string[]): Promise<Run> {
  const args = ['-M', 'virt', '-bios', 'none', '-nographic', '-kernel', image, '-smp', String(harts), ...extraArgs];
  return run('qemu-system-riscv32', args, QEMU_TIMEOUT_MS);
}

/** Probes a tool once; later calls repeat the verdict (a throw under CI=true). */
function toolProbe(command: string, aptPackage: string): () => boolean {
  let verdict: boolean | Error | undefined;
  return () => {
    if (verdict === undefined) {
      try {
        verdict = toolAvailable(command, aptPackage);
      } catch (error) {
        verdict = error as Error;
      }
    }
    if (verdict instanceof Error) throw verdict;
    return verdict;
  };
}

const qemuAvailable = toolProbe('qemu-system-riscv32', 'qemu-system-misc');
const crossCompilerAvailable = toolProbe('riscv64-unknown-elf-gcc', 'gcc-riscv64-unknown-elf');
const makeAvailable = toolProbe('make', 'make');

/** What a run printed and how it ended, for failure messages. */
function describeRun(machine: string, result: Run): string {
  const ending = result.timedOut ? 'timed out' : `exit status ${result.status}`;
  return `${machine}: ${ending}\n--- stdout ---\n${result.stdout}--- stderr ---\n${result.stderr}`;
}

interface Program {
  name: string;
  image: string;
  harts: number;
  qemuArgs: string[];
  machineLines?: MachineLines;
  /** When set, the whole output HyperLab and QEMU must print. */
  expectedOutput?: string;
}

/** The self-checking programs: every image in public/firmware/tests, with its source's header. */
function testPrograms(): Program[] {
  const directory = join(IMAGES, 'tests');
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.elf'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.elf'.length);
      const sourcePath = ['.S', '.c'].map((ext) => join(FIRMWARE_SOURCES, 'tests', name + ext)).find(existsSync);
      const header = sourcePath ? parseTestHeader(readFileSync(sourcePath, 'utf8')) : { harts: 1, qemuArgs: [] };
      return { name, image: join(directory, file), ...header };
    });
}

function helloOutput(harts: number): string {
  let text = '';
  for (let hart = 0; hart < harts; hart++) text += `Hello from HyperLab, hart ${hart}\n`;
  return `${text}Device tree: ${harts} ${harts === 1 ? 'hart' : 'harts'}. All said hello; powering off.\n`;
}

const helloPrograms: Program[] = [1, 4].map((harts) => ({
  name: 'hello',
  image: join(IMAGES, 'hello.elf'),
  harts,
  qemuArgs: [],
  expectedOutput: helloOutput(harts),
}));

describe('conformance: HyperLab against QEMU', () => {
  const programs = [...testPrograms(), ...helloPrograms];

  it('finds the programs', () => {
    expect(programs.length).toBeGreaterThan(helloPrograms.length);
  });

  for (const program of programs) {
    const title = `${program.name}${program.harts > 1 ? ` (${program.harts} harts)` : ''}`;
    it(title, async () => {
      const useQemu = qemuAvailable();
      const [hyperlab, interpreted, qemu] = await Promise.all([
        runHyperLab(program.image, program.harts, true),
        runHyperLab(program.image, program.harts, false),
        useQemu ? runQemu(program.image, program.harts, program.qemuArgs) : undefined,
      ]);

      const hyperlabReport = describeRun('HyperLab', hyperlab);
      expect(interpreted.stdout, `${hyperlabReport}\n${describeRun('HyperLab --no-compile', interpreted)}`)
        .toBe(hyperlab.stdout);
      expect(interpreted.status).toBe(hyperlab.status);
      const lines = program.machineLines;
      if (program.expectedOutput !== undefined) {
        expect(hyperlab.stdout, hyperlabReport).toBe(program.expectedOutput);
      } else {
        expect(hyperlab.stdout.endsWith('PASS\n'), hyperlabReport).toBe(true);
      }
      if (lines) expect(linesOf(hyperlab.stdout), hyperlabReport).toContain(lines.hyperlab);
      expect(hyperlab.status, hyperlabReport).toBe(0);

      if (qemu === undefined) return;
      const qemuReport = describeRun('QEMU', qemu);
      expect(qemu.status, qemuReport).toBe(0);
      if (lines) expect(linesOf(qemu.stdout), qemuReport).toContain(lines.qemu);
      expect(maskLine(hyperlab.stdout, lines?.hyperlab), `${hyperlabReport}\n${qemuReport}`)
        .toBe(maskLine(qemu.stdout, lines?.qemu));
      expect(hyperlab.status).toBe(qemu.status);
    });
  }
});

/** Every file under `directory`, as paths relative to it. */
function listFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}

/** Builds the firmware tree at `sources` into `out` (fails the test with make's output). */
function buildFirmware(sources: string, out: string): void {
  const make = spawnSync('make', ['-C', sources, `OUT=${out}`], { encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
  expect(make.status, `make -C ${sources} OUT=${out} failed:\n${make.stdout}${make.stderr}`).toBe(0);
}

/** The files of `a` and `b` (relative paths) whose bytes differ or exist on one side only. */
function differences(a: string, b: string, only: (file: string) => boolean): string[] {
  const filesA = listFiles(a).filter(only);
  const filesB = listFiles(b).filter(only);
  const all = [...new Set([...filesA, ...filesB])].sort();
  return all.filter((file) => {
    if (!filesA.includes(file) || !filesB.includes(file)) return true;
    return !readFileSync(join(a, file)).equals(readFileSync(join(b, file)));
  });
}

const isImage = (file: string) => file.endsWith('.elf') || file.endsWith('.bin');

describe('committed firmware images', () => {
  it('are what the sources build to, wherever the tree is', (context) => {
    if (!crossCompilerAvailable() || !makeAvailable()) context.skip();
    const scratch = mkdtempSync(join(tmpdir(), 'hyperlab-firmware-'));
    try {
      const built = join(scratch, 'built');
      buildFirmware(FIRMWARE_SOURCES, built);
      const stale = differences(built, IMAGES, isImage);
      expect(stale, `out of date in public/firmware (rebuild: make -C firmware): ${stale.join(', ')}`).toEqual([]);

      // The same sources checked out elsewhere build to the same bytes.
      const copy = join(scratch, 'elsewhere', 'firmware');
      cpSync(FIRMWARE_SOURCES, copy, { recursive: true, filter: (path) => !path.includes(`${FIRMWARE_SOURCES}/build`) });
      const builtElsewhere = join(scratch, 'built-elsewhere');
      buildFirmware(copy, builtElsewhere);
      const unreproducible = differences(built, builtElsewhere, isImage);
      expect(unreproducible, `builds differ by checkout path: ${unreproducible.join(', ')}`).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 2 * BUILD_TIMEOUT_MS);
});

describe('hyperlab-test header', () => {
  it('defaults to one hart and no extra QEMU arguments', () => {
    expect(parseTestHeader('/* rv32i.S: base instructions */')).toEqual({ harts: 1, qemuArgs: [] });
  });

  it('reads harts and quoted QEMU arguments', () => {
    expect(parseTestHeader(' * hyperlab-test: harts=2\n')).toEqual({ harts: 2, qemuArgs: [] });
    expect(parseTestHeader('/* hyperlab-test: qemu="-icount shift=0" harts=4 */')).toEqual({
      harts: 4,
      qemuArgs: ['-icount', 'shift=0'],
    });
  });

  it('reads the line each machine prints where they differ on purpose', () => {
    expect(parseTestHeader(' * hyperlab-test: harts=4 hyperlab-line="x: no" qemu-line="x: yes, as it has X"\n')).toEqual({
      harts: 4,
      qemuArgs: [],
      machineLines: { hyperlab: 'x: no', qemu: 'x: yes, as it has X' },
    });
    expect(() => parseTestHeader('hyperlab-test: qemu-line="x: yes"')).toThrow(/together/);
  });

  it('masks only the whole line', () => {
    expect(maskLine('a\nx: no\nx: no more\n', 'x: no')).toBe(`a\n${MACHINE_LINE_MARK}\nx: no more\n`);
    expect(maskLine('a\n', undefined)).toBe('a\n');
  });

  it('rejects what it does not understand', () => {
    expect(() => parseTestHeader('hyperlab-test: hearts=2')).toThrow(/unknown/);
    expect(() => parseTestHeader('hyperlab-test: harts=0')).toThrow(/malformed/);
    expect(() => parseTestHeader('hyperlab-test: harts')).toThrow(/cannot read/);
  });
});

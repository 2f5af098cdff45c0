/*
 * The `hyperlab run` command as a user meets it: console on stdin/stdout,
 * the guest's exit status, and clear errors for bad input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIRMWARE = join(ROOT, 'public/firmware');

function hyperlab(args: string[], input = '') {
  const result = spawnSync('node', [join(ROOT, 'bin/hyperlab.mjs'), ...args],
    { input, encoding: 'latin1', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), 'hyperlab-cli-'));

/** A minimal ELF32 RISC-V executable header with one PT_LOAD segment. */
function elfWithSegment(address: number, memorySize: number, elfClass = 1): Uint8Array {
  const bytes = new Uint8Array(52 + 32);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, elfClass, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 243, true); // EM_RISCV
  view.setUint32(20, 1, true);
  view.setUint32(24, address, true); // entry
  view.setUint32(28, 52, true); // phoff
  view.setUint16(40, 52, true); // ehsize
  view.setUint16(42, 32, true); // phentsize
  view.setUint16(44, 1, true); // phnum
  view.setUint32(52, 1, true); // PT_LOAD
  view.setUint32(52 + 8, address, true); // vaddr
  view.setUint32(52 + 12, address, true); // paddr
  view.setUint32(52 + 20, memorySize, true); // memsz
  return bytes;
}

function scratchFile(name: string, bytes: Uint8Array | string): string {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
}

describe('hyperlab run', () => {
  it.each([1, 4])('boots hello.elf on %i hart(s): every hart says hello, exit 0', (harts) => {
    const { status, stdout } = hyperlab(['run', join(FIRMWARE, 'hello.elf'), '--harts', String(harts)]);
    expect(status).toBe(0);
    for (let hart = 0; hart < harts; hart++) expect(stdout).toContain(`Hello from HyperLab, hart ${hart}\n`);
    expect(stdout).not.toContain(`hart ${harts}\n`);
  });

  it.each([[['--deterministic']], [[]]])('holds piped input until the guest reads it (%j)', (flags) => {
    const long = 'x'.repeat(200);
    const { status, stdout } = hyperlab(['run', join(FIRMWARE, 'runner/echo.elf'), ...flags],
      `first line\nsecond line\n${long}\nquit\n`);
    expect(stdout).toBe(`echo ready\necho: first line\necho: second line\necho: ${long}\nbye\nPASS\n`);
    expect(status).toBe(0);
  });

  it('gives the same output on every run with 4 harts in deterministic mode', () => {
    const runs = [0, 1].map(() => hyperlab(['run', join(FIRMWARE, 'tests/rv32a_smp.elf'), '--harts', '4', '--deterministic']));
    expect(runs[0].status).toBe(0);
    expect(runs[1].stdout).toBe(runs[0].stdout);
  });

  it('boots the HyperLab shell when no image is given', () => {
    const { status, stdout } = hyperlab(['run', '--deterministic'], 'uname\nhalt\n');
    expect(stdout).toContain('HyperLab');
    expect(stdout).toMatch(/\$ /);
    expect(status).toBe(0);
  });

  it('exits with the fail code the guest gives the test finisher', () => {
    expect(hyperlab(['run', join(FIRMWARE, 'runner/fail.elf')]).status).toBe(42);
  });

  it('follows the tohost convention: 1 passes, v fails with v >> 1', () => {
    expect(hyperlab(['run', join(FIRMWARE, 'runner/tohost-pass.elf')]).status).toBe(0);
    expect(hyperlab(['run', join(FIRMWARE, 'runner/tohost-fail.elf')]).status).toBe(3);
  });

  it('exits 124 when --max-instructions runs out', () => {
    const { status, stderr } = hyperlab(['run', join(FIRMWARE, 'bench.elf'), '--max-instructions', '100000']);
    expect(status).toBe(124);
    expect(stderr).toContain('--max-instructions');
  });
});

describe('hyperlab run with bad input', () => {
  it.each([
    ['a file that is not ELF', () => scratchFile('notes.txt', 'just some text\n'), [], /not an ELF file/],
    ['a 64-bit ELF', () => scratchFile('wide.elf', elfWithSegment(0x80000000, 16, 2)), [], /64-bit/],
    ['an image larger than RAM', () => scratchFile('huge.elf', elfWithSegment(0x80000000, 0x10000000)), [], /RAM/],
    ['a raw image larger than RAM', () => scratchFile('huge.bin', new Uint8Array(5 << 20)), ['--raw', '--ram', '4'], /RAM/],
    ['a missing file', () => join(scratch, 'missing.elf'), [], /cannot read image/],
  ] as const)('rejects %s with a clear error and exit status 2', (_, makeImage, flags, message) => {
    const { status, stderr, stdout } = hyperlab(['run', makeImage(), ...flags]);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(stdout).toBe('');
  });

  it.each([
    [['fly', 'x.elf'], /unknown command/],
    [['run', 'x.elf', '--harts', '0'], /--harts must be between 1 and 16/],
    [['run', 'x.elf', '--ram', 'lots'], /--ram needs a whole number/],
    [['run', 'x.elf', '--turbo'], /unknown option/],
  ])('rejects the command line %j with usage and exit status 2', (args, message) => {
    const { status, stderr } = hyperlab(args);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('usage: hyperlab run [IMAGE]');
  });
});

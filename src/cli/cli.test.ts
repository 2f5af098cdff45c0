/*
 * The `hyperlab run` command as a user meets it: console on stdin/stdout,
 * the guest's exit status, and clear errors for bad input.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFdt } from '../machine/fdt.ts';
import { addi, ecall, jal, lui } from '../machine/testing/encode.ts';
import { elfExecutable, riscvImage, wordsToBytes } from '../machine/testing/images.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIRMWARE = join(ROOT, 'public/firmware');

function hyperlab(args: string[], input = '') {
  const result = spawnSync('node', [join(ROOT, 'bin/hyperlab.mjs'), ...args],
    { input, encoding: 'latin1', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch = mkdtempSync(join(tmpdir(), 'hyperlab-cli-'));

/** An ELF32 RISC-V executable with one PT_LOAD segment of `memorySize` bytes (none in the file). */
function elfWithSegment(address: number, memorySize: number, elfClass = 1): Uint8Array {
  return elfExecutable([{ address, memorySize }], { elfClass });
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

/** A: a0..a7 are x10..x17. */
const A0 = 10, A1 = 11, A6 = 16, A7 = 17;

/** An S-mode program that prints `text` through the SBI's legacy console, then shuts the machine down (SRST). */
function sbiProgram(text: string): Uint8Array {
  const words = [addi(A7, 0, 1)]; // legacy console_putchar
  for (const char of text) words.push(addi(A0, 0, char.charCodeAt(0)), ecall());
  // sbi_system_reset(shutdown, no reason): EID "SRST" = 0x53525354, FID 0.
  words.push(lui(A7, 0x53525), addi(A7, A7, 0x354), addi(A6, 0, 0), addi(A0, 0, 0), addi(A1, 0, 0), ecall(), jal(0, 0));
  return wordsToBytes(words);
}

describe('hyperlab run with a kernel for the firmware', () => {
  it('boots sbi.elf with --kernel kernel.elf to the same shell as hyperlab.elf', () => {
    const input = 'uname\nhalt\n';
    const apart = hyperlab(['run', join(FIRMWARE, 'sbi.elf'), '--kernel', join(FIRMWARE, 'kernel.elf'), '--deterministic'],
      input);
    const together = hyperlab(['run', join(FIRMWARE, 'hyperlab.elf'), '--deterministic'], input);
    expect(apart.stdout).toMatch(/\$ uname\r?\nHyperLab\r?\n/);
    expect(apart.stdout).toBe(together.stdout);
    expect(apart.status).toBe(0);
  });

  it('boots a RISC-V Image at 0x80400000 under the SBI firmware', () => {
    const image = scratchFile('Image', riscvImage(sbiProgram('hello from an Image\n')));
    const { status, stdout } = hyperlab(['run', join(FIRMWARE, 'sbi.elf'), '--kernel', image]);
    expect(stdout).toContain('next: 0x80400000 in S-mode');
    expect(stdout).toContain('hello from an Image\n');
    expect(status).toBe(0);
  });
});

describe('hyperlab run with boot modules', () => {
  const kernel = join(FIRMWARE, 'kernel.elf');

  it('boots the image with the modules in RAM', () => {
    const { status, stdout } = hyperlab(['run', join(FIRMWARE, 'hello.elf'), '--module', kernel,
      '--domain', `guest1:${kernel}:memory=32`]);
    expect(stdout).toContain('Hello from HyperLab, hart 0\n');
    expect(status).toBe(0);
  });

  it('names them in the device tree it dumps with --dump-dtb', () => {
    const dtb = join(scratch, 'modules.dtb');
    const { status } = hyperlab(['run', join(FIRMWARE, 'hyperlab.elf'), '--module', `${kernel}:console=hvc0`,
      '--domain', `guest1:${kernel}:memory=32:vcpus=2:root=/dev/ram:rw`, '--dump-dtb', dtb]);
    expect(status).toBe(0);
    const chosen = decodeFdt(new Uint8Array(readFileSync(dtb))).root.find('/chosen')!;
    const dom0 = chosen.children.find((node) => node.name.startsWith('module@'))!;
    expect(dom0.strings('compatible')).toEqual(['multiboot,kernel', 'multiboot,module']);
    expect(dom0.cells('reg')![1]).toBe(readFileSync(kernel).length);
    expect(dom0.string('bootargs')).toBe('console=hvc0');
    const guest1 = chosen.child('guest1')!;
    expect(guest1.string('compatible')).toBe('xen,domain');
    expect(guest1.cells('memory')).toEqual([0, 32768]);
    expect(guest1.cells('cpus')).toEqual([2]);
    expect(guest1.children[0].string('bootargs')).toBe('root=/dev/ram:rw');
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
    ['a kernel that is not one', () => ['--kernel', scratchFile('kernel.bin', 'not a kernel')],
      /kernel\.bin is neither an ELF32 RISC-V executable nor a RISC-V Image/],
    ['a kernel over the firmware', () => ['--kernel', join(FIRMWARE, 'hello.elf')], /hello\.elf: segment .* overlaps the firmware/],
    ['a missing kernel', () => ['--kernel', join(scratch, 'missing.bin')], /cannot read the kernel: .*missing\.bin/],
    ['a module that is not a kernel', () => ['--domain', `guest1:${scratchFile('kernel.bin', 'text')}`],
      /guest1: .*kernel\.bin is neither an ELF32 RISC-V executable nor a RISC-V Image/],
    ['a missing module', () => ['--module', join(scratch, 'gone.elf')], /cannot read Dom0's kernel: .*gone\.elf/],
    ['modules that do not fit in RAM', () => ['--ram', '4', ...[1, 2, 3, 4, 5, 6, 7].flatMap((n) =>
      ['--domain', `g${n}:${join(FIRMWARE, 'kernel.elf')}`])], /the boot modules do not fit in RAM: g\d's kernel/],
    ['a serial file in no directory', () => ['--serial', '1=file:/no/such/dir/uart1.log'], /there is no directory \/no\/such\/dir/],
    ['a serial socket in no directory', () => ['--serial', '1=unix:/no/such/dir/uart1'], /there is no directory/],
    ['a serial socket where a file is', () => ['--serial', `2=unix:${scratchFile('taken', '')}`], /taken already exists/],
  ])('refuses %s with a message naming it and exit status 2', (_, extra, message) => {
    const { status, stderr } = hyperlab(['run', join(FIRMWARE, 'sbi.elf'), ...extra()]);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it.each([
    [['fly', 'x.elf'], /unknown command/],
    [['run', 'x.elf', '--kernel', 'a', '--kernel', 'b'], /--kernel may be given once/],
    [['run', 'x.elf', '--kernel'], /--kernel needs a value/],
    [['run', 'x.elf', '--module', 'a.elf', '--module', 'b.elf'], /--module may be given once/],
    [['run', 'x.elf', '--domain', 'guest1'], /--domain: 'guest1' is not NAME:KERNEL/],
    [['run', 'x.elf', '--domain', 'my guest:k.elf'], /--domain: 'my guest' cannot name a domain/],
    [['run', 'x.elf', '--domain', 'g:k.elf', '--domain', 'g:k.elf'], /two domains are called 'g'/],
    [['run', 'x.elf', ...[1, 2, 3, 4, 5, 6, 7, 8].flatMap((n) => ['--domain', `g${n}:k.elf`])], /at most 7 domains/],
    [['run', 'x.elf', '--domain', 'g:k.elf:memory=1'], /g: memory must be a whole number from 4 to 2048 MiB/],
    [['run', 'x.elf', '--domain', 'g:k.elf:vcpus=17'], /vcpus must be a whole number from 1 to 16/],
    [['run', 'x.elf', '--domain', 'g:k.elf:cap=1601'], /cap must be a whole number from 0 to 1600/],
    [['run', 'x.elf', '--serial', '0=file:x.log'], /N is a console UART, 1\.\.7/],
    [['run', 'x.elf', '--serial', '8=file:x.log'], /N is a console UART, 1\.\.7/],
    [['run', 'x.elf', '--serial', '1=file:a', '--serial', '1=unix:b'], /UART 1 is given twice/],
    [['run', 'x.elf', '--serial', '1=tcp:4000'], /is not N=file:PATH or N=unix:PATH/],
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

/*
 * Differential test of the board against QEMU 7.2's virt machine: the same
 * probe program (testing/device-probe.c) pokes every device's registers on
 * both machines, and what it saw must match line for line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Machine } from './machine.ts';
import { toolAvailable } from './testing/tools.ts';

const LINKER_SCRIPT = `
  ENTRY(_start)
  SECTIONS {
    . = 0x80000000;
    .text : { *(.text.start) *(.text*) }
    .rodata : { *(.rodata*) *(.srodata*) }
    .data : { *(.data*) *(.sdata*) }
    .bss : { *(.sbss*) *(.bss*) *(COMMON) }
  }
`;

const haveTools =
  toolAvailable('riscv64-unknown-elf-gcc', 'gcc-riscv64-unknown-elf') &&
  toolAvailable('qemu-system-riscv32', 'qemu-system-misc');

function runOnHyperLab(image: Uint8Array): string {
  const output: number[] = [];
  const machine = new Machine({ harts: 2, deterministic: true, output: (uart, byte) => uart === 0 && output.push(byte) });
  machine.load({ image });
  while (!machine.stopReason && machine.instructions < 50_000_000) machine.runRound(10_000);
  expect(machine.stopReason).toEqual({ kind: 'finisher', event: { kind: 'pass', code: 0 } });
  return String.fromCharCode(...output);
}

describe.skipIf(!haveTools)('board against QEMU 7.2', () => {
  let dir = '';
  let elfPath = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'device-probe-'));
    writeFileSync(join(dir, 'link.ld'), LINKER_SCRIPT);
    elfPath = join(dir, 'probe.elf');
    execFileSync('riscv64-unknown-elf-gcc', [
      // No C extension: the trap handler skips 4-byte instructions.
      '-march=rv32ima_zicsr',
      '-mabi=ilp32',
      '-O1',
      '-nostdlib',
      '-ffreestanding',
      '-T',
      join(dir, 'link.ld'),
      '-Wl,--no-warn-rwx-segments',
      '-o',
      elfPath,
      new URL('./testing/device-probe.c', import.meta.url).pathname,
    ]);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows a probe program the same devices', () => {
    const qemu = execFileSync(
      'qemu-system-riscv32',
      ['-M', 'virt', '-smp', '2', '-m', '128M', '-bios', 'none', '-kernel', elfPath, '-nographic'],
      { encoding: 'latin1', timeout: 30_000 },
    );
    const ours = runOnHyperLab(new Uint8Array(readFileSync(elfPath)));
    expect(ours).toContain('uart lsr 00000060'); // the probe did run
    expect(ours.split('\n')).toEqual(qemu.replace(/\r/g, '').split('\n'));
  });
});

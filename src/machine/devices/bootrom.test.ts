import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolAvailable } from '../testing/tools.ts';
import { BootRom, BOOTROM_STATE_WORDS } from './bootrom.ts';

function makeRom() {
  const rom = new BootRom(0x1000, 0xf000, new Int32Array(BOOTROM_STATE_WORDS));
  rom.program(0x8000_0000, 0x87e0_0000);
  return rom;
}

function romBytes(rom: BootRom, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = rom.read(i, 1, 0)!;
  return bytes;
}

describe('BootRom', () => {
  it('holds the start and device tree addresses as words the code loads', () => {
    const rom = makeRom();
    expect(rom.read(0x14, 4, 0)).toBe(0x8000_0000);
    expect(rom.read(0x18, 4, 0)).toBe(0x87e0_0000);
    rom.setStartAddress(0x8020_0000);
    expect(rom.startAddress()).toBe(0x8020_0000);
    expect(rom.read(0x14, 4, 0)).toBe(0x8020_0000);
  });

  it('reads at any width and offset, little-endian, zero past the code', () => {
    const rom = makeRom();
    expect(rom.read(0, 4, 0)).toBe(0x00000297);
    expect(rom.read(0, 2, 0)).toBe(0x0297);
    expect(rom.read(1, 1, 0)).toBe(0x02);
    expect(rom.read(2, 4, 0)).toBe(0x25730000); // straddles two words
    expect(rom.read(0x1000, 4, 0)).toBe(0);
    expect(rom.read(0xeffc, 4, 0)).toBe(0);
  });

  it('rejects writes', () => {
    const rom = makeRom();
    expect(rom.write(0, 4, 0, 0)).toBe(false);
    expect(rom.read(0, 4, 0)).toBe(0x00000297);
  });

  it.skipIf(!toolAvailable('riscv64-unknown-elf-objdump', 'gcc-riscv64-unknown-elf'))(
    'disassembles to the reset vector it documents',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'bootrom-'));
      try {
        const file = join(dir, 'rom.bin');
        writeFileSync(file, romBytes(makeRom(), 0x14));
        const listing = execFileSync(
          'riscv64-unknown-elf-objdump',
          ['-D', '-b', 'binary', '-m', 'riscv:rv32', '-M', 'no-aliases,numeric', '--adjust-vma=0x1000', file],
          { encoding: 'utf8' },
        );
        const instructions = [...listing.matchAll(/^\s+[0-9a-f]+:\s+[0-9a-f]{8}\s+(.+)$/gm)].map((m) =>
          m[1].replace(/\s+/g, ' ').trim(),
        );
        expect(instructions).toEqual([
          'auipc x5,0x0',
          'csrrs x10,mhartid,x0',
          'lw x11,24(x5) # 0x1018', // objdump follows the auipc: the device tree word
          'lw x5,20(x5)',
          'jalr x0,0(x5)',
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

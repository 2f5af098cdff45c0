import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolAvailable } from './testing/tools.ts';
import { ImageError, loadElf, loadRawImage, SymbolTable } from './elf.ts';

const RAM_BASE = 0x8000_0000;
const MiB = 1024 * 1024;

/** Runs `load` and returns the ImageError it must throw. */
function imageError(load: () => unknown): ImageError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ImageError);
    return error as ImageError;
  }
  throw new Error('expected an ImageError');
}

/** A minimal valid ELF32 RISC-V executable: one segment of `data` at `address`. */
function handMadeElf(address: number, data: number[], memorySize = data.length): Uint8Array {
  const bytes = new Uint8Array(52 + 32 + data.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 243, true); // EM_RISCV
  view.setUint32(20, 1, true);
  view.setUint32(24, address, true); // entry
  view.setUint32(28, 52, true); // phoff
  view.setUint16(40, 52, true);
  view.setUint16(42, 32, true);
  view.setUint16(44, 1, true);
  view.setUint32(52, 1, true); // PT_LOAD
  view.setUint32(56, 84, true); // offset
  view.setUint32(60, address, true);
  view.setUint32(64, address, true);
  view.setUint32(68, data.length, true);
  view.setUint32(72, memorySize, true);
  bytes.set(data, 84);
  return bytes;
}

describe('loadElf with hand-made files', () => {
  it('loads a segment and zero-fills its memory beyond the file bytes', () => {
    const ram = new Uint8Array(64 * 1024).fill(0xaa);
    const image = loadElf(handMadeElf(RAM_BASE + 0x100, [1, 2, 3, 4], 8), RAM_BASE, ram);
    expect(image.entry).toBe(RAM_BASE + 0x100);
    expect(image.segments).toEqual([{ address: RAM_BASE + 0x100, fileSize: 4, memorySize: 8 }]);
    expect(Array.from(ram.subarray(0x100, 0x10a))).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 0xaa, 0xaa]);
    expect(image.symbols.symbols).toEqual([]);
    expect(image.tohost).toBeUndefined();
  });

  it('rejects what is not an ELF file', () => {
    const ram = new Uint8Array(4096);
    expect(imageError(() => loadElf(new TextEncoder().encode('#!/bin/sh\necho hi\n'), RAM_BASE, ram)).message).toMatch(
      /not an ELF file/,
    );
    expect(imageError(() => loadElf(new Uint8Array(0), RAM_BASE, ram)).message).toMatch(/not an ELF file/);
  });

  it('rejects a 64-bit ELF, saying so', () => {
    const elf = handMadeElf(RAM_BASE, [0]);
    elf[4] = 2;
    expect(imageError(() => loadElf(elf, RAM_BASE, new Uint8Array(4096))).message).toMatch(/64-bit/);
  });

  it('rejects big-endian, other machines, and files that are not executables', () => {
    const ram = new Uint8Array(4096);
    const patched = (offset: number, value: number) => {
      const elf = handMadeElf(RAM_BASE, [0]);
      new DataView(elf.buffer).setUint16(offset, value, offset !== 5);
      if (offset === 5) elf[5] = value;
      return elf;
    };
    expect(imageError(() => loadElf(patched(5, 2), RAM_BASE, ram)).message).toMatch(/big-endian/);
    expect(imageError(() => loadElf(patched(18, 62), RAM_BASE, ram)).message).toMatch(/machine 62, not RISC-V/);
    expect(imageError(() => loadElf(patched(16, 3), RAM_BASE, ram)).message).toMatch(/ET_DYN/);
    expect(imageError(() => loadElf(patched(16, 1), RAM_BASE, ram)).message).toMatch(/ET_REL/);
  });

  it('rejects a segment outside RAM, naming both ranges', () => {
    const ram = new Uint8Array(MiB);
    const low = imageError(() => loadElf(handMadeElf(0x1000_0000, [1, 2, 3, 4]), RAM_BASE, ram));
    expect(low.message).toBe(
      'segment 0 at 0x10000000..0x10000003 (4 bytes) does not fit in RAM at 0x80000000..0x800fffff (1 MiB)',
    );
    const big = imageError(() => loadElf(handMadeElf(RAM_BASE, [1], 2 * MiB), RAM_BASE, ram));
    expect(big.message).toMatch(/0x80000000\.\.0x801fffff \(2 MiB\) does not fit in RAM at 0x80000000\.\.0x800fffff/);
    expect(ram.every((b) => b === 0)).toBe(true);
  });

  it('throws ImageError, and nothing else, for every truncation of the file', () => {
    const elf = handMadeElf(RAM_BASE, [1, 2, 3, 4, 5, 6, 7, 8]);
    for (let length = 0; length < elf.length; length++) {
      imageError(() => loadElf(elf.subarray(0, length), RAM_BASE, new Uint8Array(4096)));
    }
  });
});

describe('loadRawImage', () => {
  it('copies the bytes at the address, RAM base by default', () => {
    const ram = new Uint8Array(4096);
    const image = loadRawImage(new Uint8Array([9, 8, 7]), RAM_BASE, ram);
    expect(image.entry).toBe(RAM_BASE);
    expect(image.segments).toEqual([{ address: RAM_BASE, fileSize: 3, memorySize: 3 }]);
    expect(image.symbols.symbols).toEqual([]);
    loadRawImage(new Uint8Array([5]), RAM_BASE, ram, RAM_BASE + 10);
    expect(Array.from(ram.subarray(0, 11))).toEqual([9, 8, 7, 0, 0, 0, 0, 0, 0, 0, 5]);
  });

  it('rejects an image that does not fit', () => {
    const ram = new Uint8Array(4096);
    expect(imageError(() => loadRawImage(new Uint8Array(4097), RAM_BASE, ram)).message).toBe(
      'image at 0x80000000..0x80001000 (4097 bytes) does not fit in RAM at 0x80000000..0x80000fff (4 KiB)',
    );
    imageError(() => loadRawImage(new Uint8Array(2), RAM_BASE, ram, RAM_BASE + 4095));
    imageError(() => loadRawImage(new Uint8Array(1), RAM_BASE, ram, RAM_BASE - 1));
  });
});

describe('SymbolTable', () => {
  const table = new SymbolTable([
    { name: 'label', address: 0x100, size: 0, kind: 'function' },
    { name: 'main', address: 0x200, size: 0x40, kind: 'function' },
    { name: 'buffer', address: 0x210, size: 0x10, kind: 'object' },
    { name: 'helper', address: 0x300, size: 8, kind: 'function' },
  ]);

  it('names the function enclosing an address, with the offset', () => {
    expect(table.locate(0x200)).toEqual({ name: 'main', offset: 0 });
    expect(table.locate(0x23f)).toEqual({ name: 'main', offset: 0x3f });
    expect(table.locate(0x304)).toEqual({ name: 'helper', offset: 4 });
    expect(table.lookup(0x200)).toBe('main');
    expect(table.lookup(0x23f)).toBe('main+0x3f');
  });

  it('extends sizeless labels to the next symbol and nothing past a sized function', () => {
    expect(table.locate(0x1f0)).toEqual({ name: 'label', offset: 0xf0 });
    expect(table.locate(0x240)).toBeUndefined();
    expect(table.lookup(0xff)).toBeUndefined();
  });

  it('keeps symbols sorted by address and finds them by name', () => {
    expect(table.symbols.map((s) => s.address)).toEqual([0x100, 0x200, 0x210, 0x300]);
    expect(table.address('buffer')).toBe(0x210);
    expect(table.address('missing')).toBeUndefined();
  });
});

const haveCompiler = toolAvailable('riscv64-unknown-elf-gcc', 'gcc-riscv64-unknown-elf');

describe.skipIf(!haveCompiler)('loadElf with images built by riscv64-unknown-elf-gcc', () => {
  let dir = '';
  let elf = new Uint8Array(0);
  const symbols = new Map<string, number>();

  const SOURCE = `
    volatile unsigned int tohost;
    int counter = 42;
    char scratch[4096];
    int add(int a, int b) { return a + b + counter; }
    void _start(void) { scratch[0] = (char)add(1, 2); tohost = 1; for (;;) {} }
  `;

  const LINKER_SCRIPT = `
    ENTRY(_start)
    SECTIONS {
      . = 0x80000000;
      .text : { *(.text*) }
      .rodata : { *(.rodata*) *(.srodata*) }
      .data : { *(.data*) *(.sdata*) }
      .bss : { *(.sbss*) *(.bss*) *(COMMON) }
    }
  `;

  function compile(name: string, source: string, flags: string[]): string {
    writeFileSync(join(dir, `${name}.c`), source);
    writeFileSync(join(dir, 'link.ld'), LINKER_SCRIPT);
    const output = join(dir, `${name}.elf`);
    execFileSync('riscv64-unknown-elf-gcc', [
      ...flags,
      '-O1',
      '-nostdlib',
      '-ffreestanding',
      '-static',
      '-mcmodel=medany',
      '-T',
      join(dir, 'link.ld'),
      '-Wl,--no-warn-rwx-segments',
      '-o',
      output,
      join(dir, `${name}.c`),
    ]);
    return output;
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'elf-'));
    const path = compile('program', SOURCE, ['-march=rv32imac_zicsr_zifencei', '-mabi=ilp32']);
    elf = new Uint8Array(readFileSync(path));
    const nm = execFileSync('riscv64-unknown-elf-nm', [path], { encoding: 'utf8' });
    for (const line of nm.trim().split('\n')) {
      const [address, , name] = line.split(' ');
      symbols.set(name, parseInt(address, 16));
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the segments, zero-fills .bss, and returns the entry point', () => {
    const ram = new Uint8Array(MiB).fill(0xaa);
    const image = loadElf(elf, RAM_BASE, ram);
    expect(image.entry).toBe(symbols.get('_start'));
    const binary = join(dir, 'program.bin');
    execFileSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'program.elf'), binary]);
    const text = new Uint8Array(readFileSync(binary));
    expect(ram.subarray(0, text.length)).toEqual(text);
    const scratch = symbols.get('scratch')! - RAM_BASE;
    expect(ram.subarray(scratch, scratch + 4096).every((b) => b === 0)).toBe(true);
    const counter = symbols.get('counter')! - RAM_BASE;
    expect(new DataView(ram.buffer).getInt32(counter, true)).toBe(42);
  });

  it('keeps functions and objects, names the function of an address, and finds tohost', () => {
    const image = loadElf(elf, RAM_BASE, new Uint8Array(MiB));
    const add = symbols.get('add')!;
    expect(image.symbols.locate(add + 2)).toEqual({ name: 'add', offset: 2 });
    expect(image.symbols.lookup(add + 2)).toBe('add+0x2');
    expect(image.symbols.lookup(symbols.get('_start')!)).toBe('_start');
    expect(image.symbols.symbols).toContainEqual({ name: 'counter', address: symbols.get('counter'), size: 4, kind: 'object' });
    expect(image.tohost).toBe(symbols.get('tohost'));
  });

  it('rejects an image too big for RAM', () => {
    const error = imageError(() => loadElf(elf, RAM_BASE, new Uint8Array(4096)));
    expect(error.message).toMatch(/^segment \d+ at 0x80000000\.\.0x8000[0-9a-f]{4} .* does not fit in RAM at 0x80000000\.\.0x80000fff \(4 KiB\)$/);
  });

  it('rejects a 64-bit build', () => {
    const path = compile('program64', SOURCE, ['-march=rv64imac', '-mabi=lp64']);
    const error = imageError(() => loadElf(new Uint8Array(readFileSync(path)), RAM_BASE, new Uint8Array(MiB)));
    expect(error.message).toMatch(/64-bit ELF/);
  });

  it('throws only ImageError for truncated and corrupted builds', () => {
    for (let length = 0; length < elf.length; length += 7) {
      try {
        loadElf(elf.subarray(0, length), RAM_BASE, new Uint8Array(MiB));
      } catch (error) {
        expect(error).toBeInstanceOf(ImageError);
      }
    }
    const ram = new Uint8Array(MiB);
    let seed = 7;
    for (let i = 0; i < 3000; i++) {
      const corrupt = elf.slice();
      for (let j = 0; j < 4; j++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        corrupt[seed % corrupt.length] = seed >>> 24;
      }
      try {
        loadElf(corrupt, RAM_BASE, ram);
      } catch (error) {
        expect(error).toBeInstanceOf(ImageError);
      }
    }
  });
});

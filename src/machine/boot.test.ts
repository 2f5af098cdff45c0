/*
 * What the board loads at boot, as the software inside finds it: boot
 * modules in RAM and named in /chosen (Xen's dom0less binding), a kernel
 * for the firmware, and clear errors for files that are not kernels or do
 * not fit.
 */
import { describe, expect, it } from 'vitest';
import { Board } from './board.ts';
import { BootConfigError, checkBootModules, kernelFormat, type BootModule } from './boot-modules.ts';
import { bootSoftware, KERNEL_PAYLOAD_ADDRESS, type BootSoftware } from './boot.ts';
import { ImageError } from './elf.ts';
import { decodeFdt, type FdtNode } from './fdt.ts';
import { Machine } from './machine.ts';
import { elfExecutable, riscvImage } from './testing/images.ts';

const MiB = 1024 * 1024;
const RAM = 0x8000_0000;

function makeBoard(ramMiB = 128): Board {
  return new Board({ harts: 1, ramSize: ramMiB * MiB, clock: { now: () => 0 } });
}

/** Bytes that differ from file to file, so that a test sees which file went where. */
function fileBytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);
}

/** A small ELF kernel of `length` file bytes, linked (harmlessly) at 0x80400000. */
const elfKernel = (length: number, seed: number) => elfExecutable([{ address: 0x8040_0000, data: fileBytes(length, seed) }]);

/** The firmware every test boots: one segment at the start of RAM. */
const FIRMWARE = elfExecutable([{ address: RAM, data: fileBytes(0x3000, 1), memorySize: 0x8000 }]);

function module(file: string, bytes: Uint8Array, extra: Partial<BootModule> = {}): BootModule {
  return { file, bytes, ...extra };
}

function chosenOf(board: Board): FdtNode {
  const at = board.fdtAddress - board.ramBase;
  return decodeFdt(board.ram8.subarray(at, at + board.fdtSize)).root.find('/chosen')!;
}

function ramAt(board: Board, address: number, length: number): Uint8Array {
  return board.ram8.slice(address - board.ramBase, address - board.ramBase + length);
}

const dom0 = module('dom0.elf', elfKernel(0x2345, 2), { bootargs: 'console=hvc0 root=/dev/ram' });
const guest1 = module('guest1.bin', riscvImage(fileBytes(0x1800, 3)), {
  bootargs: 'quiet: no splash',
  domain: { name: 'guest1', memoryMiB: 32, vcpus: 2, weight: 512, cap: 50 },
});
const guest2 = module('guest2.elf', elfKernel(100, 4), { domain: { name: 'guest2' } });

describe('boot modules in RAM and in /chosen', () => {
  const board = makeBoard();
  // Given in an order other than the boot order: Dom0's kernel comes first all the same.
  const loaded = bootSoftware(board, { image: FIRMWARE, modules: [guest1, dom0, guest2] });
  const chosen = chosenOf(board);
  const [dom0At, guest1At, guest2At] = loaded.modules.map((m) => m.address);

  it('places them page-aligned, downwards from just below the device tree, Dom0 first', () => {
    expect(loaded.modules.map((m) => m.file)).toEqual(['dom0.elf', 'guest1.bin', 'guest2.elf']);
    expect(board.fdtAddress).toBe(0x87e0_0000);
    expect(dom0At).toBe(0x87e0_0000 - 0x3000); // 0x2345 + 52 + 32 bytes take three pages
    expect(guest1At).toBe(dom0At - 0x2000);
    expect(guest2At).toBe(guest1At - 0x1000);
  });

  it('copies each file byte for byte, clear of the image and the tree', () => {
    for (const placed of loaded.modules) {
      expect(ramAt(board, placed.address, placed.bytes.length)).toEqual(placed.bytes);
      expect(placed.address + placed.bytes.length).toBeLessThanOrEqual(board.fdtAddress);
      expect(placed.address).toBeGreaterThanOrEqual(RAM + 0x8000);
    }
    expect(() => decodeFdt(ramAt(board, board.fdtAddress, board.fdtSize))).not.toThrow();
  });

  it('keeps /chosen\'s own properties and gives it one-cell addresses and sizes', () => {
    expect(chosen.string('stdout-path')).toBe('/soc/serial@10000000');
    expect(chosen.cells('#address-cells')).toEqual([1]);
    expect(chosen.cells('#size-cells')).toEqual([1]);
    expect(chosen.children.map((c) => c.name)).toEqual([`module@${dom0At.toString(16)}`, 'guest1', 'guest2']);
  });

  it('names Dom0\'s kernel in a multiboot,kernel node directly under /chosen', () => {
    const node = chosen.child(`module@${dom0At.toString(16)}`)!;
    expect(node.strings('compatible')).toEqual(['multiboot,kernel', 'multiboot,module']);
    expect(node.cells('reg')).toEqual([dom0At, dom0.bytes.length]);
    expect(node.string('bootargs')).toBe('console=hvc0 root=/dev/ram');
  });

  it('describes each DomU in a xen,domain node with its settings and its kernel', () => {
    const node = chosen.child('guest1')!;
    expect(node.string('compatible')).toBe('xen,domain');
    expect(node.cells('#address-cells')).toEqual([1]);
    expect(node.cells('#size-cells')).toEqual([1]);
    expect(node.cells('memory')).toEqual([0, 32 * 1024]); // 64 bits, in KiB
    expect(node.cells('cpus')).toEqual([2]);
    expect(node.cells('hyperlab,weight')).toEqual([512]);
    expect(node.cells('hyperlab,cap')).toEqual([50]);
    expect(node.children.map((c) => c.name)).toEqual([`module@${guest1At.toString(16)}`]);
    const kernel = node.children[0];
    expect(kernel.strings('compatible')).toEqual(['multiboot,kernel', 'multiboot,module']);
    expect(kernel.cells('reg')).toEqual([guest1At, guest1.bytes.length]);
    expect(kernel.string('bootargs')).toBe('quiet: no splash');
  });

  it('leaves out what a DomU does not set, and gives it one vCPU', () => {
    const node = chosen.child('guest2')!;
    expect(node.property('memory')).toBeUndefined();
    expect(node.property('hyperlab,weight')).toBeUndefined();
    expect(node.property('hyperlab,cap')).toBeUndefined();
    expect(node.cells('cpus')).toEqual([1]);
    expect(node.children[0].property('bootargs')).toBeUndefined();
    expect(node.children[0].cells('reg')).toEqual([guest2At, guest2.bytes.length]);
  });

  it('writes the same tree and RAM on every boot', () => {
    const again = makeBoard();
    bootSoftware(again, { image: FIRMWARE, modules: [guest1, dom0, guest2] });
    const same = Buffer.from(ramAt(again, 0x87d0_0000, 0x20_0000)).equals(ramAt(board, 0x87d0_0000, 0x20_0000));
    expect(same).toBe(true);
  });

  it('writes /chosen as QEMU does when there are no modules', () => {
    const plain = makeBoard();
    bootSoftware(plain, { image: FIRMWARE });
    expect(chosenOf(plain).properties.map((p) => p.name)).toEqual(['stdout-path']);
    expect(chosenOf(plain).children).toEqual([]);
  });
});

describe('module placement around the image', () => {
  it('steps below image segments that lie under the device tree', () => {
    const board = makeBoard();
    const image = elfExecutable([
      { address: RAM, data: fileBytes(64, 1) },
      { address: 0x87df_f800, data: fileBytes(0x800, 2), memorySize: 0x800 },
    ]);
    const { modules } = bootSoftware(board, { image, modules: [dom0] });
    expect(modules[0].address).toBe(0x87df_f000 - 0x3000);
    expect(ramAt(board, 0x87df_f800, 0x800)).toEqual(fileBytes(0x800, 2));
  });

  it('refuses modules that do not fit in RAM, naming the one that does not', () => {
    const board = makeBoard(4);
    const big = module('big.bin', riscvImage(new Uint8Array(3 * MiB)), { domain: { name: 'big' } });
    const run = () => bootSoftware(board, { image: FIRMWARE, modules: [dom0, big] });
    expect(run).toThrow(ImageError);
    expect(run).toThrow(/the boot modules do not fit in RAM: big's kernel big\.bin/);
  });

  it('loads them again at every reset of the machine', () => {
    const machine = new Machine({ harts: 1, ramSize: 16 * MiB });
    const { modules } = machine.load({ image: FIRMWARE, modules: [dom0] });
    machine.board.ram8.fill(0, modules[0].address - RAM, modules[0].address - RAM + dom0.bytes.length);
    machine.reset();
    expect(ramAt(machine.board, modules[0].address, dom0.bytes.length)).toEqual(dom0.bytes);
  });
});

describe('kernel files', () => {
  const file = (bytes: Uint8Array) => ({ file: 'kernel.bin', bytes });

  it('accepts an ELF32 RISC-V executable and a RISC-V Image', () => {
    expect(kernelFormat(file(elfKernel(16, 0)))).toBe('elf');
    expect(kernelFormat(file(riscvImage(fileBytes(16, 0))))).toBe('image');
  });

  it.each([
    ['text', new TextEncoder().encode('#!/bin/sh\necho not a kernel\n'), ''],
    ['an empty file', new Uint8Array(0), ''],
    ['a 64-bit ELF', elfExecutable([{ address: RAM, data: fileBytes(8, 0) }], { elfClass: 2 }), ' (this is a 64-bit ELF'],
    ['an x86 ELF', elfExecutable([{ address: RAM, data: fileBytes(8, 0) }], { machine: 3 }), ' (ELF for machine 3'],
    ['a position-independent ELF', elfExecutable([{ address: RAM, data: fileBytes(8, 0) }], { type: 3 }), ' (position'],
    ['an Image header without magic2', riscvImage(fileBytes(16, 0)).fill(0, 56, 60), ''],
  ])('refuses %s, naming the domain and the file', (_, bytes, reason) => {
    const expected = `guest1: kernel.bin is neither an ELF32 RISC-V executable nor a RISC-V Image${reason}`;
    expect(() => kernelFormat(file(bytes), 'guest1')).toThrow(expected);
  });

  it('checks every module before anything is loaded', () => {
    const board = makeBoard();
    const text = module('notes.txt', new TextEncoder().encode('hello'), { domain: { name: 'guest1' } });
    expect(() => bootSoftware(board, { image: FIRMWARE, modules: [dom0, text] }))
      .toThrow('guest1: notes.txt is neither an ELF32 RISC-V executable nor a RISC-V Image');
    const notDom0 = module('dom0.txt', new TextEncoder().encode('hello'));
    expect(() => bootSoftware(board, { image: FIRMWARE, modules: [notDom0] })).toThrow(/^Dom0: dom0\.txt is neither/);
  });
});

describe('the set of boot modules', () => {
  const domU = (name: string, settings = {}) => ({ file: 'k.elf', domain: { name, ...settings } });

  it('accepts one Dom0 kernel and seven DomUs', () => {
    expect(() => checkBootModules([{ file: 'd.elf' }, ...[1, 2, 3, 4, 5, 6, 7].map((n) => domU(`guest${n}`))]))
      .not.toThrow();
  });

  it.each([
    ['two Dom0 kernels', [{ file: 'a.elf' }, { file: 'b.elf' }], /Dom0 has one kernel; 2 were given/],
    ['eight DomUs', [1, 2, 3, 4, 5, 6, 7, 8].map((n) => domU(`g${n}`)), /at most 7 domains/],
    ['two domains of one name', [domU('web'), domU('web')], /two domains are called 'web'/],
    ['a name with a space', [domU('my guest')], /'my guest' cannot name a domain/],
    ['a name of 32 characters', [domU('g'.repeat(32))], /cannot name a domain/],
    ['a name starting with a digit', [domU('1st')], /cannot name a domain/],
    ['memory below 4 MiB', [domU('a', { memoryMiB: 3 })], /a: memory must be a whole number from 4 to 2048 MiB, not 3/],
    ['17 vCPUs', [domU('a', { vcpus: 17 })], /a: vcpus must be a whole number from 1 to 16, not 17/],
    ['weight 0', [domU('a', { weight: 0 })], /weight must be a whole number from 1 to 65535/],
    ['a cap over 1600%', [domU('a', { cap: 1601 })], /cap must be a whole number from 0 to 1600%/],
  ])('refuses %s', (_, modules, message) => {
    expect(() => checkBootModules(modules)).toThrow(BootConfigError);
    expect(() => checkBootModules(modules)).toThrow(message);
  });

  it('accepts every name character the device tree allows', () => {
    expect(() => checkBootModules([domU('Guest,1._+-x'), domU('g'.repeat(31))])).not.toThrow();
  });
});

describe('a kernel for the firmware', () => {
  const boot = (software: Partial<BootSoftware>) => bootSoftware(makeBoard(), { image: FIRMWARE, ...software });

  it('loads an ELF kernel at its own physical addresses, with its symbols', () => {
    const board = makeBoard();
    const kernel = elfExecutable([{ address: 0x8060_0000, data: fileBytes(256, 9) }]);
    const loaded = bootSoftware(board, { image: FIRMWARE, kernel: { file: 'k.elf', bytes: kernel } });
    expect(loaded.kernel!.segments).toEqual([{ address: 0x8060_0000, fileSize: 256, memorySize: 256 }]);
    expect(ramAt(board, 0x8060_0000, 256)).toEqual(fileBytes(256, 9));
    expect(board.startAddress()).toBe(RAM); // the firmware starts first
  });

  it('loads a RISC-V Image at the firmware\'s payload address', () => {
    const board = makeBoard();
    const image = riscvImage(fileBytes(1000, 5));
    bootSoftware(board, { image: FIRMWARE, kernel: { file: 'Image', bytes: image } });
    expect(KERNEL_PAYLOAD_ADDRESS).toBe(0x8040_0000);
    expect(ramAt(board, 0x8040_0000, image.length)).toEqual(image);
  });

  it('refuses a kernel that overlaps the firmware or the device tree, naming it', () => {
    const overFirmware = elfExecutable([{ address: RAM + 0x4000, data: fileBytes(16, 0) }]);
    expect(() => boot({ kernel: { file: 'low.elf', bytes: overFirmware } }))
      .toThrow(/^low\.elf: segment 0 at 0x80004000\.\.0x8000400f \(16 bytes\) overlaps the firmware at 0x80000000/);
    const overTree = elfExecutable([{ address: 0x87e0_0000, data: fileBytes(16, 0) }]);
    expect(() => boot({ kernel: { file: 'high.elf', bytes: overTree } })).toThrow(/^high\.elf: .*overlaps the device tree/);
    const wideImage = riscvImage(fileBytes(16, 0), 0x8000_0000);
    expect(() => boot({ kernel: { file: 'Image', bytes: wideImage } })).toThrow(/^Image: image at .* does not fit in RAM/);
  });

  it('keeps modules clear of the kernel', () => {
    const kernel = elfExecutable([{ address: 0x87d0_0000, data: fileBytes(16, 0), memorySize: 0xff000 }]);
    const { modules } = boot({ kernel: { file: 'k.elf', bytes: kernel }, modules: [dom0] });
    expect(modules[0].address).toBe(0x87d0_0000 - 0x3000);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolAvailable } from './testing/tools.ts';
import { buildVirtDeviceTree, decodeFdt, encodeFdt, FdtError, FdtNode } from './fdt.ts';

function sampleTree(): FdtNode {
  const root = new FdtNode('').setCells('#address-cells', 2).setString('model', 'sample');
  const a = root.addChild('a@10').setCells('reg', 0, 0x10).setStrings('compatible', 'x,one', 'x,two').setPhandle(1);
  a.addChild('leaf').setEmpty('flag').setBytes('raw', new Uint8Array([1, 2, 3]));
  root.addChild('b').setCells('link', 1).setString('model', 'other');
  return root;
}

const virtBlob = (harts = 2, ramSize = 128 * 2 ** 20) => encodeFdt(buildVirtDeviceTree({ harts, ramSize }));

describe('FDT writer and reader', () => {
  it('round-trips nodes, cells, strings, string lists, flags and bytes', () => {
    const { root, version, bootCpuId } = decodeFdt(encodeFdt(sampleTree(), { bootCpuId: 3 }));
    expect(version).toBe(17);
    expect(bootCpuId).toBe(3);
    expect(root.cells('#address-cells')).toEqual([2]);
    expect(root.string('model')).toBe('sample');
    const a = root.find('/a@10')!;
    expect(a.cells('reg')).toEqual([0, 0x10]);
    expect(a.strings('compatible')).toEqual(['x,one', 'x,two']);
    expect(a.cells('phandle')).toEqual([1]);
    const leaf = root.find('/a@10/leaf')!;
    expect(leaf.property('flag')).toEqual(new Uint8Array(0));
    expect(leaf.property('raw')).toEqual(new Uint8Array([1, 2, 3]));
    expect(root.find('/b')!.cells('link')).toEqual([1]);
    expect(root.children.map((c) => c.name)).toEqual(['a@10', 'b']);
  });

  it('stores each property name once in the strings block', () => {
    const blob = encodeFdt(sampleTree());
    const view = new DataView(blob.buffer);
    const strings = new TextDecoder().decode(blob.subarray(view.getUint32(12), view.getUint32(12) + view.getUint32(32)));
    expect(strings.split('\0').filter((s) => s === 'model')).toHaveLength(1);
  });

  it('writes and reads the memory reservation block', () => {
    const reservations = [{ address: 0x8000_0000, size: 0x20_0000 }, { address: 2 ** 33, size: 4096 }];
    expect(decodeFdt(encodeFdt(sampleTree(), { reservations })).reservations).toEqual(reservations);
    expect(decodeFdt(encodeFdt(sampleTree())).reservations).toEqual([]);
  });

  it('rejects what is not a device tree', () => {
    expect(() => decodeFdt(new Uint8Array(64))).toThrow(FdtError);
    expect(() => decodeFdt(new TextEncoder().encode('not a device tree at all, no, not at all'))).toThrow(FdtError);
  });

  it('throws FdtError, and nothing else, on every truncation and on corruption', () => {
    const blob = encodeFdt(sampleTree());
    for (let length = 0; length < blob.length; length++) {
      expect(() => decodeFdt(blob.subarray(0, length))).toThrow(FdtError);
    }
    let seed = 1;
    for (let i = 0; i < 2000; i++) {
      const corrupt = blob.slice();
      seed = (seed * 1103515245 + 12345) >>> 0;
      corrupt[40 + (seed % (blob.length - 40))] ^= 1 << (seed >>> 29);
      try {
        decodeFdt(corrupt);
      } catch (error) {
        expect(error).toBeInstanceOf(FdtError);
      }
    }
  });
});

describe('buildVirtDeviceTree', () => {
  const { root } = decodeFdt(virtBlob(2));
  const phandleOf = (path: string) => root.find(path)!.cells('phandle')![0];

  it('describes the board like QEMU virt at the top level', () => {
    expect(root.cells('#address-cells')).toEqual([2]);
    expect(root.cells('#size-cells')).toEqual([2]);
    expect(root.string('compatible')).toBe('riscv-virtio');
    expect(root.find('/chosen')!.string('stdout-path')).toBe('/soc/serial@10000000');
    const memory = root.find('/memory@80000000')!;
    expect(memory.string('device_type')).toBe('memory');
    expect(memory.cells('reg')).toEqual([0, 0x8000_0000, 0, 0x800_0000]);
  });

  it('lists one cpu per hart with its interrupt controller', () => {
    const cpus = root.find('/cpus')!;
    expect(cpus.cells('timebase-frequency')).toEqual([10_000_000]);
    expect(cpus.cells('#address-cells')).toEqual([1]);
    expect(cpus.cells('#size-cells')).toEqual([0]);
    for (const hart of [0, 1]) {
      const cpu = cpus.child(`cpu@${hart}`)!;
      expect(cpu.string('device_type')).toBe('cpu');
      expect(cpu.cells('reg')).toEqual([hart]);
      expect(cpu.string('status')).toBe('okay');
      expect(cpu.string('compatible')).toBe('riscv');
      expect(cpu.string('riscv,isa')).toBe('rv32imach_zicntr_zicsr_zifencei');
      expect(cpu.string('mmu-type')).toBe('riscv,sv32');
      const intc = cpu.child('interrupt-controller')!;
      expect(intc.string('compatible')).toBe('riscv,cpu-intc');
      expect(intc.property('interrupt-controller')).toEqual(new Uint8Array(0));
      expect(intc.cells('#interrupt-cells')).toEqual([1]);
      expect(cpus.find(`cpu-map/cluster0/core${hart}`)!.cells('cpu')).toEqual(cpu.cells('phandle'));
    }
    expect(cpus.child('cpu@2')).toBeUndefined();
  });

  it('wires the CLINT and the PLIC to every hart', () => {
    const intc = [0, 1].map((h) => phandleOf(`/cpus/cpu@${h}/interrupt-controller`));
    const clint = root.find('/soc/clint@2000000')!;
    expect(clint.cells('interrupts-extended')).toEqual([intc[0], 3, intc[0], 7, intc[1], 3, intc[1], 7]);
    expect(clint.cells('reg')).toEqual([0, 0x200_0000, 0, 0x1_0000]);
    expect(clint.strings('compatible')).toEqual(['sifive,clint0', 'riscv,clint0']);
    const plic = root.find('/soc/plic@c000000')!;
    expect(plic.cells('interrupts-extended')).toEqual([intc[0], 11, intc[0], 9, intc[1], 11, intc[1], 9]);
    expect(plic.cells('riscv,ndev')).toEqual([96]);
    expect(plic.cells('reg')).toEqual([0, 0xc00_0000, 0, 0x60_0000]);
    expect(plic.cells('#interrupt-cells')).toEqual([1]);
    expect(plic.property('interrupt-controller')).toBeDefined();
  });

  it('lists UART0 on IRQ 10 and the console UARTs on 12..18', () => {
    const plic = phandleOf('/soc/plic@c000000');
    const serials = root.find('/soc')!.children.filter((c) => c.name.startsWith('serial@'));
    expect(serials.map((s) => [s.name, s.cells('interrupts')![0]])).toEqual([
      ['serial@10000000', 10],
      ['serial@10011000', 12],
      ['serial@10012000', 13],
      ['serial@10013000', 14],
      ['serial@10014000', 15],
      ['serial@10015000', 16],
      ['serial@10016000', 17],
      ['serial@10017000', 18],
    ]);
    for (const serial of serials) {
      expect(serial.string('compatible')).toBe('ns16550a');
      expect(serial.cells('interrupt-parent')).toEqual([plic]);
      expect(serial.cells('clock-frequency')).toEqual([0x384000]);
      expect(serial.cells('reg')![3]).toBe(0x100);
    }
  });

  it('describes the test finisher and the syscon poweroff and reboot', () => {
    const test = root.find('/soc/test@100000')!;
    expect(test.strings('compatible')).toEqual(['sifive,test1', 'sifive,test0', 'syscon']);
    expect(test.cells('reg')).toEqual([0, 0x10_0000, 0, 0x1000]);
    for (const [name, value] of [['poweroff', 0x5555], ['reboot', 0x7777]] as const) {
      const node = root.find(`/${name}`)!;
      expect(node.string('compatible')).toBe(`syscon-${name}`);
      expect(node.cells('value')).toEqual([value]);
      expect(node.cells('offset')).toEqual([0]);
      expect(node.cells('regmap')).toEqual(test.cells('phandle'));
    }
  });

  it('gives every phandle to one node only', () => {
    const phandles: number[] = [];
    const walk = (node: FdtNode) => {
      const p = node.cells('phandle');
      if (p) phandles.push(p[0]);
      node.children.forEach(walk);
    };
    walk(root);
    expect(new Set(phandles).size).toBe(phandles.length);
  });

  it('takes the ISA string and bootargs from its config', () => {
    const tree = buildVirtDeviceTree({ harts: 1, ramSize: 2 ** 20, isa: 'rv32imach_zicsr', bootargs: 'console=hvc0' });
    expect(tree.find('/cpus/cpu@0')!.string('riscv,isa')).toBe('rv32imach_zicsr');
    expect(tree.find('/chosen')!.string('bootargs')).toBe('console=hvc0');
  });
});

describe.skipIf(!toolAvailable('dtc', 'device-tree-compiler'))('dtc', () => {
  it('accepts the board device tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdt-'));
    try {
      const file = join(dir, 'board.dtb');
      writeFileSync(file, virtBlob(4));
      const source = execFileSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8', stdio: 'pipe' });
      expect(source).toContain('serial@10017000');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Node contents with phandle references replaced by the paths they name. */
function resolvedContents(root: FdtNode, path: string): Record<string, unknown> {
  const paths = new Map<number, string>();
  const walk = (node: FdtNode, at: string) => {
    const phandle = node.cells('phandle');
    if (phandle) paths.set(phandle[0], at);
    node.children.forEach((child) => walk(child, `${at}/${child.name}`));
  };
  walk(root, '');
  const node = root.find(path)!;
  const contents: Record<string, unknown> = {};
  for (const { name, value } of node.properties) {
    if (name === 'phandle' || name === 'riscv,isa') continue;
    if (name === 'interrupts-extended') {
      contents[name] = node.cells(name)!.map((cell, i) => (i % 2 === 0 ? paths.get(cell) : cell));
    } else if (['interrupt-parent', 'regmap', 'cpu'].includes(name)) {
      contents[name] = paths.get(node.cells(name)![0]);
    } else {
      contents[name] = Array.from(value);
    }
  }
  return contents;
}

describe.skipIf(!toolAvailable('qemu-system-riscv32', 'qemu-system-misc'))('against QEMU 7.2', () => {
  it('matches the nodes of the devices both boards have', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdt-qemu-'));
    try {
      const file = join(dir, 'virt.dtb');
      execFileSync(
        'qemu-system-riscv32',
        ['-M', `virt,dumpdtb=${file}`, '-smp', '2', '-m', '128M', '-nographic', '-bios', 'none'],
        { stdio: 'pipe' },
      );
      const qemu = decodeFdt(new Uint8Array(readFileSync(file))).root;
      const ours = decodeFdt(virtBlob(2)).root;
      for (const path of [
        '/memory@80000000',
        '/cpus',
        '/cpus/cpu@0',
        '/cpus/cpu@1/interrupt-controller',
        '/cpus/cpu-map/cluster0/core1',
        '/soc',
        '/soc/clint@2000000',
        '/soc/plic@c000000',
        '/soc/serial@10000000',
        '/soc/test@100000',
        '/poweroff',
        '/reboot',
      ]) {
        expect(resolvedContents(ours, path), path).toEqual(resolvedContents(qemu, path));
      }
      expect(ours.find('/chosen')!.string('stdout-path')).toBe(qemu.find('/chosen')!.string('stdout-path'));
      expect(ours.string('model')).toBe(qemu.string('model'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/*
 * Flattened device tree (DTB, version 17): a small writer, a reader, and
 * the tree that describes this board.
 *
 * Software inside the machine finds its devices by reading this tree
 * rather than hard-coding addresses (DESIGN.md). `buildVirtDeviceTree`
 * gives it the shape QEMU 7.2's riscv32 virt machine uses, restricted to
 * the devices this board has, plus the extra console UARTs.
 *
 * Blob layout (big-endian): a 40-byte header, the memory reservation block
 * (address/size u64 pairs ending with a zero pair), the structure block
 * (tokens: begin node, property, end node, end) and the strings block
 * (property names, each stored once).
 */

import {
  CLINT_BASE,
  CLINT_SIZE,
  PLIC_BASE,
  PLIC_SIZE,
  RAM_BASE,
  TEST_FINISHER_BASE,
  TEST_FINISHER_SIZE,
  UART_CLOCK_HZ,
  UART_COUNT,
  UART_WINDOW_SIZE,
  uartBase,
  uartIrq,
} from './memory-map.ts';
import { TIMEBASE_HZ } from './device.ts';
import { FINISHER_PASS, FINISHER_RESET } from './devices/finisher.ts';
import { PLIC_NUM_SOURCES } from './devices/plic.ts';

const FDT_MAGIC = 0xd00dfeed;
const FDT_VERSION = 17;
/** Oldest version a reader of ours must understand to read the blob. */
const FDT_LAST_COMPATIBLE_VERSION = 16;
const FDT_HEADER_SIZE = 40;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;

/** A malformed device tree blob. */
export class FdtError extends Error {
  override name = 'FdtError';
}

export interface FdtProperty {
  name: string;
  value: Uint8Array;
}

/** A memory reservation block entry: a range the OS must not use. */
export interface FdtReservation {
  address: number;
  size: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A device tree node, built by the writer or returned by the reader. */
export class FdtNode {
  readonly properties: FdtProperty[] = [];
  readonly children: FdtNode[] = [];

  constructor(readonly name: string) {}

  addChild(name: string): FdtNode {
    const node = new FdtNode(name);
    this.children.push(node);
    return node;
  }

  /** Sets (or replaces) a property with raw bytes. */
  setBytes(name: string, value: Uint8Array): this {
    const existing = this.properties.find((p) => p.name === name);
    if (existing) existing.value = value;
    else this.properties.push({ name, value });
    return this;
  }

  /** A list of big-endian 32-bit cells. */
  setCells(name: string, ...cells: number[]): this {
    const value = new Uint8Array(cells.length * 4);
    const view = new DataView(value.buffer);
    cells.forEach((cell, i) => view.setUint32(i * 4, cell >>> 0));
    return this.setBytes(name, value);
  }

  setString(name: string, value: string): this {
    return this.setStrings(name, value);
  }

  /** NUL-terminated strings, one after another (e.g. compatible). */
  setStrings(name: string, ...values: string[]): this {
    return this.setBytes(name, encoder.encode(values.map((v) => v + '\0').join('')));
  }

  /** A property with no value: a flag such as interrupt-controller. */
  setEmpty(name: string): this {
    return this.setBytes(name, new Uint8Array(0));
  }

  setPhandle(phandle: number): this {
    return this.setCells('phandle', phandle);
  }

  child(name: string): FdtNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  /** The node at a path such as "/soc/serial@10000000", from this node. */
  find(path: string): FdtNode | undefined {
    let node: FdtNode | undefined = this;
    for (const part of path.split('/')) {
      if (part !== '') node = node?.child(part);
    }
    return node;
  }

  property(name: string): Uint8Array | undefined {
    return this.properties.find((p) => p.name === name)?.value;
  }

  cells(name: string): number[] | undefined {
    const value = this.property(name);
    if (value === undefined) return undefined;
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    return Array.from({ length: value.byteLength >>> 2 }, (_, i) => view.getUint32(i * 4));
  }

  strings(name: string): string[] | undefined {
    const value = this.property(name);
    if (value === undefined) return undefined;
    const text = decoder.decode(value);
    return (text.endsWith('\0') ? text.slice(0, -1) : text).split('\0');
  }

  string(name: string): string | undefined {
    return this.strings(name)?.[0];
  }
}

/** Grows as bytes are appended; big-endian words. */
class ByteWriter {
  private bytes = new Uint8Array(1024);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
  }

  u32(value: number): void {
    this.reserve(4);
    new DataView(this.bytes.buffer).setUint32(this.length, value >>> 0);
    this.length += 4;
  }

  u64(value: number): void {
    this.u32(Math.floor(value / 2 ** 32));
    this.u32(value >>> 0);
  }

  append(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  /** Zero-pads to a multiple of `alignment`. */
  align(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.append(new Uint8Array(padding));
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export interface FdtEncodeOptions {
  reservations?: FdtReservation[];
  /** Physical ID of the CPU that boots (header field boot_cpuid_phys). */
  bootCpuId?: number;
}

/** Encodes the tree rooted at `root` (whose name is ignored) as a DTB. */
export function encodeFdt(root: FdtNode, options: FdtEncodeOptions = {}): Uint8Array {
  const structure = new ByteWriter();
  const strings = new ByteWriter();
  const stringOffsets = new Map<string, number>();
  const nameOffset = (name: string): number => {
    let offset = stringOffsets.get(name);
    if (offset === undefined) {
      offset = strings.length;
      stringOffsets.set(name, offset);
      strings.append(encoder.encode(name + '\0'));
    }
    return offset;
  };
  const writeNode = (node: FdtNode, name: string): void => {
    structure.u32(FDT_BEGIN_NODE);
    structure.append(encoder.encode(name + '\0'));
    structure.align(4);
    for (const property of node.properties) {
      structure.u32(FDT_PROP);
      structure.u32(property.value.length);
      structure.u32(nameOffset(property.name));
      structure.append(property.value);
      structure.align(4);
    }
    for (const child of node.children) writeNode(child, child.name);
    structure.u32(FDT_END_NODE);
  };
  writeNode(root, '');
  structure.u32(FDT_END);

  const reservations = new ByteWriter();
  for (const { address, size } of options.reservations ?? []) {
    reservations.u64(address);
    reservations.u64(size);
  }
  reservations.u64(0);
  reservations.u64(0);

  const reservationOffset = FDT_HEADER_SIZE; // already 8-byte aligned
  const structureOffset = reservationOffset + reservations.length;
  const stringsOffset = structureOffset + structure.length;
  const totalSize = stringsOffset + strings.length;
  const blob = new ByteWriter();
  for (const field of [
    FDT_MAGIC,
    totalSize,
    structureOffset,
    stringsOffset,
    reservationOffset,
    FDT_VERSION,
    FDT_LAST_COMPATIBLE_VERSION,
    options.bootCpuId ?? 0,
    strings.length,
    structure.length,
  ]) {
    blob.u32(field);
  }
  blob.append(reservations.finish());
  blob.append(structure.finish());
  blob.append(strings.finish());
  return blob.finish();
}

export interface DecodedFdt {
  root: FdtNode;
  reservations: FdtReservation[];
  bootCpuId: number;
  version: number;
  totalSize: number;
}

/** Reads a DTB back into a tree. Throws FdtError on a malformed blob. */
export function decodeFdt(bytes: Uint8Array): DecodedFdt {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (offset: number): number => {
    if (offset + 4 > bytes.length) throw new FdtError(`device tree truncated at offset ${offset}`);
    return view.getUint32(offset);
  };
  if (bytes.length < FDT_HEADER_SIZE || u32(0) !== FDT_MAGIC) throw new FdtError('not a device tree blob');
  const [totalSize, structureOffset, stringsOffset, reservationOffset, version, lastCompatible, bootCpuId] = [
    4, 8, 12, 16, 20, 24, 28,
  ].map(u32);
  const stringsSize = u32(32);
  const structureSize = u32(36);
  if (lastCompatible > FDT_VERSION || version < FDT_LAST_COMPATIBLE_VERSION) {
    throw new FdtError(`unsupported device tree version ${version}`);
  }
  if (totalSize > bytes.length) throw new FdtError(`device tree says ${totalSize} bytes, has ${bytes.length}`);
  if (structureOffset + structureSize > totalSize || stringsOffset + stringsSize > totalSize) {
    throw new FdtError('device tree blocks lie outside the blob');
  }

  const reservations: FdtReservation[] = [];
  for (let offset = reservationOffset; ; offset += 16) {
    if (offset + 16 > totalSize) throw new FdtError('unterminated memory reservation block');
    const address = u32(offset) * 2 ** 32 + u32(offset + 4);
    const size = u32(offset + 8) * 2 ** 32 + u32(offset + 12);
    if (address === 0 && size === 0) break;
    reservations.push({ address, size });
  }

  const readString = (start: number, end: number): [string, number] => {
    const nul = bytes.indexOf(0, start);
    if (nul < 0 || nul >= end) throw new FdtError(`unterminated string at offset ${start}`);
    return [decoder.decode(bytes.subarray(start, nul)), nul + 1];
  };
  const structureEnd = structureOffset + structureSize;
  const stringsEnd = stringsOffset + stringsSize;
  let cursor = structureOffset;
  const token = (): number => {
    if (cursor + 4 > structureEnd) throw new FdtError('structure block ends inside a node');
    const value = u32(cursor);
    cursor += 4;
    return value;
  };
  const align4 = (offset: number) => (offset + 3) & ~3;

  const readNode = (name: string, depth: number): FdtNode => {
    if (depth > 64) throw new FdtError('device tree nested too deeply');
    const node = new FdtNode(name);
    for (;;) {
      const kind = token();
      if (kind === FDT_END_NODE) return node;
      if (kind === FDT_NOP) continue;
      if (kind === FDT_PROP) {
        const length = token();
        const nameAt = token();
        if (cursor + length > structureEnd) throw new FdtError('property value runs past the structure block');
        if (nameAt >= stringsSize) throw new FdtError(`property name offset ${nameAt} outside the strings block`);
        const [propertyName] = readString(stringsOffset + nameAt, stringsEnd);
        node.setBytes(propertyName, bytes.slice(cursor, cursor + length));
        cursor = align4(cursor + length);
      } else if (kind === FDT_BEGIN_NODE) {
        const [childName, next] = readString(cursor, structureEnd);
        cursor = align4(next);
        node.children.push(readNode(childName, depth + 1));
      } else {
        throw new FdtError(`unexpected token ${kind} at offset ${cursor - 4}`);
      }
    }
  };

  while (token() === FDT_NOP) {
    // NOPs may precede the root.
  }
  cursor -= 4;
  if (token() !== FDT_BEGIN_NODE) throw new FdtError('structure block does not start with a node');
  const [, afterName] = readString(cursor, structureEnd);
  cursor = align4(afterName);
  const root = readNode('', 0);
  let last = token();
  while (last === FDT_NOP) last = token();
  if (last !== FDT_END) throw new FdtError('structure block does not end with FDT_END');
  return { root, reservations, bootCpuId, version, totalSize };
}

/** What the device tree of this board depends on. */
export interface VirtDeviceTreeConfig {
  harts: number;
  ramSize: number;
  /** UARTs present, UART0 first (default all eight). */
  uarts?: number;
  /** riscv,isa of every hart. */
  isa?: string;
  /** /chosen/bootargs, omitted when undefined. */
  bootargs?: string;
}

/** RV32IMAC + Zicsr + Zifencei + Zicntr, Z extensions in canonical (alphabetical) order. */
export const DEFAULT_RISCV_ISA = 'rv32imach_zicntr_zicsr_zifencei';

// Interrupt numbers in a hart's local interrupt controller (mip bit numbers).
const IRQ_M_SOFTWARE = 3;
const IRQ_M_TIMER = 7;
const IRQ_S_EXTERNAL = 9;
const IRQ_M_EXTERNAL = 11;

const hex = (address: number) => address.toString(16);
/** A 64-bit address or size as two cells (#address-cells = #size-cells = 2). */
const cells64 = (value: number) => [Math.floor(value / 2 ** 32), value >>> 0];

/**
 * The device tree of this board, shaped like QEMU 7.2's riscv32 virt tree
 * (same node names, compatibles and properties for the devices both have).
 */
export function buildVirtDeviceTree(config: VirtDeviceTreeConfig): FdtNode {
  const uarts = config.uarts ?? UART_COUNT;
  let nextPhandle = 1;
  const root = new FdtNode('')
    .setCells('#address-cells', 2)
    .setCells('#size-cells', 2)
    .setString('compatible', 'riscv-virtio')
    .setString('model', 'riscv-virtio,qemu');

  const chosen = root.addChild('chosen').setString('stdout-path', `/soc/serial@${hex(uartBase(0))}`);
  if (config.bootargs !== undefined) chosen.setString('bootargs', config.bootargs);

  root
    .addChild(`memory@${hex(RAM_BASE)}`)
    .setString('device_type', 'memory')
    .setCells('reg', ...cells64(RAM_BASE), ...cells64(config.ramSize));

  const cpus = root
    .addChild('cpus')
    .setCells('#address-cells', 1)
    .setCells('#size-cells', 0)
    .setCells('timebase-frequency', TIMEBASE_HZ);
  const cpuPhandles: number[] = [];
  const intcPhandles: number[] = [];
  for (let hart = 0; hart < config.harts; hart++) {
    const cpu = cpus
      .addChild(`cpu@${hart}`)
      .setPhandle(nextPhandle)
      .setString('device_type', 'cpu')
      .setCells('reg', hart)
      .setString('status', 'okay')
      .setString('compatible', 'riscv')
      .setString('riscv,isa', config.isa ?? DEFAULT_RISCV_ISA)
      .setString('mmu-type', 'riscv,sv32');
    cpuPhandles.push(nextPhandle++);
    cpu
      .addChild('interrupt-controller')
      .setCells('#interrupt-cells', 1)
      .setEmpty('interrupt-controller')
      .setString('compatible', 'riscv,cpu-intc')
      .setPhandle(nextPhandle);
    intcPhandles.push(nextPhandle++);
  }
  const cluster = cpus.addChild('cpu-map').addChild('cluster0');
  cpuPhandles.forEach((phandle, hart) => cluster.addChild(`core${hart}`).setCells('cpu', phandle));

  const soc = root
    .addChild('soc')
    .setCells('#address-cells', 2)
    .setCells('#size-cells', 2)
    .setString('compatible', 'simple-bus')
    .setEmpty('ranges');
  soc
    .addChild(`clint@${hex(CLINT_BASE)}`)
    .setCells('interrupts-extended', ...intcPhandles.flatMap((p) => [p, IRQ_M_SOFTWARE, p, IRQ_M_TIMER]))
    .setCells('reg', ...cells64(CLINT_BASE), ...cells64(CLINT_SIZE))
    .setStrings('compatible', 'sifive,clint0', 'riscv,clint0');
  const plicPhandle = nextPhandle++;
  soc
    .addChild(`plic@${hex(PLIC_BASE)}`)
    .setPhandle(plicPhandle)
    .setCells('riscv,ndev', PLIC_NUM_SOURCES)
    .setCells('reg', ...cells64(PLIC_BASE), ...cells64(PLIC_SIZE))
    .setCells('interrupts-extended', ...intcPhandles.flatMap((p) => [p, IRQ_M_EXTERNAL, p, IRQ_S_EXTERNAL]))
    .setEmpty('interrupt-controller')
    .setStrings('compatible', 'sifive,plic-1.0.0', 'riscv,plic0')
    .setCells('#address-cells', 0)
    .setCells('#interrupt-cells', 1);
  for (let n = 0; n < uarts; n++) {
    soc
      .addChild(`serial@${hex(uartBase(n))}`)
      .setCells('interrupts', uartIrq(n))
      .setCells('interrupt-parent', plicPhandle)
      .setCells('clock-frequency', UART_CLOCK_HZ)
      .setCells('reg', ...cells64(uartBase(n)), ...cells64(UART_WINDOW_SIZE))
      .setString('compatible', 'ns16550a');
  }
  const testPhandle = nextPhandle++;
  soc
    .addChild(`test@${hex(TEST_FINISHER_BASE)}`)
    .setPhandle(testPhandle)
    .setCells('reg', ...cells64(TEST_FINISHER_BASE), ...cells64(TEST_FINISHER_SIZE))
    .setStrings('compatible', 'sifive,test1', 'sifive,test0', 'syscon');

  // Linux's syscon-poweroff and syscon-reboot drivers write these values.
  for (const [name, value] of [
    ['poweroff', FINISHER_PASS],
    ['reboot', FINISHER_RESET],
  ] as const) {
    root
      .addChild(name)
      .setCells('value', value)
      .setCells('offset', 0)
      .setCells('regmap', testPhandle)
      .setString('compatible', `syscon-${name}`);
  }
  return root;
}

/*
 * Boot modules: kernels the board puts in RAM for a hypervisor to start,
 * named in the device tree's /chosen the way Xen on Arm reads them for a
 * dom0less boot:
 *
 *   chosen {
 *       #address-cells = <1>; #size-cells = <1>;
 *       module@87d99000 {                       Dom0's kernel
 *           compatible = "multiboot,kernel", "multiboot,module";
 *           reg = <0x87d99000 SIZE>;            SIZE: the file's exact size
 *           bootargs = "...";                   only if given
 *       };
 *       guest1 {                                a DomU built at boot
 *           compatible = "xen,domain";
 *           #address-cells = <1>; #size-cells = <1>;
 *           memory = <0 KIB>;                   only if given (64 bits, in KiB)
 *           cpus = <VCPUS>;
 *           hyperlab,weight = <W>;              only if given
 *           hyperlab,cap = <C>;                 only if given
 *           hyperlab,on-poweroff = "ACTION";    only if given: destroy, restart or preserve
 *           hyperlab,on-reboot = "ACTION";      (so too)
 *           hyperlab,on-crash = "ACTION";       (so too)
 *           module@87d32000 { ...as Dom0's... };
 *       };
 *   };
 *
 * The board checks that each file is a kernel (an ELF32 RISC-V executable
 * or a RISC-V Image), so that a bad file never reaches the software inside,
 * and copies it into RAM byte for byte. Placement is deterministic: each
 * module at a 4 KiB boundary, downwards from just below the device tree,
 * Dom0's first and then the DomUs in the order given, stepping below
 * anything the loaded image occupies.
 */
import { ImageError, readElfSegments, type ReservedRange } from './elf.ts';
import type { FdtNode } from './fdt.ts';
import { MAX_HARTS } from './memory-map.ts';
import { readRiscvImageHeader } from './riscv-image.ts';

/** A file handed to the board: its name (for messages) and its bytes. */
export interface BootFile {
  /** A path (the runner) or an address relative to the page. */
  file: string;
  bytes: Uint8Array;
}

/** A DomU's settings, as its xen,domain node states them. */
export interface BootDomain {
  /** The domain's name, which is its node's name under /chosen. */
  name: string;
  /** Omitted: the hypervisor chooses. */
  memoryMiB?: number;
  /** Default 1. */
  vcpus?: number;
  /** The credit scheduler's weight; omitted: the hypervisor's default. */
  weight?: number;
  /** The credit scheduler's cap in percent of one pCPU (0: none); omitted: the hypervisor's default. */
  cap?: number;
  /** What its power-off leads to; omitted: destroy. */
  onPoweroff?: ShutdownAction;
  /** What its reboot leads to; omitted: restart. */
  onReboot?: ShutdownAction;
  /** What its crash leads to; omitted: preserve (kept for the debug keys). */
  onCrash?: ShutdownAction;
}

/** What a DomU's shutdown leads to, as xl.cfg's on_poweroff, on_reboot and on_crash name it. */
export type ShutdownAction = 'destroy' | 'restart' | 'preserve';
export const SHUTDOWN_ACTIONS: readonly ShutdownAction[] = ['destroy', 'restart', 'preserve'];

/** The three actions of a DomU: the key in `--domain` fields, the field in BootDomain, the node's property. */
export const DOMAIN_ACTIONS = [
  { key: 'on_poweroff', field: 'onPoweroff', property: 'hyperlab,on-poweroff' },
  { key: 'on_reboot', field: 'onReboot', property: 'hyperlab,on-reboot' },
  { key: 'on_crash', field: 'onCrash', property: 'hyperlab,on-crash' },
] as const;

/** Throws BootConfigError unless `value` is one of the actions. */
export function checkDomainAction(domain: string, key: string, value: string): ShutdownAction {
  const action = SHUTDOWN_ACTIONS.find((a) => a === value);
  if (!action) throw new BootConfigError(`${domain}: ${key} must be destroy, restart or preserve, not '${value}'`);
  return action;
}

/** A boot module as its user describes it (`--module`, `--domain`, the page's address). */
export interface BootModuleSpec {
  /** The kernel's file. */
  file: string;
  /** Its command line; omitted when empty. */
  bootargs?: string;
  /** The DomU this kernel boots; absent for Dom0's kernel. */
  domain?: BootDomain;
}

/** A boot module with its file's bytes: what the board loads. */
export interface BootModule extends BootModuleSpec, BootFile {}

/** A boot module and where the board put it in RAM. */
export interface PlacedModule extends BootModule {
  address: number;
}

/** A module set the board cannot build (the message says why). */
export class BootConfigError extends Error {
  override name = 'BootConfigError';
}

/** DomUs built at boot, at most: one per console UART (1..7). */
export const MAX_BOOT_DOMAINS = 7;

/** A numeric setting of a DomU: its key in `--domain` fields, its field in BootDomain, its range. */
export interface DomainSetting {
  key: string;
  field: 'memoryMiB' | 'vcpus' | 'weight' | 'cap';
  min: number;
  max: number;
  unit: string;
}

export const DOMAIN_SETTINGS: readonly DomainSetting[] = [
  { key: 'memory', field: 'memoryMiB', min: 4, max: 2048, unit: ' MiB' },
  { key: 'vcpus', field: 'vcpus', min: 1, max: MAX_HARTS, unit: '' },
  { key: 'weight', field: 'weight', min: 1, max: 65535, unit: '' },
  { key: 'cap', field: 'cap', min: 0, max: 100 * MAX_HARTS, unit: '%' },
];

/** Devicetree specification 2.2.1: 1 to 31 of [0-9a-zA-Z,._+-], starting with a letter. */
const NODE_NAME = /^[A-Za-z][A-Za-z0-9,._+-]{0,30}$/;

const PAGE_SIZE = 0x1000;
const KIB = 1024;
/** Hex digits as node names and messages write addresses: 87d99000. */
const hex = (value: number) => value.toString(16);

/** Who a module is for, in messages: the DomU's name or Dom0. */
export function moduleOwner(module: BootModuleSpec): string {
  return module.domain?.name ?? 'Dom0';
}

/** Throws BootConfigError unless `value` is a whole number in the setting's range (`shown`: as the user wrote it). */
export function checkDomainSetting(domain: string, setting: DomainSetting, value: number, shown = String(value)): void {
  if (!Number.isInteger(value) || value < setting.min || value > setting.max) {
    throw new BootConfigError(
      `${domain}: ${setting.key} must be a whole number from ${setting.min} to ${setting.max}${setting.unit}, not ${shown}`,
    );
  }
}

function checkDomain(domain: BootDomain): void {
  if (!NODE_NAME.test(domain.name)) {
    throw new BootConfigError(
      `'${domain.name}' cannot name a domain: a device-tree node name is 1 to 31 letters, digits and , . _ + -, ` +
        'starting with a letter',
    );
  }
  for (const setting of DOMAIN_SETTINGS) {
    const value = domain[setting.field];
    if (value !== undefined) checkDomainSetting(domain.name, setting, value);
  }
  for (const action of DOMAIN_ACTIONS) {
    const value = domain[action.field];
    if (value !== undefined) checkDomainAction(domain.name, action.key, value);
  }
}

/** Throws BootConfigError unless the set is one the board can build: one Dom0 kernel at most, 7 DomUs with unique names. */
export function checkBootModules(modules: readonly BootModuleSpec[]): void {
  const dom0 = modules.filter((module) => module.domain === undefined);
  if (dom0.length > 1) throw new BootConfigError(`Dom0 has one kernel; ${dom0.length} were given`);
  const domains = modules.flatMap((module) => (module.domain ? [module.domain] : []));
  if (domains.length > MAX_BOOT_DOMAINS) {
    throw new BootConfigError(
      `at most ${MAX_BOOT_DOMAINS} domains can be built at boot (one per console UART 1..7), not ${domains.length}`,
    );
  }
  const names = new Set<string>();
  for (const domain of domains) {
    checkDomain(domain);
    if (names.has(domain.name)) throw new BootConfigError(`two domains are called '${domain.name}'`);
    names.add(domain.name);
  }
}

export type KernelFormat = 'elf' | 'image';

/**
 * What kind of kernel a file holds: an ELF32 RISC-V executable, or a flat
 * RISC-V Image (riscv-image.ts). Throws an ImageError naming the file (and
 * `owner`, when given) for anything else.
 */
export function kernelFormat(kernel: BootFile, owner?: string): KernelFormat {
  if (readRiscvImageHeader(kernel.bytes)) return 'image';
  let reason = '';
  if (isElf(kernel.bytes)) {
    try {
      readElfSegments(kernel.bytes);
      return 'elf';
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      reason = ` (${error.message})`;
    }
  }
  const subject = owner === undefined ? kernel.file : `${owner}: ${kernel.file}`;
  throw new ImageError(`${subject} is neither an ELF32 RISC-V executable nor a RISC-V Image${reason}`, kernel.file);
}

function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Dom0's kernel first, then the DomUs in the order given: the order of placement and of /chosen. */
function bootOrder<T extends BootModuleSpec>(modules: readonly T[]): T[] {
  return [...modules.filter((m) => m.domain === undefined), ...modules.filter((m) => m.domain !== undefined)];
}

const alignDown = (address: number) => Math.floor(address / PAGE_SIZE) * PAGE_SIZE;
const alignUp = (size: number) => Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;

/** The first of `ranges` that overlaps [address, address + size), if any. */
function overlapping(ranges: readonly ReservedRange[], address: number, size: number): ReservedRange | undefined {
  return ranges.find((range) => address < range.address + range.size && range.address < address + size);
}

/**
 * Where each module goes: page-aligned, downwards from `top` (the device
 * tree's address), never overlapping `occupied` (the loaded image's
 * segments) nor going below `ramBase`. Returns the modules in boot order.
 * Throws ImageError when they do not fit.
 */
export function placeModules(
  modules: readonly BootModule[],
  top: number,
  ramBase: number,
  occupied: readonly ReservedRange[],
): PlacedModule[] {
  const placed: PlacedModule[] = [];
  let below = alignDown(top);
  for (const module of bootOrder(modules)) {
    const size = alignUp(module.bytes.length);
    let address = below - size;
    for (let blocker = overlapping(occupied, address, size); blocker; blocker = overlapping(occupied, address, size)) {
      address = alignDown(blocker.address) - size;
    }
    if (address < ramBase) {
      throw new ImageError(
        `the boot modules do not fit in RAM: ${moduleOwner(module)}'s kernel ${module.file} (${module.bytes.length} ` +
          `bytes) finds no room between 0x${hex(ramBase)} and 0x${hex(below)}, beside the image and the other modules`,
        module.file,
      );
    }
    placed.push({ ...module, address });
    below = address;
  }
  return placed;
}

function addModuleNode(parent: FdtNode, module: PlacedModule): void {
  const node = parent
    .addChild(`module@${hex(module.address)}`)
    .setStrings('compatible', 'multiboot,kernel', 'multiboot,module')
    .setCells('reg', module.address, module.bytes.length);
  if (module.bootargs) node.setString('bootargs', module.bootargs);
}

function addDomainNode(chosen: FdtNode, domain: BootDomain): FdtNode {
  const node = chosen
    .addChild(domain.name)
    .setString('compatible', 'xen,domain')
    .setCells('#address-cells', 1)
    .setCells('#size-cells', 1);
  if (domain.memoryMiB !== undefined) node.setCells('memory', 0, domain.memoryMiB * KIB); // 64-bit KiB
  node.setCells('cpus', domain.vcpus ?? 1);
  if (domain.weight !== undefined) node.setCells('hyperlab,weight', domain.weight);
  if (domain.cap !== undefined) node.setCells('hyperlab,cap', domain.cap);
  for (const action of DOMAIN_ACTIONS) {
    const value = domain[action.field];
    if (value !== undefined) node.setString(action.property, value);
  }
  return node;
}

/** Names the placed modules under /chosen (Xen's dom0less binding, above), in boot order. */
export function addBootModules(chosen: FdtNode, modules: readonly PlacedModule[]): void {
  if (modules.length === 0) return;
  chosen.setCells('#address-cells', 1).setCells('#size-cells', 1);
  for (const module of bootOrder(modules)) {
    addModuleNode(module.domain ? addDomainNode(chosen, module.domain) : chosen, module);
  }
}

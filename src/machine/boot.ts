/*
 * What the machine does to its software at power-on and at every reset,
 * as QEMU's virt machine does with -bios, -kernel and its guest loader:
 *
 *  1. the devices go to their reset state;
 *  2. the image (the firmware) is loaded: an ELF at its physical addresses,
 *     or a raw binary at 0x80000000, where the boot ROM enters it;
 *  3. a kernel, if given, is loaded for the firmware to start: an ELF at its
 *     own physical addresses, a RISC-V Image at the firmware's payload
 *     address (QEMU 7.2 with a -bios on rv32: 0x80400000);
 *  4. boot modules, if given, are copied below the device tree, which names
 *     them in /chosen (boot-modules.ts).
 *
 * Nothing may overlap anything else; everything is checked before RAM is
 * written where it can be, and every problem is an ImageError or a
 * BootConfigError with a message for the user.
 */
import type { Board } from './board.ts';
import {
  checkBootModules, kernelFormat, moduleOwner, placeModules, type BootFile, type BootModule, type PlacedModule,
} from './boot-modules.ts';
import { ImageError, SymbolTable, type LoadedImage, type ReservedRange } from './elf.ts';
import { RAM_BASE } from './memory-map.ts';
import { readRiscvImageHeader } from './riscv-image.ts';

/** Where an SBI firmware starts its payload, and where a RISC-V Image kernel goes (firmware/sbi/params.h). */
export const KERNEL_PAYLOAD_ADDRESS = 0x8040_0000;

/** The software a machine boots: what its configuration says to load at every reset. */
export interface BootSoftware {
  /** What the boot ROM enters at 0x80000000: an ELF32 executable, or a raw binary loaded there. */
  image: Uint8Array;
  imageFormat?: 'elf' | 'raw';
  /** A kernel for the SBI firmware in `image` to start (QEMU's -kernel). */
  kernel?: BootFile;
  /** Kernels for a hypervisor in `image`: Dom0's and the DomUs built at boot (boot-modules.ts). */
  modules?: readonly BootModule[];
}

/** What the machine loaded, and where. */
export interface LoadedSoftware {
  image: LoadedImage;
  kernel?: LoadedImage;
  /** In boot order: Dom0's kernel first. */
  modules: PlacedModule[];
  /** The image's symbols and the kernel's. */
  symbols: SymbolTable;
}

/** Resets `board` and loads `software` onto it (see the top of this file). */
export function bootSoftware(board: Board, software: BootSoftware): LoadedSoftware {
  const modules = software.modules ?? [];
  checkBootModules(modules);
  for (const module of modules) kernelFormat(module, moduleOwner(module));
  board.reset();
  // Module addresses always have eight hex digits, so the tree's size, and
  // with it its place, does not depend on where the modules go: a tree with
  // every module at the start of RAM is where the final one will be.
  board.writeDeviceTree(modules.map((module) => ({ ...module, address: board.ramBase })));
  const treeAddress = board.fdtAddress;
  const image = software.imageFormat === 'raw'
    ? board.loadRaw(software.image, RAM_BASE)
    : board.loadElf(software.image);
  const occupied = rangesOf(software.kernel ? 'the firmware' : 'the image', image);
  const kernel = software.kernel && loadKernel(board, software.kernel, occupied);
  if (kernel) occupied.push(...rangesOf('the kernel', kernel));
  const placed = placeModules(modules, treeAddress, board.ramBase, occupied);
  board.writeDeviceTree(placed);
  if (board.fdtAddress !== treeAddress) throw new Error('bootSoftware: the device tree moved when modules were placed');
  for (const module of placed) board.ram8.set(module.bytes, module.address - board.ramBase);
  board.setStartAddress(RAM_BASE); // as QEMU: the boot ROM enters RAM at its start, whatever the entry
  const symbols = kernel ? new SymbolTable([...image.symbols.symbols, ...kernel.symbols.symbols]) : image.symbols;
  return { image, kernel, modules: placed, symbols };
}

function rangesOf(name: string, loaded: LoadedImage): ReservedRange[] {
  return loaded.segments.map((segment) => ({ name, address: segment.address, size: segment.memorySize }));
}

/** Loads the firmware's kernel clear of `reserved`; errors name the kernel's file. */
function loadKernel(board: Board, kernel: BootFile, reserved: readonly ReservedRange[]): LoadedImage {
  const format = kernelFormat(kernel);
  try {
    if (format === 'elf') return board.loadElf(kernel.bytes, reserved);
    const { imageSize } = readRiscvImageHeader(kernel.bytes)!;
    return board.loadRaw(kernel.bytes, KERNEL_PAYLOAD_ADDRESS, reserved, imageSize);
  } catch (error) {
    if (error instanceof ImageError && error.file === undefined) {
      throw new ImageError(`${kernel.file}: ${error.message}`, kernel.file);
    }
    throw error;
  }
}

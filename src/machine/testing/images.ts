/*
 * Tiny boot files for tests, built in memory: ELF32 executables with the
 * segments a test asks for, and RISC-V Images around a flat program.
 */
import {
  RISCV_IMAGE_HEADER_SIZE, RISCV_IMAGE_MAGIC, RISCV_IMAGE_MAGIC2, RISCV_IMAGE_MAGIC2_OFFSET, RISCV_IMAGE_MAGIC_OFFSET,
  RISCV_IMAGE_SIZE_OFFSET, RISCV_IMAGE_TEXT_OFFSET, RISCV_IMAGE_VERSION_OFFSET,
} from '../riscv-image.ts';
import { jal } from './encode.ts';

export interface TestSegment {
  address: number;
  /** Bytes of the segment in the file (default none). */
  data?: Uint8Array;
  /** Bytes in memory (default the data's length). */
  memorySize?: number;
}

export interface TestElfOptions {
  /** ELFCLASS32 = 1 (default), ELFCLASS64 = 2. */
  elfClass?: number;
  /** ET_EXEC = 2 (default), ET_DYN = 3. */
  type?: number;
  /** EM_RISCV = 243 (default). */
  machine?: number;
}

const ELF_HEADER_SIZE = 52;
const PROGRAM_HEADER_SIZE = 32;

/** An ELF32 little-endian executable with one PT_LOAD program header per segment, entry at the first. */
export function elfExecutable(segments: readonly TestSegment[], options: TestElfOptions = {}): Uint8Array {
  const headersEnd = ELF_HEADER_SIZE + PROGRAM_HEADER_SIZE * segments.length;
  const dataSize = segments.reduce((total, segment) => total + (segment.data?.length ?? 0), 0);
  const bytes = new Uint8Array(headersEnd + dataSize);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, options.elfClass ?? 1, 1, 1]);
  view.setUint16(16, options.type ?? 2, true);
  view.setUint16(18, options.machine ?? 243, true);
  view.setUint32(20, 1, true); // e_version
  view.setUint32(24, segments[0]?.address ?? 0, true); // e_entry
  view.setUint32(28, ELF_HEADER_SIZE, true); // e_phoff
  view.setUint16(40, ELF_HEADER_SIZE, true); // e_ehsize
  view.setUint16(42, PROGRAM_HEADER_SIZE, true);
  view.setUint16(44, segments.length, true);
  let offset = headersEnd;
  segments.forEach((segment, i) => {
    const at = ELF_HEADER_SIZE + i * PROGRAM_HEADER_SIZE;
    const data = segment.data ?? new Uint8Array(0);
    view.setUint32(at, 1, true); // PT_LOAD
    view.setUint32(at + 4, offset, true);
    view.setUint32(at + 8, segment.address, true); // p_vaddr
    view.setUint32(at + 12, segment.address, true); // p_paddr
    view.setUint32(at + 16, data.length, true);
    view.setUint32(at + 20, segment.memorySize ?? data.length, true);
    view.setUint32(at + 24, 7, true); // RWX
    bytes.set(data, offset);
    offset += data.length;
  });
  return bytes;
}

/** Instruction words as little-endian bytes. */
export function wordsToBytes(words: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((word, i) => view.setUint32(i * 4, word >>> 0, true));
  return bytes;
}

/**
 * A RISC-V Image (riscv-image.ts) whose code0 jumps over the 64-byte header
 * to `program`, which follows it.
 */
export function riscvImage(program: Uint8Array, imageSize = RISCV_IMAGE_HEADER_SIZE + program.length): Uint8Array {
  const bytes = new Uint8Array(RISCV_IMAGE_HEADER_SIZE + program.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, jal(0, RISCV_IMAGE_HEADER_SIZE), true); // code0: j over the header
  view.setUint32(RISCV_IMAGE_TEXT_OFFSET, 0x40_0000, true);
  view.setUint32(RISCV_IMAGE_SIZE_OFFSET, imageSize, true);
  view.setUint32(RISCV_IMAGE_VERSION_OFFSET, 0x2, true); // version 0.2
  bytes.set(RISCV_IMAGE_MAGIC, RISCV_IMAGE_MAGIC_OFFSET);
  view.setUint32(RISCV_IMAGE_MAGIC2_OFFSET, RISCV_IMAGE_MAGIC2, true);
  bytes.set(program, RISCV_IMAGE_HEADER_SIZE);
  return bytes;
}

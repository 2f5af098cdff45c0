/*
 * The RISC-V boot image header (Linux's Documentation/arch/riscv/boot-image-header.rst):
 * the 64 bytes at the start of a flat kernel `Image`, which a boot loader
 * copies to RAM as it is and enters at its first byte.
 *
 *   offset  size  field
 *        0     4  code0        executable code (typically a jump over the header)
 *        4     4  code1
 *        8     8  text_offset  where in RAM the image wants to be (QEMU ignores it)
 *       16     8  image_size   bytes the image occupies once running (with .bss)
 *       24     8  flags        bit 0: big-endian kernel
 *       32     4  version      major << 16 | minor
 *       36     4  res1
 *       40     8  res2
 *       48     8  magic        "RISCV\0\0\0" (deprecated)
 *       56     4  magic2       "RSC\x05": what identifies the header
 *       60     4  res3
 *
 * Every field is little-endian.
 */

export const RISCV_IMAGE_HEADER_SIZE = 64;
export const RISCV_IMAGE_TEXT_OFFSET = 8;
export const RISCV_IMAGE_SIZE_OFFSET = 16;
export const RISCV_IMAGE_VERSION_OFFSET = 32;
export const RISCV_IMAGE_MAGIC_OFFSET = 48;
export const RISCV_IMAGE_MAGIC2_OFFSET = 56;
/** "RISCV\0\0\0", the deprecated magic. */
export const RISCV_IMAGE_MAGIC = [0x52, 0x49, 0x53, 0x43, 0x56, 0, 0, 0];
/** "RSC\x05" read as a little-endian word. */
export const RISCV_IMAGE_MAGIC2 = 0x0543_5352;

export interface RiscvImageHeader {
  textOffset: number;
  /** Bytes the running image occupies (0 in images too old to say). */
  imageSize: number;
}

/** Reads a u64 field that must fit in 32 bits; larger values are kept as numbers. */
function u64(view: DataView, offset: number): number {
  return view.getUint32(offset + 4, true) * 2 ** 32 + view.getUint32(offset, true);
}

/** The header of a RISC-V Image, or undefined when `bytes` does not start with one (no magic2). */
export function readRiscvImageHeader(bytes: Uint8Array): RiscvImageHeader | undefined {
  if (bytes.length < RISCV_IMAGE_HEADER_SIZE) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(RISCV_IMAGE_MAGIC2_OFFSET, true) !== RISCV_IMAGE_MAGIC2) return undefined;
  return { textOffset: u64(view, RISCV_IMAGE_TEXT_OFFSET), imageSize: u64(view, RISCV_IMAGE_SIZE_OFFSET) };
}

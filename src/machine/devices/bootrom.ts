/*
 * The boot ROM at 0x1000: the reset vector every hart starts at. Like
 * QEMU's, it enters the image with a0 = mhartid and a1 = the device tree's
 * address, jumping to the start address (0x80000000 unless the host sets
 * another). Both addresses are data words in the ROM, so the board can
 * change them without reassembling anything.
 *
 * Reads of any width return the ROM's bytes; the window is QEMU's 0xf000
 * bytes and reads past the code return 0. Writes are rejected (store access
 * fault). The words live in shared state so that every worker sees the
 * addresses the host set.
 */

import type { MmioDevice } from '../device.ts';

/** Byte offsets of the two data words the code loads. */
export const BOOTROM_START_ADDRESS_OFFSET = 0x14;
export const BOOTROM_FDT_ADDRESS_OFFSET = 0x18;

/**
 * Hand-assembled RV32 code (uncompressed, checked by objdump in the test):
 *
 *   1000: 00000297  auipc t0, 0         t0 = 0x1000, this ROM
 *   1004: f1402573  csrr  a0, mhartid   a0 = hart ID
 *   1008: 0182a583  lw    a1, 0x18(t0)  a1 = device tree address
 *   100c: 0142a283  lw    t0, 0x14(t0)  t0 = start address
 *   1010: 00028067  jr    t0
 *   1014: start address
 *   1018: device tree address
 */
const BOOTROM_CODE = [0x00000297, 0xf1402573, 0x0182a583, 0x0142a283, 0x00028067];

/** Words of the ROM image, code and data, kept in shared state. */
export const BOOTROM_STATE_WORDS = 8;
const BOOTROM_IMAGE_BYTES = BOOTROM_STATE_WORDS * 4;

export class BootRom implements MmioDevice {
  readonly name = 'bootrom';

  constructor(
    readonly base: number,
    readonly size: number,
    private readonly state: Int32Array,
  ) {
    if (state.length < BOOTROM_STATE_WORDS) throw new Error('bootrom: state slice too small');
  }

  /** Writes the code and both addresses. */
  program(startAddress: number, fdtAddress: number): void {
    this.state.fill(0, 0, BOOTROM_STATE_WORDS);
    this.state.set(BOOTROM_CODE);
    this.setStartAddress(startAddress);
    this.setFdtAddress(fdtAddress);
  }

  setStartAddress(address: number): void {
    Atomics.store(this.state, BOOTROM_START_ADDRESS_OFFSET >>> 2, address | 0);
  }

  setFdtAddress(address: number): void {
    Atomics.store(this.state, BOOTROM_FDT_ADDRESS_OFFSET >>> 2, address | 0);
  }

  startAddress(): number {
    return Atomics.load(this.state, BOOTROM_START_ADDRESS_OFFSET >>> 2) >>> 0;
  }

  read(offset: number, size: number, hart: number): number | undefined {
    if ((offset & 3) === 0 && size === 4) {
      return offset < BOOTROM_IMAGE_BYTES ? this.state[offset >>> 2] >>> 0 : 0;
    }
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = (value << 8) | this.byteAt(offset + i);
    return value >>> 0;
  }

  write(offset: number, size: number, value: number, hart: number): boolean {
    return false;
  }

  private byteAt(offset: number): number {
    if (offset >= BOOTROM_IMAGE_BYTES) return 0;
    return (this.state[offset >>> 2] >>> ((offset & 3) * 8)) & 0xff;
  }
}

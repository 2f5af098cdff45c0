import { describe, expect, it } from 'vitest';
import { Board, DEVICE_STATE_BYTES, fdtLoadAddress, type BoardConfig } from './board.ts';
import { MIP_MEIP, MIP_MSIP, MIP_MTIP, MIP_SEIP, type Clock } from './device.ts';
import type { FinishEvent } from './devices/finisher.ts';
import { ImageError } from './elf.ts';
import { decodeFdt } from './fdt.ts';

const MiB = 1024 * 1024;
const UART0 = 0x1000_0000;
/** UART n (1..7): a 4 KiB page each, above QEMU's virtio-mmio window (0x1000_1000..0x1000_8fff). */
const consoleUart = (n: number) => 0x1001_0000 + n * 0x1000;
const LSR = 5, IER = 1, SCR = 7;
const PLIC = 0x0c00_0000;
const plicEnable = (context: number) => PLIC + 0x2000 + 0x80 * context;
const plicClaim = (context: number) => PLIC + 0x20_0000 + 0x1000 * context + 4;
const CLINT = 0x0200_0000;

class ManualClock implements Clock {
  ticks = 0;
  now(): number {
    return this.ticks;
  }
}

function makeBoard(overrides: Partial<BoardConfig> = {}) {
  const clock = new ManualClock();
  const sent: [number, number][] = [];
  const finishes: FinishEvent[] = [];
  const config: BoardConfig = {
    harts: 2,
    ramSize: 16 * MiB,
    clock,
    output: (uart, byte) => sent.push([uart, byte]),
    onFinish: (event) => finishes.push(event),
    ...overrides,
  };
  return { board: new Board(config), config, clock, sent, finishes };
}

describe('Board memory', () => {
  it('puts device state and then RAM in one SharedArrayBuffer, with aliasing views', () => {
    const { board } = makeBoard();
    expect(board.sab).toBeInstanceOf(SharedArrayBuffer);
    expect(board.sab.byteLength).toBe(DEVICE_STATE_BYTES + 16 * MiB);
    expect(board.ramBase).toBe(0x8000_0000);
    expect(board.ramSize).toBe(16 * MiB);
    board.ram32[1] = 0x11223344;
    expect(Array.from(board.ram8.subarray(4, 8))).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(board.ram16[2]).toBe(0x3344);
    expect(board.ram32.length).toBe(4 * MiB);
  });

  it('defaults to 128 MiB of RAM and rejects impossible configurations', () => {
    expect(new Board({ harts: 1, clock: new ManualClock() }).ramSize).toBe(128 * MiB);
    expect(() => makeBoard({ harts: 0 })).toThrow(/harts/);
    expect(() => makeBoard({ harts: 17 })).toThrow(/harts/);
    expect(() => makeBoard({ ramSize: 5 * MiB + 1 })).toThrow(/RAM size/);
    expect(() => makeBoard({ ramSize: MiB })).toThrow(/RAM size/);
  });
});

describe('Board address decoding', () => {
  it('routes each device window and faults the holes between them', () => {
    const { board } = makeBoard();
    expect(board.mmioRead(0x1000, 4, 0)).toBe(0x00000297); // boot ROM
    expect(board.mmioRead(0xfffc, 4, 0)).toBe(0); // still QEMU's ROM window
    expect(board.mmioRead(0x10000, 4, 0)).toBeUndefined();
    expect(board.mmioRead(0x0, 4, 0)).toBeUndefined();
    expect(board.mmioRead(0x10_0000, 4, 0)).toBe(0); // finisher
    expect(board.mmioRead(0x10_1000, 4, 0)).toBeUndefined(); // QEMU's RTC: not on this board
    expect(board.mmioRead(CLINT + 0xbffc, 4, 0)).toBe(0);
    expect(board.mmioRead(CLINT + 0x1_0000, 4, 0)).toBeUndefined();
    expect(board.mmioRead(PLIC + 0x5f_fffc, 4, 0)).toBe(0);
    expect(board.mmioRead(PLIC + 0x60_0000, 4, 0)).toBeUndefined();
    expect(board.mmioRead(UART0 + LSR, 1, 0)).toBe(0x60);
    expect(board.mmioRead(consoleUart(7) + LSR, 1, 0)).toBe(0x60);
    expect(board.mmioRead(UART0 + 8, 1, 0)).toBeUndefined();
    expect(board.mmioRead(UART0 + 0x100 + LSR, 1, 0)).toBeUndefined(); // where UART 1 used to be
    expect(board.mmioRead(0x1000_1000, 4, 0)).toBeUndefined(); // QEMU's virtio-mmio window: empty here
    expect(board.mmioRead(consoleUart(1) + 0x100, 1, 0)).toBeUndefined(); // past UART 1's registers
    expect(board.mmioRead(0x8000_0000, 4, 0)).toBeUndefined(); // RAM is not MMIO
    expect(board.mmioRead(0x8000_0000 | 0, 4, 0)).toBeUndefined(); // int32 addresses work too
    expect(board.mmioWrite(0x2000, 4, 0, 0)).toBe(false);
  });

  it('rejects writes to the boot ROM', () => {
    const { board } = makeBoard();
    expect(board.mmioWrite(0x1000, 4, 0, 0)).toBe(false);
  });

  it('sends each UART\'s bytes to output with its number', () => {
    const { board, sent } = makeBoard();
    board.mmioWrite(UART0, 1, 0x68, 0);
    board.mmioWrite(consoleUart(3), 1, 0x69, 1);
    expect(sent).toEqual([[0, 0x68], [3, 0x69]]);
  });
});

describe('Board interrupts', () => {
  it('carries a UART receive interrupt through the PLIC to the hart, and wakes it', () => {
    const { board } = makeBoard();
    board.mmioWrite(PLIC + 4 * 10, 4, 1, 0);
    board.mmioWrite(plicEnable(0), 4, 1 << 10, 0);
    board.mmioWrite(UART0 + IER, 1, 0x01, 0);
    const signal = Atomics.load(board.hartSignals, 0);
    expect(board.uart(0).receive(0x41)).toBe(true);
    expect(board.interrupts(0) & MIP_MEIP).toBe(MIP_MEIP);
    expect(Atomics.load(board.hartSignals, 0)).toBeGreaterThan(signal);
    expect(board.mmioRead(plicClaim(0), 4, 0)).toBe(10);
    expect(board.mmioRead(UART0, 1, 0)).toBe(0x41);
    board.mmioWrite(plicClaim(0), 4, 10, 0);
    expect(board.interrupts(0) & MIP_MEIP).toBe(0);
  });

  it('shows a claimed UART interrupt pending again after the driver touches the UART, like QEMU', () => {
    const { board } = makeBoard();
    board.mmioWrite(PLIC + 4 * 10, 4, 1, 0);
    board.mmioWrite(plicEnable(0), 4, 1 << 10, 0);
    board.mmioWrite(UART0 + 2, 1, 0x01, 0); // FIFOs on
    board.mmioWrite(UART0 + IER, 1, 0x01, 0);
    board.uart(0).receive(0x61);
    board.uart(0).receive(0x62);
    expect(board.mmioRead(plicClaim(0), 4, 0)).toBe(10);
    expect(board.mmioRead(PLIC + 0x1000, 4, 0)).toBe(0);
    expect(board.mmioRead(UART0, 1, 0)).toBe(0x61);
    expect(board.mmioRead(PLIC + 0x1000, 4, 0)).toBe(1 << 10);
    expect(board.mmioRead(UART0, 1, 0)).toBe(0x62);
    expect(board.mmioRead(PLIC + 0x1000, 4, 0)).toBe(0);
  });

  it('routes a console UART to its IRQ and a hart\'s S-mode context', () => {
    const { board } = makeBoard();
    board.mmioWrite(PLIC + 4 * 14, 4, 2, 1);
    board.mmioWrite(plicEnable(3), 4, 1 << 14, 1); // hart 1, S-mode
    board.mmioWrite(consoleUart(3) + IER, 1, 0x01, 1);
    board.uart(3).receive(0x42);
    expect(board.interrupts(1) & (MIP_MEIP | MIP_SEIP)).toBe(MIP_SEIP);
    expect(board.interrupts(0) & (MIP_MEIP | MIP_SEIP)).toBe(0);
    expect(board.mmioRead(plicClaim(3), 4, 1)).toBe(14);
  });

  it('raises MTIP when mtime passes mtimecmp and MSIP on a CLINT write', () => {
    const { board, clock } = makeBoard();
    expect(board.interrupts(1)).toBe(MIP_MTIP); // mtimecmp resets to 0, as on QEMU
    board.mmioWrite(CLINT + 0x4008 + 4, 4, 0, 0);
    board.mmioWrite(CLINT + 0x4008, 4, 1000, 0);
    expect(board.interrupts(1)).toBe(0);
    expect(board.timerDeadline(1)).toBe(1000);
    clock.ticks = 1000;
    expect(board.mtime()).toBe(1000);
    expect(board.interrupts(1)).toBe(MIP_MTIP);
    const signal = Atomics.load(board.hartSignals, 1);
    board.mmioWrite(CLINT + 4, 4, 1, 0);
    expect(board.interrupts(1)).toBe(MIP_MTIP | MIP_MSIP);
    expect(Atomics.load(board.hartSignals, 1)).toBe(signal + 1);
  });

  it('reports the test finisher to the callback and in shared state', () => {
    const { board, finishes } = makeBoard();
    expect(board.lastFinish()).toBeUndefined();
    board.mmioWrite(0x10_0000, 4, (7 << 16) | 0x3333, 0);
    expect(finishes).toEqual([{ kind: 'fail', code: 7 }]);
    expect(board.lastFinish()).toEqual({ kind: 'fail', code: 7 });
  });
});

describe('Board device tree and boot ROM', () => {
  it('places the device tree where QEMU 7.2 does and points the ROM at it', () => {
    const { board } = makeBoard({ ramSize: 128 * MiB });
    expect(board.fdtAddress).toBe(0x87e0_0000);
    expect(board.mmioRead(0x1018, 4, 0)).toBe(0x87e0_0000);
    expect(board.mmioRead(0x1014, 4, 0)).toBe(0x8000_0000);
    expect(makeBoard({ ramSize: 64 * MiB }).board.fdtAddress).toBe(0x83e0_0000);
  });

  it('follows QEMU\'s rule below 3 GiB for large RAM', () => {
    expect(fdtLoadAddress(0x8000_0000, 1024 * MiB, 3000)).toBe(0xbfe0_0000);
    expect(fdtLoadAddress(0x8000_0000, 2048 * MiB, 3000)).toBe(0xbfe0_0000);
    expect(fdtLoadAddress(0x8000_0000, 128 * MiB, 1 * MiB)).toBe(0x87e0_0000); // QEMU's own 1 MiB blob
  });

  it('writes a device tree describing this board into RAM', () => {
    const { board } = makeBoard({ harts: 3, ramSize: 32 * MiB, bootargs: 'quiet' });
    const at = board.fdtAddress - board.ramBase;
    const { root } = decodeFdt(board.ram8.subarray(at, at + board.fdtSize));
    expect(root.find('/memory@80000000')!.cells('reg')).toEqual([0, 0x8000_0000, 0, 32 * MiB]);
    expect(root.find('/cpus')!.children.filter((c) => c.name.startsWith('cpu@'))).toHaveLength(3);
    expect(root.find('/chosen')!.string('bootargs')).toBe('quiet');
  });

  it('gives each console UART its own 4 KiB page, in the board and in its device tree alike', () => {
    const { board } = makeBoard();
    const at = board.fdtAddress - board.ramBase;
    const soc = decodeFdt(board.ram8.subarray(at, at + board.fdtSize)).root.find('/soc')!;
    const expected = [[0x1000_0000, 10], ...[1, 2, 3, 4, 5, 6, 7].map((n) => [consoleUart(n), 11 + n])];
    expected.forEach(([address, irq], n) => {
      expect(board.uart(n).base).toBe(address);
      board.mmioWrite(address + SCR, 1, 0x40 + n, 0);
      expect(board.mmioRead(address + SCR, 1, 0)).toBe(0x40 + n);
      const node = soc.child(`serial@${address.toString(16)}`)!;
      expect(node.cells('reg')).toEqual([0, address, 0, 0x100]);
      expect(node.cells('interrupts')).toEqual([irq]);
    });
    expect(consoleUart(1)).toBe(0x1001_1000);
    expect(consoleUart(7)).toBe(0x1001_7000);
  });

  it('sets the start address the ROM jumps to', () => {
    const { board } = makeBoard();
    board.setStartAddress(0x8020_0000);
    expect(board.startAddress()).toBe(0x8020_0000);
    expect(board.mmioRead(0x1014, 4, 0)).toBe(0x8020_0000);
  });

  it('resets devices and rewrites the tree, keeping the start address', () => {
    const { board } = makeBoard();
    board.setStartAddress(0x8040_0000);
    board.mmioWrite(UART0 + SCR, 1, 0x5a, 0);
    board.mmioWrite(CLINT, 4, 1, 0);
    board.ram8.fill(0, board.fdtAddress - board.ramBase, board.fdtAddress - board.ramBase + 64);
    board.reset();
    expect(board.mmioRead(UART0 + SCR, 1, 0)).toBe(0);
    expect(board.interrupts(0) & MIP_MSIP).toBe(0);
    expect(board.startAddress()).toBe(0x8040_0000);
    const at = board.fdtAddress - board.ramBase;
    expect(() => decodeFdt(board.ram8.subarray(at))).not.toThrow();
  });

  it('refuses an ELF image that would overwrite the device tree', () => {
    const { board } = makeBoard();
    const elf = new Uint8Array(52 + 32 + 4);
    const view = new DataView(elf.buffer);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
    view.setUint16(16, 2, true);
    view.setUint16(18, 243, true);
    view.setUint32(28, 52, true);
    view.setUint16(42, 32, true);
    view.setUint16(44, 1, true);
    view.setUint32(52, 1, true);
    view.setUint32(56, 84, true);
    view.setUint32(64, board.fdtAddress, true);
    view.setUint32(68, 4, true);
    view.setUint32(72, 4, true);
    expect(() => board.loadElf(elf)).toThrow(ImageError);
    expect(() => board.loadElf(elf)).toThrow(/overlaps the device tree/);
    view.setUint32(64, board.ramBase, true);
    expect(board.loadElf(elf).segments).toHaveLength(1);
  });
});

describe('Board shared between threads', () => {
  it('attaches to an existing buffer without resetting it', () => {
    const first = makeBoard();
    first.board.setStartAddress(0x8010_0000);
    first.board.mmioWrite(UART0 + 2, 1, 0x01, 0); // FIFOs on
    first.board.uart(0).receive(0x31);
    const second = new Board(first.config, first.board.sab);
    expect(second.startAddress()).toBe(0x8010_0000);
    expect(second.fdtAddress).toBe(first.board.fdtAddress);
    expect(second.mmioRead(UART0, 1, 0)).toBe(0x31);
    expect(first.board.mmioRead(UART0 + LSR, 1, 0)).toBe(0x60);
  });

  it('refuses a buffer made for another board', () => {
    const { board, config } = makeBoard();
    expect(() => new Board({ ...config, harts: 1 }, board.sab)).toThrow(/harts/);
    expect(() => new Board({ ...config, ramSize: 8 * MiB }, board.sab)).toThrow(/bytes/);
    expect(() => new Board(config, new SharedArrayBuffer(board.sab.byteLength))).toThrow(/does not hold a board/);
  });

  it('reserves a runtime region between device state and RAM, and checks it on attach', () => {
    const { board, config } = makeBoard({ runtimeBytes: 64 * 1024 });
    expect(board.sab.byteLength).toBe(DEVICE_STATE_BYTES + 64 * 1024 + 16 * MiB);
    expect(board.runtimeOffset).toBe(DEVICE_STATE_BYTES);
    board.ram8[0] = 0x5a;
    expect(new Uint8Array(board.sab)[DEVICE_STATE_BYTES + 64 * 1024]).toBe(0x5a);
    expect(new Board(config, board.sab).ram8[0]).toBe(0x5a);
    expect(() => new Board({ ...config, runtimeBytes: 0, ramSize: 16 * MiB + 64 * 1024 }, board.sab)).toThrow(/runtime/);
    expect(() => makeBoard({ runtimeBytes: 100 })).toThrow(/4 KiB/);
  });

  it('names the UARTs it has', () => {
    const { board } = makeBoard();
    expect(board.uart(7).base).toBe(0x1001_7000);
    expect(() => board.uart(8)).toThrow(/UART 8/);
  });
});

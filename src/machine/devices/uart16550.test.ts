import { describe, expect, it } from 'vitest';
import type { InterruptSink } from '../device.ts';
import { Uart16550, UART_FIFO_SIZE, UART_STATE_WORDS } from './uart16550.ts';

const RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
const IRQ = 10;

class LevelRecorder implements InterruptSink {
  level = false;
  changes = 0;
  setLevel(irq: number, high: boolean): void {
    expect(irq).toBe(IRQ);
    if (high !== this.level) this.changes++;
    this.level = high;
  }
}

function makeUart(state = new Int32Array(UART_STATE_WORDS)) {
  const line = new LevelRecorder();
  const sent: number[] = [];
  const uart = new Uart16550('uart0', 0x1000_0000, 0x100, state, IRQ, line, (b) => sent.push(b));
  return { uart, line, sent, state };
}

function freshUart() {
  const made = makeUart();
  made.uart.reset();
  return made;
}

const rd = (uart: Uart16550, offset: number) => uart.read(offset, 1, 0);
const wr = (uart: Uart16550, offset: number, value: number) => uart.write(offset, 1, value, 0);

describe('Uart16550 registers', () => {
  it('resets to the values QEMU 7.2 shows', () => {
    const { uart } = freshUart();
    expect([IER, IIR, LCR, MCR, LSR, MSR, SCR].map((r) => rd(uart, r))).toEqual([0, 0x01, 0, 0x08, 0x60, 0xb0, 0]);
    wr(uart, LCR, 0x80);
    expect([rd(uart, DLL), rd(uart, DLM)]).toEqual([12, 0]);
  });

  it('switches offsets 0 and 1 to the divisor latch while DLAB is set', () => {
    const { uart, sent } = freshUart();
    wr(uart, LCR, 0x83);
    wr(uart, DLL, 0x34);
    wr(uart, DLM, 0x12);
    expect(rd(uart, IIR)).toBe(0x01); // IIR is not behind DLAB
    wr(uart, LCR, 0x03);
    expect(sent).toEqual([]);
    expect(rd(uart, IER)).toBe(0);
    wr(uart, LCR, 0x80);
    expect([rd(uart, DLL), rd(uart, DLM)]).toEqual([0x34, 0x12]);
  });

  it('keeps only the implemented bits of IER, MCR and FCR, and scratch as written', () => {
    const { uart } = freshUart();
    wr(uart, IER, 0xff);
    expect(rd(uart, IER)).toBe(0x0f);
    wr(uart, IER, 0);
    wr(uart, MCR, 0xff);
    expect(rd(uart, MCR)).toBe(0x1f);
    wr(uart, MCR, 0x08);
    wr(uart, SCR, 0xa5);
    expect(rd(uart, SCR)).toBe(0xa5);
    wr(uart, LSR, 0);
    expect(rd(uart, LSR)).toBe(0x60);
  });

  it('decodes offsets 0..7 only and any access width', () => {
    const { uart } = freshUart();
    expect(uart.read(8, 1, 0)).toBeUndefined();
    expect(uart.read(0xfc, 4, 0)).toBeUndefined();
    expect(uart.write(8, 1, 0, 0)).toBe(false);
    expect(uart.read(MCR, 4, 0)).toBe(0x08);
    expect(uart.read(MCR, 2, 0)).toBe(0x08);
  });
});

describe('Uart16550 transmit', () => {
  it('hands each THR byte to output, low 8 bits only', () => {
    const { uart, sent } = freshUart();
    wr(uart, THR, 0x48);
    uart.write(THR, 4, 0x1269, 0);
    expect(sent).toEqual([0x48, 0x69]);
    expect(rd(uart, LSR)! & 0x60).toBe(0x60);
  });

  it('raises THRE when ETBEI is enabled, until IIR is read', () => {
    const { uart, line } = freshUart();
    wr(uart, IER, 0x02);
    expect(line.level).toBe(true);
    expect(rd(uart, IIR)).toBe(0x02);
    expect(line.level).toBe(false);
    expect(rd(uart, IIR)).toBe(0x01);
  });

  it('raises THRE again after every transmitted byte', () => {
    const { uart, line } = freshUart();
    wr(uart, IER, 0x02);
    rd(uart, IIR);
    wr(uart, THR, 0x41);
    expect(line.level).toBe(true);
    expect(rd(uart, IIR)).toBe(0x02);
  });

  it('re-arms THRE when ETBEI is toggled off and on', () => {
    const { uart, line } = freshUart();
    wr(uart, IER, 0x02);
    rd(uart, IIR);
    wr(uart, IER, 0x00);
    wr(uart, IER, 0x02);
    expect(line.level).toBe(true);
  });
});

describe('Uart16550 receive', () => {
  it('holds one byte without FIFOs and refuses the next', () => {
    const { uart } = freshUart();
    expect(uart.rxSpace()).toBe(1);
    expect(uart.receive(0x61)).toBe(true);
    expect(uart.receive(0x62)).toBe(false);
    expect(rd(uart, LSR)).toBe(0x61);
    expect(rd(uart, RBR)).toBe(0x61);
    expect(rd(uart, LSR)).toBe(0x60);
    expect(uart.receive(0x62)).toBe(true);
  });

  it('queues 16 bytes with FIFOs on, in order, and refuses the 17th', () => {
    const { uart } = freshUart();
    wr(uart, FCR, 0x07);
    for (let i = 0; i < UART_FIFO_SIZE; i++) expect(uart.receive(0x30 + i)).toBe(true);
    expect(uart.rxSpace()).toBe(0);
    expect(uart.receive(0x40)).toBe(false);
    const got: number[] = [];
    while (rd(uart, LSR)! & 0x01) got.push(rd(uart, RBR)!);
    expect(got).toEqual(Array.from({ length: 16 }, (_, i) => 0x30 + i));
    expect(rd(uart, RBR)).toBe(0); // empty FIFO reads 0, as in QEMU
    expect(uart.rxSpace()).toBe(UART_FIFO_SIZE);
  });

  it('flushes the receiver when FCR clears it or toggles FIFOs', () => {
    const { uart } = freshUart();
    wr(uart, FCR, 0x01);
    uart.receive(1);
    uart.receive(2);
    wr(uart, FCR, 0x03);
    expect(rd(uart, LSR)! & 0x01).toBe(0);
    uart.receive(3);
    wr(uart, FCR, 0x00);
    expect(rd(uart, LSR)! & 0x01).toBe(0);
    expect(rd(uart, IIR)).toBe(0x01);
  });

  it('raises received-data-available while data waits and IER allows it', () => {
    const { uart, line } = freshUart();
    uart.receive(0x41);
    expect(line.level).toBe(false);
    wr(uart, IER, 0x01);
    expect(line.level).toBe(true);
    expect(rd(uart, IIR)).toBe(0x04);
    expect(line.level).toBe(true); // reading IIR does not clear RDA
    rd(uart, RBR);
    expect(line.level).toBe(false);
  });

  it('reports RDA at the trigger level and a timeout below it', () => {
    const { uart } = freshUart();
    wr(uart, FCR, 0x41); // FIFO on, trigger level 4
    wr(uart, IER, 0x01);
    uart.receive(1);
    expect(rd(uart, IIR)).toBe(0xcc);
    for (let i = 0; i < 3; i++) uart.receive(2 + i);
    expect(rd(uart, IIR)).toBe(0xc4);
  });

  it('puts received data before THRE', () => {
    const { uart } = freshUart();
    wr(uart, IER, 0x03);
    uart.receive(0x41);
    expect(rd(uart, IIR)).toBe(0x04);
    rd(uart, RBR);
    expect(rd(uart, IIR)).toBe(0x02);
    expect(rd(uart, IIR)).toBe(0x01);
  });
});

describe('Uart16550 loopback', () => {
  it('receives its own transmission, mirrors MCR in MSR, and refuses host input', () => {
    const { uart, sent } = freshUart();
    wr(uart, MCR, 0x1f);
    expect(rd(uart, MSR)).toBe(0xf0);
    wr(uart, MCR, 0x13);
    expect(rd(uart, MSR)).toBe(0x30);
    wr(uart, THR, 0x41);
    expect(sent).toEqual([]);
    expect(uart.receive(0x42)).toBe(false);
    expect(rd(uart, LSR)).toBe(0x61);
    expect(rd(uart, RBR)).toBe(0x41);
  });

  it('sets and clears an overrun like QEMU without FIFOs', () => {
    const { uart } = freshUart();
    wr(uart, MCR, 0x10);
    wr(uart, THR, 0x45);
    wr(uart, THR, 0x46);
    expect(rd(uart, LSR)).toBe(0x63);
    expect(rd(uart, LSR)).toBe(0x61);
    expect(rd(uart, RBR)).toBe(0x46);
  });

  it('raises the line-status interrupt on overrun when enabled', () => {
    const { uart, line } = freshUart();
    wr(uart, FCR, 0x01);
    wr(uart, MCR, 0x10);
    wr(uart, IER, 0x04);
    for (let i = 0; i <= UART_FIFO_SIZE; i++) wr(uart, THR, i);
    expect(line.level).toBe(true);
    expect(rd(uart, IIR)).toBe(0xc6);
    rd(uart, LSR);
    expect(line.level).toBe(false);
  });
});

describe('Uart16550 state', () => {
  it('lives in the shared slice, so a second view of it sees the same UART', () => {
    const first = freshUart();
    wr(first.uart, FCR, 0x01);
    first.uart.receive(0x7a);
    const second = makeUart(first.state);
    expect(rd(second.uart, LSR)).toBe(0x61);
    expect(rd(second.uart, RBR)).toBe(0x7a);
    expect(rd(first.uart, LSR)).toBe(0x60);
  });

  it('drives the line only when its level changes', () => {
    const { uart, line } = freshUart();
    wr(uart, IER, 0x01);
    uart.receive(1);
    rd(uart, IIR);
    rd(uart, LSR);
    expect(line.changes).toBe(1);
  });
});

/*
 * NS16550A UART as QEMU 7.2's virt machine has it: 8-bit registers with
 * reg-shift 0, decoded at offsets 0..7 of the device's window (QEMU faults
 * accesses past them); any access width reads or writes the register byte.
 *
 * Transmission is instantaneous: a THR write hands the byte to `output` and
 * THR is empty again at once, so THRE and TEMT read as 1. The receive side
 * is a 16-byte FIFO when FCR enables FIFOs and a single holding register
 * otherwise. The host never loses input: `receive` refuses a byte when
 * there is no room and the caller keeps it.
 *
 * Behaviour checked against qemu-system-riscv32 7.2:
 * - reset values: IER 0, IIR 0x01, LCR 0, MCR 0x08 (OUT2), LSR 0x60,
 *   MSR 0xb0, SCR 0, divisor 12;
 * - the THRE interrupt is an event, not a level: it becomes pending when
 *   ETBEI is turned on (THR being empty), after each transmitted byte, and
 *   when FCR clears the transmit FIFO; reading IIR while it is the reported
 *   interrupt, or writing THR, clears it;
 * - in loopback (MCR.LOOP) transmitted bytes are received, MSR mirrors MCR,
 *   and an overrun sets LSR.OE, cleared by reading LSR.
 * With FIFOs on and fewer bytes than the trigger level, a real 16550 raises
 * the character-timeout interrupt after four character times; this board
 * has no character timer and reports the timeout at once.
 */

import type { InterruptSink, MmioDevice } from '../device.ts';
import { lockState, unlockState } from './state-lock.ts';

// Register offsets (reg-shift 0). Reads and writes differ at 0 and 2; DLAB
// (LCR bit 7) turns 0 and 1 into the divisor latch.
const UART_RX = 0; // RBR (read), THR (write), DLL when DLAB
const UART_IER = 1; // DLM when DLAB
const UART_IIR = 2; // IIR (read), FCR (write)
const UART_LCR = 3;
const UART_MCR = 4;
const UART_LSR = 5;
const UART_MSR = 6;
const UART_SCR = 7;
/** Registers decoded; offsets 8.. of the window fault, as in QEMU. */
const UART_REGISTER_COUNT = 8;

const UART_IER_RDI = 0x01; // received data available
const UART_IER_THRI = 0x02; // transmitter holding register empty
const UART_IER_RLSI = 0x04; // receiver line status
const UART_IER_MASK = 0x0f;

const UART_IIR_NO_INT = 0x01;
const UART_IIR_THRI = 0x02;
const UART_IIR_RDI = 0x04;
const UART_IIR_RLSI = 0x06;
const UART_IIR_CTI = 0x0c; // character timeout
const UART_IIR_FIFO_ENABLED = 0xc0;

const UART_FCR_ENABLE_FIFO = 0x01;
const UART_FCR_CLEAR_RCVR = 0x02;
const UART_FCR_CLEAR_XMIT = 0x04;
/** FCR bits that are kept: FIFO enable, DMA mode, trigger level. */
const UART_FCR_KEPT = 0xc9;

const UART_LCR_DLAB = 0x80;

const UART_MCR_DTR = 0x01;
const UART_MCR_RTS = 0x02;
const UART_MCR_OUT1 = 0x04;
const UART_MCR_OUT2 = 0x08;
const UART_MCR_LOOP = 0x10;
const UART_MCR_MASK = 0x1f;

const UART_LSR_DR = 0x01;
const UART_LSR_OE = 0x02;
const UART_LSR_THRE = 0x20;
const UART_LSR_TEMT = 0x40;

const UART_MSR_CTS = 0x10;
const UART_MSR_DSR = 0x20;
const UART_MSR_RI = 0x40;
const UART_MSR_DCD = 0x80;

/** Receive FIFO depth of the 16550A. */
export const UART_FIFO_SIZE = 16;
/** Receive FIFO trigger levels selected by FCR bits 7:6. */
const TRIGGER_LEVELS = [1, 4, 8, 14];
/** QEMU's divisor latch after reset. */
const RESET_DIVISOR = 12;

// Layout of the state slice (Int32Array words).
const S_LOCK = 0;
const S_IER = 1;
const S_FCR = 2;
const S_LCR = 3;
const S_MCR = 4;
const S_SCR = 5;
const S_DLL = 6;
const S_DLM = 7;
const S_RBR = 8; // last byte read from the receiver
const S_OVERRUN = 9; // LSR.OE
const S_THR_PENDING = 10; // the THRE interrupt event is pending
const S_RX_HEAD = 11;
const S_RX_COUNT = 12;
const S_IRQ_LEVEL = 13; // level last driven on the IRQ line
const S_RX_FIFO = 16; // UART_FIFO_SIZE words, one byte each
/** Words of shared state one UART needs. */
export const UART_STATE_WORDS = S_RX_FIFO + UART_FIFO_SIZE;

export class Uart16550 implements MmioDevice {
  readonly size: number;

  /**
   * `state` is this UART's slice of shared memory (UART_STATE_WORDS words);
   * `irq` is its PLIC source; `output` receives each transmitted byte.
   * The constructor does not touch the state: call reset() once per machine.
   */
  constructor(
    readonly name: string,
    readonly base: number,
    windowSize: number,
    private readonly state: Int32Array,
    private readonly irq: number,
    private readonly interrupts: InterruptSink,
    private readonly output: (byte: number) => void,
  ) {
    if (state.length < UART_STATE_WORDS) throw new Error(`${name}: state slice too small`);
    this.size = windowSize;
  }

  /** Power-on state (QEMU's reset values); lowers the IRQ line. */
  reset(): void {
    const s = this.state;
    lockState(s, S_LOCK);
    s.fill(0, S_LOCK + 1, UART_STATE_WORDS);
    s[S_MCR] = UART_MCR_OUT2;
    s[S_DLL] = RESET_DIVISOR;
    this.interrupts.setLevel(this.irq, false);
    unlockState(s, S_LOCK);
  }

  read(offset: number, size: number, hart: number): number | undefined {
    if (offset >= UART_REGISTER_COUNT) return undefined;
    lockState(this.state, S_LOCK);
    const value = this.readRegister(offset);
    unlockState(this.state, S_LOCK);
    return value;
  }

  write(offset: number, size: number, value: number, hart: number): boolean {
    if (offset >= UART_REGISTER_COUNT) return false;
    lockState(this.state, S_LOCK);
    const transmitted = this.writeRegister(offset, value & 0xff);
    unlockState(this.state, S_LOCK);
    // Called outside the lock so that the host may feed input from it.
    if (transmitted >= 0) this.output(transmitted);
    return true;
  }

  /**
   * Host side: offers one received byte. Returns false, keeping nothing,
   * when the receiver is full or in loopback (the line is disconnected).
   */
  receive(byte: number): boolean {
    const s = this.state;
    lockState(s, S_LOCK);
    const accepted = (s[S_MCR] & UART_MCR_LOOP) === 0 && s[S_RX_COUNT] < this.rxCapacity();
    if (accepted) {
      this.pushReceived(byte & 0xff);
      this.updateIrq();
    }
    unlockState(s, S_LOCK);
    return accepted;
  }

  /** Host side: how many bytes `receive` would accept now. */
  rxSpace(): number {
    const s = this.state;
    lockState(s, S_LOCK);
    const space = s[S_MCR] & UART_MCR_LOOP ? 0 : this.rxCapacity() - s[S_RX_COUNT];
    unlockState(s, S_LOCK);
    return space;
  }

  private readRegister(offset: number): number {
    const s = this.state;
    const dlab = (s[S_LCR] & UART_LCR_DLAB) !== 0;
    switch (offset) {
      case UART_RX:
        return dlab ? s[S_DLL] : this.popReceived();
      case UART_IER:
        return dlab ? s[S_DLM] : s[S_IER];
      case UART_IIR:
        return this.readIir();
      case UART_LCR:
        return s[S_LCR];
      case UART_MCR:
        return s[S_MCR];
      case UART_LSR:
        return this.readLsr();
      case UART_MSR:
        return this.readMsr();
      default:
        return s[S_SCR];
    }
  }

  /** Returns the byte to transmit, or -1. */
  private writeRegister(offset: number, value: number): number {
    const s = this.state;
    const dlab = (s[S_LCR] & UART_LCR_DLAB) !== 0;
    switch (offset) {
      case UART_RX:
        if (dlab) {
          s[S_DLL] = value;
          return -1;
        }
        return this.transmit(value);
      case UART_IER:
        if (dlab) s[S_DLM] = value;
        else this.writeIer(value & UART_IER_MASK);
        return -1;
      case UART_IIR:
        this.writeFcr(value);
        return -1;
      case UART_LCR:
        s[S_LCR] = value;
        return -1;
      case UART_MCR:
        s[S_MCR] = value & UART_MCR_MASK;
        return -1;
      case UART_SCR:
        s[S_SCR] = value;
        return -1;
      default:
        return -1; // LSR and MSR are read-only; QEMU ignores the write
    }
  }

  private transmit(byte: number): number {
    const s = this.state;
    // THR empties at once, which is the THRE event (QEMU does the same).
    s[S_THR_PENDING] = 1;
    if (s[S_MCR] & UART_MCR_LOOP) {
      this.loopBack(byte);
      this.updateIrq();
      return -1;
    }
    this.updateIrq();
    return byte;
  }

  /** Loopback: the byte arrives at the receiver; overrun when full. */
  private loopBack(byte: number): void {
    const s = this.state;
    if (s[S_RX_COUNT] < this.rxCapacity()) {
      this.pushReceived(byte);
    } else {
      s[S_OVERRUN] = 1;
      // Without FIFOs the new byte overwrites the holding register.
      if ((s[S_FCR] & UART_FCR_ENABLE_FIFO) === 0) s[S_RX_FIFO + s[S_RX_HEAD]] = byte;
    }
  }

  private writeIer(value: number): void {
    const s = this.state;
    const changed = s[S_IER] ^ value;
    if (changed === 0) return;
    s[S_IER] = value;
    // Turning ETBEI on with THR empty makes the THRE interrupt pending.
    if (changed & UART_IER_THRI) s[S_THR_PENDING] = value & UART_IER_THRI ? 1 : 0;
    this.updateIrq();
  }

  private writeFcr(value: number): void {
    const s = this.state;
    // Switching FIFOs on or off flushes both of them.
    if ((value ^ s[S_FCR]) & UART_FCR_ENABLE_FIFO) value |= UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT;
    if (value & UART_FCR_CLEAR_RCVR) {
      s[S_RX_HEAD] = 0;
      s[S_RX_COUNT] = 0;
    }
    if (value & UART_FCR_CLEAR_XMIT) s[S_THR_PENDING] = 1;
    s[S_FCR] = value & UART_FCR_KEPT;
    this.updateIrq();
  }

  private readIir(): number {
    const id = this.interruptId();
    const fifoBits = this.state[S_FCR] & UART_FCR_ENABLE_FIFO ? UART_IIR_FIFO_ENABLED : 0;
    if (id === UART_IIR_THRI) {
      // Reading IIR acknowledges the THRE interrupt it reports.
      this.state[S_THR_PENDING] = 0;
      this.updateIrq();
    }
    return id | fifoBits;
  }

  private readLsr(): number {
    const s = this.state;
    let lsr = UART_LSR_THRE | UART_LSR_TEMT;
    if (s[S_RX_COUNT] > 0) lsr |= UART_LSR_DR;
    if (s[S_OVERRUN]) {
      lsr |= UART_LSR_OE;
      s[S_OVERRUN] = 0;
      this.updateIrq();
    }
    return lsr;
  }

  private readMsr(): number {
    const mcr = this.state[S_MCR];
    if ((mcr & UART_MCR_LOOP) === 0) return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
    // Loopback wires the modem outputs back to the inputs.
    return (
      (mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
      (mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
      (mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
      (mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0)
    );
  }

  /** The highest-priority pending interrupt, as an IIR identifier. */
  private interruptId(): number {
    const s = this.state;
    const ier = s[S_IER];
    if (ier & UART_IER_RLSI && s[S_OVERRUN]) return UART_IIR_RLSI;
    const count = s[S_RX_COUNT];
    if (ier & UART_IER_RDI && count > 0) {
      const fcr = s[S_FCR];
      if ((fcr & UART_FCR_ENABLE_FIFO) === 0 || count >= TRIGGER_LEVELS[fcr >>> 6]) return UART_IIR_RDI;
      return UART_IIR_CTI;
    }
    if (ier & UART_IER_THRI && s[S_THR_PENDING]) return UART_IIR_THRI;
    return UART_IIR_NO_INT; // modem status never changes on this board
  }

  /**
   * Drives the IRQ line from the current state. A high line is driven
   * again even if unchanged: like QEMU's, that re-posts a request the PLIC
   * cleared when it was claimed (visible in the PLIC's pending bits).
   */
  private updateIrq(): void {
    const high = this.interruptId() !== UART_IIR_NO_INT ? 1 : 0;
    if (high === 0 && this.state[S_IRQ_LEVEL] === 0) return;
    this.state[S_IRQ_LEVEL] = high;
    this.interrupts.setLevel(this.irq, high === 1);
  }

  private rxCapacity(): number {
    return this.state[S_FCR] & UART_FCR_ENABLE_FIFO ? UART_FIFO_SIZE : 1;
  }

  private pushReceived(byte: number): void {
    const s = this.state;
    const tail = (s[S_RX_HEAD] + s[S_RX_COUNT]) % UART_FIFO_SIZE;
    s[S_RX_FIFO + tail] = byte;
    s[S_RX_COUNT]++;
  }

  private popReceived(): number {
    const s = this.state;
    const count = s[S_RX_COUNT];
    let byte: number;
    if (count === 0) {
      // QEMU: an empty FIFO reads 0; the 16450 holding register keeps its byte.
      byte = s[S_FCR] & UART_FCR_ENABLE_FIFO ? 0 : s[S_RBR];
    } else {
      const head = s[S_RX_HEAD];
      byte = s[S_RX_FIFO + head];
      s[S_RX_HEAD] = (head + 1) % UART_FIFO_SIZE;
      s[S_RX_COUNT] = count - 1;
      s[S_RBR] = byte;
    }
    this.updateIrq();
    return byte;
  }
}

/*
 * The runtime region of the machine's SharedArrayBuffer: everything the
 * page and the hart workers share besides RAM and device state. Nothing
 * here is sent as a message; every side reads and writes these words.
 *
 * Layout (byte offsets from the start of the region, Board.runtimeOffset):
 *
 *   0x0000  machine control   CONTROL_WORDS int32: run state, control
 *                             sequence, speed, reset generation, events,
 *                             the clock's seqlock; then the clock (float64)
 *   0x0100  hart control      HART_CONTROL_WORDS int32 per hart (MAX_HARTS):
 *                             acknowledged sequence, step requests, queries
 *   ....    hart times        HART_TIME_WORDS float64 per hart: time asleep
 *   ....    hart status       HART_STATUS_WORDS int32 per hart (counters.ts):
 *                             privilege mode, pc, state
 *   ....    console rings     per UART: a header (head, tail, lock of the
 *                             transmit and the receive ring), then the bytes
 *   ....    hart counters     HART_COUNTER_WORDS float64 per hart
 *                             (counters.ts: instructions per mode and VMID,
 *                             traps, VM exits), written by the hart itself
 *
 * The offsets are computed from counters.ts, so a longer counter block
 * (the H extension's) moves nothing by hand; RUNTIME_BYTES follows.
 */
import { HART_COUNTER_WORDS, HART_STATUS_WORDS } from '../machine/counters.ts';
import { HART_RUNNING, HART_WAITING } from '../machine/hart.ts';
import { MAX_HARTS, UART_COUNT } from '../machine/memory-map.ts';

// ---- machine control words (Int32 indexes) ----
export const C_MAGIC = 0;
/** What every hart should be doing: RUN_* below. */
export const C_RUN = 1;
/** Bumped by the host at every control change; workers acknowledge it in H_ACK. */
export const C_SEQUENCE = 2;
/** Instructions per second per hart; 0 is full speed. */
export const C_SPEED = 3;
/** Bumped by the host after it reset the board: each worker resets its hart. */
export const C_RESET_GENERATION = 4;
/** Bumped (and notified) by a worker when the guest ended the run (test finisher). */
export const C_EVENTS = 5;
/** Seqlock over the clock's float64 words: odd while the host rewrites them. */
export const C_CLOCK_SEQUENCE = 6;
/** Harts of this machine. */
export const C_HARTS = 7;
export const CONTROL_WORDS = 16;
/** The clock, as float64 indexes from CLOCK_OFFSET: ticks = base + (hostMs - origin) * rate. */
export const CLOCK_ORIGIN_MS = 0;
export const CLOCK_BASE_TICKS = 1;
export const CLOCK_TICKS_PER_MS = 2;
export const CLOCK_WORDS = 4;

export const RUNTIME_MAGIC = 0x4c_52_59_48; // "HYRL"

/** C_RUN values. */
export const RUN_OFF = 0; // not started, or powered off
export const RUN_RUNNING = 1;
export const RUN_PAUSED = 2; // harts keep their state; single steps allowed
export const RUN_HALTED = 3; // parked while the host resets the board
export const RUN_FINISHED = 4; // the guest wrote the test finisher (Board.lastFinish() tells how)

// ---- per-hart control words (Int32 indexes within a hart's block) ----
/** The last C_SEQUENCE this hart's worker has applied (parked if the run state says so). */
export const H_ACK = 0;
/** Bumped by the host to ask for a single step of H_STEP_COUNT instructions. */
export const H_STEP_REQUEST = 1;
export const H_STEP_COUNT = 2;
/** Set by the worker to H_STEP_REQUEST's value when the step is over. */
export const H_STEP_DONE = 3;
/** Instructions the last step retired (fewer than asked only if the hart sleeps in WFI). */
export const H_STEP_RETIRED = 4;
/** comlink queries on their way to the worker: it yields to its event loop instead of sleeping. */
export const H_QUERIES = 5;
/** Bumped by the worker each time it starts a batch of work after sleeping or parking. */
export const H_WAKEUPS = 6;
export const HART_CONTROL_WORDS = 16;

// ---- per-hart time words (float64 indexes within a hart's block) ----
/** Milliseconds the hart spent asleep in WFI (Atomics.wait), for the time-per-mode bar. */
export const T_WAITING_MS = 0;
/** While the hart sleeps in WFI: when it fell asleep (hostMilliseconds() scale), else 0. */
export const T_ASLEEP_SINCE = 1;
export const HART_TIME_WORDS = 4;

/** Hart states in the status block's STATUS_STATE word: the hart's own, then the runtime's. */
export { HART_RUNNING, HART_WAITING };
export const HART_PAUSED = 2;
export const HART_OFF = 3;

// ---- console rings ----
/** Ring header words per UART (Int32 indexes). Heads and tails count bytes forever (mod 2^32). */
export const R_TX_HEAD = 0; // next byte the page reads
export const R_TX_TAIL = 1; // next byte a hart writes
export const R_TX_LOCK = 2; // taken by the hart that writes (several harts may transmit)
export const R_RX_HEAD = 3; // next byte a worker moves into the UART
export const R_RX_TAIL = 4; // next byte the page writes
export const R_RX_LOCK = 5; // taken by the worker that moves received bytes into the UART
export const RING_HEADER_WORDS = 8;
/** Bytes of each ring (powers of two). UART0 is the main console. */
export const TX_RING_BYTES = [16384, 4096, 4096, 4096, 4096, 4096, 4096, 4096];
export const RX_RING_BYTES = [1024, 256, 256, 256, 256, 256, 256, 256];

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** Byte offsets of everything in the runtime region. */
export const LAYOUT = (() => {
  const control = 0;
  const clock = control + CONTROL_WORDS * 4;
  const hartControl = 0x100;
  const hartTimes = align(hartControl + MAX_HARTS * HART_CONTROL_WORDS * 4, 8);
  const hartStatus = hartTimes + MAX_HARTS * HART_TIME_WORDS * 8;
  const ringHeaders = hartStatus + MAX_HARTS * HART_STATUS_WORDS * 4;
  let offset = ringHeaders + UART_COUNT * RING_HEADER_WORDS * 4;
  const txRings: number[] = [];
  const rxRings: number[] = [];
  for (let uart = 0; uart < UART_COUNT; uart++) {
    txRings.push(offset);
    offset += TX_RING_BYTES[uart];
    rxRings.push(offset);
    offset += RX_RING_BYTES[uart];
  }
  const counters = align(offset, 8);
  const end = counters + MAX_HARTS * HART_COUNTER_WORDS * 8;
  if (clock + CLOCK_WORDS * 8 > hartControl) throw new Error('runtime layout: the clock overlaps hart control');
  return { control, clock, hartControl, hartTimes, hartStatus, ringHeaders, txRings, rxRings, counters, end };
})();

/** Bytes to reserve for the runtime region (BoardConfig.runtimeBytes). */
export const RUNTIME_BYTES = align(LAYOUT.end, 4096);

/** Typed views of one machine's runtime region. */
export class RuntimeViews {
  readonly control: Int32Array;
  readonly clock: Float64Array;
  readonly ringHeaders: Int32Array;
  private readonly hartControls: Int32Array[] = [];
  private readonly hartTimeBlocks: Float64Array[] = [];
  private readonly hartStatuses: Int32Array[] = [];
  private readonly hartCounterBlocks: Float64Array[] = [];
  readonly txRings: Uint8Array[] = [];
  readonly rxRings: Uint8Array[] = [];

  /** `offset`: where the region starts in `sab` (Board.runtimeOffset). */
  constructor(readonly sab: SharedArrayBuffer, readonly offset: number) {
    this.control = new Int32Array(sab, offset + LAYOUT.control, CONTROL_WORDS);
    this.clock = new Float64Array(sab, offset + LAYOUT.clock, CLOCK_WORDS);
    this.ringHeaders = new Int32Array(sab, offset + LAYOUT.ringHeaders, UART_COUNT * RING_HEADER_WORDS);
    for (let hart = 0; hart < MAX_HARTS; hart++) {
      this.hartControls.push(
        new Int32Array(sab, offset + LAYOUT.hartControl + hart * HART_CONTROL_WORDS * 4, HART_CONTROL_WORDS));
      this.hartTimeBlocks.push(
        new Float64Array(sab, offset + LAYOUT.hartTimes + hart * HART_TIME_WORDS * 8, HART_TIME_WORDS));
      this.hartStatuses.push(
        new Int32Array(sab, offset + LAYOUT.hartStatus + hart * HART_STATUS_WORDS * 4, HART_STATUS_WORDS));
      this.hartCounterBlocks.push(
        new Float64Array(sab, offset + LAYOUT.counters + hart * HART_COUNTER_WORDS * 8, HART_COUNTER_WORDS));
    }
    for (let uart = 0; uart < UART_COUNT; uart++) {
      this.txRings.push(new Uint8Array(sab, offset + LAYOUT.txRings[uart], TX_RING_BYTES[uart]));
      this.rxRings.push(new Uint8Array(sab, offset + LAYOUT.rxRings[uart], RX_RING_BYTES[uart]));
    }
  }

  hartControl(hart: number): Int32Array {
    return this.hartControls[hart];
  }

  hartTimes(hart: number): Float64Array {
    return this.hartTimeBlocks[hart];
  }

  /** The hart's status block (counters.ts STATUS_*), passed to its Hart. */
  hartStatus(hart: number): Int32Array {
    return this.hartStatuses[hart];
  }

  /** The hart's counter block (counters.ts), passed to its Hart. */
  hartCounters(hart: number): Float64Array {
    return this.hartCounterBlocks[hart];
  }
}

/*
 * The life of one hart in its worker: run instructions in chunks, obey the
 * control words, sleep in Atomics.wait while the hart waits for an
 * interrupt (woken by the devices through its signal word, or by its timer
 * deadline), and carry console bytes between the UARTs and the rings.
 *
 * tick() works (or sleeps) until a slice of work is done or a comlink
 * query is on its way, then returns so that the worker's event loop can
 * deliver it; the worker calls it again at once (hart-worker.ts). Everything the host asks is a word in shared
 * memory; every change is followed by a notify on each hart's signal word
 * (Board.wake), so a sleeping worker answers at once, and a running one
 * within a chunk of instructions (tens of microseconds).
 */
import type { Board } from '../machine/board.ts';
import { STATUS_STATE } from '../machine/counters.ts';
import { MIP_MTIP } from '../machine/device.ts';
import type { FinishEvent } from '../machine/devices/finisher.ts';
import { Hart, HART_WAITING } from '../machine/hart.ts';
import { BOOTROM_BASE, UART_COUNT } from '../machine/memory-map.ts';
import { ByteRing } from './console-ring.ts';
import {
  C_EVENTS, C_RESET_GENERATION, C_RUN, C_SEQUENCE, C_SPEED, H_ACK, H_QUERIES, H_STEP_COUNT, H_STEP_DONE,
  H_STEP_REQUEST, H_STEP_RETIRED, H_WAKEUPS, HART_OFF, HART_PAUSED, R_RX_HEAD, R_RX_LOCK, R_RX_TAIL, R_TX_HEAD,
  R_TX_LOCK, R_TX_TAIL, RING_HEADER_WORDS, RUN_FINISHED, RUN_HALTED, RUN_PAUSED, RUN_RUNNING, RuntimeViews,
  T_ASLEEP_SINCE, T_WAITING_MS,
} from './layout.ts';
import { hostMilliseconds, type SharedClock } from './shared-clock.ts';
import { Throttle } from './throttle.ts';

/** Instructions per call of Hart.run: the longest a running hart goes without looking at the control words. */
const CHUNK = 8192;
/** Longest stretch of work before the worker's event loop gets a turn, in ms. */
const SLICE_MS = 8;
/**
 * Longest a sleeping worker keeps its event loop waiting, in ms: Atomics.wait
 * blocks the event loop, and DevTools (or a query sent without H_QUERIES)
 * needs a turn now and then. An idle hart wakes this often at most.
 */
const EVENT_LOOP_TURN_MS = 1000;
/** Longest wait for the page to drain a full transmit ring before looking at the control words again, in ms. */
const TX_WAIT_MS = 20;

/** The transmit (harts → page) and receive (page → harts) rings of every UART. */
export function consoleRings(views: RuntimeViews): { tx: ByteRing[]; rx: ByteRing[] } {
  const tx: ByteRing[] = [];
  const rx: ByteRing[] = [];
  for (let uart = 0; uart < UART_COUNT; uart++) {
    const base = uart * RING_HEADER_WORDS;
    tx.push(new ByteRing(views.ringHeaders, base + R_TX_HEAD, base + R_TX_TAIL, base + R_TX_LOCK, views.txRings[uart]));
    rx.push(new ByteRing(views.ringHeaders, base + R_RX_HEAD, base + R_RX_TAIL, base + R_RX_LOCK, views.rxRings[uart]));
  }
  return { tx, rx };
}

export class HartLoop {
  readonly hart: Hart;
  private readonly control: Int32Array;
  private readonly mine: Int32Array;
  private readonly times: Float64Array;
  private readonly status: Int32Array;
  private readonly signals: Int32Array;
  private readonly throttle = new Throttle();
  private readonly rx: ByteRing[];
  private resetGeneration = -1;
  private speed = -1;
  private lastSequence = -1;

  /**
   * `turnMs`: how long a sleeping loop may keep the event loop waiting (tests
   * shorten it); `compile`: whether the hart compiles hot code into blocks.
   */
  constructor(
    private readonly board: Board,
    views: RuntimeViews,
    readonly id: number,
    private readonly clock: SharedClock,
    private readonly turnMs = EVENT_LOOP_TURN_MS,
    compile = true,
  ) {
    this.control = views.control;
    this.mine = views.hartControl(id);
    this.times = views.hartTimes(id);
    this.status = views.hartStatus(id);
    this.signals = board.hartSignals;
    this.rx = consoleRings(views).rx;
    // Hart's parameter types are inferred from its defaults (ArrayBuffer-backed
    // arrays); shared memory works the same.
    type Counters = ConstructorParameters<typeof Hart>[2];
    type Status = ConstructorParameters<typeof Hart>[3];
    this.hart = new Hart(id, board, views.hartCounters(id) as Counters, this.status as Status, { compile });
  }

  /**
   * Runs, sleeps and obeys the host until a comlink query is on its way
   * (H_QUERIES) or a slice of work is done; then returns to the event loop.
   */
  tick(): void {
    let sliceEnd = performance.now() + SLICE_MS;
    const turnEnd = performance.now() + this.turnMs;
    for (;;) {
      if (Atomics.load(this.mine, H_QUERIES) > 0) return;
      // Read the signal word before looking at anything it guards: a change
      // after this read makes the Atomics.wait below return at once.
      const signal = Atomics.load(this.signals, this.id);
      const sequence = Atomics.load(this.control, C_SEQUENCE);
      const run = Atomics.load(this.control, C_RUN);
      if (run !== RUN_HALTED) this.followReset();
      if (sequence !== this.lastSequence) this.followSequence(sequence);

      if (run === RUN_RUNNING) {
        if (this.runChunk(signal, sequence)) {
          if (performance.now() >= sliceEnd) return;
        } else {
          if (performance.now() >= turnEnd) return;
          sliceEnd = performance.now() + SLICE_MS; // it slept: a fresh slice
        }
      } else if (run === RUN_PAUSED && this.stepRequested()) {
        this.step();
      } else {
        this.park(run === RUN_PAUSED || run === RUN_HALTED ? HART_PAUSED : HART_OFF, signal, sequence);
        if (performance.now() >= turnEnd) return;
        sliceEnd = performance.now() + SLICE_MS;
      }
    }
  }

  /**
   * Runs one chunk, or sleeps if the hart waits for an interrupt or is
   * ahead of its speed limit. Returns false if it slept.
   */
  private runChunk(signal: number, sequence: number): boolean {
    const hart = this.hart;
    this.pumpConsoleInput();
    if (hart.state === HART_WAITING && !hart.wakeFromWfi()) {
      this.acknowledge(sequence);
      Atomics.store(this.status, STATUS_STATE, HART_WAITING);
      this.sleepInWfi(signal);
      return false;
    }
    const now = performance.now();
    const budget = this.throttle.budget(now);
    if (budget < 1) {
      this.acknowledge(sequence);
      this.sleep(signal, this.throttle.msUntilNext(now));
      return false;
    }
    this.acknowledge(sequence);
    hart.stopRequested = false;
    const retired = hart.run(Math.min(CHUNK, budget));
    this.throttle.spend(Math.max(1, retired));
    return true;
  }

  /** Sleeps until an interrupt may be pending, the timer deadline passes, or the host changes something. */
  private sleepInWfi(signal: number): void {
    let timeout = Infinity;
    if (this.hart.mie & MIP_MTIP) timeout = this.clock.millisecondsUntil(this.board.timerDeadline(this.id));
    const started = hostMilliseconds();
    this.times[T_ASLEEP_SINCE] = started;
    this.sleep(signal, timeout);
    this.times[T_ASLEEP_SINCE] = 0;
    this.times[T_WAITING_MS] += hostMilliseconds() - started;
    this.throttle.restart(performance.now());
  }

  private sleep(signal: number, timeoutMs: number): void {
    if (Atomics.load(this.mine, H_QUERIES) > 0) return; // a comlink message is on its way: yield instead
    if (timeoutMs > 0 && this.turnMs > 0) Atomics.wait(this.signals, this.id, signal, Math.min(timeoutMs, this.turnMs));
    Atomics.add(this.mine, H_WAKEUPS, 1);
  }

  /** Stops executing until the host changes something: paused, off, halted for reset, or finished. */
  private park(state: number, signal: number, sequence: number): void {
    Atomics.store(this.status, STATUS_STATE, state);
    this.acknowledge(sequence);
    this.sleep(signal, Infinity);
    this.throttle.restart(performance.now());
  }

  /** After the host reset the board (or at power-on): the hart starts again at the boot ROM. */
  private followReset(): void {
    const generation = Atomics.load(this.control, C_RESET_GENERATION);
    if (generation === this.resetGeneration) return;
    this.resetGeneration = generation;
    this.hart.reset(BOOTROM_BASE);
    this.times.fill(0);
    this.clock.restarted();
  }

  private followSequence(sequence: number): void {
    this.lastSequence = sequence;
    const speed = Atomics.load(this.control, C_SPEED);
    if (speed !== this.speed) {
      this.speed = speed;
      this.throttle.setLimit(speed, performance.now());
    }
  }

  private acknowledge(sequence: number): void {
    if (Atomics.load(this.mine, H_ACK) === sequence) return;
    Atomics.store(this.mine, H_ACK, sequence);
    Atomics.notify(this.mine, H_ACK);
  }

  private stepRequested(): boolean {
    return Atomics.load(this.mine, H_STEP_REQUEST) !== Atomics.load(this.mine, H_STEP_DONE);
  }

  /**
   * A single step while paused: exactly H_STEP_COUNT instructions retired
   * (Hart.run counts a trap as a step, so it loops until they have), unless
   * the hart sleeps in WFI with nothing to wake it or the host stops pausing.
   */
  private step(): void {
    const hart = this.hart;
    const request = Atomics.load(this.mine, H_STEP_REQUEST);
    const count = Atomics.load(this.mine, H_STEP_COUNT);
    let retired = 0;
    hart.stopRequested = false;
    while (retired < count && Atomics.load(this.control, C_RUN) === RUN_PAUSED) {
      if (hart.state === HART_WAITING && !hart.wakeFromWfi()) break;
      retired += hart.run(Math.min(CHUNK, count - retired));
    }
    hart.publishStatus();
    if (hart.state !== HART_WAITING) Atomics.store(this.status, STATUS_STATE, HART_PAUSED);
    Atomics.store(this.mine, H_STEP_RETIRED, retired);
    Atomics.store(this.mine, H_STEP_DONE, request);
    Atomics.notify(this.mine, H_STEP_DONE);
  }

  /** Moves bytes the page typed from the receive rings into the UARTs, as far as they have room. */
  private pumpConsoleInput(): void {
    for (let uart = 0; uart < UART_COUNT; uart++) {
      const ring = this.rx[uart];
      if (ring.count() === 0 || !ring.tryLock()) continue;
      const device = this.board.uart(uart);
      while (device.rxSpace() > 0) {
        const byte = ring.peek();
        if (byte < 0) break;
        device.receive(byte);
        ring.drop();
      }
      ring.unlock();
    }
  }

  /** The test finisher: the guest ended the run. Every hart parks; the host reboots or stops the machine. */
  finished(_event: FinishEvent): void {
    const control = this.control;
    if (Atomics.compareExchange(control, C_RUN, RUN_RUNNING, RUN_FINISHED) !== RUN_RUNNING) {
      Atomics.compareExchange(control, C_RUN, RUN_PAUSED, RUN_FINISHED);
    }
    this.hart.stopRequested = true;
    Atomics.add(control, C_EVENTS, 1);
    Atomics.notify(control, C_EVENTS);
    for (let hart = 0; hart < this.board.harts; hart++) this.board.wake(hart);
  }
}

/**
 * The board's UART output in a worker: each byte goes into the UART's
 * transmit ring. When the ring is full the hart waits for the page to
 * drain it (flow control: bytes are never dropped while the machine runs).
 */
export function transmitter(views: RuntimeViews): (uart: number, byte: number) => void {
  const { tx } = consoleRings(views);
  const control = views.control;
  return (uart, byte) => {
    const ring = tx[uart];
    for (;;) {
      ring.lock();
      const sent = ring.push(byte);
      ring.unlock();
      if (sent) return;
      const run = Atomics.load(control, C_RUN);
      if (run !== RUN_RUNNING && run !== RUN_PAUSED) return; // the machine is going away
      const head = Atomics.load(views.ringHeaders, ring.headWord);
      if (ring.space() === 0) Atomics.wait(views.ringHeaders, ring.headWord, head, TX_WAIT_MS);
    }
  };
}

/*
 * The worker machine: the browser's way to run a machine, one Web Worker
 * per hart over one SharedArrayBuffer (RAM, device state and the runtime
 * region of layout.ts).
 *
 * The page keeps a Board attached to the same buffer: it resets the
 * devices and loads the software (image, kernel, boot modules: boot.ts),
 * and reads how the guest ended the run. It controls
 * the harts only through control words: it writes C_RUN or a hart's step
 * request, bumps C_SEQUENCE, wakes every hart (Board.wake), and waits with
 * Atomics.waitAsync until each worker has acknowledged. comlink carries
 * only the setup and queries.
 *
 * Console bytes travel through the rings: the page drains each transmit
 * ring as soon as a hart writes into an empty one (waitAsync on its tail),
 * and fills the receive rings from held input as the harts take it.
 */
import * as Comlink from 'comlink';
import { Board } from '../machine/board.ts';
import { STATUS_STATE, STATUS_VMID } from '../machine/counters.ts';
import { bootSoftware, type BootSoftware, type LoadedSoftware } from '../machine/boot.ts';
import type { SymbolTable } from '../machine/elf.ts';
import { MAX_HARTS, UART_COUNT } from '../machine/memory-map.ts';
import type {
  ConsoleStream, HartCounters, HartRegisters, LabMachine, MachineOptions, RunState, StepResult, StopReason,
} from './api.ts';
import type { ByteRing } from './console-ring.ts';
import { CounterView } from './counter-view.ts';
import { consoleRings } from './hart-loop.ts';
import type { HartWorkerApi } from './hart-worker.ts';
import { InputQueue } from './input-queue.ts';
import {
  C_EVENTS, C_HARTS, C_MAGIC, C_RESET_GENERATION, C_RUN, C_SEQUENCE, C_SPEED, H_ACK, H_QUERIES, H_STEP_COUNT,
  H_STEP_DONE, H_STEP_REQUEST, H_STEP_RETIRED, HART_OFF, RUN_FINISHED, RUN_HALTED, RUN_OFF, RUN_PAUSED,
  RUN_RUNNING, RUNTIME_BYTES, RUNTIME_MAGIC, RuntimeViews,
} from './layout.ts';
import { SharedClock, timeRate } from './shared-clock.ts';
import { waitAsync, waitForSequence } from './wait-async.ts';

/** How long a worker may take to acknowledge a control change before the page gives up, in ms. */
const ACK_TIMEOUT_MS = 5000;
/** The longest the page's console and event loops wait without news, in ms (dispose() wakes them). */
const CONSOLE_POLL_MS = 10_000;

/**
 * Builds a machine whose harts will run in Web Workers. Needs a
 * cross-origin isolated page (SharedArrayBuffer). Throws ImageError or
 * BootConfigError for bad software. Nothing runs until powerOn().
 */
export function createWorkerMachine(options: MachineOptions): WorkerMachine {
  if (typeof SharedArrayBuffer === 'undefined' || (typeof crossOriginIsolated !== 'undefined' && !crossOriginIsolated)) {
    throw new Error('the worker machine needs SharedArrayBuffer: serve the page cross-origin isolated ' +
      '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)');
  }
  if ((options.clock ?? 'real-time') !== 'real-time') {
    throw new Error('the worker machine has only the real-time clock; use createThreadMachine for the deterministic one');
  }
  return new WorkerMachine(options);
}

type Listener = (bytes: Uint8Array) => void;

interface HartThread {
  worker: Worker;
  remote: Comlink.Remote<HartWorkerApi>;
}

export class WorkerMachine implements LabMachine {
  readonly harts: number;
  readonly clock = 'real-time' as const;
  readonly symbols: SymbolTable;
  readonly board: Board;
  private readonly views: RuntimeViews;
  private readonly sharedClock: SharedClock;
  private readonly software: BootSoftware;
  private readonly counters: CounterView[] = [];
  private readonly tx: ByteRing[];
  private readonly rx: ByteRing[];
  private readonly listeners: Listener[][] = [];
  private readonly inputs: InputQueue[] = [];
  private readonly feeding: boolean[] = [];
  private readonly stateListeners = new Set<(state: RunState) => void>();
  private threads: HartThread[] = [];
  private runState: RunState = 'off';
  private reason: StopReason | undefined;
  private speedLimit = Infinity;
  private powerCycles = 0;
  private disposed = false;
  /** Whether the harts compile hot code into blocks. */
  private readonly compile: boolean;
  /** Serializes control operations (power, pause, reset...), which wait for the workers. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: MachineOptions) {
    if (!Number.isInteger(options.harts) || options.harts < 1 || options.harts > MAX_HARTS) {
      throw new Error(`a machine has 1 to ${MAX_HARTS} harts, not ${options.harts}`);
    }
    this.harts = options.harts;
    this.compile = options.compile ?? true;
    this.software = options;
    let clock: SharedClock | undefined;
    this.board = new Board({
      harts: this.harts,
      ramSize: (options.ramMiB ?? 128) * 1024 * 1024,
      runtimeBytes: RUNTIME_BYTES,
      clock: { now: () => clock!.now() },
    });
    this.views = new RuntimeViews(this.board.sab, this.board.runtimeOffset);
    clock = this.sharedClock = new SharedClock(this.views.control, this.views.clock);
    this.symbols = this.loadSoftware().symbols;
    const control = this.views.control;
    control[C_MAGIC] = RUNTIME_MAGIC;
    control[C_HARTS] = this.harts;
    control[C_RUN] = RUN_OFF;
    ({ tx: this.tx, rx: this.rx } = consoleRings(this.views));
    for (let hart = 0; hart < this.harts; hart++) {
      const view = new CounterView(hart, `worker hart-${hart}`, this.views.hartCounters(hart),
        this.views.hartStatus(hart), this.views.hartTimes(hart));
      this.counters.push(view);
      this.views.hartStatus(hart)[STATUS_STATE] = HART_OFF;
      this.views.hartStatus(hart)[STATUS_VMID] = -1; // no guest until the hart runs one
    }
    for (let uart = 0; uart < UART_COUNT; uart++) {
      this.listeners.push([]);
      this.inputs.push(new InputQueue());
      this.feeding.push(false);
      void this.drainConsole(uart);
    }
    void this.watchEvents();
  }

  state(): RunState {
    return this.runState;
  }

  stopReason(): StopReason | undefined {
    return this.reason;
  }

  onStateChange(listener: (state: RunState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  powerOn(): Promise<void> {
    return this.serialized(async () => {
      if (this.runState === 'running' || this.runState === 'paused') return;
      if (this.runState === 'stopped') await this.stopWorkers();
      if (this.powerCycles++ > 0) this.loadSoftware();
      for (const ring of this.rx) ring.clear();
      Atomics.add(this.views.control, C_RESET_GENERATION, 1);
      this.reason = undefined;
      this.threads = await Promise.all(Array.from({ length: this.harts }, (_, hart) => this.startWorker(hart)));
      this.sharedClock.setRate(timeRate(this.speedLimitWord()), 0);
      await this.command(RUN_RUNNING);
      this.setState('running');
    });
  }

  powerOff(): Promise<void> {
    return this.serialized(async () => {
      if (this.runState === 'off') return;
      if (this.runState !== 'stopped') this.reason = { kind: 'power-off' };
      await this.stopWorkers();
      this.setState('off');
    });
  }

  pause(): Promise<void> {
    return this.serialized(async () => {
      if (this.runState !== 'running') return;
      this.sharedClock.setRate(0);
      await this.command(RUN_PAUSED);
      this.setState('paused');
    });
  }

  resume(): Promise<void> {
    return this.serialized(async () => {
      if (this.runState !== 'paused') return;
      this.sharedClock.setRate(timeRate(this.speedLimitWord()));
      await this.command(RUN_RUNNING);
      this.setState('running');
    });
  }

  step(hart: number, instructions: number): Promise<StepResult> {
    return this.serialized(async () => {
      if (this.runState !== 'paused') throw new Error('step: pause the machine first');
      if (!(hart >= 0 && hart < this.harts)) throw new Error(`step: no hart ${hart}`);
      if (!Number.isInteger(instructions) || instructions < 1 || instructions > 0x7fff_ffff) {
        throw new Error(`step: a whole number of instructions from 1, not ${instructions}`);
      }
      const mine = this.views.hartControl(hart);
      Atomics.store(mine, H_STEP_COUNT, instructions);
      const request = (Atomics.load(mine, H_STEP_REQUEST) + 1) | 0;
      Atomics.store(mine, H_STEP_REQUEST, request);
      this.board.wake(hart);
      await waitForSequence(mine, H_STEP_DONE, request, 60_000, `hart ${hart}'s step`);
      const retired = Atomics.load(mine, H_STEP_RETIRED);
      if (Atomics.load(this.views.control, C_RUN) === RUN_FINISHED) await this.handleFinish();
      return { retired, state: retired < instructions ? 'waiting' : 'paused' };
    });
  }

  reset(): Promise<void> {
    return this.serialized(async () => {
      if (this.runState !== 'running' && this.runState !== 'paused') return;
      await this.resetBoard(this.runState === 'paused' ? RUN_PAUSED : RUN_RUNNING);
    });
  }

  setSpeed(instructionsPerSecond: number): void {
    this.speedLimit = Number.isFinite(instructionsPerSecond) ? Math.max(1, Math.round(instructionsPerSecond)) : Infinity;
    Atomics.store(this.views.control, C_SPEED, this.speedLimitWord());
    if (this.runState === 'running') this.sharedClock.setRate(timeRate(this.speedLimitWord()));
    this.bumpSequence();
  }

  speed(): number {
    return this.speedLimit;
  }

  hart(id: number): HartCounters {
    const view = this.counters[id];
    if (view === undefined) throw new Error(`no hart ${id}: the machine has harts 0..${this.harts - 1}`);
    return view;
  }

  /** The registers of a running or paused hart (a comlink query to its worker). */
  async registers(hart: number): Promise<HartRegisters | undefined> {
    const thread = this.threads[hart];
    if (thread === undefined) return undefined;
    const mine = this.views.hartControl(hart);
    Atomics.add(mine, H_QUERIES, 1);
    const answer = thread.remote.registers();
    this.board.wake(hart);
    return answer;
  }

  console(uart: number): ConsoleStream {
    const listeners = this.listeners[uart];
    if (listeners === undefined) throw new Error(`no UART ${uart}`);
    return {
      onOutput: (listener) => {
        listeners.push(listener);
        return () => {
          const index = listeners.indexOf(listener);
          if (index >= 0) listeners.splice(index, 1);
        };
      },
      write: (data) => {
        this.inputs[uart].push(data);
        void this.feedConsole(uart);
      },
      end: () => {
        this.inputs[uart].ended = true;
      },
      // The page's machine never stops as idle, so open input changes nothing here.
      holdInputOpen: () => this.inputs[uart].hold(),
    };
  }

  symbolize(address: number): string | undefined {
    return this.symbols.lookup(address >>> 0);
  }

  deviceTree(): Uint8Array {
    return this.board.deviceTreeBlob();
  }

  dispose(): void {
    this.disposed = true;
    void this.powerOff();
    // Wake the page's loops so that they see the machine is gone.
    Atomics.notify(this.views.control, C_EVENTS);
    for (const ring of [...this.tx, ...this.rx]) {
      Atomics.notify(this.views.ringHeaders, ring.tailWord);
      Atomics.notify(this.views.ringHeaders, ring.headWord);
    }
  }

  // ---- internals ----

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private speedLimitWord(): number {
    return Number.isFinite(this.speedLimit) ? this.speedLimit : 0;
  }

  /** Resets the devices and loads the machine's software (image, kernel, boot modules) into RAM. */
  private loadSoftware(): LoadedSoftware {
    return bootSoftware(this.board, this.software);
  }

  private async startWorker(hart: number): Promise<HartThread> {
    const worker = new Worker(new URL('./hart-worker.ts', import.meta.url), { type: 'module', name: `hart-${hart}` });
    const remote = Comlink.wrap<HartWorkerApi>(worker);
    await remote.start({ sab: this.board.sab, harts: this.harts, ramSize: this.board.ramSize, hart, compile: this.compile });
    return { worker, remote };
  }

  private async stopWorkers(): Promise<void> {
    if (this.threads.length > 0) {
      await this.command(RUN_OFF).catch(() => undefined); // a stuck worker is terminated all the same
      for (const thread of this.threads) {
        thread.remote[Comlink.releaseProxy]();
        thread.worker.terminate();
      }
      this.threads = [];
    }
    Atomics.store(this.views.control, C_RUN, RUN_OFF);
    for (let hart = 0; hart < this.harts; hart++) this.views.hartStatus(hart)[STATUS_STATE] = HART_OFF;
    this.deliverOutput();
  }

  /** Bumps the control sequence and wakes every hart; returns the new sequence. */
  private bumpSequence(): number {
    const sequence = (Atomics.add(this.views.control, C_SEQUENCE, 1) + 1) | 0;
    for (let hart = 0; hart < this.harts; hart++) this.board.wake(hart);
    return sequence;
  }

  /** Sets the run state and waits until every worker has acknowledged it. */
  private async command(run: number): Promise<void> {
    Atomics.store(this.views.control, C_RUN, run);
    const sequence = this.bumpSequence();
    await Promise.all(this.threads.map((_, hart) =>
      waitForSequence(this.views.hartControl(hart), H_ACK, sequence, ACK_TIMEOUT_MS, `hart ${hart}`)));
  }

  /** Parks every hart, resets devices and RAM contents, then lets the harts start over in state `then`. */
  private async resetBoard(then: number): Promise<void> {
    await this.command(RUN_HALTED);
    this.loadSoftware();
    Atomics.add(this.views.control, C_RESET_GENERATION, 1);
    this.sharedClock.setRate(then === RUN_RUNNING ? timeRate(this.speedLimitWord()) : 0, 0);
    await this.command(then);
  }

  private setState(state: RunState): void {
    if (this.runState === state) return;
    this.runState = state;
    for (const listener of this.stateListeners) listener(state);
  }

  /** Waits for the workers' events (the guest wrote the test finisher) for the machine's whole life. */
  private async watchEvents(): Promise<void> {
    const control = this.views.control;
    let seen = Atomics.load(control, C_EVENTS);
    while (!this.disposed) {
      await waitAsync(control, C_EVENTS, seen, CONSOLE_POLL_MS);
      const now = Atomics.load(control, C_EVENTS);
      if (now === seen) continue;
      seen = now;
      void this.serialized(async () => this.handleFinish());
    }
  }

  /** The guest used the test finisher: reboot it, or stop the machine with its verdict. */
  private async handleFinish(): Promise<void> {
    if (Atomics.load(this.views.control, C_RUN) !== RUN_FINISHED) return;
    if (this.runState !== 'running' && this.runState !== 'paused') return;
    const event = this.board.lastFinish();
    if (event?.kind === 'reboot') {
      await this.resetBoard(this.runState === 'paused' ? RUN_PAUSED : RUN_RUNNING);
      return;
    }
    this.reason = event ? { kind: 'finisher', event } : { kind: 'power-off' };
    this.sharedClock.setRate(0);
    await this.command(RUN_FINISHED).catch(() => undefined);
    this.deliverOutput(); // what the guest printed before it stopped comes before the news
    this.setState('stopped');
  }

  /** Hands every byte waiting in the transmit rings to the consoles' listeners now. */
  private deliverOutput(): void {
    for (let uart = 0; uart < UART_COUNT; uart++) {
      const bytes = this.tx[uart].readAll();
      if (bytes) for (const listener of this.listeners[uart]) listener(bytes);
    }
  }

  /** Hands what the harts transmit on `uart` to its listeners, as soon as it arrives. */
  private async drainConsole(uart: number): Promise<void> {
    const ring = this.tx[uart];
    const header = this.views.ringHeaders;
    while (!this.disposed) {
      const bytes = ring.readAll();
      if (bytes) for (const listener of this.listeners[uart]) listener(bytes);
      // The ring is empty up to the tail we read; a hart writing into it notifies.
      await waitAsync(header, ring.tailWord, Atomics.load(header, ring.headWord), CONSOLE_POLL_MS);
    }
  }

  /** Moves held input into the receive ring as the harts take it (they notify the ring's head). */
  private async feedConsole(uart: number): Promise<void> {
    if (this.feeding[uart]) return;
    this.feeding[uart] = true;
    const ring = this.rx[uart];
    const input = this.inputs[uart];
    const header = this.views.ringHeaders;
    try {
      while (input.length > 0 && !this.disposed) {
        const head = Atomics.load(header, ring.headWord);
        while (input.length > 0 && ring.space() > 0) ring.push(input.shift());
        for (let hart = 0; hart < this.harts; hart++) this.board.wake(hart);
        if (input.length > 0) await waitAsync(header, ring.headWord, head, CONSOLE_POLL_MS);
      }
    } finally {
      this.feeding[uart] = false;
    }
  }
}

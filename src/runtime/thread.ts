/*
 * The thread machine: every hart interleaved in the calling thread (Node,
 * tests, the headless runner), on src/machine's Machine. With the
 * deterministic clock, mtime is derived from instructions retired and the
 * harts run in a fixed order, so the same image and the same input (given
 * before powerOn) give byte-identical output on every run.
 *
 * The loop runs the harts in rounds for a slice of wall time, hands the
 * console bytes to the listeners, then gives the event loop a turn; when
 * every hart sleeps in WFI it sleeps until the next timer deadline or
 * input (real time), or moves time straight to that deadline
 * (deterministic).
 */
import { Machine, type StopReason as MachineStopReason } from '../machine/machine.ts';
import { HART_WAITING } from '../machine/hart.ts';
import { STATUS_MODE, STATUS_STATE } from '../machine/counters.ts';
import { UART_COUNT } from '../machine/memory-map.ts';
import type { SymbolTable } from '../machine/elf.ts';
import type {
  ClockKind, ConsoleStream, HartCounters, HartRegisters, LabMachine, MachineOptions, RunState, StepResult, StopReason,
} from './api.ts';
import { CounterView } from './counter-view.ts';
import { InputQueue } from './input-queue.ts';
import { HART_OFF, HART_PAUSED } from './layout.ts';
import { Throttle } from './throttle.ts';

export interface ThreadMachineOptions extends MachineOptions {
  /** Stop with StopReason 'limit' after this many instructions in all. */
  maxInstructions?: number;
}

/** Instructions per hart per scheduling round. Small rounds interleave harts finely. */
const QUANTUM_DETERMINISTIC = 1000;
const QUANTUM_REAL_TIME = 20_000;
/** How long the loop runs before giving the host's event loop a turn, in ms. */
const SLICE_MS = 20;
/** Longest sleep while every hart waits, so that changes are noticed, in ms. */
const MAX_SLEEP_MS = 50;

/** Builds a machine whose harts run in this thread. Throws ImageError or BootConfigError for bad software. */
export function createThreadMachine(options: ThreadMachineOptions): ThreadMachine {
  return new ThreadMachine(options);
}

type Listener = (bytes: Uint8Array) => void;

export class ThreadMachine implements LabMachine {
  readonly harts: number;
  readonly clock: ClockKind;
  readonly symbols: SymbolTable;
  /** The machine itself, for tests and tools that look at hart registers. */
  readonly machine: Machine;
  private runState: RunState = 'off';
  private reason: StopReason | undefined;
  private poweredOnce = false;
  private readonly limit: number;
  private readonly views: CounterView[];
  private readonly pendingOutput: number[][] = [];
  private readonly listeners: Listener[][] = [];
  private readonly inputs: InputQueue[] = [];
  private readonly stateListeners = new Set<(state: RunState) => void>();
  private readonly throttle = new Throttle();
  private speedLimit = Infinity;
  /** Resolves the loop's current sleep early (input arrived, control changed). */
  private wakeLoop: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(options: ThreadMachineOptions) {
    for (let uart = 0; uart < UART_COUNT; uart++) {
      this.pendingOutput.push([]);
      this.listeners.push([]);
      this.inputs.push(new InputQueue());
    }
    this.clock = options.clock ?? 'real-time';
    this.machine = new Machine({
      harts: options.harts,
      ramSize: (options.ramMiB ?? 128) * 1024 * 1024,
      deterministic: this.clock === 'deterministic',
      compile: options.compile,
      output: (uart, byte) => this.pendingOutput[uart].push(byte),
    });
    this.symbols = this.machine.load(options).symbols;
    this.harts = options.harts;
    this.limit = options.maxInstructions ?? Infinity;
    this.views = this.machine.harts.map((hart) => new CounterView(hart.id, 'main thread', hart.counters, hart.status));
    this.setHartStates(HART_OFF);
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

  /** Instructions retired by all harts since power-on. */
  instructions(): number {
    return this.machine.instructions;
  }

  async powerOn(): Promise<void> {
    if (this.runState === 'running' || this.runState === 'paused') return;
    if (this.poweredOnce) this.machine.reset();
    this.poweredOnce = true;
    this.reason = undefined;
    this.throttle.setLimit(this.limitPerSecond(), performance.now());
    for (const hart of this.machine.harts) hart.publishStatus();
    this.setState('running');
    this.loop = this.runLoop();
  }

  async powerOff(): Promise<void> {
    if (this.runState === 'off') return;
    if (this.runState !== 'stopped') this.reason = { kind: 'power-off' };
    this.flushOutput();
    this.setHartStates(HART_OFF);
    this.setState('off');
    this.wake();
    await this.loop;
  }

  async pause(): Promise<void> {
    if (this.runState !== 'running') return;
    this.setHartStates(HART_PAUSED);
    this.setState('paused');
  }

  async resume(): Promise<void> {
    if (this.runState !== 'paused') return;
    for (const hart of this.machine.harts) hart.publishStatus();
    this.throttle.restart(performance.now());
    this.setState('running');
    this.wake();
  }

  async step(hartId: number, instructions: number): Promise<StepResult> {
    if (this.runState !== 'paused') throw new Error('step: pause the machine first');
    const hart = this.machine.harts[hartId];
    if (hart === undefined) throw new Error(`step: no hart ${hartId}`);
    let retired = 0;
    hart.stopRequested = false;
    while (retired < instructions && !this.machine.stopReason) {
      retired += hart.run(instructions - retired);
      if (hart.state === HART_WAITING && hart.pendingInterrupts() === 0) break;
    }
    this.flushOutput();
    const state = hart.state === HART_WAITING ? 'waiting' : 'paused';
    hart.publishStatus();
    hart.status[STATUS_STATE] = HART_PAUSED;
    if (this.machine.stopReason) this.stop(this.machine.stopReason);
    return { retired, state };
  }

  async reset(): Promise<void> {
    if (this.runState === 'off' || this.runState === 'stopped') return;
    this.machine.reset();
    if (this.runState === 'paused') this.setHartStates(HART_PAUSED);
    this.wake();
  }

  setSpeed(instructionsPerSecond: number): void {
    this.speedLimit = instructionsPerSecond >= 1 ? instructionsPerSecond : 1;
    this.throttle.setLimit(this.limitPerSecond(), performance.now());
    this.wake();
  }

  speed(): number {
    return this.speedLimit;
  }

  hart(id: number): HartCounters {
    const view = this.views[id];
    if (view === undefined) throw new Error(`no hart ${id}: the machine has harts 0..${this.harts - 1}`);
    return view;
  }

  async registers(hartId: number): Promise<HartRegisters | undefined> {
    const hart = this.machine.harts[hartId];
    if (hart === undefined || this.runState === 'off') return undefined;
    return { pc: hart.pc >>> 0, x: Array.from(hart.x.subarray(0, 32), (v) => v >>> 0), mode: hart.status[STATUS_MODE] };
  }

  console(uart: number): ConsoleStream {
    const listeners = this.listeners[uart];
    const input = this.inputs[uart];
    if (listeners === undefined) throw new Error(`no UART ${uart}`);
    return {
      onOutput: (listener) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener) >>> 0, 1);
      },
      write: (data) => {
        input.push(data);
        this.wake();
      },
      end: () => {
        input.ended = true;
        this.wake();
      },
      holdInputOpen: () => {
        const release = input.hold();
        return () => {
          release();
          this.wake(); // the run may be idle now
        };
      },
    };
  }

  symbolize(address: number): string | undefined {
    return this.symbols.lookup(address >>> 0);
  }

  deviceTree(): Uint8Array {
    return this.machine.board.deviceTreeBlob();
  }

  dispose(): void {
    void this.powerOff();
  }

  private limitPerSecond(): number {
    return Number.isFinite(this.speedLimit) ? this.speedLimit : 0;
  }

  private setState(state: RunState): void {
    if (this.runState === state) return;
    this.runState = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private setHartStates(state: number): void {
    for (const hart of this.machine.harts) hart.status[STATUS_STATE] = state;
  }

  private stop(reason: MachineStopReason | StopReason): void {
    this.reason = reason;
    this.flushOutput();
    this.setHartStates(HART_OFF);
    this.setState('stopped');
  }

  private wake(): void {
    const wake = this.wakeLoop;
    this.wakeLoop = undefined;
    wake?.();
  }

  /** Sleeps `ms` at most; wake() ends the sleep early. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeLoop = undefined;
        resolve();
      }, ms);
      this.wakeLoop = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private flushOutput(): void {
    for (let uart = 0; uart < UART_COUNT; uart++) {
      const pending = this.pendingOutput[uart];
      if (pending.length === 0) continue;
      const chunk = Uint8Array.from(pending);
      pending.length = 0;
      for (const listener of this.listeners[uart]) listener(chunk);
    }
  }

  /** Moves held input into the UARTs as far as their receivers have room. */
  private feedInput(): void {
    for (let uart = 0; uart < UART_COUNT; uart++) {
      const input = this.inputs[uart];
      if (input.length === 0) continue;
      const device = this.machine.board.uart(uart);
      while (input.length > 0 && device.rxSpace() > 0) device.receive(input.shift());
    }
  }

  private inputWaiting(): boolean {
    for (let uart = 0; uart < UART_COUNT; uart++) {
      if (this.inputs[uart].length > 0 && this.machine.board.uart(uart).rxSpace() > 0) return true;
    }
    return false;
  }

  /** Every console's input is consumed, the main console's has ended, and no source holds one open. */
  private inputExhausted(): boolean {
    return this.inputs[0].ended && this.inputs.every((input) => input.length === 0 && !input.held);
  }

  private async runLoop(): Promise<void> {
    const machine = this.machine;
    const deterministic = this.clock === 'deterministic';
    const quantum = deterministic ? QUANTUM_DETERMINISTIC : QUANTUM_REAL_TIME;
    while (this.runState === 'running' || this.runState === 'paused') {
      if (this.runState === 'paused') {
        await this.sleep(MAX_SLEEP_MS);
        continue;
      }
      let reason: StopReason | undefined;
      let throttled = false;
      const sliceEnd = performance.now() + SLICE_MS;
      do {
        this.feedInput();
        const allowed = this.throttle.budget(performance.now());
        if (allowed < 1) {
          throttled = true;
          break;
        }
        const remaining = this.limit - machine.instructions;
        const round = Math.max(1, Math.min(quantum, allowed, Math.ceil(remaining / this.harts)));
        machine.runRound(round);
        this.throttle.spend(round);
        reason = machine.stopReason ?? (machine.instructions >= this.limit ? { kind: 'limit' } : undefined);
      } while (!reason && !machine.allWaiting() && performance.now() < sliceEnd && this.runState === 'running');
      this.flushOutput();
      if (reason) {
        this.stop(reason);
        break;
      }
      if (this.runState !== 'running') continue;
      if (throttled) {
        await this.sleep(Math.min(MAX_SLEEP_MS, this.throttle.msUntilNext(performance.now())));
      } else if (machine.allWaiting() && !this.inputWaiting()) {
        const timerArmed = Number.isFinite(machine.nextTimerDeadline());
        if (!timerArmed && this.inputExhausted()) {
          this.stop({ kind: 'idle' });
          break;
        }
        if (deterministic && timerArmed) {
          machine.skipToNextDeadline();
          await yieldToEventLoop(); // an idle machine's timers must not starve the host's events
        } else {
          await this.sleep(deterministic ? MAX_SLEEP_MS : this.msToNextDeadline());
        }
      } else {
        await yieldToEventLoop();
      }
    }
  }

  private msToNextDeadline(): number {
    const ticks = this.machine.nextTimerDeadline() - this.machine.mtime();
    return Math.max(0, Math.min(MAX_SLEEP_MS, ticks / 10_000));
  }
}

/** Lets the host's event loop run (I/O, timers) before continuing. */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}

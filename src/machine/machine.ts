/*
 * The whole computer: a board (RAM and devices in one SharedArrayBuffer)
 * and its harts, with a loaded image. This file runs all harts interleaved
 * in one thread (Node, tests, the deterministic clock); the browser runtime
 * puts each hart in its own worker over the same board.
 *
 * Two clocks (DESIGN.md, "Runtime"):
 *  - real time: mtime follows the host's monotonic clock;
 *  - deterministic: mtime advances by one tick per TICK_INSTRUCTIONS
 *    instructions of each round of the scheduler, and jumps to the next
 *    timer deadline when every hart sleeps, so the same image and input
 *    always give the same output.
 */
import { Board, type BoardConfig } from './board.ts';
import { TIMEBASE_HZ, type Clock } from './device.ts';
import { bootSoftware, type BootSoftware, type LoadedSoftware } from './boot.ts';
import { ImageError } from './elf.ts';
import { Hart, HART_WAITING } from './hart.ts';
import { BOOTROM_BASE, DEFAULT_RAM_SIZE, RAM_BASE } from './memory-map.ts';
import type { FinishEvent } from './devices/finisher.ts';

export { ImageError };

/** Instructions per mtime tick in deterministic mode: a notional 100 MIPS hart at 10 MHz. */
export const TICK_INSTRUCTIONS = 10;

export interface MachineConfig {
  harts: number;
  /** RAM in bytes (default 128 MiB). */
  ramSize?: number;
  deterministic?: boolean;
  /** Whether the harts compile hot code into blocks (default true; compile.ts). */
  compile?: boolean;
  /** Bytes a UART sends (uart 0 is the main console). */
  output?: (uart: number, byte: number) => void;
}

/** How a run ended. */
export type StopReason =
  | { kind: 'finisher'; event: FinishEvent }
  | { kind: 'tohost'; value: number }
  | { kind: 'idle' } // every hart sleeps and nothing can wake them
  | { kind: 'limit' };

/** A clock for the deterministic mode, advanced by the scheduler. */
class VirtualClock implements Clock {
  ticks = 0;
  now(): number {
    return Math.floor(this.ticks);
  }
}

/** A clock that follows the host's monotonic time. */
class RealClock implements Clock {
  private readonly start = performance.now();
  now(): number {
    return Math.floor((performance.now() - this.start) * (TIMEBASE_HZ / 1000));
  }
}

export class Machine {
  readonly board: Board;
  readonly harts: Hart[];
  readonly deterministic: boolean;
  /** What the last reset loaded. */
  loaded: LoadedSoftware | undefined;
  private software: BootSoftware | undefined;
  private readonly virtualClock = new VirtualClock();
  /** Set when the machine stops by itself (finisher, tohost). */
  stopReason: StopReason | undefined;
  /** Total instructions retired by all harts. */
  instructions = 0;

  constructor(config: MachineConfig) {
    this.deterministic = config.deterministic ?? false;
    const clock = this.deterministic ? this.virtualClock : new RealClock();
    const boardConfig: BoardConfig = {
      harts: config.harts,
      ramSize: config.ramSize ?? DEFAULT_RAM_SIZE,
      clock,
      output: config.output,
      onFinish: (event) => this.finish(event),
    };
    this.board = new Board(boardConfig);
    this.harts = Array.from({ length: config.harts }, (_, id) => new Hart(id, this.board, undefined, undefined,
      { compile: config.compile }));
  }

  /**
   * Makes `software` (an image, and maybe a kernel and boot modules: boot.ts)
   * what the machine boots, and resets the machine to run it. Throws
   * ImageError or BootConfigError for software it cannot load.
   */
  load(software: BootSoftware): LoadedSoftware {
    this.software = software;
    this.reset();
    return this.loaded!;
  }

  /** Power-on reset: devices, RAM contents (image, kernel, boot modules), harts at the boot ROM. */
  reset(): void {
    if (!this.software) throw new Error('no image loaded');
    this.loaded = bootSoftware(this.board, this.software);
    for (const hart of this.harts) hart.reset(BOOTROM_BASE);
    this.stopReason = undefined;
  }

  private finish(event: FinishEvent): void {
    if (event.kind === 'reboot') {
      this.rebootPending = true;
      for (const hart of this.harts) hart.stopRequested = true;
      return;
    }
    this.stopReason = { kind: 'finisher', event };
    for (const hart of this.harts) hart.stopRequested = true;
  }

  private rebootPending = false;

  /** True when every hart sleeps in WFI. */
  allWaiting(): boolean {
    return this.harts.every((hart) => hart.state === HART_WAITING && hart.pendingInterrupts() === 0);
  }

  /**
   * Runs each hart for up to `quantum` instructions, in hart order.
   * Returns the instructions retired. Check `stopReason` afterwards.
   */
  runRound(quantum: number): number {
    let retired = 0;
    for (const hart of this.harts) {
      if (this.stopReason) break;
      hart.stopRequested = false;
      retired += hart.run(quantum);
      if (this.rebootPending) {
        this.rebootPending = false;
        this.reset();
        return retired;
      }
    }
    this.instructions += retired;
    if (this.deterministic) this.virtualClock.ticks += quantum / TICK_INSTRUCTIONS;
    this.checkToHost();
    return retired;
  }

  /** The riscv-tests convention: a nonzero word at `tohost` ends the run. */
  private checkToHost(): void {
    const address = this.loaded?.image.tohost;
    if (address === undefined || this.stopReason) return;
    const value = this.board.ram32[(address - RAM_BASE) >>> 2];
    if (value !== 0) this.stopReason = { kind: 'tohost', value };
  }

  /** The earliest mtimecmp among harts that can take a timer interrupt, in ticks (Infinity if none). */
  nextTimerDeadline(): number {
    let deadline = Infinity;
    for (const hart of this.harts) {
      if (hart.mie & (1 << 7)) deadline = Math.min(deadline, this.board.timerDeadline(hart.id));
    }
    return deadline;
  }

  /** Current mtime in ticks. */
  mtime(): number {
    return this.board.mtime();
  }

  /**
   * Deterministic mode only: when every hart sleeps, moves time to the next
   * timer deadline. Returns false if no timer can ever wake them.
   */
  skipToNextDeadline(): boolean {
    const deadline = this.nextTimerDeadline();
    if (!Number.isFinite(deadline)) return false;
    this.virtualClock.ticks = Math.max(this.virtualClock.ticks, deadline);
    return true;
  }

  /** Looks up a function name for an address from the image's symbols. */
  symbolize(address: number): string | undefined {
    return this.loaded?.symbols.lookup(address >>> 0);
  }
}

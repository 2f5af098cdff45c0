/*
 * The runtime's public API: what the web app and the headless runner use
 * to run a machine, and all they use. Two implementations:
 *
 *  - createWorkerMachine (workers.ts): the browser; one Web Worker per hart
 *    over one SharedArrayBuffer, real-time clock;
 *  - createThreadMachine (thread.ts): Node, tests and reproducible runs;
 *    every hart interleaved in the calling thread, with the real-time or
 *    the deterministic clock.
 *
 * Counters are live views of memory the harts write: reading them sends no
 * message and costs a few loads, so the UI samples them once per animation
 * frame.
 */
import type { BootSoftware } from '../machine/boot.ts';
import type { FinishEvent } from '../machine/devices/finisher.ts';
import type { SymbolTable } from '../machine/elf.ts';

export type ClockKind = 'real-time' | 'deterministic';

/**
 * A machine and the software it boots at power-on and at every reset
 * (BootSoftware, src/machine/boot.ts):
 *  - image: an ELF32 executable, or a raw binary loaded at 0x80000000
 *    (imageFormat 'raw'), entered by the boot ROM at 0x80000000;
 *  - kernel: a kernel for the SBI firmware in `image` to start, like
 *    QEMU's -kernel (an ELF32 at its own addresses, or a RISC-V Image at
 *    0x80400000);
 *  - modules: kernels for a hypervisor in `image`, Dom0's and DomUs', named
 *    in the device tree's /chosen as Xen's dom0less boot reads them.
 * Creating the machine throws ImageError or BootConfigError for software it
 * cannot load; the message says why.
 */
export interface MachineOptions extends BootSoftware {
  /** Harts (cores), 1..16. */
  harts: number;
  /** RAM in MiB (default 128). */
  ramMiB?: number;
  /** Default 'real-time'. The worker machine has only the real-time clock. */
  clock?: ClockKind;
  /** Whether hot code is compiled into blocks of JavaScript (default true); false runs the interpreter only. */
  compile?: boolean;
}

/** What the machine as a whole is doing. */
export type RunState = 'off' | 'running' | 'paused' | 'stopped';

/** What one hart is doing: executing, asleep in WFI until an interrupt, held by pause, or not powered. */
export type HartState = 'running' | 'waiting' | 'paused' | 'off';

/** Why a machine stopped by itself or was stopped. */
export type StopReason =
  | { kind: 'finisher'; event: FinishEvent } // the guest powered off (pass) or failed through the test finisher
  | { kind: 'tohost'; value: number } // riscv-tests convention: 1 passes, v fails with v >> 1
  | { kind: 'idle' } // every hart sleeps and nothing can wake them (headless, input ended)
  | { kind: 'limit' } // the instruction limit ran out
  | { kind: 'power-off' }; // the user

export interface StepResult {
  /** Instructions retired: the number asked for, unless the hart slept in WFI with nothing to wake it. */
  retired: number;
  state: HartState;
}

/** Live counters of one hart (layout in src/machine/counters.ts). */
export interface HartCounters {
  readonly id: number;
  /** Where this hart runs: "worker hart-0", or "main thread". */
  readonly thread: string;
  state(): HartState;
  /** Privilege mode, a MODE_* index of counters.ts (M, HS/S, U, VS, VU). */
  mode(): number;
  /** The VMID (hgatp.VMID) of the guest the hart runs while V=1 (VS, VU); undefined while V=0 (M, HS, U). */
  vmid(): number | undefined;
  /** pc at the end of the hart's last batch of instructions. */
  pc(): number;
  /** Instructions retired, in all modes or in one MODE_*. */
  retired(mode?: number): number;
  /** Instructions retired in VS/VU-mode with hgatp's VMID `vmid` (VMIDs from 63 share the last count). */
  retiredByVmid(vmid: number): number;
  /** VM exits (traps that switched V from 1 to 0), in all or by cause slot (counters.causeSlot). */
  vmExits(slot?: number): number;
  /** Traps by cause slot (counters.causeSlot) and the mode that took them (TARGET_*). */
  traps(target: number, slot: number): number;
  /** Milliseconds the hart has slept in WFI since power-on (0 in the thread machine). */
  waitingMs(): number;
}

/** A hart's registers (a query answered by the hart's thread). */
export interface HartRegisters {
  pc: number;
  /** x0..x31 as unsigned numbers. */
  x: number[];
  /** Privilege mode, a MODE_* index. */
  mode: number;
}

/** A console: UART n of the board. */
export interface ConsoleStream {
  /** Bytes the guest transmits, in order, in chunks. Returns a function that unsubscribes. */
  onOutput(listener: (bytes: Uint8Array) => void): () => void;
  /** Bytes for the guest: held until its UART has room, never dropped. */
  write(data: Uint8Array | string): void;
  /** No more input will come (lets a headless run end when the guest idles). */
  end(): void;
  /**
   * Input may still come on this console until the returned function is
   * called (a client is connected to its socket): meanwhile a headless run
   * does not stop as idle. UART0's input counts as open until end().
   */
  holdInputOpen(): () => void;
}

export interface LabMachine {
  readonly harts: number;
  readonly clock: ClockKind;
  /** The image's symbols and the kernel's (for "function+offset" names of addresses). */
  readonly symbols: SymbolTable;
  state(): RunState;
  /** Why the machine stopped, once state() is 'stopped' or 'off' after running. */
  stopReason(): StopReason | undefined;
  /** Called at every change of state(). Returns a function that unsubscribes. */
  onStateChange(listener: (state: RunState) => void): () => void;
  /** Starts every hart at the boot ROM. */
  powerOn(): Promise<void>;
  /** Stops every hart for good (the machine can be powered on again, from reset). */
  powerOff(): Promise<void>;
  /** Resolves once every hart has stopped executing. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** While paused: runs exactly `instructions` instructions on `hart` (see StepResult). */
  step(hart: number, instructions: number): Promise<StepResult>;
  /** Reset: devices, software (image, kernel, boot modules) and harts as at power-on; keeps running or paused as before. */
  reset(): Promise<void>;
  /** Instructions per second per hart, from 1; Infinity for full speed. */
  setSpeed(instructionsPerSecond: number): void;
  speed(): number;
  hart(id: number): HartCounters;
  /** The registers of a hart (undefined while the machine is off). */
  registers(hart: number): Promise<HartRegisters | undefined>;
  console(uart: number): ConsoleStream;
  /** "name+0x1c" for an address inside a function of the image. */
  symbolize(address: number): string | undefined;
  /** The device tree blob the machine wrote at its last reset (with the boot modules in /chosen). */
  deviceTree(): Uint8Array;
  /** Ends the machine and frees its threads. */
  dispose(): void;
}

/*
 * The page's state, in three zustand stores:
 *  - useLab: what the user chose and sees of the machine as a whole (which
 *    machine, run state, speed, the step form, errors);
 *  - useHarts: one snapshot per hart, replaced by the sampler
 *    (sampler.ts) only when what the card shows has changed. A card
 *    selects its own snapshot, so one hart's numbers re-render one card;
 *  - useConsoles: the consoles in use, whose they are, and which the user
 *    looks at (tabs or grid, the selected one).
 */
import { create } from 'zustand';
import type { HartState, RunState, StopReason } from '../runtime/index.ts';
import { NO_OWNERS, type ConsoleOwners } from './console-labels.ts';
import type { ConsoleLayout } from './consoles.ts';

export type LabStatus = 'loading' | 'ready' | 'error';

export interface LabState {
  status: LabStatus;
  /** Why the machine could not be built or started. */
  error?: string;
  image: string;
  harts: number;
  ramMiB: number;
  runState: RunState;
  stopReason?: StopReason;
  /** Instructions per second per hart; Infinity = full speed. */
  speed: number;
  /** The step form. */
  stepHart: number;
  stepCount: number;
  /** What the last step did, for the status line. */
  lastStep?: string;
  /** A control operation is under way (buttons wait). */
  busy: boolean;
}

export const useLab = create<LabState>(() => ({
  status: 'loading',
  image: '',
  harts: 0,
  ramMiB: 0,
  runState: 'off',
  speed: Infinity,
  stepHart: 0,
  stepCount: 1,
  busy: false,
}));

/** Shares of the last second of a hart's time, by mode (MODE_* order), then asleep in WFI. Sum 1, or all 0. */
export type TimeShares = readonly number[];

export interface HartSnapshot {
  id: number;
  /** Where the hart runs ("worker hart-0"). */
  thread: string;
  state: HartState;
  /** MODE_* index. */
  mode: number;
  /** The VMID of the guest the hart runs (V=1); undefined in M, HS and U. */
  vmid?: number;
  pc: number;
  /** "function+0x1c" from the image's symbols, if the pc is inside one (never while V=1: a guest's pc). */
  where?: string;
  /** Millions of instructions per second over the last second. */
  mips: number;
  retired: number;
  shares: TimeShares;
}

export interface HartsState {
  harts: readonly HartSnapshot[];
}

export const useHarts = create<HartsState>(() => ({ harts: [] }));

export interface ConsolesState {
  /** UARTs with a console on the page, ascending: UART0, and every other one that has printed. */
  inUse: readonly number[];
  /** Whose console each UART is, as the hypervisor's log said (console-labels.ts). */
  owners: ConsoleOwners;
  layout: ConsoleLayout;
  /** The UART whose console the tabs show, or that has the focus in the grid. */
  selected: number;
}

export const useConsoles = create<ConsolesState>(() => ({ inUse: [0], owners: NO_OWNERS, layout: 'tabs', selected: 0 }));

export function selectConsole(uart: number): void {
  useConsoles.setState({ selected: uart });
}

export function setConsoleLayout(layout: ConsoleLayout): void {
  useConsoles.setState({ layout });
}

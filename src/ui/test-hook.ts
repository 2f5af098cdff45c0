/*
 * window.__hyperlab: what the end-to-end tests read, without going
 * through the renderer's DOM (the terminal may draw on a canvas): each
 * console terminal's text from xterm's buffer, the consoles in use, the
 * counters from shared memory, and the device tree the machine wrote.
 */
import type { Terminal } from '@xterm/xterm';
import type { HartState, LabMachine, RunState } from '../runtime/index.ts';
import { useConsoles } from './store.ts';

export interface LabTestHook {
  /** UART `uart`'s terminal text (UART0 by default), one line per row, trailing spaces trimmed; '' without one. */
  terminalText(uart?: number): string;
  /** The UARTs with a console on the page, ascending. */
  consoles(): number[];
  harts(): number;
  retired(hart: number): number;
  hartState(hart: number): HartState;
  runState(): RunState;
  /** The device tree blob the machine wrote at its last reset, as bytes. */
  deviceTree(): number[];
}

declare global {
  interface Window {
    __hyperlab?: LabTestHook;
  }
}

const terminals = new Map<number, Terminal>();

/** A console pane registers its terminal for UART `uart` (undefined when it goes). */
export function registerTerminal(uart: number, terminal: Terminal | undefined): void {
  if (terminal) terminals.set(uart, terminal);
  else terminals.delete(uart);
}

export function installTestHook(machine: LabMachine): void {
  window.__hyperlab = {
    terminalText(uart = 0) {
      const terminal = terminals.get(uart);
      if (!terminal) return '';
      const buffer = terminal.buffer.active;
      const lines: string[] = [];
      for (let row = 0; row < buffer.length; row++) {
        const line = buffer.getLine(row);
        const text = line?.translateToString(true) ?? '';
        if (line?.isWrapped && lines.length > 0) lines[lines.length - 1] += text; // a long line the terminal wrapped
        else lines.push(text);
      }
      return lines.join('\n');
    },
    consoles: () => [...useConsoles.getState().inUse],
    harts: () => machine.harts,
    retired: (hart) => machine.hart(hart).retired(),
    hartState: (hart) => machine.hart(hart).state(),
    runState: () => machine.state(),
    deviceTree: () => Array.from(machine.deviceTree()),
  };
}

/*
 * window.__hyperlab: what the end-to-end tests read, without going
 * through the renderer's DOM (the terminal may draw on a canvas): the
 * terminal's text from xterm's buffer, the counters from shared memory, and
 * the device tree the machine wrote.
 */
import type { Terminal } from '@xterm/xterm';
import type { HartState, LabMachine, RunState } from '../runtime/index.ts';

export interface LabTestHook {
  /** The console terminal's text, one line per row, trailing spaces trimmed. */
  terminalText(): string;
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

let terminal: Terminal | undefined;

/** The console pane registers its terminal (undefined when it goes). */
export function registerTerminal(term: Terminal | undefined): void {
  terminal = term;
}

export function installTestHook(machine: LabMachine): void {
  window.__hyperlab = {
    terminalText() {
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
    harts: () => machine.harts,
    retired: (hart) => machine.hart(hart).retired(),
    hartState: (hart) => machine.hart(hart).state(),
    runState: () => machine.state(),
    deviceTree: () => Array.from(machine.deviceTree()),
  };
}

/*
 * The page's consoles, apart from React: one log per UART of the board
 * (everything it printed since the page loaded, replayed to a terminal
 * that opens later), which UARTs are in use (UART0 always, every other
 * from its first byte, but for a hypervisor's management port: that is
 * the page's channel to domain 0, not a console), what the user types on
 * each, and which consoles the tabs or the grid show.
 */
import { RecentBytes, type ConsoleStream, type LabMachine } from '../runtime/index.ts';
import { HypervisorLogReader, type ConsoleOwners } from './console-labels.ts';

/** Console output kept for a terminal that opens later (or opens again), in bytes, per UART. */
const CONSOLE_HISTORY_BYTES = 1 << 20;

/** Consoles the grid shows at once. */
export const GRID_PANES = 4;

export type ConsoleLayout = 'tabs' | 'grid';

/** Everything one UART printed since the page loaded, and who wants the next bytes. */
export class ConsoleLog {
  private readonly history = new RecentBytes(CONSOLE_HISTORY_BYTES);
  private readonly listeners = new Set<(bytes: Uint8Array) => void>();

  constructor(private readonly stream: ConsoleStream) {
    stream.onOutput((chunk) => this.append(chunk));
  }

  /** Calls `listener` with the history, then with every new chunk. Returns a function that unsubscribes. */
  subscribe(listener: (bytes: Uint8Array) => void): () => void {
    for (const chunk of this.history.chunks()) listener(chunk);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends what the user typed to this UART. */
  type(data: string): void {
    this.stream.write(data);
  }

  private append(chunk: Uint8Array): void {
    this.history.push(chunk);
    for (const listener of this.listeners) listener(chunk);
  }
}

/** What the consoles tell the page as the machine prints. */
export interface ConsoleEvents {
  /** UART `uart` (1..) printed its first byte: it is in use from now on. */
  inUse(uart: number): void;
  /** The hypervisor's log on UART0 said whose console a UART is. */
  owners(owners: ConsoleOwners): void;
}

/** A log for every UART of the machine, listened to from power-on. */
export class LabConsoles {
  private readonly logs: ConsoleLog[] = [];

  constructor(machine: Pick<LabMachine, 'console'>, uarts: number, events: ConsoleEvents) {
    for (let uart = 0; uart < uarts; uart++) this.logs.push(new ConsoleLog(machine.console(uart)));
    let managementPort: number | undefined;
    const hypervisorLog = new HypervisorLogReader();
    this.logs[0].subscribe((bytes) => {
      const owners = hypervisorLog.read(bytes);
      if (!owners) return;
      managementPort = owners.managementPort;
      events.owners(owners);
    });
    for (let uart = 1; uart < uarts; uart++) {
      let printed = false;
      this.logs[uart].subscribe(() => {
        if (!printed && uart !== managementPort) events.inUse(uart);
        printed = true;
      });
    }
  }

  /** UART `uart`'s log. */
  log(uart: number): ConsoleLog {
    return this.logs[uart];
  }
}

/** `inUse` (ascending UART numbers) with `uart` added; the same array if it is there already. */
export function withConsole(inUse: readonly number[], uart: number): readonly number[] {
  return inUse.includes(uart) ? inUse : [...inUse, uart].sort((a, b) => a - b);
}

/**
 * The consoles on screen: in tabs, the selected one; in the grid, the
 * group of GRID_PANES (in tab order) that holds the selected one.
 */
export function visibleConsoles(inUse: readonly number[], selected: number, layout: ConsoleLayout): number[] {
  const index = Math.max(0, inUse.indexOf(selected));
  if (layout === 'tabs') return inUse.slice(index, index + 1);
  const first = Math.floor(index / GRID_PANES) * GRID_PANES;
  return inUse.slice(first, first + GRID_PANES);
}

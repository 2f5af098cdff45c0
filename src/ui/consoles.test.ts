/*
 * The page's consoles without React: UART0 is always there and the others
 * appear with their first byte; each keeps its history for a terminal that
 * opens later; what is typed on one goes to that UART alone; the tabs and
 * the grid show the right ones. Last, the same on the real hypervisor
 * image, booted in this thread.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createThreadMachine, UART_COUNT, type ConsoleStream, type LabMachine } from '../runtime/index.ts';
import { until } from '../runtime/testing/until.ts';
import { consoleLabel, NO_OWNERS, type ConsoleOwners } from './console-labels.ts';
import { LabConsoles, visibleConsoles, withConsole } from './consoles.ts';

/** A machine whose UARTs the test drives: print(uart, text) is the guest's output, typed[uart] what reached it. */
function fakeMachine() {
  const printers: ((bytes: Uint8Array) => void)[] = [];
  const typed: string[] = new Array(UART_COUNT).fill('');
  const console = (uart: number): ConsoleStream => ({
    onOutput: (listener) => {
      printers[uart] = listener;
      return () => undefined;
    },
    write: (data) => { typed[uart] += data; },
    end: () => undefined,
    holdInputOpen: () => () => undefined,
  });
  const print = (uart: number, text: string) => printers[uart](new TextEncoder().encode(text));
  return { machine: { console }, print, typed };
}

/** LabConsoles over `machine`, with what it reported kept as the page's store keeps it. */
function watch(machine: Pick<LabMachine, 'console'>) {
  const seen = { inUse: [0] as readonly number[], owners: NO_OWNERS as ConsoleOwners, reports: 0 };
  const consoles = new LabConsoles(machine, UART_COUNT, {
    inUse: (uart) => { seen.inUse = withConsole(seen.inUse, uart); seen.reports++; },
    owners: (owners) => { seen.owners = owners; seen.reports++; },
  });
  return { consoles, seen };
}

/** What a terminal that opened now on UART `uart` would be given. */
function history(consoles: LabConsoles, uart: number): string {
  const decoder = new TextDecoder();
  let text = '';
  const unsubscribe = consoles.log(uart).subscribe((bytes) => { text += decoder.decode(bytes, { stream: true }); });
  unsubscribe();
  return text;
}

describe('the consoles', () => {
  it('are UART0 from the start, then every UART that prints, once, in UART order', () => {
    const { machine, print } = fakeMachine();
    const { seen } = watch(machine);
    expect(seen.inUse).toEqual([0]);
    print(3, 'port 3\n');
    print(1, 'port 1\n');
    print(3, 'port 3 again\n');
    expect(seen.inUse).toEqual([0, 1, 3]);
    expect(seen.reports).toBe(2);
  });

  it('keep what each UART printed for a terminal that opens later', () => {
    const { machine, print } = fakeMachine();
    const { consoles } = watch(machine);
    print(0, 'boot\n');
    print(2, 'guest ');
    print(2, 'two\n');
    expect(history(consoles, 0)).toBe('boot\n');
    expect(history(consoles, 2)).toBe('guest two\n');
    expect(history(consoles, 1)).toBe('');
  });

  it('send what is typed on a console to its UART alone', () => {
    const { machine, typed } = fakeMachine();
    const { consoles } = watch(machine);
    consoles.log(2).type('uname -a\r');
    consoles.log(0).type('help\r');
    expect(typed).toEqual(['help\r', '', 'uname -a\r', '', '', '', '', '']);
  });

  it('label the consoles from the hypervisor\'s log on UART0', () => {
    const { machine, print } = fakeMachine();
    const { seen } = watch(machine);
    print(0, '(HV) d0 (Domain-0): HVM, 1 vCPU, console UART0\r\n(HV) d1 (guest1): HVM, 1 vCPU, console UART1\r\n');
    expect([0, 1].map((uart) => consoleLabel(uart, seen.owners))).toEqual(['UART0 · hypervisor + Domain-0', 'UART1 · guest1 (d1)']);
  });
});

describe('the consoles on screen', () => {
  const inUse = [0, 1, 2, 4, 5, 7];

  it('are the selected one behind tabs', () => {
    expect(visibleConsoles(inUse, 4, 'tabs')).toEqual([4]);
    expect(visibleConsoles(inUse, 3, 'tabs')).toEqual([0]); // not in use (any more): the first
  });

  it('are the group of four that holds the selected one in the grid', () => {
    expect(visibleConsoles(inUse, 1, 'grid')).toEqual([0, 1, 2, 4]);
    expect(visibleConsoles(inUse, 4, 'grid')).toEqual([0, 1, 2, 4]);
    expect(visibleConsoles(inUse, 7, 'grid')).toEqual([5, 7]);
    expect(visibleConsoles([0, 1, 2], 2, 'grid')).toEqual([0, 1, 2]);
  });
});

describe('the consoles of the hypervisor image', () => {
  const image = new Uint8Array(readFileSync(new URL('../../public/firmware/hypervisor.elf', import.meta.url)));

  it('are UART0, 1 and 2, named for the domains, each a shell that answers on its own UART', async () => {
    const machine = createThreadMachine({ harts: 2, image });
    const { consoles, seen } = watch(machine);
    const prompted = (uart: number) => /Welcome to HyperLab[^]*\$ $/.test(history(consoles, uart));
    try {
      await machine.powerOn();
      await until(() => [0, 1, 2].every(prompted), 30_000);
      expect(seen.inUse).toEqual([0, 1, 2]);
      expect(seen.inUse.map((uart) => consoleLabel(uart, seen.owners))).toEqual([
        'UART0 · hypervisor + Domain-0', 'UART1 · guest1 (d1)', 'UART2 · guest2 (d2)',
      ]);
      consoles.log(2).type('uname -a\n');
      await until(() => /\$ uname -a\r\n.*HyperLab.*\r\n\$ $/.test(history(consoles, 2)), 30_000);
      expect(history(consoles, 0)).not.toContain('uname');
      expect(history(consoles, 1)).not.toContain('uname');
    } finally {
      await machine.powerOff();
      machine.dispose();
    }
  });
});

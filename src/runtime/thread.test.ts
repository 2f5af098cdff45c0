/*
 * The thread machine through the runtime's public API: reproducible output
 * with the deterministic clock, and the controls (pause, step, reset,
 * speed) as a user of the API sees them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createThreadMachine, totalRetired, whenStopped, type LabMachine } from './index.ts';
import { until } from './testing/until.ts';

const FIRMWARE = new URL('../../public/firmware/', import.meta.url);
const image = (name: string) => new Uint8Array(readFileSync(new URL(name, FIRMWARE)));

/** Collects what `machine` prints on UART0. */
function capture(machine: LabMachine): () => string {
  const chunks: Uint8Array[] = [];
  machine.console(0).onOutput((bytes) => chunks.push(bytes));
  return () => Buffer.concat(chunks).toString('latin1');
}

describe('the deterministic clock', () => {
  /** Boots the console demo on 4 harts, types commands that wake harts, returns the output. */
  async function consoleSession(): Promise<string> {
    const machine = createThreadMachine({ harts: 4, image: image('console.elf'), clock: 'deterministic' });
    const output = capture(machine);
    machine.console(0).write('ipi 3\nipi 1\nipi 2\nticks\nharts\npoweroff\n');
    machine.console(0).end();
    await machine.powerOn();
    const reason = await whenStopped(machine);
    expect(reason).toEqual({ kind: 'finisher', event: { kind: 'pass', code: 0 } });
    return output();
  }

  it('gives byte-identical console output on every run with 4 harts', async () => {
    const first = await consoleSession();
    const second = await consoleSession();
    expect(second).toBe(first);
    expect(first).toContain('HyperLab console demo: 4 harts');
    for (const hart of [1, 2, 3]) {
      expect(first).toContain(`hart ${hart} online\n`);
      expect(first).toContain(`hart ${hart}: woken by an IPI\n`);
    }
    expect(first).toMatch(/ticks: \d+ at 100 Hz/);
  });
});

describe('controls of the thread machine', () => {
  it('pause freezes the counters, step runs exactly N instructions, resume goes on', async () => {
    const machine = createThreadMachine({ harts: 2, image: image('bench-smp.elf') });
    await machine.powerOn();
    await until(() => machine.hart(1).retired() > 1_000_000);
    await machine.pause();
    expect(machine.state()).toBe('paused');
    expect(machine.hart(0).state()).toBe('paused');
    const frozen = [machine.hart(0).retired(), machine.hart(1).retired()];
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([machine.hart(0).retired(), machine.hart(1).retired()]).toEqual(frozen);

    for (const count of [1, 7, 1000, 123_457]) {
      const before = machine.hart(1).retired();
      const result = await machine.step(1, count);
      expect(result.retired).toBe(count);
      expect(machine.hart(1).retired() - before).toBe(count);
    }
    expect(machine.hart(0).retired()).toBe(frozen[0]);

    await machine.resume();
    const resumedAt = machine.hart(0).retired();
    await until(() => machine.hart(0).retired() > resumedAt + 100_000);
    await machine.powerOff();
    expect(machine.stopReason()).toEqual({ kind: 'power-off' });
  });

  it('keeps to the speed limit and restarts from reset', async () => {
    const machine = createThreadMachine({ harts: 1, image: image('bench.elf') });
    machine.setSpeed(20_000);
    await machine.powerOn();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const retired = totalRetired(machine);
    expect(retired).toBeGreaterThan(4_000);
    expect(retired).toBeLessThan(14_000);
    await machine.reset();
    expect(totalRetired(machine)).toBeLessThan(retired);
    expect(machine.state()).toBe('running');
    machine.setSpeed(Infinity);
    await until(() => totalRetired(machine) > 1_000_000);
    await machine.powerOff();
  });

  it('names the function a pc is in', () => {
    const machine = createThreadMachine({ harts: 1, image: image('console.elf') });
    const address = machine.symbols.address('shell_main');
    expect(address).toBeDefined();
    expect(machine.symbolize(address! + 4)).toBe('shell_main+0x4');
  });
});

/*
 * A hart's worker loop, driven in this thread over a board with the
 * runtime region: control words, single steps, sleeping in WFI, console
 * rings both ways, and the test finisher.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Board } from '../machine/board.ts';
import { STATUS_STATE } from '../machine/counters.ts';
import { consoleRings, HartLoop, transmitter } from './hart-loop.ts';
import {
  C_EVENTS, C_RESET_GENERATION, C_RUN, C_SEQUENCE, H_ACK, H_STEP_COUNT, H_STEP_DONE, H_STEP_REQUEST, H_STEP_RETIRED,
  HART_PAUSED, HART_WAITING, RUN_FINISHED, RUN_PAUSED, RUN_RUNNING, RUNTIME_BYTES, RuntimeViews,
} from './layout.ts';
import { SharedClock } from './shared-clock.ts';

const FIRMWARE = new URL('../../public/firmware/', import.meta.url);

/** A board in this thread with one HartLoop per hart, as the workers would have them. */
function machine(image: string, harts = 1) {
  let loops: HartLoop[] = [];
  let views: RuntimeViews | undefined;
  let clock: SharedClock | undefined;
  let transmit = (_uart: number, _byte: number) => {};
  const board = new Board({
    harts,
    ramSize: 16 * 1024 * 1024,
    runtimeBytes: RUNTIME_BYTES,
    clock: { now: () => clock!.now() },
    output: (uart, byte) => transmit(uart, byte),
    onFinish: (event) => loops.forEach((loop) => loop.finished(event)),
  });
  views = new RuntimeViews(board.sab, board.runtimeOffset);
  clock = new SharedClock(views.control, views.clock);
  clock.setRate(1, 0);
  transmit = transmitter(views);
  board.loadElf(new Uint8Array(readFileSync(new URL(image, FIRMWARE))));
  loops = Array.from({ length: harts }, (_, id) => new HartLoop(board, views!, id, clock!, 0));
  const control = views.control;
  const command = (run: number) => {
    Atomics.store(control, C_RUN, run);
    return Atomics.add(control, C_SEQUENCE, 1) + 1;
  };
  const { tx, rx } = consoleRings(views);
  const output = () => new TextDecoder().decode(tx[0].readAll() ?? new Uint8Array());
  return { board, views, loops, command, rx, output };
}

/** Ticks every loop until `done()` or `limit` rounds. */
function tickUntil(loops: HartLoop[], done: () => boolean, limit = 2000): void {
  for (let round = 0; round < limit && !done(); round++) for (const loop of loops) loop.tick();
}

describe('HartLoop', () => {
  it('runs when told, acknowledges every control change, and counts in shared memory', () => {
    const { views, loops, command } = machine('bench.elf');
    Atomics.add(views.control, C_RESET_GENERATION, 1);
    const sequence = command(RUN_RUNNING);
    loops[0].tick();
    expect(views.hartControl(0)[H_ACK]).toBe(sequence);
    expect(views.hartCounters(0).reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
    expect(loops[0].hart.counters).toBe(views.hartCounters(0));
  });

  it('parks when paused and steps exactly the instructions asked for', () => {
    const { views, loops, command } = machine('bench.elf');
    command(RUN_RUNNING);
    loops[0].tick();
    const sequence = command(RUN_PAUSED);
    loops[0].tick();
    const mine = views.hartControl(0);
    expect(mine[H_ACK]).toBe(sequence);
    expect(views.hartStatus(0)[STATUS_STATE]).toBe(HART_PAUSED);
    const retired = () => loops[0].hart.counters.slice(0, 5).reduce((a, b) => a + b, 0);
    const frozen = retired();
    loops[0].tick();
    expect(retired()).toBe(frozen);
    for (const count of [1, 3, 4096, 4097, 100_000]) {
      const before = retired();
      mine[H_STEP_COUNT] = count;
      mine[H_STEP_REQUEST]++;
      loops[0].tick();
      expect(mine[H_STEP_DONE]).toBe(mine[H_STEP_REQUEST]);
      expect(mine[H_STEP_RETIRED]).toBe(count);
      expect(retired() - before).toBe(count);
    }
  });

  it('sleeps in WFI, and wakes for console input that travels through the rings', () => {
    const { views, loops, command, rx, output } = machine('console.elf');
    command(RUN_RUNNING);
    tickUntil(loops, () => views.hartStatus(0)[STATUS_STATE] === HART_WAITING && /> $/.test(output()));
    expect(views.hartStatus(0)[STATUS_STATE]).toBe(HART_WAITING);
    rx[0].write(new TextEncoder().encode('hello rings\r'));
    let text = '';
    tickUntil(loops, () => (text += output()).includes('echo: hello rings\n'));
    expect(text).toContain('echo: hello rings\n');
  });

  it('wakes a hart sleeping in WFI for an IPI from another hart', () => {
    const { views, loops, command, rx, output } = machine('console.elf', 2);
    command(RUN_RUNNING);
    let text = '';
    tickUntil(loops, () => (text += output()).endsWith('> ') && views.hartStatus(1)[STATUS_STATE] === HART_WAITING);
    rx[0].write(new TextEncoder().encode('ipi 1\r'));
    tickUntil(loops, () => (text += output()).includes('hart 1: woken by an IPI'));
    expect(text).toContain('hart 1: woken by an IPI\n');
    expect(text).not.toContain('no answer');
  });

  it('parks every hart and tells the host when the guest uses the test finisher', () => {
    const { board, views, loops, command, rx } = machine('console.elf');
    command(RUN_RUNNING);
    rx[0].write(new TextEncoder().encode('poweroff\r'));
    tickUntil(loops, () => Atomics.load(views.control, C_RUN) === RUN_FINISHED);
    expect(Atomics.load(views.control, C_RUN)).toBe(RUN_FINISHED);
    expect(views.control[C_EVENTS]).toBe(1);
    expect(board.lastFinish()).toEqual({ kind: 'pass', code: 0 });
  });
});

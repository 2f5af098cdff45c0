/*
 * The entry of a hart's Web Worker. The host (workers.ts) sends the
 * machine's SharedArrayBuffer and the hart's number through comlink; the
 * worker attaches a Board to that buffer, builds its Hart over the shared
 * counters, and runs HartLoop.tick() over and over, each call a message
 * to itself so that comlink queries get their turn between slices.
 */
import * as Comlink from 'comlink';
import { Board } from '../machine/board.ts';
import { STATUS_MODE } from '../machine/counters.ts';
import type { HartRegisters } from './api.ts';
import { HartLoop, transmitter } from './hart-loop.ts';
import { H_QUERIES, RUNTIME_BYTES, RuntimeViews } from './layout.ts';
import { SharedClock } from './shared-clock.ts';

export interface HartWorkerSetup {
  sab: SharedArrayBuffer;
  harts: number;
  ramSize: number;
  hart: number;
  /** Whether the hart compiles hot code into blocks. */
  compile?: boolean;
}


let loop: HartLoop | undefined;
let views: RuntimeViews | undefined;

const scheduler = new MessageChannel();
scheduler.port1.onmessage = () => {
  loop!.tick();
  scheduler.port2.postMessage(null);
};

/** Marks a query as answered (the host counted it in H_QUERIES so that the loop would not sleep). */
function answered(): void {
  if (views && loop) Atomics.sub(views.hartControl(loop.id), H_QUERIES, 1);
}

const api = {
  /** Attaches to the machine and starts the loop (which parks until the host says run). */
  start(setup: HartWorkerSetup): void {
    let transmit = (_uart: number, _byte: number) => {};
    let hartLoop: HartLoop | undefined;
    let clock: SharedClock | undefined;
    const board = new Board({
      harts: setup.harts,
      ramSize: setup.ramSize,
      runtimeBytes: RUNTIME_BYTES,
      clock: { now: () => clock!.now() },
      output: (uart, byte) => transmit(uart, byte),
      onFinish: (event) => hartLoop?.finished(event),
    }, setup.sab);
    views = new RuntimeViews(setup.sab, board.runtimeOffset);
    clock = new SharedClock(views.control, views.clock);
    transmit = transmitter(views);
    hartLoop = new HartLoop(board, views, setup.hart, clock, undefined, setup.compile);
    loop = hartLoop;
    scheduler.port2.postMessage(null);
  },

  registers(): HartRegisters {
    const hart = loop!.hart;
    answered();
    return { pc: hart.pc >>> 0, x: Array.from(hart.x.subarray(0, 32), (v) => v >>> 0), mode: hart.status[STATUS_MODE] };
  },
};

export type HartWorkerApi = typeof api;

Comlink.expose(api);

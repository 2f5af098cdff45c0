/*
 * Runs a small program on one hart, for unit tests: the words go to RAM
 * base, the hart starts there in M-mode, and the program ends at the
 * final `j .` that runProgram adds, which is also the trap handler (so an
 * unexpected trap ends the run too, with mcause telling why).
 */
import { Hart } from '../hart.ts';
import { TEST_RAM_BASE, TestBus } from './bus.ts';
import { jal } from './encode.ts';

/**
 * Runs `program` until its final `j .`, in batches of `batch` instructions
 * (one by default, so it stops right there), at most `limit` batches;
 * `options` go to the Hart (compile: the block compiler on or off).
 */
export function runProgram(program: (number | number[])[], setup?: (hart: Hart, bus: TestBus) => void, limit = 10_000,
  batch = 1, options: { compile?: boolean } = {}) {
  const bus = new TestBus();
  const words = program.flat().concat([jal(0, 0)]);
  bus.load(TEST_RAM_BASE, words);
  const hart = new Hart(0, bus, undefined, undefined, options);
  hart.reset(TEST_RAM_BASE);
  const end = (TEST_RAM_BASE + 4 * (words.length - 1)) | 0;
  hart.mtvec = end;
  setup?.(hart, bus);
  for (let i = 0; i < limit && hart.pc !== end; i++) hart.run(batch);
  return { hart, bus, x: hart.x };
}

import { describe, expect, it } from 'vitest';
import * as C from './csr-defs.ts';
import { Hart } from './hart.ts';
import { TEST_RAM_BASE } from './testing/bus.ts';
import * as A from './testing/encode.ts';
import { runProgram } from './testing/program.ts';
import {
  MCONTROL6_VS, MCONTROL_EXECUTE, MCONTROL_LOAD, MCONTROL_M, MCONTROL_STORE, MCONTROL_U, TINFO_TYPES,
  TRIGGER_EXECUTE, TRIGGER_LOAD, TRIGGER_STORE, TriggerModule,
} from './trigger.ts';

const BASE = TEST_RAM_BASE;
const T0 = 5, T1 = 6, A0 = 10, A1 = 11;
const TYPE2 = 0x20000000 | 0;
const TYPE6 = 0x60000000 | 0;
const MODE_U = 0, MODE_S = 1, MODE_M = 3, MODE_VU = 4, MODE_VS = 5;

/** A trigger module with trigger `index` set to tdata1 = `control`, tdata2 = `address`. */
function armed(control: number, address: number, index = 0): TriggerModule {
  const t = new TriggerModule();
  t.write(C.CSR_TSELECT, index);
  t.write(C.CSR_TDATA2, address);
  t.write(C.CSR_TDATA1, control);
  return t;
}

describe('trigger CSRs: WARL read-backs, as QEMU 7.2', () => {
  it('resets to two disabled type 2 triggers, and tinfo says types 2 and 6', () => {
    const t = new TriggerModule();
    expect([t.read(C.CSR_TSELECT), t.read(C.CSR_TDATA1), t.read(C.CSR_TDATA2), t.read(C.CSR_TDATA3)])
      .toEqual([0, TYPE2, 0, 0]);
    expect(t.read(C.CSR_TINFO)).toBe(TINFO_TYPES);
    expect(TINFO_TYPES).toBe(0x44);
    expect(t.watchByMode.every((kinds) => kinds === 0)).toBe(true);
  });

  it('ignores tselect writes past the last trigger', () => {
    const t = new TriggerModule();
    t.write(C.CSR_TSELECT, 1);
    t.write(C.CSR_TSELECT, 2);
    expect(t.read(C.CSR_TSELECT)).toBe(1);
    t.write(C.CSR_TSELECT, -1);
    expect(t.read(C.CSR_TSELECT)).toBe(1);
  });

  it('keeps only the fields QEMU 7.2 implements', () => {
    const t = new TriggerModule();
    t.write(C.CSR_TDATA1, -1); // type 15: ignored
    expect(t.read(C.CSR_TDATA1)).toBe(TYPE2);
    t.write(C.CSR_TDATA1, 0x2fffffff); // dmode, maskmax, hit, select, timing, action, chain, match dropped
    expect(t.read(C.CSR_TDATA1) >>> 0).toBe(0x2003005f);
    t.write(C.CSR_TDATA1, 0x6fffffff); // size 15 is unsupported: 0
    expect(t.read(C.CSR_TDATA1) >>> 0).toBe(0x6180005f);
    t.write(C.CSR_TDATA1, 0x60040000); // size 4 (48 bits) is unsupported
    expect(t.read(C.CSR_TDATA1) >>> 0).toBe(0x60000000);
    t.write(C.CSR_TDATA1, 0x60050000);
    expect(t.read(C.CSR_TDATA1) >>> 0).toBe(0x60050000);
    t.write(C.CSR_TDATA1, 0x4000ffff); // type 4: ignored
    expect(t.read(C.CSR_TDATA1) >>> 0).toBe(0x60050000);
    t.write(C.CSR_TDATA2, -1);
    t.write(C.CSR_TDATA3, -1);
    t.write(C.CSR_TINFO, 0);
    expect([t.read(C.CSR_TDATA2), t.read(C.CSR_TDATA3), t.read(C.CSR_TINFO)]).toEqual([-1, 0, TINFO_TYPES]);
  });

  it('disables a trigger written with 0, as the specification requires', () => {
    const t = armed(TYPE6 | MCONTROL_M | MCONTROL_LOAD, 0x1000);
    t.write(C.CSR_TDATA1, 0);
    expect(t.read(C.CSR_TDATA1)).toBe(TYPE6);
    expect(t.watchByMode[MODE_M]).toBe(0);
  });
});

describe('trigger matching', () => {
  it('watches only the modes and kinds a trigger is enabled for', () => {
    const t = armed(TYPE6 | MCONTROL_U | MCONTROL6_VS | MCONTROL_STORE | MCONTROL_EXECUTE, 0x1000);
    expect([MODE_U, MODE_S, MODE_M, MODE_VU, MODE_VS].map((mode) => t.watchByMode[mode]))
      .toEqual([TRIGGER_STORE | TRIGGER_EXECUTE, 0, 0, 0, TRIGGER_STORE | TRIGGER_EXECUTE]);
  });

  it('never fires a type 2 trigger when V=1, whatever trigger 0 is', () => {
    const t = armed(TYPE2 | MCONTROL_U | 0x10 | MCONTROL_LOAD, 0x1000); // U and S
    t.write(C.CSR_TSELECT, 1);
    t.write(C.CSR_TDATA2, 0x2000);
    t.write(C.CSR_TDATA1, TYPE6 | MCONTROL6_VS | MCONTROL_LOAD);
    expect(t.dataMatches(0x1000, 4, TRIGGER_LOAD, MODE_VS)).toBe(false);
    expect(t.dataMatches(0x1000, 4, TRIGGER_LOAD, MODE_S)).toBe(true);
    expect(t.dataMatches(0x2000, 4, TRIGGER_LOAD, MODE_VS)).toBe(true);
  });

  it('matches a load or store when tdata2 is one of the bytes accessed', () => {
    const t = armed(TYPE6 | MCONTROL_M | MCONTROL_LOAD, 0x1002);
    expect(t.dataMatches(0x1000, 4, TRIGGER_LOAD, MODE_M)).toBe(true);
    expect(t.dataMatches(0x1002, 1, TRIGGER_LOAD, MODE_M)).toBe(true);
    expect(t.dataMatches(0x1003, 1, TRIGGER_LOAD, MODE_M)).toBe(false);
    expect(t.dataMatches(0x1000, 2, TRIGGER_LOAD, MODE_M)).toBe(false);
    expect(t.dataMatches(0x1002, 1, TRIGGER_STORE, MODE_M)).toBe(false);
    expect(armed(TYPE6 | MCONTROL_M | MCONTROL_LOAD, -1).dataMatches(-4, 4, TRIGGER_LOAD, MODE_M)).toBe(true);
  });

  it('restricts a match to the size the size field names', () => {
    const byte = armed(TYPE2 | (1 << 16) | MCONTROL_M | MCONTROL_LOAD | MCONTROL_EXECUTE, 0x1000);
    expect(byte.dataMatches(0x1000, 1, TRIGGER_LOAD, MODE_M)).toBe(true);
    expect(byte.dataMatches(0x1000, 4, TRIGGER_LOAD, MODE_M)).toBe(false);
    expect(byte.executeMatches(0x1000, MODE_M, 2)).toBe(false);
    const word = armed(TYPE6 | (3 << 16) | MCONTROL_M | MCONTROL_EXECUTE, 0x1000);
    expect(word.executeAddressMatches(0x1000, MODE_M)).toBe(true);
    expect(word.executeMatches(0x1000, MODE_M, 4)).toBe(true);
    expect(word.executeMatches(0x1000, MODE_M, 2)).toBe(false);
  });
});

/** Runs `program` in M-mode (runProgram: the trap handler is its final `j .`); returns the hart. */
function run(program: (number | number[])[], setup: (hart: Hart) => void): Hart {
  return runProgram(program, setup, 200).hart;
}

/** Sets trigger 0 of `hart` from M-mode's point of view (as csrw would). */
function setTrigger(hart: Hart, control: number, address: number) {
  hart.triggers.write(C.CSR_TDATA2, address);
  hart.triggers.write(C.CSR_TDATA1, control);
}

describe('the hart with triggers', () => {
  const DATA = BASE + 0x1000;

  it('takes a breakpoint before an instruction an execute trigger names: mepc = its pc, mtval 0', () => {
    const target = BASE + 8;
    const hart = run([A.addi(A0, 0, 1), A.addi(A0, A0, 1), A.addi(A0, A0, 1)],
      (h) => setTrigger(h, TYPE6 | MCONTROL_M | MCONTROL_EXECUTE, target));
    expect(hart.mcause).toBe(C.CAUSE_BREAKPOINT);
    expect(hart.mepc).toBe(target | 0);
    expect(hart.mtval).toBe(0);
    expect(hart.x[A0]).toBe(2);
    expect(hart.instretCount()).toBe(2);
  });

  it('stops a load and a store before they happen, once the trigger is armed by a CSR write', () => {
    // A store warms the TLB first, and another one to the same page after arming does not fire:
    // the store to the trigger's address must still be caught.
    const program = [
      A.lui(T0, DATA >>> 12), A.sw(A1, T0, 4), A.csrrw(0, C.CSR_TDATA2, T0),
      A.li(T1, TYPE2 | MCONTROL_M | MCONTROL_STORE), A.csrrw(0, C.CSR_TDATA1, T1), A.li(A0, 7), A.sw(A0, T0, 8),
    ].flat();
    const hart = run([...program, A.sw(A0, T0, 0)], () => {});
    expect(hart.mcause).toBe(C.CAUSE_BREAKPOINT);
    expect(hart.mepc >>> 0).toBe(BASE + 4 * program.length);
    expect(hart.bus.ram32[0x1000 / 4]).toBe(0);
    const load = run([A.lui(T0, DATA >>> 12), A.li(A0, 5), A.lw(A0, T0, 0)],
      (h) => setTrigger(h, TYPE6 | MCONTROL_M | MCONTROL_LOAD, DATA));
    expect(load.mcause).toBe(C.CAUSE_BREAKPOINT);
    expect(load.x[A0]).toBe(5);
  });

  it('fires in the modes named only: an M-only trigger lets U-mode run, a U trigger stops it', () => {
    const userCode = BASE + 16;
    const program = [A.auipc(T0, 0), A.addi(T0, T0, 16), A.csrrw(0, C.CSR_MEPC, T0), A.mret(), A.addi(A0, 0, 9), A.ecall()];
    const enterUser = (h: Hart) => { h.pmpaddr[0] = -1; h.pmpcfg[0] = 0x1f; };
    const mOnly = run(program, (h) => { enterUser(h); setTrigger(h, TYPE2 | MCONTROL_M | MCONTROL_EXECUTE, userCode); });
    expect(mOnly.mcause).toBe(C.CAUSE_USER_ECALL);
    expect(mOnly.x[A0]).toBe(9);
    const user = run(program, (h) => { enterUser(h); setTrigger(h, TYPE2 | MCONTROL_U | MCONTROL_EXECUTE, userCode); });
    expect(user.mcause).toBe(C.CAUSE_BREAKPOINT);
    expect(user.mepc).toBe(userCode | 0);
    expect(user.x[A0]).toBe(0);
  });

  it('catches an instruction already decoded, reached inside its page in one long batch', () => {
    // A loop of 5 rounds; the trigger on its body is armed (by a CSR write) in the third round.
    const body = BASE + 4 * 3;
    const program = [
      A.li(A0, 0), A.li(T1, body), // li body is two words
      A.addi(A0, A0, 1), // body
      A.addi(T0, 0, 3), A.bne(A0, T0, 12), A.li(A1, TYPE6 | MCONTROL_M | MCONTROL_EXECUTE),
      A.csrrw(0, C.CSR_TDATA2, T1), A.csrrw(0, C.CSR_TDATA1, A1),
      A.addi(T0, 0, 5), A.blt(A0, T0, -4 * 8),
    ].flat();
    expect(program[3]).toBe(A.addi(A0, A0, 1));
    const { hart } = runProgram(program, undefined, 10, 10_000);
    expect(hart.mcause).toBe(C.CAUSE_BREAKPOINT);
    expect(hart.mepc).toBe(body | 0);
    expect(hart.x[A0]).toBe(3);
  });

  it('leaves the fast paths alone while nothing is armed for the current mode', () => {
    const hart = run([A.lui(T0, DATA >>> 12), A.sw(T0, T0, 0), A.lw(A0, T0, 0)],
      (h) => setTrigger(h, TYPE6 | MCONTROL_U | MCONTROL_LOAD | MCONTROL_STORE | MCONTROL_EXECUTE, DATA));
    expect(hart.x[A0]).toBe(DATA | 0);
    expect(hart.mcause).toBe(0);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as K from './counters.ts';
import * as C from './csr-defs.ts';
import { Op } from './decode.ts';
import { Hart, HART_WAITING } from './hart.ts';
import { TEST_DEVICE, TEST_RAM_BASE, TestBus } from './testing/bus.ts';
import * as A from './testing/encode.ts';
import { runProgram } from './testing/program.ts';

const BASE = TEST_RAM_BASE;
const SP = 2, T0 = 5, T1 = 6, T2 = 7, A0 = 10, A1 = 11, A2 = 12;

const run = runProgram;

describe('the execute switch', () => {
  it('has one case per op, named as in decode.ts', () => {
    const source = readFileSync(new URL('./hart.ts', import.meta.url), 'utf8');
    const cases = [...source.matchAll(/case (\d+): (?:\{ )?\/\/ (\w+)/g)];
    expect(cases.length).toBe(Object.keys(Op).length - 2); // UNDECODED and CROSS_PAGE are handled before the switch
    for (const [, number, name] of cases) expect(Op[name as keyof typeof Op], name).toBe(Number(number));
  });
});

describe('RV32I', () => {
  it('computes with registers and immediates, and x0 stays zero', () => {
    const { x } = run([
      A.li(T0, -5), A.li(T1, 7),
      A.add(A0, T0, T1), A.sub(A1, T0, T1), A.slt(A2, T0, T1), A.sltu(13, T0, T1),
      A.xori(14, T1, -1), A.srai(15, T0, 1), A.srli(16, T0, 28), A.slli(17, T1, 31),
      A.addi(0, T1, 5), A.lui(18, 0xfffff), A.auipc(19, 1),
    ]);
    expect([x[10], x[11], x[12], x[13], x[14], x[15], x[16], x[17], x[0]]).toEqual([2, -12, 1, 0, -8, -3, 15, -0x80000000, 0]);
    expect(x[18]).toBe(0xfffff000 | 0);
    expect(x[19] >>> 0).toBe(BASE + 4 * 12 + 0x1000);
  });

  it('branches signed and unsigned, and links on jumps', () => {
    const { x } = run([
      A.li(T0, -1), A.li(T1, 1),
      A.blt(T0, T1, 8), A.addi(A0, 0, 99), // skipped
      A.bltu(T0, T1, 8), A.addi(A1, 0, 42), // not taken: 0xffffffff > 1 unsigned
      A.jal(A2, 8), A.addi(A0, 0, 98), // skipped
      A.auipc(T2, 0), A.jalr(13, T2, 13), // target rounds down to auipc + 12
      A.addi(A0, 0, 97), // skipped
    ]);
    expect(x[A0]).toBe(0);
    expect(x[A1]).toBe(42);
    expect(x[A2] >>> 0).toBe(BASE + 4 * 7);
    expect(x[13] >>> 0).toBe(BASE + 4 * 10);
  });

  it('loads sign- and zero-extend, stores write only their bytes, misaligned accesses work', () => {
    const { x, bus } = run([
      A.lui(SP, 0x80010), A.li(T0, 0x8182f3f4),
      A.sw(T0, SP, 0), A.lb(A0, SP, 0), A.lbu(A1, SP, 0), A.lh(A2, SP, 2), A.lhu(13, SP, 2),
      A.sb(0, SP, 1), A.lw(14, SP, 0),
      A.sw(T0, SP, 5), A.lw(15, SP, 5), A.lh(16, SP, 7),
    ]);
    expect([x[10], x[11], x[12], x[13]]).toEqual([-12, 0xf4, (0x8182 << 16) >> 16, 0x8182]);
    expect(x[14] >>> 0).toBe(0x818200f4);
    expect(x[15] >>> 0).toBe(0x8182f3f4);
    expect(x[16]).toBe((0x8182 << 16) >> 16);
    expect(bus.ram8[0x10005]).toBe(0xf4);
  });
});

describe('RV32M', () => {
  it('multiplies and divides with the specification edge cases', () => {
    const { x } = run([
      A.li(T0, -0x80000000), A.li(T1, -1), A.li(T2, 0),
      A.div(A0, T0, T1), A.rem(A1, T0, T1), A.div(A2, T1, T2), A.divu(13, T1, T2), A.rem(14, T0, T2),
      A.mulh(15, T0, T0), A.mulhu(16, T1, T1), A.mulhsu(17, T1, T1), A.mul(18, T0, T1),
    ]);
    expect([x[10], x[11], x[12], x[13], x[14]]).toEqual([-0x80000000, 0, -1, -1, -0x80000000]);
    expect([x[15], x[16], x[17], x[18]]).toEqual([0x40000000, -2, -1, -0x80000000]);
  });
});

describe('RV32A', () => {
  it('pairs LR with SC, fails SC without a reservation, and applies AMOs', () => {
    const { x, bus } = run([
      A.lui(SP, 0x80010), A.li(T0, 10), A.sw(T0, SP, 0),
      A.scw(A0, T0, SP), // no reservation: fails
      A.lrw(A1, SP), A.li(T1, 20), A.scw(A2, T1, SP), // succeeds
      A.li(T2, -3), A.amoadd(13, T2, SP), A.amominu(14, T2, SP), A.amomin(15, T2, SP), A.lw(16, SP, 0),
    ]);
    expect(x[A0]).toBe(1);
    expect(x[A1]).toBe(10);
    expect(x[A2]).toBe(0);
    expect([x[13], x[14], x[15], x[16]]).toEqual([20, 17, 17, -3]);
    expect(bus.ram32[0x10000 / 4]).toBe(-3);
  });
});

describe('RV32C', () => {
  it('executes compressed instructions with the right length', () => {
    // c.li a0, 5 ; c.addi a0, -1 ; c.mv a1, a0 ; c.add a1, a0 ; then a 32-bit j .
    const halves = [0x4515, 0x157d, 0x85aa, 0x95aa];
    const bus = new TestBus();
    halves.forEach((h, i) => { bus.ram16[i] = h; });
    bus.ram32[2] = A.jal(0, 0);
    const hart = new Hart(0, bus);
    hart.reset(BASE);
    hart.run(4);
    expect(hart.x[A0]).toBe(4);
    expect(hart.x[A1]).toBe(8);
    expect(hart.pc >>> 0).toBe(BASE + 8);
  });

  it('fetches a 32-bit instruction that straddles a page boundary', () => {
    const bus = new TestBus();
    bus.load(BASE, [A.jal(0, 0xffe)]);
    const addi = A.addi(A0, 0, 123);
    bus.ram16[0xffe / 2] = addi & 0xffff;
    bus.ram16[0x1000 / 2] = addi >>> 16;
    const hart = new Hart(0, bus);
    hart.reset(BASE);
    hart.run(2);
    expect(hart.x[A0]).toBe(123);
    expect(hart.pc >>> 0).toBe(BASE + 0x1002);
  });
});

describe('self-modifying code', () => {
  it('sees a store to an instruction it already executed', () => {
    const patched = A.addi(A0, A0, 100);
    const { x } = run([
      A.auipc(T0, 0), // t0 = address of this instruction
      A.li(T1, patched),
      A.addi(A1, A1, 1), // loop body at t0 + 12 (li is two instructions)
      A.addi(A0, A0, 1), // replaced by addi a0, a0, 100 after the first pass
      A.sw(T1, T0, 16), A.fencei(),
      A.li(T2, 2), A.blt(A1, T2, -24),
    ]);
    expect(x[A1]).toBe(2);
    expect(x[A0]).toBe(101);
  });
});

describe('CSRs and traps', () => {
  it('reads old values, writes, and reports an illegal CSR with its instruction bits', () => {
    const bad = A.csrrw(A1, 0x7ff, T0);
    const { hart, x } = run([
      A.li(T0, 0x1234), A.csrrw(A0, C.CSR_MSCRATCH, T0), A.csrrsi(A0, C.CSR_MSCRATCH, 3),
      A.csrrs(A2, C.CSR_MHARTID, 0),
      A.auipc(T1, 0), A.addi(T1, T1, 16), A.csrrw(0, C.CSR_MTVEC, T1), bad,
      A.csrrs(13, C.CSR_MCAUSE, 0), A.csrrs(14, C.CSR_MTVAL, 0),
    ]);
    expect(x[A0]).toBe(0x1234);
    expect(hart.mscratch).toBe(0x1237);
    expect(x[13]).toBe(C.CAUSE_ILLEGAL_INSTRUCTION);
    expect(x[14] >>> 0).toBe(bad);
  });

  it('delegates a U-mode ecall to S-mode and returns with SRET', () => {
    const { hart, x } = run([
      A.li(T0, 1 << C.CAUSE_USER_ECALL), A.csrrw(0, C.CSR_MEDELEG, T0),
      A.auipc(T0, 0), A.addi(T0, T0, 28), A.csrrw(0, C.CSR_STVEC, T0), // handler below
      A.auipc(T0, 0), A.addi(T0, T0, 36), A.csrrw(0, C.CSR_MEPC, T0), // user code below
      A.mret(), // MPP = 0: to U-mode
      // S-mode handler:
      A.csrrs(A0, C.CSR_SCAUSE, 0), A.csrrs(T1, C.CSR_SEPC, 0), A.addi(T1, T1, 4), A.csrrw(0, C.CSR_SEPC, T1), A.sret(),
      // user code:
      A.ecall(), A.addi(A1, 0, 7),
    ], (h) => { h.pmpaddr[0] = -1; h.pmpcfg[0] = 0x1f; });
    expect(x[A0]).toBe(C.CAUSE_USER_ECALL);
    expect(x[A1]).toBe(7);
    expect(hart.priv).toBe(C.PRV_U);
  });

  it('denies S/U accesses when no PMP entry matches', () => {
    const { hart } = run([A.auipc(T0, 0), A.addi(T0, T0, 12), A.csrrw(0, C.CSR_MEPC, T0), A.mret(), A.addi(A0, 0, 1)],
      undefined, 6);
    expect(hart.mcause).toBe(C.CAUSE_FETCH_ACCESS);
    expect(hart.priv).toBe(C.PRV_M);
  });

  it('takes the highest-priority pending interrupt, vectored', () => {
    const { hart, bus } = run([A.li(T0, 0x888), A.csrrw(0, C.CSR_MIE, T0), A.csrrsi(0, C.CSR_MSTATUS, C.MSTATUS_MIE), A.addi(0, 0, 0)], (h, b) => {
      h.mtvec = (BASE + 0x100) | 1;
      b.load(BASE + 0x100 + 4 * C.IRQ_M_EXT, [A.jal(0, 0)]);
      b.interruptBits = (1 << C.IRQ_M_TIMER) | (1 << C.IRQ_M_EXT) | (1 << C.IRQ_M_SOFT);
    }, 5);
    expect(hart.mcause).toBe(C.INTERRUPT_BIT | C.IRQ_M_EXT);
    expect(hart.pc >>> 0).toBe(BASE + 0x100 + 4 * C.IRQ_M_EXT);
    expect(bus.interruptBits).not.toBe(0);
  });

  it('sleeps in WFI until an interrupt is pending, even with interrupts disabled', () => {
    const bus = new TestBus();
    bus.load(BASE, [A.li(T0, 0x80)[0], A.csrrw(0, C.CSR_MIE, T0), A.wfi(), A.addi(A0, 0, 1), A.jal(0, 0)]);
    const hart = new Hart(0, bus);
    hart.reset(BASE);
    hart.run(100);
    expect(hart.state).toBe(HART_WAITING);
    expect(hart.x[A0]).toBe(0);
    bus.interruptBits = 1 << C.IRQ_M_TIMER;
    hart.run(100);
    expect(hart.x[A0]).toBe(1);
    expect(hart.mcause).toBe(0);
  });

  it('keeps the PLIC line out of a read-modify-write of mip', () => {
    const bus = new TestBus();
    bus.load(BASE, [A.addi(T0, 0, 1 << C.IRQ_S_TIMER), A.csrrc(0, C.CSR_MIP, T0), A.jal(0, 0)]);
    const hart = new Hart(0, bus);
    hart.reset(BASE);
    bus.interruptBits = 1 << C.IRQ_S_EXT; // the PLIC raises SEIP
    hart.run(2);
    bus.interruptBits = 0; // and lowers it after a claim
    expect(hart.readMip() & (1 << C.IRQ_S_EXT)).toBe(0);
  });

  it('has no Sstc: menvcfgh.STCE stays 0 when written, stimecmp is an illegal CSR', () => {
    const CSR_STIMECMP = 0x14d;
    const { hart, x } = run([
      A.li(T0, -1), A.csrrw(0, C.CSR_MENVCFGH, T0), A.csrrs(A0, C.CSR_MENVCFGH, 0), A.csrrw(0, CSR_STIMECMP, T0),
    ].flat());
    expect(x[A0]).toBe(0);
    expect(hart.mcause).toBe(C.CAUSE_ILLEGAL_INSTRUCTION); // the run ends at the trap handler
    expect(hart.mtval >>> 0).toBe(A.csrrw(0, CSR_STIMECMP, T0));
  });

  it('counts retired instructions per mode, not the ones that trap', () => {
    const { hart } = run([A.addi(A0, 0, 1), A.ecall()], (h) => { h.mtvec = BASE + 8; });
    expect(hart.counters[K.RETIRED + K.MODE_M]).toBe(1);
    expect(hart.counters[K.trapIndex(K.TARGET_M, C.CAUSE_MACHINE_ECALL)]).toBe(1);
  });
});

describe('Sv32', () => {
  // Page table at 0x80020000: megapage 0x80000000 identity (S, RWX), and
  // virtual 0x40000000 -> physical 0x80030000 (a 4 KiB page, S, R only).
  function setupPaging(h: Hart, b: TestBus, leafFlags: number) {
    const root = 0x20000 / 4;
    const table2 = 0x21000;
    b.ram32[root + (0x80000000 >>> 22)] = ((0x80000000 >>> 12) << 10) | C.PTE_V | C.PTE_R | C.PTE_W | C.PTE_X | C.PTE_A | C.PTE_D;
    b.ram32[root + (0x40000000 >>> 22)] = (((BASE + table2) >>> 12) << 10) | C.PTE_V;
    b.ram32[table2 / 4] = (((BASE + 0x30000) >>> 12) << 10) | leafFlags;
    b.ram32[0x30000 / 4] = 0x5678;
    h.pmpaddr[0] = -1;
    h.pmpcfg[0] = 0x1f;
    h.satp = C.SATP_MODE_SV32 | ((BASE + 0x20000) >>> 12);
    h.mstatus = C.PRV_S << C.MSTATUS_MPP_SHIFT;
    h.mepc = BASE + 8;
  }

  it('translates, and sets the accessed bit in the PTE', () => {
    const { x, bus } = run([A.mret(), 0, A.lui(T0, 0x40000), A.lw(A0, T0, 0)],
      (h, b) => setupPaging(h, b, C.PTE_V | C.PTE_R));
    expect(x[A0]).toBe(0x5678);
    expect(bus.ram32[0x21000 / 4] & C.PTE_A).toBe(C.PTE_A);
    expect(bus.ram32[0x21000 / 4] & C.PTE_D).toBe(0);
  });

  it('raises a store page fault with stval on a read-only page', () => {
    const { hart } = run([A.mret(), 0, A.lui(T0, 0x40000), A.sw(T0, T0, 4)],
      (h, b) => setupPaging(h, b, C.PTE_V | C.PTE_R), 6);
    expect(hart.mcause).toBe(C.CAUSE_STORE_PAGE_FAULT);
    expect(hart.mtval).toBe(0x40000004);
  });

  it('sets the dirty bit on a store to a writable page', () => {
    const { bus } = run([A.mret(), 0, A.lui(T0, 0x40000), A.sw(T0, T0, 4)],
      (h, b) => setupPaging(h, b, C.PTE_V | C.PTE_R | C.PTE_W));
    expect(bus.ram32[0x21000 / 4] & (C.PTE_A | C.PTE_D)).toBe(C.PTE_A | C.PTE_D);
    expect(bus.ram32[0x30004 / 4]).toBe(0x40000000);
  });
});

describe('devices', () => {
  it('sends stores outside RAM to the bus, and faults on holes', () => {
    const { hart, bus } = run([A.lui(T0, TEST_DEVICE >>> 12), A.li(T1, 77), A.sw(T1, T0, 0), A.lw(A0, T0, 0), A.sw(T1, T0, 8)],
      undefined, 8);
    expect(bus.deviceWrites).toEqual([77]);
    expect(hart.x[A0]).toBe(0x5a);
    expect(hart.mcause).toBe(C.CAUSE_STORE_ACCESS);
    expect(hart.mtval).toBe(TEST_DEVICE + 8);
  });
});

describe('H extension', () => {
  const HSTATUS = C.CSR_HSTATUS;
  /** Goes from M-mode into VS-mode at `target` with MPV = 1, MPP = S. */
  function enterGuest(h: Hart, target: number) {
    h.pmpaddr[0] = -1;
    h.pmpcfg[0] = 0x1f;
    h.mstatus = C.PRV_S << C.MSTATUS_MPP_SHIFT;
    h.mstatush = C.MSTATUSH_MPV;
    h.mepc = target;
  }

  it('enters VS-mode with MRET and MPV, and an ecall from VS is cause 10 in HS', () => {
    const { hart } = run([A.mret(), A.ecall(), A.addi(A0, 0, 1)], (h) => {
      enterGuest(h, BASE + 4);
      h.medeleg = 1 << C.CAUSE_VIRTUAL_SUPERVISOR_ECALL;
      h.stvec = BASE + 12; // the final j .
    });
    expect(hart.priv).toBe(C.PRV_S);
    expect(hart.virt).toBe(false);
    expect(hart.scause).toBe(C.CAUSE_VIRTUAL_SUPERVISOR_ECALL);
    expect(hart.hstatus & (C.HSTATUS_SPV | C.HSTATUS_SPVP)).toBe(C.HSTATUS_SPV | C.HSTATUS_SPVP);
    expect(hart.counters[K.RETIRED + K.MODE_VS]).toBe(0); // the ecall did not retire
    expect(hart.counters[K.VM_EXITS + C.CAUSE_VIRTUAL_SUPERVISOR_ECALL]).toBe(1);
  });

  it('redirects sstatus to vsstatus in VS-mode and raises virtual instruction for hstatus', () => {
    const { hart, x } = run([A.mret(), A.csrrs(A0, C.CSR_SSTATUS, 0), A.csrrs(A1, HSTATUS, 0)], (h) => {
      enterGuest(h, BASE + 4);
      h.vsstatus = C.MSTATUS_SUM;
      h.mstatus |= C.MSTATUS_MXR;
    }, 4);
    expect(x[A0]).toBe(C.MSTATUS_SUM);
    expect(hart.mcause).toBe(C.CAUSE_VIRTUAL_INSTRUCTION);
    expect(hart.mtval >>> 0).toBe(A.csrrs(A1, HSTATUS, 0));
    expect(hart.mstatush & C.MSTATUSH_MPV).toBe(C.MSTATUSH_MPV);
  });

  it('translates in two stages and reports a guest-page fault with the guest physical address', () => {
    // G-stage: a 16 KiB root at RAM + 0x40000 mapping guest megapage 0x80000000 to itself (U, RWX),
    // and nothing at guest 0x40000000. vsatp is bare, so guest virtual = guest physical.
    const { hart, x } = run([A.mret(), A.lui(T0, 0x80000), A.lw(A0, T0, 4), A.lui(T0, 0x40000), A.lw(A1, T0, 8)], (h, b) => {
      enterGuest(h, BASE + 4);
      const root = 0x40000 / 4;
      b.ram32[root + (0x80000000 / 0x400000)] = ((0x80000000 >>> 12) << 10) | 0xdf; // V R W X U A D
      h.hgatp = C.HGATP_MODE_SV32X4 | (5 << C.HGATP_VMID_SHIFT) | ((BASE + 0x40000) >>> 12);
    }, 6);
    expect(x[A0] >>> 0).toBe(A.lui(T0, 0x80000)); // read through the G-stage megapage
    expect(hart.mcause).toBe(C.CAUSE_LOAD_GUEST_PAGE_FAULT);
    expect(hart.mtval).toBe(0x40000008);
    expect(hart.mtval2).toBe(0x40000008 / 4);
    expect(hart.mstatush & C.MSTATUSH_GVA).toBe(C.MSTATUSH_GVA);
    // Three guest instructions retired (the faulting load did not), counted for VS and for VMID 5.
    expect(hart.counters[K.RETIRED + K.MODE_VS]).toBe(3);
    expect(hart.counters[K.RETIRED_BY_VMID + 5]).toBe(3);
    expect(hart.counters[K.VM_EXITS + C.CAUSE_LOAD_GUEST_PAGE_FAULT]).toBe(1);
    expect(hart.counters[K.trapIndex(K.TARGET_M, C.CAUSE_LOAD_GUEST_PAGE_FAULT)]).toBe(1);
  });

  it('delivers an interrupt injected through hvip to VS-mode as a supervisor interrupt', () => {
    const { hart } = run([A.mret(), A.addi(0, 0, 0), A.addi(0, 0, 0)], (h) => {
      enterGuest(h, BASE + 4);
      h.hideleg = 1 << C.IRQ_VS_TIMER;
      h.mie = 1 << C.IRQ_VS_TIMER;
      h.vsstatus = C.MSTATUS_SIE;
      h.hvip = 1 << C.IRQ_VS_TIMER;
      h.vstvec = BASE + 12;
    }, 3);
    expect(hart.virt).toBe(true);
    expect(hart.vscause).toBe(C.INTERRUPT_BIT | C.IRQ_S_TIMER);
    expect(hart.pc >>> 0).toBe(BASE + 12);
  });
});

/*
 * The hart's control and status registers: reads and writes with the
 * privileged specification's access rules and WARL legalization. Access
 * that the specification forbids (wrong privilege, a write to a read-only
 * CSR, an unknown number) raises an illegal-instruction exception.
 */
import * as C from './csr-defs.ts';
import type { Hart } from './hart.ts';
import { PMP_ENTRIES, pmpLegalizeConfig, pmpLocked } from './mmu.ts';

/** mip bits software may write through mip (SSIP, STIP, SEIP); the rest come from devices. */
const MIP_WRITABLE = (1 << C.IRQ_S_SOFT) | (1 << C.IRQ_S_TIMER) | (1 << C.IRQ_S_EXT);
/** Interrupts that exist on this hart (mie is writable for these). */
const MIE_WRITABLE = MIP_WRITABLE | (1 << C.IRQ_M_SOFT) | (1 << C.IRQ_M_TIMER) | (1 << C.IRQ_M_EXT);
/** Interrupts that can be delegated to S-mode. */
const MIDELEG_WRITABLE = MIP_WRITABLE;
/** Exceptions that can be delegated: all that exist except ecall from M-mode. */
const MEDELEG_WRITABLE = 0xb3ff;
const SSTATUS_WRITABLE = C.MSTATUS_SIE | C.MSTATUS_SPIE | C.MSTATUS_SPP | C.MSTATUS_SUM | C.MSTATUS_MXR;
/** mstatus bits whose change alters address translation (the TLB must be flushed). */
const MSTATUS_TRANSLATION = C.MSTATUS_MPRV | C.MSTATUS_MPP | C.MSTATUS_SUM | C.MSTATUS_MXR;
const ENVCFG_FIOM = 1;

/** True if `csr` may be accessed at all from the hart's current privilege (not counting counter gating). */
function privilegeAllows(h: Hart, csr: number): boolean {
  return h.priv >= ((csr >>> 8) & 3);
}

/** Reads a CSR or raises illegal instruction. */
export function csrRead(h: Hart, csr: number): number {
  if (!privilegeAllows(h, csr)) return h.illegalCsr();
  switch (csr) {
    case C.CSR_SSTATUS: return h.mstatus & C.SSTATUS_MASK;
    case C.CSR_SIE: return h.mie & h.mideleg;
    case C.CSR_SIP: return h.readMip() & h.mideleg;
    case C.CSR_STVEC: return h.stvec;
    case C.CSR_SCOUNTEREN: return h.scounteren;
    case C.CSR_SENVCFG: return h.senvcfg;
    case C.CSR_SSCRATCH: return h.sscratch;
    case C.CSR_SEPC: return h.sepc;
    case C.CSR_SCAUSE: return h.scause;
    case C.CSR_STVAL: return h.stval;
    case C.CSR_SATP:
      if (h.priv === C.PRV_S && (h.mstatus & C.MSTATUS_TVM)) return h.illegalCsr();
      return h.satp;
    case C.CSR_MSTATUS: return h.mstatus;
    case C.CSR_MSTATUSH: return 0;
    case C.CSR_MISA: return C.MISA_RV32IMAC_SU;
    case C.CSR_MEDELEG: return h.medeleg;
    case C.CSR_MIDELEG: return h.mideleg;
    case C.CSR_MIE: return h.mie;
    case C.CSR_MIP: return h.readMip();
    case C.CSR_MTVEC: return h.mtvec;
    case C.CSR_MCOUNTEREN: return h.mcounteren;
    case C.CSR_MENVCFG: return h.menvcfg;
    case C.CSR_MENVCFGH: return 0;
    case C.CSR_MCOUNTINHIBIT: return h.mcountinhibit;
    case C.CSR_MSCRATCH: return h.mscratch;
    case C.CSR_MEPC: return h.mepc;
    case C.CSR_MCAUSE: return h.mcause;
    case C.CSR_MTVAL: return h.mtval;
    case C.CSR_MCYCLE: return lowWord(h.cycleCount());
    case C.CSR_MCYCLEH: return highWord(h.cycleCount());
    case C.CSR_MINSTRET: return lowWord(h.instretCount());
    case C.CSR_MINSTRETH: return highWord(h.instretCount());
    case C.CSR_MVENDORID: case C.CSR_MARCHID: case C.CSR_MIMPID: case C.CSR_MCONFIGPTR:
      return 0;
    case C.CSR_MHARTID: return h.id;
  }
  if (csr >= C.CSR_CYCLE && csr <= C.CSR_HPMCOUNTER31H && (csr & 0x7f) < 32) return readUserCounter(h, csr);
  if (csr >= C.CSR_PMPCFG0 && csr <= C.CSR_PMPCFG3) return readPmpConfig(h, csr - C.CSR_PMPCFG0);
  if (csr >= C.CSR_PMPADDR0 && csr <= C.CSR_PMPADDR15) return h.pmpaddr[csr - C.CSR_PMPADDR0];
  if (isHardwiredZeroCounter(csr)) return 0;
  return h.illegalCsr();
}

/** Unimplemented performance monitors are legal as read-only zero (WARL). */
function isHardwiredZeroCounter(csr: number): boolean {
  return (csr >= C.CSR_MHPMCOUNTER3 && csr <= C.CSR_MHPMCOUNTER31) ||
    (csr >= C.CSR_MHPMCOUNTER3H && csr <= C.CSR_MHPMCOUNTER31H) ||
    (csr >= C.CSR_MHPMEVENT3 && csr <= C.CSR_MHPMEVENT31);
}

/** cycle, time, instret, hpmcounterN and their high halves, gated by mcounteren/scounteren. */
function readUserCounter(h: Hart, csr: number): number {
  const bit = 1 << (csr & 31);
  if (h.priv < C.PRV_M && (h.mcounteren & bit) === 0) return h.illegalCsr();
  if (h.priv < C.PRV_S && (h.scounteren & bit) === 0) return h.illegalCsr();
  const high = csr >= C.CSR_CYCLEH;
  let value: number;
  switch (csr & 31) {
    case 0: value = h.cycleCount(); break;
    case 1: value = h.bus.mtime(); break;
    case 2: value = h.instretCount(); break;
    default: value = 0;
  }
  return high ? highWord(value) : lowWord(value);
}

function readPmpConfig(h: Hart, register: number): number {
  const base = register * 4;
  return h.pmpcfg[base] | (h.pmpcfg[base + 1] << 8) | (h.pmpcfg[base + 2] << 16) | (h.pmpcfg[base + 3] << 24);
}

/** Writes a CSR (the caller has checked that the instruction writes). */
export function csrWrite(h: Hart, csr: number, value: number): void {
  if (!privilegeAllows(h, csr) || (csr >>> 10) === 3) return void h.illegalCsr();
  switch (csr) {
    case C.CSR_SSTATUS: return writeMstatus(h, (h.mstatus & ~SSTATUS_WRITABLE) | (value & SSTATUS_WRITABLE));
    case C.CSR_SIE: h.mie = (h.mie & ~h.mideleg) | (value & h.mideleg); return;
    case C.CSR_SIP: {
      const writable = h.mideleg & (1 << C.IRQ_S_SOFT);
      h.mipSoftware = (h.mipSoftware & ~writable) | (value & writable);
      return;
    }
    case C.CSR_STVEC: if ((value & 3) < 2) h.stvec = value; return;
    case C.CSR_SCOUNTEREN: h.scounteren = value; return;
    case C.CSR_SENVCFG: h.senvcfg = value & ENVCFG_FIOM; return;
    case C.CSR_SSCRATCH: h.sscratch = value; return;
    case C.CSR_SEPC: h.sepc = value & ~1; return;
    case C.CSR_SCAUSE: h.scause = value; return;
    case C.CSR_STVAL: h.stval = value; return;
    case C.CSR_SATP:
      if (h.priv === C.PRV_S && (h.mstatus & C.MSTATUS_TVM)) return void h.illegalCsr();
      h.satp = value;
      h.flushTlb();
      return;
    case C.CSR_MSTATUS: return writeMstatus(h, value);
    case C.CSR_MSTATUSH: return; // MBE and SBE are read-only zero: the hart is little-endian
    case C.CSR_MISA: return; // WARL: the extensions are fixed
    case C.CSR_MEDELEG: h.medeleg = value & MEDELEG_WRITABLE; return;
    case C.CSR_MIDELEG: h.mideleg = value & MIDELEG_WRITABLE; return;
    case C.CSR_MIE: h.mie = value & MIE_WRITABLE; return;
    case C.CSR_MIP: h.mipSoftware = value & MIP_WRITABLE; return;
    case C.CSR_MTVEC: if ((value & 3) < 2) h.mtvec = value; return;
    case C.CSR_MCOUNTEREN: h.mcounteren = value; return;
    case C.CSR_MENVCFG: h.menvcfg = value & ENVCFG_FIOM; return;
    case C.CSR_MENVCFGH: return; // PBMTE and STCE are not implemented: read-only zero
    case C.CSR_MCOUNTINHIBIT: h.mcountinhibit = value & 0b101; return;
    case C.CSR_MSCRATCH: h.mscratch = value; return;
    case C.CSR_MEPC: h.mepc = value & ~1; return;
    case C.CSR_MCAUSE: h.mcause = value; return;
    case C.CSR_MTVAL: h.mtval = value; return;
    case C.CSR_MCYCLE: return h.setCycleCount((highWord(h.cycleCount()) >>> 0) * 2 ** 32 + (value >>> 0));
    case C.CSR_MCYCLEH: return h.setCycleCount((value >>> 0) * 2 ** 32 + (lowWord(h.cycleCount()) >>> 0));
    case C.CSR_MINSTRET: return h.setInstretCount((highWord(h.instretCount()) >>> 0) * 2 ** 32 + (value >>> 0));
    case C.CSR_MINSTRETH: return h.setInstretCount((value >>> 0) * 2 ** 32 + (lowWord(h.instretCount()) >>> 0));
  }
  if (csr >= C.CSR_PMPCFG0 && csr <= C.CSR_PMPCFG3) return writePmpConfig(h, csr - C.CSR_PMPCFG0, value);
  if (csr >= C.CSR_PMPADDR0 && csr <= C.CSR_PMPADDR15) {
    const i = csr - C.CSR_PMPADDR0;
    if (!pmpLocked(h, i, true)) h.pmpaddr[i] = value;
    h.flushTlb();
    return;
  }
  if (isHardwiredZeroCounter(csr)) return;
  h.illegalCsr();
}

function writeMstatus(h: Hart, value: number): void {
  let next = (h.mstatus & ~C.MSTATUS_WRITABLE) | (value & C.MSTATUS_WRITABLE);
  // MPP is WARL: 2 (reserved) keeps the previous mode.
  if (((next & C.MSTATUS_MPP) >>> C.MSTATUS_MPP_SHIFT) === 2) {
    next = (next & ~C.MSTATUS_MPP) | (h.mstatus & C.MSTATUS_MPP);
  }
  const changed = h.mstatus ^ next;
  h.mstatus = next;
  if (changed & MSTATUS_TRANSLATION) h.flushTlb();
}

function writePmpConfig(h: Hart, register: number, value: number): void {
  for (let byte = 0; byte < 4; byte++) {
    const i = register * 4 + byte;
    if (i >= PMP_ENTRIES || pmpLocked(h, i, false)) continue;
    h.pmpcfg[i] = pmpLegalizeConfig((value >>> (8 * byte)) & 0xff);
  }
  h.flushTlb();
}

function lowWord(value: number): number {
  return (value % 2 ** 32) | 0;
}

function highWord(value: number): number {
  return Math.floor(value / 2 ** 32) | 0;
}

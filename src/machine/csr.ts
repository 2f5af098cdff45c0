/*
 * The hart's control and status registers: reads and writes with the
 * privileged specification's access rules and WARL legalization, including
 * the H extension's hypervisor and VS CSRs. When V=1 the VS CSRs stand in
 * for the S CSRs. An access the specification forbids raises an
 * illegal-instruction exception, or a virtual-instruction exception where
 * the H extension says so (the access would be allowed in HS-mode).
 */
import * as C from './csr-defs.ts';
import type { Hart } from './hart.ts';
import { PMP_ENTRIES, pmpLegalizeConfig, pmpLocked } from './mmu.ts';

/** mip bits software may write through mip (SSIP, STIP, SEIP); the rest come from devices or hvip. */
const MIP_WRITABLE = (1 << C.IRQ_S_SOFT) | (1 << C.IRQ_S_TIMER) | (1 << C.IRQ_S_EXT);
/** Interrupts that exist on this hart (mie is writable for these). */
const MIE_WRITABLE = MIP_WRITABLE | (1 << C.IRQ_M_SOFT) | (1 << C.IRQ_M_TIMER) | (1 << C.IRQ_M_EXT) | C.MIP_H_MASK;
/** Interrupts that can be delegated to HS-mode (the VS-level ones and SGEI are always delegated). */
const MIDELEG_WRITABLE = MIP_WRITABLE;
/** Exceptions that can be delegated to HS-mode: all that exist except ecall from M-mode. */
const MEDELEG_WRITABLE = 0xf0b7ff;
/** Exceptions that can be delegated further to VS-mode (not ecalls from HS/VS/M, guest-page faults or virtual instruction). */
const HEDELEG_WRITABLE = 0xb1ff;
const SSTATUS_WRITABLE = C.MSTATUS_SIE | C.MSTATUS_SPIE | C.MSTATUS_SPP | C.MSTATUS_SUM | C.MSTATUS_MXR;
/** mstatus bits whose change alters address translation (the TLB must be flushed). */
const MSTATUS_TRANSLATION = C.MSTATUS_SUM | C.MSTATUS_MXR;
const ENVCFG_FIOM = 1;
const HGATP_WRITABLE = C.HGATP_MODE_SV32X4 | C.HGATP_VMID_MASK | C.HGATP_PPN_MASK;
const VSSIP = 1 << C.IRQ_VS_SOFT;

const enum Level { User = 0, Supervisor = 1, Hypervisor = 2, Machine = 3 }

/**
 * Checks that the CSR may be accessed from the current mode; raises
 * illegal or virtual instruction otherwise. `write`: the instruction writes.
 */
function checkAccess(h: Hart, csr: number, write: boolean): void {
  const level = (csr >>> 8) & 3;
  const readOnly = (csr >>> 10) === 3;
  const allowedInHs = level <= Level.Hypervisor && !(write && readOnly);
  if (h.virt) {
    if (level === Level.Hypervisor || (level === Level.Supervisor && h.priv === C.PRV_U)) {
      return void (allowedInHs ? h.virtualInstructionCsr() : h.illegalCsr());
    }
  }
  // HS-mode reaches the hypervisor level (H and VS CSRs); S and HS are one mode when V=0.
  const effective = h.priv === C.PRV_S ? Level.Hypervisor : h.priv;
  if (effective < level || (write && readOnly)) h.illegalCsr();
}

/** Reads a CSR or raises illegal/virtual instruction. */
export function csrRead(h: Hart, csr: number): number {
  checkAccess(h, csr, false);
  if (h.virt && csr >= C.CSR_SSTATUS && csr <= C.CSR_SATP) return readVirtualSupervisor(h, csr);
  switch (csr) {
    case C.CSR_SSTATUS: return h.mstatus & C.SSTATUS_MASK;
    case C.CSR_SIE: return h.mie & h.midelegEffective() & ~C.MIP_H_MASK;
    case C.CSR_SIP: return h.readMip() & h.midelegEffective() & ~C.MIP_H_MASK;
    case C.CSR_STVEC: return h.stvec;
    case C.CSR_SCOUNTEREN: return h.scounteren;
    case C.CSR_SENVCFG: return h.senvcfg;
    case C.CSR_SSCRATCH: return h.sscratch;
    case C.CSR_SEPC: return h.sepc;
    case C.CSR_SCAUSE: return h.scause;
    case C.CSR_STVAL: return h.stval;
    case C.CSR_SATP:
      if (trapsVirtualMemory(h)) return h.illegalCsr();
      return h.satp;
    case C.CSR_VSSTATUS: return h.vsstatus;
    case C.CSR_VSIE: return readVsie(h);
    case C.CSR_VSIP: return readVsip(h);
    case C.CSR_VSTVEC: return h.vstvec;
    case C.CSR_VSSCRATCH: return h.vsscratch;
    case C.CSR_VSEPC: return h.vsepc;
    case C.CSR_VSCAUSE: return h.vscause;
    case C.CSR_VSTVAL: return h.vstval;
    case C.CSR_VSATP: return h.vsatp;
    case C.CSR_HSTATUS: return h.hstatus;
    case C.CSR_HEDELEG: return h.hedeleg;
    case C.CSR_HIDELEG: return h.hideleg;
    case C.CSR_HIE: return h.mie & C.MIP_H_MASK;
    case C.CSR_HIP: return h.readMip() & C.MIP_H_MASK;
    case C.CSR_HVIP: return h.hvip;
    case C.CSR_HCOUNTEREN: return h.hcounteren;
    case C.CSR_HGEIE: case C.CSR_HGEIP: return 0; // GEILEN = 0: no guest external interrupt files
    case C.CSR_HENVCFG: return h.henvcfg;
    case C.CSR_HENVCFGH: return 0;
    case C.CSR_HTVAL: return h.htval;
    case C.CSR_HTINST: return h.htinst;
    case C.CSR_HTIMEDELTA: return h.htimedeltaLow;
    case C.CSR_HTIMEDELTAH: return h.htimedeltaHigh;
    case C.CSR_HGATP:
      if (trapsVirtualMemory(h)) return h.illegalCsr();
      return h.hgatp;
    case C.CSR_MSTATUS: return h.mstatus;
    case C.CSR_MSTATUSH: return h.mstatush;
    case C.CSR_MISA: return C.MISA_RV32IMACH_SU;
    case C.CSR_MEDELEG: return h.medeleg;
    case C.CSR_MIDELEG: return h.midelegEffective();
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
    case C.CSR_MTVAL2: return h.mtval2;
    case C.CSR_MTINST: return h.mtinst;
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
  if (csr >= C.CSR_TSELECT && csr <= C.CSR_TINFO) return h.triggers.read(csr);
  if (isHardwiredZeroCounter(csr)) return 0;
  return h.illegalCsr();
}

/** S CSRs read in VS-mode: the VS CSRs stand in for them. */
function readVirtualSupervisor(h: Hart, csr: number): number {
  switch (csr) {
    case C.CSR_SSTATUS: return h.vsstatus;
    case C.CSR_SIE: return readVsie(h);
    case C.CSR_STVEC: return h.vstvec;
    case C.CSR_SSCRATCH: return h.vsscratch;
    case C.CSR_SEPC: return h.vsepc;
    case C.CSR_SCAUSE: return h.vscause;
    case C.CSR_STVAL: return h.vstval;
    case C.CSR_SIP: return readVsip(h);
    case C.CSR_SATP:
      if (h.hstatus & C.HSTATUS_VTVM) return h.virtualInstructionCsr();
      return h.vsatp;
    case C.CSR_SCOUNTEREN: return h.scounteren;
    case C.CSR_SENVCFG: return h.senvcfg;
  }
  return h.illegalCsr();
}

/** vsie: the VS-level bits of mie that hideleg delegates, shifted down to the S-level positions. */
function readVsie(h: Hart): number {
  return (h.mie & h.hideleg & C.MIP_VS_MASK) >>> 1;
}

/** vsip: the same view of the pending VS-level interrupts. */
function readVsip(h: Hart): number {
  return (h.readMip() & h.hideleg & C.MIP_VS_MASK) >>> 1;
}

function writeVsie(h: Hart, value: number): void {
  const writable = h.hideleg & C.MIP_VS_MASK;
  h.mie = (h.mie & ~writable) | ((value << 1) & writable);
}

/** Only vsip.SSIP is writable (it is hvip.VSSIP), and only when delegated. */
function writeVsip(h: Hart, value: number): void {
  if (h.hideleg & VSSIP) h.hvip = (h.hvip & ~VSSIP) | ((value << 1) & VSSIP);
}

/** mstatus.TVM: HS-mode may not touch satp, hgatp or HFENCE.GVMA. */
function trapsVirtualMemory(h: Hart): boolean {
  return h.priv === C.PRV_S && !h.virt && (h.mstatus & C.MSTATUS_TVM) !== 0;
}

/** Unimplemented performance monitors are legal as read-only zero (WARL). */
function isHardwiredZeroCounter(csr: number): boolean {
  return (csr >= C.CSR_MHPMCOUNTER3 && csr <= C.CSR_MHPMCOUNTER31) ||
    (csr >= C.CSR_MHPMCOUNTER3H && csr <= C.CSR_MHPMCOUNTER31H) ||
    (csr >= C.CSR_MHPMEVENT3 && csr <= C.CSR_MHPMEVENT31);
}

/**
 * cycle, time, instret, hpmcounterN and their high halves, gated by
 * mcounteren (illegal), then hcounteren and, in VU-mode, scounteren
 * (virtual instruction when V=1).
 */
function readUserCounter(h: Hart, csr: number): number {
  const bit = 1 << (csr & 31);
  if (h.priv < C.PRV_M && (h.mcounteren & bit) === 0) return h.illegalCsr();
  if (h.virt) {
    if ((h.hcounteren & bit) === 0) return h.virtualInstructionCsr();
    if (h.priv === C.PRV_U && (h.scounteren & bit) === 0) return h.virtualInstructionCsr();
  } else if (h.priv < C.PRV_S && (h.scounteren & bit) === 0) {
    return h.illegalCsr();
  }
  const high = csr >= C.CSR_CYCLEH;
  switch (csr & 31) {
    case 0: return high ? highWord(h.cycleCount()) : lowWord(h.cycleCount());
    case 1: return readTime(h, high);
    case 2: return high ? highWord(h.instretCount()) : lowWord(h.instretCount());
    default: return 0;
  }
}

/** The time CSR: mtime, plus htimedelta (mod 2^64) when V=1. */
function readTime(h: Hart, high: boolean): number {
  const mtime = h.bus.mtime();
  const low = lowWord(mtime) >>> 0;
  if (!h.virt) return high ? highWord(mtime) : low | 0;
  const sumLow = low + (h.htimedeltaLow >>> 0);
  if (!high) return sumLow | 0;
  return (highWord(mtime) + h.htimedeltaHigh + (sumLow >= 2 ** 32 ? 1 : 0)) | 0;
}

function readPmpConfig(h: Hart, register: number): number {
  const base = register * 4;
  return h.pmpcfg[base] | (h.pmpcfg[base + 1] << 8) | (h.pmpcfg[base + 2] << 16) | (h.pmpcfg[base + 3] << 24);
}

/** Writes a CSR (the caller has checked that the instruction writes). */
export function csrWrite(h: Hart, csr: number, value: number): void {
  checkAccess(h, csr, true);
  if (h.virt && csr >= C.CSR_SSTATUS && csr <= C.CSR_SATP) return writeVirtualSupervisor(h, csr, value);
  switch (csr) {
    case C.CSR_SSTATUS: return writeMstatus(h, (h.mstatus & ~SSTATUS_WRITABLE) | (value & SSTATUS_WRITABLE));
    case C.CSR_SIE: {
      const writable = h.midelegEffective() & ~C.MIP_H_MASK;
      h.mie = (h.mie & ~writable) | (value & writable);
      return;
    }
    case C.CSR_SIP: {
      const writable = h.midelegEffective() & (1 << C.IRQ_S_SOFT);
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
      if (trapsVirtualMemory(h)) return void h.illegalCsr();
      h.satp = value;
      h.flushTlb();
      return;
    case C.CSR_VSSTATUS: return writeVsstatus(h, value);
    case C.CSR_VSIE: return writeVsie(h, value);
    case C.CSR_VSIP: return writeVsip(h, value);
    case C.CSR_VSTVEC: if ((value & 3) < 2) h.vstvec = value; return;
    case C.CSR_VSSCRATCH: h.vsscratch = value; return;
    case C.CSR_VSEPC: h.vsepc = value & ~1; return;
    case C.CSR_VSCAUSE: h.vscause = value; return;
    case C.CSR_VSTVAL: h.vstval = value; return;
    case C.CSR_VSATP: h.vsatp = value; h.flushTlb(); return;
    case C.CSR_HSTATUS: h.hstatus = value & C.HSTATUS_WRITABLE; return;
    case C.CSR_HEDELEG: h.hedeleg = value & HEDELEG_WRITABLE; return;
    case C.CSR_HIDELEG: h.hideleg = value & C.MIP_VS_MASK; return;
    case C.CSR_HIE: h.mie = (h.mie & ~C.MIP_H_MASK) | (value & C.MIP_H_MASK); return;
    case C.CSR_HIP: h.hvip = (h.hvip & ~VSSIP) | (value & VSSIP); return;
    case C.CSR_HVIP: h.hvip = value & C.MIP_VS_MASK; return;
    case C.CSR_HCOUNTEREN: h.hcounteren = value; return;
    case C.CSR_HGEIE: return; // GEILEN = 0: no writable bits
    case C.CSR_HENVCFG: h.henvcfg = value & ENVCFG_FIOM; return;
    case C.CSR_HENVCFGH: return;
    case C.CSR_HTVAL: h.htval = value; return;
    case C.CSR_HTINST: h.htinst = value; return;
    case C.CSR_HTIMEDELTA: h.htimedeltaLow = value; return;
    case C.CSR_HTIMEDELTAH: h.htimedeltaHigh = value; return;
    case C.CSR_HGATP:
      if (trapsVirtualMemory(h)) return void h.illegalCsr();
      // No flush: TLB entries are tagged with the VMID, and a change of
      // mappings for a VMID takes an HFENCE.GVMA, as the specification says.
      h.hgatp = value & HGATP_WRITABLE;
      return;
    case C.CSR_MSTATUS: return writeMstatus(h, value);
    case C.CSR_MSTATUSH: h.mstatush = value & (C.MSTATUSH_MPV | C.MSTATUSH_GVA); return;
    case C.CSR_MISA: return; // WARL: the extensions are fixed
    case C.CSR_MEDELEG: h.medeleg = value & MEDELEG_WRITABLE; return;
    case C.CSR_MIDELEG: h.mideleg = value & MIDELEG_WRITABLE; return;
    case C.CSR_MIE: h.mie = value & MIE_WRITABLE; return;
    case C.CSR_MIP:
      h.mipSoftware = value & MIP_WRITABLE;
      h.hvip = (h.hvip & ~VSSIP) | (value & VSSIP); // mip.VSSIP is an alias of hvip.VSSIP
      return;
    case C.CSR_MTVEC: if ((value & 3) < 2) h.mtvec = value; return;
    case C.CSR_MCOUNTEREN: h.mcounteren = value; return;
    case C.CSR_MENVCFG: h.menvcfg = value & ENVCFG_FIOM; return;
    case C.CSR_MENVCFGH: return; // PBMTE and STCE are not implemented: read-only zero
    case C.CSR_MCOUNTINHIBIT: h.mcountinhibit = value & 0b101; return;
    case C.CSR_MSCRATCH: h.mscratch = value; return;
    case C.CSR_MEPC: h.mepc = value & ~1; return;
    case C.CSR_MCAUSE: h.mcause = value; return;
    case C.CSR_MTVAL: h.mtval = value; return;
    case C.CSR_MTVAL2: h.mtval2 = value; return;
    case C.CSR_MTINST: h.mtinst = value; return;
    case C.CSR_MCYCLE: return h.setCycleCount(joinWords(highWord(h.cycleCount()), value));
    case C.CSR_MCYCLEH: return h.setCycleCount(joinWords(value, lowWord(h.cycleCount())));
    case C.CSR_MINSTRET: return h.setInstretCount(joinWords(highWord(h.instretCount()), value));
    case C.CSR_MINSTRETH: return h.setInstretCount(joinWords(value, lowWord(h.instretCount())));
  }
  if (csr >= C.CSR_PMPCFG0 && csr <= C.CSR_PMPCFG3) return writePmpConfig(h, csr - C.CSR_PMPCFG0, value);
  if (csr >= C.CSR_PMPADDR0 && csr <= C.CSR_PMPADDR15) {
    const i = csr - C.CSR_PMPADDR0;
    if (!pmpLocked(h, i, true)) h.pmpaddr[i] = value;
    h.flushTlb();
    return;
  }
  if (csr >= C.CSR_TSELECT && csr <= C.CSR_TINFO) {
    if (h.triggers.write(csr, value)) h.flushTlb(); // the TLBs must not hold a watched page
    return;
  }
  if (isHardwiredZeroCounter(csr)) return;
  h.illegalCsr();
}

/** S CSRs written in VS-mode go to their VS counterparts. */
function writeVirtualSupervisor(h: Hart, csr: number, value: number): void {
  switch (csr) {
    case C.CSR_SSTATUS: return writeVsstatus(h, value);
    case C.CSR_SIE: return writeVsie(h, value);
    case C.CSR_SIP: return writeVsip(h, value);
    case C.CSR_STVEC: if ((value & 3) < 2) h.vstvec = value; return;
    case C.CSR_SSCRATCH: h.vsscratch = value; return;
    case C.CSR_SEPC: h.vsepc = value & ~1; return;
    case C.CSR_SCAUSE: h.vscause = value; return;
    case C.CSR_STVAL: h.vstval = value; return;
    case C.CSR_SATP:
      if (h.hstatus & C.HSTATUS_VTVM) return void h.virtualInstructionCsr();
      h.vsatp = value;
      h.flushTlb();
      return;
    case C.CSR_SCOUNTEREN: h.scounteren = value; return;
    case C.CSR_SENVCFG: h.senvcfg = value & ENVCFG_FIOM; return;
  }
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

function writeVsstatus(h: Hart, value: number): void {
  const next = (h.vsstatus & ~SSTATUS_WRITABLE) | (value & SSTATUS_WRITABLE);
  const changed = h.vsstatus ^ next;
  h.vsstatus = next;
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

/** A 64-bit value (as a non-negative number below 2^64, exact below 2^53) from its halves. */
function joinWords(high: number, low: number): number {
  return (high >>> 0) * 2 ** 32 + (low >>> 0);
}

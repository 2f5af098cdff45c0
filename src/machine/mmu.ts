/*
 * Address translation and physical memory protection for one hart:
 * the Sv32 page-table walk (with hardware A/D updates, as QEMU does), the
 * two-stage translation of the H extension (VS-stage Sv32, then G-stage
 * Sv32x4, which also translates the VS-stage's own page-table accesses),
 * and PMP checks. Both run only on the slow path: the hart caches their
 * results per page in its software TLB (hart.ts).
 */
import {
  CAUSE_FETCH_ACCESS, CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_ACCESS,
  CAUSE_LOAD_GUEST_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_ACCESS, CAUSE_STORE_GUEST_PAGE_FAULT,
  CAUSE_STORE_PAGE_FAULT, MSTATUS_MXR, MSTATUS_SUM, PRV_M, PRV_S, PRV_U,
  PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SATP_PPN_MASK,
} from './csr-defs.ts';

export const ACCESS_FETCH = 0;
export const ACCESS_LOAD = 1;
export const ACCESS_STORE = 2;

export const PAGE_FAULT_CAUSE = [CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT];
export const ACCESS_FAULT_CAUSE = [CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS];
export const GUEST_PAGE_FAULT_CAUSE = [
  CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_LOAD_GUEST_PAGE_FAULT, CAUSE_STORE_GUEST_PAGE_FAULT,
];

/** htinst/mtinst pseudoinstructions for guest-page faults of VS-stage page-table accesses (RV32). */
export const TINST_PTE_READ = 0x00002000;
export const TINST_PTE_WRITE = 0x00002020;

/** Number of PMP entries this hart implements (like QEMU 7.2). */
export const PMP_ENTRIES = 16;
const PMP_R = 1;
const PMP_W = 2;
const PMP_X = 4;
const PMP_A_SHIFT = 3;
const PMP_L = 0x80;
const PMP_OFF = 0;
const PMP_TOR = 1;
const PMP_NA4 = 2;
const PMP_PERMISSION = [PMP_X, PMP_R, PMP_W];

/** Kinds of G-stage translation: for the access itself, or for a VS-stage page-table read or A/D write. */
const EXPLICIT = 0;
const IMPLICIT_READ = 1;
const IMPLICIT_WRITE = 2;

/** What translation and protection need to know about a hart. */
export interface MmuState {
  satp: number;
  mstatus: number;
  vsstatus: number;
  vsatp: number;
  hgatp: number;
  readonly pmpcfg: Uint8Array;
  readonly pmpaddr: Int32Array;
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ram32: Int32Array;
  /**
   * Records a trap and throws the hart's trap sentinel; never returns.
   * `guestVirtual`: tval holds a guest virtual address (hstatus/mstatus.GVA);
   * `tval2`: the guest physical address >> 2 (htval/mtval2); `tinst`: htinst/mtinst.
   */
  fault(cause: number, tval: number, guestVirtual?: boolean, tval2?: number, tinst?: number): never;
}

/**
 * Translates virtual address `va` for an access of kind `access` made at
 * privilege `priv` (already adjusted for MPRV), with V = `virtual`: one
 * Sv32 stage when V=0, VS-stage then G-stage (Sv32x4) when V=1. `hlvx`:
 * HLVX, which needs execute permission instead of read. Returns the
 * physical address, which may be 2^32 or more (34-bit physical addresses).
 * Raises page, guest-page or access faults through `fault`.
 */
export function translate(h: MmuState, va: number, access: number, priv: number, virtual: boolean,
  hlvx = false): number {
  if (!virtual) {
    if (priv === PRV_M || h.satp >= 0) return va >>> 0; // M-mode or satp.MODE = Bare
    return walkSv32(h, h.satp, va, access, priv, h.mstatus, false, hlvx);
  }
  // VS-stage: vsstatus gives SUM; MXR of either sstatus or vsstatus applies.
  const guestStatus = h.vsstatus | (h.mstatus & MSTATUS_MXR);
  const gpa = h.vsatp >= 0 ? va >>> 0 : walkSv32(h, h.vsatp, va, access, priv, guestStatus, true, hlvx);
  return gStage(h, gpa, va, access, EXPLICIT, hlvx);
}

/**
 * One Sv32 walk rooted at `satp`'s PPN. With `guestTables`, the table
 * addresses are guest physical and go through the G-stage themselves.
 * Returns the (guest) physical address.
 */
function walkSv32(h: MmuState, satp: number, va: number, access: number, priv: number, status: number,
  guestTables: boolean, hlvx: boolean): number {
  for (;;) {
    let table = (satp & SATP_PPN_MASK) * 4096;
    let restart = false;
    for (let level = 1; level >= 0; level--) {
      const vpn = level === 1 ? va >>> 22 : (va >>> 12) & 0x3ff;
      const pteAddress = table + vpn * 4;
      const pa = guestTables ? gStage(h, pteAddress, va, access, IMPLICIT_READ, false) : pteAddress;
      const pte = readPte(h, pa, access, va, guestTables);
      if ((pte & PTE_V) === 0 || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0)) {
        return h.fault(PAGE_FAULT_CAUSE[access], va, guestTables);
      }
      if ((pte & (PTE_R | PTE_X)) === 0) {
        table = (pte >>> 10) * 4096;
        continue;
      }
      if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) return h.fault(PAGE_FAULT_CAUSE[access], va, guestTables);
      if (!leafAllows(pte, access, priv, status, hlvx)) return h.fault(PAGE_FAULT_CAUSE[access], va, guestTables);
      const wanted = PTE_A | (access === ACCESS_STORE ? PTE_D : 0);
      if ((pte & wanted) !== wanted) {
        // The A/D update is a write: through the G-stage it needs write permission.
        const writePa = guestTables ? gStage(h, pteAddress, va, access, IMPLICIT_WRITE, false) : pa;
        if (!updatePte(h, writePa, pte, pte | wanted)) { restart = true; break; }
      }
      const pageNumber = pte >>> 10;
      if (level === 1) return (pageNumber >>> 10) * 0x400000 + (va & 0x3fffff);
      return pageNumber * 4096 + (va & 0xfff);
    }
    if (!restart) return h.fault(PAGE_FAULT_CAUSE[access], va, guestTables);
    // Another hart changed the PTE under our A/D update: walk again.
  }
}

/**
 * The G-stage (Sv32x4, rooted at hgatp): guest physical `gpa` to physical.
 * All G-stage accesses count as U-mode accesses. Faults are guest-page
 * faults of the original access `access`, reporting `va` and gpa >> 2.
 */
function gStage(h: MmuState, gpa: number, va: number, access: number, kind: number, hlvx: boolean): number {
  if (h.hgatp >= 0) return gpa; // hgatp.MODE = Bare
  const tinst = kind === IMPLICIT_READ ? TINST_PTE_READ : kind === IMPLICIT_WRITE ? TINST_PTE_WRITE : 0;
  const guestFault = (): never => h.fault(GUEST_PAGE_FAULT_CAUSE[access], va, true, Math.floor(gpa / 4), tinst);
  if (gpa >= 2 ** 34) return guestFault();
  const pageNumber = Math.floor(gpa / 4096);
  let table = (h.hgatp & SATP_PPN_MASK & ~3) * 4096; // the 16 KiB root
  for (;;) {
    let restart = false;
    for (let level = 1; level >= 0; level--) {
      const vpn = level === 1 ? Math.floor(pageNumber / 1024) : pageNumber % 1024;
      const pteAddress = table + vpn * 4;
      const pte = readPte(h, pteAddress, access, va, true);
      if ((pte & PTE_V) === 0 || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0)) return guestFault();
      if ((pte & (PTE_R | PTE_X)) === 0) {
        table = (pte >>> 10) * 4096;
        continue;
      }
      if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) return guestFault();
      if ((pte & PTE_U) === 0) return guestFault();
      const write = kind === IMPLICIT_WRITE || (kind === EXPLICIT && access === ACCESS_STORE);
      let allowed: boolean;
      if (kind !== EXPLICIT) allowed = (pte & (write ? PTE_W : PTE_R)) !== 0;
      else allowed = leafAllows(pte, access, PRV_U, h.mstatus & MSTATUS_MXR, hlvx);
      if (!allowed) return guestFault();
      const wanted = PTE_A | (write ? PTE_D : 0);
      if ((pte & wanted) !== wanted && !updatePte(h, pteAddress, pte, pte | wanted)) { restart = true; break; }
      const ppn = pte >>> 10;
      if (level === 1) return (ppn >>> 10) * 0x400000 + (gpa % 0x400000);
      return ppn * 4096 + (gpa % 4096);
    }
    if (!restart) return guestFault();
    table = (h.hgatp & SATP_PPN_MASK & ~3) * 4096;
  }
}

/** Permission of a leaf PTE; `status` supplies SUM and MXR. */
function leafAllows(pte: number, access: number, priv: number, status: number, hlvx: boolean): boolean {
  const userPage = (pte & PTE_U) !== 0;
  if (priv === PRV_U && !userPage) return false;
  if (priv === PRV_S && userPage && (access === ACCESS_FETCH || (status & MSTATUS_SUM) === 0)) return false;
  if (access === ACCESS_FETCH || hlvx) return (pte & PTE_X) !== 0;
  if (access === ACCESS_STORE) return (pte & PTE_W) !== 0;
  return (pte & PTE_R) !== 0 || ((status & MSTATUS_MXR) !== 0 && (pte & PTE_X) !== 0);
}

/** Reads a PTE; the walk's implicit access is checked by PMP as an S-mode access. */
function readPte(h: MmuState, pa: number, access: number, va: number, guestVirtual: boolean): number {
  const offset = pa - h.ramBase;
  if (offset < 0 || offset + 4 > h.ramSize || !pmpAllows(h, pa, 4, ACCESS_LOAD, PRV_S)) {
    return h.fault(ACCESS_FAULT_CAUSE[access], va, guestVirtual);
  }
  return Atomics.load(h.ram32, offset >>> 2);
}

function updatePte(h: MmuState, pa: number, old: number, updated: number): boolean {
  const index = (pa - h.ramBase) >>> 2;
  return Atomics.compareExchange(h.ram32, index, old, updated) === old;
}

// ---- PMP ----

/**
 * Checks `size` bytes at physical address `pa` against the PMP entries for
 * an access of kind `access` at privilege `priv`. The lowest-numbered entry
 * that matches any byte decides; it must cover every byte.
 */
export function pmpAllows(h: MmuState, pa: number, size: number, access: number, priv: number): boolean {
  const end = pa + size;
  for (let i = 0; i < PMP_ENTRIES; i++) {
    const cfg = h.pmpcfg[i];
    const mode = (cfg >>> PMP_A_SHIFT) & 3;
    if (mode === PMP_OFF) continue;
    let low: number;
    let high: number;
    const address = (h.pmpaddr[i] >>> 0) * 4;
    if (mode === PMP_TOR) {
      low = i === 0 ? 0 : (h.pmpaddr[i - 1] >>> 0) * 4;
      high = address;
    } else if (mode === PMP_NA4) {
      low = address;
      high = address + 4;
    } else {
      const ones = trailingOnes(h.pmpaddr[i]);
      const span = 2 ** (ones + 3);
      low = Math.floor(address / span) * span;
      high = low + span;
    }
    if (end <= low || pa >= high) continue;
    if (pa < low || end > high) return false; // only part of the access matches
    if (priv === PRV_M && (cfg & PMP_L) === 0) return true;
    return (cfg & PMP_PERMISSION[access]) !== 0;
  }
  return priv === PRV_M;
}

function trailingOnes(value: number): number {
  let count = 0;
  while (count < 32 && ((value >>> count) & 1) === 1) count++;
  return count;
}

/** True when a write to pmpcfg entry `i` or pmpaddr `i` is blocked by a lock. */
export function pmpLocked(h: MmuState, i: number, isAddress: boolean): boolean {
  if ((h.pmpcfg[i] & PMP_L) !== 0) return true;
  // A locked TOR entry also locks the address register below it.
  if (isAddress && i + 1 < PMP_ENTRIES) {
    const next = h.pmpcfg[i + 1];
    return (next & PMP_L) !== 0 && ((next >>> PMP_A_SHIFT) & 3) === PMP_TOR;
  }
  return false;
}

/** Legalizes a pmpcfg byte: W without R is reserved, so W is cleared. */
export function pmpLegalizeConfig(cfg: number): number {
  cfg &= 0x9f;
  if ((cfg & (PMP_R | PMP_W)) === PMP_W) cfg &= ~PMP_W;
  return cfg;
}


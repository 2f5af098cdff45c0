/*
 * Address translation and physical memory protection for one hart:
 * the Sv32 page-table walk (with hardware A/D updates, as QEMU does), and
 * PMP checks. Both run only on the slow path: the hart caches their
 * results per page in its software TLB (hart.ts).
 */
import {
  CAUSE_FETCH_ACCESS, CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_ACCESS, CAUSE_LOAD_PAGE_FAULT,
  CAUSE_STORE_ACCESS, CAUSE_STORE_PAGE_FAULT, MSTATUS_MXR, MSTATUS_SUM, PRV_M, PRV_S, PRV_U,
  PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, SATP_PPN_MASK,
} from './csr-defs.ts';

export const ACCESS_FETCH = 0;
export const ACCESS_LOAD = 1;
export const ACCESS_STORE = 2;

export const PAGE_FAULT_CAUSE = [CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT];
export const ACCESS_FAULT_CAUSE = [CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS];

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

/** What translation and protection need to know about a hart. */
export interface MmuState {
  satp: number;
  mstatus: number;
  readonly pmpcfg: Uint8Array;
  readonly pmpaddr: Int32Array;
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ram32: Int32Array;
  /** Records a trap and throws the hart's trap sentinel; never returns. */
  fault(cause: number, tval: number): never;
}

/**
 * Translates virtual address `va` for an access of kind `access` at
 * privilege `priv` (already adjusted for MPRV). Returns the physical
 * address, which may be 2^32 or more (Sv32 has 34-bit physical addresses).
 * Raises a page fault or access fault through `fault`.
 */
export function translate(h: MmuState, va: number, access: number, priv: number): number {
  if (priv === PRV_M || h.satp >= 0) return va >>> 0; // M-mode or satp.MODE = Bare
  for (;;) {
    const pa = walkSv32(h, va, access, priv);
    if (pa >= 0) return pa;
    // -1: another hart changed the PTE under our A/D update; walk again.
  }
}

function walkSv32(h: MmuState, va: number, access: number, priv: number): number {
  let table = (h.satp & SATP_PPN_MASK) * 4096;
  for (let level = 1; level >= 0; level--) {
    const vpn = level === 1 ? va >>> 22 : (va >>> 12) & 0x3ff;
    const pteAddress = table + vpn * 4;
    const pte = readPte(h, pteAddress, access, va);
    if ((pte & PTE_V) === 0 || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0)) {
      return h.fault(PAGE_FAULT_CAUSE[access], va);
    }
    if ((pte & (PTE_R | PTE_X)) === 0) {
      table = (pte >>> 10) * 4096;
      continue;
    }
    if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) return h.fault(PAGE_FAULT_CAUSE[access], va);
    if (!leafAllows(h, pte, access, priv)) return h.fault(PAGE_FAULT_CAUSE[access], va);
    const wanted = PTE_A | (access === ACCESS_STORE ? PTE_D : 0);
    if ((pte & wanted) !== wanted && !updatePte(h, pteAddress, pte, pte | wanted)) return -1;
    const pageNumber = pte >>> 10;
    if (level === 1) return (pageNumber >>> 10) * 0x400000 + (va & 0x3fffff);
    return pageNumber * 4096 + (va & 0xfff);
  }
  return h.fault(PAGE_FAULT_CAUSE[access], va);
}

function leafAllows(h: MmuState, pte: number, access: number, priv: number): boolean {
  const userPage = (pte & PTE_U) !== 0;
  if (priv === PRV_U && !userPage) return false;
  if (priv === PRV_S && userPage && (access === ACCESS_FETCH || (h.mstatus & MSTATUS_SUM) === 0)) return false;
  if (access === ACCESS_FETCH) return (pte & PTE_X) !== 0;
  if (access === ACCESS_STORE) return (pte & PTE_W) !== 0;
  return (pte & PTE_R) !== 0 || ((h.mstatus & MSTATUS_MXR) !== 0 && (pte & PTE_X) !== 0);
}

/** Reads a PTE; the walk's implicit access is checked by PMP as an S-mode access. */
function readPte(h: MmuState, pa: number, access: number, va: number): number {
  const offset = pa - h.ramBase;
  if (offset < 0 || offset + 4 > h.ramSize || !pmpAllows(h, pa, 4, ACCESS_LOAD, PRV_S)) {
    return h.fault(ACCESS_FAULT_CAUSE[access], va);
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


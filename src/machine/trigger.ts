/*
 * The hart's trigger module (Sdtrig, RISC-V Debug Specification, chapter
 * "Sdtrig"), shaped like QEMU 7.2's: two address-match triggers, each of
 * type 2 (mcontrol) or 6 (mcontrol6), reached through tselect, tdata1,
 * tdata2, tdata3 and tinfo. A trigger matches the virtual address of an
 * instruction executed, or of a load or store, in the modes its M, S, U
 * (and, type 6 only, VS, VU) bits name; it then raises a breakpoint
 * exception before the instruction, with tval 0 (the privileged
 * specification allows zero or the address; QEMU 7.2 writes zero).
 *
 * What QEMU 7.2 implements, and so this module, as WARL legalization:
 * match = 0 (equal) only; action = 0 (breakpoint) only; no chain, timing,
 * select, hit or dmode (all read as 0); sizes 0..3 for mcontrol and
 * 0, 1, 2, 3, 5 for mcontrol6 (others read back as 0); tdata3 (textra)
 * reads as 0 and ignores writes; a write to tselect of 2 or more is
 * ignored; a write to tdata1 of a type other than 2 or 6 is ignored, except
 * type 0, which disables the trigger (the specification requires that;
 * QEMU 7.2 ignores it). No tcontrol, mcontext or scontext: those CSRs are
 * illegal, as on QEMU 7.2.
 *
 * Where QEMU 7.2 departs from the specification, this module follows the
 * specification (firmware/tests/sdtrig.S lists the cases and does not
 * assert them): a load or store matches when tdata2 is the address of one
 * of the bytes it accesses (QEMU matches any access that overlaps a window
 * of 4 or 8 bytes from tdata2 for size 0, and a window as long as the size
 * code for the other sizes); sizes other than 0 restrict the match to
 * accesses, or instructions, of that size (QEMU ignores size for execute
 * triggers); a type 6 trigger fires in VS and VU even when trigger 0 is a
 * type 2 trigger (QEMU 7.2 then never fires in VS or VU).
 *
 * The hart asks `watchByMode` once per batch of instructions: while it is
 * zero for the current mode, no fetch, load or store is checked at all; and
 * it keeps the pages watchesPage names out of its TLBs, so that only
 * accesses to those pages reach its checks.
 */
import { CSR_TDATA1, CSR_TDATA2, CSR_TDATA3, CSR_TSELECT } from './csr-defs.ts';

/** Number of triggers (QEMU 7.2's RV_MAX_TRIGGERS). */
export const TRIGGER_COUNT = 2;

// ---- tdata1 (RV32) ----
export const TDATA1_TYPE_SHIFT = 28;
export const TDATA1_DMODE = 1 << 27;
export const TRIGGER_TYPE_NONE = 0;
export const TRIGGER_TYPE_MCONTROL = 2;
export const TRIGGER_TYPE_MCONTROL6 = 6;
/** tinfo: the types every trigger supports (bit N = type N). Version 0 (the draft QEMU 7.2 follows). */
export const TINFO_TYPES = (1 << TRIGGER_TYPE_MCONTROL) | (1 << TRIGGER_TYPE_MCONTROL6);

// ---- mcontrol (type 2) and mcontrol6 (type 6) fields ----
export const MCONTROL_LOAD = 1 << 0;
export const MCONTROL_STORE = 1 << 1;
export const MCONTROL_EXECUTE = 1 << 2;
export const MCONTROL_U = 1 << 3;
export const MCONTROL_S = 1 << 4;
export const MCONTROL_M = 1 << 6;
export const MCONTROL_SIZELO_SHIFT = 16;
export const MCONTROL_SIZELO = 3 << MCONTROL_SIZELO_SHIFT;
export const MCONTROL6_SIZE_SHIFT = 16;
export const MCONTROL6_SIZE = 0xf << MCONTROL6_SIZE_SHIFT;
export const MCONTROL6_VU = 1 << 23;
export const MCONTROL6_VS = 1 << 24;

/** The access kinds a trigger watches: its load, store and execute bits. */
export const TRIGGER_LOAD = MCONTROL_LOAD;
export const TRIGGER_STORE = MCONTROL_STORE;
export const TRIGGER_EXECUTE = MCONTROL_EXECUTE;
const TRIGGER_KINDS = TRIGGER_LOAD | TRIGGER_STORE | TRIGGER_EXECUTE;

/** The mode bits each type keeps. */
const MCONTROL_MODES = MCONTROL_M | MCONTROL_S | MCONTROL_U;
const MCONTROL6_MODES = MCONTROL_MODES | MCONTROL6_VS | MCONTROL6_VU;
const ALL_MODES = MCONTROL6_MODES;

/**
 * Indexes of the execution modes in watchByMode: the privilege level
 * (PRV_U 0, PRV_S 1, PRV_M 3) plus 4 when V=1 (VU 4, VS 5).
 */
export const MODE_INDEX_VIRTUAL = 4;
const MODE_INDEXES = 8;
/** The tdata1 bit that enables a trigger in each mode index (0: none). */
const MODE_BIT = [MCONTROL_U, MCONTROL_S, 0, MCONTROL_M, MCONTROL6_VU, MCONTROL6_VS, 0, 0];

/** Bytes of an access or instruction that each size code matches (0: any; -1: unsupported). */
const SIZE_BYTES = [0, 1, 2, 4, -1, 8, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];

export class TriggerModule {
  tselect = 0;
  readonly tdata1 = new Int32Array(TRIGGER_COUNT);
  readonly tdata2 = new Int32Array(TRIGGER_COUNT);
  /**
   * For each mode index, the kinds of access (TRIGGER_LOAD, _STORE,
   * _EXECUTE) some trigger is enabled for in that mode: the hart's gate.
   */
  readonly watchByMode = new Int32Array(MODE_INDEXES);
  /** The kinds some trigger is enabled for in some mode. */
  private armedKinds = 0;

  constructor() {
    this.reset();
  }

  /** Reset: every trigger is a disabled type 2 trigger, as on QEMU. */
  reset(): void {
    this.tselect = 0;
    this.tdata1.fill(TRIGGER_TYPE_MCONTROL << TDATA1_TYPE_SHIFT);
    this.tdata2.fill(0);
    this.updateWatch();
  }

  /** Reads tselect, tdata1, tdata2, tdata3 or tinfo (the caller checked the privilege). */
  read(csr: number): number {
    switch (csr) {
      case CSR_TSELECT: return this.tselect;
      case CSR_TDATA1: return this.tdata1[this.tselect];
      case CSR_TDATA2: return this.tdata2[this.tselect];
      case CSR_TDATA3: return 0;
      default: return TINFO_TYPES;
    }
  }

  /**
   * Writes one of the trigger CSRs with WARL legalization; tinfo ignores
   * writes. Returns true when the pages watchesPage names may have changed
   * (the hart must then flush its TLBs).
   */
  write(csr: number, value: number): boolean {
    switch (csr) {
      case CSR_TSELECT:
        if (value >>> 0 < TRIGGER_COUNT) this.tselect = value;
        return false;
      case CSR_TDATA1:
        this.tdata1[this.tselect] = legalizeTdata1(value, this.tdata1[this.tselect]);
        this.updateWatch();
        return true;
      case CSR_TDATA2:
        this.tdata2[this.tselect] = value;
        return true;
    }
    return false;
  }

  /** Whether a trigger enabled (in any mode) for one of `kinds` is set on an address of virtual page `vpn`. */
  watchesPage(vpn: number, kinds: number): boolean {
    if ((this.armedKinds & kinds) === 0) return false;
    for (let i = 0; i < TRIGGER_COUNT; i++) {
      if ((this.tdata2[i] >>> 12) === vpn && (this.tdata1[i] & kinds) !== 0 && (this.tdata1[i] & ALL_MODES) !== 0) return true;
    }
    return false;
  }

  /** True when a trigger with the execute bit, enabled in `mode`, is set on `pc`. */
  executeAddressMatches(pc: number, mode: number): boolean {
    for (let i = 0; i < TRIGGER_COUNT; i++) {
      if (this.tdata2[i] === pc && this.watches(i, TRIGGER_EXECUTE, mode)) return true;
    }
    return false;
  }

  /** Whether an execute trigger fires on the `length`-byte instruction at `pc` in `mode`. */
  executeMatches(pc: number, mode: number, length: number): boolean {
    for (let i = 0; i < TRIGGER_COUNT; i++) {
      if (this.tdata2[i] === pc && this.watches(i, TRIGGER_EXECUTE, mode) && this.sizeMatches(i, length)) return true;
    }
    return false;
  }

  /**
   * Whether a trigger watching any of `kinds` (TRIGGER_LOAD and/or
   * TRIGGER_STORE) fires on the `size`-byte access at virtual address `va`
   * in `mode`: tdata2 is the address of one of the bytes accessed.
   */
  dataMatches(va: number, size: number, kinds: number, mode: number): boolean {
    for (let i = 0; i < TRIGGER_COUNT; i++) {
      if (((this.tdata2[i] - va) >>> 0) < size && this.watches(i, kinds, mode) && this.sizeMatches(i, size)) return true;
    }
    return false;
  }

  /**
   * Trigger `i` is enabled in `mode` for one of `kinds`. (Only type 6 keeps
   * the VS and VU bits: a type 2 trigger never fires when V=1.)
   */
  private watches(i: number, kinds: number, mode: number): boolean {
    const t = this.tdata1[i];
    return (t & kinds) !== 0 && (t & MODE_BIT[mode]) !== 0;
  }

  private sizeMatches(i: number, bytes: number): boolean {
    const wanted = SIZE_BYTES[sizeCode(this.tdata1[i])];
    return wanted === 0 || wanted === bytes;
  }

  /** Recomputes watchByMode from the triggers. */
  private updateWatch(): void {
    this.watchByMode.fill(0);
    this.armedKinds = 0;
    for (let i = 0; i < TRIGGER_COUNT; i++) {
      for (let mode = 0; mode < MODE_INDEXES; mode++) {
        if (this.watches(i, TRIGGER_KINDS, mode)) this.watchByMode[mode] |= this.tdata1[i] & TRIGGER_KINDS;
      }
    }
    for (const kinds of this.watchByMode) this.armedKinds |= kinds;
  }
}

/**
 * The value tdata1 takes when `value` is written over `old`: a type 2 or
 * type 6 trigger keeps the fields it implements; type 0 disables the
 * trigger (it keeps its type); any other type leaves tdata1 as it was.
 */
function legalizeTdata1(value: number, old: number): number {
  switch (triggerType(value)) {
    case TRIGGER_TYPE_MCONTROL:
      return (TRIGGER_TYPE_MCONTROL << TDATA1_TYPE_SHIFT) | (value & (MCONTROL_SIZELO | MCONTROL_MODES | TRIGGER_KINDS));
    case TRIGGER_TYPE_MCONTROL6: {
      const size = SIZE_BYTES[sizeCode(value)] >= 0 ? value & MCONTROL6_SIZE : 0;
      return (TRIGGER_TYPE_MCONTROL6 << TDATA1_TYPE_SHIFT) | size | (value & (MCONTROL6_MODES | TRIGGER_KINDS));
    }
    case TRIGGER_TYPE_NONE:
      return triggerType(old) << TDATA1_TYPE_SHIFT;
    default:
      return old;
  }
}

function triggerType(tdata1: number): number {
  return tdata1 >>> TDATA1_TYPE_SHIFT;
}

/** The size code: sizelo for type 2 (RV32 has no sizehi), size for type 6. */
function sizeCode(tdata1: number): number {
  const mask = triggerType(tdata1) === TRIGGER_TYPE_MCONTROL6 ? MCONTROL6_SIZE : MCONTROL_SIZELO;
  return (tdata1 & mask) >>> MCONTROL6_SIZE_SHIFT;
}

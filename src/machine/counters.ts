/*
 * The layout of one hart's counters: plain Float64 words that the hart
 * writes at the end of each batch and anyone (the UI, a benchmark) reads
 * without asking the hart. Backed by the machine's SharedArrayBuffer in the
 * browser, so reading needs no message. These counts are the raw truth
 * behind every chart of the lab.
 *
 * Modes are counted apart, with room for the virtual modes of the H
 * extension: M, HS (or S without H), U, VS, VU.
 */

/** Counter indices of the execution modes. */
export const MODE_M = 0;
export const MODE_S = 1; // HS-mode when the H extension is on
export const MODE_U = 2;
export const MODE_VS = 3;
export const MODE_VU = 4;
export const MODE_COUNT = 5;
export const MODE_NAMES = ['M', 'HS', 'U', 'VS', 'VU'] as const;

/** VMIDs counted one by one; larger VMIDs share the last slot. */
export const COUNTED_VMIDS = 64;
/** Trap causes counted: exceptions 0..31, then interrupts as 32 + number. */
export const CAUSE_SLOTS = 64;
/** Modes a trap can be taken into: M, HS/S, VS. */
export const TRAP_TARGETS = 3;
export const TARGET_M = 0;
export const TARGET_S = 1;
export const TARGET_VS = 2;

/** Float64 word offsets inside one hart's block. */
export const RETIRED = 0; // [MODE_COUNT] instructions retired per mode
export const RETIRED_BY_VMID = 8; // [COUNTED_VMIDS] instructions retired in VS/VU per VMID
export const TRAPS = RETIRED_BY_VMID + COUNTED_VMIDS; // [TRAP_TARGETS][CAUSE_SLOTS]
export const VM_EXITS = TRAPS + TRAP_TARGETS * CAUSE_SLOTS; // [CAUSE_SLOTS] traps that switched V from 1 to 0
export const HART_COUNTER_WORDS = VM_EXITS + CAUSE_SLOTS;

/** Int32 words of a hart's status block: what the hart is doing now. */
export const STATUS_MODE = 0; // MODE_* of the hart
export const STATUS_PC = 1;
export const STATUS_STATE = 2; // HART_RUNNING, HART_WAITING, ...
export const STATUS_VMID = 3; // hgatp.VMID of the guest while V=1, -1 while V=0
export const HART_STATUS_WORDS = 4;

/** The slot of a trap cause in the TRAPS and VM_EXITS arrays. */
export function causeSlot(cause: number, interrupt: boolean): number {
  return interrupt ? 32 + (cause & 31) : cause & 31;
}

/** Index of the counter of traps with `cause` taken into `target`. */
export function trapIndex(target: number, slot: number): number {
  return TRAPS + target * CAUSE_SLOTS + slot;
}

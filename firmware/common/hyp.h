/*
 * Helpers for the hypervisor-extension test programs (firmware/tests/h_*.S):
 * the H extension's CSR fields, causes and interrupt bits as the privileged
 * specification names them, mode switches into HS, U, VS and VU, and
 * recording trap handlers for M-mode, HS-mode and VS-mode. Include after
 * test.h and priv.h.
 *
 * Register conventions, as priv.h's (gp = check number; tp, t5, t6, s11
 * belong to the print macros and the handlers):
 *   s4  the mode whose handler took the last trap: 3 = M, 1 = HS, 5 = VS
 *   s5  number of traps the handlers have taken
 *   s6  resume address: where the handlers continue after a trap
 *   s7  xstatus, s8 xcause, s9 xtval, s10 xepc, as seen on the last trap
 * The M and HS handlers also record, in memory (hyp_record, read with
 * RECORD()): mstatush or hstatus, mtval2 or htval, mtinst or htinst.
 * The handlers clobber t5 and t6 (besides s4, s5, s7-s10).
 *
 * Trap handlers resume in the mode that took the trap: the M handler in
 * M-mode, the HS handler in HS-mode (V=0), the VS handler in VS-mode.
 * TRY_IN runs a few instructions in a lower mode and comes back to M-mode
 * through ecall; the CHECK_ macros below then look at what trapped.
 */
#ifndef HYPERLAB_HYP_H
#define HYPERLAB_HYP_H

/* misa */
#define MISA_H (1 << 7)

/* mstatush (RV32) */
#define MSTATUSH_GVA 0x00000040
#define MSTATUSH_MPV 0x00000080

/* hstatus */
#define HSTATUS_GVA  0x00000040
#define HSTATUS_SPV  0x00000080
#define HSTATUS_SPVP 0x00000100
#define HSTATUS_HU   0x00000200
#define HSTATUS_VGEIN 0x0003f000
#define HSTATUS_VTVM 0x00100000
#define HSTATUS_VTW  0x00200000
#define HSTATUS_VTSR 0x00400000
/* The fields of hstatus every RV32 hart with H implements as writable. */
#define HSTATUS_FIELDS (HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | \
  HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR)

/* Interrupts added by H: VS-level software, timer, external; S-level guest
 * external. */
#define IRQ_VS_SOFT  2
#define IRQ_VS_TIMER 6
#define IRQ_VS_EXT   10
#define IRQ_S_GEXT   12
#define MIP_VSSIP 0x004
#define MIP_VSTIP 0x040
#define MIP_VSEIP 0x400
#define MIP_SGEIP 0x1000
#define MIP_VS_ALL (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)
/* sip / vsip bits as VS-mode sees them */
#define SIP_SSIP 0x002
#define SIP_STIP 0x020
#define SIP_SEIP 0x200
#define SIP_ALL (SIP_SSIP | SIP_STIP | SIP_SEIP)

/* Exception codes added by H */
#define CAUSE_VS_ECALL             10
#define CAUSE_FETCH_GUEST_PAGE_FAULT 20
#define CAUSE_LOAD_GUEST_PAGE_FAULT  21
#define CAUSE_VIRTUAL_INSTRUCTION  22
#define CAUSE_STORE_GUEST_PAGE_FAULT 23

/* hgatp (RV32): MODE bit 31 (Sv32x4), VMID bits 28:22, PPN bits 21:0 */
#define HGATP_MODE_SV32X4 0x80000000
#define HGATP_VMID_SHIFT  22
#define HGATP_VMID_MASK   0x1fc00000
#define HGATP_PPN_MASK    0x003fffff

/* htinst / mtinst pseudoinstructions for implicit VS-stage page-table
 * accesses (RV32) */
#define TINST_PTE_READ  0x00002000
#define TINST_PTE_WRITE 0x00002020

/* mcounteren / scounteren / hcounteren bits */
#define COUNTER_CY 1
#define COUNTER_TM 2
#define COUNTER_IR 4

/* Modes as s4 records them */
#define TAKEN_M  3
#define TAKEN_HS 1
#define TAKEN_VS 5

/* hyp_record fields */
#define RECORD_STATUS2 0   /* mstatush (M handler) or hstatus (HS handler) */
#define RECORD_TVAL2   4   /* mtval2 or htval */
#define RECORD_TINST   8   /* mtinst or htinst */

/* reg = a field of hyp_record (what the last M or HS trap recorded). */
#define RECORD(reg, field)              \
  la reg, hyp_record;                   \
  lw reg, field(reg)

/* Program start for the H tests: PMP open; the recording handlers in mtvec,
 * stvec and vstvec; the VS-level interrupts delegated past M (QEMU 7.2 does
 * not force them to one in mideleg as the specification says); both
 * translation stages Bare; trap count zero. */
#define HYP_INIT                        \
  PMP_OPEN_ALL;                         \
  la t0, hyp_m_trap;                    \
  csrw mtvec, t0;                       \
  la t0, hyp_hs_trap;                   \
  csrw stvec, t0;                       \
  la t0, hyp_vs_trap;                   \
  csrw vstvec, t0;                      \
  li t0, MIP_VS_ALL;                    \
  csrs mideleg, t0;                     \
  csrw hgatp, zero;                     \
  csrw vsatp, zero;                     \
  csrw satp, zero;                      \
  la s6, hyp_unexpected;                \
  li s5, 0

/* Continue at label `target` through mret, in the mode given by mstatus.MPP
 * value `mpp` and virtualization mode `mpv` (0 or MSTATUSH_MPV). */
#define MRET_TO(mpp, mpv, target)       \
  li t6, MSTATUS_MPP;                   \
  csrc mstatus, t6;                     \
  li t6, mpp;                           \
  csrs mstatus, t6;                     \
  li t6, MSTATUSH_MPV;                  \
  csrc mstatush, t6;                    \
  li t6, mpv;                           \
  csrs mstatush, t6;                    \
  la t6, target;                        \
  csrw mepc, t6;                        \
  mret

#define GOTO_HS(target) MRET_TO(MSTATUS_MPP_S, 0, target)
#define GOTO_U(target)  MRET_TO(MSTATUS_MPP_U, 0, target)
#define GOTO_VS(target) MRET_TO(MSTATUS_MPP_S, MSTATUSH_MPV, target)
#define GOTO_VU(target) MRET_TO(MSTATUS_MPP_U, MSTATUSH_MPV, target)

/* From HS-mode: continue at label `target` through sret, with sstatus.SPP
 * value `spp` and hstatus.SPV set (entering VS or VU). */
#define SRET_TO_GUEST(spp, target)      \
  li t6, MSTATUS_SPP;                   \
  csrc sstatus, t6;                     \
  li t6, spp;                           \
  csrs sstatus, t6;                     \
  li t6, HSTATUS_SPV;                   \
  csrs hstatus, t6;                     \
  la t6, target;                        \
  csrw sepc, t6;                        \
  sret

/* Check n: the last trap was taken by the mode `taken` (TAKEN_*). */
#define CHECK_TAKEN(n, taken) CHECK(n, s4, taken)

/* Check n: (field of hyp_record & mask) == expected. Clobbers a0, t1. */
#define CHECK_RECORD_BITS(n, field, mask, expected) \
  RECORD(a0, field);                    \
  CHECK_BITS(n, a0, mask, expected)

/* Check n: a field of hyp_record == expected. Clobbers a0. */
#define CHECK_RECORD(n, field, expected) \
  RECORD(a0, field);                    \
  CHECK(n, a0, expected)

/* Check n: one trap since s5 was zeroed, with cause `cause`, taken
 * by mode `taken`, at label `epc`. Clobbers t1. */
#define CHECK_ONE_TRAP(n, taken, cause, epc) \
  CHECK_TRAPS(n, 1);                    \
  CHECK_TAKEN(n, taken);                \
  CHECK_CAUSE(n, cause);                \
  CHECK_ADDR(n, s10, epc)

/* Run the instruction(s) `...` in the mode `gomode` enters (GOTO_VS, ...),
 * then ecall. The first trap, an exception of the instructions or the ecall,
 * ends the run: its handler resumes at label 91 (in M-mode, or in HS-mode
 * for a trap delegated there), with s5 = 1. Label 92 is the first of the
 * instructions; labels 91 and 92 are TRY_IN's. */
#define TRY_IN(gomode, ...)             \
  li s5, 0;                             \
  RESUME_AT(91f);                       \
  gomode(92f);                          \
92: __VA_ARGS__;                        \
  ecall;                                \
91:

/* Check n: the instruction TRY_IN ran trapped into M-mode with `cause`,
 * mepc = that instruction, mtval = its bits. */
#define CHECK_TRAPPED(n, cause)         \
  CHECK_ONE_TRAP(n, TAKEN_M, cause, 92b); \
  CHECK_INSN(n, s9, 92b)

/* Check n: as CHECK_TRAPPED, without mtval (QEMU 7.2 leaves a stale value
 * there for HLV, HLVX and HSV). */
#define CHECK_TRAPPED_ANY_TVAL(n, cause) \
  CHECK_ONE_TRAP(n, TAKEN_M, cause, 92b)

/* Check n: the instruction(s) TRY_IN ran did not trap: the ecall after them
 * did, with `cause`. */
#define CHECK_RAN(n, cause)             \
  CHECK_TRAPS(n, 1);                    \
  CHECK_CAUSE(n, cause)

/* Check n: the last M-mode trap came from virtualization mode `mpv`
 * (0 or MSTATUSH_MPV) and the mode `mpp`. */
#define CHECK_FROM(n, mpp, mpv)         \
  CHECK_MPP(n, mpp);                    \
  CHECK_RECORD_BITS(n, RECORD_STATUS2, MSTATUSH_MPV, mpv)

/* Check n: hstatus as the HS handler recorded it: SPV, SPVP and GVA. */
#define CHECK_HSTATUS(n, expected)      \
  CHECK_RECORD_BITS(n, RECORD_STATUS2, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, expected)

/* Check n: register `reg` is zero or `value` (the values the specification
 * allows in mtinst/htinst for some faults). */
#define CHECK_ZERO_OR(n, reg, value)    \
  li gp, n;                             \
  beqz reg, 98f;                        \
  li t6, value;                         \
  bne reg, t6, test_fail;               \
98:

/*
 * The recording handlers. M: records mstatus, mcause, mtval, mepc (and
 * mstatush, mtval2, mtinst), continues in M-mode at s6 with MPRV, MPIE and
 * mstatush cleared. HS: records sstatus, scause, stval, sepc (and hstatus,
 * htval, htinst), continues in HS-mode at s6 (SPP = S, SPV = 0). VS: records
 * vsstatus, vscause, vstval, vsepc (as sstatus, scause, stval, sepc) and
 * continues in VS-mode at s6. hyp_unexpected reports the last recorded trap
 * and fails the test (check 0xfff, as test.h's handler does).
 */
#define HYP_COMMON_CODE                 \
  .align 6;                             \
hyp_m_trap:                             \
  csrr s7, mstatus;                     \
  csrr s8, mcause;                      \
  csrr s9, mtval;                       \
  csrr s10, mepc;                       \
  la t6, hyp_record;                    \
  csrr t5, mstatush;                    \
  sw t5, RECORD_STATUS2(t6);            \
  csrr t5, mtval2;                      \
  sw t5, RECORD_TVAL2(t6);              \
  csrr t5, mtinst;                      \
  sw t5, RECORD_TINST(t6);              \
  li s4, TAKEN_M;                       \
  addi s5, s5, 1;                       \
  csrw mepc, s6;                        \
  la s6, hyp_unexpected;                \
  li t6, MSTATUS_MPP;                   \
  csrs mstatus, t6;                     \
  li t6, MSTATUS_MPRV | MSTATUS_MPIE;   \
  csrc mstatus, t6;                     \
  csrw mstatush, zero;                  \
  mret;                                 \
  .align 6;                             \
hyp_hs_trap:                            \
  csrr s7, sstatus;                     \
  csrr s8, scause;                      \
  csrr s9, stval;                       \
  csrr s10, sepc;                       \
  la t6, hyp_record;                    \
  csrr t5, hstatus;                     \
  sw t5, RECORD_STATUS2(t6);            \
  csrr t5, htval;                       \
  sw t5, RECORD_TVAL2(t6);              \
  csrr t5, htinst;                      \
  sw t5, RECORD_TINST(t6);              \
  li s4, TAKEN_HS;                      \
  addi s5, s5, 1;                       \
  csrw sepc, s6;                        \
  la s6, hyp_unexpected;                \
  li t6, MSTATUS_SPP;                   \
  csrs sstatus, t6;                     \
  li t6, HSTATUS_SPV;                   \
  csrc hstatus, t6;                     \
  sret;                                 \
  .align 6;                             \
hyp_vs_trap:                            \
  csrr s7, sstatus;                     \
  csrr s8, scause;                      \
  csrr s9, stval;                       \
  csrr s10, sepc;                       \
  li s4, TAKEN_VS;                      \
  addi s5, s5, 1;                       \
  csrw sepc, s6;                        \
  la s6, hyp_unexpected;                \
  li t6, MSTATUS_SPP;                   \
  csrs sstatus, t6;                     \
  sret;                                 \
hyp_unexpected:                         \
  la a0, test_msg_trap;                 \
  jal s11, test_puts;                   \
  PRINT_HEX(s8);                        \
  PRINT_HEX(s10);                       \
  PRINT_HEX(s9);                        \
  li gp, 0xfff;                         \
  j test_fail;                          \
  .pushsection .data;                   \
  .align 2;                             \
hyp_record: .word 0, 0, 0;              \
  .popsection

#endif

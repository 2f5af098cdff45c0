/*
 * h_traps: the virtualization modes, traps between them, and the
 * virtual-instruction exception (privileged specification, chapter
 * "H Extension": "Privilege Modes", "Hypervisor Instructions", "Traps":
 * cause codes, trap entry, trap return, the list of virtual-instruction
 * cases).
 *
 * Covers: the hypervisor and VS CSRs from HS-mode (accessible), from U-mode
 * (illegal); entering VS and VU through mret with mstatush.MPV and through
 * sret with hstatus.SPV (which sret clears); ecall from VS (cause 10), VU (8), HS (9), U (8);
 * mstatush.MPV and MPP on traps into M-mode; delegation through medeleg to
 * HS-mode (hstatus.SPV, SPVP, GVA; sstatus.SPP; SPVP left alone on traps
 * from V=0) and further through hedeleg to VS-mode (vscause, vsepc, vstval,
 * vsstatus.SPP; hstatus untouched), only when V=1 and only past medeleg;
 * GVA with a guest virtual address in mtval/stval (access faults from VS);
 * sret within the guest (VS to VU); virtual-instruction exceptions (cause 22,
 * mtval = the instruction): hypervisor and VS CSRs from VS and VU, counters
 * disabled by hcounteren (and by scounteren in VU), HLV, HLVX, HSV, HFENCE
 * in VS and HLV/HSV in VU, WFI in VU and in VS with hstatus.VTW, SRET in VS
 * with hstatus.VTSR, SFENCE.VMA in VS with hstatus.VTVM; and where the
 * exception is illegal instead: M-level CSRs, writes to read-only CSRs,
 * counters disabled by mcounteren, WFI with mstatus.TW, MRET, hypervisor
 * instructions in U-mode (HLV only with hstatus.HU, HFENCE never); WFI in VS
 * completing with VTW = 0; mstatus.TVM in HS-mode (HFENCE.GVMA illegal,
 * HFENCE.VVMA and vsatp allowed).
 *
 * Not asserted, where QEMU 7.2 departs from the specification: S-level CSRs
 * from VU-mode, HFENCE in VU-mode and SRET in VU-mode raise illegal
 * instead of virtual instruction; WFI in VU-mode with mstatus.TW = 1 raises
 * virtual instead of illegal instruction; mstatus.TSR and TVM act in VS-mode
 * (SRET, satp, SFENCE.VMA illegal); hstatus.VTVM does not trap satp in
 * VS-mode; mstatus.TVM does not trap hgatp in HS-mode; mstatush.GVA is set
 * for any trap from V=1 with a nonzero mtval (virtual and illegal
 * instructions too), and not for faults of HLV/HSV from V=0; mtval holds a
 * stale value (the bits of an earlier trapping instruction) when HLV, HLVX
 * or HSV raise virtual- or illegal-instruction exceptions; an exception
 * with code 2, 6 or 10 delegated to VS-mode is reported one less in
 * vscause (so no illegal instruction is delegated to VS here); mret with
 * MPP = M and MPV = 1 enters a state with V=1 in M-mode (MPV must be ignored
 * when MPP = M), so the test never does that.
 *
 *   hyperlab-test: qemu="-cpu rv32,h=true"
 */
#include "test.h"
#include "priv.h"
#include "hyp.h"

/* An address with no device and no memory, on QEMU virt and on HyperLab. */
#define NOTHING_THERE 0x01000000
#define SSTATUS_SPP_SPIE (MSTATUS_SPP | MSTATUS_SPIE)
#define ALL_COUNTERS (COUNTER_CY | COUNTER_TM | COUNTER_IR)

TEST_ENTRY

main:
  HYP_INIT

/* ---- The hypervisor and VS CSRs from HS-mode: read and written without
 *      a trap. From U-mode: illegal. ---- */
  TRY_IN(GOTO_HS, csrr a0, hstatus; csrw hstatus, a0; csrr a0, hedeleg; \
    csrr a0, hideleg; csrr a0, hvip; csrw hvip, zero; csrr a0, hip; csrr a0, hie; \
    csrr a0, hcounteren; csrr a0, htimedelta; csrr a0, htimedeltah; \
    csrr a0, htval; csrr a0, htinst; csrr a0, hgatp; csrw hgatp, zero; \
    csrr a0, hgeip; csrr a0, hgeie; csrr a0, henvcfg; \
    csrr a0, vsstatus; csrw vsstatus, zero; csrr a0, vsie; csrr a0, vsip; \
    csrr a0, vstvec; csrr a0, vsscratch; csrw vsscratch, zero; csrr a0, vsepc; \
    csrr a0, vscause; csrr a0, vstval; csrr a0, vsatp; csrw vsatp, zero)
  CHECK_RAN(1, CAUSE_SUPERVISOR_ECALL)
  TRY_IN(GOTO_U, csrr a0, hstatus)
  CHECK_TRAPPED(2, CAUSE_ILLEGAL_INSTRUCTION)
  TRY_IN(GOTO_U, csrr a0, vsstatus)
  CHECK_TRAPPED(3, CAUSE_ILLEGAL_INSTRUCTION)
  PRINT_LINE "hypervisor and VS CSRs from HS-mode and U-mode: ok"

/* ---- Entering VS and VU through mret (MPV = 1): ecall from VS is cause
 *      10, from VU 8; the trap into M-mode sets MPV = 1 and MPP. From HS and
 *      U (MPV = 0): 9 and 8, MPV = 0. mtval is zero. ---- */
  TRY_IN(GOTO_VS)
  CHECK_ONE_TRAP(4, TAKEN_M, CAUSE_VS_ECALL, 92b)
  CHECK(5, s9, 0)
  CHECK_FROM(6, MSTATUS_MPP_S, MSTATUSH_MPV)
  TRY_IN(GOTO_VU)
  CHECK_ONE_TRAP(7, TAKEN_M, CAUSE_USER_ECALL, 92b)
  CHECK_FROM(8, MSTATUS_MPP_U, MSTATUSH_MPV)
  TRY_IN(GOTO_HS)
  CHECK_ONE_TRAP(9, TAKEN_M, CAUSE_SUPERVISOR_ECALL, 92b)
  CHECK_FROM(10, MSTATUS_MPP_S, 0)
  TRY_IN(GOTO_U)
  CHECK_ONE_TRAP(11, TAKEN_M, CAUSE_USER_ECALL, 92b)
  CHECK_FROM(12, MSTATUS_MPP_U, 0)
  PRINT_LINE "ecall from VS, VU, HS, U; mret with mstatush.MPV: ok"

/* ---- Entering VS and VU through sret from HS-mode (hstatus.SPV = 1,
 *      sstatus.SPP): sret clears SPV. ---- */
  TRY_IN(GOTO_HS, SRET_TO_GUEST(MSTATUS_SPP, 93f); 93: ecall)
  CHECK_ONE_TRAP(13, TAKEN_M, CAUSE_VS_ECALL, 93b)
  CHECK_FROM(14, MSTATUS_MPP_S, MSTATUSH_MPV)
  csrr a0, hstatus
  CHECK_BITS(15, a0, HSTATUS_SPV, 0)
  TRY_IN(GOTO_HS, SRET_TO_GUEST(0, 93f); 93: ecall)
  CHECK_ONE_TRAP(16, TAKEN_M, CAUSE_USER_ECALL, 93b)
  CHECK_FROM(17, MSTATUS_MPP_U, MSTATUSH_MPV)
  csrr a0, hstatus
  CHECK_BITS(18, a0, HSTATUS_SPV, 0)
  /* sret with SPV = 0 stays out of the guest: to U-mode. */
  TRY_IN(GOTO_HS, li t0, MSTATUS_SPP; csrc sstatus, t0; la t0, 93f; csrw sepc, t0; sret; 93: ecall)
  CHECK_ONE_TRAP(19, TAKEN_M, CAUSE_USER_ECALL, 93b)
  CHECK_FROM(20, MSTATUS_MPP_U, 0)
  /* sret in VS-mode returns within the guest: to VU-mode (vsstatus.SPP = 0). */
  TRY_IN(GOTO_VS, li t0, MSTATUS_SPP; csrc sstatus, t0; la t0, 93f; csrw sepc, t0; sret; 93: ecall)
  CHECK_ONE_TRAP(21, TAKEN_M, CAUSE_USER_ECALL, 93b)
  CHECK_FROM(22, MSTATUS_MPP_U, MSTATUSH_MPV)
  PRINT_LINE "sret into VS and VU with hstatus.SPV; sret in VS: ok"

/* ---- Delegation to HS-mode through medeleg. From VS: scause 10,
 *      hstatus.SPV = 1, SPVP = 1 (VS), sstatus.SPP = 1; from VU: SPVP = 0,
 *      SPP = 0. GVA = 0, htval = htinst = 0. ---- */
  li t0, (1 << CAUSE_USER_ECALL) | (1 << CAUSE_VS_ECALL)
  csrw medeleg, t0
  csrw hstatus, zero
  csrw sstatus, zero
  TRY_IN(GOTO_VS)
  CHECK_ONE_TRAP(23, TAKEN_HS, CAUSE_VS_ECALL, 92b)
  CHECK(24, s9, 0)
  CHECK_HSTATUS(25, HSTATUS_SPV | HSTATUS_SPVP)
  CHECK_BITS(26, s7, SSTATUS_SPP_SPIE, MSTATUS_SPP)
  CHECK_RECORD(27, RECORD_TVAL2, 0)
  CHECK_RECORD(28, RECORD_TINST, 0)
  BACK_TO_M                           /* from HS: ecall 9 is not delegated */
  CHECK_TAKEN(29, TAKEN_M)
  CHECK_CAUSE(30, CAUSE_SUPERVISOR_ECALL)
  TRY_IN(GOTO_VU)
  CHECK_ONE_TRAP(31, TAKEN_HS, CAUSE_USER_ECALL, 92b)
  CHECK_HSTATUS(32, HSTATUS_SPV)
  CHECK_BITS(33, s7, MSTATUS_SPP, 0)
  BACK_TO_M
  /* From U (V=0): SPV = 0, SPVP keeps its value, whichever it is. */
  li t0, HSTATUS_SPVP
  csrw hstatus, t0
  TRY_IN(GOTO_U)
  CHECK_ONE_TRAP(34, TAKEN_HS, CAUSE_USER_ECALL, 92b)
  CHECK_HSTATUS(35, HSTATUS_SPVP)
  BACK_TO_M
  csrw hstatus, zero
  TRY_IN(GOTO_U)
  CHECK_ONE_TRAP(36, TAKEN_HS, CAUSE_USER_ECALL, 92b)
  CHECK_HSTATUS(37, 0)
  BACK_TO_M
  /* A virtual-instruction exception delegated to HS-mode: stval = the
   * instruction. */
  li t0, 1 << CAUSE_VIRTUAL_INSTRUCTION
  csrs medeleg, t0
  TRY_IN(GOTO_VS, csrr a0, hstatus)
  CHECK_ONE_TRAP(38, TAKEN_HS, CAUSE_VIRTUAL_INSTRUCTION, 92b)
  CHECK_INSN(39, s9, 92b)
  CHECK_HSTATUS(40, HSTATUS_SPV | HSTATUS_SPVP)
  BACK_TO_M
  csrw medeleg, zero
  PRINT_LINE "delegation to HS-mode: hstatus.SPV, SPVP, sstatus.SPP: ok"

/* ---- An access fault from VS-mode (both stages Bare): mtval/stval is a
 *      guest virtual address, so GVA = 1; mtval2/htval = 0 (no guest-page
 *      fault); mtinst/htinst zero or the transformed load (lw a0, 0(x0)).
 *      ---- */
  li s0, NOTHING_THERE
  TRY_IN(GOTO_VS, lw a0, 4(s0))
  CHECK_ONE_TRAP(41, TAKEN_M, CAUSE_LOAD_ACCESS, 92b)
  CHECK(42, s9, NOTHING_THERE + 4)
  CHECK_RECORD_BITS(43, RECORD_STATUS2, MSTATUSH_MPV | MSTATUSH_GVA, MSTATUSH_MPV | MSTATUSH_GVA)
  CHECK_RECORD(44, RECORD_TVAL2, 0)
  RECORD(a0, RECORD_TINST)
  CHECK_ZERO_OR(45, a0, 0x00002503)
  li t0, 1 << CAUSE_LOAD_ACCESS
  csrw medeleg, t0
  TRY_IN(GOTO_VU, lw a0, 8(s0))
  CHECK_ONE_TRAP(46, TAKEN_HS, CAUSE_LOAD_ACCESS, 92b)
  CHECK(47, s9, NOTHING_THERE + 8)
  CHECK_HSTATUS(48, HSTATUS_SPV | HSTATUS_GVA)
  CHECK_RECORD(49, RECORD_TVAL2, 0)
  RECORD(a0, RECORD_TINST)
  CHECK_ZERO_OR(50, a0, 0x00002503)
  BACK_TO_M
  /* From HS-mode: no guest virtual address, GVA = 0. */
  TRY_IN(GOTO_HS, lw a0, 12(s0))
  CHECK_ONE_TRAP(51, TAKEN_HS, CAUSE_LOAD_ACCESS, 92b)
  CHECK_HSTATUS(52, 0)
  BACK_TO_M
  csrw medeleg, zero
  PRINT_LINE "access faults from VS and VU: GVA, mstatush.MPV: ok"

/* ---- Delegation on to VS-mode through hedeleg: vscause, vsepc, vstval,
 *      vsstatus.SPP; V stays 1 and hstatus is left alone. hedeleg applies
 *      only past medeleg, and only when V=1. ---- */
  li t0, (1 << CAUSE_USER_ECALL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_LOAD_ACCESS)
  csrw medeleg, t0
  csrw hedeleg, t0
  li t0, HSTATUS_SPVP
  csrw hstatus, t0
  csrw vsstatus, zero
  li s5, 0
  RESUME_AT(1f)
  GOTO_VU(2f)
2:
  ecall
1:                                    /* VS-mode now, from the VS handler */
  mv a2, s4
  mv a3, s8
  mv a4, s10
  mv a5, s7
  BACK_TO_M
  CHECK_CAUSE(53, CAUSE_VS_ECALL)     /* the ecall back came from VS */
  CHECK_FROM(54, MSTATUS_MPP_S, MSTATUSH_MPV)
  CHECK(55, a2, TAKEN_VS)
  CHECK(56, a3, CAUSE_USER_ECALL)
  CHECK_ADDR(57, a4, 2b)
  CHECK_BITS(58, a5, MSTATUS_SPP, 0)
  csrr a0, vscause
  CHECK(59, a0, CAUSE_USER_ECALL)
  csrr a0, hstatus
  CHECK(60, a0, HSTATUS_SPVP)
  /* A breakpoint and an access fault from VS-mode to VS-mode: SPP = 1,
   * vstval = the address. */
  li s5, 0
  RESUME_AT(1f)
  GOTO_VS(2f)
2:
  ebreak
1:
  mv a2, s4
  mv a3, s8
  mv a4, s10
  mv a5, s7
  mv a6, s9
  li s0, NOTHING_THERE
  RESUME_AT(1f)
3:
  lw a0, 16(s0)
1:
  mv s0, s4
  mv s1, s8
  mv s2, s10
  mv s3, s9
  BACK_TO_M
  CHECK_CAUSE(61, CAUSE_VS_ECALL)
  CHECK(62, a2, TAKEN_VS)
  CHECK(63, a3, CAUSE_BREAKPOINT)
  CHECK_ADDR(64, a4, 2b)
  CHECK_BITS(65, a5, MSTATUS_SPP, MSTATUS_SPP)
  CHECK_ZERO_OR_ADDR(66, a6, 2b)
  CHECK(67, s0, TAKEN_VS)
  CHECK(68, s1, CAUSE_LOAD_ACCESS)
  CHECK_ADDR(69, s2, 3b)
  CHECK(70, s3, NOTHING_THERE + 16)
  csrr a0, vstval
  CHECK(71, a0, NOTHING_THERE + 16)
  csrr a0, hstatus
  CHECK(72, a0, HSTATUS_SPVP)
  /* From U (V=0), hedeleg does not apply: to HS-mode. */
  TRY_IN(GOTO_U)
  CHECK_ONE_TRAP(73, TAKEN_HS, CAUSE_USER_ECALL, 92b)
  BACK_TO_M
  /* Without the medeleg bit, the hedeleg bit does nothing: to M-mode. */
  li t0, 1 << CAUSE_BREAKPOINT
  csrc medeleg, t0
  TRY_IN(GOTO_VS, ebreak)
  CHECK_ONE_TRAP(74, TAKEN_M, CAUSE_BREAKPOINT, 92b)
  CHECK_FROM(75, MSTATUS_MPP_S, MSTATUSH_MPV)
  /* Without the hedeleg bit: to HS-mode. */
  li t0, 1 << CAUSE_BREAKPOINT
  csrs medeleg, t0
  csrc hedeleg, t0
  TRY_IN(GOTO_VS, ebreak)
  CHECK_ONE_TRAP(76, TAKEN_HS, CAUSE_BREAKPOINT, 92b)
  CHECK_BITS(77, s7, MSTATUS_SPP, MSTATUS_SPP)
  CHECK_RECORD_BITS(78, RECORD_STATUS2, HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV | HSTATUS_SPVP)
  BACK_TO_M
  csrw medeleg, zero
  csrw hedeleg, zero
  csrw hstatus, zero
  PRINT_LINE "delegation to VS-mode through hedeleg: ok"

/* ---- Hypervisor and VS CSRs from VS and VU: virtual instruction (the
 *      access is allowed in HS-mode). M-level CSRs and writes to read-only
 *      CSRs: illegal, as in HS-mode. ---- */
  TRY_IN(GOTO_VS, csrr a0, hstatus)
  CHECK_TRAPPED(79, CAUSE_VIRTUAL_INSTRUCTION)
  CHECK_FROM(80, MSTATUS_MPP_S, MSTATUSH_MPV)
  TRY_IN(GOTO_VS, csrw hvip, zero)
  CHECK_TRAPPED(81, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, csrr a0, hgatp)
  CHECK_TRAPPED(82, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, csrr a0, htimedeltah)
  CHECK_TRAPPED(83, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, csrr a0, vsstatus)
  CHECK_TRAPPED(84, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, csrw vsatp, zero)
  CHECK_TRAPPED(85, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VU, csrr a0, hstatus)
  CHECK_TRAPPED(86, CAUSE_VIRTUAL_INSTRUCTION)
  CHECK_FROM(87, MSTATUS_MPP_U, MSTATUSH_MPV)
  TRY_IN(GOTO_VU, csrr a0, vsscratch)
  CHECK_TRAPPED(88, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, csrr a0, mstatus)
  CHECK_TRAPPED(89, CAUSE_ILLEGAL_INSTRUCTION)
  TRY_IN(GOTO_VU, csrr a0, mscratch)
  CHECK_TRAPPED(90, CAUSE_ILLEGAL_INSTRUCTION)
  TRY_IN(GOTO_VS, csrw hgeip, zero)
  CHECK_TRAPPED(91, CAUSE_ILLEGAL_INSTRUCTION)
  TRY_IN(GOTO_VS, csrw cycle, zero)
  CHECK_TRAPPED(92, CAUSE_ILLEGAL_INSTRUCTION)
  PRINT_LINE "virtual instruction: hypervisor and VS CSRs from VS and VU: ok"

/* ---- Counters: with mcounteren set, hcounteren gates VS and VU (virtual
 *      instruction), scounteren gates VU (virtual instruction); with
 *      mcounteren clear, illegal. ---- */
  li t0, ALL_COUNTERS
  csrw mcounteren, t0
  csrw scounteren, t0
  csrw hcounteren, zero
  TRY_IN(GOTO_VS, rdcycle a0)
  CHECK_TRAPPED(93, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, rdtimeh a0)
  CHECK_TRAPPED(94, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VU, rdinstret a0)
  CHECK_TRAPPED(95, CAUSE_VIRTUAL_INSTRUCTION)
  li t0, COUNTER_CY | COUNTER_IR      /* TM clear */
  csrw hcounteren, t0
  TRY_IN(GOTO_VS, rdcycle a0; rdcycleh a0; rdinstret a0; rdinstreth a0)
  CHECK_RAN(96, CAUSE_VS_ECALL)
  TRY_IN(GOTO_VS, rdtime a0)
  CHECK_TRAPPED(97, CAUSE_VIRTUAL_INSTRUCTION)
  li t0, ALL_COUNTERS
  csrw hcounteren, t0
  csrw scounteren, zero
  TRY_IN(GOTO_VS, rdcycle a0; rdtime a0; rdinstret a0)
  CHECK_RAN(98, CAUSE_VS_ECALL)
  TRY_IN(GOTO_VU, rdcycle a0)
  CHECK_TRAPPED(99, CAUSE_VIRTUAL_INSTRUCTION)
  li t0, ALL_COUNTERS
  csrw scounteren, t0
  TRY_IN(GOTO_VU, rdcycle a0; rdtime a0; rdinstret a0)
  CHECK_RAN(100, CAUSE_USER_ECALL)
  csrw mcounteren, zero
  TRY_IN(GOTO_VS, rdcycle a0)
  CHECK_TRAPPED(101, CAUSE_ILLEGAL_INSTRUCTION)
  TRY_IN(GOTO_VU, rdtime a0)
  CHECK_TRAPPED(102, CAUSE_ILLEGAL_INSTRUCTION)
  csrw hcounteren, zero
  csrw scounteren, zero
  PRINT_LINE "virtual instruction: counters and hcounteren: ok"

/* ---- Hypervisor instructions: in VS and VU, virtual instruction (HLV,
 *      HLVX, HSV, and HFENCE in VS); in U-mode, illegal, except HLV/HLVX/HSV
 *      with hstatus.HU. ---- */
  la s0, hyp_record
  TRY_IN(GOTO_VS, hlv.w a0, (s0))
  CHECK_TRAPPED_ANY_TVAL(103, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, hlvx.hu a0, (s0))
  CHECK_TRAPPED_ANY_TVAL(104, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, hsv.b zero, (s0))
  CHECK_TRAPPED_ANY_TVAL(105, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, hfence.vvma)
  CHECK_TRAPPED(106, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, hfence.gvma)
  CHECK_TRAPPED(107, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VU, hlv.bu a0, (s0))
  CHECK_TRAPPED_ANY_TVAL(108, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VU, hsv.w zero, (s0))
  CHECK_TRAPPED_ANY_TVAL(109, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_U, hlv.w a0, (s0))
  CHECK_TRAPPED_ANY_TVAL(110, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_FROM(111, MSTATUS_MPP_U, 0)
  TRY_IN(GOTO_U, hfence.gvma)
  CHECK_TRAPPED(112, CAUSE_ILLEGAL_INSTRUCTION)
  li t0, HSTATUS_HU
  csrw hstatus, t0
  TRY_IN(GOTO_U, hlv.w a0, (s0); hsv.w a0, (s0))
  CHECK_RAN(113, CAUSE_USER_ECALL)
  TRY_IN(GOTO_U, hfence.vvma)
  CHECK_TRAPPED(114, CAUSE_ILLEGAL_INSTRUCTION)
  csrw hstatus, zero
  TRY_IN(GOTO_HS, hlv.w a0, (s0); hsv.w a0, (s0); hfence.vvma; hfence.gvma)
  CHECK_RAN(115, CAUSE_SUPERVISOR_ECALL)
  PRINT_LINE "virtual instruction: HLV, HLVX, HSV, HFENCE: ok"

/* ---- WFI: in VU-mode (TW = 0) and in VS-mode with hstatus.VTW, virtual
 *      instruction; with mstatus.TW, illegal in VS-mode (it takes
 *      precedence). With VTW = 0 it completes in VS-mode: a VS-level
 *      interrupt is pending and enabled in vsie, masked by vsstatus.SIE,
 *      which wakes the hart without a trap. ---- */
  TRY_IN(GOTO_VU, wfi)
  CHECK_TRAPPED(116, CAUSE_VIRTUAL_INSTRUCTION)
  li t0, HSTATUS_VTW
  csrw hstatus, t0
  TRY_IN(GOTO_VS, wfi)
  CHECK_TRAPPED(117, CAUSE_VIRTUAL_INSTRUCTION)
  li t0, MSTATUS_TW
  csrs mstatus, t0
  TRY_IN(GOTO_VS, wfi)
  CHECK_TRAPPED(118, CAUSE_ILLEGAL_INSTRUCTION)
  csrc mstatus, t0
  csrw hstatus, zero
  li t0, MIP_VSSIP
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0
  csrw vsstatus, zero
  TRY_IN(GOTO_VS, wfi)
  CHECK_RAN(119, CAUSE_VS_ECALL)
  csrw hvip, zero
  csrw hie, zero
  csrw hideleg, zero
  PRINT_LINE "virtual instruction: WFI, hstatus.VTW, mstatus.TW: ok"

/* ---- SRET in VS-mode with hstatus.VTSR, SFENCE.VMA in VS-mode with
 *      hstatus.VTVM: virtual instruction. SRET, MRET in U, VU, VS: illegal
 *      where the instruction is not HS-qualified. ---- */
  li t0, HSTATUS_VTSR
  csrw hstatus, t0
  TRY_IN(GOTO_VS, sret)
  CHECK_TRAPPED(120, CAUSE_VIRTUAL_INSTRUCTION)
  li t0, HSTATUS_VTVM
  csrw hstatus, t0
  TRY_IN(GOTO_VS, sfence.vma)
  CHECK_TRAPPED(121, CAUSE_VIRTUAL_INSTRUCTION)
  TRY_IN(GOTO_VS, sfence.vma s0, zero)
  CHECK_TRAPPED(122, CAUSE_VIRTUAL_INSTRUCTION)
  csrw hstatus, zero
  TRY_IN(GOTO_VS, sfence.vma)
  CHECK_RAN(123, CAUSE_VS_ECALL)
  TRY_IN(GOTO_U, sret)
  CHECK_TRAPPED(124, CAUSE_ILLEGAL_INSTRUCTION)
  TRY_IN(GOTO_VS, mret)
  CHECK_TRAPPED(125, CAUSE_ILLEGAL_INSTRUCTION)
  TRY_IN(GOTO_VU, mret)
  CHECK_TRAPPED(126, CAUSE_ILLEGAL_INSTRUCTION)
  PRINT_LINE "virtual instruction: hstatus.VTSR, VTVM; illegal MRET: ok"

/* ---- mstatus.TVM in HS-mode: HFENCE.GVMA illegal; HFENCE.VVMA, vsatp
 *      and the guest's own SFENCE.VMA unaffected. ---- */
  li t0, MSTATUS_TVM
  csrs mstatus, t0
  TRY_IN(GOTO_HS, hfence.gvma)
  CHECK_TRAPPED(127, CAUSE_ILLEGAL_INSTRUCTION)
  TRY_IN(GOTO_HS, hfence.vvma; csrr a0, vsatp; csrw vsatp, zero)
  CHECK_RAN(128, CAUSE_SUPERVISOR_ECALL)
  TRY_IN(GOTO_HS, csrr a0, satp)
  CHECK_TRAPPED(129, CAUSE_ILLEGAL_INSTRUCTION)
  li t0, MSTATUS_TVM
  csrc mstatus, t0
  PRINT_LINE "mstatus.TVM in HS-mode: ok"

  TEST_PASS

HYP_COMMON_CODE

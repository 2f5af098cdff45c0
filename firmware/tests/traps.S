/*
 * traps: synchronous exceptions, their delegation and the xRET instructions
 * (privileged specification, "Machine-Level ISA": mcause, mtval, medeleg,
 * mstatus TSR/TW/TVM, MRET/SRET; "Supervisor-Level ISA": scause, stval).
 *
 * Covers: ecall from U, S and M (causes 8, 9, 11; mtval 0); ebreak and
 * c.ebreak (cause 3, mtval = pc or 0); illegal instructions with mtval = the
 * instruction (privileged CSRs from U and S, read-only CSR writes, mret from
 * S and U, sret from U, counters disabled by mcounteren/scounteren); load,
 * store and fetch access faults on an address where nothing is (causes 5, 7,
 * 1; mtval = the address); delegation through medeleg to S-mode (stvec,
 * scause, sepc, stval, sstatus SPP/SPIE/SIE) and no delegation of traps taken
 * in M-mode; mret and sret restoring the mode and the interrupt-enable
 * stacks; TSR, TW and TVM; mtvec vectored mode (exceptions at base,
 * interrupts at base + 4 * cause).
 *
 * Instruction-address-misaligned exceptions cannot happen with C (every
 * jump target is 2-byte aligned), so they are not covered.
 */
#include "test.h"
#include "priv.h"

/* An address with no device and no memory, on QEMU virt and on HyperLab. */
#define NOTHING_THERE 0x01000000

#define SSTATUS_STACK (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE)
#define MSTATUS_STACK (MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE)

TEST_ENTRY

main:
  PRIV_INIT

/* ---- ecall from M, S and U: causes 11, 9, 8; mepc = the ecall; mtval 0;
 *      mstatus.MPP = the mode it came from. ---- */
  RESUME_AT(1f)
ecall_m:
  ecall
1:
  CHECK_CAUSE(1, CAUSE_MACHINE_ECALL)
  CHECK_ADDR(2, s10, ecall_m)
  CHECK(3, s9, 0)
  CHECK_MPP(4, MSTATUS_MPP_M)
  PRINT_LINE "ecall from M: ok"
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, ecall_s)
ecall_s:
  ecall
1:
  CHECK_CAUSE(5, CAUSE_SUPERVISOR_ECALL)
  CHECK_ADDR(6, s10, ecall_s)
  CHECK(7, s9, 0)
  CHECK_MPP(8, MSTATUS_MPP_S)
  PRINT_LINE "ecall from S: ok"
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, ecall_u)
ecall_u:
  ecall
1:
  CHECK_CAUSE(9, CAUSE_USER_ECALL)
  CHECK_ADDR(10, s10, ecall_u)
  CHECK(11, s9, 0)
  CHECK_MPP(12, MSTATUS_MPP_U)
  CHECK_TRAPS(13, 3)
  PRINT_LINE "ecall from U: ok"

/* ---- ebreak (4 bytes) and c.ebreak (2 bytes): cause 3, mepc = the
 *      address of the instruction, mtval = that address or zero (QEMU 7.2
 *      writes zero). ---- */
  RESUME_AT(1f)
ebreak_4:
  .option push
  .option norvc
  ebreak
  .option pop
1:
  CHECK_CAUSE(14, CAUSE_BREAKPOINT)
  CHECK_ADDR(15, s10, ebreak_4)
  CHECK_ZERO_OR_ADDR(16, s9, ebreak_4)
  RESUME_AT(1f)
ebreak_2:
  c.ebreak
1:
  CHECK_CAUSE(17, CAUSE_BREAKPOINT)
  CHECK_ADDR(18, s10, ebreak_2)
  CHECK_ZERO_OR_ADDR(19, s9, ebreak_2)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, ebreak_u)
ebreak_u:
  ebreak
1:
  CHECK_CAUSE(20, CAUSE_BREAKPOINT)
  CHECK_ZERO_OR_ADDR(21, s9, ebreak_u)
  CHECK_MPP(22, MSTATUS_MPP_U)
  PRINT_LINE "ebreak: ok"

/* ---- illegal instructions: cause 2, mtval = the instruction bits. ---- */
  /* An M-mode CSR from U and from S, an S-mode CSR from U. */
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, illegal_mstatus_u)
illegal_mstatus_u:
  csrr a0, mstatus
1:
  CHECK_CAUSE(23, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_ADDR(24, s10, illegal_mstatus_u)
  CHECK_INSN(25, s9, illegal_mstatus_u)
  CHECK_MPP(26, MSTATUS_MPP_U)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, illegal_mscratch_s)
illegal_mscratch_s:
  csrw mscratch, a0
1:
  CHECK_CAUSE(27, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(28, s9, illegal_mscratch_s)
  CHECK_MPP(29, MSTATUS_MPP_S)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, illegal_sstatus_u)
illegal_sstatus_u:
  csrr a0, sstatus
1:
  CHECK_CAUSE(30, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(31, s9, illegal_sstatus_u)
  PRINT_LINE "illegal: privileged CSR: ok"
  /* A write to a read-only CSR (cycle), even in M-mode. */
  RESUME_AT(1f)
illegal_write_cycle:
  csrw cycle, zero
1:
  CHECK_CAUSE(32, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(33, s9, illegal_write_cycle)
  CHECK_MPP(34, MSTATUS_MPP_M)
  PRINT_LINE "illegal: read-only CSR write: ok"
  /* mret from S and U, sret from U. */
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, illegal_mret_s)
illegal_mret_s:
  mret
1:
  CHECK_CAUSE(35, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_ADDR(36, s10, illegal_mret_s)
  CHECK_INSN(37, s9, illegal_mret_s)
  CHECK_MPP(38, MSTATUS_MPP_S)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, illegal_mret_u)
illegal_mret_u:
  mret
1:
  CHECK_CAUSE(39, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(40, s9, illegal_mret_u)
  CHECK_MPP(41, MSTATUS_MPP_U)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, illegal_sret_u)
illegal_sret_u:
  sret
1:
  CHECK_CAUSE(42, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(43, s9, illegal_sret_u)
  CHECK_MPP(44, MSTATUS_MPP_U)
  PRINT_LINE "illegal: mret and sret from lower modes: ok"

/* ---- counter enables: cycle, time, instret are readable in S only with
 *      mcounteren's CY, TM, IR bits, in U only with both mcounteren's and
 *      scounteren's. ---- */
  csrw mcounteren, zero
  csrw scounteren, zero
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, counter_cycle_s)
counter_cycle_s:
  rdcycle a0
1:
  CHECK_CAUSE(45, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(46, s9, counter_cycle_s)
  CHECK_MPP(47, MSTATUS_MPP_S)
  li t0, 7
  csrw mcounteren, t0
  li s5, 0
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  rdcycle a0
  rdtime a0
  rdinstret a0
  BACK_TO_M
  CHECK_TRAPS(48, 1)
  CHECK_CAUSE(49, CAUSE_SUPERVISOR_ECALL)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, counter_time_u)
counter_time_u:
  rdtime a0
1:
  CHECK_CAUSE(50, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(51, s9, counter_time_u)
  CHECK_MPP(52, MSTATUS_MPP_U)
  li t0, 7
  csrw scounteren, t0
  li s5, 0
  GOTO_MODE(MSTATUS_MPP_U, 2f)
2:
  rdcycle a0
  rdtime a0
  rdinstret a0
  BACK_TO_M
  CHECK_TRAPS(53, 1)
  CHECK_CAUSE(54, CAUSE_USER_ECALL)
  li t0, 5                     /* CY and IR only */
  csrw scounteren, t0
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, counter_time_u2)
counter_time_u2:
  rdtime a0
1:
  CHECK_CAUSE(55, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(56, s9, counter_time_u2)
  csrw mcounteren, zero
  csrw scounteren, zero
  PRINT_LINE "illegal: counters disabled by mcounteren and scounteren: ok"

/* ---- access faults where nothing is: load (5), store (7), fetch (1);
 *      mtval = the address. ---- */
  li s0, NOTHING_THERE
  RESUME_AT(1f)
load_fault:
  lw a0, 0(s0)
1:
  CHECK_CAUSE(57, CAUSE_LOAD_ACCESS)
  CHECK_ADDR(58, s10, load_fault)
  CHECK(59, s9, NOTHING_THERE)
  RESUME_AT(1f)
store_fault:
  sb a0, 3(s0)
1:
  CHECK_CAUSE(60, CAUSE_STORE_ACCESS)
  CHECK_ADDR(61, s10, store_fault)
  CHECK(62, s9, NOTHING_THERE + 3)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, 2f)
2:
  sw a0, 8(s0)
1:
  CHECK_CAUSE(63, CAUSE_STORE_ACCESS)
  CHECK(64, s9, NOTHING_THERE + 8)
  CHECK_MPP(65, MSTATUS_MPP_U)
  RESUME_AT(1f)
  jalr s0
1:
  CHECK_CAUSE(66, CAUSE_FETCH_ACCESS)
  CHECK(67, s10, NOTHING_THERE)
  CHECK(68, s9, NOTHING_THERE)
  PRINT_LINE "access faults: ok"

/* ---- delegation: with medeleg bits set, traps from S and U go to S-mode:
 *      scause, sepc, stval; sstatus.SPP = the mode trapped from, SPIE = the
 *      old SIE, SIE cleared. Traps taken in M-mode stay in M-mode. ---- */
  li t0, (1 << CAUSE_USER_ECALL) | (1 << CAUSE_ILLEGAL_INSTRUCTION) | \
         (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_LOAD_ACCESS)
  csrw medeleg, t0
  csrw scause, zero
  csrsi sstatus, MSTATUS_SIE          /* no S interrupt is enabled in sie */
  li s5, 0
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, deleg_ecall_u)
deleg_ecall_u:
  ecall
1:                                    /* in S-mode now */
  CHECK_TAKEN_BY_S(69)
  CHECK_CAUSE(70, CAUSE_USER_ECALL)
  CHECK_ADDR(71, s10, deleg_ecall_u)
  CHECK(72, s9, 0)
  CHECK_BITS(73, s7, SSTATUS_STACK, MSTATUS_SPIE)
  csrr a0, sstatus                    /* the S handler's sret set SIE again */
  CHECK_BITS(74, a0, SSTATUS_STACK, MSTATUS_SPIE | MSTATUS_SIE)
  RESUME_AT(1f)
deleg_illegal_s:
  csrr a0, mstatus
1:
  CHECK_TAKEN_BY_S(75)
  CHECK_CAUSE(76, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_ADDR(77, s10, deleg_illegal_s)
  CHECK_INSN(78, s9, deleg_illegal_s)
  CHECK_BITS(79, s7, SSTATUS_STACK, MSTATUS_SPP | MSTATUS_SPIE)
  li s0, NOTHING_THERE
  RESUME_AT(1f)
deleg_load_fault_s:
  lw a0, 4(s0)
1:
  CHECK_TAKEN_BY_S(80)
  CHECK_CAUSE(81, CAUSE_LOAD_ACCESS)
  CHECK_ADDR(82, s10, deleg_load_fault_s)
  CHECK(83, s9, NOTHING_THERE + 4)
  BACK_TO_M                           /* ecall from S is not delegated */
  CHECK_TAKEN_BY_M(84)
  CHECK_CAUSE(85, CAUSE_SUPERVISOR_ECALL)
  CHECK_TRAPS(86, 4)
  /* Taken in M-mode: not delegated, scause untouched. */
  csrw scause, zero
  RESUME_AT(1f)
deleg_ebreak_m:
  ebreak
1:
  CHECK_TAKEN_BY_M(87)
  CHECK_CAUSE(88, CAUSE_BREAKPOINT)
  CHECK_ADDR(89, s10, deleg_ebreak_m)
  CHECK_MPP(90, MSTATUS_MPP_M)
  csrr a0, scause
  CHECK(91, a0, 0)
  RESUME_AT(1f)
  lw a0, 0(s0)
1:
  CHECK_TAKEN_BY_M(92)
  CHECK_CAUSE(93, CAUSE_LOAD_ACCESS)
  csrw medeleg, zero
  csrw sstatus, zero
  PRINT_LINE "delegation to S: ok"

/* ---- mret: MIE = MPIE, MPIE = 1, MPP = U (the least-privileged mode).
 *      sret: SIE = SPIE, SPIE = 1, SPP = U. Each returns to the mode its
 *      previous-privilege field names. ---- */
  li t0, MSTATUS_MPP_M | MSTATUS_MIE  /* MPIE = 0: returns with MIE = 0 */
  csrw mstatus, t0
  la t0, 2f
  csrw mepc, t0
  mret
2:
  csrr a0, mstatus
  CHECK_BITS(94, a0, MSTATUS_STACK, MSTATUS_MPP_U | MSTATUS_MPIE)
  li t0, MSTATUS_MPP_M | MSTATUS_MPIE /* MIE off in mie: no interrupt taken */
  csrw mstatus, t0
  la t0, 2f
  csrw mepc, t0
  mret
2:
  csrr a0, mstatus
  CHECK_BITS(95, a0, MSTATUS_STACK, MSTATUS_MPP_U | MSTATUS_MPIE | MSTATUS_MIE)
  /* mret to S: the trap back from S shows MPP = S. (The specification
   * also has mret to a mode below M clear MPRV; QEMU 7.2 does not, so that
   * is not checked.) */
  csrw mstatus, zero
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  BACK_TO_M
  CHECK_MPP(96, MSTATUS_MPP_S)
  PRINT_LINE "mret: ok"
  /* sret from S to S with SPIE = 1, SIE = 0. */
  csrw mstatus, zero
  li s5, 0
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li t0, MSTATUS_SPP | MSTATUS_SPIE
  csrw sstatus, t0
  la t0, 3f
  csrw sepc, t0
  sret
3:
  csrr a0, sstatus
  CHECK_BITS(97, a0, SSTATUS_STACK, MSTATUS_SPIE | MSTATUS_SIE)
  /* sret from S to U with SPIE = 0, SIE = 1: lands in U with SIE = 0. */
  li t0, MSTATUS_SIE
  csrw sstatus, t0
  la t0, 3f
  csrw sepc, t0
  sret
3:
  BACK_TO_M
  CHECK_CAUSE(98, CAUSE_USER_ECALL)
  CHECK_MPP(99, MSTATUS_MPP_U)
  CHECK_BITS(100, s7, SSTATUS_STACK, MSTATUS_SPIE)
  CHECK_TRAPS(101, 1)
  PRINT_LINE "sret: ok"

/* ---- mstatus.TSR: sret in S is illegal (still allowed in M). ---- */
  li t0, MSTATUS_TSR
  csrw mstatus, t0
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, tsr_sret_s)
tsr_sret_s:
  sret
1:
  CHECK_CAUSE(102, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_ADDR(103, s10, tsr_sret_s)
  CHECK_INSN(104, s9, tsr_sret_s)
  CHECK_MPP(105, MSTATUS_MPP_S)
  li s5, 0
  csrw sstatus, zero                  /* SPP = U, kept by TSR's mstatus */
  la t0, 2f
  csrw sepc, t0
  sret                                /* from M: allowed, goes to U */
2:
  BACK_TO_M
  CHECK_TRAPS(106, 1)
  CHECK_CAUSE(107, CAUSE_USER_ECALL)
  csrw mstatus, zero
  PRINT_LINE "mstatus.TSR: ok"

/* ---- mstatus.TW: wfi in S is illegal when TW = 1; wfi in U is always
 *      illegal (S-mode exists). ---- */
  li t0, MSTATUS_TW
  csrw mstatus, t0
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, tw_wfi_s)
tw_wfi_s:
  wfi
1:
  CHECK_CAUSE(108, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_ADDR(109, s10, tw_wfi_s)
  CHECK_INSN(110, s9, tw_wfi_s)
  CHECK_MPP(111, MSTATUS_MPP_S)
  csrw mstatus, zero
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_U, tw_wfi_u)
tw_wfi_u:
  wfi
1:
  CHECK_CAUSE(112, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(113, s9, tw_wfi_u)
  CHECK_MPP(114, MSTATUS_MPP_U)
  PRINT_LINE "mstatus.TW: ok"

/* ---- mstatus.TVM: satp reads and writes and sfence.vma in S are illegal
 *      when TVM = 1; M-mode is not affected; with TVM = 0 S may use them. ---- */
  li t0, MSTATUS_TVM
  csrw mstatus, t0
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, tvm_read_s)
tvm_read_s:
  csrr a0, satp
1:
  CHECK_CAUSE(115, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(116, s9, tvm_read_s)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, tvm_write_s)
tvm_write_s:
  csrw satp, zero
1:
  CHECK_CAUSE(117, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_INSN(118, s9, tvm_write_s)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, tvm_sfence_s)
tvm_sfence_s:
  sfence.vma
1:
  CHECK_CAUSE(119, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK_ADDR(120, s10, tvm_sfence_s)
  CHECK_INSN(121, s9, tvm_sfence_s)
  CHECK_MPP(122, MSTATUS_MPP_S)
  li s5, 0
  csrr a0, satp
  csrw satp, zero
  sfence.vma
  csrw mstatus, zero
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  csrr a0, satp
  csrw satp, zero
  sfence.vma
  BACK_TO_M
  CHECK_TRAPS(123, 1)
  CHECK_CAUSE(124, CAUSE_SUPERVISOR_ECALL)
  PRINT_LINE "mstatus.TVM: ok"

/* ---- mtvec vectored: exceptions enter at base, interrupts at
 *      base + 4 * cause (here the supervisor software interrupt, raised by
 *      setting mip.SSIP, not delegated). s3 = the vector entry taken. ---- */
  la t0, vector_table + 1
  csrw mtvec, t0
  li s3, -1
  RESUME_AT(1f)
vectored_ecall:
  ecall
1:
  CHECK(125, s3, 0)
  CHECK_CAUSE(126, CAUSE_MACHINE_ECALL)
  li s3, -1
  li t0, MIP_SSIP
  csrw mie, t0
  RESUME_AT(1f)
  csrs mip, t0
  csrsi mstatus, MSTATUS_MIE          /* the interrupt is taken here */
1:
  CHECK(127, s3, 1)
  CHECK_CAUSE(128, CAUSE_INTERRUPT | IRQ_S_SOFT)
  csrr a0, mip
  CHECK_BITS(129, a0, MIP_SSIP, 0)
  csrw mie, zero
  csrw mstatus, zero
  la t0, priv_m_trap
  csrw mtvec, t0
  PRINT_LINE "mtvec vectored: ok"

  TEST_PASS

/* Entry k of the vector table sets s3 = k; the interrupt entries clear
 * mip.SSIP so the interrupt does not fire again. Then the recording handler
 * runs. Entries are 4-byte jumps. */
  .align 6
vector_table:
  .option push
  .option norvc
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11
  j vector_entry_\k
  .endr
  .option pop
  .irp k, 0,1,2,3,4,5,6,7,8,9,10,11
vector_entry_\k:
  li s3, \k
  j vector_common
  .endr
vector_common:
  csrci mip, MIP_SSIP
  j priv_m_trap

PRIV_COMMON_CODE

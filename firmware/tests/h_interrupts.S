/*
 * h_interrupts: VS-level interrupts (privileged specification, chapter
 * "H Extension": hvip, hip, hie, hideleg, vsip, vsie; "Trap Entry"; the
 * priority of interrupts destined for HS-mode; mideleg's VS-level bits).
 *
 * Covers: VS-level software, timer and external interrupts injected through
 * hvip (and mip.VSSIP), delegated with hideleg and taken in VS-mode as the
 * S-level ones (vscause 0x80000001, 0x80000005, 0x80000009), through vstvec
 * direct and vectored; their priority (SSI before STI); held by
 * vsstatus.SIE in VS-mode and by vsie, taken in VU-mode whatever
 * vsstatus.SIE says, never taken while V=0 (HS-mode with sstatus.SIE, U-mode)
 * when delegated; the guest's sip and sie (vsip, vsie) and its clearing of
 * SSIP; not delegated: taken in HS-mode (scause 0x80000002, 0x80000006,
 * 0x8000000a, hstatus.SPV), from V=1 whatever vsstatus.SIE says, from HS-mode
 * only with sstatus.SIE, VSSI before VSTI; HS-level interrupts
 * (an S-level software interrupt) preempting the guest, taken in HS-mode
 * before a pending VS-level one, even with sstatus.SIE = 0.
 *
 * Every interrupt is logged in order by the handlers below, which then
 * disable or clear its source; nothing depends on timing. The S-level
 * interrupts are delegated to HS-mode in mideleg (QEMU 7.2 masks VS-mode's
 * sie and sip with them), and so are the VS-level ones (QEMU 7.2 does not
 * force those bits of mideleg to one). Not asserted, where QEMU 7.2 departs
 * from the specification: the priority of simultaneous VS-level interrupts
 * (QEMU takes the lowest-numbered first, the specification wants the
 * external one first, for the guest and for HS-mode alike, so only SSI
 * before STI is checked); vsip.STIP and vsip.SEIP read zero while hvip's
 * VSTIP and VSEIP are pending and delegated; the guest's vsepc for an
 * interrupt taken on entry to VS-mode (where exactly an implementation takes
 * it is not fixed either).
 *
 *   hyperlab-test: qemu="-cpu rv32,h=true"
 */
#include "test.h"
#include "priv.h"
#include "hyp.h"

#define CLINT_MTIMECMP0 (CLINT_BASE + CLINT_MTIMECMP)
#define S_LEVEL (MIP_SSIP | MIP_STIP | MIP_SEIP)

/* A log entry: the cause number, the mode whose handler took it (TAKEN_HS
 * or TAKEN_VS) and the mode it interrupted (FROM_*). */
#define FROM_U  0
#define FROM_HS 1
#define FROM_VU 4
#define FROM_VS 5
#define LOG_ENTRY(irq, by, from) ((irq) | ((by) << 8) | ((from) << 12))

/* Check n: the log holds `count` entries. Clobbers a0. */
#define CHECK_LOG_COUNT(n, count)       \
  lw a0, irq_log_count;                 \
  CHECK(n, a0, count)
/* Check n: log entry `i` is `entry`. Clobbers a0. */
#define CHECK_LOG(n, i, entry)          \
  la a0, irq_log;                       \
  lw a0, 4 * (i)(a0);                   \
  CHECK(n, a0, entry)
#define CLEAR_LOG                       \
  la t0, irq_log_count;                 \
  sw zero, 0(t0)

/* Delegate the VS-level interrupts `bits` (MIP_VS*) to VS-mode, enabled in
 * hie, pending in hvip. Clobbers t0. */
#define INJECT(deleg, enable, pending)  \
  li t0, deleg;                         \
  csrw hideleg, t0;                     \
  li t0, enable;                        \
  csrw hie, t0;                         \
  li t0, pending;                       \
  csrw hvip, t0

TEST_ENTRY

main:
  HYP_INIT
  li t0, S_LEVEL
  csrs mideleg, t0
  la t0, irq_hs_handler
  csrw stvec, t0
  la t0, irq_vs_handler
  csrw vstvec, t0
  li t0, CLINT_MTIMECMP0              /* no machine timer interrupt */
  li t1, -1
  sw t1, 4(t0)
  sw t1, 0(t0)
  csrw mie, zero
  csrw sstatus, zero
  li t0, MSTATUS_SIE                  /* the guest's interrupts on */
  csrw vsstatus, t0

/* ---- VS software interrupt: hvip.VSSIP, delegated and enabled, taken in
 *      VS-mode on entry, vscause 0x80000001; the guest clears it through
 *      sip.SSIP (vsip), which clears hvip.VSSIP. ---- */
  CLEAR_LOG
  INJECT(MIP_VSSIP, MIP_VSSIP, MIP_VSSIP)
  TRY_IN(GOTO_VS, nop)
  CHECK_RAN(1, CAUSE_VS_ECALL)
  CHECK_LOG_COUNT(2, 1)
  CHECK_LOG(3, 0, LOG_ENTRY(IRQ_S_SOFT, TAKEN_VS, FROM_VS))
  csrr a0, vscause
  CHECK(4, a0, CAUSE_INTERRUPT | IRQ_S_SOFT)
  csrr a0, hvip
  CHECK(5, a0, 0)
  csrr a0, hie                        /* the guest's sie is hie's VSSIE */
  CHECK(6, a0, 0)
  PRINT_LINE "VS software interrupt (hvip.VSSIP) in VS-mode: ok"

/* ---- VS timer and external interrupts: hvip.VSTIP, hvip.VSEIP, taken in
 *      VS-mode as 0x80000005 and 0x80000009; the guest can only disable
 *      them in sie (vsie), the hypervisor clears hvip. ---- */
  CLEAR_LOG
  INJECT(MIP_VSTIP, MIP_VSTIP, MIP_VSTIP)
  TRY_IN(GOTO_VS, nop)
  CHECK_RAN(7, CAUSE_VS_ECALL)
  CHECK_LOG_COUNT(8, 1)
  CHECK_LOG(9, 0, LOG_ENTRY(IRQ_S_TIMER, TAKEN_VS, FROM_VS))
  csrr a0, vscause
  CHECK(10, a0, CAUSE_INTERRUPT | IRQ_S_TIMER)
  csrr a0, hvip
  CHECK(11, a0, MIP_VSTIP)
  csrr a0, hie
  CHECK(12, a0, 0)
  CLEAR_LOG
  INJECT(MIP_VSEIP, MIP_VSEIP, MIP_VSEIP)
  TRY_IN(GOTO_VS, nop)
  CHECK_RAN(13, CAUSE_VS_ECALL)
  CHECK_LOG_COUNT(14, 1)
  CHECK_LOG(15, 0, LOG_ENTRY(IRQ_S_EXT, TAKEN_VS, FROM_VS))
  csrr a0, vscause
  CHECK(16, a0, CAUSE_INTERRUPT | IRQ_S_EXT)
  PRINT_LINE "VS timer and external interrupts (hvip.VSTIP, VSEIP) in VS-mode: ok"

/* ---- Priority for the guest: SSI before STI (the specification's order is
 *      SEI, SSI, STI; QEMU 7.2 takes the lowest-numbered first, so SEI is
 *      left out). mip.VSSIP injects as hvip.VSSIP does. ---- */
  CLEAR_LOG
  INJECT(MIP_VS_ALL, MIP_VS_ALL, MIP_VSTIP)
  li t0, MIP_VSSIP
  csrs mip, t0
  TRY_IN(GOTO_VS, nop)
  CHECK_RAN(17, CAUSE_VS_ECALL)
  CHECK_LOG_COUNT(18, 2)
  CHECK_LOG(19, 0, LOG_ENTRY(IRQ_S_SOFT, TAKEN_VS, FROM_VS))
  CHECK_LOG(20, 1, LOG_ENTRY(IRQ_S_TIMER, TAKEN_VS, FROM_VS))
  csrw hvip, zero
  PRINT_LINE "VS interrupt priority: SSI before STI: ok"

/* ---- Held: by vsstatus.SIE = 0 in VS-mode (the guest sees SSIP pending
 *      and enabled in sip and sie, then sets SIE and takes it), and by vsie.
 *      Taken in VU-mode whatever vsstatus.SIE says. ---- */
  CLEAR_LOG
  csrw vsstatus, zero
  INJECT(MIP_VSSIP, MIP_VSSIP, MIP_VSSIP)
  TRY_IN(GOTO_VS, nop; lw s0, irq_log_count; csrr s1, sip; csrr s2, sie; \
    csrsi sstatus, MSTATUS_SIE; nop; lw s3, irq_log_count)
  CHECK_RAN(21, CAUSE_VS_ECALL)
  CHECK(22, s0, 0)
  CHECK_BITS(23, s1, SIP_SSIP, SIP_SSIP)
  CHECK(24, s2, SIP_SSIP)
  CHECK(25, s3, 1)
  CHECK_LOG(26, 0, LOG_ENTRY(IRQ_S_SOFT, TAKEN_VS, FROM_VS))
  CLEAR_LOG
  li t0, MSTATUS_SIE
  csrw vsstatus, t0
  INJECT(MIP_VSSIP, 0, MIP_VSSIP)     /* not enabled in hie (vsie) */
  TRY_IN(GOTO_VS, nop)
  CHECK_RAN(27, CAUSE_VS_ECALL)
  CHECK_LOG_COUNT(28, 0)
  csrw vsstatus, zero
  INJECT(MIP_VSSIP, MIP_VSSIP, MIP_VSSIP)
  TRY_IN(GOTO_VU, nop)
  CHECK_RAN(29, CAUSE_USER_ECALL)
  CHECK_LOG_COUNT(30, 1)
  CHECK_LOG(31, 0, LOG_ENTRY(IRQ_S_SOFT, TAKEN_VS, FROM_VU))
  PRINT_LINE "vsstatus.SIE and vsie hold VS interrupts in VS-mode, not in VU-mode: ok"

/* ---- Delegated VS-level interrupts are never taken while V=0: not in
 *      HS-mode with sstatus.SIE, not in U-mode; the pending interrupt is
 *      taken once the hypervisor enters the guest. ---- */
  CLEAR_LOG
  li t0, MSTATUS_SIE
  csrw vsstatus, t0
  INJECT(MIP_VSSIP, MIP_VSSIP, MIP_VSSIP)
  TRY_IN(GOTO_HS, csrsi sstatus, MSTATUS_SIE; nop; csrci sstatus, MSTATUS_SIE)
  CHECK_RAN(32, CAUSE_SUPERVISOR_ECALL)
  CHECK_LOG_COUNT(33, 0)
  TRY_IN(GOTO_U, nop)
  CHECK_RAN(34, CAUSE_USER_ECALL)
  CHECK_LOG_COUNT(35, 0)
  TRY_IN(GOTO_HS, lw s0, irq_log_count; SRET_TO_GUEST(MSTATUS_SPP, 93f); 93: nop)
  CHECK_RAN(36, CAUSE_VS_ECALL)
  CHECK(37, s0, 0)
  CHECK_LOG_COUNT(38, 1)
  CHECK_LOG(39, 0, LOG_ENTRY(IRQ_S_SOFT, TAKEN_VS, FROM_VS))
  PRINT_LINE "delegated VS interrupts wait while V=0: ok"

/* ---- Not delegated (hideleg = 0): VS-level interrupts go to HS-mode with
 *      their own codes (2, 6, 10), from V=1 whatever vsstatus.SIE says
 *      (hstatus.SPV = 1), in HS-mode only with sstatus.SIE; VSSI before
 *      VSTI. The HS handler clears hvip. ---- */
  CLEAR_LOG
  csrw vsstatus, zero
  INJECT(0, MIP_VSSIP, MIP_VSSIP)
  TRY_IN(GOTO_VS, nop)
  CHECK_RAN(40, CAUSE_VS_ECALL)
  CHECK_LOG_COUNT(41, 1)
  CHECK_LOG(42, 0, LOG_ENTRY(IRQ_VS_SOFT, TAKEN_HS, FROM_VS))
  csrr a0, scause
  CHECK(43, a0, CAUSE_INTERRUPT | IRQ_VS_SOFT)
  csrr a0, hvip
  CHECK(44, a0, 0)
  CLEAR_LOG
  INJECT(0, MIP_VSSIP | MIP_VSTIP, MIP_VSSIP | MIP_VSTIP)
  TRY_IN(GOTO_VU, nop)
  CHECK_RAN(45, CAUSE_USER_ECALL)
  CHECK_LOG_COUNT(46, 2)
  CHECK_LOG(47, 0, LOG_ENTRY(IRQ_VS_SOFT, TAKEN_HS, FROM_VU))
  CHECK_LOG(48, 1, LOG_ENTRY(IRQ_VS_TIMER, TAKEN_HS, FROM_VU))
  CLEAR_LOG
  INJECT(0, MIP_VSEIP, MIP_VSEIP)
  TRY_IN(GOTO_VU, nop)
  CHECK_RAN(49, CAUSE_USER_ECALL)
  CHECK_LOG(49, 0, LOG_ENTRY(IRQ_VS_EXT, TAKEN_HS, FROM_VU))
  CLEAR_LOG
  INJECT(0, MIP_VSTIP, MIP_VSTIP)
  TRY_IN(GOTO_HS, nop; lw s0, irq_log_count; csrsi sstatus, MSTATUS_SIE; nop; csrci sstatus, MSTATUS_SIE)
  CHECK_RAN(50, CAUSE_SUPERVISOR_ECALL)
  CHECK(51, s0, 0)
  CHECK_LOG_COUNT(52, 1)
  CHECK_LOG(53, 0, LOG_ENTRY(IRQ_VS_TIMER, TAKEN_HS, FROM_HS))
  PRINT_LINE "VS interrupts not delegated: taken in HS-mode: ok"

/* ---- HS-level interrupts preempt the guest: an S-level software
 *      interrupt (delegated to HS by mideleg, enabled in sie) pending with a
 *      delegated VS software interrupt, in VS-mode with vsstatus.SIE = 1 and
 *      sstatus.SIE = 0: HS-mode takes its own first, then the guest takes
 *      its. ---- */
  CLEAR_LOG
  li t0, MSTATUS_SIE
  csrw vsstatus, t0
  csrw sstatus, zero
  INJECT(MIP_VSSIP, MIP_VSSIP, MIP_VSSIP)
  li t0, MIP_SSIP
  csrs mie, t0
  csrs mip, t0
  TRY_IN(GOTO_VS, nop)
  CHECK_RAN(54, CAUSE_VS_ECALL)
  CHECK_LOG_COUNT(55, 2)
  CHECK_LOG(56, 0, LOG_ENTRY(IRQ_S_SOFT, TAKEN_HS, FROM_VS))
  CHECK_LOG(57, 1, LOG_ENTRY(IRQ_S_SOFT, TAKEN_VS, FROM_VS))
  csrr a0, mip
  CHECK_BITS(58, a0, MIP_SSIP | MIP_VSSIP, 0)
  csrw mie, zero
  PRINT_LINE "HS-level interrupts preempt the guest: ok"

/* ---- vstvec vectored: the guest's timer interrupt enters at base + 4 * 5
 *      (the translated cause), its software interrupt at base + 4. ---- */
  CLEAR_LOG
  la t0, irq_vs_vector
  ori t0, t0, 1
  csrw vstvec, t0
  INJECT(MIP_VSTIP | MIP_VSSIP, MIP_VSTIP | MIP_VSSIP, MIP_VSTIP | MIP_VSSIP)
  TRY_IN(GOTO_VS, nop)
  CHECK_RAN(59, CAUSE_VS_ECALL)
  CHECK_LOG_COUNT(60, 2)
  CHECK_LOG(61, 0, LOG_ENTRY(IRQ_S_SOFT, TAKEN_VS, FROM_VS))
  CHECK_LOG(62, 1, LOG_ENTRY(IRQ_S_TIMER, TAKEN_VS, FROM_VS))
  lw a0, vector_hits
  CHECK(63, a0, (1 << IRQ_S_SOFT) | (1 << IRQ_S_TIMER))
  la t0, irq_vs_handler
  csrw vstvec, t0
  csrw hvip, zero
  csrw hie, zero
  csrw hideleg, zero
  PRINT_LINE "vstvec vectored: ok"

  TEST_PASS

/* The guest's interrupt handler (vstvec): logs the interrupt, disables it
 * in sie (vsie) and clears it in sip (only SSIP is writable there), and
 * returns. The interrupt handlers clobber t5, t6, a0 and a1: the code they
 * interrupt (the TRY_IN bodies above) keeps its values in s0-s3. */
  .align 6
irq_vs_handler:
  csrr t5, scause
  andi t5, t5, 0x1f
  li a0, 1
  sll a0, a0, t5
  csrc sie, a0
  csrc sip, a0
  csrr a0, sstatus
  andi a0, a0, MSTATUS_SPP
  srli a0, a0, 8
  ori a0, a0, FROM_VU
  slli a0, a0, 12
  or t5, t5, a0
  ori t5, t5, TAKEN_VS << 8
  jal a1, irq_log_append
  sret

/* The hypervisor's interrupt handler (stvec): logs the interrupt with
 * hstatus.SPV and sstatus.SPP, clears it (hvip for the VS-level ones, sip
 * for SSIP) and returns where it came from. */
  .align 6
irq_hs_handler:
  csrr t5, scause
  andi t5, t5, 0x1f
  li a0, 1
  sll a0, a0, t5
  csrc hvip, a0
  csrc sip, a0
  csrr a0, sstatus
  andi a0, a0, MSTATUS_SPP
  srli a0, a0, 8
  csrr t6, hstatus
  andi t6, t6, HSTATUS_SPV
  srli t6, t6, 5                      /* SPV -> bit 2 */
  or a0, a0, t6
  slli a0, a0, 12
  or t5, t5, a0
  ori t5, t5, TAKEN_HS << 8
  jal a1, irq_log_append
  sret

/* Appends t5 to the log; returns through a1. Clobbers t6, a0. */
irq_log_append:
  la t6, irq_log_count
  lw a0, 0(t6)
  addi a0, a0, 1
  sw a0, 0(t6)
  slli a0, a0, 2
  add t6, t6, a0
  sw t5, 0(t6)
  jr a1

/* The guest's vector table (vstvec mode 1): entries 1 and 5 note their
 * number in vector_hits and go on to the handler. */
  .align 6
irq_vs_vector:
  .option push
  .option norvc                       /* 4-byte entries */
  j irq_vs_unexpected                 /* 0: exceptions */
  j irq_vs_vector_1
  j irq_vs_unexpected
  j irq_vs_unexpected
  j irq_vs_unexpected
  j irq_vs_vector_5
  .option pop
irq_vs_unexpected:
  li gp, 0xfff
  j test_fail
irq_vs_vector_1:
  li t6, 1 << IRQ_S_SOFT
  j 1f
irq_vs_vector_5:
  li t6, 1 << IRQ_S_TIMER
1:
  la a0, vector_hits
  lw t5, 0(a0)
  or t5, t5, t6
  sw t5, 0(a0)
  j irq_vs_handler

HYP_COMMON_CODE

  .data
  .align 2
vector_hits:   .word 0
irq_log_count: .word 0
irq_log:       .space 4 * 16

/*
 * ipi: inter-processor interrupts between two harts through the CLINT's
 * msip registers (machine software interrupt, mcause 0x80000003).
 *
 * hyperlab-test: harts=2
 *
 * Covers: a hart writing another hart's msip raises that hart's MSIP; a hart
 * in WFI with mie.MSIE set and mstatus.MIE clear wakes and carries on
 * without a trap; writing msip = 0 clears MSIP; the same IPI taken as a trap
 * when MIE is set; the reply in the other direction.
 *
 * Only hart 0 prints. The harts step through stages published in memory
 * (`stage`), so the output does not depend on how they interleave.
 */
#define TEST_MULTIHART
#include "test.h"
#include "priv.h"

#define CLINT_MSIP_HART(h) (CLINT_BASE + CLINT_MSIP + 4 * (h))

/* Publish stage `n` (with a fence, so that what was written before is seen
 * first). Clobbers t0, t1. */
#define SET_STAGE(n)                    \
  fence rw, rw;                         \
  la t0, stage;                         \
  li t1, n;                             \
  sw t1, 0(t0);                         \
  fence rw, rw

/* Wait until the other hart has reached stage `n` (it may be further on
 * already). Clobbers t0, t1, tp. */
#define WAIT_STAGE(n)                   \
  la t0, stage;                         \
  li t1, n;                             \
96: lw tp, 0(t0);                       \
  blt tp, t1, 96b;                      \
  fence rw, rw

/* Raise hart h's machine software interrupt. Clobbers t0, t1. */
#define SEND_IPI(h)                     \
  fence rw, rw;                         \
  li t0, CLINT_MSIP_HART(h);            \
  li t1, 1;                             \
  sw t1, 0(t0)

/* WFI until mip.MSIP is set (with mstatus.MIE clear). Clobbers t0. */
#define WFI_UNTIL_MSIP                  \
97: wfi;                                \
  csrr t0, mip;                         \
  andi t0, t0, MIP_MSIP;                \
  beqz t0, 97b

TEST_ENTRY

main:
  la t0, ipi_handler
  csrw mtvec, t0
  la t0, save_area
  slli t1, a0, 4
  add t0, t0, t1
  csrw mscratch, t0
  csrw mstatus, zero
  li t0, MIP_MSIP
  csrw mie, t0
  bnez a0, hart1

/* ---- hart 0 ---- */
hart0:
  /* Round 1: hart 1 waits in WFI with MIE clear; the IPI wakes it. */
  WAIT_STAGE(1)
  SEND_IPI(1)
  WFI_UNTIL_MSIP                     /* hart 1's reply */
  li t0, CLINT_MSIP_HART(0)
  sw zero, 0(t0)
  WAIT_STAGE(2)
  lw a0, hart1_mip
  CHECK_BITS(1, a0, MIP_MSIP, MIP_MSIP)
  lw a0, hart1_mhartid
  CHECK(2, a0, 1)
  lw a0, hart1_msip_cleared
  CHECK(3, a0, 1)
  lw a0, ipi_count + 4
  CHECK(4, a0, 0)
  csrr a0, mip
  CHECK_BITS(5, a0, MIP_MSIP, 0)
  lw a0, ipi_count
  CHECK(6, a0, 0)
  PRINT_LINE "ipi wakes hart 1 from wfi: ok"
  PRINT_LINE "reply wakes hart 0 from wfi: ok"

  /* Round 2: both harts take the IPI as a trap. */
  WAIT_STAGE(3)
  csrsi mstatus, MSTATUS_MIE
  SEND_IPI(1)
1: wfi
  lw t0, ipi_count
  beqz t0, 1b
  csrci mstatus, MSTATUS_MIE
  WAIT_STAGE(4)
  lw a0, ipi_count + 4
  CHECK(7, a0, 1)
  lw a0, ipi_cause + 4
  CHECK(8, a0, CAUSE_INTERRUPT | IRQ_M_SOFT)
  lw a0, ipi_count
  CHECK(9, a0, 1)
  lw a0, ipi_cause
  CHECK(10, a0, CAUSE_INTERRUPT | IRQ_M_SOFT)
  csrr a0, mip
  CHECK_BITS(11, a0, MIP_MSIP, 0)
  PRINT_LINE "ipi taken as a trap by hart 1: ok"
  PRINT_LINE "reply taken as a trap by hart 0: ok"
  TEST_PASS

/* ---- hart 1: reports what it saw through memory, never prints ---- */
hart1:
  csrr t0, mhartid
  sw t0, hart1_mhartid, t1
  SET_STAGE(1)
  WFI_UNTIL_MSIP
  csrr t0, mip
  sw t0, hart1_mip, t1
  li t0, CLINT_MSIP_HART(1)
  sw zero, 0(t0)
1: csrr t0, mip                      /* MSIP follows msip */
  andi t0, t0, MIP_MSIP
  bnez t0, 1b
  li t0, 1
  sw t0, hart1_msip_cleared, t1
  SET_STAGE(2)
  SEND_IPI(0)

  csrsi mstatus, MSTATUS_MIE
  SET_STAGE(3)
1: wfi
  lw t0, ipi_count + 4
  beqz t0, 1b
  csrci mstatus, MSTATUS_MIE
  SET_STAGE(4)
  SEND_IPI(0)
  csrw mie, zero
park:
  wfi
  j park

/* Machine software interrupt handler for both harts: count it, note mcause
 * in this hart's slot, clear this hart's msip. mscratch points at a 16-byte
 * save area of the hart's own. An exception is a failure. */
  .align 6
ipi_handler:
  csrrw t0, mscratch, t0
  sw t1, 0(t0)
  sw t2, 4(t0)
  csrr t1, mcause
  bgez t1, test_unexpected_trap
  csrr t2, mhartid
  slli t2, t2, 2
  la t1, ipi_cause
  add t1, t1, t2
  csrr t2, mcause
  sw t2, 0(t1)
  csrr t2, mhartid
  slli t2, t2, 2
  la t1, ipi_count
  add t1, t1, t2
  lw t2, 0(t1)
  addi t2, t2, 1
  sw t2, 0(t1)
  csrr t2, mhartid
  slli t2, t2, 2
  li t1, CLINT_BASE + CLINT_MSIP
  add t1, t1, t2
  sw zero, 0(t1)
  lw t1, 0(t0)
  lw t2, 4(t0)
  csrrw t0, mscratch, t0
  mret

  .data
  .align 4
stage:              .word 0
hart1_mhartid:      .word 0
hart1_mip:          .word 0
hart1_msip_cleared: .word 0
ipi_count:          .word 0, 0
ipi_cause:          .word 0, 0
save_area:          .space 32

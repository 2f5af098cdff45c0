/*
 * rv32a_smp.S: the A extension across harts. Four harts hammer shared words
 * at once; nothing may be lost (unprivileged spec, "A" extension: AMOs are
 * atomic, and an SC fails when another hart wrote the reservation set).
 *
 *   hyperlab-test: harts=4
 *
 * Each hart, ROUNDS times:
 *   amoadd.w        adds 1 to amo_count
 *   lr.w / sc.w     adds 1 to lrsc_count in the canonical retry loop
 *   amoswap.w       takes a spinlock (.aq) around a plain lw / addi / sw of
 *                   locked_count, and releases it (.rl)
 * then, once: amoor.w sets its bit in hart_bits, amomax.w / amominu.w fold
 * its id into max_id / min_id, and amoadd.w.aqrl counts it in `done`.
 * Hart 0 waits for `done` to reach HARTS and checks every total. Only hart 0
 * prints, so the output does not depend on how the harts interleave.
 */
#define TEST_MULTIHART
#include "test.h"

#define HARTS  4                /* harts taking part; others sleep */
#define ROUNDS 5000             /* increments per hart and per word */

TEST_ENTRY

  .text

main:
  li t0, HARTS
  bgeu a0, t0, park
  mv s0, a0                     /* s0 = hartid */
  bnez s0, 1f
  PRINT_LINE "rv32a_smp: atomics across 4 harts"
1:
  la s1, amo_count
  la s2, lrsc_count
  la s3, lock
  la s4, locked_count
  li s5, ROUNDS

increment:
  li t0, 1                      /* amoadd.w */
  amoadd.w x0, t0, (s1)

1:                              /* lr.w / sc.w */
  lr.w t1, (s2)
  addi t1, t1, 1
  sc.w t2, t1, (s2)
  bnez t2, 1b

  li t0, 1                      /* spinlock */
2:
  amoswap.w.aq t1, t0, (s3)
  bnez t1, 2b
  lw t1, 0(s4)
  addi t1, t1, 1
  sw t1, 0(s4)
  amoswap.w.rl x0, x0, (s3)

  addi s5, s5, -1
  bnez s5, increment

  li t0, 1                      /* once per hart */
  sll t0, t0, s0
  la t1, hart_bits
  amoor.w x0, t0, (t1)
  la t1, max_id
  amomax.w x0, s0, (t1)
  la t1, min_id
  amominu.w x0, s0, (t1)
  la t1, done
  li t0, 1
  amoadd.w.aqrl x0, t0, (t1)
  bnez s0, park

  li t2, HARTS                  /* hart 0: wait for everyone */
1:
  lw t0, 0(t1)
  bne t0, t2, 1b
  fence rw, rw

  lw a1, 0(s1)
  CHECK(1, a1, HARTS * ROUNDS)
  PRINT_LINE "amoadd.w from every hart: ok"
  lw a1, 0(s2)
  CHECK(2, a1, HARTS * ROUNDS)
  PRINT_LINE "lr.w/sc.w from every hart: ok"
  lw a1, 0(s4)
  CHECK(3, a1, HARTS * ROUNDS)
  lw a1, 0(s3)
  CHECK(4, a1, 0)
  PRINT_LINE "amoswap.w spinlock: ok"
  la t1, hart_bits
  lw a1, 0(t1)
  CHECK(5, a1, (1 << HARTS) - 1)
  la t1, max_id
  lw a1, 0(t1)
  CHECK(6, a1, HARTS - 1)
  la t1, min_id
  lw a1, 0(t1)
  CHECK(7, a1, 0)
  PRINT_LINE "amoor.w, amomax.w, amominu.w from every hart: ok"
  TEST_PASS

park:
  wfi
  j park

  .data
  .align 6                      /* each word on its own 64-byte line */
amo_count:    .word 0
  .align 6
lrsc_count:   .word 0
  .align 6
lock:         .word 0
  .align 6
locked_count: .word 0
  .align 6
hart_bits:    .word 0
max_id:       .word -1
min_id:       .word -1
done:         .word 0

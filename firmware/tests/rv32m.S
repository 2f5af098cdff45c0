/*
 * rv32m.S: the M extension (unprivileged spec, chapter "M Extension for
 * Integer Multiplication and Division").
 *
 *   mul mulh mulhsu mulhu   low and high products, every sign combination,
 *                           the most negative and largest operands
 *   div divu rem remu       rounding toward zero, remainder with the sign
 *                           of the dividend, division by zero (quotient all
 *                           ones, remainder = dividend), overflow
 *                           INT_MIN / -1 (quotient INT_MIN, remainder 0);
 *                           none of them traps
 *   register cases          rd = x0, rd = rs1 = rs2
 */
#include "test.h"

TEST_ENTRY

  .text
  .option norvc

main:
  PRINT_LINE "rv32m: multiply and divide"

/* ---- MUL: low 32 bits of the product (same for signed and unsigned) ---- */
  CHECK_RR(1, mul, 3, 7, 21)
  CHECK_RR(2, mul, -1, -1, 1)
  CHECK_RR(3, mul, 0x80000000, -1, 0x80000000)
  CHECK_RR(4, mul, 0x7fffffff, 0x7fffffff, 1)
  CHECK_RR(5, mul, 0x12345678, 0x9abcdef0, 0x242d2080)
  CHECK_RR(6, mul, 0xffff, 0x10001, 0xffffffff)
  CHECK_RR(7, mul, 0, 0xdeadbeef, 0)
  CHECK_RR(8, mul, -3, 5, -15)
  PRINT_LINE "mul: ok"

/* ---- MULH: high 32 bits, signed x signed ------------------------------ */
  CHECK_RR(9, mulh, -1, -1, 0)
  CHECK_RR(10, mulh, 0x80000000, 0x80000000, 0x40000000)
  CHECK_RR(11, mulh, 0x80000000, 0x7fffffff, 0xc0000000)
  CHECK_RR(12, mulh, -1, 1, 0xffffffff)
  CHECK_RR(13, mulh, 0x7fffffff, 0x7fffffff, 0x3fffffff)
  CHECK_RR(14, mulh, 0x12345678, 0x9abcdef0, 0xf8cc93d6)
  CHECK_RR(15, mulh, 2, 0x80000000, 0xffffffff)
  PRINT_LINE "mulh: ok"

/* ---- MULHSU: high 32 bits, signed rs1 x unsigned rs2 ------------------- */
  CHECK_RR(16, mulhsu, -1, 0xffffffff, 0xffffffff)
  CHECK_RR(17, mulhsu, 0x80000000, 0xffffffff, 0x80000000)
  CHECK_RR(18, mulhsu, 1, 0xffffffff, 0)
  CHECK_RR(19, mulhsu, 0x7fffffff, 0xffffffff, 0x7ffffffe)
  CHECK_RR(20, mulhsu, -2, 0x80000000, 0xffffffff)
  CHECK_RR(21, mulhsu, 0x12345678, 0x9abcdef0, 0x0b00ea4e)
  CHECK_RR(22, mulhsu, -1, 1, 0xffffffff)
  PRINT_LINE "mulhsu: ok"

/* ---- MULHU: high 32 bits, unsigned x unsigned -------------------------- */
  CHECK_RR(23, mulhu, 0xffffffff, 0xffffffff, 0xfffffffe)
  CHECK_RR(24, mulhu, 0x80000000, 2, 1)
  CHECK_RR(25, mulhu, 0x80000000, 0x80000000, 0x40000000)
  CHECK_RR(26, mulhu, 1, 0xffffffff, 0)
  CHECK_RR(27, mulhu, 0x12345678, 0x9abcdef0, 0x0b00ea4e)
  CHECK_RR(28, mulhu, -1, 1, 0)
  PRINT_LINE "mulhu: ok"

/* ---- DIV: signed, rounds toward zero ------------------------------------ */
  CHECK_RR(29, div, 20, 6, 3)
  CHECK_RR(30, div, -20, 6, -3)
  CHECK_RR(31, div, 20, -6, -3)
  CHECK_RR(32, div, -20, -6, 3)
  CHECK_RR(33, div, 0x80000000, -1, 0x80000000)   /* overflow */
  CHECK_RR(34, div, 0x80000000, 1, 0x80000000)
  CHECK_RR(35, div, 0x80000000, 2, 0xc0000000)
  CHECK_RR(36, div, 7, 0, -1)                     /* by zero */
  CHECK_RR(37, div, -7, 0, -1)
  CHECK_RR(38, div, 0, 0, -1)
  CHECK_RR(39, div, -1, 0x80000000, 0)
  PRINT_LINE "div: ok"

/* ---- DIVU: unsigned ------------------------------------------------------ */
  CHECK_RR(40, divu, 20, 6, 3)
  CHECK_RR(41, divu, 0xffffffff, 1, 0xffffffff)
  CHECK_RR(42, divu, 0xffffffff, 0xffffffff, 1)
  CHECK_RR(43, divu, 0x80000000, 2, 0x40000000)
  CHECK_RR(44, divu, -20, 6, 0x2aaaaaa7)
  CHECK_RR(45, divu, 7, 0, 0xffffffff)            /* by zero */
  CHECK_RR(46, divu, 0, 0, 0xffffffff)
  CHECK_RR(47, divu, 5, 0x80000000, 0)
  CHECK_RR(48, divu, 0x80000000, -1, 0)
  PRINT_LINE "divu: ok"

/* ---- REM: signed, the sign of the dividend ------------------------------- */
  CHECK_RR(49, rem, 20, 6, 2)
  CHECK_RR(50, rem, -20, 6, -2)
  CHECK_RR(51, rem, 20, -6, 2)
  CHECK_RR(52, rem, -20, -6, -2)
  CHECK_RR(53, rem, 0x80000000, -1, 0)            /* overflow */
  CHECK_RR(54, rem, 7, 0, 7)                      /* by zero */
  CHECK_RR(55, rem, -7, 0, -7)
  CHECK_RR(56, rem, 0x80000000, 0, 0x80000000)
  CHECK_RR(57, rem, 0x80000001, 0x7fffffff, 0)
  CHECK_RR(58, rem, 0x80000000, 3, -2)
  PRINT_LINE "rem: ok"

/* ---- REMU: unsigned --------------------------------------------------------- */
  CHECK_RR(59, remu, 20, 6, 2)
  CHECK_RR(60, remu, -20, 6, 2)
  CHECK_RR(61, remu, 0xffffffff, 0xffffffff, 0)
  CHECK_RR(62, remu, 7, 0, 7)                     /* by zero */
  CHECK_RR(63, remu, 0xffffffff, 0, 0xffffffff)
  CHECK_RR(64, remu, 5, 0x80000000, 5)
  CHECK_RR(65, remu, 0x80000001, 0x80000000, 1)
  PRINT_LINE "remu: ok"

/* ---- Register cases: rd = x0 is discarded; rd = rs1 = rs2 ---------------- */
  li a1, 6
  li a2, 7
  mul x0, a1, a2
  mulh x0, a1, a2
  div x0, a1, a2
  rem x0, a1, zero
  CHECK(66, x0, 0)
  li a1, -9
  mul a1, a1, a1
  CHECK(67, a1, 81)
  li a1, -9
  mulh a1, a1, a1
  CHECK(68, a1, 0)
  li a1, -9
  div a1, a1, a1
  CHECK(69, a1, 1)
  li a1, -9
  remu a1, a1, a1
  CHECK(70, a1, 0)
  li a1, 100                    /* rd = rs1, dividend by zero register */
  divu a1, a1, zero
  CHECK(71, a1, 0xffffffff)
  li a1, 100
  rem a1, a1, zero
  CHECK(72, a1, 100)
  PRINT_LINE "rd = x0, rd = rs1 = rs2: ok"

  TEST_PASS

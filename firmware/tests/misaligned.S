/*
 * misaligned.S: loads and stores at addresses that are not a multiple of
 * their size (unprivileged spec, "Load and Store Instructions": an EEI may
 * perform them or raise an address-misaligned exception).
 *
 * QEMU 7.2's virt machine performs them in hardware, as if byte by byte, and
 * so must HyperLab: no trap, the same bytes.
 *
 *   lh lhu lw        at every misaligned offset, crossing word and
 *                    doubleword boundaries, with sign / zero extension
 *   sh sw            at every misaligned offset; neighbouring bytes kept
 *   page boundary    lw, lh, lhu, sw and sh whose bytes straddle two 4 KiB
 *                    pages
 */
#include "test.h"

TEST_ENTRY

  .text
  .option norvc

/* Check n: the byte at offset `off` of s0 is `value`. */
#define CHECK_BYTE(n, off, value)       \
  lbu a3, off(s0);                      \
  CHECK(n, a3, value)

main:
  PRINT_LINE "misaligned: loads and stores at odd addresses"
  TRAP_CAPTURE_ON

/* ---- Loads ---------------------------------------------------------------- */
  la s0, pattern                /* bytes 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 7f */
  lh a0, 1(s0)
  CHECK(1, a0, 0x3322)
  lh a0, 3(s0)                  /* crosses a word boundary */
  CHECK(2, a0, 0x5544)
  lh a0, 7(s0)                  /* crosses a doubleword boundary, negative */
  CHECK(3, a0, 0xffff9988)
  lh a0, 13(s0)
  CHECK(4, a0, 0xffffffee)
  CHECK_NO_TRAP(5)
  PRINT_LINE "lh: ok"

  lhu a0, 1(s0)
  CHECK(6, a0, 0x3322)
  lhu a0, 7(s0)
  CHECK(7, a0, 0x9988)
  lhu a0, 13(s0)
  CHECK(8, a0, 0xffee)
  CHECK_NO_TRAP(9)
  PRINT_LINE "lhu: ok"

  lw a0, 1(s0)
  CHECK(10, a0, 0x55443322)
  lw a0, 2(s0)
  CHECK(11, a0, 0x66554433)
  lw a0, 3(s0)
  CHECK(12, a0, 0x77665544)
  lw a0, 5(s0)
  CHECK(13, a0, 0x99887766)
  lw a0, 7(s0)
  CHECK(14, a0, 0xbbaa9988)
  lw a0, 11(s0)
  CHECK(15, a0, 0xffeeddcc)
  CHECK_NO_TRAP(16)
  PRINT_LINE "lw: ok"

/* ---- Stores ---------------------------------------------------------------- */
  la s0, scratch
  li a1, -1
  sw a1, 0(s0)
  sw a1, 4(s0)
  li a2, 0x1234
  sh a2, 1(s0)
  lw a0, 0(s0)
  CHECK(17, a0, 0xff1234ff)
  sh a2, 3(s0)                  /* crosses a word boundary */
  lw a0, 0(s0)
  CHECK(18, a0, 0x341234ff)
  lw a0, 4(s0)
  CHECK(19, a0, 0xffffff12)
  CHECK_NO_TRAP(20)
  PRINT_LINE "sh: ok"

  sw zero, 0(s0)
  sw zero, 4(s0)
  li a2, 0x89abcdef
  sw a2, 1(s0)
  lw a0, 0(s0)
  CHECK(21, a0, 0xabcdef00)
  lw a0, 4(s0)
  CHECK(22, a0, 0x00000089)
  sw a2, 2(s0)
  lw a0, 0(s0)
  CHECK(23, a0, 0xcdefef00)
  lw a0, 4(s0)
  CHECK(24, a0, 0x000089ab)
  sw a2, 3(s0)
  lw a0, 0(s0)
  CHECK(25, a0, 0xefefef00)
  lw a0, 4(s0)
  CHECK(26, a0, 0x0089abcd)
  CHECK_NO_TRAP(27)
  PRINT_LINE "sw: ok"

/* ---- Across a 4 KiB page boundary (s0 = the boundary) ---------------------- */
  la s0, pages + 4096
  li a1, 0xb4a39281             /* bytes 81 92 a3 b4 | c5 d6 e7 f8 */
  sw a1, -4(s0)
  li a1, 0xf8e7d6c5
  sw a1, 0(s0)
  lw a0, -1(s0)
  CHECK(28, a0, 0xe7d6c5b4)
  lw a0, -2(s0)
  CHECK(29, a0, 0xd6c5b4a3)
  lw a0, -3(s0)
  CHECK(30, a0, 0xc5b4a392)
  lh a0, -1(s0)
  CHECK(31, a0, 0xffffc5b4)
  lhu a0, -1(s0)
  CHECK(32, a0, 0xc5b4)
  CHECK_NO_TRAP(33)

  li a2, 0x01020304
  sw a2, -2(s0)
  CHECK_BYTE(34, -3, 0x92)
  CHECK_BYTE(35, -2, 0x04)
  CHECK_BYTE(36, -1, 0x03)
  CHECK_BYTE(37, 0, 0x02)
  CHECK_BYTE(38, 1, 0x01)
  CHECK_BYTE(39, 2, 0xe7)
  li a2, 0xbeef
  sh a2, -1(s0)
  CHECK_BYTE(40, -2, 0x04)
  CHECK_BYTE(41, -1, 0xef)
  CHECK_BYTE(42, 0, 0xbe)
  CHECK_BYTE(43, 1, 0x01)
  li a2, 0x5a6b7c8d
  sw a2, -3(s0)
  lw a0, -4(s0)
  CHECK(44, a0, 0x6b7c8d81)
  lw a0, 0(s0)
  CHECK(45, a0, 0xf8e7015a)
  CHECK_NO_TRAP(46)
  TRAP_CAPTURE_OFF
  PRINT_LINE "page boundary: ok"

  TEST_PASS

  .data
  .align 3
pattern:
  .byte 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88
  .byte 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x7f
scratch:
  .word 0, 0

  .bss
  .balign 4096
pages:
  .space 8192

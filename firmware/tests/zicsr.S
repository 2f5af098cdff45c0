/*
 * zicsr.S: the Zicsr instructions (unprivileged spec, chapter "Zicsr,
 * Control and Status Register (CSR) Instructions"), in M-mode.
 *
 *   csrrw csrrs csrrc            on mscratch: the old value comes back in
 *   csrrwi csrrsi csrrci         rd, the new one is written; the 5-bit
 *                                immediate is zero-extended; rd = rs1
 *   rd = x0                      the write still happens (csrw, csrs, ...)
 *   rs1 = x0, uimm = 0           csrrs / csrrc (and the immediate forms)
 *                                do not write, so they read a read-only CSR
 *                                (mhartid, cycle) without trapping
 *   writes to read-only CSRs     csrrw (even of x0), csrrwi, csrrs / csrrc
 *                                with a nonzero rs1 or uimm raise illegal
 *                                instruction (cause 2) with mtval = the
 *                                instruction bits, and do not write rd
 *   unknown CSR numbers          raise illegal instruction, reads included
 *
 * Not fixed by QEMU 7.2, so either outcome is accepted: csrrs / csrrc with
 * rs1 != x0 holding zero on a read-only CSR. The spec says it attempts the
 * write (illegal instruction); QEMU performs no write and does not trap.
 */
#include "test.h"

TEST_ENTRY

  .text
  .option norvc

#define CSR_UNKNOWN_STANDARD 0x0ff      /* unallocated standard CSR numbers */
#define CSR_UNKNOWN_MACHINE  0x3ff

main:
  PRINT_LINE "zicsr: CSR instructions"

/* ---- Register forms on mscratch ------------------------------------------ */
  li a1, 0x12345678
  csrw mscratch, a1
  csrr a0, mscratch
  CHECK(1, a0, 0x12345678)

  li a2, 0x80000001
  csrrw a0, mscratch, a2        /* old value out, new value in */
  CHECK(2, a0, 0x12345678)
  csrr a0, mscratch
  CHECK(3, a0, 0x80000001)
  li a1, 0xcafe                 /* rd = rs1: a swap */
  csrrw a1, mscratch, a1
  CHECK(4, a1, 0x80000001)
  csrr a0, mscratch
  CHECK(5, a0, 0xcafe)
  PRINT_LINE "csrrw: ok"

  li a1, 0xf0000f00
  csrrs a0, mscratch, a1        /* set bits */
  CHECK(6, a0, 0xcafe)
  csrr a0, mscratch
  CHECK(7, a0, 0xf000cffe)
  PRINT_LINE "csrrs: ok"

  li a1, 0xf0000ffe
  csrrc a0, mscratch, a1        /* clear bits */
  CHECK(8, a0, 0xf000cffe)
  csrr a0, mscratch
  CHECK(9, a0, 0x0000c000)
  PRINT_LINE "csrrc: ok"

/* ---- Immediate forms: uimm[4:0], zero-extended ----------------------------- */
  csrrwi a0, mscratch, 31
  CHECK(10, a0, 0x0000c000)
  csrr a0, mscratch
  CHECK(11, a0, 31)             /* not sign-extended */
  csrrwi a0, mscratch, 0
  CHECK(12, a0, 31)
  csrr a0, mscratch
  CHECK(13, a0, 0)
  PRINT_LINE "csrrwi: ok"

  li a1, 0x100
  csrw mscratch, a1
  csrrsi a0, mscratch, 0x11
  CHECK(14, a0, 0x100)
  csrr a0, mscratch
  CHECK(15, a0, 0x111)
  csrrsi a0, mscratch, 31
  csrr a0, mscratch
  CHECK(16, a0, 0x11f)
  PRINT_LINE "csrrsi: ok"

  li a1, -1
  csrw mscratch, a1
  csrrci a0, mscratch, 31
  CHECK(17, a0, -1)
  csrr a0, mscratch
  CHECK(18, a0, 0xffffffe0)
  csrrci a0, mscratch, 0x10
  csrr a0, mscratch
  CHECK(19, a0, 0xffffffe0)
  PRINT_LINE "csrrci: ok"

/* ---- rd = x0: the instruction still writes ---------------------------------- */
  li a1, 0x0f0f0f0f
  csrrw x0, mscratch, a1
  csrr a0, mscratch
  CHECK(20, a0, 0x0f0f0f0f)
  li a1, 0xf0000000
  csrrs x0, mscratch, a1
  csrr a0, mscratch
  CHECK(21, a0, 0xff0f0f0f)
  li a1, 0x0000000f
  csrrc x0, mscratch, a1
  csrr a0, mscratch
  CHECK(22, a0, 0xff0f0f00)
  csrrwi x0, mscratch, 5
  csrr a0, mscratch
  CHECK(23, a0, 5)
  csrrsi x0, mscratch, 0x18
  csrr a0, mscratch
  CHECK(24, a0, 0x1d)
  csrrci x0, mscratch, 0x9
  csrr a0, mscratch
  CHECK(25, a0, 0x14)
  CHECK(26, x0, 0)
  PRINT_LINE "rd = x0: ok"

/* ---- rs1 = x0 / uimm = 0: no write ------------------------------------------ */
  li a1, 0x5a5a5a5a
  csrw mscratch, a1
  csrrs a0, mscratch, x0
  CHECK(27, a0, 0x5a5a5a5a)
  csrrc a0, mscratch, x0
  CHECK(28, a0, 0x5a5a5a5a)
  csrrsi a0, mscratch, 0
  CHECK(29, a0, 0x5a5a5a5a)
  csrrci a0, mscratch, 0
  CHECK(30, a0, 0x5a5a5a5a)
  csrr a0, mscratch
  CHECK(31, a0, 0x5a5a5a5a)

  TRAP_CAPTURE_ON               /* ... so a read-only CSR reads fine */
  li a0, -1
  csrrs a0, mhartid, x0
  CHECK(32, a0, 0)              /* this is hart 0 */
  li a0, -1
  csrrc a0, mhartid, x0
  CHECK(33, a0, 0)
  li a0, -1
  csrrsi a0, mhartid, 0
  CHECK(34, a0, 0)
  li a0, -1
  csrrci a0, mhartid, 0
  CHECK(35, a0, 0)
  csrrs a0, mvendorid, x0
  csrrs a0, marchid, x0
  csrrs a0, mimpid, x0
  csrrc a0, cycle, x0
  csrrs a0, instret, x0
  CHECK_NO_TRAP(36)
  PRINT_LINE "rs1 = x0 reads read-only CSRs: ok"

/* ---- Writes to read-only CSRs: illegal instruction, mtval = the bits -------- */
  li a1, 1
  li a0, 0x77
.Lro1:
  csrrw a0, mhartid, a1
  CHECK_TRAP(37, CAUSE_ILLEGAL_INSTRUCTION, .Lro1, 0xf1459573)
  CHECK(38, a0, 0x77)           /* rd not written */
.Lro2:
  csrrw x0, mhartid, x0         /* a write, even of x0 */
  CHECK_TRAP(39, CAUSE_ILLEGAL_INSTRUCTION, .Lro2, 0xf1401073)
.Lro3:
  csrrwi a0, mvendorid, 0
  CHECK_TRAP(40, CAUSE_ILLEGAL_INSTRUCTION, .Lro3, 0xf1105573)
.Lro4:
  csrrs a0, marchid, a1
  CHECK_TRAP(41, CAUSE_ILLEGAL_INSTRUCTION, .Lro4, 0xf125a573)
.Lro5:
  csrrc a0, mimpid, a1
  CHECK_TRAP(42, CAUSE_ILLEGAL_INSTRUCTION, .Lro5, 0xf135b573)
.Lro6:
  csrrsi a0, mhartid, 1
  CHECK_TRAP(43, CAUSE_ILLEGAL_INSTRUCTION, .Lro6, 0xf140e573)
.Lro7:
  csrrci a0, mhartid, 31
  CHECK_TRAP(44, CAUSE_ILLEGAL_INSTRUCTION, .Lro7, 0xf14ff573)
.Lro8:
  csrw cycle, a1                /* user counters are read-only too */
  CHECK_TRAP(45, CAUSE_ILLEGAL_INSTRUCTION, .Lro8, 0xc0059073)
  CHECK(46, a0, 0x77)
  PRINT_LINE "writes to read-only CSRs: ok"

  li a2, 0                      /* rs1 != x0 holding zero: see the top */
  li a0, -1
.Lro9:
  csrrs a0, mhartid, a2
  la tp, test_trap_record
  lw t6, TRAP_COUNT(tp)
  bnez t6, 1f
  CHECK(47, a0, 0)              /* QEMU 7.2: no write, no trap */
  j 2f
1:
  CHECK_TRAP(48, CAUSE_ILLEGAL_INSTRUCTION, .Lro9, 0xf1462573)
  CHECK(49, a0, -1)             /* the spec: an attempted write traps */
2:
  PRINT_LINE "csrrs with a zero register: ok"
  li a0, -1

/* ---- Unknown CSR numbers: illegal, reads included ------------------------- */
.Lunknown1:
  csrr a0, CSR_UNKNOWN_STANDARD
  CHECK_TRAP(50, CAUSE_ILLEGAL_INSTRUCTION, .Lunknown1, 0x0ff02573)
.Lunknown2:
  csrw CSR_UNKNOWN_STANDARD, a1
  CHECK_TRAP(51, CAUSE_ILLEGAL_INSTRUCTION, .Lunknown2, 0x0ff59073)
.Lunknown3:
  csrrs a0, CSR_UNKNOWN_MACHINE, x0
  CHECK_TRAP(52, CAUSE_ILLEGAL_INSTRUCTION, .Lunknown3, 0x3ff02573)
.Lunknown4:
  csrrwi a0, CSR_UNKNOWN_MACHINE, 3
  CHECK_TRAP(53, CAUSE_ILLEGAL_INSTRUCTION, .Lunknown4, 0x3ff1d573)
  CHECK(54, a0, -1)
  TRAP_CAPTURE_OFF
  PRINT_LINE "unknown CSRs: ok"

  TEST_PASS

/*
 * rv32i.S: every RV32I base instruction (unprivileged spec, chapter "RV32I
 * Base Integer Instruction Set"), in its 32-bit encoding.
 *
 *   lui, auipc        upper immediates, x0 as destination
 *   jal, jalr         link values, forward and backward, jalr with rd = rs1,
 *                     negative offsets, the lowest target bit cleared
 *   branches          beq bne blt bge bltu bgeu, taken and not taken,
 *                     forward and backward, signed/unsigned edges
 *   loads, stores     lb lh lw lbu lhu sb sh sw: sign and zero extension,
 *                     offsets -2048 and 2047, only the addressed bytes written
 *   register-register add sub sll slt sltu xor srl sra or and
 *   register-immediate addi slti sltiu xori ori andi slli srli srai
 *   fence             fence, fence.tso, pause, reserved fields ignored
 *   ecall, ebreak     trap with causes 11 and 3 in M-mode
 *
 * Assembled with .option norvc and norelax so that every instruction is the
 * 32-bit form written here.
 */
#include "test.h"

TEST_ENTRY

  .text
  .option norvc
  .option norelax

/* Load the absolute address of `sym` without auipc. */
#define LA_ABS(reg, sym) lui reg, %hi(sym); addi reg, reg, %lo(sym)

/* Check n: `op a, b` (a, b loaded into a0, a1) branches forward / backward,
 * or falls through. */
#define BRANCH_TAKEN(n, op, a, b)       \
  li gp, n; li a0, a; li a1, b;         \
  op a0, a1, 1f;                        \
  j test_fail;                          \
1:
#define BRANCH_TAKEN_BACK(n, op, a, b)  \
  li gp, n; li a0, a; li a1, b;         \
  j 2f;                                 \
1: j 3f;                                \
2: op a0, a1, 1b;                       \
  j test_fail;                          \
3:
#define BRANCH_NOT_TAKEN(n, op, a, b)   \
  li gp, n; li a0, a; li a1, b;         \
  op a0, a1, 1f;                        \
  j 2f;                                 \
1: j test_fail;                         \
2:

main:
  PRINT_LINE "rv32i: base integer instructions"

/* ---- LUI: rd = imm << 12 -------------------------------------------- */
  lui a0, 0
  CHECK(1, a0, 0)
  lui a0, 0x12345
  CHECK(2, a0, 0x12345000)
  lui a0, 0x80000
  CHECK(3, a0, 0x80000000)
  lui a0, 0xfffff
  CHECK(4, a0, 0xfffff000)
  lui x0, 0x12345
  CHECK(5, x0, 0)
  PRINT_LINE "lui: ok"

/* ---- AUIPC: rd = pc + (imm << 12) ----------------------------------- */
.Lauipc0:
  auipc a0, 0
  LA_ABS(a1, .Lauipc0)
  CHECK_REG(6, a0, a1)
.Lauipc1:
  auipc a0, 1
  LA_ABS(a1, .Lauipc1 + 0x1000)
  CHECK_REG(7, a0, a1)
.Lauipc2:
  auipc a0, 0xfffff
  LA_ABS(a1, .Lauipc2 - 0x1000)
  CHECK_REG(8, a0, a1)
  auipc x0, 0x80000
  CHECK(9, x0, 0)
  PRINT_LINE "auipc: ok"

/* ---- JAL: rd = pc + 4, pc += offset ------------------------------------ */
  li gp, 10
.Ljal_fwd:
  jal ra, .Ljal_fwd_target
  j test_fail
.Ljal_fwd_target:
  LA_ABS(a1, .Ljal_fwd + 4)
  CHECK_REG(11, ra, a1)

  li gp, 12                     /* backward, link in a register other than ra */
  j .Ljal_back
.Ljal_back_target:
  j .Ljal_back_done
.Ljal_back:
  jal a3, .Ljal_back_target
  j test_fail
.Ljal_back_done:
  LA_ABS(a1, .Ljal_back + 4)
  CHECK_REG(13, a3, a1)

  li gp, 14                     /* rd = x0 (plain j): nothing written */
  jal x0, 1f
  j test_fail
1:
  CHECK(15, x0, 0)
  PRINT_LINE "jal: ok"

/* ---- JALR: t = rs1 + imm; pc = t & ~1; rd = pc + 4 -------------------- */
  li gp, 16
  LA_ABS(a0, .Ljalr_target1)
.Ljalr1:
  jalr ra, 0(a0)
  j test_fail
.Ljalr_target1:
  LA_ABS(a1, .Ljalr1 + 4)
  CHECK_REG(17, ra, a1)

  li gp, 18                     /* positive and negative offsets */
  LA_ABS(a0, .Ljalr_target2 - 100)
  jalr ra, 100(a0)
  j test_fail
.Ljalr_target2:
  LA_ABS(a0, .Ljalr_target3 + 2000)
  jalr ra, -2000(a0)
  j test_fail
.Ljalr_target3:

  li gp, 19                     /* the lowest bit of the target is cleared */
  LA_ABS(a0, .Ljalr_target4 + 1)
  jalr ra, 0(a0)
  j test_fail
.Ljalr_target4:
  li gp, 20                     /* ... also when it comes from the offset */
  LA_ABS(a0, .Ljalr_target5)
  jalr ra, 1(a0)
  j test_fail
.Ljalr_target5:

  li gp, 21                     /* rd = rs1: the target uses the old rs1 */
  LA_ABS(a0, .Ljalr_target6)
.Ljalr6:
  jalr a0, 0(a0)
  j test_fail
.Ljalr_target6:
  LA_ABS(a1, .Ljalr6 + 4)
  CHECK_REG(22, a0, a1)

  li gp, 23                     /* rd = x0 (plain jr) */
  LA_ABS(a0, .Ljalr_target7)
  jalr x0, 0(a0)
  j test_fail
.Ljalr_target7:
  CHECK(24, x0, 0)
  PRINT_LINE "jalr: ok"

/* ---- Conditional branches ---------------------------------------------- */
  BRANCH_TAKEN(25, beq, 0, 0)
  BRANCH_TAKEN(26, beq, -1, -1)
  BRANCH_TAKEN_BACK(27, beq, 0x80000000, 0x80000000)
  BRANCH_NOT_TAKEN(28, beq, 1, 0)
  BRANCH_NOT_TAKEN(29, beq, 0x80000000, 0)
  BRANCH_NOT_TAKEN(30, beq, 0x7fffffff, 0xffffffff)
  li gp, 31
  beq x0, x0, 1f
  j test_fail
1:
  PRINT_LINE "beq: ok"

  BRANCH_TAKEN(32, bne, 1, 0)
  BRANCH_TAKEN(33, bne, 0x80000000, 0)
  BRANCH_TAKEN_BACK(34, bne, 0, -1)
  BRANCH_NOT_TAKEN(35, bne, 0, 0)
  BRANCH_NOT_TAKEN(36, bne, -1, -1)
  BRANCH_NOT_TAKEN(37, bne, 0x80000000, 0x80000000)
  PRINT_LINE "bne: ok"

  BRANCH_TAKEN(38, blt, -1, 0)
  BRANCH_TAKEN(39, blt, 0x80000000, 0x7fffffff)
  BRANCH_TAKEN_BACK(40, blt, 0x80000000, -1)
  BRANCH_TAKEN(41, blt, 1, 2)
  BRANCH_NOT_TAKEN(42, blt, 0, -1)
  BRANCH_NOT_TAKEN(43, blt, 0x7fffffff, 0x80000000)
  BRANCH_NOT_TAKEN(44, blt, 5, 5)
  BRANCH_NOT_TAKEN(45, blt, -1, -1)
  PRINT_LINE "blt: ok"

  BRANCH_TAKEN(46, bge, 0, -1)
  BRANCH_TAKEN(47, bge, 0x7fffffff, 0x80000000)
  BRANCH_TAKEN_BACK(48, bge, 5, 5)
  BRANCH_TAKEN(49, bge, -1, -1)
  BRANCH_NOT_TAKEN(50, bge, -1, 0)
  BRANCH_NOT_TAKEN(51, bge, 0x80000000, 0x7fffffff)
  BRANCH_NOT_TAKEN(52, bge, 1, 2)
  PRINT_LINE "bge: ok"

  BRANCH_TAKEN(53, bltu, 0, -1)
  BRANCH_TAKEN(54, bltu, 0x7fffffff, 0x80000000)
  BRANCH_TAKEN_BACK(55, bltu, 1, 2)
  BRANCH_NOT_TAKEN(56, bltu, -1, 0)
  BRANCH_NOT_TAKEN(57, bltu, 0x80000000, 0x7fffffff)
  BRANCH_NOT_TAKEN(58, bltu, 7, 7)
  BRANCH_NOT_TAKEN(59, bltu, -1, -1)
  PRINT_LINE "bltu: ok"

  BRANCH_TAKEN(60, bgeu, -1, 0)
  BRANCH_TAKEN(61, bgeu, 0x80000000, 0x7fffffff)
  BRANCH_TAKEN_BACK(62, bgeu, 7, 7)
  BRANCH_TAKEN(63, bgeu, 0, 0)
  BRANCH_NOT_TAKEN(64, bgeu, 0, -1)
  BRANCH_NOT_TAKEN(65, bgeu, 0x7fffffff, 0x80000000)
  BRANCH_NOT_TAKEN(66, bgeu, 1, 2)
  PRINT_LINE "bgeu: ok"

/* ---- Loads: sign and zero extension, offsets ------------------------- */
  la s0, load_data              /* bytes 81 7f ff 00 01 80 ff 7f */
  lb a0, 0(s0)
  CHECK(67, a0, 0xffffff81)
  lb a0, 1(s0)
  CHECK(68, a0, 0x7f)
  lb a0, 2(s0)
  CHECK(69, a0, -1)
  lb a0, 3(s0)
  CHECK(70, a0, 0)
  PRINT_LINE "lb: ok"

  lbu a0, 0(s0)
  CHECK(71, a0, 0x81)
  lbu a0, 2(s0)
  CHECK(72, a0, 0xff)
  lbu a0, 1(s0)
  CHECK(73, a0, 0x7f)
  PRINT_LINE "lbu: ok"

  lh a0, 0(s0)
  CHECK(74, a0, 0x7f81)
  lh a0, 2(s0)
  CHECK(75, a0, 0xff)
  lh a0, 4(s0)
  CHECK(76, a0, 0xffff8001)
  lh a0, 6(s0)
  CHECK(77, a0, 0x7fff)
  PRINT_LINE "lh: ok"

  lhu a0, 4(s0)
  CHECK(78, a0, 0x8001)
  lhu a0, 6(s0)
  CHECK(79, a0, 0x7fff)
  PRINT_LINE "lhu: ok"

  lw a0, 0(s0)
  CHECK(80, a0, 0x00ff7f81)
  lw a0, 4(s0)
  CHECK(81, a0, 0x7fff8001)
  addi s1, s0, 2047             /* the extreme 12-bit offsets */
  addi s1, s1, 1                /* s1 = load_data + 2048 */
  lw a0, -2048(s1)
  CHECK(82, a0, 0x00ff7f81)
  addi s1, s0, -2047            /* s1 = load_data - 2047 */
  lw a0, 2047(s1)
  CHECK(83, a0, 0x00ff7f81)
  lb a0, 2047(s1)
  CHECK(84, a0, 0xffffff81)
  lw x0, 0(s0)                  /* a load into x0 is discarded */
  CHECK(85, x0, 0)
  PRINT_LINE "lw: ok"

/* ---- Stores: only the addressed bytes change ------------------------- */
  la s0, store_data
  li a1, 0x11223344
  sw a1, 0(s0)
  sw a1, 4(s0)
  li a2, 0xdeadbeef
  sb a2, 1(s0)
  lw a0, 0(s0)
  CHECK(86, a0, 0x1122ef44)
  sb a2, -1(s0)                 /* negative offset, previous word */
  lbu a0, -1(s0)
  CHECK(87, a0, 0xef)
  lw a0, 4(s0)
  CHECK(88, a0, 0x11223344)
  PRINT_LINE "sb: ok"

  sh a2, 2(s0)
  lw a0, 0(s0)
  CHECK(89, a0, 0xbeefef44)
  sw zero, 4(s0)
  sh a1, 4(s0)
  lw a0, 4(s0)
  CHECK(90, a0, 0x00003344)
  li a3, 0x8000
  sh a3, 6(s0)
  lw a0, 4(s0)
  CHECK(91, a0, 0x80003344)
  PRINT_LINE "sh: ok"

  addi s1, s0, -2047
  sw a2, 2047(s1)
  lw a0, 0(s0)
  CHECK(92, a0, 0xdeadbeef)
  addi s1, s0, 2047
  addi s1, s1, 1
  sw zero, -2044(s1)            /* store_data + 4 */
  lw a0, 4(s0)
  CHECK(93, a0, 0)
  lw a0, 0(s0)
  CHECK(94, a0, 0xdeadbeef)
  PRINT_LINE "sw: ok"

/* ---- Register-register ALU ------------------------------------------- */
  CHECK_RR(95, add, 1, 1, 2)
  CHECK_RR(96, add, 0x7fffffff, 1, 0x80000000)
  CHECK_RR(97, add, -1, 1, 0)
  CHECK_RR(98, add, 0x80000000, 0x80000000, 0)
  CHECK_RR(99, add, 0x12345678, 0xedcba988, 0)
  li a1, 21
  add a1, a1, a1                /* rd = rs1 = rs2 */
  CHECK(100, a1, 42)
  li a1, 7
  add x0, a1, a1                /* rd = x0 */
  CHECK(101, x0, 0)
  PRINT_LINE "add: ok"

  CHECK_RR(102, sub, 0, 1, -1)
  CHECK_RR(103, sub, 0x80000000, 1, 0x7fffffff)
  CHECK_RR(104, sub, 0, 0x80000000, 0x80000000)
  CHECK_RR(105, sub, 5, 5, 0)
  CHECK_RR(106, sub, -1, 0x7fffffff, 0x80000000)
  PRINT_LINE "sub: ok"

  CHECK_RR(107, sll, 1, 31, 0x80000000)
  CHECK_RR(108, sll, 0xffffffff, 31, 0x80000000)
  CHECK_RR(109, sll, 0x12345678, 0, 0x12345678)
  CHECK_RR(110, sll, 1, 33, 2)              /* only rs2[4:0] is used */
  CHECK_RR(111, sll, 0x12345678, 0xffffffe4, 0x23456780)
  CHECK_RR(112, sll, 0x81, 32, 0x81)
  PRINT_LINE "sll: ok"

  CHECK_RR(113, srl, 0x80000000, 31, 1)
  CHECK_RR(114, srl, 0xffffffff, 1, 0x7fffffff)
  CHECK_RR(115, srl, 0x80000000, 0, 0x80000000)
  CHECK_RR(116, srl, 0x80000000, 0xffffffe4, 0x08000000)
  CHECK_RR(117, srl, 0x12345678, 32, 0x12345678)
  PRINT_LINE "srl: ok"

  CHECK_RR(118, sra, 0x80000000, 31, 0xffffffff)
  CHECK_RR(119, sra, 0x7fffffff, 31, 0)
  CHECK_RR(120, sra, 0x80000000, 4, 0xf8000000)
  CHECK_RR(121, sra, 0x80000000, 0xffffffe1, 0xc0000000)
  CHECK_RR(122, sra, 0x81234567, 32, 0x81234567)
  CHECK_RR(123, sra, 0x40000000, 1, 0x20000000)
  PRINT_LINE "sra: ok"

  CHECK_RR(124, slt, -1, 0, 1)
  CHECK_RR(125, slt, 0, -1, 0)
  CHECK_RR(126, slt, 3, 3, 0)
  CHECK_RR(127, slt, 0x80000000, 0x7fffffff, 1)
  CHECK_RR(128, slt, 0x7fffffff, 0x80000000, 0)
  PRINT_LINE "slt: ok"

  CHECK_RR(129, sltu, 0, -1, 1)
  CHECK_RR(130, sltu, -1, 0, 0)
  CHECK_RR(131, sltu, 3, 3, 0)
  CHECK_RR(132, sltu, 0x7fffffff, 0x80000000, 1)
  li a2, 5
  sltu a0, x0, a2               /* snez */
  CHECK(133, a0, 1)
  sltu a0, x0, x0
  CHECK(134, a0, 0)
  PRINT_LINE "sltu: ok"

  CHECK_RR(135, xor, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0)
  CHECK_RR(136, xor, 0x12345678, 0x12345678, 0)
  CHECK_RR(137, xor, 0x80000001, 0xffffffff, 0x7ffffffe)
  PRINT_LINE "xor: ok"

  CHECK_RR(138, or, 0xff00ff00, 0x0ff00ff0, 0xfff0fff0)
  CHECK_RR(139, or, 0, 0, 0)
  CHECK_RR(140, or, 0x80000000, 1, 0x80000001)
  PRINT_LINE "or: ok"

  CHECK_RR(141, and, 0xff00ff00, 0x0ff00ff0, 0x0f000f00)
  CHECK_RR(142, and, 0xffffffff, 0x80000001, 0x80000001)
  CHECK_RR(143, and, 0x55555555, 0xaaaaaaaa, 0)
  PRINT_LINE "and: ok"

/* ---- Register-immediate ALU (12-bit immediates are sign-extended) ---- */
  CHECK_RI(144, addi, 0, 2047, 2047)
  CHECK_RI(145, addi, 0, -2048, 0xfffff800)
  CHECK_RI(146, addi, 0x7fffffff, 1, 0x80000000)
  CHECK_RI(147, addi, 0x80000000, -1, 0x7fffffff)
  CHECK_RI(148, addi, -1, 1, 0)
  li a1, 99
  addi x0, a1, 5                /* hint space: no effect */
  CHECK(149, x0, 0)
  PRINT_LINE "addi: ok"

  CHECK_RI(150, slti, -1, 0, 1)
  CHECK_RI(151, slti, 0, -1, 0)
  CHECK_RI(152, slti, 0x80000000, -2048, 1)
  CHECK_RI(153, slti, -2048, -2048, 0)
  CHECK_RI(154, slti, 2046, 2047, 1)
  PRINT_LINE "slti: ok"

  CHECK_RI(155, sltiu, 0, 1, 1)               /* seqz */
  CHECK_RI(156, sltiu, 1, 1, 0)
  CHECK_RI(157, sltiu, 0xfffffffe, -1, 1)     /* imm is 0xffffffff unsigned */
  CHECK_RI(158, sltiu, 0xffffffff, -1, 0)
  CHECK_RI(159, sltiu, 0x80000000, 2047, 0)
  PRINT_LINE "sltiu: ok"

  CHECK_RI(160, xori, 0x12345678, -1, 0xedcba987)  /* not */
  CHECK_RI(161, xori, 0xff00ff00, 0x0f0, 0xff00fff0)
  CHECK_RI(162, xori, 0x80000000, -2048, 0x7ffff800)
  PRINT_LINE "xori: ok"

  CHECK_RI(163, ori, 0x12340000, 0x5a5, 0x123405a5)
  CHECK_RI(164, ori, 0, -2048, 0xfffff800)
  CHECK_RI(165, ori, 0x80000001, 0, 0x80000001)
  PRINT_LINE "ori: ok"

  CHECK_RI(166, andi, 0x12345678, 0xff, 0x78)
  CHECK_RI(167, andi, 0x12345678, -16, 0x12345670)
  CHECK_RI(168, andi, 0xffffffff, 2047, 0x7ff)
  PRINT_LINE "andi: ok"

  CHECK_RI(169, slli, 1, 31, 0x80000000)
  CHECK_RI(170, slli, 0x12345678, 0, 0x12345678)
  CHECK_RI(171, slli, 0xffffffff, 4, 0xfffffff0)
  PRINT_LINE "slli: ok"

  CHECK_RI(172, srli, 0x80000000, 31, 1)
  CHECK_RI(173, srli, 0x80000000, 0, 0x80000000)
  CHECK_RI(174, srli, 0xffffffff, 4, 0x0fffffff)
  PRINT_LINE "srli: ok"

  CHECK_RI(175, srai, 0x80000000, 31, 0xffffffff)
  CHECK_RI(176, srai, 0x80000000, 0, 0x80000000)
  CHECK_RI(177, srai, 0x7fffffff, 31, 0)
  CHECK_RI(178, srai, 0xf0000000, 4, 0xff000000)
  PRINT_LINE "srai: ok"

/* ---- FENCE: orders memory; rd and rs1 are reserved and ignored -------- */
  li a0, 0x1234
  la s0, store_data
  sw a0, 0(s0)
  fence
  fence rw, rw
  fence r, r
  fence w, w
  fence iorw, iorw
  fence.tso
  .word 0x0100000f              /* pause: fence w, 0 (Zihintpause hint) */
  .word 0x0ff5050f              /* fence iorw, iorw with rd = rs1 = a0 */
  lw a1, 0(s0)
  CHECK(179, a1, 0x1234)
  CHECK(180, a0, 0x1234)        /* rd of the fence was not written */
  PRINT_LINE "fence: ok"

/* ---- ECALL, EBREAK: environment call and breakpoint traps ------------- */
  TRAP_CAPTURE_ON
.Lecall:
  ecall
  CHECK_TRAP(181, CAUSE_MACHINE_ECALL, .Lecall, 0)
.Lebreak:
  ebreak
  CHECK_TRAP(182, CAUSE_BREAKPOINT, .Lebreak, 0)
  TRAP_CAPTURE_OFF
  PRINT_LINE "ecall, ebreak: ok"

  TEST_PASS

  .data
  .align 2
  .word 0                       /* store_data - 4 */
store_data:
  .word 0, 0, 0
load_data:
  .byte 0x81, 0x7f, 0xff, 0x00, 0x01, 0x80, 0xff, 0x7f

/*
 * rv32c.S: every RV32C instruction form (unprivileged spec, chapter "C
 * Extension for Compressed Instructions"), written with explicit c.
 * mnemonics, and 32-bit instructions mixed in at 2-byte boundaries.
 *
 *   quadrant 0   c.addi4spn c.lw c.sw
 *   quadrant 1   c.nop c.addi c.jal c.li c.addi16sp c.lui c.srli c.srai
 *                c.andi c.sub c.xor c.or c.and c.j c.beqz c.bnez
 *   quadrant 2   c.slli c.lwsp c.jr c.mv c.ebreak c.jalr c.add c.swsp
 *   immediates   the extremes of every immediate field and their sign
 *                extension; links of c.jal / c.jalr are pc + 2
 *   HINTs        c.nop with an immediate, c.li / c.lui / c.mv / c.add /
 *                c.slli with rd = x0 execute as no-ops
 *   mixing       a 32-bit instruction at a 2-byte aligned address, one that
 *                straddles a 4 KiB page boundary, jumps and branches to
 *                2-byte aligned targets
 *   illegal      the all-zero halfword raises illegal instruction (cause 2)
 *                with mtval = 0 (the instruction bits, as QEMU reports them)
 *   c.ebreak     breakpoint (cause 3), mepc = its address, mtval = 0
 *
 * The code is assembled with .option norvc (checks and set-up are 32-bit
 * instructions, tested by rv32i) and switches to rvc only between C_ON and
 * C_OFF, around the compressed instructions under test.
 */
#include "test.h"

TEST_ENTRY

  .text
  .option norvc
  .option norelax

#define C_ON  .option push; .option rvc
#define C_OFF .option pop

/* Check n: the address of label `sym` is 2 modulo 4 (a 2-byte boundary). */
#define CHECK_HALF_ALIGNED(n, sym)      \
  la a5, sym;                           \
  andi a5, a5, 3;                       \
  CHECK(n, a5, 2)

main:
  PRINT_LINE "rv32c: compressed instructions"
  la sp, c_frame                /* a scratch frame; sp is restored at the end */

/* ---- Quadrant 0 --------------------------------------------------------- */
  C_ON
  c.addi4spn a0, sp, 4          /* nzuimm, scaled by 4: 4 .. 1020 */
  c.addi4spn s1, sp, 1020
  C_OFF
  addi a2, sp, 4
  CHECK_REG(1, a0, a2)
  addi a2, sp, 1020
  CHECK_REG(2, s1, a2)
  PRINT_LINE "c.addi4spn: ok"

  la s0, c_data
  C_ON
  c.lw a0, 0(s0)                /* offsets 0 .. 124, scaled by 4 */
  c.lw a1, 124(s0)
  c.lw s1, 60(s0)
  C_OFF
  CHECK(3, a0, 0x80000001)
  CHECK(4, a1, 0xfedcba98)
  CHECK(5, s1, 0x0000ffff)
  PRINT_LINE "c.lw: ok"

  li a0, 0x80000001             /* (the print clobbered a0) */
  C_ON
  c.sw a0, 4(s0)
  c.sw a1, 120(s0)
  c.sw s1, 64(s0)
  C_OFF
  lw a3, 4(s0)
  CHECK(6, a3, 0x80000001)
  lw a3, 120(s0)
  CHECK(7, a3, 0xfedcba98)
  lw a3, 64(s0)
  CHECK(8, a3, 0x0000ffff)
  lw a3, 0(s0)                  /* neighbours untouched */
  CHECK(9, a3, 0x80000001)
  lw a3, 124(s0)
  CHECK(10, a3, 0xfedcba98)
  PRINT_LINE "c.sw: ok"

/* ---- Quadrant 1 --------------------------------------------------------- */
  li a0, 0x1234
  C_ON
  c.nop
  C_OFF
  CHECK(11, a0, 0x1234)
  PRINT_LINE "c.nop: ok"

  li a0, 10
  C_ON
  c.addi a0, -32                /* 6-bit signed immediate, -32 .. 31 */
  C_OFF
  CHECK(12, a0, -22)
  C_ON
  c.addi a0, 31
  C_OFF
  CHECK(13, a0, 9)
  li a0, 0x7fffffff
  C_ON
  c.addi a0, 1
  C_OFF
  CHECK(14, a0, 0x80000000)
  PRINT_LINE "c.addi: ok"

  li gp, 15
.Lcjal:
  C_ON
  c.jal .Lcjal_target           /* ra = pc + 2 */
  C_OFF
  j test_fail
.Lcjal_target:
  la a1, .Lcjal + 2
  CHECK_REG(16, ra, a1)
  li gp, 17                     /* backward */
  j .Lcjal_back
.Lcjal_back_target:
  j .Lcjal_back_done
.Lcjal_back:
  C_ON
  c.jal .Lcjal_back_target
  C_OFF
  j test_fail
.Lcjal_back_done:
  la a1, .Lcjal_back + 2
  CHECK_REG(18, ra, a1)
  PRINT_LINE "c.jal: ok"

  C_ON
  c.li a0, -32
  c.li a1, 31
  c.li s1, 0
  C_OFF
  CHECK(19, a0, 0xffffffe0)
  CHECK(20, a1, 31)
  CHECK(21, s1, 0)
  PRINT_LINE "c.li: ok"

  mv s1, sp
  C_ON
  c.addi16sp sp, 496            /* nzimm, scaled by 16: -512 .. 496 */
  C_OFF
  addi a2, s1, 496
  CHECK_REG(22, sp, a2)
  C_ON
  c.addi16sp sp, -512
  C_OFF
  addi a2, s1, -16
  CHECK_REG(23, sp, a2)
  C_ON
  c.addi16sp sp, 16
  C_OFF
  CHECK_REG(24, sp, s1)
  PRINT_LINE "c.addi16sp: ok"

  C_ON
  c.lui a0, 1                   /* nzimm[17:12], sign-extended */
  c.lui a1, 31
  c.lui a2, 0xfffe0
  c.lui a3, 0xfffff
  C_OFF
  CHECK(25, a0, 0x00001000)
  CHECK(26, a1, 0x0001f000)
  CHECK(27, a2, 0xfffe0000)
  CHECK(28, a3, 0xfffff000)
  PRINT_LINE "c.lui: ok"

  li a0, 0x80000000
  li a1, 0xffffffff
  C_ON
  c.srli a0, 31
  c.srli a1, 1
  C_OFF
  CHECK(29, a0, 1)
  CHECK(30, a1, 0x7fffffff)
  PRINT_LINE "c.srli: ok"

  li a0, 0x80000000
  li a1, 0x7fffffff
  li a2, 0xf0000000
  C_ON
  c.srai a0, 31
  c.srai a1, 31
  c.srai a2, 4
  C_OFF
  CHECK(31, a0, 0xffffffff)
  CHECK(32, a1, 0)
  CHECK(33, a2, 0xff000000)
  PRINT_LINE "c.srai: ok"

  li a0, 0x12345678
  li a1, 0x12345678
  li a2, 0x12345678
  C_ON
  c.andi a0, -32                /* 6-bit signed immediate */
  c.andi a1, 31
  c.andi a2, 0
  C_OFF
  CHECK(34, a0, 0x12345660)
  CHECK(35, a1, 0x18)
  CHECK(36, a2, 0)
  PRINT_LINE "c.andi: ok"

  li a0, 0
  li a1, 1
  li a2, 0x80000000
  C_ON
  c.sub a0, a1
  c.sub a2, a1
  C_OFF
  CHECK(37, a0, -1)
  CHECK(38, a2, 0x7fffffff)
  PRINT_LINE "c.sub: ok"

  li a0, 0xff00ff00
  li a1, 0x0ff00ff0
  C_ON
  c.xor a0, a1
  C_OFF
  CHECK(39, a0, 0xf0f0f0f0)
  li a0, 0xff00ff00
  C_ON
  c.or a0, a1
  C_OFF
  CHECK(40, a0, 0xfff0fff0)
  li a0, 0xff00ff00
  C_ON
  c.and a0, a1
  C_OFF
  CHECK(41, a0, 0x0f000f00)
  li s0, 0x80000001
  li s1, 0x80000001
  C_ON
  c.xor s0, s1
  C_OFF
  CHECK(42, s0, 0)
  PRINT_LINE "c.xor, c.or, c.and: ok"

  li gp, 43
  C_ON
  c.j 1f                        /* forward */
  C_OFF
  j test_fail
1:
  j 3f
2:
  j 4f
3:
  C_ON
  c.j 2b                        /* backward */
  C_OFF
  j test_fail
4:
  PRINT_LINE "c.j: ok"

  li gp, 44
  li a0, 0
  C_ON
  c.beqz a0, 1f
  C_OFF
  j test_fail
1:
  li gp, 45
  li a0, 0x80000000
  C_ON
  c.beqz a0, 1f
  C_OFF
  j 2f
1: j test_fail
2:
  li gp, 46                     /* backward */
  li s1, 0
  j 2f
1: j 3f
2:
  C_ON
  c.beqz s1, 1b
  C_OFF
  j test_fail
3:
  PRINT_LINE "c.beqz: ok"

  li gp, 47
  li a0, -1
  C_ON
  c.bnez a0, 1f
  C_OFF
  j test_fail
1:
  li gp, 48
  li a0, 0
  C_ON
  c.bnez a0, 1f
  C_OFF
  j 2f
1: j test_fail
2:
  li gp, 49
  li s1, 1
  j 2f
1: j 3f
2:
  C_ON
  c.bnez s1, 1b
  C_OFF
  j test_fail
3:
  PRINT_LINE "c.bnez: ok"

/* ---- Quadrant 2 --------------------------------------------------------- */
  li a0, 1
  li a1, 0xffffffff
  li t0, 0x12345678
  C_ON
  c.slli a0, 31
  c.slli a1, 1
  c.slli t0, 4                  /* any register, not only x8..x15 */
  C_OFF
  CHECK(50, a0, 0x80000000)
  CHECK(51, a1, 0xfffffffe)
  CHECK(52, t0, 0x23456780)
  PRINT_LINE "c.slli: ok"

  li a0, 0x11111111
  li a1, 0x22222222
  li t0, 0x80000000
  C_ON
  c.swsp a0, 0(sp)              /* offsets 0 .. 252, scaled by 4 */
  c.swsp a1, 252(sp)
  c.swsp t0, 128(sp)
  C_OFF
  lw a3, 0(sp)
  CHECK(53, a3, 0x11111111)
  lw a3, 252(sp)
  CHECK(54, a3, 0x22222222)
  lw a3, 128(sp)
  CHECK(55, a3, 0x80000000)
  PRINT_LINE "c.swsp: ok"

  C_ON
  c.lwsp s2, 0(sp)
  c.lwsp s3, 252(sp)
  c.lwsp ra, 128(sp)
  C_OFF
  CHECK(56, s2, 0x11111111)
  CHECK(57, s3, 0x22222222)
  CHECK(58, ra, 0x80000000)
  PRINT_LINE "c.lwsp: ok"

  li gp, 59
  la a0, 1f
  C_ON
  c.jr a0
  C_OFF
  j test_fail
1:
  PRINT_LINE "c.jr: ok"

  li a1, 0x80000000
  li s4, 7
  C_ON
  c.mv a0, a1
  c.mv s5, s4
  C_OFF
  CHECK(60, a0, 0x80000000)
  CHECK(61, s5, 7)
  PRINT_LINE "c.mv: ok"

  TRAP_CAPTURE_ON
.Lcebreak:
  C_ON
  c.ebreak
  C_OFF
  CHECK_TRAP(62, CAUSE_BREAKPOINT, .Lcebreak, 0)
  TRAP_CAPTURE_OFF
  PRINT_LINE "c.ebreak: ok"

  li gp, 63
  la a0, .Lcjalr_target
.Lcjalr:
  C_ON
  c.jalr a0                     /* ra = pc + 2 */
  C_OFF
  j test_fail
.Lcjalr_target:
  la a1, .Lcjalr + 2
  CHECK_REG(64, ra, a1)
  li gp, 65                     /* c.jalr ra: jumps to the old ra */
  la ra, .Lcjalr_target2
.Lcjalr2:
  C_ON
  c.jalr ra
  C_OFF
  j test_fail
.Lcjalr_target2:
  la a1, .Lcjalr2 + 2
  CHECK_REG(66, ra, a1)
  PRINT_LINE "c.jalr: ok"

  li a0, 0x7fffffff
  li a1, 1
  li t1, 21
  C_ON
  c.add a0, a1
  c.add t1, t1
  C_OFF
  CHECK(67, a0, 0x80000000)
  CHECK(68, t1, 42)
  PRINT_LINE "c.add: ok"

/* ---- HINTs: rd = x0 (or c.nop with an immediate) does nothing --------- */
  TRAP_CAPTURE_ON
  li a0, 0x55
  .half 0x0005                  /* c.nop 1 */
  .half 0x4015                  /* c.li x0, 5 */
  .half 0x6005                  /* c.lui x0, 1 */
  .half 0x802a                  /* c.mv x0, a0 */
  .half 0x902a                  /* c.add x0, a0 */
  .half 0x0006                  /* c.slli x0, 1 */
  CHECK_NO_TRAP(69)
  CHECK(70, x0, 0)
  CHECK(71, a0, 0x55)
  TRAP_CAPTURE_OFF
  PRINT_LINE "hints: ok"

/* ---- Mixing 16- and 32-bit instructions ------------------------------- */
  li a0, 1
  C_ON
  .balign 4                     /* (padding may need a c.nop) */
  c.addi a0, 1
  C_OFF
.Lodd32:
  addi a0, a0, 40               /* a 32-bit instruction at pc = 2 mod 4 */
  CHECK_HALF_ALIGNED(72, .Lodd32)
  CHECK(73, a0, 42)

  li gp, 74                     /* jal, jalr and a branch to such targets */
  jal ra, .Lodd_target1
  j test_fail
  C_ON
  .balign 4                     /* (padding may need a c.nop) */
  c.nop
  C_OFF
.Lodd_target1:
  CHECK_HALF_ALIGNED(75, .Lodd_target1)
  li gp, 76
  la a0, .Lodd_target2
  jalr ra, 0(a0)
  j test_fail
  C_ON
  .balign 4                     /* (padding may need a c.nop) */
  c.nop
  C_OFF
.Lodd_target2:
  CHECK_HALF_ALIGNED(77, .Lodd_target2)
  li gp, 78
  beq zero, zero, .Lodd_target3
  j test_fail
  C_ON
  .balign 4                     /* (padding may need a c.nop) */
  c.nop
  C_OFF
.Lodd_target3:
  CHECK_HALF_ALIGNED(79, .Lodd_target3)

  li a0, 0                      /* a 32-bit instruction straddling pages */
  li a1, 0
  j .Lstraddle
  C_ON
  .balign 4096
  .skip 4096 - 4
.Lstraddle:
  c.li a0, 1                    /* at page offset 0xffc */
  C_OFF
  addi a1, a0, 0x123            /* at 0xffe: half here, half on the next page */
  la a2, .Lstraddle + 2
  li a3, 0xfff
  and a2, a2, a3
  CHECK(80, a2, 0xffe)
  CHECK(81, a1, 0x124)
  PRINT_LINE "16/32-bit mix: ok"

/* ---- The all-zero halfword is illegal ------------------------------------- */
  TRAP_CAPTURE_ON
.Lzero_half:
  .half 0
  CHECK_TRAP(82, CAUSE_ILLEGAL_INSTRUCTION, .Lzero_half, 0)
  TRAP_CAPTURE_OFF
  PRINT_LINE "illegal zero halfword: ok"

  la sp, _stack_top
  TEST_PASS

  .data
  .align 4
c_data:                         /* 32 words for c.lw / c.sw */
  .word 0x80000001
  .fill 14, 4, 0
  .word 0x0000ffff
  .fill 15, 4, 0
  .word 0xfedcba98
  .align 4
  .space 512                    /* below c_frame, for c.addi16sp -512 */
c_frame:
  .space 1024 + 16

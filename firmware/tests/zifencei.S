/*
 * zifencei.S: FENCE.I and self-modifying code (unprivileged spec, chapter
 * "Zifencei Extension for Instruction-Fetch Fence"). After a hart writes
 * instruction memory and executes FENCE.I, its fetches see the new bytes.
 *
 *   patch a 32-bit instruction   then run it, 64 times in a loop, each time
 *                                with another immediate
 *   patch one byte               of an instruction (its immediate)
 *   patch a 16-bit instruction   c.li with every immediate -32 .. 31
 *   change the boundaries        one 32-bit instruction <-> two 16-bit ones
 *   fresh code                   a function written into a never-executed
 *                                buffer, then called
 *
 * The patch sites are functions `site: <patched>; ret`, called with jal.
 */
#include "test.h"

TEST_ENTRY

  .text
  .option norvc
  .option norelax

#define INSN_ADDI_A0_X0  0x00000513     /* addi a0, x0, 0: imm goes in [31:20] */
#define INSN_C_LI_A0     0x4501         /* c.li a0, 0: imm[5] in 12, [4:0] in 6:2 */
#define INSN_C_ADDI_A0_1 0x0505         /* c.addi a0, 1 */
#define INSN_C_NOP       0x0001
#define INSN_RET         0x00008067     /* jalr x0, 0(ra) */

main:
  PRINT_LINE "zifencei: self-modifying code"

/* ---- One 32-bit instruction, rewritten 64 times ------------------------- */
  jal ra, site32                /* the original: a0 = 1 */
  CHECK(1, a0, 1)

  la s0, site32
  li s1, -32                    /* immediates -32 .. 31 */
1:
  slli a1, s1, 20
  li a2, INSN_ADDI_A0_X0
  or a1, a1, a2
  sw a1, 0(s0)
  fence.i
  li a0, 0x777
  jal ra, site32
  CHECK_REG(2, a0, s1)
  addi s1, s1, 1
  li a3, 32
  bne s1, a3, 1b
  PRINT_LINE "patched 32-bit instruction: ok"

/* ---- One byte of an instruction: imm[11:4] of the addi --------------------- */
  li a1, INSN_ADDI_A0_X0 | (0x005 << 20)
  sw a1, 0(s0)
  fence.i
  jal ra, site32
  CHECK(3, a0, 5)
  li a1, 0x12                   /* imm = 0x125 */
  sb a1, 3(s0)
  fence.i
  jal ra, site32
  CHECK(4, a0, 0x125)
  li a1, 0x80                   /* imm = 0x805: negative */
  sb a1, 3(s0)
  fence.i
  jal ra, site32
  CHECK(5, a0, 0xfffff805)
  PRINT_LINE "patched byte: ok"

/* ---- A 16-bit instruction: c.li a0 with every immediate ---------------------- */
  jal ra, site16                /* the original: a0 = 3 */
  CHECK(6, a0, 3)
  la s0, site16
  li s1, -32
1:
  andi a1, s1, 31               /* imm[4:0] -> bits 6:2 */
  slli a1, a1, 2
  andi a2, s1, 32               /* imm[5] -> bit 12 */
  slli a2, a2, 7
  or a1, a1, a2
  li a2, INSN_C_LI_A0
  or a1, a1, a2
  sh a1, 0(s0)
  fence.i
  li a0, 0x777
  jal ra, site16
  CHECK_REG(7, a0, s1)
  addi s1, s1, 1
  li a3, 32
  bne s1, a3, 1b
  PRINT_LINE "patched 16-bit instruction: ok"

/* ---- Instruction boundaries move ------------------------------------------- */
  la s0, site32
  li a1, (INSN_C_ADDI_A0_1 << 16) | INSN_C_LI_A0 | (7 << 2)
  sw a1, 0(s0)                  /* two 16-bit: c.li a0, 7; c.addi a0, 1 */
  fence.i
  jal ra, site32
  CHECK(8, a0, 8)
  li a1, INSN_ADDI_A0_X0 | (0x7ff << 20)
  sw a1, 0(s0)                  /* back to one 32-bit: addi a0, x0, 2047 */
  fence.i
  jal ra, site32
  CHECK(9, a0, 2047)
  la s0, site16                 /* 16-bit + 16-bit -> one 32-bit */
  li a1, INSN_ADDI_A0_X0 | (0x456 << 20)
  sh a1, 0(s0)
  srli a1, a1, 16
  sh a1, 2(s0)
  fence.i
  jal ra, site16
  CHECK(10, a0, 0x456)
  PRINT_LINE "moved instruction boundaries: ok"

/* ---- Fresh code in a buffer never executed before --------------------------- */
  la s0, code_buffer
  li a1, INSN_ADDI_A0_X0 | (99 << 20)
  sw a1, 0(s0)
  li a1, INSN_RET
  sw a1, 4(s0)
  fence.i
  li a0, 0
  jalr ra, 0(s0)
  CHECK(11, a0, 99)
  li a1, INSN_ADDI_A0_X0 | (0x800 << 20)  /* rewrite it and call again */
  sw a1, 0(s0)
  fence.i
  jalr ra, 0(s0)
  CHECK(12, a0, 0xfffff800)
  PRINT_LINE "fresh code: ok"

  TEST_PASS

/* The patch sites. */
  .align 2
site32:
  addi a0, x0, 1                /* patched */
  ret
  .align 2
site16:
  .option push
  .option rvc
  c.li a0, 3                    /* patched */
  c.nop                         /* patched when the 16-bit c.li becomes 32 bits */
  .option pop
  ret

  .bss
  .align 4
code_buffer:
  .space 64

/*
 * start.S: where every hart enters the SBI firmware, from the boot ROM with
 * a0 = hartid and a1 = the device tree, and the M-mode trap vector.
 *
 * The first hart to take the boot lottery becomes the boot hart: it clears
 * .bss, reads the platform and starts the payload. The others wait until
 * the boot hart says the firmware is ready, set up their own CSRs and wait
 * in M-mode until the kernel starts them with HSM hart_start.
 *
 * mscratch holds the top of this hart's M-mode stack while the hart runs
 * in S or U; the trap vector swaps it with sp.
 */
#include "params.h"

#define TRAP_REGS_SIZE 136
#define REG(n) ((n) * 4)
#define MEPC    128
#define MSTATUS 132

  .section .text.init
  .globl _start
_start:
  csrw mie, zero
  li t0, SBI_MAX_HARTS             /* a hart the firmware cannot serve sleeps */
  bgeu a0, t0, park
  mv s0, a0
  mv s1, a1
  la sp, sbi_stacks_end            /* sp = this hart's stack top */
  slli t0, a0, SBI_STACK_SHIFT
  sub sp, sp, t0
  csrw mscratch, sp
  la t0, sbi_trap_vector
  csrw mtvec, t0

  la t0, boot_lottery
  li t1, 1
  amoswap.w t1, t1, (t0)
  bnez t1, secondary

  la t0, __bss_start               /* the boot hart clears .bss */
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:
  mv a0, s0
  mv a1, s1
  call sbi_boot_main               /* does not return */
  j park

secondary:
  la t0, sbi_ready                 /* set by the boot hart, in .data */
1:
  lw t1, 0(t0)
  beqz t1, 1b
  fence rw, rw
  mv a0, s0
  call sbi_secondary_main          /* does not return */
park:
  wfi
  j park

/* hsm_restart(hartid): drop whatever this hart was doing and wait, on a fresh
 * stack, until HSM starts it again. */
  .text
  .globl hsm_restart
hsm_restart:
  la sp, sbi_stacks_end
  slli t0, a0, SBI_STACK_SHIFT
  sub sp, sp, t0
  csrw mscratch, sp
  call hsm_wait
  j park

/* Every trap into M-mode: save the interrupted registers on this hart's
 * M-mode stack, let sbi_trap (trap.c) handle it, restore and return. */
  .align 4
  .globl sbi_trap_vector
sbi_trap_vector:
  csrrw sp, mscratch, sp
  addi sp, sp, -TRAP_REGS_SIZE
  sw x1, REG(1)(sp)
  sw x3, REG(3)(sp)
  sw x4, REG(4)(sp)
  sw x5, REG(5)(sp)
  sw x6, REG(6)(sp)
  sw x7, REG(7)(sp)
  sw x8, REG(8)(sp)
  sw x9, REG(9)(sp)
  sw x10, REG(10)(sp)
  sw x11, REG(11)(sp)
  sw x12, REG(12)(sp)
  sw x13, REG(13)(sp)
  sw x14, REG(14)(sp)
  sw x15, REG(15)(sp)
  sw x16, REG(16)(sp)
  sw x17, REG(17)(sp)
  sw x18, REG(18)(sp)
  sw x19, REG(19)(sp)
  sw x20, REG(20)(sp)
  sw x21, REG(21)(sp)
  sw x22, REG(22)(sp)
  sw x23, REG(23)(sp)
  sw x24, REG(24)(sp)
  sw x25, REG(25)(sp)
  sw x26, REG(26)(sp)
  sw x27, REG(27)(sp)
  sw x28, REG(28)(sp)
  sw x29, REG(29)(sp)
  sw x30, REG(30)(sp)
  sw x31, REG(31)(sp)
  csrr t0, mscratch
  sw t0, REG(2)(sp)
  csrr t0, mepc
  sw t0, MEPC(sp)
  csrr t0, mstatus
  sw t0, MSTATUS(sp)

  mv a0, sp
  call sbi_trap

  lw t0, MEPC(sp)
  csrw mepc, t0
  lw t0, MSTATUS(sp)
  csrw mstatus, t0
  addi t0, sp, TRAP_REGS_SIZE
  csrw mscratch, t0
  lw x1, REG(1)(sp)
  lw x3, REG(3)(sp)
  lw x4, REG(4)(sp)
  lw x5, REG(5)(sp)
  lw x6, REG(6)(sp)
  lw x7, REG(7)(sp)
  lw x8, REG(8)(sp)
  lw x9, REG(9)(sp)
  lw x10, REG(10)(sp)
  lw x11, REG(11)(sp)
  lw x12, REG(12)(sp)
  lw x13, REG(13)(sp)
  lw x14, REG(14)(sp)
  lw x15, REG(15)(sp)
  lw x16, REG(16)(sp)
  lw x17, REG(17)(sp)
  lw x18, REG(18)(sp)
  lw x19, REG(19)(sp)
  lw x20, REG(20)(sp)
  lw x21, REG(21)(sp)
  lw x22, REG(22)(sp)
  lw x23, REG(23)(sp)
  lw x24, REG(24)(sp)
  lw x25, REG(25)(sp)
  lw x26, REG(26)(sp)
  lw x27, REG(27)(sp)
  lw x28, REG(28)(sp)
  lw x29, REG(29)(sp)
  lw x30, REG(30)(sp)
  lw x31, REG(31)(sp)
  lw x2, REG(2)(sp)
  mret

  .data
  .align 2
  .globl boot_lottery, sbi_ready
boot_lottery:                      /* 0 until a hart wins it */
  .word 0
sbi_ready:                         /* 1 once the boot hart has read the platform */
  .word 0

  .section .stacks, "aw", @nobits
  .align 4
  .space SBI_MAX_HARTS * SBI_STACK_SIZE
sbi_stacks_end:

/*
 * start.S: where every hart of the hello program begins. The boot ROM jumps
 * here with a0 = hartid and a1 = the device tree. Each hart gets its own
 * stack; hart 0 clears .bss while the others wait, then all call
 * hello_main(hartid, dtb).
 */

#define HART_MAX    16          /* harts that get a stack (HyperLab allows 16) */
#define STACK_SHIFT 12          /* 4 KiB stack per hart */

  .section .text.init
  .globl _start
_start:
  li t0, HART_MAX               /* a hart without a stack just sleeps */
  bgeu a0, t0, park
  la sp, stack_top
  slli t0, a0, STACK_SHIFT
  sub sp, sp, t0
  bnez a0, wait_for_bss

  la t0, __bss_start            /* hart 0: clear .bss, then let the others go */
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:
  fence rw, rw
  la t0, bss_ready
  li t1, 1
  sw t1, 0(t0)
  j enter

wait_for_bss:                   /* bss_ready lives in .data: never cleared */
  la t0, bss_ready
1:
  lw t1, 0(t0)
  beqz t1, 1b
  fence rw, rw

enter:
  call hello_main
park:
  wfi
  j park

  .data
  .align 2
bss_ready:
  .word 0

  .bss
  .align 4
  .space HART_MAX << STACK_SHIFT
stack_top:

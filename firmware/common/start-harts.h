/*
 * start-harts.h: where every hart of a small bare-metal program begins
 * (a0 = hartid, a1 = the device tree). Each hart gets its own stack; hart 0
 * clears .bss while the others wait; then every hart calls
 * START_MAIN(hartid, dtb). A program includes this file after defining:
 *
 *   START_MAIN         the C function every hart enters
 *   STACK_SHIFT        log2 of each hart's stack size
 *   START_TRAP_VECTOR  (optional) where machine-mode traps go
 */

#define HART_MAX    16          /* harts that get a stack (HyperLab allows 16) */

  .section .text.init
  .globl _start
_start:
  li t0, HART_MAX               /* a hart without a stack just sleeps */
  bgeu a0, t0, park
  la sp, stack_top
  slli t0, a0, STACK_SHIFT
  sub sp, sp, t0
#ifdef START_TRAP_VECTOR
  la t0, START_TRAP_VECTOR
  csrw mtvec, t0
#endif
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
  call START_MAIN
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

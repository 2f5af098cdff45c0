/*
 * start.S: where every hart of the lab's images begins (a0 = hartid,
 * a1 = the device tree). Each hart gets a stack; hart 0 clears .bss while
 * the others wait; then every hart enters lab_main(hartid, dtb) with
 * machine-mode traps going to trap_entry.
 */

#define HART_MAX    16          /* harts that get a stack */
#define STACK_SHIFT 14          /* 16 KiB stack per hart */

  .section .text.init
  .globl _start
_start:
  li t0, HART_MAX               /* a hart without a stack just sleeps */
  bgeu a0, t0, park
  la sp, stack_top
  slli t0, a0, STACK_SHIFT
  sub sp, sp, t0
  la t0, trap_entry
  csrw mtvec, t0
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
  call lab_main
park:
  wfi
  j park

/*
 * Machine-mode trap entry: saves the registers a C function may clobber,
 * calls trap_handler(mcause, mepc), restores them and returns.
 */
  .align 2
trap_entry:
  addi sp, sp, -64
  sw ra, 0(sp)
  sw t0, 4(sp)
  sw t1, 8(sp)
  sw t2, 12(sp)
  sw a0, 16(sp)
  sw a1, 20(sp)
  sw a2, 24(sp)
  sw a3, 28(sp)
  sw a4, 32(sp)
  sw a5, 36(sp)
  sw a6, 40(sp)
  sw a7, 44(sp)
  sw t3, 48(sp)
  sw t4, 52(sp)
  sw t5, 56(sp)
  sw t6, 60(sp)
  csrr a0, mcause
  csrr a1, mepc
  call trap_handler
  lw ra, 0(sp)
  lw t0, 4(sp)
  lw t1, 8(sp)
  lw t2, 12(sp)
  lw a0, 16(sp)
  lw a1, 20(sp)
  lw a2, 24(sp)
  lw a3, 28(sp)
  lw a4, 32(sp)
  lw a5, 36(sp)
  lw a6, 40(sp)
  lw a7, 44(sp)
  lw t3, 48(sp)
  lw t4, 52(sp)
  lw t5, 56(sp)
  lw t6, 60(sp)
  addi sp, sp, 64
  mret

  .data
  .align 2
bss_ready:
  .word 0

  .bss
  .align 4
  .space HART_MAX << STACK_SHIFT
stack_top:

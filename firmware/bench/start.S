/*
 * Entry of the benchmark: hart 0 gets a stack, clears .bss and runs main();
 * the other harts wait in WFI forever. Any trap is a failure.
 */
  .section .text.init
  .globl _start
_start:
  bnez a0, park
  la sp, stack_top
  la t0, trap_entry
  csrw mtvec, t0
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:
  call main
  call bench_exit
park:
  wfi
  j park

  .align 2
trap_entry:
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  call bench_trap

  .bss
  .align 4
  .space 64 * 1024
stack_top:

/*
 * entry.S: where harts enter the kernel, in S-mode with translation off.
 * The boot hart comes from the SBI firmware with a0 = hartid and a1 = the
 * device tree; it clears .bss and calls kmain. Secondary harts come from
 * HSM hart_start with a0 = hartid and a1 = their index in cpus[], which
 * picks their stack.
 */
#include "params.h"

  .section .text.init
  .globl _start
_start:
  la sp, cpu_stacks + CPU_STACK_SIZE
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  sw zero, 4(t0)
  sw zero, 8(t0)
  sw zero, 12(t0)
  addi t0, t0, 16
  j 1b
2:
  call kmain
3:
  wfi
  j 3b

  .text
  .globl secondary_entry
  .align 2
secondary_entry:
  addi t0, a1, 1
  li t1, CPU_STACK_SIZE
  mul t0, t0, t1
  la sp, cpu_stacks
  add sp, sp, t0
  call secondary_main
1:
  wfi
  j 1b

  .section .kstack, "aw", @nobits
  .align 12
  .globl cpu_stacks
cpu_stacks:
  .space NCPU * CPU_STACK_SIZE

  .globl kstacks                    /* one kernel stack per process slot (proc.c) */
  .align 12
kstacks:
  .space NPROC * KSTACK_SIZE

/*
 * start.S: ktest's entry and its system call stub, on their own so that
 * the kernel's tests depend on nothing but include/syscall.h and abi.h.
 */
  .section .text.start
  .globl _start
_start:
  call main
  li a7, 1                          /* SYS_exit */
  ecall

/* long syscall(number, a0, a1, a2) */
  .text
  .globl syscall
syscall:
  mv a7, a0
  mv a0, a1
  mv a1, a2
  mv a2, a3
  ecall
  ret

/*
 * start.S: where every user program begins. The kernel enters _start with
 * a0 = argc, a1 = argv and sp just below them (include/abi.h); everything
 * else is zero. Set gp for the linker's gp-relative addressing, then
 * exit(main(argc, argv)).
 */
  .section .text.start
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  call main
  call exit

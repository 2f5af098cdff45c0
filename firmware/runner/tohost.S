/*
 * tohost: follows the riscv-tests convention. It writes TOHOST_VALUE to the
 * `tohost` symbol and spins; the runner exits 0 for 1, else value >> 1.
 */
#include "test.h"

TEST_ENTRY

main:
  la t0, tohost
  li t1, TOHOST_VALUE
  sw t1, 0(t0)
1: j 1b

  .section .tohost, "aw"
  .align 3
  .globl tohost
tohost: .word 0
  .word 0

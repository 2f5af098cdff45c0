/*
 * echo: an interactive console program for the runner's tests. It prints a
 * banner, then sits in a long busy loop before it reads anything (so input
 * piles up far past the UART's 16-byte FIFO and the host must hold it),
 * then echoes each line back as "echo: LINE". The line "quit" powers off.
 */
#include "test.h"

TEST_ENTRY

main:
  PRINT(msg_banner)
  li t0, 2000000                /* let the input pile up */
1: addi t0, t0, -1
  bnez t0, 1b
  la s0, line
  mv s1, s0                     /* s1 = end of the line so far */
read_byte:
  li t0, UART0_BASE
2: lbu t1, UART_LSR(t0)
  andi t1, t1, 1                /* LSR.DR: a byte is waiting */
  beqz t1, 2b
  lbu t1, UART_THR(t0)          /* RBR shares THR's offset */
  li t2, '\n'
  beq t1, t2, end_of_line
  la t2, line_end
  bgeu s1, t2, read_byte        /* drop bytes past the buffer */
  sb t1, 0(s1)
  addi s1, s1, 1
  j read_byte
end_of_line:
  sb zero, 0(s1)
  /* "quit" ends the program */
  la a0, word_quit
  mv a1, s0
3: lbu t1, 0(a0)
  lbu t2, 0(a1)
  bne t1, t2, 4f
  beqz t1, quit
  addi a0, a0, 1
  addi a1, a1, 1
  j 3b
4: PRINT(msg_echo)
  mv a0, s0
  jal s11, test_puts
  PRINT(msg_newline)
  mv s1, s0
  j read_byte
quit:
  PRINT(msg_bye)
  TEST_PASS

  .section .rodata
msg_banner: .asciz "echo ready\n"
msg_echo:   .asciz "echo: "
msg_bye:    .asciz "bye\n"
word_quit:  .asciz "quit"
msg_newline: .asciz "\n"
  .bss
line:      .space 256
line_end:  .space 4

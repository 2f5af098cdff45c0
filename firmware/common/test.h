/*
 * Macros for self-checking assembly programs (the programs in firmware/tests).
 *
 * A program prints what it checks on UART0 and ends through the sifive test
 * finisher: TEST_PASS exits with status 0, TEST_FAIL with the number of the
 * failing check (register gp holds it). The same binary runs on HyperLab and
 * on qemu-system-riscv32 -M virt -bios none, whose output must match.
 *
 * Conventions:
 *  - gp = number of the current check. Number checks 1..254 within a
 *    program: a process exit status keeps only the low 8 bits, so larger
 *    numbers would alias (a number whose low byte is 0 exits with 255 rather
 *    than pretend to pass). Unexpected traps fail with check 0xfff.
 *  - tp, t5, t6 are scratch for the macros and helpers; s11 holds the return
 *    address of the print helpers. Programs keep their data elsewhere.
 *  - A program may declare how the differential test runs it, in a comment
 *    line of its source (see src/machine/conformance.test.ts):
 *        hyperlab-test: harts=4 qemu="-icount shift=0"
 */
#ifndef HYPERLAB_TEST_H
#define HYPERLAB_TEST_H

#define UART0_BASE   0x10000000
#define UART_THR     0
#define UART_LSR     5
#define UART_LSR_THRE 0x20
#define FINISHER     0x100000
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333
#define CLINT_BASE   0x2000000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME  0xbff8
#define PLIC_BASE    0xc000000

/* Exception codes (mcause, interrupt bit clear), privileged spec table 3.6. */
#define CAUSE_MISALIGNED_FETCH  0
#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_MACHINE_ECALL     11

/* Entry: hart 0 runs the program at `main`, other harts wait forever in WFI
 * (programs that use several harts define TEST_MULTIHART and handle
 * a0 = hartid themselves; each hart gets a 4 KiB stack, harts 0..3).
 * A default trap handler reports unexpected traps. */
#ifndef TEST_MULTIHART
#define TEST_ENTRY                      \
  .section .text.init;                  \
  .globl _start;                        \
_start:                                 \
  la sp, _stack_top;                    \
  la t0, test_unexpected_trap;          \
  csrw mtvec, t0;                       \
  bnez a0, test_park;                   \
  j main;                               \
test_park:                              \
  wfi;                                  \
  j test_park;                          \
TEST_COMMON_CODE
#else
#define TEST_ENTRY                      \
  .section .text.init;                  \
  .globl _start;                        \
_start:                                 \
  la sp, _stack_top;                    \
  slli t0, a0, 12;                      \
  sub sp, sp, t0;                       \
  la t0, test_unexpected_trap;          \
  csrw mtvec, t0;                       \
  j main;                               \
TEST_COMMON_CODE
#endif

/* Print the NUL-terminated string at label `str` (clobbers a0, t5, t6, tp). */
#define PRINT(str)  la a0, str; jal s11, test_puts
/* Print register `reg` as 8 hex digits and a newline (clobbers a0, t5, t6, tp). */
#define PRINT_HEX(reg) mv a0, reg; jal s11, test_puthex

/* Check number n: if register `reg` != `expected`, fail with gp = n. */
#define CHECK(n, reg, expected)         \
  li gp, n;                             \
  li t6, expected;                      \
  bne reg, t6, test_fail

/* Check number n: if register `reg` != register `expected`, fail. */
#define CHECK_REG(n, reg, expected)     \
  li gp, n;                             \
  bne reg, expected, test_fail

/* Check n: `op a0, a1, a2` with a1 = a, a2 = b gives `result`. */
#define CHECK_RR(n, op, a, b, result)   \
  li a1, a; li a2, b;                   \
  op a0, a1, a2;                        \
  CHECK(n, a0, result)

/* Check n: `op a0, a1, imm` with a1 = a gives `result`. */
#define CHECK_RI(n, op, a, imm, result) \
  li a1, a;                             \
  op a0, a1, imm;                       \
  CHECK(n, a0, result)

#define TEST_PASS j test_pass
#define TEST_FAIL j test_fail

/*
 * Expected traps. Between TRAP_CAPTURE_ON and TRAP_CAPTURE_OFF a trap does
 * not fail the program: the handler records mcause, mepc and mtval, counts
 * the trap and resumes after the trapping instruction (2 or 4 bytes, read
 * from the halfword at mepc). CHECK_TRAP then checks that exactly one trap
 * happened since the last check, and what it recorded. Clobbers tp, t5, t6.
 */
#define TRAP_CAUSE  0    /* offsets in test_trap_record */
#define TRAP_EPC    4
#define TRAP_TVAL   8
#define TRAP_COUNT  12

#define TRAP_CAPTURE_ON                 \
  la t6, test_trap_record;              \
  sw zero, TRAP_COUNT(t6);              \
  la t6, test_trap_capture;             \
  csrw mtvec, t6

#define TRAP_CAPTURE_OFF                \
  la t6, test_unexpected_trap;          \
  csrw mtvec, t6

/* Check n: one trap with mcause `cause` at label `epc`, mtval the constant
 * `tval`. */
#define CHECK_TRAP(n, cause, epc, tval) \
  TRAP_RECORD_MATCHES(n, cause, epc);   \
  li t5, tval;                          \
  lw t6, TRAP_TVAL(tp);                 \
  bne t6, t5, test_fail_trap;           \
  sw zero, TRAP_COUNT(tp)

/* Check n: one trap with mcause `cause` at label `epc`, mtval equal to
 * register `reg` (a faulting address; not tp, t5 or t6). */
#define CHECK_TRAP_ADDR(n, cause, epc, reg) \
  TRAP_RECORD_MATCHES(n, cause, epc);   \
  lw t6, TRAP_TVAL(tp);                 \
  bne t6, reg, test_fail_trap;          \
  sw zero, TRAP_COUNT(tp)

/* The common part: gp = n, tp = the record, one trap, cause, epc. */
#define TRAP_RECORD_MATCHES(n, cause, epc) \
  li gp, n;                             \
  la tp, test_trap_record;              \
  lw t6, TRAP_COUNT(tp);                \
  li t5, 1;                             \
  bne t6, t5, test_fail_trap;           \
  lw t6, TRAP_CAUSE(tp);                \
  li t5, cause;                         \
  bne t6, t5, test_fail_trap;           \
  lw t6, TRAP_EPC(tp);                  \
  la t5, epc;                           \
  bne t6, t5, test_fail_trap

/* Check n: no trap since the last check. */
#define CHECK_NO_TRAP(n)                \
  li gp, n;                             \
  la tp, test_trap_record;              \
  lw t6, TRAP_COUNT(tp);                \
  bnez t6, test_fail_trap

#define TEST_COMMON_CODE                \
test_puts:                              \
  li t5, UART0_BASE;                    \
1: lbu t6, 0(a0);                       \
  beqz t6, 3f;                          \
2: lbu tp, UART_LSR(t5);                \
  andi tp, tp, UART_LSR_THRE;           \
  beqz tp, 2b;                          \
  sb t6, UART_THR(t5);                  \
  addi a0, a0, 1;                       \
  j 1b;                                 \
3: jr s11;                              \
test_puthex:                            \
  li t5, UART0_BASE;                    \
  li tp, 8;                             \
4: lbu t6, UART_LSR(t5);                \
  andi t6, t6, UART_LSR_THRE;           \
  beqz t6, 4b;                          \
  srli t6, a0, 28;                      \
  slli a0, a0, 4;                       \
  addi t6, t6, -10;                     \
  bltz t6, 5f;                          \
  addi t6, t6, 'a' - '0' - 10;          \
5: addi t6, t6, '0' + 10;               \
  sb t6, UART_THR(t5);                  \
  addi tp, tp, -1;                      \
  bnez tp, 4b;                          \
6: lbu t6, UART_LSR(t5);                \
  andi t6, t6, UART_LSR_THRE;           \
  beqz t6, 6b;                          \
  li t6, '\n';                          \
  sb t6, UART_THR(t5);                  \
  jr s11;                               \
test_pass:                              \
  la a0, test_msg_pass;                 \
  jal s11, test_puts;                   \
  li t0, FINISHER;                      \
  li t1, FINISHER_PASS;                 \
  sw t1, 0(t0);                         \
7: j 7b;                                \
test_fail_trap:                         \
  la a0, test_msg_record;               \
  jal s11, test_puts;                   \
  la s10, test_trap_record;             \
  lw a0, TRAP_COUNT(s10);               \
  jal s11, test_puthex;                 \
  lw a0, TRAP_CAUSE(s10);               \
  jal s11, test_puthex;                 \
  lw a0, TRAP_EPC(s10);                 \
  jal s11, test_puthex;                 \
  lw a0, TRAP_TVAL(s10);                \
  jal s11, test_puthex;                 \
test_fail:                              \
  la a0, test_msg_fail;                 \
  jal s11, test_puts;                   \
  mv a0, gp;                            \
  jal s11, test_puthex;                 \
  li t0, FINISHER;                      \
  andi t1, gp, 0xff;                    \
  bnez t1, 8f;                          \
  li t1, 0xff;                          \
8: slli t1, t1, 16;                     \
  li t2, FINISHER_FAIL;                 \
  or t1, t1, t2;                        \
  sw t1, 0(t0);                         \
9: j 9b;                                \
  .align 2;                             \
test_unexpected_trap:                   \
  la a0, test_msg_trap;                 \
  jal s11, test_puts;                   \
  csrr a0, mcause;                      \
  jal s11, test_puthex;                 \
  csrr a0, mepc;                        \
  jal s11, test_puthex;                 \
  csrr a0, mtval;                       \
  jal s11, test_puthex;                 \
  li gp, 0xfff;                         \
  j test_fail;                          \
  .align 2;                             \
test_trap_capture:                      \
  la t5, test_trap_record;              \
  csrr t6, mcause;                      \
  sw t6, TRAP_CAUSE(t5);                \
  csrr t6, mtval;                       \
  sw t6, TRAP_TVAL(t5);                 \
  lw t6, TRAP_COUNT(t5);                \
  addi t6, t6, 1;                       \
  sw t6, TRAP_COUNT(t5);                \
  csrr t6, mepc;                        \
  sw t6, TRAP_EPC(t5);                  \
  lhu tp, 0(t6);                        \
  andi tp, tp, 3;                       \
  addi tp, tp, -3;                      \
  addi t6, t6, 2;                       \
  bnez tp, 10f;                         \
  addi t6, t6, 2;                       \
10: csrw mepc, t6;                      \
  mret;                                 \
  .pushsection .rodata;                 \
test_msg_pass: .asciz "PASS\n";         \
test_msg_fail: .asciz "FAIL check ";    \
test_msg_trap: .asciz "unexpected trap (mcause, mepc, mtval):\n"; \
test_msg_record: .asciz "trap record (count, mcause, mepc, mtval):\n"; \
  .popsection;                          \
  .pushsection .data;                   \
  .align 2;                             \
test_trap_record: .word 0, 0, 0, 0;     \
  .popsection;                          \
  .pushsection .bss;                    \
  .align 4;                             \
  .space 16384;                         \
_stack_top:                             \
  .popsection

/* Print a line of text given in quotes, e.g. PRINT_LINE "add: ok"
 * (clobbers a0, t5, t6, tp). An assembler macro, so each use gets its own
 * string label. */
.macro PRINT_LINE text
  .pushsection .rodata
.Ltest_line_\@: .ascii "\text"
  .byte 10, 0
  .popsection
  la a0, .Ltest_line_\@
  jal s11, test_puts
.endm

#endif

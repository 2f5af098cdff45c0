/*
 * Helpers for the privileged-architecture test programs in firmware/tests:
 * CSR field names as the privileged specification spells them, a pair of
 * recording trap handlers, and macros to drop to a lower privilege mode and
 * come back. Include after test.h.
 *
 * Register conventions, on top of test.h's (gp = check number; tp, t5, t6,
 * s11 belong to the print macros):
 *   s4  the mode whose handler took the last trap: 3 = M, 1 = S
 *   s5  number of traps the recording handlers have taken
 *   s6  resume address: where the recording handlers continue after a trap
 *   s7  xstatus, s8 xcause, s9 xtval, s10 xepc, as seen on the last trap
 * The recording handlers clobber t6 only (besides s4, s5, s7-s10).
 */
#ifndef HYPERLAB_PRIV_H
#define HYPERLAB_PRIV_H

/* mstatus / sstatus fields */
#define MSTATUS_SIE   0x00000002
#define MSTATUS_MIE   0x00000008
#define MSTATUS_SPIE  0x00000020
#define MSTATUS_UBE   0x00000040
#define MSTATUS_MPIE  0x00000080
#define MSTATUS_SPP   0x00000100
#define MSTATUS_VS    0x00000600
#define MSTATUS_MPP   0x00001800
#define MSTATUS_FS    0x00006000
#define MSTATUS_XS    0x00018000
#define MSTATUS_MPRV  0x00020000
#define MSTATUS_SUM   0x00040000
#define MSTATUS_MXR   0x00080000
#define MSTATUS_TVM   0x00100000
#define MSTATUS_TW    0x00200000
#define MSTATUS_TSR   0x00400000
#define MSTATUS_SD    0x80000000
#define MSTATUS_MPP_U 0x00000000
#define MSTATUS_MPP_S 0x00000800
#define MSTATUS_MPP_M 0x00001800

/* mip / mie bits */
#define MIP_SSIP 0x002
#define MIP_MSIP 0x008
#define MIP_STIP 0x020
#define MIP_MTIP 0x080
#define MIP_SEIP 0x200
#define MIP_MEIP 0x800

/* mcause values (the other exception codes are in test.h) */
#define CAUSE_USER_ECALL          8
#define CAUSE_SUPERVISOR_ECALL    9
#define CAUSE_FETCH_PAGE_FAULT    12
#define CAUSE_LOAD_PAGE_FAULT     13
#define CAUSE_STORE_PAGE_FAULT    15
#define CAUSE_INTERRUPT           0x80000000
#define IRQ_S_SOFT   1
#define IRQ_M_SOFT   3
#define IRQ_S_TIMER  5
#define IRQ_M_TIMER  7
#define IRQ_S_EXT    9
#define IRQ_M_EXT    11

/* Sv32 page-table entries and satp */
#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80
#define SATP_MODE_SV32 0x80000000

/* PMP configuration bits */
#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

/* CLINT registers (hart h: msip at +4h, mtimecmp at +0x4000 + 8h) */
#define CLINT_MSIP 0x0

/* PLIC (QEMU virt layout): context 2h = hart h M-mode, 2h+1 = S-mode */
#define PLIC_PRIORITY     0x000000
#define PLIC_PENDING      0x001000
#define PLIC_ENABLE       0x002000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT      0x200000
#define PLIC_CONTEXT_STRIDE 0x1000
#define PLIC_THRESHOLD    0x0
#define PLIC_CLAIM        0x4
#define UART0_IRQ 10
#define UART_IER 1
#define UART_IIR 2
#define UART_IER_THRI 0x02

/* Open the whole physical address space to S and U through PMP entry 0
 * (QEMU refuses to leave M-mode while no PMP entry is configured). */
#define PMP_OPEN_ALL                    \
  li t0, 0xffffffff;                    \
  csrw pmpaddr0, t0;                    \
  li t0, PMP_NAPOT | PMP_R | PMP_W | PMP_X; \
  csrw pmpcfg0, t0

/* Program start for the privilege tests: PMP open, the recording handlers
 * installed in mtvec and stvec, trap count zero. */
#define PRIV_INIT                       \
  PMP_OPEN_ALL;                         \
  la t0, priv_m_trap;                   \
  csrw mtvec, t0;                       \
  la t0, priv_s_trap;                   \
  csrw stvec, t0;                       \
  la s6, priv_unexpected;               \
  li s5, 0

/* Continue at label `target` in the mode given by `mpp` (MSTATUS_MPP_U, _S
 * or _M), through mret. */
#define GOTO_MODE(mpp, target)          \
  li t6, MSTATUS_MPP;                   \
  csrc mstatus, t6;                     \
  li t6, mpp;                           \
  csrs mstatus, t6;                     \
  la t6, target;                        \
  csrw mepc, t6;                        \
  mret

/* The next trap resumes at label `target` (in M-mode for an M-mode trap, in
 * S-mode for one delegated to S). One-shot: the handlers point s6 back at
 * priv_unexpected, which fails the test, once they have used it. */
#define RESUME_AT(target) la s6, target

/* From S or U (ecall not delegated): back to M-mode at the next instruction.
 * Leaves s8 = the ecall's cause. */
#define BACK_TO_M                       \
  la s6, 99f;                           \
  ecall;                                \
99:

/* a0 = the value of `csr` after writing `value` to it (clobbers t0). */
#define WRITE_READ(csr, value) li t0, value; csrw csr, t0; csrr a0, csr

/* Check number n: (reg & mask) == expected. Clobbers t1. */
#define CHECK_BITS(n, reg, mask, expected) \
  li t1, mask;                          \
  and t1, reg, t1;                      \
  CHECK(n, t1, expected)

/* reg = the 32-bit instruction at `label` (read as two halfwords, as it may
 * be only 2-byte aligned). Clobbers t1. */
#define LOAD_INSN(reg, label)           \
  la reg, label;                        \
  lhu t1, 2(reg);                       \
  lhu reg, 0(reg);                      \
  slli t1, t1, 16;                      \
  or reg, reg, t1

/* Check number n: register `reg` holds the address of `label`. Clobbers t1. */
#define CHECK_ADDR(n, reg, label)       \
  li gp, n;                             \
  la t1, label;                         \
  bne reg, t1, test_fail

/* Check number n: register `reg` holds zero or the address of `label` (the
 * two values the specification allows in mtval for some exceptions).
 * Clobbers t1. */
#define CHECK_ZERO_OR_ADDR(n, reg, label) \
  li gp, n;                             \
  la t1, label;                         \
  beqz reg, 98f;                        \
  bne reg, t1, test_fail;               \
98:

/* Check number n: register `reg` holds the instruction at `label`.
 * Clobbers t1, t2. */
#define CHECK_INSN(n, reg, label)       \
  LOAD_INSN(t2, label);                 \
  li gp, n;                             \
  bne reg, t2, test_fail

/* Check number n: the recording handlers took `count` traps since s5 was
 * last zeroed. */
#define CHECK_TRAPS(n, count) CHECK(n, s5, count)

/* Check the last trap: cause, and the privilege mode it came from (the
 * previous-privilege field of s7, as recorded by the M-mode handler). */
#define CHECK_CAUSE(n, cause) CHECK(n, s8, cause)
#define CHECK_TAKEN_BY_M(n) CHECK(n, s4, 3)
#define CHECK_TAKEN_BY_S(n) CHECK(n, s4, 1)
#define CHECK_MPP(n, mpp)               \
  li t6, MSTATUS_MPP;                   \
  and t6, s7, t6;                       \
  li gp, n;                             \
  li tp, mpp;                           \
  bne t6, tp, test_fail

/* The recording trap handlers. The M-mode one records mstatus, mcause,
 * mtval, mepc and continues in M-mode at s6, with MPRV and MIE clear. The
 * S-mode one records sstatus, scause, stval, sepc and continues in S-mode
 * at s6. priv_unexpected reports the last recorded trap and fails the test
 * (check 0xfff, as test.h's unexpected-trap handler does). */
#define PRIV_COMMON_CODE                \
  .align 6;                             \
priv_m_trap:                            \
  csrr s7, mstatus;                     \
  csrr s8, mcause;                      \
  csrr s9, mtval;                       \
  csrr s10, mepc;                       \
  li s4, 3;                             \
  addi s5, s5, 1;                       \
  csrw mepc, s6;                        \
  la s6, priv_unexpected;               \
  li t6, MSTATUS_MPP;                   \
  csrs mstatus, t6;                     \
  li t6, MSTATUS_MPRV | MSTATUS_MPIE;   \
  csrc mstatus, t6;                     \
  mret;                                 \
  .align 6;                             \
priv_s_trap:                            \
  csrr s7, sstatus;                     \
  csrr s8, scause;                      \
  csrr s9, stval;                       \
  csrr s10, sepc;                       \
  li s4, 1;                             \
  addi s5, s5, 1;                       \
  csrw sepc, s6;                        \
  la s6, priv_unexpected;               \
  li t6, MSTATUS_SPP;                   \
  csrs sstatus, t6;                     \
  sret;                                 \
priv_unexpected:                        \
  la a0, test_msg_trap;                 \
  jal s11, test_puts;                   \
  PRINT_HEX(s8);                        \
  PRINT_HEX(s10);                       \
  PRINT_HEX(s9);                        \
  li gp, 0xfff;                         \
  j test_fail

#endif

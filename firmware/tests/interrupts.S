/*
 * interrupts: the six standard interrupts of one hart and their sources
 * (privileged specification, "Machine-Level ISA": mip, mie, mideleg,
 * mstatus.MIE/SIE, WFI; the CLINT's msip and mtimecmp; the PLIC and the
 * NS16550A UART0 on IRQ 10).
 *
 * Covers: the machine timer (mtimecmp in the past sets MTIP, taken with
 * mcause 0x80000007 when MIE and MTIE are set, cleared by moving mtimecmp
 * into the future); CLINT msip (MSIP, mcause 0x80000003); global enables
 * (mstatus.MIE = 0 holds M interrupts in M-mode, but they are taken in S and
 * U regardless); WFI waking on a pending enabled interrupt with MIE = 0 and
 * carrying on without a trap; SSIP and STIP delegated to S-mode through
 * mideleg (scause 0x80000001, 0x80000005), never taken in M-mode, held by
 * sstatus.SIE in S, taken in U regardless; priority of pending interrupts
 * (MEI > MSI > MTI > SEI > SSI > STI, M-level before S-level; only the
 * cases where QEMU 7.2 agrees with the specification); a PLIC external
 * interrupt from the UART's transmitter-empty interrupt, in hart 0's M
 * context (mcause 0x8000000b) and S context (scause 0x80000009): claim
 * returns 10, complete, threshold masking.
 *
 * Interrupts are logged in order by the handlers below; nothing depends on
 * timing (pending interrupts are polled for, or waited for with WFI).
 */
#include "test.h"
#include "priv.h"

#define CLINT_MTIMECMP0 (CLINT_BASE + CLINT_MTIMECMP)
#define PLIC_PRIORITY_UART (PLIC_BASE + PLIC_PRIORITY + 4 * UART0_IRQ)
#define PLIC_PENDING0  (PLIC_BASE + PLIC_PENDING)
#define PLIC_ENABLE_M  (PLIC_BASE + PLIC_ENABLE + 0 * PLIC_ENABLE_STRIDE)
#define PLIC_ENABLE_S  (PLIC_BASE + PLIC_ENABLE + 1 * PLIC_ENABLE_STRIDE)
#define PLIC_CONTEXT_M (PLIC_BASE + PLIC_CONTEXT + 0 * PLIC_CONTEXT_STRIDE)
#define PLIC_CONTEXT_S (PLIC_BASE + PLIC_CONTEXT + 1 * PLIC_CONTEXT_STRIDE)
#define UART_BIT (1 << UART0_IRQ)
#define ALL_INTERRUPTS (MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP)

/* A log entry: the interrupt's cause number, the mode whose handler took it
 * and the mode it interrupted. */
#define PRV_U 0
#define PRV_S 1
#define PRV_M 3
#define LOG_ENTRY(irq, by, from) ((irq) | ((by) << 8) | ((from) << 12))

/* Check n: the log holds `count` entries. */
#define CHECK_LOG_COUNT(n, count)       \
  lw a0, irq_log_count;                 \
  CHECK(n, a0, count)
/* Check n: log entry `i` is `entry`. */
#define CHECK_LOG(n, i, entry)          \
  la a0, irq_log;                       \
  lw a0, 4 * (i)(a0);                   \
  CHECK(n, a0, entry)
#define CLEAR_LOG                       \
  la t0, irq_log_count;                 \
  sw zero, 0(t0)

/* Wait until (mip & bits) != 0; fail check n if that takes far too long
 * (a missing interrupt, not a slow machine). Clobbers t0, t1, t2. */
#define POLL_MIP(n, bits)               \
  li gp, n;                             \
  li t1, bits;                          \
  li t2, 10000000;                      \
97: csrr t0, mip;                       \
  and t0, t0, t1;                       \
  bnez t0, 98f;                         \
  addi t2, t2, -1;                      \
  beqz t2, test_fail;                   \
  j 97b;                                \
98:

/* Wait until the log has an entry; fail check n if that takes far too
 * long. Clobbers t0, t2. */
#define POLL_LOG(n)                     \
  li gp, n;                             \
  li t2, 10000000;                      \
97: lw t0, irq_log_count;               \
  bnez t0, 98f;                         \
  addi t2, t2, -1;                      \
  beqz t2, test_fail;                   \
  j 97b;                                \
98:

TEST_ENTRY

main:
  PRIV_INIT
  la t0, irq_m_handler
  csrw mtvec, t0
  la t0, irq_s_handler
  csrw stvec, t0
  la t0, irq_m_save
  csrw mscratch, t0
  la t0, irq_s_save
  csrw sscratch, t0
  li t0, CLINT_MTIMECMP0       /* no timer interrupt yet */
  li t1, -1
  sw t1, 4(t0)
  sw t1, 0(t0)
  csrw mie, zero
  csrw mip, zero
  CLEAR_LOG

/* ---- machine timer: mtimecmp = 0 is in the past, MTIP is pending at
 *      once; MIE = 0 holds it; with MIE it is taken (cause 7); the handler
 *      moves mtimecmp to the future, which clears MTIP. ---- */
  li t0, MIP_MTIP
  csrw mie, t0
  li t0, CLINT_MTIMECMP0
  sw zero, 0(t0)
  sw zero, 4(t0)
  POLL_MIP(1, MIP_MTIP)
  CHECK_LOG_COUNT(2, 0)
  csrsi mstatus, MSTATUS_MIE
  csrci mstatus, MSTATUS_MIE
  CHECK_LOG_COUNT(3, 1)
  CHECK_LOG(4, 0, LOG_ENTRY(IRQ_M_TIMER, PRV_M, PRV_M))
  lw a0, irq_last_cause
  CHECK(5, a0, CAUSE_INTERRUPT | IRQ_M_TIMER)
  csrr a0, mip
  CHECK_BITS(6, a0, MIP_MTIP, 0)
  PRINT_LINE "machine timer interrupt: ok"

/* ---- machine software interrupt: CLINT msip = 1 sets MSIP (cause 3); the
 *      handler writes msip = 0. ---- */
  CLEAR_LOG
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, CLINT_BASE + CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  POLL_MIP(7, MIP_MSIP)
  CHECK_LOG_COUNT(8, 0)
  csrsi mstatus, MSTATUS_MIE
  csrci mstatus, MSTATUS_MIE
  CHECK_LOG_COUNT(9, 1)
  CHECK_LOG(10, 0, LOG_ENTRY(IRQ_M_SOFT, PRV_M, PRV_M))
  lw a0, irq_last_cause
  CHECK(11, a0, CAUSE_INTERRUPT | IRQ_M_SOFT)
  csrr a0, mip
  CHECK_BITS(12, a0, MIP_MSIP, 0)
  li t0, CLINT_BASE + CLINT_MSIP
  lw a0, 0(t0)
  CHECK(13, a0, 0)
  PRINT_LINE "machine software interrupt: ok"

/* ---- WFI with MIE = 0: wakes when an enabled interrupt becomes pending
 *      (the timer, 1 ms ahead) and carries on without a trap. The loop
 *      allows WFI to return early, as the specification does. ---- */
  CLEAR_LOG
  li t0, MIP_MTIP
  csrw mie, t0
  li a0, 10000
  jal timer_set_after
1:
  wfi
  csrr t0, mip
  andi t0, t0, MIP_MTIP
  beqz t0, 1b
  CHECK_LOG_COUNT(14, 0)
  li t0, CLINT_MTIMECMP0
  li t1, -1
  sw t1, 4(t0)
  csrr a0, mip
  CHECK_BITS(15, a0, MIP_MTIP, 0)
  PRINT_LINE "wfi wakes with mstatus.MIE = 0: ok"

/* ---- M interrupts are taken in S and U whatever mstatus.MIE says. The
 *      handler returns to the interrupted mode, which then ecalls back. ---- */
  CLEAR_LOG
  li t0, MIP_MSIP
  csrw mie, t0
  li t0, CLINT_BASE + CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  POLL_MIP(16, MIP_MSIP)
  li t0, MSTATUS_MPIE | MSTATUS_MIE  /* mret leaves MIE = MPIE = 0 */
  csrc mstatus, t0
  GOTO_MODE(MSTATUS_MPP_U, 2f)
2:
  BACK_TO_M
  li t0, CLINT_BASE + CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  POLL_MIP(17, MIP_MSIP)
  li t0, MSTATUS_MPIE | MSTATUS_MIE
  csrc mstatus, t0
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  BACK_TO_M
  CHECK_BITS(18, s7, MSTATUS_MPIE, 0) /* MIE was 0 in S */
  CHECK_LOG_COUNT(19, 2)
  CHECK_LOG(20, 0, LOG_ENTRY(IRQ_M_SOFT, PRV_M, PRV_U))
  CHECK_LOG(21, 1, LOG_ENTRY(IRQ_M_SOFT, PRV_M, PRV_S))
  PRINT_LINE "M interrupts taken in S and U with mstatus.MIE = 0: ok"

/* ---- SSIP, STIP delegated through mideleg: never taken in M-mode; in S
 *      held by sstatus.SIE = 0, taken when SIE is set (scause 0x80000001);
 *      in U taken whatever SIE says (scause 0x80000005). ---- */
  CLEAR_LOG
  li t0, MIP_SSIP | MIP_STIP
  csrw mideleg, t0
  csrw mie, t0
  csrs mip, t0                       /* both pending */
  csrsi mstatus, MSTATUS_MIE
  nop
  csrci mstatus, MSTATUS_MIE
  CHECK_LOG_COUNT(22, 0)
  csrci sstatus, MSTATUS_SIE
  li t0, MIP_STIP
  csrc mie, t0                       /* STI waits for U */
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  nop
  lw a0, irq_log_count
  CHECK(23, a0, 0)
  csrsi sstatus, MSTATUS_SIE         /* SSI is taken here */
  csrci sstatus, MSTATUS_SIE
  BACK_TO_M
  CHECK_LOG_COUNT(24, 1)
  li t0, MIP_STIP
  csrs mie, t0
  GOTO_MODE(MSTATUS_MPP_U, 2f)       /* STI is taken at once */
2:
  BACK_TO_M
  CHECK_LOG_COUNT(25, 2)
  CHECK_LOG(26, 0, LOG_ENTRY(IRQ_S_SOFT, PRV_S, PRV_S))
  CHECK_LOG(27, 1, LOG_ENTRY(IRQ_S_TIMER, PRV_S, PRV_U))
  lw a0, irq_last_cause
  CHECK(28, a0, CAUSE_INTERRUPT | IRQ_S_TIMER)
  csrr a0, mip
  CHECK_BITS(29, a0, MIP_SSIP | MIP_STIP, MIP_STIP)
  li t0, MIP_STIP
  csrc mip, t0
  csrw mideleg, zero
  csrw mie, zero
  PRINT_LINE "SSIP and STIP delegated to S: ok"

/* ---- priority. Several pending at once are taken highest priority first
 *      (MEI > MSI > MTI > SEI > SSI > STI), and interrupts for M-mode before
 *      those delegated to S. QEMU 7.2 takes the lowest-numbered pending
 *      interrupt of each privilege level first, which differs from the
 *      specification whenever MEI, or SSI with MTI or SEI, or STI with SEI,
 *      are pending together; only cases where the two agree are checked. ---- */
  /* MSI, MTI and SEI pending in M-mode, none delegated: taken MSI, MTI,
   * SEI once MIE is set. */
  CLEAR_LOG
  li t0, CLINT_BASE + CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, CLINT_MTIMECMP0
  sw zero, 0(t0)
  sw zero, 4(t0)
  li t0, MIP_SEIP
  csrs mip, t0
  li t0, MIP_MSIP | MIP_MTIP | MIP_SEIP
  csrw mie, t0
  POLL_MIP(30, MIP_MSIP)
  POLL_MIP(31, MIP_MTIP)
  csrr a0, mip
  CHECK_BITS(32, a0, ALL_INTERRUPTS, MIP_MSIP | MIP_MTIP | MIP_SEIP)
  csrsi mstatus, MSTATUS_MIE         /* all three are taken here */
  csrci mstatus, MSTATUS_MIE
  CHECK_LOG_COUNT(33, 3)
  CHECK_LOG(34, 0, LOG_ENTRY(IRQ_M_SOFT, PRV_M, PRV_M))
  CHECK_LOG(35, 1, LOG_ENTRY(IRQ_M_TIMER, PRV_M, PRV_M))
  CHECK_LOG(36, 2, LOG_ENTRY(IRQ_S_EXT, PRV_M, PRV_M))
  /* MSI and MTI for M, SSI and STI delegated to S, all pending when U-mode
   * is entered: taken MSI, MTI by M, then SSI, STI by S. */
  CLEAR_LOG
  li t0, MIP_SSIP | MIP_STIP
  csrw mideleg, t0
  csrs mip, t0
  li t0, CLINT_BASE + CLINT_MSIP
  li t1, 1
  sw t1, 0(t0)
  li t0, CLINT_MTIMECMP0
  sw zero, 0(t0)
  sw zero, 4(t0)
  li t0, MIP_MSIP | MIP_MTIP | MIP_SSIP | MIP_STIP
  csrw mie, t0
  POLL_MIP(37, MIP_MSIP)
  POLL_MIP(38, MIP_MTIP)
  GOTO_MODE(MSTATUS_MPP_U, 2f)       /* all four are taken here */
2:
  BACK_TO_M
  CHECK_LOG_COUNT(39, 4)
  CHECK_LOG(40, 0, LOG_ENTRY(IRQ_M_SOFT, PRV_M, PRV_U))
  CHECK_LOG(41, 1, LOG_ENTRY(IRQ_M_TIMER, PRV_M, PRV_U))
  CHECK_LOG(42, 2, LOG_ENTRY(IRQ_S_SOFT, PRV_S, PRV_U))
  CHECK_LOG(43, 3, LOG_ENTRY(IRQ_S_TIMER, PRV_S, PRV_U))
  li t0, MIP_STIP
  csrc mip, t0
  csrr a0, mip
  CHECK_BITS(44, a0, ALL_INTERRUPTS, 0)
  csrw mie, zero
  csrw mideleg, zero
  PRINT_LINE "priority: ok"

/* ---- PLIC, M context: a source pending at priority 1 is masked by
 *      threshold 1 (pending in the PLIC, no MEIP); threshold 0 lets it
 *      through (mcause 0x8000000b); claim returns 10, and 0 when nothing
 *      is pending. ---- */
  CLEAR_LOG
  sw zero, irq_claimed, t0
  jal uart_wait_idle
  li t0, PLIC_PRIORITY_UART
  li t1, 1
  sw t1, 0(t0)
  li t0, PLIC_ENABLE_M
  li t1, UART_BIT
  sw t1, 0(t0)
  li t0, PLIC_CONTEXT_M
  li t1, 1
  sw t1, PLIC_THRESHOLD(t0)
  li t0, MIP_MEIP
  csrw mie, t0
  csrsi mstatus, MSTATUS_MIE
  li t0, UART0_BASE
  li t1, UART_IER_THRI
  sb t1, UART_IER(t0)
  li t0, PLIC_PENDING0               /* wait for the PLIC to see it */
  li t2, 10000000
  li gp, 45
1: lw t1, 0(t0)
  andi t1, t1, UART_BIT
  bnez t1, 2f
  addi t2, t2, -1
  beqz t2, test_fail
  j 1b
2:
  csrr a0, mip
  CHECK_BITS(46, a0, MIP_MEIP, 0)
  CHECK_LOG_COUNT(47, 0)
  li t0, PLIC_CONTEXT_M
  sw zero, PLIC_THRESHOLD(t0)        /* taken from here on */
  POLL_LOG(48)
  csrci mstatus, MSTATUS_MIE
  CHECK_LOG_COUNT(49, 1)
  CHECK_LOG(50, 0, LOG_ENTRY(IRQ_M_EXT, PRV_M, PRV_M))
  lw a0, irq_last_cause
  CHECK(51, a0, CAUSE_INTERRUPT | IRQ_M_EXT)
  lw a0, irq_claimed
  CHECK(52, a0, UART0_IRQ)
  li t0, PLIC_CONTEXT_M
  lw a0, PLIC_CLAIM(t0)
  CHECK(53, a0, 0)
  li t0, PLIC_PENDING0
  lw a0, 0(t0)
  CHECK_BITS(54, a0, UART_BIT, 0)
  csrw mie, zero
  PRINT_LINE "PLIC external interrupt to M: ok"

/* ---- PLIC, S context: the UART enabled in hart 0's S context, SEIP
 *      delegated; taken in S when SIE is set (scause 0x80000009); the S
 *      handler claims (10) and completes through the S context. ---- */
  CLEAR_LOG
  sw zero, irq_claimed, t0
  jal uart_wait_idle
  li t0, PLIC_ENABLE_M
  sw zero, 0(t0)
  li t0, PLIC_ENABLE_S
  li t1, UART_BIT
  sw t1, 0(t0)
  li t0, PLIC_CONTEXT_S
  sw zero, PLIC_THRESHOLD(t0)
  li t0, MIP_SEIP
  csrw mideleg, t0
  csrw mie, t0
  li t0, UART0_BASE
  li t1, UART_IER_THRI
  sb t1, UART_IER(t0)
  POLL_MIP(55, MIP_SEIP)
  csrci sstatus, MSTATUS_SIE
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  csrsi sstatus, MSTATUS_SIE         /* taken here */
  csrci sstatus, MSTATUS_SIE
  BACK_TO_M
  CHECK_LOG_COUNT(56, 1)
  CHECK_LOG(57, 0, LOG_ENTRY(IRQ_S_EXT, PRV_S, PRV_S))
  lw a0, irq_last_cause
  CHECK(58, a0, CAUSE_INTERRUPT | IRQ_S_EXT)
  lw a0, irq_claimed
  CHECK(59, a0, UART0_IRQ)
  csrr a0, mip
  CHECK_BITS(60, a0, MIP_SEIP, 0)
  csrw mie, zero
  csrw mideleg, zero
  li t0, PLIC_ENABLE_S
  sw zero, 0(t0)
  PRINT_LINE "PLIC external interrupt to S: ok"

  TEST_PASS

/* Wait until the UART has sent everything (LSR.TEMT), so that enabling its
 * transmitter-empty interrupt raises it at once. */
uart_wait_idle:
  li t0, UART0_BASE
1: lbu t1, UART_LSR(t0)
  andi t1, t1, 0x40
  beqz t1, 1b
  ret

/* Set mtimecmp to mtime + a0 (a0 > 0). Clobbers t0-t3. */
timer_set_after:
  li t0, CLINT_BASE + CLINT_MTIME
1: lw t2, 4(t0)
  lw t1, 0(t0)
  lw t3, 4(t0)
  bne t2, t3, 1b
  add t1, t1, a0
  sltu t3, t1, a0
  add t2, t2, t3
  li t0, CLINT_MTIMECMP0
  li t3, -1
  sw t3, 0(t0)                       /* no moment where it is in the past */
  sw t2, 4(t0)
  sw t1, 0(t0)
  ret

/* Append LOG_ENTRY(a1 = cause number, t2 = taken-by mode, a0 = interrupted
 * mode) to the log. Clobbers t1, t2, a0. */
irq_log_append:
  slli t2, t2, 8
  or t1, a1, t2
  slli t2, a0, 12
  or t1, t1, t2
  la t2, irq_log_count
  lw a0, 0(t2)
  addi a0, a0, 1
  sw a0, 0(t2)
  slli a0, a0, 2
  add a0, a0, t2                     /* irq_log follows irq_log_count */
  sw t1, 0(a0)
  ret

/* Save and restore the registers the handlers use, in the save area that
 * t0 points at (the interrupted t0 is in mscratch or sscratch). */
#define HANDLER_SAVE                    \
  sw t1, 0(t0);                         \
  sw t2, 4(t0);                         \
  sw a0, 8(t0);                         \
  sw a1, 12(t0);                        \
  sw ra, 16(t0)
#define HANDLER_RESTORE                 \
  lw t1, 0(t0);                         \
  lw t2, 4(t0);                         \
  lw a0, 8(t0);                         \
  lw a1, 12(t0);                        \
  lw ra, 16(t0)

/* M-mode trap handler: exceptions go to the recording handler (priv.h);
 * an interrupt is logged, its source quietened, and execution resumes where
 * it was interrupted. mscratch points at a save area. */
  .align 6
irq_m_handler:
  csrrw t0, mscratch, t0
  HANDLER_SAVE
  csrr a1, mcause
  bltz a1, 1f
  HANDLER_RESTORE                    /* an exception */
  csrrw t0, mscratch, t0
  j priv_m_trap
1:
  sw a1, irq_last_cause, t2
  slli a1, a1, 1
  srli a1, a1, 1                     /* the cause number */
  csrr a0, mstatus
  srli a0, a0, 11
  andi a0, a0, 3                     /* MPP: the interrupted mode */
  li t2, PRV_M
  jal irq_log_append
  /* Quieten the source. */
  li t1, IRQ_M_SOFT
  bne a1, t1, 2f
  li t1, CLINT_BASE + CLINT_MSIP
  sw zero, 0(t1)
2: li t1, IRQ_M_TIMER
  bne a1, t1, 3f
  li t1, CLINT_MTIMECMP0
  li t2, -1
  sw t2, 4(t1)
3: li t1, IRQ_M_EXT
  bne a1, t1, 4f
  li t1, PLIC_CONTEXT_M
  jal plic_claim_and_complete
4: li t1, IRQ_S_SOFT
  bne a1, t1, 5f
  csrci mip, MIP_SSIP
5: li t1, IRQ_S_TIMER
  bne a1, t1, 6f
  li t1, MIP_STIP
  csrc mip, t1
6: li t1, IRQ_S_EXT
  bne a1, t1, 7f
  li t1, MIP_SEIP
  csrc mip, t1
7:
  HANDLER_RESTORE
  csrrw t0, mscratch, t0
  mret

/* S-mode trap handler: as the M-mode one, through sscratch. S cannot clear
 * STIP, so it disables STIE instead. */
  .align 6
irq_s_handler:
  csrrw t0, sscratch, t0
  HANDLER_SAVE
  csrr a1, scause
  bltz a1, 1f
  HANDLER_RESTORE
  csrrw t0, sscratch, t0
  j priv_s_trap
1:
  sw a1, irq_last_cause, t2
  slli a1, a1, 1
  srli a1, a1, 1
  csrr a0, sstatus
  srli a0, a0, 8
  andi a0, a0, 1                     /* SPP: the interrupted mode */
  li t2, PRV_S
  jal irq_log_append
  li t1, IRQ_S_SOFT
  bne a1, t1, 2f
  csrci sip, MIP_SSIP
2: li t1, IRQ_S_TIMER
  bne a1, t1, 3f
  li t1, MIP_STIP
  csrc sie, t1
3: li t1, IRQ_S_EXT
  bne a1, t1, 4f
  li t1, PLIC_CONTEXT_S
  jal plic_claim_and_complete
4:
  HANDLER_RESTORE
  csrrw t0, sscratch, t0
  sret

/* Claim from the PLIC context at t1, note the id in irq_claimed, silence the
 * UART (IER = 0) and complete. Clobbers t2, a0. */
plic_claim_and_complete:
  lw a0, PLIC_CLAIM(t1)
  sw a0, irq_claimed, t2
  li t2, UART0_BASE
  sb zero, UART_IER(t2)
  sw a0, PLIC_CLAIM(t1)
  ret

PRIV_COMMON_CODE

  .data
  .align 2
irq_last_cause: .word 0
irq_claimed:    .word 0
irq_log_count:  .word 0
irq_log:        .space 4 * 16
irq_m_save:     .space 20
irq_s_save:     .space 20

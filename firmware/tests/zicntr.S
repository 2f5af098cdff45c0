/*
 * zicntr.S: the base counters and timers (unprivileged spec, chapter
 * "Zicntr": cycle, time, instret and their high halves), read in M-mode.
 *
 *   readable     rdcycle[h], rdtime[h], rdinstret[h] do not trap in M-mode,
 *                whatever mcounteren says (it gates lower modes only)
 *   instret      advances by exactly the number of instructions retired
 *                between two reads: straight-line code, 16-bit instructions,
 *                a loop
 *   64 bits      each counter read as hi, lo, hi (retrying when the high
 *                half moved) never goes backwards, and cycle advances
 *   time         advances, and the time CSR shows the CLINT's mtime:
 *                time <= mtime <= time for reads in that order
 *
 * Exact instret deltas need an exact count on the reference too: QEMU's
 * instret is the host's cycle counter unless it runs with -icount, hence:
 *   hyperlab-test: qemu="-icount shift=0"
 * (Traps are left out: QEMU -icount counts an ECALL as retired, against the
 * privileged spec, which says ECALL and EBREAK do not retire.)
 */
#include "test.h"

TEST_ENTRY

  .text
  .option norvc
  .option norelax

/* hi:lo = the 64-bit counter read by `rd` / `rdh` (clobbers t0). */
#define READ64(rd, rdh, hi, lo)         \
1: rdh hi;                              \
  rd lo;                                \
  rdh t0;                               \
  bne hi, t0, 1b

/* Check n: hi1:lo1 <= hi2:lo2, unsigned 64-bit. */
#define CHECK_NOT_BEFORE(n, hi1, lo1, hi2, lo2) \
  li gp, n;                             \
  bltu hi2, hi1, test_fail;             \
  bne hi2, hi1, 1f;                     \
  bltu lo2, lo1, test_fail;             \
1:

main:
  PRINT_LINE "zicntr: counters and timers"

/* ---- Readable in M-mode, mcounteren = 0 or not ------------------------------ */
  TRAP_CAPTURE_ON
  csrw mcounteren, zero
  rdcycle a0
  rdcycleh a0
  rdtime a0
  rdtimeh a0
  rdinstret a0
  rdinstreth a0
  li a1, 7                      /* CY, TM, IR */
  csrw mcounteren, a1
  rdcycle a0
  rdtime a0
  rdinstret a0
  CHECK_NO_TRAP(1)
  TRAP_CAPTURE_OFF
  PRINT_LINE "readable in M-mode: ok"

/* ---- instret: exact deltas -------------------------------------------------- */
  rdinstret a0                  /* the first read retires, the second not yet */
  rdinstret a1
  sub a1, a1, a0
  CHECK(2, a1, 1)

  rdinstret a0
  nop
  nop
  nop
  nop
  nop
  addi x0, x0, 0
  add a2, a2, a2
  lui a3, 1
  lw a3, -4(sp)
  sw a3, -4(sp)
  rdinstret a1                  /* 1 read + 10 */
  sub a1, a1, a0
  CHECK(3, a1, 11)

  rdinstret a0                  /* 16-bit instructions count one each */
  .option push
  .option rvc
  c.nop
  c.li a2, 3
  c.addi a2, 1
  c.mv a3, a2
  .option pop
  rdinstret a1
  sub a1, a1, a0
  CHECK(4, a1, 5)

  rdinstret a0                  /* a loop: 1 + 1 + 100 * 2 */
  li a2, 100
1:
  addi a2, a2, -1
  bnez a2, 1b
  rdinstret a1
  sub a1, a1, a0
  CHECK(5, a1, 202)

  rdinstret a0                  /* taken and untaken jumps, a call */
  j 1f
1:
  beq zero, zero, 2f
2:
  bne zero, zero, 3f
3:
  jal ra, 4f
  j 5f
4:
  ret
5:
  rdinstret a1                  /* read j beq bne jal ret j */
  sub a1, a1, a0
  CHECK(6, a1, 7)
  PRINT_LINE "instret exact: ok"

/* ---- 64-bit reads never go backwards ---------------------------------------- */
  READ64(rdinstret, rdinstreth, s0, s1)
  READ64(rdinstret, rdinstreth, s2, s3)
  CHECK_NOT_BEFORE(7, s0, s1, s2, s3)
  li gp, 8
  bne s0, s2, 1f
  beq s1, s3, test_fail         /* instret moved */
1:
  READ64(rdcycle, rdcycleh, s0, s1)
  li a2, 100
1:
  addi a2, a2, -1
  bnez a2, 1b
  READ64(rdcycle, rdcycleh, s2, s3)
  CHECK_NOT_BEFORE(9, s0, s1, s2, s3)
  li gp, 10
  bne s0, s2, 1f
  beq s1, s3, test_fail         /* cycle moved */
1:
  READ64(rdtime, rdtimeh, s0, s1)
  READ64(rdtime, rdtimeh, s2, s3)
  CHECK_NOT_BEFORE(11, s0, s1, s2, s3)
  PRINT_LINE "64-bit counters: ok"

/* ---- time advances, and it is the CLINT's mtime ----------------------------- */
  rdtime s0
  li a2, 0x400000               /* a bounded wait */
1:
  rdtime s1
  bne s1, s0, 2f
  addi a2, a2, -1
  bnez a2, 1b
  li gp, 12
  j test_fail
2:
  li s2, CLINT_BASE + CLINT_MTIME
  rdtime s0
  lw s3, 0(s2)
  rdtime s1
  sub a0, s3, s0                /* 0 <= mtime - t0 <= t1 - t0 (mod 2^32) */
  sub a1, s1, s0
  li gp, 13
  bltu a1, a0, test_fail
  PRINT_LINE "time: ok"

  TEST_PASS

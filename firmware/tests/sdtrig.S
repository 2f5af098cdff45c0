/*
 * sdtrig: the debug triggers (RISC-V Debug Specification, chapter
 * "Sdtrig": tselect, tdata1, tdata2, tdata3, tinfo; mcontrol, type 2, and
 * mcontrol6, type 6, with action 0, a breakpoint exception), as QEMU 7.2's
 * virt machine has them.
 *
 * Covers: the WARL read-backs QEMU 7.2 gives and HyperLab copies: two
 * triggers, both type 2 and disabled at reset; tinfo = 0x44 (types 2 and
 * 6, version 0) for both and ignoring writes; tselect ignoring writes of 2
 * or more (it keeps its value); tdata1 keeping, for type 2, sizelo, M, S, U,
 * execute, store, load (dmode, maskmax, hit, select, timing, action, chain
 * and match read 0) and, for type 6, VS, VU, size 0, 1, 2, 3 or 5 (any other
 * size reads 0) and the same mode and access bits; a write of type 3, 4, 5,
 * 7 or 15 leaves tdata1 as it was; tdata2 holding any value; tdata3 reading
 * 0 whatever is written; tcontrol, mcontext, scontext, hcontext and
 * mscontext missing (illegal instruction); the trigger CSRs illegal from
 * HS-mode and VS-mode. Execute triggers (4-byte and compressed
 * instructions, size 0 and the instruction's own size) and load and store
 * triggers (LB/LH/LW, SB/SH/SW, LR as a load, SC as a store, AMOs as both)
 * with match = 0: the breakpoint exception (cause 3) is taken before the
 * instruction, which does not happen: mepc = its address, mtval = 0 (QEMU
 * 7.2 writes zero, which the specification allows: zero or the address).
 * An execute trigger fires before a fetch that faults and before the
 * instruction's own exception (ecall); an address next to tdata2 (the
 * word before and after, the byte before) does not match. Mode filtering:
 * M, S, U for type 2 (never in VS or VU), M, S, U, VS, VU for type 6, for
 * execute, load and store triggers, in M, HS, U, VS and VU; an M-mode load
 * with MPRV = 1 counts as M-mode. Two triggers at once. Triggers match
 * virtual addresses (Sv32, a megapage alias of the same physical memory).
 * The breakpoint delegated through medeleg to HS-mode, and through hedeleg
 * on to VS-mode (xtval = 0).
 *
 * QEMU 7.2 departs from the specification in these cases, which this
 * program does not reach (HyperLab follows the specification there):
 *  - a write of 0 to tdata1 is ignored; the specification requires that it
 *    disable the trigger (HyperLab keeps the type and clears the rest), so
 *    this program disables a trigger by writing its type with no mode bits;
 *  - a write of type 1 or 8 to 14 to tdata1 aborts QEMU;
 *  - load and store matches are by overlap with a window starting at
 *    tdata2: 4 bytes for a size-0 type 2 trigger, 8 bytes for a size-0 type
 *    6 trigger, and as many bytes as the size code (1, 2, 3 or 5) otherwise,
 *    so a byte load at tdata2 + 1, a word load at tdata2 + 4 (type 6) or a
 *    word load with size = 1 fire on QEMU; the specification matches when
 *    tdata2 is one of the addresses accessed and the access has the size
 *    the size field names; misaligned accesses are split into aligned ones
 *    before matching;
 *  - execute triggers ignore the size field;
 *  - while trigger 0 is type 2, no trigger fires in VS or VU (trigger 1 of
 *    type 6 with VS or VU set should);
 *  - with two execute triggers, one fires at the other's address when the
 *    mode matches the other's mode bits (likewise for load and store
 *    triggers at one address with different access bits);
 *  - a load or store trigger on a page that faults: the page fault comes
 *    first (the specification puts the breakpoint first).
 * Neither has tcontrol, so an M-mode trigger also fires in an M-mode trap
 * handler, and nothing stops a trigger while mstatus.MIE = 0.
 *
 *   hyperlab-test: qemu="-cpu rv32,h=true"
 */
#include "test.h"
#include "priv.h"
#include "hyp.h"

#define RAM_BASE      0x80000000
#define HIGH_ALIAS    0xc0000000     /* Sv32 megapage alias of RAM_BASE */
#define NOTHING_THERE 0x01000000     /* no device and no memory */

/* tdata1 (RV32): type in bits 31:28; mcontrol / mcontrol6 fields. */
#define TDATA1_MCONTROL   0x20000000
#define TDATA1_MCONTROL6  0x60000000
#define TDATA1_DMODE      0x08000000
#define MCONTROL_LOAD     0x00000001
#define MCONTROL_STORE    0x00000002
#define MCONTROL_EXECUTE  0x00000004
#define MCONTROL_U        0x00000008
#define MCONTROL_S        0x00000010
#define MCONTROL_M        0x00000040
#define MCONTROL_SIZE_8   0x00010000  /* sizelo / size = 1: 8-bit accesses */
#define MCONTROL_SIZE_16  0x00020000
#define MCONTROL_SIZE_32  0x00030000
#define MCONTROL6_SIZE_48 0x00040000  /* not supported: reads back as 0 */
#define MCONTROL6_SIZE_64 0x00050000
#define MCONTROL6_VU      0x00800000
#define MCONTROL6_VS      0x01000000
#define TINFO_MCONTROL_MCONTROL6 0x44

/* Missing trigger CSRs, by number (the assembler knows not all names). */
#define CSR_TCONTROL  0x7a5
#define CSR_MCONTEXT  0x7a8
#define CSR_MSCONTEXT 0x7aa
#define CSR_HCONTEXT  0x6a8
#define CSR_SCONTEXT  0x5a8

#define M_ALL_KINDS   (MCONTROL_LOAD | MCONTROL_STORE | MCONTROL_EXECUTE)

/* Select trigger `index`, set tdata2 = register `address`, tdata1 =
 * `control`. Clobbers t0. */
#define ARM(index, control, address)    \
  li t0, index;                         \
  csrw tselect, t0;                     \
  csrw tdata2, address;                 \
  li t0, control;                       \
  csrw tdata1, t0

/* Arm trigger 0 with `control` on the first instruction the next TRY_IN
 * runs (its label 92). Clobbers t0, t1. */
#define ARM_AT_TRY(control)             \
  la t1, 92f;                           \
  ARM(0, control, t1)

/* Disable trigger `index`: its type with no mode bits (QEMU 7.2 ignores a
 * write of 0). Clobbers t0. */
#define DISARM(index, type)             \
  li t0, index;                         \
  csrw tselect, t0;                     \
  li t0, type;                          \
  csrw tdata1, t0

/* Check n: tdata1 reads `expected` after `value` is written to it. */
#define TDATA1_READS(n, value, expected) \
  WRITE_READ(tdata1, value);            \
  CHECK(n, a0, expected)

/* Check n: the instruction is illegal in the mode `gomode` enters (mtval =
 * its bits). */
#define ILLEGAL_IN(n, gomode, ...)      \
  TRY_IN(gomode, __VA_ARGS__);          \
  CHECK_TRAPPED(n, CAUSE_ILLEGAL_INSTRUCTION)

/* TRY_IN's mode switch for M-mode itself: the ecall is then cause 11. */
#define GOTO_M(target) j target

/* Check n: the first of the instructions raised a breakpoint in the mode
 * `gomode` enters, taken in M-mode with mepc = that instruction, mtval 0. */
#define FIRES_IN(n, gomode, ...)        \
  TRY_IN(gomode, __VA_ARGS__);          \
  CHECK_ONE_TRAP(n, TAKEN_M, CAUSE_BREAKPOINT, 92b); \
  CHECK(n, s9, 0)

/* Check n: the instructions ran in that mode without a trigger firing:
 * the ecall after them trapped, with `cause`. */
#define RUNS_IN(n, gomode, cause, ...)  \
  TRY_IN(gomode, __VA_ARGS__);          \
  CHECK_RAN(n, cause)

/* The ecall causes of each mode, for RUNS_IN. */
#define ECALL_M  CAUSE_MACHINE_ECALL
#define ECALL_HS CAUSE_SUPERVISOR_ECALL
#define ECALL_U  CAUSE_USER_ECALL
#define ECALL_VS CAUSE_VS_ECALL
#define ECALL_VU CAUSE_USER_ECALL

/* Check n: with trigger 0 set to `control` on the load below, the load
 * fires in the modes whose FIRE_ / RUN_ argument says so. */
#define FIRE(n, gomode, ecall) FIRES_IN(n, gomode, lw a0, 0(s0))
#define RUN(n, gomode, ecall)  RUNS_IN(n, gomode, ecall, lw a0, 0(s0))
#define LOAD_MODES(n, control, m, hs, u, vs, vu) \
  ARM(0, control, s0);                  \
  m(n, GOTO_M, ECALL_M);                \
  hs(n, GOTO_HS, ECALL_HS);             \
  u(n, GOTO_U, ECALL_U);                \
  vs(n, GOTO_VS, ECALL_VS);             \
  vu(n, GOTO_VU, ECALL_VU)

TEST_ENTRY

main:
  HYP_INIT
  la s0, trigger_data

/* ---- Reset state and enumeration: two triggers, type 2, disabled;
 *      tinfo = types 2 and 6; tselect keeps its value on a write of 2 or
 *      more. ---- */
  csrr a0, tselect
  CHECK(1, a0, 0)
  csrr a0, tdata1
  CHECK(2, a0, TDATA1_MCONTROL)
  csrr a0, tdata2
  CHECK(3, a0, 0)
  csrr a0, tdata3
  CHECK(4, a0, 0)
  csrr a0, tinfo
  CHECK(5, a0, TINFO_MCONTROL_MCONTROL6)
  WRITE_READ(tselect, 1)
  CHECK(6, a0, 1)
  csrr a0, tdata1
  CHECK(7, a0, TDATA1_MCONTROL)
  csrr a0, tinfo
  CHECK(8, a0, TINFO_MCONTROL_MCONTROL6)
  WRITE_READ(tselect, 2)
  CHECK(9, a0, 1)
  WRITE_READ(tselect, 0xffffffff)
  CHECK(10, a0, 1)
  WRITE_READ(tselect, 0)
  CHECK(11, a0, 0)
  PRINT_LINE "reset: 2 triggers, type 2, disabled; tinfo 0x44; tselect stops at 1: ok"

/* ---- tdata1 WARL: the fields each type keeps. ---- */
  TDATA1_READS(12, 0x2fffffff, 0x2003005f)
  TDATA1_READS(13, TDATA1_MCONTROL | TDATA1_DMODE | MCONTROL_M | MCONTROL_EXECUTE,
    TDATA1_MCONTROL | MCONTROL_M | MCONTROL_EXECUTE)  /* dmode reads 0 */
  TDATA1_READS(14, 0x6fffffff, 0x6180005f)
  TDATA1_READS(15, TDATA1_MCONTROL6 | MCONTROL6_SIZE_48, TDATA1_MCONTROL6)
  TDATA1_READS(16, TDATA1_MCONTROL6 | MCONTROL6_SIZE_64 | MCONTROL6_VS,
    TDATA1_MCONTROL6 | MCONTROL6_SIZE_64 | MCONTROL6_VS)
  TDATA1_READS(17, 0x6fe7ffbf, 0x6180001f)   /* size 7 is not supported */
  /* Unsupported types: tdata1 stays as it was. */
  TDATA1_READS(18, 0x3000ffff, 0x6180001f)
  TDATA1_READS(19, 0x4000ffff, 0x6180001f)
  TDATA1_READS(20, 0x5000ffff, 0x6180001f)
  TDATA1_READS(21, 0x7000ffff, 0x6180001f)
  TDATA1_READS(22, 0xffffffff, 0x6180001f)
  /* Back to type 2: the type 6 fields go. */
  TDATA1_READS(23, 0x21ffffff, 0x2003005f)
  DISARM(0, TDATA1_MCONTROL)
  csrr a0, tdata1
  CHECK(24, a0, TDATA1_MCONTROL)
  /* Each trigger has its own tdata1 and tdata2. */
  WRITE_READ(tdata2, 0xffffffff)
  CHECK(25, a0, 0xffffffff)
  li t0, 1
  csrw tselect, t0
  WRITE_READ(tdata2, 0x12345678)
  CHECK(26, a0, 0x12345678)
  TDATA1_READS(27, TDATA1_MCONTROL6, TDATA1_MCONTROL6)
  csrw tselect, zero
  csrr a0, tdata2
  CHECK(28, a0, 0xffffffff)
  csrr a0, tdata1
  CHECK(29, a0, TDATA1_MCONTROL)
  /* tdata3 (textra) reads 0; tinfo ignores writes. */
  WRITE_READ(tdata3, 0xffffffff)
  CHECK(30, a0, 0)
  WRITE_READ(tinfo, 0)
  CHECK(31, a0, TINFO_MCONTROL_MCONTROL6)
  PRINT_LINE "tdata1, tdata2, tdata3, tinfo: WARL read-backs: ok"

/* ---- CSRs that are not there (illegal, mtval = the instruction), and the
 *      trigger CSRs from HS-mode and VS-mode (M-level: illegal). ---- */
  ILLEGAL_IN(32, GOTO_M, csrr a0, CSR_TCONTROL)
  ILLEGAL_IN(33, GOTO_M, csrr a0, CSR_MCONTEXT)
  ILLEGAL_IN(34, GOTO_M, csrr a0, CSR_MSCONTEXT)
  ILLEGAL_IN(35, GOTO_M, csrr a0, CSR_HCONTEXT)
  ILLEGAL_IN(36, GOTO_M, csrr a0, CSR_SCONTEXT)
  ILLEGAL_IN(37, GOTO_HS, csrr a0, tselect)
  ILLEGAL_IN(38, GOTO_HS, csrw tdata1, zero)
  ILLEGAL_IN(39, GOTO_VS, csrr a0, tinfo)
  ILLEGAL_IN(40, GOTO_U, csrr a0, tdata2)
  PRINT_LINE "tcontrol, mcontext, scontext: none; trigger CSRs from HS, VS, U: illegal: ok"

/* ---- Execute triggers in M-mode: the breakpoint comes before the
 *      instruction (which does not run), mepc = its address, mtval = 0;
 *      the instruction right after the CSR write that arms the trigger is
 *      caught. ---- */
  li a1, 0
  la t1, 1f
  li t0, TDATA1_MCONTROL | MCONTROL_M | MCONTROL_EXECUTE
  csrw tdata2, t1
  li s5, 0
  RESUME_AT(2f)
  csrw tdata1, t0
1:
  .option push
  .option norvc
  addi a1, a1, 1
  .option pop
2:
  CHECK_ONE_TRAP(41, TAKEN_M, CAUSE_BREAKPOINT, 1b)
  CHECK(42, s9, 0)
  CHECK(43, a1, 0)
  CHECK_MPP(44, MSTATUS_MPP_M)
  /* A compressed instruction; type 6 with the 16-bit size. */
  ARM_AT_TRY(TDATA1_MCONTROL6 | MCONTROL_M | MCONTROL_EXECUTE)
  FIRES_IN(45, GOTO_M, c.addi a1, 1)
  ARM_AT_TRY(TDATA1_MCONTROL6 | MCONTROL_SIZE_16 | MCONTROL_M | MCONTROL_EXECUTE)
  FIRES_IN(46, GOTO_M, c.addi a1, 1)
  CHECK(47, a1, 0)
  /* A 4-byte instruction with the 32-bit size. */
  ARM_AT_TRY(TDATA1_MCONTROL | MCONTROL_SIZE_32 | MCONTROL_M | MCONTROL_EXECUTE)
  FIRES_IN(48, GOTO_M, .option push; .option norvc; addi a1, a1, 1; .option pop)
  /* Its second half is not an instruction address: nothing fires. */
  la t1, 92f + 2
  ARM(0, TDATA1_MCONTROL | MCONTROL_M | MCONTROL_EXECUTE, t1)
  RUNS_IN(49, GOTO_M, ECALL_M, .option push; .option norvc; addi a1, a1, 1; .option pop)
  CHECK(50, a1, 1)
  /* Before the instruction's own exception: an ecall. */
  ARM_AT_TRY(TDATA1_MCONTROL | MCONTROL_M | MCONTROL_EXECUTE)
  FIRES_IN(51, GOTO_M, ecall)
  /* Before the fetch: at an address where nothing is (an access fault
   * otherwise). */
  li t1, NOTHING_THERE
  ARM(0, TDATA1_MCONTROL | MCONTROL_M | MCONTROL_EXECUTE, t1)
  li s5, 0
  RESUME_AT(1f)
  jr t1
1:
  CHECK_TRAPS(52, 1)
  CHECK_CAUSE(53, CAUSE_BREAKPOINT)
  CHECK(54, s10, NOTHING_THERE)
  li s5, 0
  li t1, NOTHING_THERE + 4          /* the trigger is not there: access fault */
  RESUME_AT(1f)
  jr t1
1:
  CHECK_TRAPS(55, 1)
  CHECK_CAUSE(56, CAUSE_FETCH_ACCESS)
  DISARM(0, TDATA1_MCONTROL)
  PRINT_LINE "execute triggers in M-mode: before the instruction, mepc = pc, mtval 0: ok"

/* ---- Load and store triggers in M-mode (size 0): any access at tdata2
 *      fires before it happens; the other kind of access does not; the
 *      word before and after and the byte before do not match. ---- */
  ARM(0, TDATA1_MCONTROL | MCONTROL_M | MCONTROL_LOAD, s0)
  li a0, 0
  FIRES_IN(57, GOTO_M, lw a0, 0(s0))
  CHECK(58, a0, 0)                  /* the load did not happen */
  FIRES_IN(59, GOTO_M, lb a0, 0(s0))
  FIRES_IN(60, GOTO_M, lhu a0, 0(s0))
  li a1, 0x12121212
  RUNS_IN(61, GOTO_M, ECALL_M, lw a0, 4(s0); lw a0, -4(s0); lbu a0, -1(s0); lw a0, 8(s0); sw a1, 0(s0))
  DISARM(0, TDATA1_MCONTROL)
  lw a0, 0(s0)
  CHECK(62, a0, 0x12121212)         /* the store did happen */
  li a0, 0x11111111
  sw a0, 0(s0)
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_M | MCONTROL_STORE, s0)
  li a0, 0x5a5a5a5a
  FIRES_IN(63, GOTO_M, sw a0, 0(s0))
  lw a1, 0(s0)
  CHECK(64, a1, 0x11111111)         /* the store did not happen */
  FIRES_IN(65, GOTO_M, sb a0, 0(s0))
  FIRES_IN(66, GOTO_M, sh a0, 0(s0))
  RUNS_IN(67, GOTO_M, ECALL_M, lw a1, 0(s0); sw a0, -4(s0); sb a0, -1(s0); sw a0, 8(s0))
  lw a1, -4(s0)
  CHECK(68, a1, 0x5a5a5a5a)
  /* Sizes: 8-bit accesses only; 32-bit accesses only. */
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_SIZE_8 | MCONTROL_M | MCONTROL_LOAD, s0)
  FIRES_IN(69, GOTO_M, lbu a0, 0(s0))
  RUNS_IN(70, GOTO_M, ECALL_M, lbu a0, 1(s0); lbu a0, -1(s0))
  ARM(0, TDATA1_MCONTROL | MCONTROL_SIZE_32 | MCONTROL_M | MCONTROL_LOAD, s0)
  FIRES_IN(71, GOTO_M, lw a0, 0(s0))
  RUNS_IN(72, GOTO_M, ECALL_M, lbu a0, 3(s0); lw a0, 4(s0))
  PRINT_LINE "load and store triggers in M-mode: before the access, mtval 0: ok"

/* ---- The A extension: LR is a load, SC a store, an AMO both. ---- */
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_M | MCONTROL_LOAD, s0)
  FIRES_IN(73, GOTO_M, lr.w a0, (s0))
  FIRES_IN(74, GOTO_M, amoadd.w a0, a1, (s0))
  li a1, 0x11111111
  RUNS_IN(75, GOTO_M, ECALL_M, sw a1, 0(s0))
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_M | MCONTROL_STORE, s0)
  li a0, 0
  TRY_IN(GOTO_M, lr.w a0, (s0); 93: sc.w a0, a0, (s0))
  CHECK_ONE_TRAP(76, TAKEN_M, CAUSE_BREAKPOINT, 93b)
  FIRES_IN(77, GOTO_M, amoswap.w a0, a1, (s0))
  FIRES_IN(78, GOTO_M, amoor.w a0, a1, (s0))
  lw a0, 0(s0)
  CHECK(79, a0, 0x11111111)         /* none of them stored */
  PRINT_LINE "LR, SC, AMO: loads and stores to the triggers: ok"

/* ---- Two triggers at once: a load trigger and a store trigger on two
 *      words, each firing on its own. ---- */
  addi a1, s0, 8
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_M | MCONTROL_LOAD, s0)
  ARM(1, TDATA1_MCONTROL6 | MCONTROL_M | MCONTROL_STORE, a1)
  FIRES_IN(80, GOTO_M, lw a0, 0(s0))
  RUNS_IN(81, GOTO_M, ECALL_M, lw a0, 8(s0); sw a1, 0(s0))
  FIRES_IN(82, GOTO_M, sw a0, 8(s0))
  FIRES_IN(83, GOTO_M, lb a0, 0(s0))
  DISARM(1, TDATA1_MCONTROL6)
  PRINT_LINE "two triggers at once: ok"

/* ---- Modes: a load trigger of each mode bit, the load tried in M, HS, U,
 *      VS and VU. Type 2 never fires in VS or VU (it has no VS and VU
 *      bits). Trigger 0 is the one used (QEMU 7.2 fires no trigger in VS
 *      or VU while trigger 0 is type 2). ---- */
  LOAD_MODES(84, TDATA1_MCONTROL | MCONTROL_M | MCONTROL_LOAD, FIRE, RUN, RUN, RUN, RUN)
  LOAD_MODES(85, TDATA1_MCONTROL | MCONTROL_S | MCONTROL_LOAD, RUN, FIRE, RUN, RUN, RUN)
  LOAD_MODES(86, TDATA1_MCONTROL | MCONTROL_U | MCONTROL_LOAD, RUN, RUN, FIRE, RUN, RUN)
  LOAD_MODES(87, TDATA1_MCONTROL | MCONTROL_M | MCONTROL_S | MCONTROL_U | MCONTROL_LOAD,
    FIRE, FIRE, FIRE, RUN, RUN)
  PRINT_LINE "type 2 modes: M, S, U; never VS, VU: ok"
  LOAD_MODES(88, TDATA1_MCONTROL6 | MCONTROL_M | MCONTROL_LOAD, FIRE, RUN, RUN, RUN, RUN)
  LOAD_MODES(89, TDATA1_MCONTROL6 | MCONTROL_S | MCONTROL_LOAD, RUN, FIRE, RUN, RUN, RUN)
  LOAD_MODES(90, TDATA1_MCONTROL6 | MCONTROL_U | MCONTROL_LOAD, RUN, RUN, FIRE, RUN, RUN)
  LOAD_MODES(91, TDATA1_MCONTROL6 | MCONTROL6_VS | MCONTROL_LOAD, RUN, RUN, RUN, FIRE, RUN)
  LOAD_MODES(92, TDATA1_MCONTROL6 | MCONTROL6_VU | MCONTROL_LOAD, RUN, RUN, RUN, RUN, FIRE)
  LOAD_MODES(93, TDATA1_MCONTROL6 | MCONTROL6_VS | MCONTROL6_VU | MCONTROL_U | MCONTROL_LOAD,
    RUN, RUN, FIRE, FIRE, FIRE)
  PRINT_LINE "type 6 modes: M, S, U, VS, VU: ok"
  /* Execute and store triggers from the lower modes. */
  ARM_AT_TRY(TDATA1_MCONTROL | MCONTROL_U | MCONTROL_EXECUTE)
  FIRES_IN(94, GOTO_U, addi a1, a1, 1)
  ARM_AT_TRY(TDATA1_MCONTROL | MCONTROL_U | MCONTROL_EXECUTE)
  RUNS_IN(95, GOTO_HS, ECALL_HS, addi a1, a1, 1)
  ARM_AT_TRY(TDATA1_MCONTROL6 | MCONTROL6_VS | MCONTROL_EXECUTE)
  FIRES_IN(96, GOTO_VS, addi a1, a1, 1)
  ARM_AT_TRY(TDATA1_MCONTROL6 | MCONTROL6_VS | MCONTROL_EXECUTE)
  RUNS_IN(97, GOTO_VU, ECALL_VU, addi a1, a1, 1)
  ARM_AT_TRY(TDATA1_MCONTROL6 | MCONTROL6_VU | MCONTROL_EXECUTE)
  FIRES_IN(98, GOTO_VU, addi a1, a1, 1)
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_S | MCONTROL_STORE, s0)
  FIRES_IN(99, GOTO_HS, sw a1, 0(s0))
  RUNS_IN(100, GOTO_VS, ECALL_VS, sw a1, 0(s0))
  ARM(0, TDATA1_MCONTROL6 | MCONTROL6_VS | MCONTROL_STORE, s0)
  FIRES_IN(101, GOTO_VS, sh a1, 0(s0))
  RUNS_IN(102, GOTO_HS, ECALL_HS, sh a1, 0(s0))
  /* M-mode with MPRV = 1 and MPP = U is still M-mode to a trigger. */
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_U | MCONTROL_LOAD, s0)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  li s5, 0
  csrs mstatus, t0
  lw a0, 0(s0)
  csrc mstatus, t0
  CHECK_TRAPS(103, 0)
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_M | MCONTROL_LOAD, s0)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  li s5, 0
  RESUME_AT(1f)
  csrs mstatus, t0
93:
  lw a0, 0(s0)
1:
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK_ONE_TRAP(104, TAKEN_M, CAUSE_BREAKPOINT, 93b)
  PRINT_LINE "execute and store triggers in U, HS, VS, VU; MPRV loads are M-mode's: ok"

/* ---- Virtual addresses: with Sv32 in HS-mode, a trigger on the alias of
 *      a word (or of an instruction) fires through the alias only, not
 *      through the identity mapping of the same physical memory. ---- */
  la t0, page_table
  srli t0, t0, 12
  li t1, SATP_MODE_SV32
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li t0, HIGH_ALIAS - RAM_BASE
  add s1, s0, t0                    /* the word's alias */
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_S | MCONTROL_LOAD, s1)
  FIRES_IN(105, GOTO_HS, lw a0, 0(s1))
  RUNS_IN(106, GOTO_HS, ECALL_HS, lw a0, 0(s0))
  la t1, alias_code
  li t0, HIGH_ALIAS - RAM_BASE
  add t1, t1, t0
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_S | MCONTROL_EXECUTE, t1)
  mv a2, t1
  RUNS_IN(107, GOTO_HS, ECALL_HS, jal alias_code)
  TRY_IN(GOTO_HS, jalr a2)
  CHECK_ONE_TRAP(108, TAKEN_M, CAUSE_BREAKPOINT, alias_code + HIGH_ALIAS - RAM_BASE)
  csrw satp, zero
  sfence.vma
  PRINT_LINE "triggers match virtual addresses (Sv32): ok"

/* ---- Delegation: medeleg[3] sends the breakpoint to HS-mode (scause 3,
 *      stval 0, sepc = the load); with hedeleg[3] too, one from VU goes to
 *      VS-mode (vscause 3, vstval 0). ---- */
  li t0, 1 << CAUSE_BREAKPOINT
  csrw medeleg, t0
  ARM(0, TDATA1_MCONTROL6 | MCONTROL_U | MCONTROL6_VU | MCONTROL_LOAD, s0)
  TRY_IN(GOTO_U, lw a0, 0(s0))
  CHECK_ONE_TRAP(109, TAKEN_HS, CAUSE_BREAKPOINT, 92b)
  CHECK(110, s9, 0)
  BACK_TO_M
  TRY_IN(GOTO_VU, lw a0, 0(s0))
  CHECK_ONE_TRAP(111, TAKEN_HS, CAUSE_BREAKPOINT, 92b)
  CHECK_HSTATUS(112, HSTATUS_SPV)
  BACK_TO_M
  li t0, 1 << CAUSE_BREAKPOINT
  csrw hedeleg, t0
  li s5, 0
  RESUME_AT(91f)
  GOTO_VU(92f)
92:
  lw a0, 0(s0)
  ecall
91:
  CHECK_ONE_TRAP(113, TAKEN_VS, CAUSE_BREAKPOINT, 92b)
  CHECK(114, s9, 0)
  RESUME_AT(1f)
  ecall                              /* from VS (not delegated): to M */
1:
  csrw hedeleg, zero
  csrw medeleg, zero
  DISARM(0, TDATA1_MCONTROL)
  PRINT_LINE "breakpoints delegated to HS and VS: ok"

  TEST_PASS

/* An instruction the execute trigger watches through its alias; returns. */
alias_code:
  ret

HYP_COMMON_CODE

  .data
  .align 4
  .word 0x0badf00d
trigger_data:
  .word 0x11111111, 0x22222222, 0x33333333, 0x44444444

/* Sv32 root table: megapages for the finisher (0x0), UART0 (0x10000000),
 * this program (0x80000000, identity) and its alias at 0xc0000000; all
 * supervisor pages, RWX, A and D set. */
#define MEGAPAGE(pa) (((pa) >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
  .align 12
page_table:
  .word MEGAPAGE(0x00000000)
  .fill (0x10000000 >> 22) - 1, 4, 0
  .word MEGAPAGE(0x10000000)
  .fill (0x80000000 >> 22) - (0x10000000 >> 22) - 1, 4, 0
  .word MEGAPAGE(0x80000000)
  .fill (HIGH_ALIAS >> 22) - (0x80000000 >> 22) - 1, 4, 0
  .word MEGAPAGE(0x80000000)
  .fill 1024 - (HIGH_ALIAS >> 22) - 1, 4, 0

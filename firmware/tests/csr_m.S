/*
 * csr_m: the machine- and supervisor-level CSRs as registers, read and
 * written from M-mode (privileged specification, chapters "Machine-Level
 * ISA" and "Supervisor-Level ISA").
 *
 * Covers: misa; mstatus and mstatush writable fields and WARL MPP; medeleg,
 * mideleg writable masks; mie, mip writable bits; mtvec direct and vectored
 * (mode WARL); mepc, mcause, mtval, mscratch; mcounteren; menvcfg(h);
 * mhartid and the read-only ID registers (writing them is illegal); PMP
 * configuration and address registers as WARL, and locked entries; the S-mode
 * views sstatus, sie, sip; stvec, sepc, scause, stval, sscratch, satp,
 * scounteren, senvcfg.
 *
 * Only what the specification fixes is asserted. Fields that depend on
 * optional extensions (F, D, V, H, Zicbo*, Sstc, Sscofpmf: QEMU's default
 * rv32 CPU has several of them) are masked out, and so is what QEMU 7.2 does
 * differently from the specification (mepc/sepc bit 0 reads back as written;
 * mstatus.MPP keeps the reserved value 2; medeleg bit 11 is writable).
 */
#include "test.h"
#include "priv.h"

/* Fields that exist only with F, V or custom extensions (FS, VS, XS, SD). */
#define MSTATUS_EXT_FIELDS (MSTATUS_FS | MSTATUS_VS | MSTATUS_XS | MSTATUS_SD)
/* mstatus fields an M/S/U hart without those extensions must implement. */
#define MSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | \
  MSTATUS_SPP | MSTATUS_MPP | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR |            \
  MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
/* The fields sstatus shows (UBE is read-only zero on a little-endian hart). */
#define SSTATUS_FIELDS (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)
#define MSTATUS_M_ONLY (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV | \
  MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)

/* misa letters */
#define MISA_MXL32 0x40000000
#define MISA_A (1 << 0)
#define MISA_C (1 << 2)
#define MISA_D (1 << 3)
#define MISA_F (1 << 5)
#define MISA_H (1 << 7)
#define MISA_I (1 << 8)
#define MISA_M (1 << 12)
#define MISA_S (1 << 18)
#define MISA_U (1 << 20)
#define MISA_OPTIONAL (MISA_D | MISA_F | MISA_H)
#define MISA_EXPECTED (MISA_MXL32 | MISA_I | MISA_M | MISA_A | MISA_C | MISA_S | MISA_U)

/* Exceptions S-mode must be able to take (0-9, 12, 13, 15); bit 10 and
 * 20-23 belong to H, bit 11 (ecall from M) cannot be delegated. */
#define MEDELEG_DELEGABLE 0x0000b3ff
#define MEDELEG_UNASSERTED 0x00f00c00
#define S_INTERRUPTS (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define M_INTERRUPTS (MIP_MSIP | MIP_MTIP | MIP_MEIP)
/* Interrupt bits 0-11 without those of the H extension (VSSIP, VSTIP,
 * VSEIP: bits 2, 6, 10). */
#define NON_H_INTERRUPTS 0xbbb

#define MENVCFG_FIOM 0x1
#define SATP_PPN 0x003fffff

TEST_ENTRY

main:
  PRIV_INIT
  /* No timer interrupt pending: mtimecmp far in the future. */
  li t0, CLINT_BASE + CLINT_MTIMECMP
  li t1, -1
  sw t1, 4(t0)
  sw t1, 0(t0)

/* ---- misa: RV32 (MXL = 1) with I, M, A, C, S, U; nothing else but the
 *      optional F, D, H. ---- */
  csrr a0, misa
  CHECK_BITS(1, a0, 0xc0000000, MISA_MXL32)
  CHECK_BITS(2, a0, ~MISA_OPTIONAL, MISA_EXPECTED)
  PRINT_LINE "misa: ok"

/* ---- mstatus: every M/S field writable, reserved bits zero; MPP holds
 *      each legal mode; mstatush has no writable endianness bits. ---- */
  WRITE_READ(mstatus, 0xffffffff)
  CHECK_BITS(3, a0, ~MSTATUS_EXT_FIELDS, MSTATUS_WRITABLE)
  WRITE_READ(mstatus, 0)
  CHECK_BITS(4, a0, ~MSTATUS_EXT_FIELDS, 0)
  WRITE_READ(mstatus, MSTATUS_MPP_S)
  CHECK_BITS(5, a0, MSTATUS_MPP, MSTATUS_MPP_S)
  WRITE_READ(mstatus, MSTATUS_MPP_M)
  CHECK_BITS(6, a0, MSTATUS_MPP, MSTATUS_MPP_M)
  WRITE_READ(mstatus, MSTATUS_MPP_U)
  CHECK_BITS(7, a0, MSTATUS_MPP, MSTATUS_MPP_U)
  /* MPP = 2 is reserved: the value read must be legal by the specification,
   * but QEMU 7.2 keeps 2, so only the writes around it are checked. */
  WRITE_READ(mstatus, MSTATUS_SUM | MSTATUS_MXR)
  CHECK_BITS(8, a0, ~MSTATUS_EXT_FIELDS, MSTATUS_SUM | MSTATUS_MXR)
  csrw mstatus, zero
  /* mstatush: MBE and SBE read-only zero (little-endian hart); bits 6 and 7
   * (GVA, MPV) belong to the H extension. */
  WRITE_READ(mstatush, 0xffffffff)
  CHECK_BITS(9, a0, ~0xc0, 0)
  csrw mstatush, zero
  CHECK_TRAPS(10, 0)
  PRINT_LINE "mstatus: ok"

/* ---- medeleg, mideleg: delegable exceptions and S-level interrupts are
 *      writable; M-level interrupts are not. ---- */
  WRITE_READ(medeleg, 0xffffffff)
  CHECK_BITS(11, a0, ~MEDELEG_UNASSERTED, MEDELEG_DELEGABLE)
  WRITE_READ(medeleg, 0)
  CHECK(12, a0, 0)
  PRINT_LINE "medeleg: ok"
  WRITE_READ(mideleg, 0xffffffff)
  CHECK_BITS(13, a0, S_INTERRUPTS | M_INTERRUPTS, S_INTERRUPTS)
  WRITE_READ(mideleg, 0)
  CHECK_BITS(14, a0, S_INTERRUPTS | M_INTERRUPTS, 0)
  PRINT_LINE "mideleg: ok"

/* ---- mie, mip: all six standard enables writable, bits 0, 4, 8 zero; in
 *      mip only SSIP, STIP, SEIP are software-writable (MTIP is clear as
 *      mtimecmp is in the future). ---- */
  WRITE_READ(mie, 0xffffffff)
  CHECK_BITS(15, a0, NON_H_INTERRUPTS, 0xaaa)
  WRITE_READ(mie, 0)
  CHECK_BITS(16, a0, NON_H_INTERRUPTS, 0)
  PRINT_LINE "mie: ok"
  WRITE_READ(mip, 0xffffffff)
  CHECK_BITS(17, a0, NON_H_INTERRUPTS, S_INTERRUPTS)
  WRITE_READ(mip, 0)
  CHECK_BITS(18, a0, NON_H_INTERRUPTS, 0)
  CHECK_TRAPS(19, 0)
  PRINT_LINE "mip: ok"

/* ---- mtvec: direct (mode 0) and vectored (mode 1); modes 2 and 3 are
 *      reserved, the mode read back is a legal one. ---- */
  la s0, priv_m_trap
  csrw mtvec, s0
  csrr a0, mtvec
  li gp, 20
  bne a0, s0, test_fail
  ori s1, s0, 1
  csrw mtvec, s1
  csrr a0, mtvec
  li gp, 21
  bne a0, s1, test_fail
  ori s1, s0, 2
  csrw mtvec, s1
  csrr a0, mtvec
  CHECK_BITS(22, a0, 2, 0)
  ori s1, s0, 3
  csrw mtvec, s1
  csrr a0, mtvec
  CHECK_BITS(23, a0, 2, 0)
  csrw mtvec, s0
  PRINT_LINE "mtvec: ok"

/* ---- mepc (bit 0 is zero by the specification; QEMU 7.2 keeps it, so it
 *      is not checked; bit 1 is writable with C), mcause, mtval, mscratch:
 *      read/write. ---- */
  WRITE_READ(mepc, 0xffffffff)
  CHECK_BITS(24, a0, ~1, 0xfffffffe)
  WRITE_READ(mepc, 0x80000002)
  CHECK(25, a0, 0x80000002)
  PRINT_LINE "mepc: ok"
  WRITE_READ(mcause, CAUSE_INTERRUPT | IRQ_M_TIMER)
  CHECK(26, a0, CAUSE_INTERRUPT | IRQ_M_TIMER)
  WRITE_READ(mcause, CAUSE_ILLEGAL_INSTRUCTION)
  CHECK(27, a0, CAUSE_ILLEGAL_INSTRUCTION)
  PRINT_LINE "mcause: ok"
  WRITE_READ(mtval, 0xdeadbeef)
  CHECK(28, a0, 0xdeadbeef)
  WRITE_READ(mtval, 0)
  CHECK(29, a0, 0)
  PRINT_LINE "mtval: ok"
  WRITE_READ(mscratch, 0xffffffff)
  CHECK(30, a0, 0xffffffff)
  WRITE_READ(mscratch, 0x12345678)
  CHECK(31, a0, 0x12345678)
  PRINT_LINE "mscratch: ok"

/* ---- mcounteren (CY, TM, IR writable), menvcfg (FIOM writable). ---- */
  WRITE_READ(mcounteren, 0xffffffff)
  CHECK_BITS(32, a0, 7, 7)
  WRITE_READ(mcounteren, 0)
  CHECK(33, a0, 0)
  PRINT_LINE "mcounteren: ok"
  WRITE_READ(menvcfg, 0xffffffff)
  CHECK_BITS(34, a0, MENVCFG_FIOM, MENVCFG_FIOM)
  WRITE_READ(menvcfg, 0)
  CHECK(35, a0, 0)
  WRITE_READ(menvcfgh, 0)
  CHECK(36, a0, 0)
  CHECK_TRAPS(37, 0)
  PRINT_LINE "menvcfg: ok"

/* ---- mhartid = 0 on hart 0; mvendorid, marchid, mimpid readable (values
 *      differ between machines); all four are read-only: writing one is an
 *      illegal instruction, mtval = the instruction. ---- */
  csrr a0, mhartid
  CHECK(38, a0, 0)
  csrr a0, mvendorid
  csrr a0, marchid
  csrr a0, mimpid
  CHECK_TRAPS(39, 0)
  RESUME_AT(1f)
write_mhartid:
  csrw mhartid, zero
1:
  CHECK(40, s5, 1)
  CHECK_CAUSE(41, CAUSE_ILLEGAL_INSTRUCTION)
  la t0, write_mhartid
  li gp, 42
  bne s10, t0, test_fail
  lw t0, write_mhartid
  li gp, 43
  bne s9, t0, test_fail
  RESUME_AT(1f)
  csrw mvendorid, zero
1:
  CHECK(44, s5, 2)
  CHECK_CAUSE(45, CAUSE_ILLEGAL_INSTRUCTION)
  csrs marchid, zero          /* csrs with x0 does not write: no trap */
  csrsi mimpid, 0             /* csrsi with 0 does not write: no trap */
  csrr a0, mimpid
  CHECK(46, s5, 2)
  PRINT_LINE "mhartid and ID registers: ok"
  li s5, 0

/* ---- PMP: pmpaddr0-15 hold any value (granularity 4 bytes); pmpcfg0-3
 *      hold the R, W, X, A, L fields; a locked entry ignores writes to its
 *      configuration and address, and a locked TOR entry also locks the
 *      address register below it. Entry 0 (NAPOT, everything, RWX) stays
 *      first, so no other entry decides an access. ---- */
  li s0, 0x12345678
  .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  csrw pmpaddr\n, s0
  csrr a0, pmpaddr\n
  li gp, 47
  bne a0, s0, test_fail
  addi s0, s0, 0x111
  .endr
  /* Entries 1-15: every field but L, with R W X combinations that are not
   * reserved (W without R is). */
  li s0, 0x1d0b091f
  csrw pmpcfg0, s0
  csrr a0, pmpcfg0
  li gp, 48
  bne a0, s0, test_fail
  li s0, 0x0d19011c
  csrw pmpcfg1, s0
  csrr a0, pmpcfg1
  li gp, 49
  bne a0, s0, test_fail
  li s0, 0x1f0f1b0b
  csrw pmpcfg2, s0
  csrr a0, pmpcfg2
  li gp, 50
  bne a0, s0, test_fail
  li s0, 0x00081309
  csrw pmpcfg3, s0
  csrr a0, pmpcfg3
  li gp, 51
  bne a0, s0, test_fail
  /* Lock entry 15 as TOR over [0x40000000, 0x40001000), where nothing is. */
  li t0, 0x40000000 >> 2
  csrw pmpaddr14, t0
  li t0, 0x40001000 >> 2
  csrw pmpaddr15, t0
  li t0, 0x8900000b           /* entry 15 = L | TOR | R; entry 12 = TOR R W */
  csrw pmpcfg3, t0
  csrw pmpcfg3, zero          /* only entries 12-14 change */
  csrr a0, pmpcfg3
  CHECK(52, a0, 0x89000000)
  csrw pmpaddr15, zero
  csrr a0, pmpaddr15
  CHECK(53, a0, 0x40001000 >> 2)
  csrw pmpaddr14, zero
  csrr a0, pmpaddr14
  CHECK(54, a0, 0x40000000 >> 2)
  csrw pmpaddr13, zero
  csrr a0, pmpaddr13
  CHECK(55, a0, 0)
  /* Leave entries 1-14 off. */
  li t0, 0x1f
  csrw pmpcfg0, t0
  csrw pmpcfg1, zero
  csrw pmpcfg2, zero
  csrr a0, pmpcfg0
  CHECK(56, a0, 0x1f)
  CHECK_TRAPS(57, 0)
  PRINT_LINE "pmpcfg and pmpaddr: ok"

/* ---- sstatus: a view of mstatus showing only the S fields; writing it
 *      leaves the M fields alone. ---- */
  li t0, MSTATUS_WRITABLE
  csrw mstatus, t0
  csrr a0, sstatus
  CHECK_BITS(58, a0, ~MSTATUS_EXT_FIELDS, SSTATUS_FIELDS)
  csrw sstatus, zero
  csrr a0, mstatus
  CHECK_BITS(59, a0, ~MSTATUS_EXT_FIELDS, MSTATUS_M_ONLY)
  li t0, 0xffffffff
  csrw sstatus, t0
  csrr a0, mstatus
  CHECK_BITS(60, a0, ~MSTATUS_EXT_FIELDS, MSTATUS_WRITABLE)
  csrw mstatus, zero
  csrw sstatus, t0
  csrr a0, mstatus
  CHECK_BITS(61, a0, ~MSTATUS_EXT_FIELDS, SSTATUS_FIELDS)
  csrw mstatus, zero
  PRINT_LINE "sstatus: ok"

/* ---- sie, sip: views of mie and mip for the interrupts delegated in
 *      mideleg, read-only zero for the others; in sip only SSIP is
 *      writable. ---- */
  li t0, S_INTERRUPTS | M_INTERRUPTS
  csrw mie, t0
  csrw mideleg, zero
  csrr a0, sie
  CHECK(62, a0, 0)
  li t0, S_INTERRUPTS
  csrw mideleg, t0
  csrr a0, sie
  CHECK_BITS(63, a0, NON_H_INTERRUPTS, S_INTERRUPTS)
  csrw sie, zero
  csrr a0, mie
  CHECK_BITS(64, a0, NON_H_INTERRUPTS, M_INTERRUPTS)
  li t0, MIP_STIP
  csrw sie, t0
  csrr a0, mie
  CHECK_BITS(65, a0, NON_H_INTERRUPTS, M_INTERRUPTS | MIP_STIP)
  csrw mie, zero
  PRINT_LINE "sie: ok"
  li t0, S_INTERRUPTS
  csrw mip, t0
  csrr a0, sip
  CHECK_BITS(66, a0, NON_H_INTERRUPTS, S_INTERRUPTS)
  csrw sip, zero
  csrr a0, mip
  CHECK_BITS(67, a0, NON_H_INTERRUPTS, MIP_STIP | MIP_SEIP)
  li t0, MIP_SSIP
  csrw sip, t0
  csrr a0, mip
  CHECK_BITS(68, a0, NON_H_INTERRUPTS, S_INTERRUPTS)
  csrw mideleg, zero
  csrr a0, sip
  CHECK(69, a0, 0)
  csrw mip, zero
  CHECK_TRAPS(70, 0)
  PRINT_LINE "sip: ok"

/* ---- stvec, sepc, scause, stval, sscratch. ---- */
  la s0, priv_s_trap
  csrw stvec, s0
  csrr a0, stvec
  li gp, 71
  bne a0, s0, test_fail
  ori s1, s0, 1
  csrw stvec, s1
  csrr a0, stvec
  li gp, 72
  bne a0, s1, test_fail
  ori s1, s0, 3
  csrw stvec, s1
  csrr a0, stvec
  CHECK_BITS(73, a0, 2, 0)
  csrw stvec, s0
  PRINT_LINE "stvec: ok"
  WRITE_READ(sepc, 0xffffffff)
  CHECK_BITS(74, a0, ~1, 0xfffffffe)
  WRITE_READ(sepc, 0x80000002)
  CHECK(75, a0, 0x80000002)
  WRITE_READ(scause, CAUSE_INTERRUPT | IRQ_S_TIMER)
  CHECK(76, a0, CAUSE_INTERRUPT | IRQ_S_TIMER)
  WRITE_READ(scause, CAUSE_LOAD_PAGE_FAULT)
  CHECK(77, a0, CAUSE_LOAD_PAGE_FAULT)
  WRITE_READ(stval, 0xcafef00d)
  CHECK(78, a0, 0xcafef00d)
  WRITE_READ(sscratch, 0x87654321)
  CHECK(79, a0, 0x87654321)
  PRINT_LINE "sepc scause stval sscratch: ok"

/* ---- satp: MODE (bit 31: bare or Sv32, the only two on RV32) and the root
 *      page number read back; ASID bits are optional and not checked. ---- */
  WRITE_READ(satp, SATP_MODE_SV32 | 0x80010)
  CHECK_BITS(80, a0, SATP_MODE_SV32 | SATP_PPN, SATP_MODE_SV32 | 0x80010)
  WRITE_READ(satp, 0x80123)
  CHECK_BITS(81, a0, SATP_MODE_SV32 | SATP_PPN, 0x80123)
  WRITE_READ(satp, 0)
  CHECK(82, a0, 0)
  PRINT_LINE "satp: ok"

/* ---- scounteren (CY, TM, IR writable), senvcfg (FIOM writable). ---- */
  WRITE_READ(scounteren, 0xffffffff)
  CHECK_BITS(83, a0, 7, 7)
  WRITE_READ(scounteren, 0)
  CHECK(84, a0, 0)
  WRITE_READ(senvcfg, 0xffffffff)
  CHECK_BITS(85, a0, MENVCFG_FIOM, MENVCFG_FIOM)
  WRITE_READ(senvcfg, 0)
  CHECK(86, a0, 0)
  CHECK_TRAPS(87, 0)
  PRINT_LINE "scounteren and senvcfg: ok"

  TEST_PASS

PRIV_COMMON_CODE


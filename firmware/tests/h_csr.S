/*
 * h_csr: the hypervisor extension's CSRs as registers (privileged
 * specification, chapter "H Extension": "Hypervisor and Virtual Supervisor
 * CSRs" and "Machine-Level CSRs").
 *
 * Covers: misa.H; the writable fields of hstatus; the masks of hedeleg
 * (0xb1ff) and hideleg (VS-level interrupts only); hvip, hip and mip as
 * aliases (VSSIP writable through all three, VSTIP and VSEIP only through
 * hvip), hie and mie; sip and sie not showing the VS-level bits; vsie and
 * vsip as hie and hip shifted down one bit, present only where hideleg
 * delegates; hgeie and hgeip zero (GEILEN = 0); hcounteren; htimedelta(h);
 * henvcfg.FIOM; htval, mtval2, mtinst holding guest physical addresses and
 * pseudoinstructions; hgatp MODE, VMID (VMIDLEN bits from the least
 * significant up) and PPN; mstatush.MPV and GVA; the VS CSRs (vsstatus,
 * vstvec, vsscratch, vsepc, vscause, vstval, vsatp); the VS CSRs standing in
 * for the S CSRs when V=1 (read and written from VS-mode, the HS-level ones
 * untouched); the time CSR in VS-mode and VU-mode offset by htimedelta.
 *
 * Not asserted, where QEMU 7.2 departs from the specification: hstatus bits
 * outside the defined fields (VGEIN, reserved bits) and vsstatus bits outside
 * SIE, SPIE, SPP, SUM, MXR read back as written; hgatp PPN[1:0] reads back
 * as written in Sv32x4 mode; mip.VSTIP and mip.VSEIP are writable through
 * mip; vsip.STIP and vsip.SEIP read zero while hip.VSTIP, hip.VSEIP are
 * pending and delegated; vstvec keeps the reserved modes 2 and 3; htinst
 * ignores writes (reads zero); in VS-mode, sie and sip read zero in the bits
 * where mideleg does not delegate the S-level interrupt (the test delegates
 * them). hie.SGEIE is writable on both machines though
 * no guest external interrupt can become pending (GEILEN = 0), and is not
 * asserted either. Fields of optional extensions QEMU's rv32 CPU has (F, D,
 * Zicbo*, Svpbmt, Sstc, Sscofpmf) are masked out.
 *
 *   hyperlab-test: qemu="-cpu rv32,h=true"
 */
#include "test.h"
#include "priv.h"
#include "hyp.h"

#define MISA_S (1 << 18)
#define MISA_U (1 << 20)
#define HEDELEG_WRITABLE 0xb1ff
#define SSTATUS_FIELDS (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR)
#define HENVCFG_FIOM 1
#define NOT_SGEI (~MIP_SGEIP)

/* Values the VS-mode view test puts in the VS and the HS-level CSRs. */
#define VS_SCRATCH  0x11111111
#define HS_SCRATCH  0x22222222
#define VS_EPC      0x80000104
#define VS_TVAL     0x33333333
#define VS_CAUSE    13
#define VS_ATP      0x00401234   /* MODE = Bare: the guest runs untranslated */
#define VS_STATUS   (MSTATUS_SUM | MSTATUS_SPIE)
#define HS_STATUS   (MSTATUS_MXR)
#define VS_WRITTEN  0x44444444

/* htimedelta for the time test: 2^48 + 2^30. */
#define DELTA_LOW  0x40000000
#define DELTA_HIGH 0x00010000

TEST_ENTRY

main:
  HYP_INIT
  /* No machine timer interrupt pending: mtimecmp far in the future. */
  li t0, CLINT_BASE + CLINT_MTIMECMP
  li t1, -1
  sw t1, 4(t0)
  sw t1, 0(t0)

/* ---- misa: H, with the S and U modes it needs. ---- */
  csrr a0, misa
  CHECK_BITS(1, a0, MISA_H | MISA_S | MISA_U, MISA_H | MISA_S | MISA_U)
  PRINT_LINE "misa.H: ok"

/* ---- hstatus: VTSR, VTW, VTVM, HU, SPVP, SPV, GVA writable. ---- */
  WRITE_READ(hstatus, 0xffffffff)
  CHECK_BITS(2, a0, HSTATUS_FIELDS, HSTATUS_FIELDS)
  WRITE_READ(hstatus, 0)
  CHECK_BITS(3, a0, HSTATUS_FIELDS, 0)
  WRITE_READ(hstatus, HSTATUS_SPVP | HSTATUS_VTW)
  CHECK_BITS(4, a0, HSTATUS_FIELDS, HSTATUS_SPVP | HSTATUS_VTW)
  csrw hstatus, zero
  PRINT_LINE "hstatus: ok"

/* ---- hedeleg: exceptions 0-8, 12, 13, 15 delegable to VS; ecalls from
 *      HS, VS, M, guest-page faults and virtual instruction are not.
 *      hideleg: the VS-level interrupts only. ---- */
  WRITE_READ(hedeleg, 0xffffffff)
  CHECK(5, a0, HEDELEG_WRITABLE)
  WRITE_READ(hedeleg, 0)
  CHECK(6, a0, 0)
  WRITE_READ(hideleg, 0xffffffff)
  CHECK(7, a0, MIP_VS_ALL)
  WRITE_READ(hideleg, 0)
  CHECK(8, a0, 0)
  PRINT_LINE "hedeleg, hideleg: ok"

/* ---- hvip, hip, mip: hvip sets the three VS-level bits, hip and mip show
 *      them; sip does not. hip.VSSIP and mip.VSSIP write hvip.VSSIP; hip
 *      cannot clear VSTIP or VSEIP. ---- */
  WRITE_READ(hvip, 0xffffffff)
  CHECK(9, a0, MIP_VS_ALL)
  csrr a0, hip
  CHECK(10, a0, MIP_VS_ALL)
  csrr a0, mip
  CHECK_BITS(11, a0, MIP_VS_ALL, MIP_VS_ALL)
  csrr a0, sip
  CHECK_BITS(12, a0, MIP_VS_ALL, 0)
  WRITE_READ(hip, 0)
  CHECK(13, a0, MIP_VSTIP | MIP_VSEIP)
  csrr a0, hvip
  CHECK(14, a0, MIP_VSTIP | MIP_VSEIP)
  WRITE_READ(hvip, 0)
  CHECK(15, a0, 0)
  WRITE_READ(hip, 0xffffffff)
  CHECK(16, a0, MIP_VSSIP)
  csrr a0, hvip
  CHECK(17, a0, MIP_VSSIP)
  csrr a0, mip
  CHECK_BITS(18, a0, MIP_VS_ALL, MIP_VSSIP)
  csrw hip, zero
  csrr a0, hvip
  CHECK(19, a0, 0)
  li t0, MIP_VSSIP
  csrs mip, t0
  csrr a0, hvip
  CHECK(20, a0, MIP_VSSIP)
  csrc mip, t0
  csrr a0, hip
  CHECK(21, a0, 0)
  PRINT_LINE "hvip, hip, mip: ok"

/* ---- hie, mie: hie's VS-level enables are mie's; sie does not show
 *      them; hie has no S-level or M-level bits. ---- */
  WRITE_READ(hie, 0xffffffff)
  CHECK_BITS(22, a0, NOT_SGEI, MIP_VS_ALL)
  csrr a0, mie
  CHECK_BITS(23, a0, MIP_VS_ALL, MIP_VS_ALL)
  csrr a0, sie
  CHECK_BITS(24, a0, MIP_VS_ALL, 0)
  WRITE_READ(hie, 0)
  CHECK(25, a0, 0)
  csrr a0, mie
  CHECK_BITS(26, a0, MIP_VS_ALL, 0)
  li t0, MIP_VSTIP | MIP_SSIP
  csrw mie, t0
  csrr a0, hie
  CHECK(27, a0, MIP_VSTIP)
  csrw mie, zero
  PRINT_LINE "hie, mie: ok"

/* ---- vsie, vsip: zero and not writable where hideleg does not delegate;
 *      where it does, hie's and hip's VS bits shifted down by one (VSSIP is
 *      SSIP for the guest). vsip can write only SSIP. ---- */
  li t0, MIP_VS_ALL
  csrw hie, t0
  csrw hvip, t0
  csrr a0, vsie
  CHECK(28, a0, 0)
  csrr a0, vsip
  CHECK(29, a0, 0)
  WRITE_READ(vsie, 0)
  csrr a0, hie
  CHECK(30, a0, MIP_VS_ALL)
  WRITE_READ(vsip, 0)
  csrr a0, hvip
  CHECK(31, a0, MIP_VS_ALL)
  li t0, MIP_VS_ALL
  csrw hideleg, t0
  csrr a0, vsie
  CHECK(32, a0, SIP_ALL)
  csrr a0, vsip
  CHECK_BITS(33, a0, SIP_SSIP, SIP_SSIP)
  WRITE_READ(vsie, SIP_STIP)
  CHECK(34, a0, SIP_STIP)
  csrr a0, hie
  CHECK(35, a0, MIP_VSTIP)
  WRITE_READ(vsip, 0)
  CHECK_BITS(36, a0, SIP_SSIP, 0)
  csrr a0, hvip
  CHECK(37, a0, MIP_VSTIP | MIP_VSEIP)
  csrw hvip, zero
  WRITE_READ(vsip, SIP_ALL)
  CHECK(38, a0, SIP_SSIP)
  csrr a0, hvip
  CHECK(39, a0, MIP_VSSIP)
  csrw hvip, zero
  csrw hie, zero
  csrw hideleg, zero
  PRINT_LINE "vsie, vsip: ok"

/* ---- hgeie, hgeip: no guest external interrupts (GEILEN = 0). ---- */
  WRITE_READ(hgeie, 0xffffffff)
  CHECK(40, a0, 0)
  csrr a0, hgeip
  CHECK(41, a0, 0)
  PRINT_LINE "hgeie, hgeip: ok"

/* ---- hcounteren: CY, TM, IR writable. henvcfg: FIOM writable; henvcfgh
 *      holds zero. ---- */
  WRITE_READ(hcounteren, COUNTER_CY | COUNTER_TM | COUNTER_IR)
  CHECK_BITS(42, a0, 7, 7)
  WRITE_READ(hcounteren, 0)
  CHECK(43, a0, 0)
  WRITE_READ(henvcfg, HENVCFG_FIOM)
  CHECK_BITS(44, a0, HENVCFG_FIOM, HENVCFG_FIOM)
  WRITE_READ(henvcfg, 0)
  CHECK(45, a0, 0)
  WRITE_READ(henvcfgh, 0)
  CHECK(46, a0, 0)
  PRINT_LINE "hcounteren, henvcfg: ok"

/* ---- htimedelta, htimedeltah: 64 bits, read back as written. ---- */
  WRITE_READ(htimedelta, 0x89abcdef)
  CHECK(47, a0, 0x89abcdef)
  WRITE_READ(htimedeltah, 0x01234567)
  CHECK(48, a0, 0x01234567)
  csrr a0, htimedelta
  CHECK(49, a0, 0x89abcdef)
  csrw htimedelta, zero
  csrw htimedeltah, zero
  PRINT_LINE "htimedelta: ok"

/* ---- htval and mtval2 hold a guest physical address >> 2 (34-bit guest
 *      physical addresses need all 32 bits); mtinst holds the
 *      pseudoinstructions; all three and htinst hold zero. ---- */
  WRITE_READ(htval, 0xc0001234)
  CHECK(50, a0, 0xc0001234)
  WRITE_READ(htval, 0)
  CHECK(51, a0, 0)
  WRITE_READ(mtval2, 0xc0005678)
  CHECK(52, a0, 0xc0005678)
  WRITE_READ(mtval2, 0)
  CHECK(53, a0, 0)
  WRITE_READ(mtinst, TINST_PTE_READ)
  CHECK(54, a0, TINST_PTE_READ)
  WRITE_READ(mtinst, TINST_PTE_WRITE)
  CHECK(55, a0, TINST_PTE_WRITE)
  WRITE_READ(mtinst, 0)
  CHECK(56, a0, 0)
  WRITE_READ(htinst, 0)
  CHECK(57, a0, 0)
  PRINT_LINE "htval, htinst, mtval2, mtinst: ok"

/* ---- hgatp: MODE Sv32x4 and Bare; VMID has VMIDLEN writable bits from
 *      the least significant up (VMIDLEN may be zero); PPN[21:2] writable.
 *      ---- */
  WRITE_READ(hgatp, HGATP_MODE_SV32X4 | HGATP_VMID_MASK | HGATP_PPN_MASK)
  CHECK_BITS(58, a0, HGATP_MODE_SV32X4, HGATP_MODE_SV32X4)
  CHECK_BITS(59, a0, HGATP_PPN_MASK & ~3, HGATP_PPN_MASK & ~3)
  srli a1, a0, HGATP_VMID_SHIFT       /* the VMID field: 2^VMIDLEN - 1 */
  andi a1, a1, 0x7f
  addi a2, a1, 1
  and a2, a2, a1
  CHECK(60, a2, 0)
  WRITE_READ(hgatp, 0)
  CHECK(61, a0, 0)
  WRITE_READ(hgatp, HGATP_MODE_SV32X4 | (1 << HGATP_VMID_SHIFT) | 0x80010)
  li t0, 0x7f << HGATP_VMID_SHIFT
  and a1, a0, t0
  beqz a1, 1f                         /* VMIDLEN = 0: VMID reads zero */
  CHECK(62, a0, HGATP_MODE_SV32X4 | (1 << HGATP_VMID_SHIFT) | 0x80010)
1:
  csrw hgatp, zero
  PRINT_LINE "hgatp: ok"

/* ---- mstatush: MPV and GVA writable; MBE and SBE zero. ---- */
  WRITE_READ(mstatush, 0xffffffff)
  CHECK_BITS(63, a0, 0xf0, MSTATUSH_MPV | MSTATUSH_GVA)
  WRITE_READ(mstatush, MSTATUSH_MPV)
  CHECK_BITS(64, a0, 0xf0, MSTATUSH_MPV)
  WRITE_READ(mstatush, 0)
  CHECK_BITS(65, a0, 0xf0, 0)
  PRINT_LINE "mstatush: ok"

/* ---- The VS CSRs as registers: vsstatus has sstatus's fields; vstvec
 *      direct and vectored; vsscratch, vsepc, vscause, vstval, vsatp. ---- */
  WRITE_READ(vsstatus, 0xffffffff)
  CHECK_BITS(66, a0, SSTATUS_FIELDS, SSTATUS_FIELDS)
  WRITE_READ(vsstatus, MSTATUS_SPP | MSTATUS_MXR)
  CHECK_BITS(67, a0, SSTATUS_FIELDS, MSTATUS_SPP | MSTATUS_MXR)
  WRITE_READ(vsstatus, 0)
  CHECK_BITS(68, a0, SSTATUS_FIELDS, 0)
  la s0, hyp_vs_trap
  csrw vstvec, s0
  csrr a0, vstvec
  CHECK_REG(69, a0, s0)
  addi s1, s0, 1                       /* vectored */
  csrw vstvec, s1
  csrr a0, vstvec
  CHECK_REG(70, a0, s1)
  csrw vstvec, s0
  WRITE_READ(vsscratch, 0xa5a5a5a5)
  CHECK(71, a0, 0xa5a5a5a5)
  WRITE_READ(vsepc, 0x80001236)
  CHECK(72, a0, 0x80001236)
  WRITE_READ(vscause, CAUSE_INTERRUPT | IRQ_S_TIMER)
  CHECK(73, a0, CAUSE_INTERRUPT | IRQ_S_TIMER)
  WRITE_READ(vscause, CAUSE_LOAD_PAGE_FAULT)
  CHECK(74, a0, CAUSE_LOAD_PAGE_FAULT)
  WRITE_READ(vstval, 0xfedcba98)
  CHECK(75, a0, 0xfedcba98)
  WRITE_READ(vsatp, SATP_MODE_SV32 | 0x3fffff)
  CHECK_BITS(76, a0, SATP_MODE_SV32 | 0x3fffff, SATP_MODE_SV32 | 0x3fffff)
  WRITE_READ(vsatp, 0)
  CHECK(77, a0, 0)
  CHECK_TRAPS(78, 0)
  PRINT_LINE "vsstatus, vstvec, vsscratch, vsepc, vscause, vstval, vsatp: ok"

/* ---- When V=1 the VS CSRs stand in for the S CSRs: VS-mode reads
 *      sstatus, sscratch, sepc, stval, scause, satp, stvec, sie, sip and
 *      gets vsstatus, vsscratch, ...; its write to sscratch goes to
 *      vsscratch, the HS-level sscratch keeps its value. ---- */
  li t0, VS_SCRATCH
  csrw vsscratch, t0
  li t0, HS_SCRATCH
  csrw sscratch, t0
  li t0, VS_EPC
  csrw vsepc, t0
  li t0, VS_TVAL
  csrw vstval, t0
  li t0, VS_CAUSE
  csrw vscause, t0
  li t0, VS_ATP
  csrw vsatp, t0
  li t0, VS_STATUS
  csrw vsstatus, t0
  li t0, HS_STATUS
  csrw sstatus, t0
  li t0, MIP_SSIP | MIP_STIP | MIP_SEIP /* QEMU 7.2 masks VS-mode's sie, sip */
  csrs mideleg, t0                   /* with these bits of mideleg */
  li t0, MIP_VSSIP
  csrw hideleg, t0
  csrw hie, t0
  csrw hvip, t0                      /* pending, but vsstatus.SIE = 0 */
  li s5, 0
  RESUME_AT(1f)
  GOTO_VS(2f)
2:
  csrr s0, sstatus
  csrr s1, sscratch
  csrr s2, sepc
  csrr s3, stval
  csrr a2, scause
  csrr a3, satp
  csrr a4, stvec
  csrr a5, sie
  csrr a6, sip
  li t0, VS_WRITTEN
  csrw sscratch, t0
  ecall
1:
  CHECK_TRAPS(79, 1)
  CHECK_CAUSE(80, CAUSE_VS_ECALL)
  CHECK_BITS(81, s0, SSTATUS_FIELDS, VS_STATUS)
  CHECK(82, s1, VS_SCRATCH)
  CHECK(83, s2, VS_EPC)
  CHECK(84, s3, VS_TVAL)
  CHECK(85, a2, VS_CAUSE)
  CHECK(86, a3, VS_ATP)
  la t0, hyp_vs_trap
  CHECK_REG(87, a4, t0)
  CHECK(88, a5, SIP_SSIP)
  CHECK(89, a6, SIP_SSIP)
  csrr a0, vsscratch
  CHECK(90, a0, VS_WRITTEN)
  csrr a0, sscratch
  CHECK(91, a0, HS_SCRATCH)
  csrr a0, sstatus
  CHECK_BITS(92, a0, SSTATUS_FIELDS, HS_STATUS)
  csrw hvip, zero
  csrw hie, zero
  csrw hideleg, zero
  csrw sstatus, zero
  csrw vsstatus, zero
  csrw vsatp, zero
  PRINT_LINE "VS CSRs stand in for S CSRs when V=1: ok"

/* ---- time: VS-mode and VU-mode read time + htimedelta, HS-mode reads
 *      time. Checked as: the high half is offset exactly (the low half does
 *      not wrap during the test), the low half lies between the M-mode
 *      reads before and after, offset. ---- */
  li t0, COUNTER_CY | COUNTER_TM | COUNTER_IR
  csrw mcounteren, t0
  csrw hcounteren, t0
  csrw scounteren, t0
  li t0, DELTA_LOW
  csrw htimedelta, t0
  li t0, DELTA_HIGH
  csrw htimedeltah, t0
  li s5, 0
  rdtime s0                           /* before */
  rdtimeh s1
  RESUME_AT(1f)
  GOTO_VS(2f)
2:
  rdtime s2
  rdtimeh s3
  ecall
1:
  rdtime a4                           /* after */
  rdtimeh a5
  CHECK_TRAPS(93, 1)
  CHECK_CAUSE(94, CAUSE_VS_ECALL)
  CHECK_REG(95, s1, a5)               /* the low half did not wrap */
  li t0, DELTA_HIGH
  add t0, s1, t0
  CHECK_REG(96, s3, t0)
  li t0, DELTA_LOW
  add a0, s0, t0
  add a1, a4, t0
  li gp, 97
  bltu s2, a0, test_fail
  bgtu s2, a1, test_fail
  PRINT_LINE "time in VS-mode: ok"
  li s5, 0
  rdtime s0
  RESUME_AT(1f)
  GOTO_VU(2f)
2:
  rdtime s2
  rdtimeh s3
  ecall
1:
  rdtime a4
  CHECK_TRAPS(98, 1)
  CHECK_CAUSE(99, CAUSE_USER_ECALL)
  li t0, DELTA_HIGH
  add t0, s1, t0
  CHECK_REG(100, s3, t0)
  li t0, DELTA_LOW
  add a0, s0, t0
  add a1, a4, t0
  li gp, 101
  bltu s2, a0, test_fail
  bgtu s2, a1, test_fail
  li s5, 0
  rdtime s0
  RESUME_AT(1f)
  GOTO_HS(2f)
2:
  rdtime s2
  rdtimeh s3
  ecall
1:
  rdtime a4
  CHECK_TRAPS(102, 1)
  CHECK_CAUSE(103, CAUSE_SUPERVISOR_ECALL)
  CHECK_REG(104, s3, s1)
  li gp, 105
  bltu s2, s0, test_fail
  bgtu s2, a4, test_fail
  csrw htimedelta, zero
  csrw htimedeltah, zero
  PRINT_LINE "time in VU-mode and HS-mode: ok"

  TEST_PASS

HYP_COMMON_CODE

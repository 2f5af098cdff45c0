/*
 * h_paging: two-stage address translation (privileged specification,
 * chapter "H Extension": hgatp, vsatp, "Two-Stage Address Translation",
 * "Guest-Page Faults", "Memory-Management Fences", the virtual-machine load
 * and store instructions, and MPRV with MPV).
 *
 * Covers: G-stage Sv32x4 with its 16 KiB-aligned root, megapages and 4 KiB
 * pages; VS-stage Bare and Sv32;
 * guest-page faults for fetches, loads and stores (causes 20, 21, 23) from
 * an invalid G-stage PTE, a G-stage leaf without U, missing R, W or X, taken
 * in M-mode (mtval = the guest virtual address, mtval2 = the guest physical
 * address >> 2, GVA = 1, MPV = 1) and in HS-mode (stval, htval, hstatus.GVA,
 * SPV); mtinst/htinst zero or the transformed instruction; a VS-stage page
 * fault from V=1 (GVA = 1, mtval2 = 0), taken in M-mode and delegated to
 * VS-mode; a VS-stage page-table page missing from the G-stage (a guest-page
 * fault of a load, htval = the page-table entry's guest physical address >> 2,
 * htinst = 0x2000); A and D set by the hart in VS-stage and G-stage leaves;
 * HFENCE.GVMA (all, by guest physical address, by VMID) and HFENCE.VVMA (all,
 * by address) after a mapping changes, and the guest's own SFENCE.VMA; two
 * VMIDs with different G-stage tables, switched without a fence; vsstatus.SUM
 * (and the HS-level SUM ignored when V=1); vsstatus.MXR for VS-stage pages,
 * sstatus.MXR for G-stage pages; HLV, HLVX, HSV from HS-mode as VS
 * (hstatus.SPVP = 1) and as VU (SPVP = 0), with sign and zero extension,
 * HLVX reading executable memory, HLV not reading execute-only pages of
 * either stage, their faults (GVA = 1 with SPV = 0 in HS-mode),
 * and from U-mode with hstatus.HU; M-mode loads and stores with MPRV and
 * MPV = 1 translated in two stages.
 *
 * Not asserted, where QEMU 7.2 departs from the specification: guest
 * physical addresses above 4 GiB (Sv32x4's 34 bits, from a VS-stage PTE)
 * are cut to 32 bits, so the upper 12 KiB of the G-stage root cannot be
 * reached; a store or fetch whose VS-stage page-table read faults in the
 * G-stage is reported as a load guest-page fault (cause 21, not 23 or 20);
 * sstatus.MXR does not make VS-stage execute-only pages readable for
 * VS-mode, and for G-stage pages QEMU looks at vsstatus.MXR instead of
 * sstatus.MXR; the VS-stage A/D update is not checked against, and does not
 * set, the G-stage W and D bits of the page-table page (so the tables' G-stage
 * pages here are writable with A and D set); for HLV, HLVX and HSV, a
 * VS-stage page fault is raised as an access fault (5 or 7, so only that
 * they trap is checked), VS-stage U pages are readable as VS-mode (SPVP = 1)
 * without vsstatus.SUM, and HLVX checks read permission instead of execute
 * permission (so it is tried on an R+X page only);
 * mstatush.GVA stays 0 for HLV/HSV faults taken in M-mode; a G-stage fault
 * of an M-mode access with MPRV = 1 and MPV = 1 is raised as a page fault
 * (13) with GVA = 0 instead of a guest-page fault (21) with GVA = 1.
 *
 *   hyperlab-test: qemu="-cpu rv32,h=true"
 */
#include "test.h"
#include "priv.h"
#include "hyp.h"

#define RAM_BASE   0x80000000
#define VU_ALIAS   0xa0000000     /* VS-stage U alias of this program */
#define VMID_A     1
#define VMID_B     2

/* Guest physical 4 KiB pages (G-stage leaf table g_leaf, region 0x40000000). */
#define GPA_DATA      0x40001000  /* -> data_a, U RW */
#define GPA_UNMAPPED  0x40002000  /* invalid */
#define GPA_NOT_U     0x40003000  /* -> data_a, RW without U */
#define GPA_RO        0x40004000  /* -> data_b, U R */
#define GPA_XO        0x40005000  /* -> exec_only, U X */
#define GPA_AD        0x40006000  /* -> ad_page, U RW, A = D = 0 */
#define GPA_REMAP     0x40007000  /* -> data_a, later data_b */
#define GPA_PT_HOLE   0x40008000  /* invalid: a VS-stage table "there" */
#define GPA_VS_AD     0x40009000  /* -> vs_ad_page, U RW */

/* Guest virtual 4 KiB pages (VS-stage leaf table vs_leaf, region
 * 0x40000000); all but VA_VS_USER and VA_G_UNMAPPED_U are S pages. */
#define VA_DATA       0x40001000  /* -> GPA_DATA, RW */
#define VA_G_UNMAPPED 0x40002000  /* -> GPA_UNMAPPED, RW */
#define VA_G_NOT_U    0x40003000  /* -> GPA_NOT_U, RW */
#define VA_G_RO       0x40004000  /* -> GPA_RO, RW */
#define VA_G_XO       0x40005000  /* -> GPA_XO, RX */
#define VA_G_AD       0x40006000  /* -> GPA_AD, RW */
#define VA_VS_REMAP   0x40007000  /* -> GPA_DATA, later GPA_RO */
#define VA_VS_AD      0x40009000  /* -> GPA_VS_AD, RW, A = D = 0 */
#define VA_VS_INVALID 0x4000a000  /* invalid */
#define VA_VS_USER    0x4000b000  /* -> GPA_DATA, U RW */
#define VA_VS_XO      0x4000c000  /* -> exec_only (identity), X */
#define VA_G_UNMAPPED_U 0x4000d000 /* -> GPA_UNMAPPED, U RW */
#define VA_G_REMAP    0x4000e000  /* -> GPA_REMAP, RW */
#define VA_PT_HOLE    0x41000000  /* vs_root -> a table at GPA_PT_HOLE */

#define MAGIC_A 0x11111111
#define MAGIC_B 0x22222222
#define MAGIC_X 0x44444444
#define PATTERN 0x80818283        /* at data_a + 8: sign extension */

#define PTE_AD (PTE_A | PTE_D)
#define G_RWX  (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_AD)
#define G_RW   (PTE_V | PTE_R | PTE_W | PTE_U | PTE_AD)
#define VS_RW  (PTE_V | PTE_R | PTE_W | PTE_AD)

/* table[index] = a PTE with physical page number `ppn` and `flags`.
 * Clobbers t0, t1, t2. */
#define MAP_PPN(table, index, ppn, flags) \
  li t0, ((ppn) << 10) | (flags);       \
  la t1, table;                         \
  li t2, 4 * (index);                   \
  add t1, t1, t2;                       \
  sw t0, 0(t1)
/* table[index] = a PTE for the page at label (its physical address) or
 * at register t0. Clobbers t0, t1, t2. */
#define MAP_T0(table, index, flags)     \
  srli t0, t0, 12;                      \
  slli t0, t0, 10;                      \
  ori t0, t0, flags;                    \
  la t1, table;                         \
  li t2, 4 * (index);                   \
  add t1, t1, t2;                       \
  sw t0, 0(t1)
#define MAP_LABEL(table, index, label, flags) la t0, label; MAP_T0(table, index, flags)
#define ROOT_INDEX(a) ((a) >> 22)
#define LEAF_INDEX(a) (((a) >> 12) & 0x3ff)

/* a0 = entry `index` of `table`. */
#define READ_PTE(table, index)          \
  la a0, table;                         \
  lw a0, 4 * (index)(a0)

/* hgatp = Sv32x4 with VMID `vmid` and root `root`. Clobbers t0, t1. */
#define SET_HGATP(root, vmid)           \
  la t0, root;                          \
  srli t0, t0, 12;                      \
  li t1, HGATP_MODE_SV32X4 | ((vmid) << HGATP_VMID_SHIFT); \
  or t0, t0, t1;                        \
  csrw hgatp, t0

/* vsatp = Sv32 rooted at vs_root (or Bare). Clobbers t0, t1. */
#define VSATP_SV32                      \
  la t0, vs_root;                       \
  srli t0, t0, 12;                      \
  li t1, SATP_MODE_SV32;                \
  or t0, t0, t1;                        \
  csrw vsatp, t0
#define VSATP_BARE csrw vsatp, zero

/* Continue at `target` in VU-mode, through the VS-stage U alias. */
#define GOTO_VU_ALIAS(target)           \
  li t6, MSTATUS_MPP;                   \
  csrc mstatus, t6;                     \
  li t6, MSTATUSH_MPV;                  \
  csrs mstatush, t6;                    \
  la t6, target;                        \
  li t5, VU_ALIAS - RAM_BASE;           \
  add t6, t6, t5;                       \
  csrw mepc, t6;                        \
  mret

/* Check n: the last trap, taken in M-mode, was guest-page fault `cause` at
 * guest virtual address `va` (mtval) and guest physical address `gpa`
 * (mtval2 = gpa >> 2), from V=1 with GVA = 1. */
#define CHECK_GPF_M(n, cause, va, gpa)  \
  CHECK_TAKEN(n, TAKEN_M);              \
  CHECK_CAUSE(n, cause);                \
  CHECK(n, s9, va);                     \
  CHECK_RECORD(n, RECORD_TVAL2, (gpa) >> 2); \
  CHECK_RECORD_BITS(n, RECORD_STATUS2, MSTATUSH_MPV | MSTATUSH_GVA, MSTATUSH_MPV | MSTATUSH_GVA)

/* Check n: the last trap, taken in M-mode, was page fault `cause` at
 * virtual address `va`. */
#define CHECK_PF_M(n, cause, va)        \
  CHECK_TAKEN(n, TAKEN_M);              \
  CHECK_CAUSE(n, cause);                \
  CHECK(n, s9, va)

/* Check n: mtinst/htinst as recorded is zero or `value`. */
#define CHECK_TINST_ZERO_OR(n, value)   \
  RECORD(a0, RECORD_TINST);             \
  CHECK_ZERO_OR(n, a0, value)

TEST_ENTRY

main:
  HYP_INIT
  jal build_page_tables
  SET_HGATP(g_root, VMID_A)
  hfence.gvma                         /* the tables were just written */
  hfence.vvma
  VSATP_BARE

/* ---- G-stage only (vsatp Bare): a load and a store through a 4 KiB
 *      G-stage page reach its physical page; the code runs through a
 *      G-stage megapage. ---- */
  li s0, GPA_DATA
  TRY_IN(GOTO_VS, lw s1, 0(s0); li a1, MAGIC_B; sw a1, 4(s0))
  CHECK_RAN(1, CAUSE_VS_ECALL)
  CHECK(2, s1, MAGIC_A)
  lw a0, data_a + 4
  CHECK(3, a0, MAGIC_B)
  PRINT_LINE "G-stage Sv32x4, vsatp Bare: megapages and 4 KiB pages: ok"

/* ---- Both stages (vsatp Sv32): VS-mode and VU-mode (through the U
 *      alias); a guest physical address above 4 GiB. ---- */
  VSATP_SV32
  hfence.vvma
  li s0, VA_DATA
  TRY_IN(GOTO_VS, lw s1, 0(s0); li a1, MAGIC_X; sw a1, 12(s0))
  CHECK_RAN(4, CAUSE_VS_ECALL)
  CHECK(5, s1, MAGIC_A)
  lw a0, data_a + 12
  CHECK(6, a0, MAGIC_X)
  li s0, VA_VS_USER
  TRY_IN(GOTO_VU_ALIAS, lw s1, 0(s0))
  CHECK_RAN(7, CAUSE_USER_ECALL)
  CHECK(8, s1, MAGIC_A)
  PRINT_LINE "two stages, vsatp Sv32: VS-mode and VU-mode: ok"

/* ---- Guest-page faults with vsatp Bare: invalid G-stage PTE (load 21,
 *      store 23, fetch 20), a leaf without U, a read-only page (store), an
 *      execute-only page (load), a page without X (fetch). ---- */
  VSATP_BARE
  li s0, GPA_UNMAPPED
  TRY_IN(GOTO_VS, lw a0, 8(s0))
  CHECK_GPF_M(9, CAUSE_LOAD_GUEST_PAGE_FAULT, GPA_UNMAPPED + 8, GPA_UNMAPPED + 8)
  CHECK_ADDR(10, s10, 92b)
  CHECK_TINST_ZERO_OR(11, 0x00002503)  /* lw a0, 0(x0) */
  TRY_IN(GOTO_VS, sw a0, 12(s0))
  CHECK_GPF_M(12, CAUSE_STORE_GUEST_PAGE_FAULT, GPA_UNMAPPED + 12, GPA_UNMAPPED + 12)
  CHECK_TINST_ZERO_OR(13, 0x00a02023)  /* sw a0, 0(x0) */
  addi s1, s0, 0x40
  TRY_IN(GOTO_VS, jalr s1)
  CHECK_GPF_M(14, CAUSE_FETCH_GUEST_PAGE_FAULT, GPA_UNMAPPED + 0x40, GPA_UNMAPPED + 0x40)
  CHECK(15, s10, GPA_UNMAPPED + 0x40)
  CHECK_RECORD(16, RECORD_TINST, 0)
  li s0, GPA_NOT_U
  TRY_IN(GOTO_VS, lw a0, 0(s0))
  CHECK_GPF_M(17, CAUSE_LOAD_GUEST_PAGE_FAULT, GPA_NOT_U, GPA_NOT_U)
  TRY_IN(GOTO_VU, lw a0, 4(s0))
  CHECK_GPF_M(18, CAUSE_LOAD_GUEST_PAGE_FAULT, GPA_NOT_U + 4, GPA_NOT_U + 4)
  li s0, GPA_RO
  TRY_IN(GOTO_VS, lw s1, 0(s0); sw s1, 4(s0))
  CHECK_GPF_M(19, CAUSE_STORE_GUEST_PAGE_FAULT, GPA_RO + 4, GPA_RO + 4)
  CHECK(20, s1, MAGIC_B)
  li s0, GPA_XO
  TRY_IN(GOTO_VS, lw a0, 0(s0))
  CHECK_GPF_M(21, CAUSE_LOAD_GUEST_PAGE_FAULT, GPA_XO, GPA_XO)
  li s0, GPA_DATA
  TRY_IN(GOTO_VS, jalr s0)
  CHECK_GPF_M(22, CAUSE_FETCH_GUEST_PAGE_FAULT, GPA_DATA, GPA_DATA)
  PRINT_LINE "guest-page faults, vsatp Bare: invalid, no U, no R, W, X: ok"

/* ---- Guest-page faults with vsatp Sv32: mtval is the guest virtual
 *      address, mtval2 the guest physical one; delegated to HS-mode:
 *      stval, htval, hstatus.GVA and SPV. ---- */
  VSATP_SV32
  li s0, VA_G_UNMAPPED
  TRY_IN(GOTO_VS, lw a0, 0x10(s0))
  CHECK_GPF_M(23, CAUSE_LOAD_GUEST_PAGE_FAULT, VA_G_UNMAPPED + 0x10, GPA_UNMAPPED + 0x10)
  li s0, VA_G_RO
  TRY_IN(GOTO_VS, sh a0, 0x22(s0))
  CHECK_GPF_M(24, CAUSE_STORE_GUEST_PAGE_FAULT, VA_G_RO + 0x22, GPA_RO + 0x22)
  li t0, (1 << CAUSE_LOAD_GUEST_PAGE_FAULT) | (1 << CAUSE_STORE_GUEST_PAGE_FAULT) | \
         (1 << CAUSE_FETCH_GUEST_PAGE_FAULT)
  csrw medeleg, t0
  li s0, VA_G_NOT_U
  TRY_IN(GOTO_VS, lw a0, 0x30(s0))
  CHECK_ONE_TRAP(25, TAKEN_HS, CAUSE_LOAD_GUEST_PAGE_FAULT, 92b)
  CHECK(26, s9, VA_G_NOT_U + 0x30)
  CHECK_RECORD(27, RECORD_TVAL2, (GPA_NOT_U + 0x30) >> 2)
  CHECK_HSTATUS(28, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA)
  CHECK_TINST_ZERO_OR(29, 0x00002503)
  BACK_TO_M
  li s0, VA_G_UNMAPPED_U
  TRY_IN(GOTO_VU_ALIAS, sw a0, 0(s0))
  CHECK_TAKEN(30, TAKEN_HS)
  CHECK_CAUSE(31, CAUSE_STORE_GUEST_PAGE_FAULT)
  CHECK(32, s9, VA_G_UNMAPPED_U)
  CHECK_RECORD(33, RECORD_TVAL2, GPA_UNMAPPED >> 2)
  CHECK_HSTATUS(34, HSTATUS_SPV | HSTATUS_GVA)
  BACK_TO_M
  csrw medeleg, zero
  PRINT_LINE "guest-page faults, vsatp Sv32: in M-mode and HS-mode: ok"

/* ---- VS-stage page faults from V=1: GVA = 1, mtval2 = 0; delegated to
 *      VS-mode through hedeleg: vscause, vstval. ---- */
  li s0, VA_VS_INVALID
  TRY_IN(GOTO_VS, lw a0, 4(s0))
  CHECK_PF_M(35, CAUSE_LOAD_PAGE_FAULT, VA_VS_INVALID + 4)
  CHECK_RECORD(36, RECORD_TVAL2, 0)
  CHECK_RECORD_BITS(37, RECORD_STATUS2, MSTATUSH_MPV | MSTATUSH_GVA, MSTATUSH_MPV | MSTATUSH_GVA)
  li t0, 1 << CAUSE_STORE_PAGE_FAULT
  csrw medeleg, t0
  csrw hedeleg, t0
  li s5, 0
  RESUME_AT(1f)
  GOTO_VS(2f)
2:
  sw a0, 8(s0)
1:                                    /* in VS-mode, from the VS handler */
  mv a2, s4
  mv a3, s8
  mv a4, s9
  BACK_TO_M
  CHECK(38, a2, TAKEN_VS)
  CHECK(39, a3, CAUSE_STORE_PAGE_FAULT)
  CHECK(40, a4, VA_VS_INVALID + 8)
  csrw medeleg, zero
  csrw hedeleg, zero
  PRINT_LINE "VS-stage page faults from V=1: ok"

/* ---- A VS-stage page table missing from the G-stage: a guest-page fault
 *      for the implicit read of the page-table entry: mtval = the guest
 *      virtual address, mtval2 = the entry's guest physical address >> 2,
 *      mtinst = 0x2000 (a 32-bit read for VS-stage translation); the same
 *      in HS-mode; and with the VS-stage root itself missing (for HLV).
 *      ---- */
  li s0, VA_PT_HOLE + 0x5008
  TRY_IN(GOTO_VS, lw a0, 0(s0))
  CHECK_GPF_M(41, CAUSE_LOAD_GUEST_PAGE_FAULT, VA_PT_HOLE + 0x5008, GPA_PT_HOLE + 4 * LEAF_INDEX(VA_PT_HOLE + 0x5008))
  CHECK_RECORD(42, RECORD_TINST, TINST_PTE_READ)
  li t0, 1 << CAUSE_LOAD_GUEST_PAGE_FAULT
  csrw medeleg, t0
  li s0, VA_PT_HOLE + 0x7000
  TRY_IN(GOTO_VS, lw a0, 0(s0))
  CHECK_ONE_TRAP(43, TAKEN_HS, CAUSE_LOAD_GUEST_PAGE_FAULT, 92b)
  CHECK(44, s9, VA_PT_HOLE + 0x7000)
  CHECK_RECORD(45, RECORD_TVAL2, (GPA_PT_HOLE + 4 * LEAF_INDEX(VA_PT_HOLE + 0x7000)) >> 2)
  CHECK_HSTATUS(46, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA)
  CHECK_RECORD(46, RECORD_TINST, TINST_PTE_READ)
  BACK_TO_M
  csrw medeleg, zero
  /* The root missing: HLV from HS-mode (the guest could not even fetch). */
  li t0, SATP_MODE_SV32 | (GPA_UNMAPPED >> 12)
  csrw vsatp, t0
  li s0, 0x12345678
  TRY_IN(GOTO_HS, hlv.w a0, (s0))
  CHECK_ONE_TRAP(47, TAKEN_M, CAUSE_LOAD_GUEST_PAGE_FAULT, 92b)
  CHECK(47, s9, 0x12345678)
  CHECK_RECORD(47, RECORD_TVAL2, (GPA_UNMAPPED + 4 * ROOT_INDEX(0x12345678)) >> 2)
  CHECK_RECORD(48, RECORD_TINST, TINST_PTE_READ)
  VSATP_SV32
  hfence.vvma
  PRINT_LINE "VS-stage page table not in the G-stage: htval, htinst: ok"

/* ---- A and D: set by the hart in the VS-stage leaf (a load sets A, a
 *      store D) and in the G-stage leaf. ---- */
  READ_PTE(vs_leaf, LEAF_INDEX(VA_VS_AD))
  CHECK_BITS(49, a0, PTE_AD, 0)
  li s0, VA_VS_AD
  TRY_IN(GOTO_VS, lw a0, 0(s0))
  CHECK_RAN(50, CAUSE_VS_ECALL)
  READ_PTE(vs_leaf, LEAF_INDEX(VA_VS_AD))
  CHECK_BITS(51, a0, PTE_AD, PTE_A)
  TRY_IN(GOTO_VS, sw a0, 0(s0))
  CHECK_RAN(52, CAUSE_VS_ECALL)
  READ_PTE(vs_leaf, LEAF_INDEX(VA_VS_AD))
  CHECK_BITS(53, a0, PTE_AD, PTE_AD)
  READ_PTE(g_leaf, LEAF_INDEX(GPA_AD))
  CHECK_BITS(54, a0, PTE_AD, 0)
  li s0, VA_G_AD
  TRY_IN(GOTO_VS, lw a0, 0(s0))
  CHECK_RAN(55, CAUSE_VS_ECALL)
  READ_PTE(g_leaf, LEAF_INDEX(GPA_AD))
  CHECK_BITS(56, a0, PTE_AD, PTE_A)
  TRY_IN(GOTO_VS, sw a0, 0(s0))
  CHECK_RAN(57, CAUSE_VS_ECALL)
  READ_PTE(g_leaf, LEAF_INDEX(GPA_AD))
  CHECK_BITS(58, a0, PTE_AD, PTE_AD)
  PRINT_LINE "A and D in the VS-stage and G-stage leaves: ok"

/* ---- HFENCE.GVMA: the guest reads a page, M-mode points its G-stage PTE
 *      elsewhere, HS-mode fences (all; by guest physical address >> 2 and
 *      VMID), the guest sees the new page. HFENCE.VVMA likewise for a
 *      VS-stage PTE (all; by guest virtual address), and the guest's own
 *      SFENCE.VMA. ---- */
  li s0, VA_G_REMAP
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK_RAN(59, CAUSE_VS_ECALL)
  CHECK(60, s1, MAGIC_A)
  MAP_LABEL(g_leaf, LEAF_INDEX(GPA_REMAP), data_b, G_RW)
  TRY_IN(GOTO_HS, hfence.gvma)
  CHECK_RAN(61, CAUSE_SUPERVISOR_ECALL)
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK(62, s1, MAGIC_B)
  MAP_LABEL(g_leaf, LEAF_INDEX(GPA_REMAP), data_a, G_RW)
  li a1, GPA_REMAP >> 2
  li a2, VMID_A
  TRY_IN(GOTO_HS, hfence.gvma a1, a2)
  CHECK_RAN(63, CAUSE_SUPERVISOR_ECALL)
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK(64, s1, MAGIC_A)
  li s0, VA_VS_REMAP
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK(65, s1, MAGIC_A)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_VS_REMAP), GPA_RO >> 12, VS_RW)
  TRY_IN(GOTO_HS, hfence.vvma)
  CHECK_RAN(66, CAUSE_SUPERVISOR_ECALL)
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK(67, s1, MAGIC_B)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_VS_REMAP), GPA_DATA >> 12, VS_RW)
  TRY_IN(GOTO_HS, hfence.vvma s0, zero)
  CHECK_RAN(68, CAUSE_SUPERVISOR_ECALL)
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK(69, s1, MAGIC_A)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_VS_REMAP), GPA_RO >> 12, VS_RW)
  TRY_IN(GOTO_VS, sfence.vma s0, zero; lw s1, 0(s0))
  CHECK_RAN(70, CAUSE_VS_ECALL)
  CHECK(71, s1, MAGIC_B)
  PRINT_LINE "HFENCE.GVMA, HFENCE.VVMA, SFENCE.VMA in VS-mode: ok"

/* ---- VMIDs: hgatp switches between two G-stage tables (VMID 1: GPA_DATA
 *      -> data_a; VMID 2: -> data_b) without a fence; each VMID keeps its
 *      own translations. ---- */
  li s0, VA_DATA
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK(72, s1, MAGIC_A)
  SET_HGATP(g_root_b, VMID_B)
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK_RAN(73, CAUSE_VS_ECALL)
  CHECK(74, s1, MAGIC_B)
  SET_HGATP(g_root, VMID_A)
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK(75, s1, MAGIC_A)
  PRINT_LINE "VMIDs: two G-stage tables switched in hgatp: ok"

/* ---- SUM: VS-mode reaches a VS-stage U page only with vsstatus.SUM; the
 *      HS-level SUM does not count when V=1. ---- */
  li s0, VA_VS_USER
  TRY_IN(GOTO_VS, lw a0, 0(s0))
  CHECK_PF_M(76, CAUSE_LOAD_PAGE_FAULT, VA_VS_USER)
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  TRY_IN(GOTO_VS, lw a0, 0(s0))
  CHECK_PF_M(77, CAUSE_LOAD_PAGE_FAULT, VA_VS_USER)
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  csrs vsstatus, t0
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK_RAN(78, CAUSE_VS_ECALL)
  CHECK(79, s1, MAGIC_A)
  csrc vsstatus, t0
  PRINT_LINE "vsstatus.SUM: ok"

/* ---- MXR: vsstatus.MXR makes VS-stage execute-only pages readable;
 *      G-stage execute-only pages need sstatus.MXR (set here together with
 *      vsstatus.MXR: QEMU 7.2 looks at vsstatus.MXR for the G-stage). ---- */
  li s0, VA_VS_XO
  TRY_IN(GOTO_VS, lw a0, 0(s0))
  CHECK_PF_M(80, CAUSE_LOAD_PAGE_FAULT, VA_VS_XO)
  li t0, MSTATUS_MXR
  csrs vsstatus, t0
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK_RAN(81, CAUSE_VS_ECALL)
  CHECK(82, s1, MAGIC_X)
  li t0, MSTATUS_MXR
  csrs mstatus, t0
  li s0, VA_G_XO
  TRY_IN(GOTO_VS, lw s1, 0(s0))
  CHECK_RAN(83, CAUSE_VS_ECALL)
  CHECK(84, s1, MAGIC_X)
  li t0, MSTATUS_MXR
  csrc mstatus, t0
  csrc vsstatus, t0
  PRINT_LINE "vsstatus.MXR and sstatus.MXR: ok"

/* ---- HLV, HLVX, HSV from HS-mode: as VS-mode with hstatus.SPVP = 1, as
 *      VU-mode with SPVP = 0; sign and zero extension; HLVX needs X (either
 *      stage), not R; HSV stores through both stages. ---- */
  li t0, HSTATUS_SPVP
  csrw hstatus, t0
  li s0, VA_DATA
  TRY_IN(GOTO_HS, hlv.w s1, (s0); addi a1, s0, 8; hlv.b s2, (a1); hlv.bu s3, (a1); \
    hlv.h a2, (a1); hlv.hu a3, (a1); li a4, MAGIC_X; addi a1, s0, 16; hsv.w a4, (a1); \
    addi a1, s0, 20; hsv.h a4, (a1); addi a1, s0, 24; hsv.b a4, (a1))
  CHECK_RAN(85, CAUSE_SUPERVISOR_ECALL)
  CHECK(86, s1, MAGIC_A)
  CHECK(87, s2, 0xffffff83)
  CHECK(88, s3, 0x83)
  CHECK(89, a2, 0xffff8283)
  CHECK(90, a3, 0x8283)
  lw a0, data_a + 16
  CHECK(91, a0, MAGIC_X)
  lw a0, data_a + 20
  CHECK(92, a0, 0x4444)
  lw a0, data_a + 24
  CHECK(93, a0, 0x44)
  li s0, VA_VS_USER                   /* a U page, with vsstatus.SUM */
  li t0, MSTATUS_SUM
  csrs vsstatus, t0
  TRY_IN(GOTO_HS, hlv.w s1, (s0))
  CHECK_RAN(94, CAUSE_SUPERVISOR_ECALL)
  CHECK(95, s1, MAGIC_A)
  csrc vsstatus, t0
  csrw hstatus, zero                  /* SPVP = 0: as VU-mode */
  TRY_IN(GOTO_HS, hlv.w s1, (s0))
  CHECK_RAN(96, CAUSE_SUPERVISOR_ECALL)
  CHECK(97, s1, MAGIC_A)
  li s0, VA_DATA                      /* an S page: faults as VU-mode */
  TRY_IN(GOTO_HS, hlv.w s1, (s0))
  CHECK_TRAPS(98, 1)
  CHECK_TAKEN(98, TAKEN_M)
  CHECK_ADDR(98, s10, 92b)
  CHECK(99, s9, VA_DATA)
  CHECK_FROM(100, MSTATUS_MPP_S, 0)
  li t0, HSTATUS_SPVP
  csrw hstatus, t0
  li s0, RAM_BASE                     /* this program's code: R W X */
  TRY_IN(GOTO_HS, hlvx.wu s1, (s0); hlvx.hu s2, (s0))
  CHECK_RAN(101, CAUSE_SUPERVISOR_ECALL)
  lw a0, _start
  CHECK_REG(102, s1, a0)
  lhu a0, _start
  CHECK_REG(103, s2, a0)
  li s0, VA_VS_XO                     /* X only in the VS-stage: no HLV */
  TRY_IN(GOTO_HS, hlv.w s1, (s0))
  CHECK_TRAPS(104, 1)
  CHECK_TAKEN(104, TAKEN_M)
  CHECK_ADDR(104, s10, 92b)
  CHECK(104, s9, VA_VS_XO)
  li s0, VA_G_XO                      /* X only in the G-stage: no HLV */
  TRY_IN(GOTO_HS, hlv.w s1, (s0))
  CHECK_ONE_TRAP(105, TAKEN_M, CAUSE_LOAD_GUEST_PAGE_FAULT, 92b)
  CHECK(106, s9, VA_G_XO)
  CHECK_RECORD(107, RECORD_TVAL2, GPA_XO >> 2)
  PRINT_LINE "HLV, HLVX, HSV from HS-mode, hstatus.SPVP: ok"

/* ---- Their faults in HS-mode: a guest-page fault from V=0 sets GVA with
 *      SPV = 0. From U-mode with hstatus.HU. ---- */
  li t0, (1 << CAUSE_LOAD_GUEST_PAGE_FAULT) | (1 << CAUSE_STORE_GUEST_PAGE_FAULT)
  csrw medeleg, t0
  li s0, VA_G_UNMAPPED
  TRY_IN(GOTO_HS, hsv.w zero, (s0))
  CHECK_ONE_TRAP(108, TAKEN_HS, CAUSE_STORE_GUEST_PAGE_FAULT, 92b)
  CHECK(109, s9, VA_G_UNMAPPED)
  CHECK_RECORD(110, RECORD_TVAL2, GPA_UNMAPPED >> 2)
  CHECK_HSTATUS(111, HSTATUS_SPVP | HSTATUS_GVA)
  BACK_TO_M
  csrw medeleg, zero
  li t0, HSTATUS_HU | HSTATUS_SPVP
  csrw hstatus, t0
  li s0, VA_DATA
  TRY_IN(GOTO_U, hlv.w s1, (s0))
  CHECK_RAN(112, CAUSE_USER_ECALL)
  CHECK(113, s1, MAGIC_A)
  csrw hstatus, zero
  PRINT_LINE "HLV and HSV faults in HS-mode, hstatus.HU: ok"

/* ---- MPRV with MPV = 1: M-mode loads and stores translated in two
 *      stages as VS-mode (MPP = S); a G-stage fault reports the guest
 *      physical address. ---- */
  li t0, MSTATUSH_MPV
  csrs mstatush, t0
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV | MSTATUS_MPP_S
  csrs mstatus, t0
  li s0, VA_DATA
  lw s1, 0(s0)
  li a1, MAGIC_B
  sw a1, 28(s0)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  CHECK(114, s1, MAGIC_A)
  lw a0, data_a + 28
  CHECK(115, a0, MAGIC_B)
  li s0, VA_G_UNMAPPED
  li s5, 0
  RESUME_AT(1f)
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
2:
  lw a0, 0(s0)
1:
  CHECK_TRAPS(116, 1)                 /* the cause: see the top of the file */
  CHECK_ADDR(116, s10, 2b)
  CHECK(117, s9, VA_G_UNMAPPED)
  CHECK_RECORD(118, RECORD_TVAL2, GPA_UNMAPPED >> 2)
  CHECK_MPP(119, MSTATUS_MPP_M)
  csrr a0, mstatus
  CHECK_BITS(120, a0, MSTATUS_MPRV, 0)
  PRINT_LINE "mstatus.MPRV with mstatush.MPV: ok"

  csrw hgatp, zero
  csrw vsatp, zero
  TEST_PASS

/* Fill the G-stage and VS-stage tables (zero to begin with) with the maps
 * drawn at the top of this file. */
build_page_tables:
  /* G-stage, VMID 1: megapages for the test finisher, UART0 and RAM; 4 KiB
   * pages at 0x40000000. */
  MAP_PPN(g_root, ROOT_INDEX(FINISHER), 0, G_RW)
  MAP_PPN(g_root, ROOT_INDEX(UART0_BASE), UART0_BASE >> 12, G_RW)
  MAP_PPN(g_root, ROOT_INDEX(RAM_BASE), RAM_BASE >> 12, G_RWX)
  MAP_LABEL(g_root, ROOT_INDEX(GPA_DATA), g_leaf, PTE_V)
  MAP_LABEL(g_leaf, LEAF_INDEX(GPA_DATA), data_a, G_RW)
  MAP_LABEL(g_leaf, LEAF_INDEX(GPA_NOT_U), data_a, PTE_V | PTE_R | PTE_W | PTE_AD)
  MAP_LABEL(g_leaf, LEAF_INDEX(GPA_RO), data_b, PTE_V | PTE_R | PTE_U | PTE_A)
  MAP_LABEL(g_leaf, LEAF_INDEX(GPA_XO), exec_only, PTE_V | PTE_X | PTE_U | PTE_A)
  MAP_LABEL(g_leaf, LEAF_INDEX(GPA_AD), ad_page, PTE_V | PTE_R | PTE_W | PTE_U)
  MAP_LABEL(g_leaf, LEAF_INDEX(GPA_REMAP), data_a, G_RW)
  MAP_LABEL(g_leaf, LEAF_INDEX(GPA_VS_AD), vs_ad_page, G_RW)
  /* G-stage, VMID 2: the same megapages, GPA_DATA -> data_b. */
  MAP_PPN(g_root_b, ROOT_INDEX(FINISHER), 0, G_RW)
  MAP_PPN(g_root_b, ROOT_INDEX(UART0_BASE), UART0_BASE >> 12, G_RW)
  MAP_PPN(g_root_b, ROOT_INDEX(RAM_BASE), RAM_BASE >> 12, G_RWX)
  MAP_LABEL(g_root_b, ROOT_INDEX(GPA_DATA), g_leaf_b, PTE_V)
  MAP_LABEL(g_leaf_b, LEAF_INDEX(GPA_DATA), data_b, G_RW)
  /* VS-stage (guest physical = physical for the tables themselves). */
  MAP_PPN(vs_root, ROOT_INDEX(FINISHER), 0, VS_RW)
  MAP_PPN(vs_root, ROOT_INDEX(UART0_BASE), UART0_BASE >> 12, VS_RW)
  MAP_PPN(vs_root, ROOT_INDEX(RAM_BASE), RAM_BASE >> 12, VS_RW | PTE_X)
  MAP_PPN(vs_root, ROOT_INDEX(VU_ALIAS), RAM_BASE >> 12, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)
  MAP_LABEL(vs_root, ROOT_INDEX(VA_DATA), vs_leaf, PTE_V)
  MAP_PPN(vs_root, ROOT_INDEX(VA_PT_HOLE), GPA_PT_HOLE >> 12, PTE_V)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_DATA), GPA_DATA >> 12, VS_RW)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_G_UNMAPPED), GPA_UNMAPPED >> 12, VS_RW)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_G_NOT_U), GPA_NOT_U >> 12, VS_RW)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_G_RO), GPA_RO >> 12, VS_RW)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_G_XO), GPA_XO >> 12, PTE_V | PTE_R | PTE_X | PTE_A)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_G_AD), GPA_AD >> 12, VS_RW)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_VS_REMAP), GPA_DATA >> 12, VS_RW)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_VS_AD), GPA_VS_AD >> 12, PTE_V | PTE_R | PTE_W)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_VS_USER), GPA_DATA >> 12, VS_RW | PTE_U)
  MAP_LABEL(vs_leaf, LEAF_INDEX(VA_VS_XO), exec_only, PTE_V | PTE_X | PTE_A)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_G_REMAP), GPA_REMAP >> 12, VS_RW)
  MAP_PPN(vs_leaf, LEAF_INDEX(VA_G_UNMAPPED_U), GPA_UNMAPPED >> 12, VS_RW | PTE_U)
  ret

HYP_COMMON_CODE

/* Page tables and test pages, in .data so that the image holds their
 * (zero) contents. */
  .data
  .align 14
g_root:     .space 16384              /* G-stage root, VMID 1: 16 KiB aligned */
g_root_b:   .space 16384              /* G-stage root, VMID 2 */
g_leaf:     .space 4096
g_leaf_b:   .space 4096
vs_root:    .space 4096
vs_leaf:    .space 4096
data_a:     .word MAGIC_A, 0, PATTERN, 0, 0, 0, 0, 0
  .align 12
data_b:     .word MAGIC_B
  .align 12
exec_only:  .word MAGIC_X
  .align 12
ad_page:    .word 0
  .align 12
vs_ad_page: .word 0
  .align 12

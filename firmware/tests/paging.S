/*
 * paging: Sv32 address translation (privileged specification, "Supervisor-
 * Level ISA": satp, "Sv32: Page-Based 32-bit Virtual-Memory Systems";
 * mstatus SUM, MXR, MPRV; SFENCE.VMA).
 *
 * Covers: page tables built in M-mode, S and U running with satp = Sv32;
 * 4 KiB pages and 4 MiB megapages, identity and non-identity mappings;
 * instruction, load and store page faults (causes 12, 13, 15, mtval = the
 * faulting virtual address) for an invalid PTE, missing R, W or X, a U page
 * from S without SUM (loads and stores allowed with SUM, fetches never), an
 * S page from U, a misaligned megapage, a reserved W-without-R PTE and a
 * pointer PTE at the last level; MXR (loads from an execute-only page);
 * hardware A and D updates (QEMU 7.2 sets them: A after a load, A and D
 * after a store); a page fault delegated to S (scause, stval, sepc); MPRV
 * with MPP = S and U (M-mode loads and stores translated, fetches not);
 * SFENCE.VMA after a PTE changes.
 *
 * Virtual memory map (root table entries; the 4 KiB pages are listed at
 * `test pages` below):
 *   0x00000000 4 MiB  identity, RW     (the test finisher)
 *   0x10000000 4 MiB  identity, RW     (UART0)
 *   0x40000000 4 MiB  4 KiB test pages through pt_leaf
 *   0x80000000 4 MiB  identity, RWX    (this program, S-mode)
 *   0xa0000000 4 MiB  -> 0x80000000, U RX (this program, U-mode alias)
 *   0xc0000000 4 MiB  -> 0x80000000, RW  (non-identity megapage)
 *   0xc0400000 4 MiB  -> 0x80001000, R   (misaligned megapage: faults)
 */
#include "test.h"
#include "priv.h"

#define RAM_BASE     0x80000000
#define U_ALIAS      0xa0000000
#define HIGH_ALIAS   0xc0000000
#define MISALIGNED_MEGAPAGE 0xc0400000
#define TEST_PAGES   0x40000000

/* The 4 KiB test pages: virtual address of page i is TEST_PAGES + i * 4 KiB. */
#define VA_DATA_A     (TEST_PAGES + 0x1000)  /* -> data_a, RW, A D */
#define VA_INVALID    (TEST_PAGES + 0x2000)  /* V = 0 */
#define VA_EXEC_ONLY  (TEST_PAGES + 0x3000)  /* -> exec_only, X */
#define VA_READ_ONLY  (TEST_PAGES + 0x4000)  /* -> data_b, R */
#define VA_USER       (TEST_PAGES + 0x5000)  /* -> data_u, U RW */
#define VA_USER_EXEC  (TEST_PAGES + 0x6000)  /* -> data_u, U RX */
#define VA_WRITE_ONLY (TEST_PAGES + 0x7000)  /* -> data_a, W (reserved) */
#define VA_AD         (TEST_PAGES + 0x8000)  /* -> ad_page, RW, A = D = 0 */
#define VA_REMAP      (TEST_PAGES + 0x9000)  /* -> data_a, later data_b */
#define VA_POINTER    (TEST_PAGES + 0xa000)  /* pointer PTE at level 0 */

#define MAGIC_A 0x11111111
#define MAGIC_B 0x22222222
#define MAGIC_U 0x33333333
#define MAGIC_X 0x44444444

#define PTE_AD (PTE_A | PTE_D)

/* pt_root[index] or pt_leaf[index] = a PTE for physical address t0 with
 * `flags`. Clobbers t0, t1, t2. */
#define STORE_PTE(table, index, flags)  \
  srli t0, t0, 12;                      \
  slli t0, t0, 10;                      \
  li t1, flags;                         \
  or t0, t0, t1;                        \
  la t1, table;                         \
  li t2, 4 * (index);                   \
  add t1, t1, t2;                       \
  sw t0, 0(t1)
#define MAP_LABEL(table, index, label, flags) la t0, label; STORE_PTE(table, index, flags)
#define MAP_ADDR(table, index, addr, flags)   li t0, addr; STORE_PTE(table, index, flags)
#define ROOT_INDEX(va) ((va) >> 22)
#define LEAF_INDEX(va) (((va) >> 12) & 0x3ff)

/* a0 = pt_leaf's entry for `va` (read from M-mode). */
#define READ_LEAF_PTE(va)               \
  la a0, pt_leaf;                       \
  lw a0, 4 * LEAF_INDEX(va)(a0)

/* Continue at `label` in U-mode, through the U alias of this program. */
#define GOTO_U_ALIAS(label)             \
  li t6, MSTATUS_MPP;                   \
  csrc mstatus, t6;                     \
  la t6, label;                         \
  li t5, U_ALIAS - RAM_BASE;            \
  add t6, t6, t5;                       \
  csrw mepc, t6;                        \
  mret

/* Check n: the last trap was a page fault `cause` at virtual address `va`. */
#define CHECK_FAULT(n, cause, va)       \
  CHECK(n, s8, cause);                  \
  CHECK(n, s9, va)

TEST_ENTRY

main:
  PRIV_INIT
  jal build_page_tables
  la t0, pt_root
  srli t0, t0, 12
  li t1, SATP_MODE_SV32
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  csrw mstatus, zero

/* ---- 4 KiB pages and megapages, identity and not: S-mode runs from the
 *      identity megapage and reads data through a 4 KiB page and through a
 *      megapage 1 GiB away from it; a store through a 4 KiB page reaches
 *      the physical page. ---- */
  li s5, 0
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_DATA_A
  lw s0, 0(a1)
  li a2, MAGIC_B
  sw a2, 4(a1)
  la a1, data_a                      /* its address in the identity map */
  li t0, HIGH_ALIAS - RAM_BASE
  add a1, a1, t0
  lw s1, 0(a1)
  BACK_TO_M
  CHECK_TRAPS(1, 1)
  CHECK(2, s0, MAGIC_A)
  CHECK(3, s1, MAGIC_A)
  lw a0, data_a + 4
  CHECK(4, a0, MAGIC_B)
  PRINT_LINE "4 KiB pages and megapages: ok"

/* ---- page faults: mepc = the instruction (or the target for a fetch),
 *      mtval = the virtual address. ---- */
  /* Invalid PTE: load, store, fetch. */
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, fault_load_invalid)
fault_load_invalid:
  li a1, VA_INVALID
  lw a0, 8(a1)
1:
  CHECK_FAULT(5, CAUSE_LOAD_PAGE_FAULT, VA_INVALID + 8)
  CHECK_MPP(6, MSTATUS_MPP_S)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_INVALID
  sh a0, 6(a1)
1:
  CHECK_FAULT(7, CAUSE_STORE_PAGE_FAULT, VA_INVALID + 6)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_INVALID + 0x10
  jalr a1
1:
  CHECK_FAULT(8, CAUSE_FETCH_PAGE_FAULT, VA_INVALID + 0x10)
  CHECK(9, s10, VA_INVALID + 0x10)
  PRINT_LINE "page fault: invalid PTE: ok"
  /* Missing R (execute-only page), W (read-only page), X (RW page). */
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_EXEC_ONLY
  lw a0, 0(a1)
1:
  CHECK_FAULT(10, CAUSE_LOAD_PAGE_FAULT, VA_EXEC_ONLY)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_READ_ONLY
  lw s0, 0(a1)                       /* allowed */
  sw a0, 0(a1)
1:
  CHECK_FAULT(11, CAUSE_STORE_PAGE_FAULT, VA_READ_ONLY)
  CHECK(12, s0, MAGIC_B)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_DATA_A
  jalr a1
1:
  CHECK_FAULT(13, CAUSE_FETCH_PAGE_FAULT, VA_DATA_A)
  PRINT_LINE "page fault: missing R, W, X: ok"
  /* Reserved encoding W without R; a pointer PTE at the last level; a
   * megapage whose physical address is not 4 MiB aligned. */
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_WRITE_ONLY
  lw a0, 0(a1)
1:
  CHECK_FAULT(14, CAUSE_LOAD_PAGE_FAULT, VA_WRITE_ONLY)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_WRITE_ONLY
  sw a0, 0(a1)
1:
  CHECK_FAULT(15, CAUSE_STORE_PAGE_FAULT, VA_WRITE_ONLY)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_POINTER
  lw a0, 0(a1)
1:
  CHECK_FAULT(16, CAUSE_LOAD_PAGE_FAULT, VA_POINTER)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, MISALIGNED_MEGAPAGE + 0x1234
  lw a0, 0(a1)
1:
  CHECK_FAULT(17, CAUSE_LOAD_PAGE_FAULT, MISALIGNED_MEGAPAGE + 0x1234)
  PRINT_LINE "page fault: reserved PTE, pointer at level 0, misaligned megapage: ok"

/* ---- MXR: with sstatus.MXR, loads from an execute-only page work. ---- */
  li s5, 0
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  li a1, VA_EXEC_ONLY
  lw s0, 0(a1)
  csrc sstatus, t0
  BACK_TO_M
  CHECK_TRAPS(18, 1)
  CHECK(19, s0, MAGIC_X)
  PRINT_LINE "mstatus.MXR: ok"

/* ---- U pages from S: loads and stores fault without SUM, work with it;
 *      fetches fault either way. ---- */
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_USER
  lw a0, 0(a1)
1:
  CHECK_FAULT(20, CAUSE_LOAD_PAGE_FAULT, VA_USER)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_USER
  sw a0, 12(a1)
1:
  CHECK_FAULT(21, CAUSE_STORE_PAGE_FAULT, VA_USER + 12)
  li t0, MSTATUS_SUM
  csrs mstatus, t0
  li s5, 0
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_USER
  lw s0, 0(a1)
  li a2, MAGIC_A
  sw a2, 4(a1)
  BACK_TO_M
  CHECK_TRAPS(22, 1)
  CHECK(23, s0, MAGIC_U)
  lw a0, data_u + 4
  CHECK(24, a0, MAGIC_A)
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_USER_EXEC
  jalr a1
1:
  CHECK_FAULT(25, CAUSE_FETCH_PAGE_FAULT, VA_USER_EXEC)
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  PRINT_LINE "U pages from S, mstatus.SUM: ok"

/* ---- U-mode: U pages work; S pages fault for loads and fetches. U code
 *      runs from the U alias of this program. ---- */
  li s5, 0
  RESUME_AT(1f)                      /* the ecall back: s6 is set in M */
  GOTO_U_ALIAS(2f)
2:
  li a1, VA_USER
  lw s0, 0(a1)
  ecall
1:
  CHECK_TRAPS(26, 1)
  CHECK(27, s8, CAUSE_USER_ECALL)
  CHECK(28, s0, MAGIC_U)
  RESUME_AT(1f)
  GOTO_U_ALIAS(2f)
2:
  li a1, VA_DATA_A
  lw a0, 0(a1)
1:
  CHECK_FAULT(29, CAUSE_LOAD_PAGE_FAULT, VA_DATA_A)
  CHECK_MPP(30, MSTATUS_MPP_U)
  RESUME_AT(1f)
  GOTO_U_ALIAS(2f)
2:
  la a1, fetch_target                /* the S identity map: pc-relative */
  li t0, RAM_BASE - U_ALIAS
  add a1, a1, t0
  jalr a1
1:
  CHECK(31, s8, CAUSE_FETCH_PAGE_FAULT)
  CHECK_ADDR(32, s9, fetch_target)
  PRINT_LINE "S pages from U: ok"

/* ---- a page fault delegated to S: scause 13, stval = the address, sepc =
 *      the load. ---- */
  li t0, 1 << CAUSE_LOAD_PAGE_FAULT
  csrw medeleg, t0
  RESUME_AT(1f)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_INVALID
  lw a0, 0x20(a1)
1:                                   /* in S-mode, from the S handler */
  CHECK_TAKEN_BY_S(33)
  CHECK_FAULT(34, CAUSE_LOAD_PAGE_FAULT, VA_INVALID + 0x20)
  BACK_TO_M
  csrw medeleg, zero
  PRINT_LINE "page fault delegated to S: ok"

/* ---- A and D: a load sets A, a store sets A and D, in the leaf PTE. ---- */
  READ_LEAF_PTE(VA_AD)
  CHECK_BITS(35, a0, PTE_AD, 0)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_AD
  lw a0, 0(a1)
  BACK_TO_M
  READ_LEAF_PTE(VA_AD)
  CHECK_BITS(36, a0, PTE_AD, PTE_A)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_AD
  sw a0, 0(a1)
  BACK_TO_M
  READ_LEAF_PTE(VA_AD)
  CHECK_BITS(37, a0, PTE_AD, PTE_AD)
  PRINT_LINE "A and D updated by the hart: ok"

/* ---- MPRV: M-mode loads and stores are translated as for MPP, fetches are
 *      not (the program runs on, though its pages are not U pages). ---- */
  li t0, MSTATUS_MPRV | MSTATUS_MPP_S
  csrw mstatus, t0
  li a1, VA_DATA_A
  lw s0, 0(a1)
  li a2, MAGIC_U
  sw a2, 8(a1)
  csrw mstatus, zero
  CHECK(38, s0, MAGIC_A)
  lw a0, data_a + 8
  CHECK(39, a0, MAGIC_U)
  li t0, MSTATUS_MPRV | MSTATUS_MPP_U
  csrw mstatus, t0
  li a1, VA_USER
  lw s0, 0(a1)
  csrw mstatus, zero
  CHECK(40, s0, MAGIC_U)
  li t0, MSTATUS_MPRV | MSTATUS_MPP_U
  li a1, VA_DATA_A
  RESUME_AT(1f)
  csrw mstatus, t0
mprv_fault:
  lw s0, 0(a1)
1:
  CHECK_FAULT(41, CAUSE_LOAD_PAGE_FAULT, VA_DATA_A)
  CHECK_ADDR(42, s10, mprv_fault)
  CHECK_MPP(43, MSTATUS_MPP_M)
  csrr a0, mstatus
  CHECK_BITS(44, a0, MSTATUS_MPRV, 0)
  PRINT_LINE "mstatus.MPRV: ok"

/* ---- SFENCE.VMA: S reads a page, M points its PTE elsewhere, S fences
 *      (all, then by address) and sees the new page. ---- */
  li s5, 0
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_REMAP
  lw s0, 0(a1)
  BACK_TO_M
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_REMAP), data_b, PTE_V | PTE_R | PTE_W | PTE_AD)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  sfence.vma
  li a1, VA_REMAP
  lw s1, 0(a1)
  BACK_TO_M
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_REMAP), data_u, PTE_V | PTE_R | PTE_W | PTE_AD)
  GOTO_MODE(MSTATUS_MPP_S, 2f)
2:
  li a1, VA_REMAP
  sfence.vma a1, zero
  lw s2, 0(a1)
  BACK_TO_M
  CHECK_TRAPS(45, 3)
  CHECK(46, s0, MAGIC_A)
  CHECK(47, s1, MAGIC_B)
  CHECK(48, s2, MAGIC_U)
  PRINT_LINE "sfence.vma: ok"

  csrw satp, zero
  TEST_PASS

/* A word the U-mode fetch test jumps to (never executed). */
fetch_target:
  j test_fail

/* Fill pt_root and pt_leaf (both zero to begin with) with the map drawn at
 * the top of this file. */
build_page_tables:
  MAP_ADDR(pt_root, ROOT_INDEX(FINISHER), 0, PTE_V | PTE_R | PTE_W | PTE_AD)
  MAP_ADDR(pt_root, ROOT_INDEX(UART0_BASE), UART0_BASE, PTE_V | PTE_R | PTE_W | PTE_AD)
  MAP_LABEL(pt_root, ROOT_INDEX(TEST_PAGES), pt_leaf, PTE_V)
  MAP_ADDR(pt_root, ROOT_INDEX(RAM_BASE), RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD)
  MAP_ADDR(pt_root, ROOT_INDEX(U_ALIAS), RAM_BASE, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)
  MAP_ADDR(pt_root, ROOT_INDEX(HIGH_ALIAS), RAM_BASE, PTE_V | PTE_R | PTE_W | PTE_AD)
  MAP_ADDR(pt_root, ROOT_INDEX(MISALIGNED_MEGAPAGE), RAM_BASE + 0x1000, PTE_V | PTE_R | PTE_A)
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_DATA_A), data_a, PTE_V | PTE_R | PTE_W | PTE_AD)
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_EXEC_ONLY), exec_only, PTE_V | PTE_X | PTE_A)
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_READ_ONLY), data_b, PTE_V | PTE_R | PTE_A)
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_USER), data_u, PTE_V | PTE_R | PTE_W | PTE_U | PTE_AD)
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_USER_EXEC), data_u, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_WRITE_ONLY), data_a, PTE_V | PTE_W | PTE_AD)
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_AD), ad_page, PTE_V | PTE_R | PTE_W)
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_REMAP), data_a, PTE_V | PTE_R | PTE_W | PTE_AD)
  MAP_LABEL(pt_leaf, LEAF_INDEX(VA_POINTER), pt_leaf, PTE_V)
  ret

PRIV_COMMON_CODE

/* Page tables and test pages, in .data so that the image holds their
 * (zero) contents. */
  .data
  .align 12
pt_root:   .space 4096
pt_leaf:   .space 4096
data_a:    .word MAGIC_A
  .align 12
data_b:    .word MAGIC_B
  .align 12
data_u:    .word MAGIC_U
  .align 12
exec_only: .word MAGIC_X
  .align 12
ad_page:   .word 0
  .align 12

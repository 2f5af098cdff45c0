/*
 * Entry of the benchmark for its paged runs: the same kernels as bench.elf,
 * run in U-mode under Sv32 (bench-su.elf, built with BENCH_SU) or in VU-mode
 * under two-stage translation (bench-vsvu.elf, built with BENCH_VSVU).
 *
 * M-mode clears .bss, opens PMP, enables the counters (main() reads
 * instret), delegates ecalls from U-mode and builds the Sv32 table drawn
 * below. Then:
 *
 *   S/U    M-mode points satp at the table and mrets into U-mode at main().
 *          The U-mode ecall that main's return makes is the only trap
 *          S-mode takes: it ends the program.
 *   VS/VU  M-mode mrets into HS-mode, the tiny hypervisor: it builds a
 *          G-stage table (Sv32x4: identity megapages for RAM, UART0 and the
 *          test finisher), sets hgatp (VMID 1), points vsatp at the Sv32
 *          table (guest physical = physical) and srets into VU-mode at
 *          main() (hstatus.SPV). The VU-mode ecall at the end is the only
 *          exit from the guest, taken in HS-mode.
 *
 * Virtual memory, both runs (in VS/VU, the VS-stage):
 *   0x00000000 4 MiB  identity, S RW   (the test finisher)
 *   0x10000000 4 MiB  identity, U RW   (UART0: the kernels print from U)
 *   0x80000000 8 MiB  identity, U RWX  (this program, its data and stack)
 *   0xc0000000 4 MiB  -> 0x80000000, S RX (where S-mode runs exit_handler)
 * Any other trap goes to M-mode and fails the program (bench_trap).
 */
#if defined(BENCH_SU) == defined(BENCH_VSVU)
#error "build with exactly one of BENCH_SU, BENCH_VSVU"
#endif

#define FINISHER      0x100000
#define FINISHER_PASS 0x5555
#define FINISHER_FAIL 0x3333
#define UART0_BASE    0x10000000
#define RAM_BASE      0x80000000
#define RAM_MEGAPAGES 2                 /* 8 MiB: the image, .bss, stack */
#define S_ALIAS       0xc0000000        /* S-mode's view of this program */

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define SATP_SV32     0x80000000
#define HGATP_SV32X4  0x80000000
#define MSTATUS_SPP   0x00000100
#define MSTATUS_MPP   0x00001800
#define MSTATUS_MPP_S 0x00000800
#define HSTATUS_SPV   0x00000080
#define CAUSE_USER_ECALL 8
#define COUNTERS_ALL  7                 /* CY, TM, IR */

  .section .text.init
  .globl _start
_start:
  bnez a0, park
  la sp, stack_top
  la t0, trap_entry
  csrw mtvec, t0
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:
  li t0, -1                             /* PMP: everything to S and U */
  csrw pmpaddr0, t0
  li t0, 0x1f                           /* NAPOT, R W X */
  csrw pmpcfg0, t0
  li t0, COUNTERS_ALL                   /* main() reads instret */
  csrw mcounteren, t0
  csrw scounteren, t0
  li t0, 1 << CAUSE_USER_ECALL          /* the exit goes to (H)S-mode */
  csrw medeleg, t0
  la a0, vm_root
  jal build_sv32
#ifdef BENCH_SU
  la t0, exit_handler                   /* S-mode runs it through the alias */
  li t1, S_ALIAS - RAM_BASE
  add t0, t0, t1
  csrw stvec, t0
  la t0, vm_root
  srli t0, t0, 12
  li t1, SATP_SV32
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li t0, MSTATUS_MPP                    /* MPP = U */
  csrc mstatus, t0
  la t0, user_entry
  csrw mepc, t0
  mret
#else
  li t0, COUNTERS_ALL
  csrw hcounteren, t0
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S                  /* MPP = S, MPV = 0: HS-mode */
  csrs mstatus, t0
  la t0, hypervisor_entry
  csrw mepc, t0
  mret

/* HS-mode: the G-stage table, vsatp, and into the guest at main(). */
hypervisor_entry:
  la t0, exit_handler
  csrw stvec, t0
  la a0, g_root
  jal build_sv32x4
  la t0, g_root
  srli t0, t0, 12
  li t1, HGATP_SV32X4 | (1 << 22)       /* VMID 1 */
  or t0, t0, t1
  csrw hgatp, t0
  hfence.gvma
  la t0, vm_root                        /* guest physical = physical */
  srli t0, t0, 12
  li t1, SATP_SV32
  or t0, t0, t1
  csrw vsatp, t0
  hfence.vvma
  li t0, HSTATUS_SPV
  csrs hstatus, t0
  li t0, MSTATUS_SPP                    /* SPP = U: VU-mode */
  csrc sstatus, t0
  la t0, user_entry
  csrw sepc, t0
  sret
#endif

/* U-mode (or VU-mode): the benchmark, then its status to S-mode. */
user_entry:
  call main
  ecall
1:
  j 1b

/* S-mode (or HS-mode): the U-mode ecall ends the program with status a0
 * through the test finisher. Position-independent: in S/U it runs at its
 * S_ALIAS address. */
  .align 2
exit_handler:
  li t0, FINISHER
  li t1, FINISHER_PASS
  beqz a0, 1f
  slli t1, a0, 16
  li t2, FINISHER_FAIL
  or t1, t1, t2
1:
  sw t1, 0(t0)
2:
  j 2b

/* Sv32 root table at a0 (zeroed): the map drawn at the top. Clobbers t0-t3. */
build_sv32:
  li t0, (FINISHER >> 22) * 4
  add t0, a0, t0
  li t1, ((0 >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  sw t1, 0(t0)
  li t0, (UART0_BASE >> 22) * 4
  add t0, a0, t0
  li t1, ((UART0_BASE >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  sw t1, 0(t0)
  li t0, (S_ALIAS >> 22) * 4
  add t0, a0, t0
  li t1, ((RAM_BASE >> 12) << 10) | PTE_V | PTE_R | PTE_X | PTE_A
  sw t1, 0(t0)
  li t1, ((RAM_BASE >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
  li t0, (RAM_BASE >> 22) * 4
  j map_ram

#ifdef BENCH_VSVU
/* Sv32x4 root table (16 KiB) at a0: identity megapages for the finisher,
 * UART0 and RAM, all U (G-stage accesses count as U-mode). */
build_sv32x4:
  li t0, (FINISHER >> 22) * 4
  add t0, a0, t0
  li t1, ((0 >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  sw t1, 0(t0)
  li t0, (UART0_BASE >> 22) * 4
  add t0, a0, t0
  li t1, ((UART0_BASE >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  sw t1, 0(t0)
  li t1, ((RAM_BASE >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
  li t0, (RAM_BASE >> 22) * 4
  j map_ram
#endif

/* RAM_MEGAPAGES identity megapages: table a0, entry offset t0, first PTE
 * t1; returns to ra. */
map_ram:
  add t0, a0, t0
  li t2, RAM_MEGAPAGES
  li t3, (0x400000 >> 12) << 10         /* one megapage, as a PTE */
1:
  sw t1, 0(t0)
  addi t0, t0, 4
  add t1, t1, t3
  addi t2, t2, -1
  bnez t2, 1b
  ret

park:
  wfi
  j park

  .align 2
trap_entry:
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  call bench_trap

  .bss
  .align 14
#ifdef BENCH_VSVU
g_root:
  .space 16384                          /* Sv32x4 root: 16 KiB, aligned */
#endif
vm_root:
  .space 4096
  .align 4
  .space 64 * 1024
stack_top:

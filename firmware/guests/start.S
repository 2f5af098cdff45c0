/*
 * start.S: the start of every guest program: the RISC-V boot Image header
 * (Linux's Documentation/riscv/boot-image-header.rst: code0 jumps over the
 * 64 bytes, text_offset 4 MiB, image_size to _end), the entry of the boot
 * hart (a0 = hartid, a1 = the device tree) and of harts started with HSM
 * (a0 = hartid, a1 = opaque), and the supervisor trap vector, which saves
 * the registers in a struct guest_frame and calls guest_trap.
 */
#define STACK_SHIFT 13              /* 8 KiB per hart */
#define MAX_HARTS   16
#define FRAME_SIZE  136             /* struct guest_frame: x0..x31, sepc, scause */

  .section .text.header, "ax"
  .globl _start
_start:
  j 1f                              /* code0 */
  .balign 4
  .word 0                           /* code1 */
  .dword 0x400000                   /* text_offset */
  .dword _end - _start              /* image_size */
  .dword 0                          /* flags: little-endian */
  .word 0x00000002                  /* version 0.2 */
  .word 0                           /* res1 */
  .dword 0                          /* res2 */
  .ascii "RISCV\0\0\0"              /* magic (deprecated) */
  .ascii "RSC\x05"                  /* magic2 */
  .word 0                           /* res3 */
1:
  la sp, stacks_top                 /* each hart's stack, by hartid */
  slli t0, a0, STACK_SHIFT
  sub sp, sp, t0
  la t0, guest_trap_vector
  csrw stvec, t0
  la t0, __bss_start
  la t1, __bss_end
2:
  bgeu t0, t1, 3f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 2b
3:
  call guest_main
4:
  wfi
  j 4b

  .text
/* A hart started with HSM hart_start(hartid, secondary_entry, opaque). */
  .globl secondary_entry
  .align 2
secondary_entry:
  li t0, MAX_HARTS
  bgeu a0, t0, 2f
  la sp, stacks_top
  slli t0, a0, STACK_SHIFT
  sub sp, sp, t0
  la t0, guest_trap_vector
  csrw stvec, t0
  call guest_secondary
2:
  wfi
  j 2b

  .align 4
  .globl guest_trap_vector
guest_trap_vector:
  addi sp, sp, -FRAME_SIZE
  sw x1, 4(sp)
  sw x3, 12(sp)
  sw x4, 16(sp)
  sw x5, 20(sp)
  sw x6, 24(sp)
  sw x7, 28(sp)
  sw x8, 32(sp)
  sw x9, 36(sp)
  sw x10, 40(sp)
  sw x11, 44(sp)
  sw x12, 48(sp)
  sw x13, 52(sp)
  sw x14, 56(sp)
  sw x15, 60(sp)
  sw x16, 64(sp)
  sw x17, 68(sp)
  sw x18, 72(sp)
  sw x19, 76(sp)
  sw x20, 80(sp)
  sw x21, 84(sp)
  sw x22, 88(sp)
  sw x23, 92(sp)
  sw x24, 96(sp)
  sw x25, 100(sp)
  sw x26, 104(sp)
  sw x27, 108(sp)
  sw x28, 112(sp)
  sw x29, 116(sp)
  sw x30, 120(sp)
  sw x31, 124(sp)
  addi t0, sp, FRAME_SIZE
  sw t0, 8(sp)
  csrr t0, sepc
  sw t0, 128(sp)
  csrr t0, scause
  sw t0, 132(sp)
  mv a0, sp
  call guest_trap
  lw t0, 128(sp)
  csrw sepc, t0
  lw x1, 4(sp)
  lw x3, 12(sp)
  lw x4, 16(sp)
  lw x5, 20(sp)
  lw x6, 24(sp)
  lw x7, 28(sp)
  lw x8, 32(sp)
  lw x9, 36(sp)
  lw x10, 40(sp)
  lw x11, 44(sp)
  lw x12, 48(sp)
  lw x13, 52(sp)
  lw x14, 56(sp)
  lw x15, 60(sp)
  lw x16, 64(sp)
  lw x17, 68(sp)
  lw x18, 72(sp)
  lw x19, 76(sp)
  lw x20, 80(sp)
  lw x21, 84(sp)
  lw x22, 88(sp)
  lw x23, 92(sp)
  lw x24, 96(sp)
  lw x25, 100(sp)
  lw x26, 104(sp)
  lw x27, 108(sp)
  lw x28, 112(sp)
  lw x29, 116(sp)
  lw x30, 120(sp)
  lw x31, 124(sp)
  addi sp, sp, FRAME_SIZE
  sret

  .section .stacks, "aw", @nobits
  .balign 16
  .space MAX_HARTS << STACK_SHIFT
stacks_top:

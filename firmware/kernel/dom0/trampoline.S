/*
 * trampoline.S: where /dev/privcmd makes a user process's hypercall
 * (privcmd.c). The page holds this code alone, so that the page table the
 * call runs on can map it execute-only and nothing else of the kernel.
 *
 * privcmd_trampoline(a0, a1, a2, a3, a4, number, satp, eid): switches to
 * `satp` (the process's half and this page), makes the SBI call eid/number
 * with a0..a4, switches back and returns a0. No stack, no memory access:
 * while it runs the kernel is not mapped; the caller has interrupts off.
 */
  .section .text.privcmd_trampoline, "ax"
  .balign 4096
  .globl privcmd_trampoline, privcmd_trampoline_end
privcmd_trampoline:
  csrr t1, satp
  mv t0, a6
  mv a6, a5
  csrw satp, t0
  sfence.vma
  ecall
  csrw satp, t1
  sfence.vma
  ret
  .balign 4096
privcmd_trampoline_end:

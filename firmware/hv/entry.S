/*
 * entry.S: where harts enter the hypervisor, the trap vector, and the way
 * into a guest.
 *
 * tp holds this pCPU's struct pcpu whenever the hypervisor runs, and
 * sscratch holds it whenever a guest runs, so the trap vector finds it by
 * swapping the two. A trap from a guest (hstatus.SPV = 1) saves the
 * guest's registers in its vCPU (struct guest_regs) and calls vcpu_exit on
 * the pCPU's own stack, which starts afresh at every exit: the hypervisor
 * keeps no state on a stack between exits. A trap from the hypervisor
 * itself is expected only while it reads guest memory through the guest's
 * translation (pcpu->fixup set): it resumes at the fixup address.
 */
#include "params.h"

#define REG(n)        ((n) * 4)
#define REGS_PC       128
#define REGS_SSTATUS  132
#define REGS_HSTATUS  136
#define PCPU_VCPU     0
#define PCPU_STACK    4
#define PCPU_SCRATCH  8
#define PCPU_FIXUP    12
#define HSTATUS_SPV   0x80

  .section .text.init
  .globl _start
/* The boot hart, from the SBI firmware: a0 = hartid, a1 = the device tree. */
_start:
  la sp, hv_boot_stack_top
  la tp, pcpus
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  sw zero, 4(t0)
  sw zero, 8(t0)
  sw zero, 12(t0)
  addi t0, t0, 16
  j 1b
2:
  call hv_main
3:
  wfi
  j 3b

  .text
/* A secondary hart, from SBI HSM hart_start: a0 = hartid, a1 = its struct pcpu. */
  .globl secondary_entry
  .align 2
secondary_entry:
  mv tp, a1
  lw sp, PCPU_STACK(tp)
  mv a0, a1
  call secondary_main
1:
  wfi
  j 1b

/* Every trap into HS-mode. */
  .align 4
  .globl hv_trap_vector
hv_trap_vector:
  csrrw tp, sscratch, tp
  sw t0, PCPU_SCRATCH(tp)
  csrr t0, hstatus
  andi t0, t0, HSTATUS_SPV
  beqz t0, hypervisor_trap
  lw t0, PCPU_VCPU(tp)
  sw x1, REG(1)(t0)
  sw x2, REG(2)(t0)
  sw x3, REG(3)(t0)
  sw x6, REG(6)(t0)
  sw x7, REG(7)(t0)
  sw x8, REG(8)(t0)
  sw x9, REG(9)(t0)
  sw x10, REG(10)(t0)
  sw x11, REG(11)(t0)
  sw x12, REG(12)(t0)
  sw x13, REG(13)(t0)
  sw x14, REG(14)(t0)
  sw x15, REG(15)(t0)
  sw x16, REG(16)(t0)
  sw x17, REG(17)(t0)
  sw x18, REG(18)(t0)
  sw x19, REG(19)(t0)
  sw x20, REG(20)(t0)
  sw x21, REG(21)(t0)
  sw x22, REG(22)(t0)
  sw x23, REG(23)(t0)
  sw x24, REG(24)(t0)
  sw x25, REG(25)(t0)
  sw x26, REG(26)(t0)
  sw x27, REG(27)(t0)
  sw x28, REG(28)(t0)
  sw x29, REG(29)(t0)
  sw x30, REG(30)(t0)
  sw x31, REG(31)(t0)
  lw t1, PCPU_SCRATCH(tp)
  sw t1, REG(5)(t0)
  csrrw t1, sscratch, tp          /* the guest's tp; sscratch = this pCPU again */
  sw t1, REG(4)(t0)
  csrr t1, sepc
  sw t1, REGS_PC(t0)
  csrr t1, sstatus
  sw t1, REGS_SSTATUS(t0)
  csrr t1, hstatus
  sw t1, REGS_HSTATUS(t0)
  lw sp, PCPU_STACK(tp)
  mv a0, t0
  call vcpu_exit                  /* does not return: it ends in vcpu_resume */
  j hv_fatal_trap

hypervisor_trap:
  lw t0, PCPU_FIXUP(tp)
  beqz t0, 1f
  csrw sepc, t0
  sw zero, PCPU_FIXUP(tp)
  lw t0, PCPU_SCRATCH(tp)
  csrrw tp, sscratch, tp
  sret
1:
  lw t0, PCPU_SCRATCH(tp)
  csrrw tp, sscratch, tp
  call hv_fatal_trap

/* vcpu_resume(v): into the guest with v's registers; the CSRs are already set. */
  .globl vcpu_resume
vcpu_resume:
  sw a0, PCPU_VCPU(tp)
  csrw sscratch, tp
  mv t0, a0
  lw x1, REG(1)(t0)
  lw x2, REG(2)(t0)
  lw x3, REG(3)(t0)
  lw x4, REG(4)(t0)
  lw x6, REG(6)(t0)
  lw x7, REG(7)(t0)
  lw x8, REG(8)(t0)
  lw x9, REG(9)(t0)
  lw x10, REG(10)(t0)
  lw x11, REG(11)(t0)
  lw x12, REG(12)(t0)
  lw x13, REG(13)(t0)
  lw x14, REG(14)(t0)
  lw x15, REG(15)(t0)
  lw x16, REG(16)(t0)
  lw x17, REG(17)(t0)
  lw x18, REG(18)(t0)
  lw x19, REG(19)(t0)
  lw x20, REG(20)(t0)
  lw x21, REG(21)(t0)
  lw x22, REG(22)(t0)
  lw x23, REG(23)(t0)
  lw x24, REG(24)(t0)
  lw x25, REG(25)(t0)
  lw x26, REG(26)(t0)
  lw x27, REG(27)(t0)
  lw x28, REG(28)(t0)
  lw x29, REG(29)(t0)
  lw x30, REG(30)(t0)
  lw x31, REG(31)(t0)
  lw t0, REG(5)(t0)
  sret

/* guest_fetch_u16(va, &value): HLVX.HU through the loaded guest's translation. */
  .globl guest_fetch_u16
guest_fetch_u16:
  la t0, 1f
  sw t0, PCPU_FIXUP(tp)
  hlvx.hu t1, (a0)
  sw zero, PCPU_FIXUP(tp)
  sw t1, 0(a1)
  li a0, 0
  ret
1:
  li a0, -1
  ret

/* guest_load_u8(va, &value): HLV.BU through the loaded guest's translation; -1 if it faults. */
  .globl guest_load_u8
guest_load_u8:
  la t0, guest_access_fault
  sw t0, PCPU_FIXUP(tp)
  hlv.bu t1, (a0)
  sw zero, PCPU_FIXUP(tp)
  sw t1, 0(a1)
  li a0, 0
  ret

/* guest_store_u8(va, value): HSV.B through the loaded guest's translation; -1 if it faults. */
  .globl guest_store_u8
guest_store_u8:
  la t0, guest_access_fault
  sw t0, PCPU_FIXUP(tp)
  hsv.b a1, (a0)
  sw zero, PCPU_FIXUP(tp)
  li a0, 0
  ret

/* Where a faulting guest access resumes (the trap cleared the fixup). */
guest_access_fault:
  li a0, -1
  ret

/* The kernel of the built-in domain 0: kernel-dom0.elf, byte for byte. */
  .section .rodata.kernel, "a"
  .balign 8
  .globl hv_kernel_image, hv_kernel_image_end
hv_kernel_image:
  .incbin HV_KERNEL_ELF
hv_kernel_image_end:

  .section .stacks, "aw", @nobits
  .balign 16
  .globl hv_stacks
hv_stacks:
  .space NPCPU * PCPU_STACK_SIZE
hv_boot_stack_top = hv_stacks + PCPU_STACK_SIZE

/*
 * trapvec.S: the supervisor trap vector, and the way back to user mode.
 *
 * sscratch tells where a trap came from: while a process runs in user mode
 * it holds the process's trap frame (the top of its kernel stack); in the
 * kernel it holds zero. A user trap saves the user registers in the trap
 * frame and continues on the kernel stack below it, with the hart's tp;
 * a kernel trap saves the registers on the current stack.
 */
#define REG(n)     ((n) * 4)
#define TF_EPC     128
#define TF_KTP     132
#define TF_STATUS  136
#define TF_SIZE    144

#define SAVE_GPRS        \
  sw x1, REG(1)(sp);     \
  sw x3, REG(3)(sp);     \
  sw x4, REG(4)(sp);     \
  sw x5, REG(5)(sp);     \
  sw x6, REG(6)(sp);     \
  sw x7, REG(7)(sp);     \
  sw x8, REG(8)(sp);     \
  sw x9, REG(9)(sp);     \
  sw x10, REG(10)(sp);   \
  sw x11, REG(11)(sp);   \
  sw x12, REG(12)(sp);   \
  sw x13, REG(13)(sp);   \
  sw x14, REG(14)(sp);   \
  sw x15, REG(15)(sp);   \
  sw x16, REG(16)(sp);   \
  sw x17, REG(17)(sp);   \
  sw x18, REG(18)(sp);   \
  sw x19, REG(19)(sp);   \
  sw x20, REG(20)(sp);   \
  sw x21, REG(21)(sp);   \
  sw x22, REG(22)(sp);   \
  sw x23, REG(23)(sp);   \
  sw x24, REG(24)(sp);   \
  sw x25, REG(25)(sp);   \
  sw x26, REG(26)(sp);   \
  sw x27, REG(27)(sp);   \
  sw x28, REG(28)(sp);   \
  sw x29, REG(29)(sp);   \
  sw x30, REG(30)(sp);   \
  sw x31, REG(31)(sp)

/* Every register but sp (x2), which the caller restores last. */
#define RESTORE_GPRS     \
  lw x1, REG(1)(sp);     \
  lw x3, REG(3)(sp);     \
  lw x4, REG(4)(sp);     \
  lw x5, REG(5)(sp);     \
  lw x6, REG(6)(sp);     \
  lw x7, REG(7)(sp);     \
  lw x8, REG(8)(sp);     \
  lw x9, REG(9)(sp);     \
  lw x10, REG(10)(sp);   \
  lw x11, REG(11)(sp);   \
  lw x12, REG(12)(sp);   \
  lw x13, REG(13)(sp);   \
  lw x14, REG(14)(sp);   \
  lw x15, REG(15)(sp);   \
  lw x16, REG(16)(sp);   \
  lw x17, REG(17)(sp);   \
  lw x18, REG(18)(sp);   \
  lw x19, REG(19)(sp);   \
  lw x20, REG(20)(sp);   \
  lw x21, REG(21)(sp);   \
  lw x22, REG(22)(sp);   \
  lw x23, REG(23)(sp);   \
  lw x24, REG(24)(sp);   \
  lw x25, REG(25)(sp);   \
  lw x26, REG(26)(sp);   \
  lw x27, REG(27)(sp);   \
  lw x28, REG(28)(sp);   \
  lw x29, REG(29)(sp);   \
  lw x30, REG(30)(sp);   \
  lw x31, REG(31)(sp)

  .text
  .align 4
  .globl trap_vector
trap_vector:
  csrrw sp, sscratch, sp
  beqz sp, from_kernel

  SAVE_GPRS                       /* from user mode: sp is the trap frame */
  csrr t0, sscratch
  sw t0, REG(2)(sp)
  csrw sscratch, zero
  csrr t0, sepc
  sw t0, TF_EPC(sp)
  lw tp, TF_KTP(sp)
  mv a0, sp
  call user_trap                  /* leaves through user_return */

from_kernel:
  csrrw sp, sscratch, sp          /* sp back, sscratch zero again */
  addi sp, sp, -TF_SIZE
  SAVE_GPRS
  addi t0, sp, TF_SIZE
  sw t0, REG(2)(sp)
  csrr t0, sepc
  sw t0, TF_EPC(sp)
  csrr t0, sstatus
  sw t0, TF_STATUS(sp)
  mv a0, sp
  call kernel_trap
  lw t0, TF_EPC(sp)
  csrw sepc, t0
  lw t0, TF_STATUS(sp)
  csrw sstatus, t0
  RESTORE_GPRS
  addi sp, sp, TF_SIZE
  sret

/* user_return(tf): back to user mode with the registers in tf. Interrupts
 * must be off and sstatus set up for the return (trap.c). */
  .globl user_return
user_return:
  mv sp, a0
  lw t0, TF_EPC(sp)
  csrw sepc, t0
  csrw sscratch, sp
  RESTORE_GPRS
  lw sp, REG(2)(sp)
  sret

/*
 * memlayout.h: the kernel's memory map.
 *
 * Physical memory (the board's RAM, from the device tree):
 *
 *   0x8000_0000  SBI firmware, 4 MiB (PMP keeps S-mode out)
 *   0x8040_0000  KERNEL_BASE: this kernel (text, rodata with the initramfs,
 *                data, bss, then the kernel stacks), up to _end
 *   _end         free pages for the page allocator (kalloc.c) ...
 *   dtb          ... except the device tree, wherever the boot ROM put it
 *                (QEMU and HyperLab: 0x87e0_0000 with 128 MiB)
 *   RAM end
 *
 * Virtual memory: one Sv32 page table per process. The lower half is the
 * process's (include/abi.h); the upper half is the kernel's, the same in
 * every page table (copied from kernel_pagetable when a process is made),
 * built of 4 MiB megapages so that no second-level table is shared:
 *
 *   0x0000_0000 .. 0x8000_0000   user (U = 1), per process
 *   0x8000_0000 .. RAM end       RAM, mapped 1:1 (virtual = physical), so a
 *                                kernel pointer is also a physical address
 *   IO_BASE .. IO_END            devices, mapped at boot by ioremap() in
 *                                4 MiB steps (the PLIC, the UARTs)
 *
 * Kernel mappings are global (G) and supervisor-only; the kernel reaches
 * user memory only through uvm_translate (vm.c), never through a user
 * pointer.
 */
#ifndef KERNEL_MEMLAYOUT_H
#define KERNEL_MEMLAYOUT_H

#define KERNEL_BASE   0x80400000u   /* where the SBI firmware jumps: kernel.ld */
#define KERNEL_SPACE  0x80000000u   /* first kernel virtual address */
#define IO_BASE       0xf0000000u   /* device window */
#define IO_END        0xffc00000u

#endif

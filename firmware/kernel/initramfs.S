/*
 * initramfs.S: the initramfs archive (firmware/build/initramfs.cpio, see
 * include/abi.h), carried in the kernel image's read-only data.
 */
  .section .rodata.initramfs, "a"
  .align 4
  .globl initramfs_start, initramfs_end
initramfs_start:
  .incbin INITRAMFS
initramfs_end:

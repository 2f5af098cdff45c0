/*
 * How a user program meets the HyperLab kernel: its address space, the
 * state it starts in, and how it gets into the initramfs. The system calls
 * themselves are in syscall.h; this file is the rest of the contract.
 *
 * Address space of every process (Sv32, 4 KiB pages):
 *
 *   0xffff_ffff  +-----------------------------+
 *                | kernel: RAM mapped 1:1 and  |  supervisor only (U = 0):
 *                | the devices, same in every  |  a user access faults
 *                | address space               |
 *   0x8000_0000  +-----------------------------+ USER_TOP = USER_STACK_TOP
 *                | stack, grows down; argv and |  pages appear on first touch,
 *                | its strings at the top      |  up to USER_STACK_MAX
 *   0x7ff0_0000  +-----------------------------+ USER_STACK_BOTTOM
 *                | guard page, never mapped    |  overflowing the stack faults
 *   0x7fef_f000  +-----------------------------+
 *                | (free)                      |
 *   0x7080_0000  +-----------------------------+
 *                | foreign pages (dom0 build): |  /dev/privcmd's mappings of
 *                | other domains' memory       |  other domains' frames
 *   0x7000_0000  +-----------------------------+ USER_HEAP_LIMIT = USER_FOREIGN_BASE
 *                | (free)                      |
 *                | heap, grows up with sbrk    |  pages appear on first touch,
 *                +-----------------------------+ initial break: end of the last
 *                | .data .bss                  |  PT_LOAD segment, page-rounded
 *                | .text .rodata               |
 *   0x0001_0000  +-----------------------------+ USER_TEXT_BASE: link programs here
 *                | never mapped                |  null pointers fault
 *   0x0000_0000  +-----------------------------+
 *
 * Programs: ELF32 little-endian RISC-V executables (ET_EXEC, not PIE),
 * rv32imac / ilp32, statically linked, with their PT_LOAD segments inside
 * [USER_TEXT_BASE, USER_HEAP_LIMIT). The kernel honours the segments' R/W/X
 * flags, zero-fills p_memsz beyond p_filesz, and starts at e_entry.
 *
 * At entry (like xv6): a0 = argc, a1 = argv, argv[argc] = 0; sp = a1, 16-byte
 * aligned; the argument strings lie above the argv array, below
 * USER_STACK_TOP. Every other register is zero: the program's start code
 * sets gp itself if it uses __global_pointer$, and calls exit(main(argc,
 * argv)) because returning from the entry point has nowhere to go.
 * At most EXEC_MAXARG arguments, EXEC_ARGBYTES bytes of strings in total
 * (more gives -E2BIG).
 *
 * Memory from sbrk and the stack is allocated on first touch (each first
 * touch is one page fault, counted in sysinfo.page_faults) and reads as
 * zeros. sbrk reserves the pages when it is called, so a successful sbrk
 * never runs out later; sbrk past USER_HEAP_LIMIT or past free memory
 * returns -ENOMEM. A negative increment gives memory back.
 *
 * A program that faults is killed; the kernel prints on the console
 *   name[pid]: killed: <fault> at 0x<address> (pc 0x<pc>)
 * e.g. "sh[3]: killed: load page fault at 0x00000000 (pc 0x000100a4)", with
 * "stack overflow" as the fault when the address is in the guard page.
 * wait() reports a killed child's status as EXIT_KILLED.
 *
 * Programs may read the cycle, time and instret counters (rdcycle, rdtime,
 * rdinstret and their high halves): time counts at the timebase in
 * sysinfo; cycle and instret count on the hart the program runs on.
 *
 * Descriptors 0, 1 and 2 are the console (UART0) at start and after fork.
 * The console is raw: read(0, ...) blocks until at least one byte has been
 * typed and returns the bytes typed so far (up to n), without echo and
 * without line editing (the shell does both); Enter arrives as '\r'.
 * write() to the console turns "\n" into "\r\n".
 *
 * The kernel log: klog(buf, n, offset) copies from `offset` bytes past the
 * oldest byte the log still holds (it keeps the last 16 KiB); 0 at the end.
 *
 * Files: the initramfs is the only file system, flat and read-only. open()
 * takes a name with or without a leading '/' ("/sh" or "sh"); readdir(i)
 * lists the files in archive order. exec() takes the same names. A name
 * may hold slashes ("etc/xen/guest1.cfg"): it is one name, not a path.
 * Devices: the dom0 build of the kernel has /dev/privcmd (include/
 * privcmd.h), opened O_RDWR and driven with ioctl(); the native kernel
 * has none (open gives -ENOENT).
 *
 * The initramfs: a cpio "newc" archive, firmware/build/initramfs.cpio,
 * embedded into kernel.elf with .incbin. firmware/Makefile packs it with
 * tools/mkcpio.mjs from $(USER_PROGS): firmware/user/user.mk (owned by
 * userland, included by firmware/Makefile if present) appends the built
 * program files to USER_PROGS and gives the rules that build them under
 * build/user/. Each file goes into the archive under its base name ("sh",
 * "echo"), in the order listed, with mode 0755 and mtime 0 (reproducible).
 * PID 1 is /init if the archive has one, otherwise /sh.
 */
#ifndef HYPERLAB_ABI_H
#define HYPERLAB_ABI_H

#define USER_PAGE_SIZE     0x1000
#define USER_TEXT_BASE     0x00010000u  /* where programs are linked */
#define USER_TOP           0x80000000u  /* first address above user space */
#define USER_STACK_TOP     0x80000000u  /* initial stack top (argv above sp) */
#define USER_STACK_MAX     0x00100000u  /* 1 MiB of stack at most */
#define USER_STACK_BOTTOM  (USER_STACK_TOP - USER_STACK_MAX)
#define USER_GUARD_PAGE    (USER_STACK_BOTTOM - USER_PAGE_SIZE)
#define USER_FOREIGN_BASE  0x70000000u  /* /dev/privcmd maps other domains' frames here (include/privcmd.h) */
#define USER_FOREIGN_SIZE  0x00800000u
#define USER_HEAP_LIMIT    USER_FOREIGN_BASE /* the break never passes this */

#define EXEC_MAXARG    16      /* arguments to exec, counting argv[0] */
#define EXEC_ARGBYTES  1024    /* bytes of argument strings, with their NULs */

#define EXIT_KILLED    (-1)    /* wait() status of a process killed by the kernel or kill() */

#endif

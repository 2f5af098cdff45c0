/*
 * builder-kernel.S: the native kernel, built into the builder guest
 * (builder.c) as the file domain 0 loads into the domain it builds.
 * KERNEL_FILE is its path, given by the Makefile.
 */
    .section .rodata
    .balign 16
    .global kernel_file, kernel_file_end
kernel_file:
    .incbin KERNEL_FILE
kernel_file_end:

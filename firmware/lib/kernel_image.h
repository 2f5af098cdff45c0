/*
 * kernel_image.h: a kernel file, checked and laid out in a domain's RAM
 * as QEMU's `virt` board lays one out in a machine's: an ELF32 RISC-V
 * executable at its segments' physical addresses, or a flat RISC-V boot
 * Image (the header Linux's boot protocol defines) at the start of RAM
 * plus its text_offset. Shared by the hypervisor, which builds the boot
 * domains, and domain 0's toolstack, which builds the others: each gives
 * a sink that puts bytes at a guest-physical address its own way.
 *
 * Nothing in the file is trusted: every field is checked against the
 * file's size and the RAM before a byte is put anywhere.
 */
#ifndef HYPERLAB_KERNEL_IMAGE_H
#define HYPERLAB_KERNEL_IMAGE_H

#include <stdint.h>

#define KERNEL_IMAGE_OFFSET 0x400000u   /* where a flat Image goes without text_offset */

enum kernel_kind { KERNEL_NONE, KERNEL_ELF, KERNEL_IMAGE };

/* Where a kernel goes: RAM [ram_base, ram_base + ram_size) and how to put bytes there. */
struct kernel_sink {
    uint32_t ram_base, ram_size;
    /* Puts n bytes at gpa (zeros if data is 0); 0, or -1 if it could not. */
    int (*put)(void *context, uint32_t gpa, const void *data, uint32_t n);
    void *context;
};

/* KERNEL_ELF or KERNEL_IMAGE, or KERNEL_NONE with *error saying why the file cannot be booted. */
int kernel_probe(const uint8_t *image, uint32_t size, const char **error);

/*
 * Puts the kernel into RAM: *entry gets its entry point, *end the first
 * byte above it (where a device tree may go). 0, or -1 with *error saying
 * what is wrong with the file (or that the sink failed).
 */
int kernel_place(const uint8_t *image, uint32_t size, const struct kernel_sink *sink, uint32_t *entry,
                 uint32_t *end, const char **error);

#endif

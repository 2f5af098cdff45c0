/*
 * kernel_image.c: kernel files checked and put into a domain's RAM
 * (kernel_image.h).
 */
#include "kernel_image.h"

/* ELF32 (System V ABI). */
#define EI_NIDENT    16
#define ELFCLASS32   1
#define ELFDATA2LSB  1
#define ET_EXEC      2
#define EM_RISCV     243
#define PT_LOAD      1

struct elf32_header {
    uint8_t ident[EI_NIDENT];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

/* The RISC-V boot Image header (Documentation/riscv/boot-image-header.rst). */
struct image_header {
    uint32_t code0, code1;
    uint32_t text_offset_lo, text_offset_hi;
    uint32_t image_size_lo, image_size_hi;
    uint32_t flags_lo, flags_hi;
    uint32_t version, res1;
    uint32_t res2_lo, res2_hi;
    uint8_t magic[8];               /* "RISCV\0\0\0", deprecated */
    uint32_t magic2;                /* "RSC\x05" */
    uint32_t res3;
};
#define IMAGE_MAGIC2 0x05435352u

static int is_elf(const uint8_t *image, uint32_t size)
{
    return size >= sizeof(struct elf32_header) && image[0] == 0x7f && image[1] == 'E' &&
           image[2] == 'L' && image[3] == 'F';
}

static int is_riscv_image(const uint8_t *image, uint32_t size)
{
    const struct image_header *h = (const void *)image;
    return size >= sizeof *h && h->magic2 == IMAGE_MAGIC2;
}

int kernel_probe(const uint8_t *image, uint32_t size, const char **error)
{
    if (is_riscv_image(image, size))
        return KERNEL_IMAGE;
    if (!is_elf(image, size)) {
        *error = "neither an ELF executable nor a RISC-V Image";
        return KERNEL_NONE;
    }
    const struct elf32_header *h = (const void *)image;
    if (h->ident[4] != ELFCLASS32 || h->ident[5] != ELFDATA2LSB)
        *error = "not a 32-bit little-endian ELF";
    else if (h->machine != EM_RISCV || h->type != ET_EXEC)
        *error = "not a RISC-V executable";
    else if (h->phentsize != sizeof(struct elf32_phdr) || h->phoff > size ||
             (uint32_t)h->phnum * sizeof(struct elf32_phdr) > size - h->phoff)
        *error = "program headers outside the file";
    else
        return KERNEL_ELF;
    return KERNEL_NONE;
}

/* Is [gpa, gpa + size) inside the sink's RAM? */
static int in_ram(const struct kernel_sink *sink, uint32_t gpa, uint32_t size)
{
    return gpa >= sink->ram_base && size <= sink->ram_size && gpa - sink->ram_base <= sink->ram_size - size;
}

static int place_elf(const uint8_t *image, uint32_t size, const struct kernel_sink *sink, uint32_t *entry,
                     uint32_t *end, const char **error)
{
    const struct elf32_header *h = (const void *)image;
    const struct elf32_phdr *ph = (const void *)(image + h->phoff);
    int loaded = 0;
    *end = 0;
    for (int i = 0; i < h->phnum; i++) {
        if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
            continue;
        if (ph[i].filesz > ph[i].memsz || ph[i].offset > size || ph[i].filesz > size - ph[i].offset) {
            *error = "a segment lies outside the file";
            return -1;
        }
        if (!in_ram(sink, ph[i].paddr, ph[i].memsz)) {
            *error = "a segment lies outside the domain's memory";
            return -1;
        }
        if (sink->put(sink->context, ph[i].paddr, image + ph[i].offset, ph[i].filesz) < 0 ||
            sink->put(sink->context, ph[i].paddr + ph[i].filesz, 0, ph[i].memsz - ph[i].filesz) < 0) {
            *error = "the domain's memory could not be written";
            return -1;
        }
        if (ph[i].paddr + ph[i].memsz > *end)
            *end = ph[i].paddr + ph[i].memsz;
        loaded = 1;
    }
    if (!loaded) {
        *error = "no loadable segment";
        return -1;
    }
    if (!in_ram(sink, h->entry, 4)) {
        *error = "the entry point is outside the domain's memory";
        return -1;
    }
    *entry = h->entry;
    return 0;
}

static int place_image(const uint8_t *image, uint32_t size, const struct kernel_sink *sink, uint32_t *entry,
                       uint32_t *end, const char **error)
{
    const struct image_header *h = (const void *)image;
    uint32_t offset = h->text_offset_lo, footprint = h->image_size_lo;
    if (h->text_offset_hi || h->image_size_hi) {
        *error = "text_offset or image_size beyond 4 GiB";
        return -1;
    }
    if (offset == 0 && footprint == 0)
        offset = KERNEL_IMAGE_OFFSET;       /* an old header without the fields */
    if (footprint < size)
        footprint = size;
    if (offset % 4096 || !in_ram(sink, sink->ram_base + offset, footprint)) {
        *error = "the Image does not fit the domain's memory at its text_offset";
        return -1;
    }
    if (sink->put(sink->context, sink->ram_base + offset, image, size) < 0) {
        *error = "the domain's memory could not be written";
        return -1;
    }
    *end = sink->ram_base + offset + footprint;
    *entry = sink->ram_base + offset;
    return 0;
}

int kernel_place(const uint8_t *image, uint32_t size, const struct kernel_sink *sink, uint32_t *entry,
                 uint32_t *end, const char **error)
{
    switch (kernel_probe(image, size, error)) {
    case KERNEL_ELF:
        return place_elf(image, size, sink, entry, end, error);
    case KERNEL_IMAGE:
        return place_image(image, size, sink, entry, end, error);
    default:
        return -1;
    }
}

/*
 * loader.c: puts a boot domain's kernel into its memory (the checks and
 * the layout are kernel_image.c's, shared with domain 0's toolstack).
 */
#include "hv.h"
#include "kernel_image.h"

static int put(void *context, uint32_t gpa, const void *data, uint32_t n)
{
    struct domain *d = context;
    return data ? guest_copy_to(d, gpa, data, n) : guest_zero(d, gpa, n);
}

/*
 * Loads the kernel into the domain's (zeroed) RAM, sets *entry and
 * d->kernel_end. 0, or -1 with *error saying what is wrong with the file.
 */
int kernel_load(struct domain *d, const uint8_t *image, uint32_t size, uint32_t *entry, const char **error)
{
    struct kernel_sink sink = { .ram_base = GUEST_RAM_BASE, .ram_size = d->memory_bytes, .put = put, .context = d };
    return kernel_place(image, size, &sink, entry, &d->kernel_end, error);
}

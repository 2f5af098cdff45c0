/*
 * dtb.c: each boot domain's device tree, the virtual board that
 * fdt_write_guest_board (firmware/lib/fdt_write.c) describes, in the
 * bindings the machine itself uses (the shapes of QEMU's `virt` tree): its
 * vCPUs, its RAM, a 16550 at 0x1000_0000 and a PLIC at 0x0c00_0000 with
 * one supervisor context per vCPU, and the timebase. A kernel that boots
 * on the machine reads this tree the same way and finds a smaller machine:
 * that sameness is full virtualization. Domain 0's toolstack writes the
 * same board for the domains it builds.
 */
#include "hv.h"
#include "string.h"
#include "fdt_write.h"

/*
 * The guest's riscv,isa: the machine's, without what the domain cannot
 * use: the hypervisor extension itself ('h'), and the extensions whose
 * CSRs it does not virtualize (Sstc, Sdtrig).
 */
static void guest_isa(char *out, uint32_t size)
{
    const char *isa = host.isa[0] ? host.isa : "rv32imac_zicntr_zicsr_zifencei";
    uint32_t n = 0;
    const char *p = isa;
    for (; *p && *p != '_' && n + 1 < size; p++)        /* the single-letter part */
        if (*p != 'h' || p < isa + 4)
            out[n++] = *p;
    while (*p == '_') {
        const char *name = ++p;
        while (*p && *p != '_')
            p++;
        uint32_t length = (uint32_t)(p - name);
        int dropped = (length == 4 && strncmp(name, "sstc", 4) == 0) ||
                      (length == 6 && strncmp(name, "sdtrig", 6) == 0);
        if (!dropped && n + length + 2 < size) {
            out[n++] = '_';
            memcpy(out + n, name, length);
            n += length;
        }
    }
    out[n] = 0;
}

/*
 * Writes domain d's device tree into `buffer` (`size` bytes). Returns its
 * size, or -1 if it does not fit.
 */
int dtb_build_guest(struct domain *d, uint8_t *buffer, uint32_t size)
{
    char isa[sizeof host.isa];
    guest_isa(isa, sizeof isa);
    struct guest_board board = {
        .vcpus = d->nvcpus, .memory_bytes = d->memory_bytes, .timebase_hz = host.timebase_hz,
        .isa = isa, .bootargs = d->config.bootargs, .xen_base = GUEST_XEN_BASE, .xen_size = GUEST_XEN_SIZE,
    };
    if (d->id == 0 && host.mgmt_uart >= 0) {
        board.management_base = host.uart[host.mgmt_uart].base;
        board.management_irq = host.uart[host.mgmt_uart].irq;
    }
    return fdt_write_guest_board(&board, buffer, size);
}

/*
 * dtb.c: each HVM domain's device tree, describing its virtual board in
 * the bindings the machine itself uses (the shapes of QEMU's `virt` tree):
 * its vCPUs, its RAM, a 16550 at 0x1000_0000 and a PLIC at 0x0c00_0000
 * with one supervisor context per vCPU, and the timebase. A kernel that
 * boots on the machine reads this tree the same way and finds a smaller
 * machine: that sameness is full virtualization.
 *
 * The writer below produces a flattened tree (devicetree specification,
 * chapter 5): a header, an empty memory reservation block, the structure
 * block, and a strings block in which each property name appears once.
 */
#include "hv.h"
#include "string.h"
#include "format.h"

#define FDT_MAGIC       0xd00dfeedu
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_END         9
#define FDT_HEADER_SIZE 40
#define FDT_RSVMAP_SIZE 16          /* one terminating entry */
#define STRINGS_MAX     512

#define IRQ_S_EXTERNAL  9
#define UART_CLOCK_HZ   0x384000u

struct fdt_writer {
    uint8_t *buffer;
    uint32_t size, used;            /* the structure block, after header and rsvmap */
    char strings[STRINGS_MAX];
    uint32_t strings_used;
    int overflow;
};

static void put_be32(uint8_t *p, uint32_t value)
{
    p[0] = (uint8_t)(value >> 24);
    p[1] = (uint8_t)(value >> 16);
    p[2] = (uint8_t)(value >> 8);
    p[3] = (uint8_t)value;
}

static void emit(struct fdt_writer *w, const void *data, uint32_t n)
{
    if (w->overflow || n > w->size - w->used) {
        w->overflow = 1;
        return;
    }
    memcpy(w->buffer + w->used, data, n);
    w->used += n;
    while (w->used & 3) {
        if (w->used == w->size) {
            w->overflow = 1;
            return;
        }
        w->buffer[w->used++] = 0;
    }
}

static void emit_u32(struct fdt_writer *w, uint32_t value)
{
    uint8_t cell[4];
    put_be32(cell, value);
    emit(w, cell, 4);
}

/* The offset of `name` in the strings block, adding it the first time. */
static uint32_t string_offset(struct fdt_writer *w, const char *name)
{
    for (uint32_t at = 0; at < w->strings_used; at += (uint32_t)strlen(w->strings + at) + 1)
        if (strcmp(w->strings + at, name) == 0)
            return at;
    uint32_t length = (uint32_t)strlen(name) + 1;
    if (length > STRINGS_MAX - w->strings_used) {
        w->overflow = 1;
        return 0;
    }
    memcpy(w->strings + w->strings_used, name, length);
    w->strings_used += length;
    return w->strings_used - length;
}

static void begin_node(struct fdt_writer *w, const char *name)
{
    emit_u32(w, FDT_BEGIN_NODE);
    emit(w, name, (uint32_t)strlen(name) + 1);
}

static void end_node(struct fdt_writer *w)
{
    emit_u32(w, FDT_END_NODE);
}

static void prop(struct fdt_writer *w, const char *name, const void *value, uint32_t length)
{
    emit_u32(w, FDT_PROP);
    emit_u32(w, length);
    emit_u32(w, string_offset(w, name));
    if (length)
        emit(w, value, length);
}

static void prop_string(struct fdt_writer *w, const char *name, const char *value)
{
    prop(w, name, value, (uint32_t)strlen(value) + 1);
}

/* A property of `count` cells. */
static void prop_cells(struct fdt_writer *w, const char *name, const uint32_t *cells, int count)
{
    uint8_t bytes[4 * 2 * MAX_VCPUS];
    if (count > (int)(sizeof bytes / 4)) {
        w->overflow = 1;
        return;
    }
    for (int i = 0; i < count; i++)
        put_be32(bytes + 4 * i, cells[i]);
    prop(w, name, bytes, 4 * (uint32_t)count);
}

static void prop_u32(struct fdt_writer *w, const char *name, uint32_t value)
{
    prop_cells(w, name, &value, 1);
}

/* reg = <0 address 0 size> (#address-cells = #size-cells = 2). */
static void prop_reg64(struct fdt_writer *w, uint32_t address, uint32_t size)
{
    uint32_t cells[4] = { 0, address, 0, size };
    prop_cells(w, "reg", cells, 4);
}

/* Header and strings around the structure block; the tree's total size, or -1 if it did not fit. */
static int finish(struct fdt_writer *w)
{
    emit_u32(w, FDT_END);
    uint32_t struct_offset = FDT_HEADER_SIZE + FDT_RSVMAP_SIZE;
    uint32_t struct_size = w->used - struct_offset;
    uint32_t strings_offset = w->used;
    if (w->overflow || w->strings_used > w->size - w->used)
        return -1;
    memcpy(w->buffer + strings_offset, w->strings, w->strings_used);
    uint32_t total = strings_offset + w->strings_used;
    uint32_t header[10] = { FDT_MAGIC, total, struct_offset, strings_offset, FDT_HEADER_SIZE,
                            17, 16, 0, w->strings_used, struct_size };
    for (int i = 0; i < 10; i++)
        put_be32(w->buffer + 4 * i, header[i]);
    memset(w->buffer + FDT_HEADER_SIZE, 0, FDT_RSVMAP_SIZE);
    return (int)total;
}

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

static void cpus_node(struct fdt_writer *w, struct domain *d, uint32_t first_phandle)
{
    char name[16], isa[sizeof host.isa];
    guest_isa(isa, sizeof isa);
    begin_node(w, "cpus");
    prop_u32(w, "#address-cells", 1);
    prop_u32(w, "#size-cells", 0);
    prop_u32(w, "timebase-frequency", host.timebase_hz);
    for (int i = 0; i < d->nvcpus; i++) {
        snprintf(name, sizeof name, "cpu@%d", i);
        begin_node(w, name);
        prop_string(w, "device_type", "cpu");
        prop_u32(w, "reg", (uint32_t)i);
        prop_string(w, "status", "okay");
        prop_string(w, "compatible", "riscv");
        prop_string(w, "riscv,isa", isa);
        prop_string(w, "mmu-type", "riscv,sv32");
        begin_node(w, "interrupt-controller");
        prop_u32(w, "#interrupt-cells", 1);
        prop(w, "interrupt-controller", 0, 0);
        prop_string(w, "compatible", "riscv,cpu-intc");
        prop_u32(w, "phandle", first_phandle + (uint32_t)i);
        end_node(w);
        end_node(w);
    }
    end_node(w);
}

static void soc_node(struct fdt_writer *w, struct domain *d, uint32_t intc_phandle, uint32_t plic_phandle)
{
    static const char plic_compatible[] = "sifive,plic-1.0.0\0riscv,plic0";
    char name[32];
    uint32_t contexts[2 * MAX_VCPUS];
    begin_node(w, "soc");
    prop_u32(w, "#address-cells", 2);
    prop_u32(w, "#size-cells", 2);
    prop_string(w, "compatible", "simple-bus");
    prop(w, "ranges", 0, 0);

    snprintf(name, sizeof name, "plic@%x", (unsigned)GUEST_PLIC_BASE);
    begin_node(w, name);
    prop_u32(w, "phandle", plic_phandle);
    prop_u32(w, "riscv,ndev", GUEST_PLIC_SOURCES);
    prop_reg64(w, GUEST_PLIC_BASE, GUEST_PLIC_SIZE);
    for (int i = 0; i < d->nvcpus; i++) {
        contexts[2 * i] = intc_phandle + (uint32_t)i;
        contexts[2 * i + 1] = IRQ_S_EXTERNAL;
    }
    prop_cells(w, "interrupts-extended", contexts, 2 * d->nvcpus);
    prop(w, "interrupt-controller", 0, 0);
    prop(w, "compatible", plic_compatible, sizeof plic_compatible);
    prop_u32(w, "#address-cells", 0);
    prop_u32(w, "#interrupt-cells", 1);
    end_node(w);

    snprintf(name, sizeof name, "serial@%x", (unsigned)GUEST_UART_BASE);
    begin_node(w, name);
    prop_u32(w, "interrupts", GUEST_UART_IRQ);
    prop_u32(w, "interrupt-parent", plic_phandle);
    prop_u32(w, "clock-frequency", UART_CLOCK_HZ);
    prop_reg64(w, GUEST_UART_BASE, GUEST_UART_SIZE);
    prop_string(w, "compatible", "ns16550a");
    end_node(w);
    end_node(w);
}

/*
 * The hypervisor itself, in Xen on Arm's binding: "xen,xen" with the
 * window where the domain maps the hypervisor's frames (shared_info, the
 * grant table, granted pages) and the event upcall, the supervisor
 * software interrupt of each vCPU (Arm uses a PPI).
 */
static void hypervisor_node(struct fdt_writer *w, struct domain *d, uint32_t intc_phandle)
{
    static const char compatible[] = "xen,xen-4.22\0xen,xen";
    uint32_t upcalls[2 * MAX_VCPUS];
    begin_node(w, "hypervisor");
    prop(w, "compatible", compatible, sizeof compatible);
    prop_reg64(w, GUEST_XEN_BASE, GUEST_XEN_SIZE);
    for (int i = 0; i < d->nvcpus; i++) {
        upcalls[2 * i] = intc_phandle + (uint32_t)i;
        upcalls[2 * i + 1] = IRQ_S_SOFT;
    }
    prop_cells(w, "interrupts-extended", upcalls, 2 * d->nvcpus);
    end_node(w);
}

/*
 * Writes domain d's device tree into `buffer` (`size` bytes). Returns its
 * size, or -1 if it does not fit.
 */
int dtb_build_guest(struct domain *d, uint8_t *buffer, uint32_t size)
{
    static struct fdt_writer w;        /* domain builds are serialised (domain.c) */
    char name[32];
    const uint32_t intc_phandle = 1, plic_phandle = 1 + MAX_VCPUS;
    memset(&w, 0, sizeof w);
    w.buffer = buffer;
    w.size = size;
    w.used = FDT_HEADER_SIZE + FDT_RSVMAP_SIZE;
    if (size < w.used)
        return -1;

    begin_node(&w, "");
    prop_u32(&w, "#address-cells", 2);
    prop_u32(&w, "#size-cells", 2);
    prop_string(&w, "compatible", "riscv-virtio");
    prop_string(&w, "model", "hyperlab,hvm-domain");

    begin_node(&w, "chosen");
    snprintf(name, sizeof name, "/soc/serial@%x", (unsigned)GUEST_UART_BASE);
    prop_string(&w, "stdout-path", name);
    if (d->config.bootargs[0])
        prop_string(&w, "bootargs", d->config.bootargs);
    end_node(&w);

    snprintf(name, sizeof name, "memory@%x", (unsigned)GUEST_RAM_BASE);
    begin_node(&w, name);
    prop_string(&w, "device_type", "memory");
    prop_reg64(&w, GUEST_RAM_BASE, d->memory_bytes);
    end_node(&w);

    cpus_node(&w, d, intc_phandle);
    soc_node(&w, d, intc_phandle, plic_phandle);
    hypervisor_node(&w, d, intc_phandle);
    end_node(&w);
    return finish(&w);
}

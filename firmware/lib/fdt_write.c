/*
 * fdt_write.c: the device tree writer and the HVM domain's board
 * (fdt_write.h). The tree is a header, an empty memory reservation block,
 * the structure block, and a strings block in which each property name
 * appears once.
 */
#include "fdt_write.h"
#include "string.h"
#include "format.h"

#define FDT_MAGIC       0xd00dfeedu
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_END         9
#define FDT_HEADER_SIZE 40
#define FDT_RSVMAP_SIZE 16          /* one terminating entry */
#define FDT_VERSION     17
#define FDT_LAST_COMPATIBLE 16

#define IRQ_S_SOFTWARE  1
#define IRQ_S_EXTERNAL  9
#define UART_CLOCK_HZ   0x384000u

static void put_be32(uint8_t *p, uint32_t value)
{
    p[0] = (uint8_t)(value >> 24);
    p[1] = (uint8_t)(value >> 16);
    p[2] = (uint8_t)(value >> 8);
    p[3] = (uint8_t)value;
}

/* Appends n bytes to the structure block, padded to 4. */
static void emit(struct fdt_writer *w, const void *data, uint32_t n)
{
    uint32_t padded = (n + 3) & ~3u;
    if (w->overflow || padded > w->size - w->used) {
        w->overflow = 1;
        return;
    }
    memcpy(w->buffer + w->used, data, n);
    memset(w->buffer + w->used + n, 0, padded - n);
    w->used += padded;
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
    if (length > FDT_WRITER_STRINGS - w->strings_used) {
        w->overflow = 1;
        return 0;
    }
    memcpy(w->strings + w->strings_used, name, length);
    w->strings_used += length;
    return w->strings_used - length;
}

int fdt_begin(struct fdt_writer *w, uint8_t *buffer, uint32_t size)
{
    memset(w, 0, sizeof *w);
    w->buffer = buffer;
    w->size = size;
    w->used = FDT_HEADER_SIZE + FDT_RSVMAP_SIZE;
    if (size < w->used) {
        w->overflow = 1;
        return -1;
    }
    return 0;
}

void fdt_begin_node(struct fdt_writer *w, const char *name)
{
    emit_u32(w, FDT_BEGIN_NODE);
    emit(w, name, (uint32_t)strlen(name) + 1);
}

void fdt_end_node(struct fdt_writer *w)
{
    emit_u32(w, FDT_END_NODE);
}

void fdt_property(struct fdt_writer *w, const char *name, const void *value, uint32_t length)
{
    emit_u32(w, FDT_PROP);
    emit_u32(w, length);
    emit_u32(w, string_offset(w, name));
    if (length)
        emit(w, value, length);
}

void fdt_property_string(struct fdt_writer *w, const char *name, const char *value)
{
    fdt_property(w, name, value, (uint32_t)strlen(value) + 1);
}

void fdt_property_cells(struct fdt_writer *w, const char *name, const uint32_t *cells, int count)
{
    uint8_t bytes[4 * 2 * GUEST_BOARD_VCPUS];
    if (count < 0 || (uint32_t)count * 4 > sizeof bytes) {
        w->overflow = 1;
        return;
    }
    for (int i = 0; i < count; i++)
        put_be32(bytes + 4 * i, cells[i]);
    fdt_property(w, name, bytes, 4 * (uint32_t)count);
}

void fdt_property_u32(struct fdt_writer *w, const char *name, uint32_t value)
{
    fdt_property_cells(w, name, &value, 1);
}

void fdt_property_reg64(struct fdt_writer *w, const char *name, uint32_t address, uint32_t size)
{
    uint32_t cells[4] = { 0, address, 0, size };
    fdt_property_cells(w, name, cells, 4);
}

int fdt_finish(struct fdt_writer *w)
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
                            FDT_VERSION, FDT_LAST_COMPATIBLE, 0, w->strings_used, struct_size };
    for (int i = 0; i < 10; i++)
        put_be32(w->buffer + 4 * i, header[i]);
    memset(w->buffer + FDT_HEADER_SIZE, 0, FDT_RSVMAP_SIZE);
    return (int)total;
}

/* ---- the HVM domain's board ---- */

static void cpus_node(struct fdt_writer *w, const struct guest_board *b, uint32_t first_phandle)
{
    char name[16];
    fdt_begin_node(w, "cpus");
    fdt_property_u32(w, "#address-cells", 1);
    fdt_property_u32(w, "#size-cells", 0);
    fdt_property_u32(w, "timebase-frequency", b->timebase_hz);
    for (int i = 0; i < b->vcpus; i++) {
        snprintf(name, sizeof name, "cpu@%d", i);
        fdt_begin_node(w, name);
        fdt_property_string(w, "device_type", "cpu");
        fdt_property_u32(w, "reg", (uint32_t)i);
        fdt_property_string(w, "status", "okay");
        fdt_property_string(w, "compatible", "riscv");
        fdt_property_string(w, "riscv,isa", b->isa);
        fdt_property_string(w, "mmu-type", "riscv,sv32");
        fdt_begin_node(w, "interrupt-controller");
        fdt_property_u32(w, "#interrupt-cells", 1);
        fdt_property(w, "interrupt-controller", 0, 0);
        fdt_property_string(w, "compatible", "riscv,cpu-intc");
        fdt_property_u32(w, "phandle", first_phandle + (uint32_t)i);
        fdt_end_node(w);
        fdt_end_node(w);
    }
    fdt_end_node(w);
}

static void serial_node(struct fdt_writer *w, uint32_t base, uint32_t irq, uint32_t plic_phandle)
{
    char name[32];
    snprintf(name, sizeof name, "serial@%x", (unsigned)base);
    fdt_begin_node(w, name);
    fdt_property_u32(w, "interrupts", irq);
    fdt_property_u32(w, "interrupt-parent", plic_phandle);
    fdt_property_u32(w, "clock-frequency", UART_CLOCK_HZ);
    fdt_property_reg64(w, "reg", base, GUEST_UART_SIZE);
    fdt_property_string(w, "compatible", "ns16550a");
    fdt_end_node(w);
}

static void soc_node(struct fdt_writer *w, const struct guest_board *b, uint32_t intc_phandle, uint32_t plic_phandle)
{
    static const char plic_compatible[] = "sifive,plic-1.0.0\0riscv,plic0";
    char name[32];
    uint32_t contexts[2 * GUEST_BOARD_VCPUS];
    fdt_begin_node(w, "soc");
    fdt_property_u32(w, "#address-cells", 2);
    fdt_property_u32(w, "#size-cells", 2);
    fdt_property_string(w, "compatible", "simple-bus");
    fdt_property(w, "ranges", 0, 0);

    snprintf(name, sizeof name, "plic@%x", (unsigned)GUEST_PLIC_BASE);
    fdt_begin_node(w, name);
    fdt_property_u32(w, "phandle", plic_phandle);
    fdt_property_u32(w, "riscv,ndev", GUEST_PLIC_SOURCES);
    fdt_property_reg64(w, "reg", GUEST_PLIC_BASE, GUEST_PLIC_SIZE);
    for (int i = 0; i < b->vcpus; i++) {
        contexts[2 * i] = intc_phandle + (uint32_t)i;
        contexts[2 * i + 1] = IRQ_S_EXTERNAL;
    }
    fdt_property_cells(w, "interrupts-extended", contexts, 2 * b->vcpus);
    fdt_property(w, "interrupt-controller", 0, 0);
    fdt_property(w, "compatible", plic_compatible, sizeof plic_compatible);
    fdt_property_u32(w, "#address-cells", 0);
    fdt_property_u32(w, "#interrupt-cells", 1);
    fdt_end_node(w);

    serial_node(w, GUEST_UART_BASE, GUEST_UART_IRQ, plic_phandle);
    if (b->management_base)
        serial_node(w, b->management_base, b->management_irq, plic_phandle);
    fdt_end_node(w);
}

/*
 * The hypervisor, in Xen on Arm's binding: "xen,xen" with the window
 * where the domain maps the hypervisor's frames (shared_info, the grant
 * table, granted pages) and the event upcall, the supervisor software
 * interrupt of each vCPU (Arm uses a PPI).
 */
static void hypervisor_node(struct fdt_writer *w, const struct guest_board *b, uint32_t intc_phandle)
{
    static const char compatible[] = "xen,xen-4.22\0xen,xen";
    uint32_t upcalls[2 * GUEST_BOARD_VCPUS];
    fdt_begin_node(w, "hypervisor");
    fdt_property(w, "compatible", compatible, sizeof compatible);
    fdt_property_reg64(w, "reg", b->xen_base, b->xen_size);
    for (int i = 0; i < b->vcpus; i++) {
        upcalls[2 * i] = intc_phandle + (uint32_t)i;
        upcalls[2 * i + 1] = IRQ_S_SOFTWARE;
    }
    fdt_property_cells(w, "interrupts-extended", upcalls, 2 * b->vcpus);
    fdt_end_node(w);
}

int fdt_write_guest_board(const struct guest_board *b, uint8_t *buffer, uint32_t size)
{
    struct fdt_writer w;
    char name[32];
    const uint32_t intc_phandle = 1, plic_phandle = 1 + GUEST_BOARD_VCPUS;
    if (b->vcpus < 1 || b->vcpus > GUEST_BOARD_VCPUS || fdt_begin(&w, buffer, size) < 0)
        return -1;

    fdt_begin_node(&w, "");
    fdt_property_u32(&w, "#address-cells", 2);
    fdt_property_u32(&w, "#size-cells", 2);
    fdt_property_string(&w, "compatible", "riscv-virtio");
    fdt_property_string(&w, "model", "hyperlab,hvm-domain");

    fdt_begin_node(&w, "chosen");
    snprintf(name, sizeof name, "/soc/serial@%x", (unsigned)GUEST_UART_BASE);
    fdt_property_string(&w, "stdout-path", name);
    if (b->bootargs && b->bootargs[0])
        fdt_property_string(&w, "bootargs", b->bootargs);
    if (b->management_base) {
        snprintf(name, sizeof name, "/soc/serial@%x", (unsigned)b->management_base);
        fdt_property_string(&w, "hyperlab,management-port", name);
    }
    fdt_end_node(&w);

    snprintf(name, sizeof name, "memory@%x", (unsigned)GUEST_RAM_BASE);
    fdt_begin_node(&w, name);
    fdt_property_string(&w, "device_type", "memory");
    fdt_property_reg64(&w, "reg", GUEST_RAM_BASE, b->memory_bytes);
    fdt_end_node(&w);

    cpus_node(&w, b, intc_phandle);
    soc_node(&w, b, intc_phandle, plic_phandle);
    hypervisor_node(&w, b, intc_phandle);
    fdt_end_node(&w);
    return fdt_finish(&w);
}

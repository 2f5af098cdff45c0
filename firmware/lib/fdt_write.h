/*
 * fdt_write.h: a writer of flattened device trees (devicetree
 * specification, chapter 5), and the one description of an HVM domain's
 * virtual board that every builder writes with it: the hypervisor for the
 * domains it builds at boot, the toolstack in domain 0 for those `xl
 * create` builds. One description, so that a kernel finds the same board
 * whoever built its domain.
 *
 * A tree is written front to back: fdt_begin, nodes and properties,
 * fdt_finish. The writer keeps the property names apart (each once, in the
 * strings block) and notes an overflow instead of writing past the
 * buffer; fdt_finish then fails.
 */
#ifndef HYPERLAB_FDT_WRITE_H
#define HYPERLAB_FDT_WRITE_H

#ifndef __ASSEMBLER__
#include <stdint.h>

#define FDT_WRITER_STRINGS 512      /* bytes of property names a tree may use */

struct fdt_writer {
    uint8_t *buffer;
    uint32_t size, used;            /* the structure block follows the header and the reservation map */
    char strings[FDT_WRITER_STRINGS];
    uint32_t strings_used;
    int overflow;
};

/* Starts a tree in `buffer` (`size` bytes). 0, or -1 if not even the header fits. */
int fdt_begin(struct fdt_writer *w, uint8_t *buffer, uint32_t size);
void fdt_begin_node(struct fdt_writer *w, const char *name);
void fdt_end_node(struct fdt_writer *w);
void fdt_property(struct fdt_writer *w, const char *name, const void *value, uint32_t length);
void fdt_property_string(struct fdt_writer *w, const char *name, const char *value);
void fdt_property_cells(struct fdt_writer *w, const char *name, const uint32_t *cells, int count);
void fdt_property_u32(struct fdt_writer *w, const char *name, uint32_t value);
/* A reg of one (address, size) pair in two cells each. */
void fdt_property_reg64(struct fdt_writer *w, const char *name, uint32_t address, uint32_t size);
/* Ends the tree and writes the header: its total size, or -1 if it did not fit. */
int fdt_finish(struct fdt_writer *w);
#endif

/*
 * An HVM domain's guest-physical map, the virtual board (QEMU virt's
 * addresses, so that a kernel for that machine runs unchanged).
 */
#define GUEST_RAM_BASE     0x80000000u
#define GUEST_UART_BASE    0x10000000u
#define GUEST_UART_SIZE    0x100u
#define GUEST_UART_IRQ     10
#define GUEST_PLIC_BASE    0x0c000000u
#define GUEST_PLIC_SIZE    0x600000u
#define GUEST_PLIC_SOURCES 96           /* riscv,ndev, as QEMU virt */
#define GUEST_BOARD_VCPUS  8            /* the most vCPUs a board describes */

#ifndef __ASSEMBLER__
struct guest_board {
    int vcpus;                      /* 1..GUEST_BOARD_VCPUS */
    uint32_t memory_bytes;          /* RAM at GUEST_RAM_BASE */
    uint32_t timebase_hz;
    const char *isa;                /* each vCPU's riscv,isa */
    const char *bootargs;           /* /chosen bootargs; 0 or "" for none */
    uint32_t xen_base, xen_size;    /* the hypervisor's window ("xen,xen" node) */
    uint32_t management_base;       /* domain 0's: the UART passed through as the management port, 0 if none */
    uint32_t management_irq;        /* ... its source on the board's PLIC */
};

/*
 * Writes the board's tree: its vCPUs (each with its interrupt controller),
 * its RAM, a PLIC with a supervisor context per vCPU, a 16550 on source
 * 10 (and, for domain 0, the management port: a 16550 passed through,
 * named by /chosen's hyperlab,management-port), /chosen (stdout-path,
 * bootargs), and the hypervisor node with its
 * window and the event upcall (each vCPU's supervisor software
 * interrupt). Its size, or -1 if it does not fit in `size` bytes.
 */
int fdt_write_guest_board(const struct guest_board *board, uint8_t *buffer, uint32_t size);
#endif

#endif

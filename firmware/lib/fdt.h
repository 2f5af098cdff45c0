/*
 * fdt.h: a reader for flattened device trees (devicetree specification,
 * chapter 5), shared by the SBI firmware and the kernel. fdt_parse indexes
 * the nodes once into a table; lookups then walk that table. Nodes are
 * named by their index (0 is the root); -1 means "none".
 */
#ifndef HYPERLAB_FDT_H
#define HYPERLAB_FDT_H

#include <stdint.h>

#define FDT_MAX_NODES 256   /* nodes indexed; a bigger tree fails to parse */

struct fdt_node {
    const char *name;        /* "cpu@0"; the root's is "" */
    const uint8_t *props;    /* first token after the node's name */
    int16_t parent;
    uint8_t address_cells;   /* #address-cells for this node's children */
    uint8_t size_cells;      /* #size-cells for this node's children */
};

struct fdt {
    const uint8_t *blob;
    const char *strings;
    uint32_t size;           /* totalsize from the header */
    int count;
    struct fdt_node nodes[FDT_MAX_NODES];
};

/* Big-endian 32-bit cell at p (only 4-byte aligned, like everything in a tree). */
static inline uint32_t fdt_cell(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Indexes the tree at `blob`. Returns 0, or -1 if it is not a usable tree. */
int fdt_parse(struct fdt *fdt, const void *blob);

/* The node at an absolute path ("/cpus", "/soc/serial@10000000"), or -1. */
int fdt_path(const struct fdt *fdt, const char *path);

/* The next node after `after` (-1: from the start) that is a child of `parent`. */
int fdt_next_child(const struct fdt *fdt, int parent, int after);

/* The next node after `after` whose compatible list holds `compatible`. */
int fdt_find_compatible(const struct fdt *fdt, int after, const char *compatible);

/* The node with this phandle, or -1. */
int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle);

/* A property's value and length, or 0 if the node has no such property. */
const void *fdt_prop(const struct fdt *fdt, int node, const char *name, int *length);

/* A one-cell property, or `fallback` when missing or of another size. */
uint32_t fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t fallback);

/* 1 if the node's compatible list holds `compatible`. */
int fdt_is_compatible(const struct fdt *fdt, int node, const char *compatible);

/* 1 unless the node says status = "disabled" (or anything but "okay"/"ok"). */
int fdt_is_enabled(const struct fdt *fdt, int node);

/*
 * Entry `index` of the node's reg property, read with the parent's cell
 * sizes. Returns 0, or -1 if there is no such entry or it does not fit in
 * 32 bits.
 */
int fdt_reg(const struct fdt *fdt, int node, int index, uint32_t *address, uint32_t *size);

#endif

/*
 * fdt.c: flattened device tree reader (see fdt.h). The structure block is a
 * stream of tokens; one pass records where each node's properties start and
 * who its parent is, so later questions never re-walk the whole stream.
 */
#include "fdt.h"
#include "string.h"

#define FDT_MAGIC       0xd00dfeedu
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9
#define FDT_MAX_DEPTH   16

/* Header fields (byte offsets). */
#define FDT_TOTALSIZE       4
#define FDT_OFF_DT_STRUCT   8
#define FDT_OFF_DT_STRINGS  12
#define FDT_SIZE_DT_STRUCT  36

static uint32_t align4(uint32_t n)
{
    return (n + 3) & ~3u;
}

/* Records a node named at p under `parent`; returns its index or -1. */
static int add_node(struct fdt *fdt, const uint8_t *p, int parent)
{
    if (fdt->count == FDT_MAX_NODES)
        return -1;
    struct fdt_node *node = &fdt->nodes[fdt->count];
    node->name = (const char *)p;
    node->props = p + align4(strlen(node->name) + 1);
    node->parent = (int16_t)parent;
    node->address_cells = 2;    /* the specification's defaults */
    node->size_cells = 1;
    return fdt->count++;
}

/* Reads #address-cells and #size-cells, once the node's properties are known. */
static void read_cells(struct fdt *fdt, int index)
{
    struct fdt_node *node = &fdt->nodes[index];
    node->address_cells = (uint8_t)fdt_prop_u32(fdt, index, "#address-cells", 2);
    node->size_cells = (uint8_t)fdt_prop_u32(fdt, index, "#size-cells", 1);
}

int fdt_parse(struct fdt *fdt, const void *blob)
{
    const uint8_t *base = blob;
    if (base == 0 || fdt_cell(base) != FDT_MAGIC)
        return -1;
    fdt->blob = base;
    fdt->size = fdt_cell(base + FDT_TOTALSIZE);
    fdt->strings = (const char *)base + fdt_cell(base + FDT_OFF_DT_STRINGS);
    fdt->count = 0;
    const uint8_t *p = base + fdt_cell(base + FDT_OFF_DT_STRUCT);
    const uint8_t *end = p + fdt_cell(base + FDT_SIZE_DT_STRUCT);
    int stack[FDT_MAX_DEPTH];
    int depth = 0;

    while (p < end) {
        uint32_t token = fdt_cell(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            if (depth == FDT_MAX_DEPTH)
                return -1;
            int index = add_node(fdt, p, depth ? stack[depth - 1] : -1);
            if (index < 0)
                return -1;
            stack[depth++] = index;
            p = fdt->nodes[index].props;
        } else if (token == FDT_END_NODE) {
            if (depth == 0)
                return -1;
            read_cells(fdt, stack[--depth]);
        } else if (token == FDT_PROP) {
            p += 8 + align4(fdt_cell(p));
        } else if (token == FDT_END) {
            return fdt->count > 0 && depth == 0 ? 0 : -1;
        } else if (token != FDT_NOP) {
            return -1;
        }
    }
    return -1;
}

const void *fdt_prop(const struct fdt *fdt, int node, const char *name, int *length)
{
    if (node < 0 || node >= fdt->count)
        return 0;
    const uint8_t *p = fdt->nodes[node].props;
    for (;;) {
        uint32_t token = fdt_cell(p);
        if (token == FDT_NOP) {
            p += 4;
            continue;
        }
        if (token != FDT_PROP)
            return 0;           /* properties come before any child node */
        uint32_t len = fdt_cell(p + 4);
        if (strcmp(fdt->strings + fdt_cell(p + 8), name) == 0) {
            if (length)
                *length = (int)len;
            return p + 12;
        }
        p += 12 + align4(len);
    }
}

uint32_t fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t fallback)
{
    int length;
    const void *value = fdt_prop(fdt, node, name, &length);
    return value && length == 4 ? fdt_cell(value) : fallback;
}

int fdt_next_child(const struct fdt *fdt, int parent, int after)
{
    for (int i = after < 0 ? parent + 1 : after + 1; i < fdt->count; i++)
        if (fdt->nodes[i].parent == parent)
            return i;
    return -1;
}

/* The child of `parent` named by the `length` bytes at `name`, or -1. */
static int child_named(const struct fdt *fdt, int parent, const char *name, int length)
{
    for (int i = fdt_next_child(fdt, parent, -1); i >= 0; i = fdt_next_child(fdt, parent, i)) {
        const char *n = fdt->nodes[i].name;
        if (strncmp(n, name, length) == 0 && n[length] == 0)
            return i;
    }
    return -1;
}

int fdt_path(const struct fdt *fdt, const char *path)
{
    if (fdt->count == 0 || *path != '/')
        return -1;
    int node = 0;
    while (*path == '/') {
        path++;
        int length = 0;
        while (path[length] && path[length] != '/' && path[length] != ':')
            length++;
        if (length == 0)
            break;
        node = child_named(fdt, node, path, length);
        if (node < 0)
            return -1;
        path += length;
    }
    return node;
}

int fdt_is_compatible(const struct fdt *fdt, int node, const char *compatible)
{
    int length;
    const char *list = fdt_prop(fdt, node, "compatible", &length);
    for (int at = 0; list && at < length; at += (int)strlen(list + at) + 1)
        if (strcmp(list + at, compatible) == 0)
            return 1;
    return 0;
}

int fdt_find_compatible(const struct fdt *fdt, int after, const char *compatible)
{
    for (int i = after + 1; i < fdt->count; i++)
        if (fdt_is_compatible(fdt, i, compatible))
            return i;
    return -1;
}

int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle)
{
    for (int i = 0; i < fdt->count; i++)
        if (fdt_prop_u32(fdt, i, "phandle", 0) == phandle)
            return i;
    return -1;
}

int fdt_is_enabled(const struct fdt *fdt, int node)
{
    const char *status = fdt_prop(fdt, node, "status", 0);
    return status == 0 || strcmp(status, "okay") == 0 || strcmp(status, "ok") == 0;
}

/* Reads `cells` cells at p as one number; -1 if it does not fit 32 bits. */
static int read_number(const uint8_t *p, int cells, uint32_t *value)
{
    *value = 0;
    for (int i = 0; i < cells; i++) {
        if (*value != 0)
            return -1;        /* the high cells must be zero */
        *value = fdt_cell(p + 4 * i);
    }
    return 0;
}

int fdt_reg(const struct fdt *fdt, int node, int index, uint32_t *address, uint32_t *size)
{
    if (node <= 0)
        return -1;
    const struct fdt_node *parent = &fdt->nodes[fdt->nodes[node].parent];
    int acells = parent->address_cells, scells = parent->size_cells;
    int length;
    const uint8_t *reg = fdt_prop(fdt, node, "reg", &length);
    int entry = 4 * (acells + scells);
    if (reg == 0 || entry == 0 || (index + 1) * entry > length)
        return -1;
    reg += index * entry;
    if (read_number(reg, acells, address) < 0)
        return -1;
    if (size && read_number(reg + 4 * acells, scells, size) < 0)
        return -1;
    return 0;
}

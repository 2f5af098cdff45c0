/*
 * initramfs.c: the file system, such as it is: the cpio "newc" archive
 * linked into the kernel (initramfs.S), indexed once at boot. Flat and
 * read-only; names are looked up with or without a leading '/'.
 */
#include "defs.h"
#include "string.h"

#define NEWC_HEADER   110        /* "070701" and 13 fields of 8 hex digits */
#define NEWC_MODE     1          /* field numbers after the magic */
#define NEWC_FILESIZE 6
#define NEWC_NAMESIZE 11
#define MODE_TYPE     0170000
#define MODE_REGULAR  0100000

extern const uint8_t initramfs_start[], initramfs_end[];
static struct ramfile files[NRAMFILE];
static int nfiles;

static uint32_t hex_field(const uint8_t *header, int field)
{
    uint32_t value = 0;
    const uint8_t *p = header + 6 + 8 * field;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        value = value << 4 | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return value;
}

static uint32_t align4(uint32_t n)
{
    return (n + 3) & ~3u;
}

void initramfs_init(void)
{
    uint32_t size = (uint32_t)(initramfs_end - initramfs_start), at = 0;
    while (at + NEWC_HEADER <= size && memcmp(initramfs_start + at, "07070", 5) == 0) {
        const uint8_t *header = initramfs_start + at;
        uint32_t namesize = hex_field(header, NEWC_NAMESIZE);
        uint32_t filesize = hex_field(header, NEWC_FILESIZE);
        const char *name = (const char *)header + NEWC_HEADER;
        uint32_t data = align4(at + NEWC_HEADER + namesize);
        if (namesize == 0 || data + filesize > size || name[namesize - 1] != 0)
            break;
        if (strcmp(name, "TRAILER!!!") == 0)
            break;
        while (*name == '/' || (name[0] == '.' && name[1] == '/'))
            name += *name == '/' ? 1 : 2;
        if ((hex_field(header, NEWC_MODE) & MODE_TYPE) == MODE_REGULAR && nfiles < NRAMFILE)
            files[nfiles++] = (struct ramfile){ name, initramfs_start + data, filesize };
        at = align4(data + filesize);
    }
    klog_printf("  initramfs: %d files, %u bytes\n", nfiles, (unsigned)size);
}

const struct ramfile *initramfs_find(const char *path)
{
    while (*path == '/')
        path++;
    for (int i = 0; i < nfiles; i++)
        if (strcmp(files[i].name, path) == 0)
            return &files[i];
    return 0;
}

const struct ramfile *initramfs_at(int index)
{
    return index >= 0 && index < nfiles ? &files[index] : 0;
}

int initramfs_count(void)
{
    return nfiles;
}

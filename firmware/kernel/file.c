/*
 * file.c: open files. A descriptor points at a struct file: the console,
 * a file of the initramfs with a read offset, or a device of the platform
 * (platform.h: /dev/privcmd in the dom0 build). Files are shared after
 * fork (offset included) and freed when the last descriptor closes.
 */
#include "defs.h"
#include "platform.h"
#include "string.h"

enum file_type { FILE_NONE, FILE_CONSOLE, FILE_RAM, FILE_DEVICE };

struct file {
    enum file_type type;
    int refs;
    const struct ramfile *ram;
    uint32_t offset;
    const struct device *device;
    void *private;                      /* a device's own, for this open */
};

static struct {
    struct spinlock lock;
    struct file files[NFILE];
} table;

static struct file console = { FILE_CONSOLE, 1, 0, 0, 0, 0 };   /* never freed */

void file_init(void)
{
    spinlock_init(&table.lock, "files");
}

struct file *file_dup(struct file *f)
{
    acquire(&table.lock);
    f->refs++;
    release(&table.lock);
    return f;
}

struct file *file_console(void)
{
    return file_dup(&console);
}

/*
 * Opens an initramfs file (read-only) or a device (/dev/name, either way)
 * into *out: 0, -ENOENT, -EINVAL for a file opened to write, or -EMFILE
 * when the table is full.
 */
int file_open(const char *path, int flags, struct file **out)
{
    while (*path == '/')
        path++;
    const struct device *device = strncmp(path, "dev/", 4) == 0 ? platform_device(path + 4) : 0;
    const struct ramfile *ram = device ? 0 : initramfs_find(path);
    if (ram == 0 && device == 0)
        return -ENOENT;
    if (ram && flags != O_RDONLY)
        return -EINVAL;
    acquire(&table.lock);
    for (struct file *f = table.files; f < table.files + NFILE; f++) {
        if (f->type != FILE_NONE)
            continue;
        *f = (struct file){ device ? FILE_DEVICE : FILE_RAM, 1, ram, 0, device, 0 };
        release(&table.lock);
        int refused = device && device->open ? device->open(f) : 0;
        if (refused) {
            acquire(&table.lock);
            f->type = FILE_NONE;
            release(&table.lock);
            return refused;
        }
        *out = f;
        return 0;
    }
    release(&table.lock);
    return -EMFILE;
}

void file_close(struct file *f)
{
    acquire(&table.lock);
    int last = --f->refs == 0 && f != &console;
    const struct device *device = f->type == FILE_DEVICE ? f->device : 0;
    release(&table.lock);
    if (last && device && device->close)
        device->close(f);
    if (last) {
        acquire(&table.lock);
        f->type = FILE_NONE;
        release(&table.lock);
    }
}

/* Reads from an initramfs file; the offset moves only by what reached the caller. */
static int ram_read(struct file *f, uint32_t address, int n)
{
    acquire(&table.lock);
    uint32_t offset = f->offset, left = f->ram->size - offset;
    release(&table.lock);
    uint32_t count = (uint32_t)n < left ? (uint32_t)n : left;
    if (copyout(&myproc()->mm, address, f->ram->data + offset, count) < 0)
        return -EFAULT;
    acquire(&table.lock);
    f->offset = offset + count;
    release(&table.lock);
    return (int)count;
}

int file_read(struct file *f, uint32_t address, int n)
{
    if (n < 0)
        return -EINVAL;
    if (f->type == FILE_DEVICE)
        return f->device->read ? f->device->read(f, address, n) : -EINVAL;
    return f->type == FILE_CONSOLE ? console_read(address, n) : ram_read(f, address, n);
}

int file_write(struct file *f, uint32_t address, int n)
{
    if (f->type == FILE_DEVICE)
        return f->device->write ? f->device->write(f, address, n) : -EBADF;
    return f->type == FILE_CONSOLE ? console_write(address, n) : -EBADF;
}

void **file_private(struct file *f)
{
    return &f->private;
}

int file_ioctl(struct file *f, uint32_t request, uint32_t arg)
{
    return f->type == FILE_DEVICE && f->device->ioctl ? f->device->ioctl(f, request, arg) : -ENOTTY;
}

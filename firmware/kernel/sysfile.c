/*
 * sysfile.c: the system calls about files: descriptors over the console,
 * the initramfs and devices (file.c), and listing the initramfs.
 */
#include "defs.h"
#include "string.h"

#define ARG(tf, n) ((tf)->regs[TF_A0 + (n)])
#define PATH_MAX 64     /* longest path open accepts, with its NUL */

/* The open file behind descriptor fd of the calling process, or 0. */
static struct file *fd_file(int fd)
{
    if (fd < 0 || fd >= NOFILE)
        return 0;
    return myproc()->files[fd];
}

int sys_open(struct trapframe *tf)
{
    struct proc *p = myproc();
    char path[PATH_MAX];
    struct file *f;
    int length = copyinstr(&p->mm, path, ARG(tf, 0), sizeof path);
    if (length < 0)
        return length == -E2BIG ? -ENOENT : length;
    if (ARG(tf, 1) != O_RDONLY && ARG(tf, 1) != O_RDWR)
        return -EINVAL;
    int fd = 0;
    while (fd < NOFILE && p->files[fd])
        fd++;
    if (fd == NOFILE)
        return -EMFILE;
    int error = file_open(path, (int)ARG(tf, 1), &f);
    if (error < 0)
        return error;
    p->files[fd] = f;
    return fd;
}

int sys_read(struct trapframe *tf)
{
    struct file *f = fd_file((int)ARG(tf, 0));
    return f ? file_read(f, ARG(tf, 1), (int)ARG(tf, 2)) : -EBADF;
}

int sys_write(struct trapframe *tf)
{
    struct file *f = fd_file((int)ARG(tf, 0));
    return f ? file_write(f, ARG(tf, 1), (int)ARG(tf, 2)) : -EBADF;
}

int sys_ioctl(struct trapframe *tf)
{
    struct file *f = fd_file((int)ARG(tf, 0));
    return f ? file_ioctl(f, ARG(tf, 1), ARG(tf, 2)) : -EBADF;
}

int sys_close(struct trapframe *tf)
{
    int fd = (int)ARG(tf, 0);
    struct file *f = fd_file(fd);
    if (f == 0)
        return -EBADF;
    myproc()->files[fd] = 0;
    file_close(f);
    return 0;
}

int sys_readdir(struct trapframe *tf)
{
    const struct ramfile *ram = initramfs_at((int)ARG(tf, 0));
    struct dirent entry;
    if (ram == 0)
        return -ENOENT;
    memset(&entry, 0, sizeof entry);
    entry.size = ram->size;
    strlcpy(entry.name, ram->name, DIRENT_NAME);
    return copyout(&myproc()->mm, ARG(tf, 1), &entry, sizeof entry);
}

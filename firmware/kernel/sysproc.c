/*
 * sysproc.c: the system calls about processes, time and the machine.
 * Arguments come from the trap frame (a0 = regs[10] ...); user pointers
 * only ever go through copyin/copyout.
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"

#define ARG(tf, n) ((tf)->regs[TF_A0 + (n)])
#define PATH_MAX 64     /* longest path exec accepts, with its NUL */

int sys_exit(struct trapframe *tf)
{
    proc_exit((int)ARG(tf, 0));
}

int sys_fork(struct trapframe *tf)
{
    (void)tf;
    return proc_fork();
}

int sys_wait(struct trapframe *tf)
{
    return proc_wait(ARG(tf, 0));
}

int sys_kill(struct trapframe *tf)
{
    return proc_kill((int)ARG(tf, 0));
}

int sys_getpid(struct trapframe *tf)
{
    (void)tf;
    return myproc()->pid;
}

int sys_sbrk(struct trapframe *tf)
{
    uint32_t old;
    int error = mm_sbrk(&myproc()->mm, (int)ARG(tf, 0), &old);
    return error < 0 ? error : (int)old;
}

int sys_sleep(struct trapframe *tf)
{
    return proc_sleep_ms(ARG(tf, 0));
}

int sys_uptime(struct trapframe *tf)
{
    (void)tf;
    return (int)timer_uptime_ms();
}

/* Copies the argument vector at user address `address` into strings[] and argv[]. */
static int fetch_args(struct mm *mm, uint32_t address, char *argv[], char *strings)
{
    uint32_t used = 0;
    for (int argc = 0; ; argc++) {
        uint32_t pointer;
        if (copyin(mm, &pointer, address + 4 * (uint32_t)argc, 4) < 0)
            return -EFAULT;
        if (pointer == 0)
            return argc;
        if (argc == EXEC_MAXARG || used == EXEC_ARGBYTES)
            return -E2BIG;
        int length = copyinstr(mm, strings + used, pointer, EXEC_ARGBYTES - used);
        if (length < 0)
            return length;
        argv[argc] = strings + used;
        used += (uint32_t)length + 1;
    }
}

int sys_exec(struct trapframe *tf)
{
    struct proc *p = myproc();
    char path[PATH_MAX], strings[EXEC_ARGBYTES];
    char *argv[EXEC_MAXARG + 1];
    int argc = 0;
    int length = copyinstr(&p->mm, path, ARG(tf, 0), sizeof path);
    if (length < 0)
        return length == -E2BIG ? -ENOENT : length;
    if (ARG(tf, 1))
        argc = fetch_args(&p->mm, ARG(tf, 1), argv, strings);
    if (argc < 0)
        return argc;
    return exec(p, path, argv, argc);
}

int sys_sysinfo(struct trapframe *tf)
{
    struct sysinfo info;
    memset(&info, 0, sizeof info);
    strlcpy(info.sysname, "HyperLab", SYSINFO_NAME);
    strlcpy(info.release, KERNEL_VERSION, SYSINFO_NAME);
    strlcpy(info.machine, "riscv32", SYSINFO_NAME);
    strlcpy(info.variant, KERNEL_VARIANT, SYSINFO_NAME);
    for (int i = 0; i < NCPU; i++)
        info.harts += cpus[i].online != 0;
    info.timebase_hz = board.timebase_hz;
    strlcpy(info.isa, board.isa, sizeof info.isa);
    strlcpy(info.cmdline, board.cmdline, sizeof info.cmdline);
    info.uptime_ms = timer_uptime_ms();
    info.mem_total_kib = kalloc_total_pages() * (PAGE_SIZE / 1024);
    info.mem_free_kib = kalloc_free_pages() * (PAGE_SIZE / 1024);
    info.procs = (unsigned)proc_count();
    info.procs_max = NPROC;
    info.ctx_switches = stats.ctx_switches;
    info.syscalls = stats.syscalls;
    info.page_faults = stats.page_faults;
    return copyout(&myproc()->mm, ARG(tf, 0), &info, sizeof info);
}

int sys_klog(struct trapframe *tf)
{
    char chunk[IO_CHUNK];
    uint32_t address = ARG(tf, 0), offset = ARG(tf, 2);
    int n = (int)ARG(tf, 1), done = 0;
    if (n < 0)
        return -EINVAL;
    while (done < n) {
        int want = n - done < IO_CHUNK ? n - done : IO_CHUNK;
        int got = klog_read(chunk, want, offset + (uint32_t)done);
        if (got == 0)
            break;
        if (copyout(&myproc()->mm, address + (uint32_t)done, chunk, (uint32_t)got) < 0)
            return -EFAULT;
        done += got;
    }
    return done;
}

int sys_procs(struct trapframe *tf)
{
    int max = (int)ARG(tf, 1);
    return max < 0 ? -EINVAL : proc_list(ARG(tf, 0), max);
}

int sys_shutdown(struct trapframe *tf)
{
    uint32_t kind = ARG(tf, 0);
    if (kind != SHUTDOWN_HALT && kind != SHUTDOWN_REBOOT)
        return -EINVAL;
    kprintf("%s\n", kind == SHUTDOWN_REBOOT ? "reboot: restarting the machine" : "halt: powering off");
    sbi_shutdown(kind == SHUTDOWN_REBOOT, 0);
}

/*
 * syscall.c: system call dispatch (include/syscall.h): a7 picks the call
 * from the table, a0..a5 are its arguments, its result goes back in a0.
 */
#include "defs.h"

struct stats stats;

typedef int (*syscall_handler)(struct trapframe *tf);

int sys_exit(struct trapframe *tf);
int sys_fork(struct trapframe *tf);
int sys_wait(struct trapframe *tf);
int sys_exec(struct trapframe *tf);
int sys_kill(struct trapframe *tf);
int sys_getpid(struct trapframe *tf);
int sys_sbrk(struct trapframe *tf);
int sys_open(struct trapframe *tf);
int sys_read(struct trapframe *tf);
int sys_write(struct trapframe *tf);
int sys_close(struct trapframe *tf);
int sys_sleep(struct trapframe *tf);
int sys_uptime(struct trapframe *tf);
int sys_sysinfo(struct trapframe *tf);
int sys_klog(struct trapframe *tf);
int sys_procs(struct trapframe *tf);
int sys_readdir(struct trapframe *tf);
int sys_shutdown(struct trapframe *tf);
int sys_ioctl(struct trapframe *tf);

static const syscall_handler syscalls[] = {
    [SYS_exit] = sys_exit,
    [SYS_fork] = sys_fork,
    [SYS_wait] = sys_wait,
    [SYS_exec] = sys_exec,
    [SYS_kill] = sys_kill,
    [SYS_getpid] = sys_getpid,
    [SYS_sbrk] = sys_sbrk,
    [SYS_open] = sys_open,
    [SYS_read] = sys_read,
    [SYS_write] = sys_write,
    [SYS_close] = sys_close,
    [SYS_sleep] = sys_sleep,
    [SYS_uptime] = sys_uptime,
    [SYS_sysinfo] = sys_sysinfo,
    [SYS_klog] = sys_klog,
    [SYS_procs] = sys_procs,
    [SYS_readdir] = sys_readdir,
    [SYS_shutdown] = sys_shutdown,
    [SYS_ioctl] = sys_ioctl,
};

void syscall(struct trapframe *tf)
{
    uint32_t number = tf->regs[TF_A7];
    stat_add(&stats.syscalls);
    tf->epc += 4;                   /* return past the ecall */
    int result = -ENOSYS;
    if (number < ARRAY_SIZE(syscalls) && syscalls[number])
        result = syscalls[number](tf);
    tf->regs[TF_A0] = (uint32_t)result;
}

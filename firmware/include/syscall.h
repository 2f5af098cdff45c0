/*
 * The HyperLab kernel's system call ABI, shared by the kernel and userland.
 *
 * A program calls the kernel with `ecall`: a7 = the call number, a0..a5 =
 * arguments; the result comes back in a0. A negative result is an error
 * (-E* below), as in Linux; user code must never crash the kernel, whatever
 * it passes (bad pointers give -EFAULT).
 */
#ifndef HYPERLAB_SYSCALL_H
#define HYPERLAB_SYSCALL_H

#define SYS_exit      1  /* exit(int status): never returns */
#define SYS_fork      2  /* fork(void) -> child pid in the parent, 0 in the child */
#define SYS_wait      3  /* wait(int *status or 0) -> pid of a child that exited */
#define SYS_exec      4  /* exec(const char *path, char *const argv[]) -> only on error */
#define SYS_kill      5  /* kill(int pid) -> 0 */
#define SYS_getpid    6  /* getpid(void) -> pid */
#define SYS_sbrk      7  /* sbrk(int increment) -> previous break */
#define SYS_open      8  /* open(const char *path, int flags) -> fd */
#define SYS_read      9  /* read(int fd, void *buf, int n) -> bytes read, 0 at end */
#define SYS_write    10  /* write(int fd, const void *buf, int n) -> bytes written */
#define SYS_close    11  /* close(int fd) -> 0 */
#define SYS_sleep    12  /* sleep(int milliseconds) -> 0 */
#define SYS_uptime   13  /* uptime(void) -> milliseconds since boot */
#define SYS_sysinfo  14  /* sysinfo(struct sysinfo *) -> 0 */
#define SYS_klog     15  /* klog(char *buf, int n, int offset) -> bytes copied from the kernel log */
#define SYS_procs    16  /* procs(struct procinfo *, int max) -> number of entries filled */
#define SYS_readdir  17  /* readdir(int index, struct dirent *) -> 0, or -ENOENT past the end */
#define SYS_shutdown 18  /* shutdown(int kind): SHUTDOWN_HALT or SHUTDOWN_REBOOT */
#define SYS_ioctl    19  /* ioctl(int fd, unsigned int request, void *arg) -> the device's answer; -ENOTTY if fd is no device */

#define SHUTDOWN_HALT   0
#define SHUTDOWN_REBOOT 1

/* open() flags: files open read-only; devices (/dev/..., the dom0 build's: include/privcmd.h) either way */
#define O_RDONLY 0
#define O_RDWR   2

/* Standard descriptors: the console. */
#define STDIN  0
#define STDOUT 1
#define STDERR 2

/* Errors (returned negated). Numbers as in Linux. */
#define EPERM    1
#define ENOENT   2
#define ESRCH    3
#define EINTR    4
#define EIO      5
#define E2BIG    7
#define ENOEXEC  8
#define EBADF    9
#define ECHILD  10
#define EAGAIN  11
#define ENOMEM  12
#define EACCES  13
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define ENODEV  19
#define EISDIR  21
#define EINVAL  22
#define EMFILE  24
#define ENOTTY  25
#define ENOSPC  28
#define EROFS   30
#define ENOSYS  38
#define ENOTEMPTY 39
#define EOVERFLOW 75
#define EISCONN 106
#define ENOTCONN 107

#define SYSINFO_NAME 32

struct sysinfo {
  char sysname[SYSINFO_NAME];   /* "HyperLab" */
  char release[SYSINFO_NAME];   /* kernel version, e.g. "0.1" */
  char machine[SYSINFO_NAME];   /* "riscv32" */
  char variant[SYSINFO_NAME];   /* how this kernel was built: "native" (later "pv", "dom0") */
  unsigned int harts;           /* harts the kernel runs on */
  unsigned int timebase_hz;     /* from the device tree */
  unsigned int uptime_ms;
  unsigned int mem_total_kib;   /* RAM the page allocator manages */
  unsigned int mem_free_kib;
  unsigned int procs;           /* processes in use */
  unsigned int procs_max;
  unsigned int ctx_switches;
  unsigned int syscalls;
  unsigned int page_faults;
  char isa[2 * SYSINFO_NAME];   /* the harts' riscv,isa, from the device tree */
  char cmdline[4 * SYSINFO_NAME]; /* the kernel's command line: /chosen's bootargs */
};

#define PROC_NAME 16

enum procstate { PROC_UNUSED, PROC_EMBRYO, PROC_SLEEPING, PROC_RUNNABLE, PROC_RUNNING, PROC_ZOMBIE };

struct procinfo {
  int pid;
  int ppid;
  int state;                    /* enum procstate */
  int hart;                     /* hart it runs on, or -1 */
  unsigned int mem_kib;         /* user memory */
  unsigned int cpu_ms;          /* time spent running */
  char name[PROC_NAME];
};

#define DIRENT_NAME 28

struct dirent {
  unsigned int size;            /* bytes */
  char name[DIRENT_NAME];
};

#endif

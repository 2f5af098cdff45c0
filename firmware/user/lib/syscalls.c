/*
 * syscalls.c: one stub per system call of include/syscall.h. The kernel
 * takes the call number in a7 and arguments in a0..a5, and returns the
 * result (or a negated E* code) in a0.
 */
#include "libc.h"

/* Makes system call `number` with up to three arguments. */
static inline long syscall3(long number, long arg0, long arg1, long arg2) {
  register long a0 __asm__("a0") = arg0;
  register long a1 __asm__("a1") = arg1;
  register long a2 __asm__("a2") = arg2;
  register long a7 __asm__("a7") = number;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

#define syscall0(n)          syscall3((n), 0, 0, 0)
#define syscall1(n, a)       syscall3((n), (long)(a), 0, 0)
#define syscall2(n, a, b)    syscall3((n), (long)(a), (long)(b), 0)

void exit(int status) {
  for (;;) syscall1(SYS_exit, status);
}

int fork(void) { return syscall0(SYS_fork); }
int wait(int *status) { return syscall1(SYS_wait, status); }
int exec(const char *path, char *const argv[]) { return syscall2(SYS_exec, path, argv); }
int kill(int pid) { return syscall1(SYS_kill, pid); }
int getpid(void) { return syscall0(SYS_getpid); }
void *sbrk(int increment) { return (void *)syscall1(SYS_sbrk, increment); }
int open(const char *path, int flags) { return syscall2(SYS_open, path, flags); }
int read(int fd, void *buf, int n) { return syscall3(SYS_read, fd, (long)buf, n); }
int write(int fd, const void *buf, int n) { return syscall3(SYS_write, fd, (long)buf, n); }
int close(int fd) { return syscall1(SYS_close, fd); }
int sleep(int milliseconds) { return syscall1(SYS_sleep, milliseconds); }
unsigned int uptime(void) { return syscall0(SYS_uptime); }
int sysinfo(struct sysinfo *info) { return syscall1(SYS_sysinfo, info); }
int klog(char *buf, int n, int offset) { return syscall3(SYS_klog, (long)buf, n, offset); }
int procs(struct procinfo *table, int max) { return syscall2(SYS_procs, table, max); }
int ioctl(int fd, unsigned int request, void *arg) { return syscall3(SYS_ioctl, fd, (long)request, (long)arg); }
int readdir(int index, struct dirent *entry) { return syscall2(SYS_readdir, index, entry); }
int shutdown(int kind) { return syscall1(SYS_shutdown, kind); }

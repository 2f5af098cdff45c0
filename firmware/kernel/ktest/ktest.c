/*
 * ktest.c: the kernel's own test program, in the initramfs as "ktest". It
 * checks what part 5 of the kernel's contract promises: bad user pointers
 * give -EFAULT, faults kill only the faulting program (with a message
 * naming the fault and the address), and running out of memory or of
 * process slots gives -ENOMEM or -EAGAIN, never a hang or a panic.
 *
 *   ktest            every check; prints "ktest: N passed, M failed"
 *   ktest fault KIND one fault, in this process: null, store-text,
 *                    illegal, overflow, kernel, ebreak, exec-data
 */
#include "syscall.h"
#include "abi.h"

long syscall(long number, long a0, long a1, long a2);

#define KERNEL_ADDRESS 0x80400000

static int passed, failed;
int main(int argc, char **argv);

static int length(const char *s)
{
    int n = 0;
    while (s[n])
        n++;
    return n;
}

static void print(const char *s)
{
    syscall(SYS_write, STDOUT, (long)s, length(s));
}

static void print_number(long n)
{
    char digits[12];
    int i = sizeof digits;
    int negative = n < 0;
    unsigned long u = negative ? -(unsigned long)n : (unsigned long)n;
    digits[--i] = 0;
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (negative)
        digits[--i] = '-';
    print(digits + i);
}

static int same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void check(const char *what, long got, long want)
{
    if (got == want) {
        passed++;
        return;
    }
    failed++;
    print("ktest: FAIL ");
    print(what);
    print(": got ");
    print_number(got);
    print(", want ");
    print_number(want);
    print("\n");
}

static void bad_pointers(void)
{
    char buffer[8];
    check("write from NULL", syscall(SYS_write, STDOUT, 0, 4), -EFAULT);
    check("write from kernel", syscall(SYS_write, STDOUT, KERNEL_ADDRESS, 4), -EFAULT);
    check("write from unmapped", syscall(SYS_write, STDOUT, 0x40000000, 4), -EFAULT);
    check("write wrapping", syscall(SYS_write, STDOUT, (long)buffer, 0x7fffffff), -EFAULT);
    check("open NULL path", syscall(SYS_open, 0, O_RDONLY, 0), -EFAULT);
    check("open kernel path", syscall(SYS_open, KERNEL_ADDRESS, O_RDONLY, 0), -EFAULT);
    check("exec NULL path", syscall(SYS_exec, 0, 0, 0), -EFAULT);
    check("exec bad argv", syscall(SYS_exec, (long)"ktest", KERNEL_ADDRESS, 0), -EFAULT);
    check("exec missing", syscall(SYS_exec, (long)"no-such-program", 0, 0), -ENOENT);
    check("sysinfo NULL", syscall(SYS_sysinfo, 0, 0, 0), -EFAULT);
    check("sysinfo kernel", syscall(SYS_sysinfo, KERNEL_ADDRESS, 0, 0), -EFAULT);
    check("procs into text", syscall(SYS_procs, 0x10000, 4, 0), -EFAULT);
    check("klog NULL", syscall(SYS_klog, 0, 16, 0), -EFAULT);
    check("readdir NULL", syscall(SYS_readdir, 0, 0, 0), -EFAULT);
    check("wait no child", syscall(SYS_wait, 0, 0, 0), -ECHILD);
    check("read bad fd", syscall(SYS_read, 99, (long)buffer, 1), -EBADF);
    check("close bad fd", syscall(SYS_close, -1, 0, 0), -EBADF);
    check("unknown call", syscall(999, 0, 0, 0), -ENOSYS);
    long fd = syscall(SYS_open, (long)"/ktest", O_RDONLY, 0);
    check("open ktest", fd >= 3, 1);
    check("read into kernel", syscall(SYS_read, fd, KERNEL_ADDRESS, 4), -EFAULT);
    check("read into text", syscall(SYS_read, fd, 0x10000, 4), -EFAULT);
    check("read ok", syscall(SYS_read, fd, (long)buffer, 4), 4);
    check("elf magic", buffer[1] == 'E' && buffer[2] == 'L' && buffer[3] == 'F', 1);
    check("write to file", syscall(SYS_write, fd, (long)buffer, 1), -EBADF);
    check("close", syscall(SYS_close, fd, 0, 0), 0);
}

static void memory(void)
{
    long start = syscall(SYS_sbrk, 0, 0, 0);
    check("sbrk grow", syscall(SYS_sbrk, 3 * USER_PAGE_SIZE, 0, 0), start);
    volatile char *p = (char *)start;
    check("fresh heap is zero", p[0] | p[USER_PAGE_SIZE] | p[3 * USER_PAGE_SIZE - 1], 0);
    p[0] = 1;
    p[2 * USER_PAGE_SIZE] = 2;
    check("heap keeps", p[0] + p[2 * USER_PAGE_SIZE], 3);
    check("read into lazy heap", syscall(SYS_read, 99, (long)(p + USER_PAGE_SIZE), 1), -EBADF);
    check("sbrk shrink", syscall(SYS_sbrk, -3 * USER_PAGE_SIZE, 0, 0), start + 3 * USER_PAGE_SIZE);
    check("sbrk below start", syscall(SYS_sbrk, -0x100000, 0, 0) < 0, 1);
    check("sbrk too big", syscall(SYS_sbrk, 0x7fff0000, 0, 0), -ENOMEM);
    check("sbrk past limit", syscall(SYS_sbrk, USER_HEAP_LIMIT - start + 1, 0, 0), -ENOMEM);
    /* Eat all memory in 4 MiB steps: it must end in -ENOMEM, then give it back. */
    long total = 0, step = 4 << 20;
    while (syscall(SYS_sbrk, step, 0, 0) >= 0)
        total += step;
    check("sbrk until -ENOMEM", syscall(SYS_sbrk, step, 0, 0), -ENOMEM);
    check("fork with memory gone", syscall(SYS_fork, 0, 0, 0), -ENOMEM);
    syscall(SYS_sbrk, -total, 0, 0);
    check("sbrk gave back", syscall(SYS_sbrk, 0, 0, 0), start);
}

/* Forks until the process table is full, then reaps every child. */
static void process_slots(void)
{
    int children = 0;
    long pid;
    while ((pid = syscall(SYS_fork, 0, 0, 0)) > 0)
        children++;
    if (pid == 0) {
        syscall(SYS_sleep, 50, 0, 0);
        syscall(SYS_exit, 0, 0, 0);
    }
    check("fork until -EAGAIN", pid, -EAGAIN);
    check("forked some", children > 1, 1);
    while (children > 0 && syscall(SYS_wait, 0, 0, 0) > 0)
        children--;
    check("reaped all", children, 0);
}

static void do_fault(const char *kind)
{
    if (same(kind, "null"))
        (void)*(volatile int *)0;
    else if (same(kind, "store-text"))
        *(volatile int *)(long)main = 0;
    else if (same(kind, "illegal"))
        __asm__ volatile(".word 0");
    else if (same(kind, "overflow"))
        for (volatile char *sp = (char *)USER_STACK_TOP - 16; ; sp -= 1024)
            *sp = 1;
    else if (same(kind, "kernel"))
        (void)*(volatile int *)KERNEL_ADDRESS;
    else if (same(kind, "ebreak"))
        __asm__ volatile("ebreak");
    else if (same(kind, "exec-data"))
        ((void (*)(void))(long)&passed)();
    print("ktest: no fault\n");
    syscall(SYS_exit, 2, 0, 0);
}

/* Runs "ktest fault KIND" in a child; it must be killed, and this process lives on. */
static void fault(const char *kind)
{
    long pid = syscall(SYS_fork, 0, 0, 0);
    if (pid == 0) {
        char *argv[] = { "ktest", "fault", (char *)kind, 0 };
        syscall(SYS_exec, (long)"ktest", (long)argv, 0);
        syscall(SYS_exit, 3, 0, 0);
    }
    int status = 0;
    check("wait for the faulting child", syscall(SYS_wait, (long)&status, 0, 0), pid);
    check(kind, status, EXIT_KILLED);
}

int main(int argc, char **argv)
{
    if (argc == 3 && same(argv[1], "fault")) {
        do_fault(argv[2]);
        return 1;
    }
    bad_pointers();
    memory();
    process_slots();
    const char *kinds[] = { "null", "store-text", "illegal", "overflow", "kernel", "ebreak", "exec-data" };
    for (unsigned i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        fault(kinds[i]);
    print("ktest: ");
    print_number(passed);
    print(" passed, ");
    print_number(failed);
    print(" failed\n");
    return failed != 0;
}

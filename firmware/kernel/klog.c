/*
 * klog.c: the kernel log, a ring of the last KLOG_SIZE bytes the kernel
 * said, readable from user space (klog system call, dmesg). kprintf writes
 * to the log and the console; klog_printf to the log only; panic to the
 * firmware's console, then powers off reporting a failure.
 */
#include <stdarg.h>
#include "defs.h"
#include "format.h"
#include "string.h"

#define LINE_MAX 256      /* longest kprintf message */

static struct {
    struct spinlock lock;
    char ring[KLOG_SIZE];
    uint32_t total;       /* bytes ever logged */
} klog = { .lock = { 0, "klog", 0 } };

static void klog_append(const char *s, int n)
{
    acquire(&klog.lock);
    for (int i = 0; i < n; i++)
        klog.ring[klog.total++ % KLOG_SIZE] = s[i];
    release(&klog.lock);
}

/* Formats one message into line[LINE_MAX], cut short if need be; returns its length. */
static int format_line(char *line, const char *fmt, va_list args)
{
    int n = vsnprintf(line, LINE_MAX, fmt, args);
    return n < LINE_MAX - 1 ? n : LINE_MAX - 1;
}

void kprintf(const char *fmt, ...)
{
    char line[LINE_MAX];
    va_list args;
    va_start(args, fmt);
    int n = format_line(line, fmt, args);
    va_end(args);
    klog_append(line, n);
    console_write_kernel(line, n);
}

void klog_printf(const char *fmt, ...)
{
    char line[LINE_MAX];
    va_list args;
    va_start(args, fmt);
    int n = format_line(line, fmt, args);
    va_end(args);
    klog_append(line, n);
}

/* Copies up to n bytes of the log, from `offset` bytes into what it still holds. */
int klog_read(char *dst, int n, uint32_t offset)
{
    acquire(&klog.lock);
    uint32_t start = klog.total > KLOG_SIZE ? klog.total - KLOG_SIZE : 0;
    uint32_t held = klog.total - start;
    int count = 0;
    for (; offset < held && count < n; offset++)
        dst[count++] = klog.ring[(start + offset) % KLOG_SIZE];
    release(&klog.lock);
    return count;
}

/* A broken invariant: say which, through SBI (no kernel locks), and stop the machine. */
void panic(const char *fmt, ...)
{
    char line[LINE_MAX];
    va_list args;
    va_start(args, fmt);
    int n = format_line(line, fmt, args);
    va_end(args);
    sbi_console_write("\r\npanic: ", 9);
    sbi_console_write(line, n);
    sbi_console_write("\r\n", 2);
    sbi_shutdown(0, 1);
}

/*
 * libc.h: the small C library of HyperLab's user programs: system calls
 * (numbers and structures from include/syscall.h), strings, formatted
 * output, a heap on sbrk, line input, and the hart's user-readable
 * counters. Freestanding: no newlib, nothing from the host.
 */
#ifndef HYPERLAB_LIBC_H
#define HYPERLAB_LIBC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "syscall.h"

/* ---- system calls (syscalls.c): negative results are -E* errors ---- */
__attribute__((noreturn)) void exit(int status);
int fork(void);
int wait(int *status);
int exec(const char *path, char *const argv[]);
int kill(int pid);
int getpid(void);
void *sbrk(int increment);          /* (void *)-ENOMEM etc. on failure: test with sbrk_failed() */
int open(const char *path, int flags);
int read(int fd, void *buf, int n);
int write(int fd, const void *buf, int n);
int close(int fd);
int sleep(int milliseconds);
unsigned int uptime(void);
int sysinfo(struct sysinfo *info);
int klog(char *buf, int n, int offset);
int procs(struct procinfo *table, int max);
int readdir(int index, struct dirent *entry);
int shutdown(int kind);
int ioctl(int fd, unsigned int request, void *arg);

/* True when a pointer-valued system call result is an error code. */
static inline int sbrk_failed(void *result) {
  return (uintptr_t)result >= (uintptr_t)-4095;
}

/* ---- errors (errors.c) ---- */
const char *strerror(int error);    /* takes a positive or negative E* code */

/* ---- strings and memory (string.c) ---- */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
size_t strlcpy(char *dst, const char *src, size_t size);   /* at most size-1 bytes and a NUL; strlen(src) */
char *strchr(const char *s, int c);
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int isdigit(int c);
int isspace(int c);
int isprint(int c);
/* Parses a decimal (or 0x hexadecimal) number; returns 0 and sets *value, or -1 if s is not one. */
int parse_int(const char *s, long *value);
int atoi(const char *s);

/* ---- formatted output (printf.c): %d %i %u %x %X %s %c %p %%, flags - 0, widths, l ---- */
int printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char *format, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *format, va_list args);
int snprintf(char *buf, size_t size, const char *format, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *format, va_list args);
int puts(const char *s);            /* s and a newline on stdout */
int putchar(int c);

/* ---- heap (malloc.c) ---- */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *old, size_t size);
void free(void *p);

/* ---- line input (getline.c) ---- */
/*
 * Reads one line from fd into buf (at most size-1 bytes, NUL-terminated,
 * without the newline). On the console it echoes and handles backspace.
 * Returns the line's length, or -1 at end of input.
 */
int getline(int fd, char *buf, int size);

/* ---- the hart's counters (Zicntr), readable in user mode ---- */
static inline uint64_t rdinstret64(void) {
  uint32_t high, low, again;
  do {
    __asm__ volatile("rdinstreth %0" : "=r"(high));
    __asm__ volatile("rdinstret %0" : "=r"(low));
    __asm__ volatile("rdinstreth %0" : "=r"(again));
  } while (high != again);
  return ((uint64_t)high << 32) | low;
}

static inline uint64_t rdtime64(void) {
  uint32_t high, low, again;
  do {
    __asm__ volatile("rdtimeh %0" : "=r"(high));
    __asm__ volatile("rdtime %0" : "=r"(low));
    __asm__ volatile("rdtimeh %0" : "=r"(again));
  } while (high != again);
  return ((uint64_t)high << 32) | low;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif

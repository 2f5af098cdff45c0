/*
 * format.h: printf-style formatting onto any byte sink, shared by the SBI
 * firmware's console and the kernel's log. Conversions: %d %u %x %X %p %s %c
 * %%, with an optional '-' or '0' flag and a field width; 'l' is accepted
 * and ignored (long is 32 bits here).
 */
#ifndef HYPERLAB_FORMAT_H
#define HYPERLAB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*format_sink)(void *context, char c);

/* Formats `fmt` with `args`, handing each byte to `sink`. Returns the byte count. */
int vformat(format_sink sink, void *context, const char *fmt, va_list args);

/* Formats into `buf` (always terminated if size > 0); return the full length. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

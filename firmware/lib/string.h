/*
 * string.h: the few memory and string routines the SBI firmware and the
 * kernel share. GCC may also call memcpy and memset on its own (structure
 * copies), so these keep the standard names and contracts.
 */
#ifndef HYPERLAB_STRING_H
#define HYPERLAB_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Copies at most size-1 bytes of src and always terminates dst (if size > 0). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif

/*
 * string.c: memory and string routines for the freestanding firmware.
 * memset and memcpy move whole words when both ends allow it: the kernel
 * clears and copies 4 KiB pages with them, and the emulated machine counts
 * every instruction.
 */
#include <stdint.h>
#include "string.h"

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n > 0 && ((uintptr_t)d & 3)) {
        *d++ = (uint8_t)c;
        n--;
    }
    uint32_t word = (uint8_t)c * 0x01010101u;
    for (; n >= 16; n -= 16, d += 16) {
        ((uint32_t *)d)[0] = word;
        ((uint32_t *)d)[1] = word;
        ((uint32_t *)d)[2] = word;
        ((uint32_t *)d)[3] = word;
    }
    for (; n > 0; n--)
        *d++ = (uint8_t)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uintptr_t)d ^ (uintptr_t)s) & 3) == 0) {
        while (n > 0 && ((uintptr_t)d & 3)) {
            *d++ = *s++;
            n--;
        }
        for (; n >= 16; n -= 16, d += 16, s += 16) {
            ((uint32_t *)d)[0] = ((const uint32_t *)s)[0];
            ((uint32_t *)d)[1] = ((const uint32_t *)s)[1];
            ((uint32_t *)d)[2] = ((const uint32_t *)s)[2];
            ((uint32_t *)d)[3] = ((const uint32_t *)s)[3];
        }
    }
    for (; n > 0; n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d <= s || d >= s + n)
        return memcpy(dst, src, n);
    while (n > 0) {
        n--;
        d[n] = s[n];
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n > 0; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (*a == 0)
            break;
    }
    return 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t length = strlen(src);
    if (size > 0) {
        size_t n = length < size - 1 ? length : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return length;
}

/*
 * string.c: the string functions the kernel's library (lib/string.c, linked
 * into every program too: memset, memcpy, memmove, memcmp, strlen, strcmp,
 * strncmp, strlcpy) does not have.
 */
#include "libc.h"

char *strcpy(char *dst, const char *src) {
  char *d = dst;
  while ((*d++ = *src++)) {}
  return dst;
}

char *strchr(const char *s, int c) {
  for (;; s++) {
    if (*s == (char)c) return (char *)s;
    if (*s == 0) return NULL;
  }
}

int isdigit(int c) { return c >= '0' && c <= '9'; }
int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
int isprint(int c) { return c >= 0x20 && c < 0x7f; }

static int digit_value(int c) {
  if (isdigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

int parse_int(const char *s, long *value) {
  int negative = 0, base = 10;
  unsigned long n = 0;
  if (*s == '-') negative = 1, s++;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s += 2;
  if (*s == 0) return -1;
  for (; *s; s++) {
    int d = digit_value(*s);
    if (d >= base) return -1;
    n = n * base + d;
  }
  *value = negative ? -(long)n : (long)n;
  return 0;
}

int atoi(const char *s) {
  long value;
  return parse_int(s, &value) == 0 ? (int)value : 0;
}

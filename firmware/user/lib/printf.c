/*
 * printf.c: formatted output. Every printf formats into a small buffer and
 * writes it with as few write() calls as it can (one for a short line), so
 * lines from processes on different harts don't interleave mid-line.
 *
 * Conversions: %d %i %u %x %X %s %c %p %%; flags '-' (left-justify) and '0'
 * (zero padding); a width (or '*'); length modifiers l and ll.
 */
#include "libc.h"

#define OUTPUT_BUFFER 256   /* bytes formatted before a write() */

/* Where formatted bytes go: a file descriptor (buffered) or a string. */
struct sink {
  int fd;                   /* -1 for a string */
  char *buf;
  size_t size;              /* capacity of buf */
  size_t used;              /* bytes in buf */
  int total;                /* bytes produced so far */
};

static void sink_flush(struct sink *out) {
  if (out->fd >= 0 && out->used > 0) {
    write(out->fd, out->buf, out->used);
    out->used = 0;
  }
}

static void sink_put(struct sink *out, char c) {
  out->total++;
  if (out->fd < 0) {
    if (out->used + 1 < out->size) out->buf[out->used++] = c;
    return;
  }
  if (out->used == out->size) sink_flush(out);
  out->buf[out->used++] = c;
}

static void put_padding(struct sink *out, char c, int count) {
  while (count-- > 0) sink_put(out, c);
}

/* How one conversion is to be laid out. */
struct spec {
  int left;                 /* '-' */
  int zero;                 /* '0' */
  int width;
};

/* Writes `text` (len bytes, after an optional sign) padded to the spec's width. */
static void put_field(struct sink *out, const struct spec *spec, const char *sign, const char *text, int len) {
  int sign_len = sign ? 1 : 0;
  int pad = spec->width - len - sign_len;
  if (!spec->left && !spec->zero) put_padding(out, ' ', pad);
  if (sign) sink_put(out, *sign);
  if (!spec->left && spec->zero) put_padding(out, '0', pad);
  for (int i = 0; i < len; i++) sink_put(out, text[i]);
  if (spec->left) put_padding(out, ' ', pad);
}

static void put_number(struct sink *out, const struct spec *spec, uint64_t value, int base, int upper,
                       int negative) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char text[24];
  int len = sizeof(text);
  do {
    text[--len] = digits[value % base];
    value /= base;
  } while (value);
  put_field(out, spec, negative ? "-" : NULL, text + len, sizeof(text) - len);
}

/* Reads the next integer argument, of the size the length modifier says. */
static uint64_t next_unsigned(va_list *args, int longs) {
  if (longs >= 2) return va_arg(*args, unsigned long long);
  if (longs == 1) return va_arg(*args, unsigned long);
  return va_arg(*args, unsigned int);
}

static int64_t next_signed(va_list *args, int longs) {
  if (longs >= 2) return va_arg(*args, long long);
  if (longs == 1) return va_arg(*args, long);
  return va_arg(*args, int);
}

/* Formats one conversion (format points after the '%'); returns where the format continues. */
static const char *convert(struct sink *out, const char *format, va_list *args) {
  struct spec spec = {0, 0, 0};
  int longs = 0;
  for (;; format++) {
    if (*format == '-') spec.left = 1;
    else if (*format == '0') spec.zero = 1;
    else break;
  }
  if (*format == '*') {
    spec.width = va_arg(*args, int);
    format++;
  }
  while (isdigit(*format)) spec.width = spec.width * 10 + (*format++ - '0');
  while (*format == 'l') longs++, format++;
  switch (*format) {
  case 'd':
  case 'i': {
    int64_t value = next_signed(args, longs);
    put_number(out, &spec, value < 0 ? -(uint64_t)value : (uint64_t)value, 10, 0, value < 0);
    break;
  }
  case 'u': put_number(out, &spec, next_unsigned(args, longs), 10, 0, 0); break;
  case 'x': put_number(out, &spec, next_unsigned(args, longs), 16, 0, 0); break;
  case 'X': put_number(out, &spec, next_unsigned(args, longs), 16, 1, 0); break;
  case 'p':
    sink_put(out, '0');
    sink_put(out, 'x');
    spec.zero = 1;
    spec.width = 8;
    put_number(out, &spec, (uintptr_t)va_arg(*args, void *), 16, 0, 0);
    break;
  case 'c': {
    char c = (char)va_arg(*args, int);
    put_field(out, &spec, NULL, &c, 1);
    break;
  }
  case 's': {
    const char *s = va_arg(*args, const char *);
    if (!s) s = "(null)";
    spec.zero = 0;
    put_field(out, &spec, NULL, s, strlen(s));
    break;
  }
  case '%': sink_put(out, '%'); break;
  case 0: return format;                    /* a lone '%' at the end */
  default:                                  /* unknown: print it as it stands */
    sink_put(out, '%');
    sink_put(out, *format);
  }
  return format + 1;
}

static void format_to(struct sink *out, const char *format, va_list args) {
  va_list copy;
  va_copy(copy, args);
  while (*format) {
    if (*format == '%') format = convert(out, format + 1, &copy);
    else sink_put(out, *format++);
  }
  va_end(copy);
}

int vdprintf(int fd, const char *format, va_list args) {
  char buf[OUTPUT_BUFFER];
  struct sink out = {fd, buf, sizeof(buf), 0, 0};
  format_to(&out, format, args);
  sink_flush(&out);
  return out.total;
}

int vsnprintf(char *buf, size_t size, const char *format, va_list args) {
  struct sink out = {-1, buf, size, 0, 0};
  format_to(&out, format, args);
  if (size > 0) buf[out.used] = 0;
  return out.total;
}

int dprintf(int fd, const char *format, ...) {
  va_list args;
  va_start(args, format);
  int n = vdprintf(fd, format, args);
  va_end(args);
  return n;
}

int printf(const char *format, ...) {
  va_list args;
  va_start(args, format);
  int n = vdprintf(STDOUT, format, args);
  va_end(args);
  return n;
}

int snprintf(char *buf, size_t size, const char *format, ...) {
  va_list args;
  va_start(args, format);
  int n = vsnprintf(buf, size, format, args);
  va_end(args);
  return n;
}

int puts(const char *s) {
  return printf("%s\n", s);
}

int putchar(int c) {
  char byte = (char)c;
  return write(STDOUT, &byte, 1) == 1 ? (unsigned char)c : -1;
}

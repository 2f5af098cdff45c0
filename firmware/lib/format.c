/*
 * format.c: a small printf engine (see format.h). Numbers are formatted
 * right to left into a buffer on the stack; no allocation, no floating
 * point.
 */
#include <stdint.h>
#include "format.h"

struct spec {
    int width;
    char pad;        /* ' ' or '0' */
    int left;        /* '-' flag: pad on the right */
};

struct out {
    format_sink sink;
    void *context;
    int count;
};

static void emit(struct out *out, char c)
{
    out->sink(out->context, c);
    out->count++;
}

static void emit_padded(struct out *out, const struct spec *spec, const char *s, int length)
{
    int padding = spec->width > length ? spec->width - length : 0;
    if (!spec->left && spec->pad == '0' && length > 0 && *s == '-') {
        emit(out, *s++);        /* the sign goes before the zeros */
        length--;
    }
    if (!spec->left)
        for (; padding > 0; padding--)
            emit(out, spec->pad);
    for (int i = 0; i < length; i++)
        emit(out, s[i]);
    for (; padding > 0; padding--)
        emit(out, ' ');
}

/* Writes `value` in `base` right-aligned into buf[0..11]; returns its start. */
static char *digits(char *end, uint32_t value, unsigned base, int upper, int negative)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = set[value % base];
        value /= base;
    } while (value != 0);
    if (negative)
        *--p = '-';
    return p;
}

static void emit_number(struct out *out, const struct spec *spec, char conversion, uint32_t value)
{
    char buf[12];
    char *end = buf + sizeof buf;
    char *start;
    if (conversion == 'd' && (int32_t)value < 0)
        start = digits(end, -value, 10, 0, 1);
    else if (conversion == 'd' || conversion == 'u')
        start = digits(end, value, 10, 0, 0);
    else
        start = digits(end, value, 16, conversion == 'X', 0);
    emit_padded(out, spec, start, (int)(end - start));
}

/* Reads flags and width at *fmt; leaves *fmt on the conversion letter. */
static struct spec parse_spec(const char **fmt)
{
    struct spec spec = { 0, ' ', 0 };
    for (;; (*fmt)++) {
        if (**fmt == '-')
            spec.left = 1;
        else if (**fmt == '0')
            spec.pad = '0';
        else
            break;
    }
    for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++)
        spec.width = spec.width * 10 + (**fmt - '0');
    while (**fmt == 'l')
        (*fmt)++;
    return spec;
}

static void emit_string(struct out *out, const struct spec *spec, const char *s)
{
    int length = 0;
    if (s == 0)
        s = "(null)";
    while (s[length])
        length++;
    emit_padded(out, spec, s, length);
}

/* One conversion: the letter at *fmt, its argument from args. */
static void emit_conversion(struct out *out, struct spec *spec, char conversion, va_list *args)
{
    char c;
    switch (conversion) {
    case 'd': case 'u': case 'x': case 'X':
        emit_number(out, spec, conversion, va_arg(*args, uint32_t));
        break;
    case 'p':
        spec->width = 8;
        spec->pad = '0';
        emit(out, '0');
        emit(out, 'x');
        emit_number(out, spec, 'x', (uint32_t)(uintptr_t)va_arg(*args, void *));
        break;
    case 's':
        emit_string(out, spec, va_arg(*args, const char *));
        break;
    case 'c':
        c = (char)va_arg(*args, int);
        emit_padded(out, spec, &c, 1);
        break;
    case '%':
        emit(out, '%');
        break;
    default:
        emit(out, '%');
        emit(out, conversion);
    }
}

int vformat(format_sink sink, void *context, const char *fmt, va_list args)
{
    struct out out = { sink, context, 0 };
    va_list copy;
    va_copy(copy, args);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&out, *fmt);
            continue;
        }
        fmt++;
        struct spec spec = parse_spec(&fmt);
        if (*fmt == 0)
            break;
        emit_conversion(&out, &spec, *fmt, &copy);
    }
    va_end(copy);
    return out.count;
}

struct buffer {
    char *p;
    size_t room;      /* bytes left, keeping one for the terminator */
};

static void buffer_sink(void *context, char c)
{
    struct buffer *b = context;
    if (b->room > 0) {
        *b->p++ = c;
        b->room--;
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    struct buffer b = { buf, size > 0 ? size - 1 : 0 };
    int n = vformat(buffer_sink, &b, fmt, args);
    if (size > 0)
        *b.p = 0;
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(buf, size, fmt, args);
    va_end(args);
    return n;
}

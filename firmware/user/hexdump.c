/*
 * hexdump: prints a file (or LENGTH bytes of it from OFFSET) in the
 * canonical layout: offset, sixteen bytes in hexadecimal, the same bytes
 * as text. A run of identical lines shows as one line and a '*'.
 */
#include "libc.h"

#define LINE_BYTES 16

/* Reads up to n bytes, across short reads; returns the bytes read (0 at the end) or an error. */
static int read_full(int fd, unsigned char *buf, int n) {
  int total = 0;
  while (total < n) {
    int got = read(fd, buf + total, n - total);
    if (got < 0) return got;
    if (got == 0) break;
    total += got;
  }
  return total;
}

static void print_line(unsigned offset, const unsigned char *bytes, int n) {
  char text[100];
  int len = snprintf(text, sizeof(text), "%08x ", offset);
  for (int i = 0; i < LINE_BYTES; i++) {
    if (i % 8 == 0) text[len++] = ' ';
    if (i < n) len += snprintf(text + len, sizeof(text) - len, "%02x ", bytes[i]);
    else len += snprintf(text + len, sizeof(text) - len, "   ");
  }
  len += snprintf(text + len, sizeof(text) - len, " |");
  for (int i = 0; i < n; i++) text[len++] = isprint(bytes[i]) ? bytes[i] : '.';
  text[len++] = '|';
  text[len++] = '\n';
  write(STDOUT, text, len);
}

/* Dumps `length` bytes of fd starting at `offset` (which has already been skipped). */
static int dump(int fd, unsigned offset, unsigned length) {
  unsigned char line[LINE_BYTES], previous[LINE_BYTES];
  int squeezing = 0, have_previous = 0;
  while (length > 0) {
    int n = read_full(fd, line, length < LINE_BYTES ? (int)length : LINE_BYTES);
    if (n < 0) return n;
    if (n == 0) break;
    if (have_previous && n == LINE_BYTES && memcmp(line, previous, LINE_BYTES) == 0) {
      if (!squeezing) printf("*\n");
      squeezing = 1;
    } else {
      print_line(offset, line, n);
      squeezing = 0;
    }
    memcpy(previous, line, n);
    have_previous = n == LINE_BYTES;
    offset += n;
    length -= n;
  }
  printf("%08x\n", offset);
  return 0;
}

int main(int argc, char **argv) {
  long offset = 0, length = 0x7fffffff;
  if (argc < 2 || argc > 4 || (argc > 2 && (parse_int(argv[2], &offset) < 0 || offset < 0)) ||
      (argc > 3 && (parse_int(argv[3], &length) < 0 || length < 0))) {
    dprintf(STDERR, "usage: hexdump FILE [OFFSET [LENGTH]]\n");
    return 2;
  }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    dprintf(STDERR, "hexdump: %s: %s\n", argv[1], strerror(fd));
    return 1;
  }
  unsigned char skip[LINE_BYTES];
  long skipped = 0;
  while (skipped < offset) {
    int n = read_full(fd, skip, offset - skipped < LINE_BYTES ? (int)(offset - skipped) : LINE_BYTES);
    if (n <= 0) break;
    skipped += n;
  }
  int result = dump(fd, (unsigned)skipped, (unsigned)length);
  close(fd);
  if (result < 0) {
    dprintf(STDERR, "hexdump: %s: %s\n", argv[1], strerror(result));
    return 1;
  }
  return 0;
}

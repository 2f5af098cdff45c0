/* sleep: waits the given seconds; a fraction is allowed down to milliseconds ("sleep 0.25"). */
#include "libc.h"

/* Parses "S", "S.F" into milliseconds; -1 if it is not such a number. */
static long parse_seconds(const char *s) {
  long ms = 0;
  int digits = 0;
  for (; isdigit(*s); s++, digits++) {
    ms = ms * 10 + (*s - '0');
    if (ms > 1000000000) return -1;
  }
  ms *= 1000;
  if (*s == '.') {
    s++;
    for (long scale = 100; isdigit(*s); s++, digits++, scale /= 10) ms += (*s - '0') * scale;
  }
  return (*s == 0 && digits > 0) ? ms : -1;
}

int main(int argc, char **argv) {
  long ms = argc == 2 ? parse_seconds(argv[1]) : -1;
  if (ms < 0 || ms > 0x7fffffff) {
    dprintf(STDERR, "usage: sleep SECONDS\n");
    return 2;
  }
  int result = sleep((int)ms);
  if (result < 0) {
    dprintf(STDERR, "sleep: %s\n", strerror(result));
    return 1;
  }
  return 0;
}

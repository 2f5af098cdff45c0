/* echo: prints its arguments separated by blanks, then a newline (none with -n). */
#include "libc.h"

#define LINE_BYTES 1100    /* more than EXEC_ARGBYTES: a whole command line fits */

int main(int argc, char **argv) {
  static char line[LINE_BYTES];
  int newline = 1, first = 1, len = 0;
  if (argc > 1 && strcmp(argv[1], "-n") == 0) {
    newline = 0;
    first = 2;
  }
  for (int i = first; i < argc && len < (int)sizeof(line); i++) {
    len += snprintf(line + len, sizeof(line) - len, "%s%s", i > first ? " " : "", argv[i]);
  }
  if (newline && len < (int)sizeof(line)) len += snprintf(line + len, sizeof(line) - len, "\n");
  if (len >= (int)sizeof(line)) len = sizeof(line) - 1;    /* snprintf counts what did not fit too */
  write(STDOUT, line, len);
  return 0;
}

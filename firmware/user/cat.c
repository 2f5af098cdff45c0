/*
 * cat: copies files to standard output; without arguments, copies the
 * lines typed on the console until Ctrl-D.
 */
#include "libc.h"

#define CHUNK 512    /* bytes read at a time */

static int copy(const char *name) {
  int fd = open(name, O_RDONLY);
  if (fd < 0) {
    dprintf(STDERR, "cat: %s: %s\n", name, strerror(fd));
    return 1;
  }
  char buf[CHUNK];
  int n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) write(STDOUT, buf, n);
  close(fd);
  if (n < 0) {
    dprintf(STDERR, "cat: %s: %s\n", name, strerror(n));
    return 1;
  }
  return 0;
}

static void copy_console(void) {
  char line[256];
  while (getline(STDIN, line, sizeof(line)) >= 0) printf("%s\n", line);
}

int main(int argc, char **argv) {
  if (argc == 1) {
    copy_console();
    return 0;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) status |= copy(argv[i]);
  return status;
}

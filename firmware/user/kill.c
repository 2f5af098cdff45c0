/* kill: ends the processes named by their ids. */
#include "libc.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    dprintf(STDERR, "usage: kill PID...\n");
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    long pid;
    if (parse_int(argv[i], &pid) < 0 || pid <= 0) {
      dprintf(STDERR, "kill: %s: not a process id\n", argv[i]);
      status = 1;
      continue;
    }
    int result = kill((int)pid);
    if (result < 0) {
      dprintf(STDERR, "kill: %ld: %s\n", pid, strerror(result));
      status = 1;
    }
  }
  return status;
}

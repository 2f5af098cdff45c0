/*
 * uname: names the system. Flags as in Unix: -s kernel name (the default),
 * -n node name, -r release, -v version (here: how the kernel was built),
 * -m machine, -a all of them.
 */
#include "libc.h"

#define NODE_NAME "hyperlab"

int main(int argc, char **argv) {
  struct sysinfo info;
  int result = sysinfo(&info);
  if (result < 0) {
    dprintf(STDERR, "uname: %s\n", strerror(result));
    return 1;
  }
  const char *fields[] = {info.sysname, NODE_NAME, info.release, info.variant, info.machine};
  const char *letters = "snrvm";
  int wanted = 0;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] != '-' || argv[i][1] == 0) goto usage;
    for (const char *flag = argv[i] + 1; *flag; flag++) {
      if (*flag == 'a') {
        wanted = 0x1f;
        continue;
      }
      const char *at = strchr(letters, *flag);
      if (!at) goto usage;
      wanted |= 1 << (at - letters);
    }
  }
  if (wanted == 0) wanted = 1;
  char line[200];
  int len = 0;
  for (int i = 0; i < 5; i++) {
    if (wanted & (1 << i)) len += snprintf(line + len, sizeof(line) - len, "%s%s", len ? " " : "", fields[i]);
  }
  printf("%s\n", line);
  return 0;
usage:
  dprintf(STDERR, "usage: uname [-asnrvm]\n");
  return 2;
}

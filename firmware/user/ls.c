/* ls: lists the files of the initramfs (the only file system), with their sizes. */
#include "libc.h"

int main(int argc, char **argv) {
  (void)argv;
  if (argc > 1) {
    dprintf(STDERR, "usage: ls (the initramfs is one flat directory)\n");
    return 2;
  }
  struct dirent entry;
  unsigned total = 0;
  int count = 0;
  for (; readdir(count, &entry) == 0; count++) {
    printf("%-16s %8u\n", entry.name, entry.size);
    total += entry.size;
  }
  printf("%d files, %u bytes\n", count, total);
  return 0;
}

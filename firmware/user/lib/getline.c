/*
 * getline.c: reads a line. The console is raw (include/abi.h): it neither
 * echoes nor edits, and Enter arrives as '\r'. So on standard input this
 * echoes what is typed and handles backspace itself; from a file it just
 * reads up to the newline. (The shell has a full line editor of its own.)
 */
#include "libc.h"

#define KEY_BACKSPACE 0x08
#define KEY_DELETE    0x7f
#define KEY_CTRL_D    0x04

int getline(int fd, char *buf, int size) {
  int console = fd == STDIN;
  int len = 0;
  for (;;) {
    char c;
    if (read(fd, &c, 1) != 1) break;
    if (console && (c == KEY_BACKSPACE || c == KEY_DELETE)) {
      if (len > 0) {
        len--;
        write(STDOUT, "\b \b", 3);
      }
      continue;
    }
    if (console && c == KEY_CTRL_D && len == 0) return -1;
    if (c == '\r' || c == '\n') {
      if (console) write(STDOUT, "\n", 1);
      buf[len] = 0;
      return len;
    }
    if (console && !isprint((unsigned char)c)) continue;
    if (len < size - 1) {
      buf[len++] = c;
      if (console) write(STDOUT, &c, 1);
    }
  }
  buf[len] = 0;
  return len > 0 ? len : -1;
}

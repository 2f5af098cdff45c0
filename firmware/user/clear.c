/* clear: clears the terminal (ANSI: cursor home, erase the screen). */
#include "libc.h"

int main(void) {
  printf("\033[H\033[2J");
  return 0;
}

/*
 * start.S: where every hart of the hello program begins; hart 0 clears
 * .bss, then all call hello_main(hartid, dtb).
 */
#define START_MAIN  hello_main
#define STACK_SHIFT 12          /* 4 KiB stack per hart */
#include "start-harts.h"

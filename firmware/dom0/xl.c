/*
 * xl.c: domain 0's `xl` (xl(1)): the toolstack library's commands
 * (firmware/toolstack/xl.c) run from the shell, on /dev/privcmd.
 */
#include "libc.h"
#include "xl.h"

int main(int argc, char **argv)
{
    return xl_main(argc, argv);
}

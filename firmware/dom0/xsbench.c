/*
 * xsbench.c: what a xenstore read and a write cost, for `npm run bench:hv`
 * (src/cli/bench-hv.ts, section 7): XSBENCH_ROUNDS reads of a node, then
 * as many writes of one, each a whole request and reply through
 * /dev/xenbus and xenstored. The lines between the phases mark where the
 * benchmark counts the machine's instructions.
 */
#include "libc.h"
#include "xs.h"

#define XSBENCH_ROUNDS 200

int main(void)
{
    int error;
    char value[64];
    struct xs_handle *h = xs_open(&error);
    if (h == 0) {
        dprintf(STDERR, "xsbench: xenstore: %s\n", strerror(error));
        return 1;
    }
    int failed = xs_write(h, XBT_NULL, "/local/domain/0/data/bench", "0", 1) < 0;
    printf("xsbench: reads begin\n");
    for (int i = 0; i < XSBENCH_ROUNDS && !failed; i++)
        failed = xs_read(h, XBT_NULL, "/local/domain/0/name", value, sizeof value) < 0;
    printf("xsbench: reads end\n");
    printf("xsbench: writes begin\n");
    for (int i = 0; i < XSBENCH_ROUNDS && !failed; i++)
        failed = xs_write(h, XBT_NULL, "/local/domain/0/data/bench", "1", 1) < 0;
    printf("xsbench: writes end\n");
    xs_rm(h, XBT_NULL, "/local/domain/0/data");
    printf("xsbench: %d reads and %d writes%s\n", XSBENCH_ROUNDS, XSBENCH_ROUNDS, failed ? ": FAILED" : "");
    xs_close(h);
    return failed;
}

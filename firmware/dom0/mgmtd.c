/*
 * mgmtd.c: domain 0's management daemon. It answers the management
 * protocol (firmware/toolstack/mgmt.h: one JSON object per line each way)
 * on /dev/mgmt, the management port the hypervisor passed through to
 * domain 0, for the page and any other client. Like XAPI or libvirt it
 * drives the toolstack library xl uses (its domains are made, watched and
 * ended as xl's), so that the page and xl never disagree.
 *
 * /etc/rc starts it: it opens the port, says "mgmt: ready" on it, and
 * goes on in a child of its own while the command returns. Where the
 * hypervisor gave no port (QEMU's board has UART0 only) it has nothing
 * to serve and ends at once, quietly. Every line
 * that arrives is a request (a line that is not JSON gets an error reply);
 * between them, every POLL_MS, a subscriber gets what changed.
 */
#include "libc.h"
#include "mgmt.h"
#include "xl.h"

#define MGMT_DEVICE "/dev/mgmt"
#define POLL_MS     100

static int port = -1;

void mgmt_write(const char *text, uint32_t n)
{
    while (n > 0) {
        int written = write(port, text, (int)n);
        if (written <= 0)
            return;                     /* the port cannot fail: nothing better to do */
        text += written;
        n -= (uint32_t)written;
    }
}

static void serve(void)
{
    static struct mgmt_lines reader;
    char chunk[256];
    uint32_t next_poll = uptime() + POLL_MS;
    mgmt_write("mgmt: ready\n", 12);
    for (;;) {
        int n = read(port, chunk, sizeof chunk);   /* at most POLL_MS of waiting (mgmtport.c) */
        for (int i = 0; i < n; i++) {
            uint32_t length;
            const char *line = mgmt_line(&reader, chunk[i], &length);
            if (line)
                mgmt_handle_line(line, length);
        }
        if (n < 0 && n != -EINTR) {
            dprintf(STDERR, "mgmtd: %s: %s: stopping\n", MGMT_DEVICE, strerror(n));
            exit(1);
        }
        if (uptime() >= next_poll) {
            mgmt_poll();
            next_poll = uptime() + POLL_MS;
        }
    }
}

int main(void)
{
    port = open(MGMT_DEVICE, O_RDWR);
    if (port == -ENODEV)
        return 0;
    if (port < 0) {
        dprintf(STDERR, "mgmtd: %s: %s\n", MGMT_DEVICE, strerror(port));
        return 1;
    }
    int pid = fork();
    if (pid < 0) {
        dprintf(STDERR, "mgmtd: fork: %s\n", strerror(pid));
        return 1;
    }
    if (pid == 0)
        serve();
    return 0;
}

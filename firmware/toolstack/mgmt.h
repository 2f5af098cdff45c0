/*
 * mgmt.h: the management protocol, what domain 0's management daemon
 * answers on the management port (UART7) for the page and any other
 * client (src/runtime/management.ts is the typed one). Like XAPI or
 * libvirt, it drives the same toolstack library xl does (xl.h, xc.h), so
 * the page and xl never disagree.
 *
 * One JSON object per line each way, version 1:
 *
 *   request  {"v":1,"id":7,"op":"pause","domain":2}
 *   reply    {"v":1,"id":7,"ok":true,"result":{...}}
 *            {"v":1,"id":7,"ok":false,"error":{"code":"ESRCH","message":"..."}}
 *   event    {"v":1,"event":"domains","domains":[...]}     (after "subscribe")
 *
 * Operations: hello, host, list, create {"config": xl.cfg text},
 * destroy, shutdown, reboot, pause, unpause {"domain": id or name},
 * mem-max {"domain","kib"}, sched-credit {"domain", "weight"?, "cap"?},
 * subscribe, unsubscribe; mem-set and vcpu-set answer ENOSYS until the
 * guests have the pv drivers they need. A domain in "list" carries xl
 * list's facts and the hypervisor's counts: each vCPU's pCPU, state,
 * time and affinity, exits by cause, SBI calls by extension, hypercalls
 * by name, event notifications, device accesses.
 *
 * A request that is not a JSON object, has another "v", no "op" or an
 * unknown one, or a bad argument gets an error reply naming what is wrong
 * ("id" is null if it could not be read); nothing a client sends stops the
 * daemon.
 */
#ifndef HYPERLAB_MGMT_H
#define HYPERLAB_MGMT_H

#include <stdint.h>

#define MGMT_PROTOCOL   1
#define MGMT_LINE_MAX   2048            /* bytes of one request */

/* Given by the place that links it: sends n bytes to the client. */
void mgmt_write(const char *text, uint32_t n);

/* Answers one request line (without its newline). */
void mgmt_handle_line(const char *line, uint32_t length);

/* Called now and then (every 100 ms or so): pushes a "domains" event to a subscriber if anything changed. */
void mgmt_poll(void);

/* A line being read from the port, a byte at a time (mgmt_line). */
struct mgmt_lines {
    char line[MGMT_LINE_MAX + 1];
    uint32_t length;
    int too_long;
};

/*
 * Adds byte c to the line being read. Once a line ends ('\n'), returns it
 * NUL-ended, its length in *length, which is MGMT_LINE_MAX + 1 if it was
 * longer (what fitted is kept: mgmt_handle_line answers it as too long);
 * else 0. '\r' and empty lines are skipped.
 */
const char *mgmt_line(struct mgmt_lines *lines, char c, uint32_t *length);

#endif

/*
 * xenbus.h: how programs in domain 0 reach its xenstore daemon.
 *
 * Clients (xl, mgmtd, the xenstore-* tools) open /dev/xenbus, as Linux's
 * /dev/xen/xenbus: each open file is a connection of domain 0's, and
 * carries xenstore messages (toolstack/xs_wire.h) as a byte stream both
 * ways: write requests, read replies and watch events. A read waits for
 * bytes; a write waits for room. Opening it gives -ENOTCONN while no
 * xenstored is running, and a connection whose daemon went away reads 0.
 *
 * xenstored opens /dev/xenbus_backend (one at a time): HyperLab has no
 * sockets, so the kernel carries its local connections, each by an id.
 * IOCTL_XENBUS_BACKEND_EVTCHN gives the port of domain 0 on which the
 * kernel raises an event whenever a connection has bytes for it, has gone,
 * or read some of what was waiting: the daemon binds to it
 * (IOCTL_EVTCHN_BIND_INTERDOMAIN with domain 0) and so waits on one
 * /dev/evtchn for its local clients and its domains' rings alike.
 *
 *   read(fd, buf, n)   one record (struct xenbus_backend_record, then its
 *                      `length` bytes): a connection's bytes, or that it
 *                      closed; 0 when nothing waits
 *   write(fd, buf, n)  a record of bytes for connection `conn`: how many
 *                      of them were taken (the header's 12 included); what
 *                      was not, the daemon offers again after the next event
 */
#ifndef HYPERLAB_XENBUS_H
#define HYPERLAB_XENBUS_H

#include <stdint.h>

#define XENBUS_DEVICE           "/dev/xenbus"
#define XENBUS_BACKEND_DEVICE   "/dev/xenbus_backend"

#define XENBUS_BACKEND_DATA     0   /* `length` bytes of the connection's (either way) */
#define XENBUS_BACKEND_CLOSED   1   /* the connection has gone (read only; length 0) */

struct xenbus_backend_record {
    uint32_t conn;                  /* the connection's id */
    uint32_t kind;                  /* XENBUS_BACKEND_* */
    uint32_t length;                /* bytes after the header */
};

/* _IOC(_IOC_NONE, 'B', 0, 0), Linux's IOCTL_XENBUS_BACKEND_EVTCHN. */
#define IOCTL_XENBUS_BACKEND_EVTCHN ((uint32_t)'B' << 8 | 0)

#endif

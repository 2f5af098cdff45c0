/*
 * evtchn.h: /dev/evtchn, event channels for programs in domain 0, in the
 * shapes of Linux's /dev/xen/evtchn (include/uapi/xen/evtchn.h): xl's
 * watchers wait on it for VIRQ_DOM_EXC, and the daemons to come
 * (xenstored, xenconsoled) for their rings' notifications.
 *
 *   fd = open("/dev/evtchn", O_RDWR);
 *   port = ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &bind)   -> a local port, or a negative errno
 *   read(fd, ports, n)     waits for events: each a uint32_t local port (n: a multiple of 4)
 *   write(fd, ports, n)    unmasks those ports: each port is masked when it is read
 *
 * A port belongs to the open file that bound it; closing the file closes
 * its ports. A VIRQ is the kernel's to bind (the hypervisor takes each one
 * once): every open file that binds it gets the same port, and each of them
 * reads each event. An event that finds a file's buffer full is dropped
 * for that file; its next read says -EOVERFLOW once, and the file should
 * look at everything it waits for again (Linux's driver does the same).
 */
#ifndef HYPERLAB_EVTCHN_H
#define HYPERLAB_EVTCHN_H

#include <stdint.h>

#define EVTCHN_DEVICE "/dev/evtchn"

/* _IOC(_IOC_NONE, 'E', nr, size), as Linux numbers them. */
#define EVTCHN_IOC(nr, size) ((uint32_t)(size) << 16 | (uint32_t)'E' << 8 | (nr))

/* A port for VIRQ virq (VIRQ_DOM_EXC, VIRQ_CONSOLE: domain 0's), on vCPU 0. */
struct ioctl_evtchn_bind_virq {
    uint32_t virq;
};
#define IOCTL_EVTCHN_BIND_VIRQ          EVTCHN_IOC(0, sizeof(struct ioctl_evtchn_bind_virq))

/* A port connected to remote_port of remote_domain (which that domain offered us). */
struct ioctl_evtchn_bind_interdomain {
    uint32_t remote_domain, remote_port;
};
#define IOCTL_EVTCHN_BIND_INTERDOMAIN   EVTCHN_IOC(1, sizeof(struct ioctl_evtchn_bind_interdomain))

/* A new port that remote_domain may bind to. */
struct ioctl_evtchn_bind_unbound_port {
    uint32_t remote_domain;
};
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT  EVTCHN_IOC(2, sizeof(struct ioctl_evtchn_bind_unbound_port))

/* Closes one of this file's ports. */
struct ioctl_evtchn_unbind {
    uint32_t port;
};
#define IOCTL_EVTCHN_UNBIND             EVTCHN_IOC(3, sizeof(struct ioctl_evtchn_unbind))

/* Sends an event on one of this file's ports. */
struct ioctl_evtchn_notify {
    uint32_t port;
};
#define IOCTL_EVTCHN_NOTIFY             EVTCHN_IOC(4, sizeof(struct ioctl_evtchn_notify))

/* Closes all of this file's ports. */
#define IOCTL_EVTCHN_RESET              EVTCHN_IOC(5, 0)

#endif

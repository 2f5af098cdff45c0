/*
 * xs_wire.h: the xenstore wire protocol, with Xen's public numbers and
 * layouts (xen/include/public/io/xs_wire.h, docs/misc/xenstore.txt,
 * docs/misc/xenstore-ring.txt), shared by the xenstore library, domain 0's
 * xenstored and the guests that speak to it.
 *
 * A message either way is a struct xsd_sockmsg followed by `len` bytes of
 * payload (at most XENSTORE_PAYLOAD_MAX). A reply carries the request's
 * type, req_id and tx_id; a failure is an XS_ERROR whose payload is an
 * errno's name ("ENOENT") and a NUL. Strings in payloads end with a NUL,
 * except a value (READ's reply, WRITE's second part).
 */
#ifndef HYPERLAB_XS_WIRE_H
#define HYPERLAB_XS_WIRE_H

#include <stdint.h>

/* Message types (Xen's numbers). */
enum xsd_sockmsg_type {
    XS_CONTROL              = 0,    /* formerly XS_DEBUG */
    XS_DIRECTORY            = 1,
    XS_READ                 = 2,
    XS_GET_PERMS            = 3,
    XS_WATCH                = 4,
    XS_UNWATCH              = 5,
    XS_TRANSACTION_START    = 6,
    XS_TRANSACTION_END      = 7,
    XS_INTRODUCE            = 8,
    XS_RELEASE              = 9,
    XS_GET_DOMAIN_PATH      = 10,
    XS_WRITE                = 11,
    XS_MKDIR                = 12,
    XS_RM                   = 13,
    XS_SET_PERMS            = 14,
    XS_WATCH_EVENT          = 15,
    XS_ERROR                = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME               = 18,
    XS_SET_TARGET           = 19,
    XS_RESET_WATCHES        = 21,
    XS_DIRECTORY_PART       = 22,
    XS_INVALID              = 0xffff,   /* never a valid type */
};

struct xsd_sockmsg {
    uint32_t type;      /* an XS_* */
    uint32_t req_id;    /* chosen by the client, echoed in the reply */
    uint32_t tx_id;     /* the transaction, or 0 */
    uint32_t len;       /* payload bytes that follow */
};

/* A watch event's payload: the path that changed, NUL, the watch's token, NUL. */
enum xs_watch_type {
    XS_WATCH_PATH  = 0,
    XS_WATCH_TOKEN = 1,
};

#define XENSTORE_PAYLOAD_MAX    4096    /* payload bytes of one message, either way */
#define XENSTORE_ABS_PATH_MAX   3072    /* bytes of an absolute path */
#define XENSTORE_REL_PATH_MAX   2048    /* bytes of a path relative to /local/domain/<domid> */

/*
 * The ring page a domain shares with xenstored: two byte queues with
 * free-running indices (the byte at index i lives at MASK_XENSTORE_IDX(i)).
 */
#define XENSTORE_RING_SIZE 1024
typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx) ((idx) & (XENSTORE_RING_SIZE - 1))

struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];       /* requests, domain to xenstored */
    char rsp[XENSTORE_RING_SIZE];       /* replies and watch events, xenstored to domain */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;           /* XENSTORE_SERVER_FEATURE_*, set by xenstored only */
    uint32_t connection;                /* XENSTORE_CONNECTED / XENSTORE_RECONNECT */
    uint32_t error;                     /* XENSTORE_ERROR_*, why xenstored stopped serving the ring */
    uint32_t evtchn_port;               /* the ring's event channel in the domain */
};

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1  /* the domain may ask for a reset (connection = 1) */
#define XENSTORE_SERVER_FEATURE_ERROR        2  /* `error` tells why the server stopped */

#define XENSTORE_CONNECTED  0
#define XENSTORE_RECONNECT  1

#define XENSTORE_ERROR_NONE    0
#define XENSTORE_ERROR_COMM    1   /* the event channel does not work */
#define XENSTORE_ERROR_RINGIDX 2   /* producer and consumer further apart than the ring */
#define XENSTORE_ERROR_PROTO   3   /* a message longer than XENSTORE_PAYLOAD_MAX */

/* Whole-store watches on domains coming and going (fired by INTRODUCE and RELEASE). */
#define XS_INTRODUCE_DOMAIN_PATH "@introduceDomain"
#define XS_RELEASE_DOMAIN_PATH   "@releaseDomain"

#endif

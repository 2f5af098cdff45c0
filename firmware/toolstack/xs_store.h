/*
 * xs_store.h: the store of domain 0's xenstore daemon (dom0/xenstored.c),
 * apart from how its messages travel. The daemon hands it each request
 * a connection makes (xs_handle); the store answers through xs_send, and
 * fires watches through it too. Connections are the daemon's: the store
 * knows of each only the domain it speaks for.
 *
 * The tree, its permissions, watches and transactions follow Xen's
 * xenstored (docs/misc/xenstore.txt): paths under "/", a node with a
 * value and children, a permission list per node (the first entry: the
 * owner, and what every other domain may do; the rest: what a named
 * domain may do), domain 0 allowed everything. A relative path is under
 * the connection's /local/domain/<domid>. Quotas keep a DomU from
 * filling domain 0's memory.
 */
#ifndef HYPERLAB_XS_STORE_H
#define HYPERLAB_XS_STORE_H

#include <stdint.h>
#include "xs_wire.h"

#define XS_STORE_NODES_PER_DOMAIN 256   /* nodes a DomU may own (Xen's quota-nb-entry-per-domain is 1000) */
#define XS_STORE_WATCHES_PER_CONN 32    /* watches one connection may hold */
#define XS_STORE_TRANSACTIONS_PER_CONN 4

struct xs_client {
    uint16_t domid;             /* the domain the connection speaks for (0: domain 0, privileged) */
    void *transport;            /* the daemon's */
    /* the store's: this connection's watches and open transactions */
    void *watches;
    void *transactions;
};

/* Makes the empty store: "/", "/local", "/local/domain", "/tool", all domain 0's. 0, or -ENOMEM. */
int xs_store_init(void);

/* One request of client c (msg and its msg->len bytes of body). Every request gets exactly one reply. */
void xs_handle(struct xs_client *c, const struct xsd_sockmsg *msg, const char *body);

/* c has gone: its watches and transactions with it. */
void xs_client_gone(struct xs_client *c);

/* Fires the watches on `special` (@introduceDomain, @releaseDomain). */
void xs_fire_special(const char *special);

/* ---- provided by the daemon ---- */

/* A message to client c: a reply (type, req_id, tx_id of its request) or a watch event (XS_WATCH_EVENT, 0, 0). */
void xs_send(struct xs_client *c, uint32_t type, uint32_t req_id, uint32_t tx_id, const void *body, uint32_t len);

/* XS_INTRODUCE from domain 0: connect to domid's ring at guest frame gfn, its event channel port. 0 or a positive errno. */
int xs_introduce(uint16_t domid, uint32_t gfn, uint32_t port);

/* XS_RELEASE from domain 0: drop domid's connection. 0 or a positive errno (ENOENT: none). */
int xs_release(uint16_t domid);

/* XS_IS_DOMAIN_INTRODUCED: whether domid has a connection. */
int xs_is_introduced(uint16_t domid);

#endif

/*
 * xs.h: the xenstore client of domain 0's programs (xl, mgmtd, the
 * xenstore-* tools), in the shape of Xen's libxenstore (xenstore.h) but
 * with the caller's buffers instead of malloc'd answers. It speaks the
 * wire protocol of xs_wire.h to xenstored through /dev/xenbus
 * (include/xenbus.h), one request at a time.
 *
 * Every call returns 0 (or a length, or a count) or a negative errno:
 * the errno xenstored named (-EACCES, -ENOENT, ...), or the transport's
 * (-ENOTCONN: no xenstored). Watch events that come while a call waits
 * for its reply are kept (XS_WATCH_QUEUE of them) for xs_read_watch.
 */
#ifndef HYPERLAB_XS_H
#define HYPERLAB_XS_H

#include <stdint.h>
#include "xs_wire.h"

typedef uint32_t xs_transaction_t;
#define XBT_NULL 0u

/* Xen's struct xs_permissions: what domain `id` may do (the first entry: the owner, and everyone else). */
enum xs_perm_type { XS_PERM_NONE = 0, XS_PERM_READ = 1, XS_PERM_WRITE = 2, XS_PERM_BOTH = 3 };
struct xs_permissions {
    uint32_t id;
    enum xs_perm_type perms;
};

#define XS_WATCH_QUEUE 8

struct xs_handle;

/* A connection to xenstored, or 0 (*error: the negative errno; -ENOTCONN when none runs). */
struct xs_handle *xs_open(int *error);
void xs_close(struct xs_handle *h);

/* The value at path, NUL-terminated in value (size bytes): its length, or -E2BIG if it does not fit. */
int xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, char *value, uint32_t size);
int xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data, uint32_t length);
int xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path);
int xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path);
/* The children's names, each NUL-terminated, one after another in names: how many. */
int xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, char *names, uint32_t size);
/* The node's permissions into perms (up to max): how many. */
int xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path, struct xs_permissions *perms,
                       uint32_t max);
int xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                       const struct xs_permissions *perms, uint32_t count);
int xs_transaction_start(struct xs_handle *h, xs_transaction_t *t);
/* Commits (abort == 0) or abandons it: -EAGAIN if another change came first (start again). */
int xs_transaction_end(struct xs_handle *h, xs_transaction_t t, int abort);
int xs_watch(struct xs_handle *h, const char *path, const char *token);
int xs_unwatch(struct xs_handle *h, const char *path, const char *token);
/* Waits for the next watch event: the path that changed and the watch's token. */
int xs_read_watch(struct xs_handle *h, char *path, uint32_t path_size, char *token, uint32_t token_size);
/* Domain 0's: hands xenstored domain domid's ring (its guest frame gfn, its event channel port), or takes it back. */
int xs_introduce_domain(struct xs_handle *h, uint32_t domid, uint32_t gfn, uint32_t port);
int xs_release_domain(struct xs_handle *h, uint32_t domid);

/* A permission as the tools print it ("r3"), and back: 0, or -EINVAL. */
void xs_perm_to_string(const struct xs_permissions *perm, char out[12]);
int xs_perm_from_string(const char *text, struct xs_permissions *perm);

/* The errno an XS_ERROR names ("EACCES" -> EACCES), positive; EINVAL for a name it does not know. */
int xs_errno_of(const char *name);

#endif

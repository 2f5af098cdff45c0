/*
 * xs.c: the xenstore client (xs.h) over /dev/xenbus.
 *
 * A call writes its request (the header and payload in one write) and
 * reads messages until the reply with its req_id; watch events read on
 * the way are queued for xs_read_watch, the oldest dropped when more
 * than XS_WATCH_QUEUE wait (a watcher looks at what it watches anyway).
 */
#include "libc.h"
#include "xenbus.h"
#include "xs.h"

struct event {
    char path[XENSTORE_ABS_PATH_MAX / 8];
    char token[64];
};

struct xs_handle {
    int fd;
    uint32_t next_id;
    struct xsd_sockmsg header;
    char body[XENSTORE_PAYLOAD_MAX + 1];    /* the last message's payload, NUL after it */
    struct event events[XS_WATCH_QUEUE];
    uint32_t events_read, events_written;
};

static const struct { const char *name; int number; } errnos[] = {
    { "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST }, { "EISDIR", EISDIR },
    { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM }, { "ENOSPC", ENOSPC }, { "EIO", EIO },
    { "ENOTEMPTY", ENOTEMPTY }, { "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
    { "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG }, { "EPERM", EPERM },
};

int xs_errno_of(const char *name)
{
    for (uint32_t i = 0; i < ARRAY_SIZE(errnos); i++)
        if (strcmp(name, errnos[i].name) == 0)
            return errnos[i].number;
    return EINVAL;
}

struct xs_handle *xs_open(int *error)
{
    int fd = open(XENBUS_DEVICE, O_RDWR);
    if (fd < 0) {
        *error = fd;
        return 0;
    }
    struct xs_handle *h = malloc(sizeof *h);
    if (h == 0) {
        close(fd);
        *error = -ENOMEM;
        return 0;
    }
    memset(h, 0, sizeof *h);
    h->fd = fd;
    h->next_id = 1;
    return h;
}

void xs_close(struct xs_handle *h)
{
    if (h) {
        close(h->fd);
        free(h);
    }
}

/* Exactly n bytes from the connection: 0, or a negative errno (-ENOTCONN if xenstored went away). */
static int read_all(struct xs_handle *h, void *to, uint32_t n)
{
    uint8_t *at = to;
    while (n) {
        int got = read(h->fd, at, (int)n);
        if (got == 0)
            return -ENOTCONN;
        if (got < 0)
            return got;
        at += got;
        n -= (uint32_t)got;
    }
    return 0;
}

/* The next message into h->header and h->body: 0, or a negative errno. */
static int receive(struct xs_handle *h)
{
    int error = read_all(h, &h->header, sizeof h->header);
    if (error)
        return error;
    if (h->header.len > XENSTORE_PAYLOAD_MAX)
        return -EIO;                    /* not xenstored's: give the connection up */
    error = read_all(h, h->body, h->header.len);
    h->body[h->header.len] = 0;
    return error;
}

static void keep_event(struct xs_handle *h)
{
    const char *path = h->body;
    uint32_t path_length = (uint32_t)strlen(path);
    const char *token = path_length + 1 < h->header.len ? path + path_length + 1 : "";
    if (h->events_written - h->events_read == XS_WATCH_QUEUE)
        h->events_read++;
    struct event *e = &h->events[h->events_written++ % XS_WATCH_QUEUE];
    strlcpy(e->path, path, sizeof e->path);
    strlcpy(e->token, token, sizeof e->token);
}

/*
 * Sends request `type` with the `count` parts (each with its NUL if
 * `terminated`, the last one as it is) and waits for its reply, left in
 * h->body: the reply's payload length, or a negative errno.
 */
static int request(struct xs_handle *h, uint32_t type, xs_transaction_t t, const char *const *parts, uint32_t count,
                   const void *last, uint32_t last_length)
{
    static char message[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg *header = (struct xsd_sockmsg *)message;
    uint32_t length = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t n = (uint32_t)strlen(parts[i]) + 1;
        if (length + n > XENSTORE_PAYLOAD_MAX)
            return -E2BIG;
        memcpy(message + sizeof *header + length, parts[i], n);
        length += n;
    }
    if (length + last_length > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    if (last_length)
        memcpy(message + sizeof *header + length, last, last_length);
    length += last_length;
    header->type = type;
    header->req_id = h->next_id++;
    header->tx_id = t;
    header->len = length;
    int written = write(h->fd, message, (int)(sizeof *header + length));
    if (written < 0)
        return written;
    if (written != (int)(sizeof *header + length))
        return -EIO;
    for (;;) {
        int error = receive(h);
        if (error)
            return error;
        if (h->header.type == XS_WATCH_EVENT) {
            keep_event(h);
            continue;
        }
        if (h->header.req_id != header->req_id)
            continue;                   /* a reply to a call that gave up: not ours */
        if (h->header.type == XS_ERROR)
            return -xs_errno_of(h->body);
        return (int)h->header.len;
    }
}

/* A request whose parts are strings only. */
static int simple(struct xs_handle *h, uint32_t type, xs_transaction_t t, const char *first, const char *second)
{
    const char *parts[2] = { first, second };
    return request(h, type, t, parts, second ? 2 : 1, 0, 0);
}

int xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, char *value, uint32_t size)
{
    int length = simple(h, XS_READ, t, path, 0);
    if (length < 0)
        return length;
    if ((uint32_t)length + 1 > size)
        return -E2BIG;
    memcpy(value, h->body, (uint32_t)length);
    value[length] = 0;
    return length;
}

int xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data, uint32_t length)
{
    const char *parts[1] = { path };
    int result = request(h, XS_WRITE, t, parts, 1, data, length);
    return result < 0 ? result : 0;
}

int xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    int result = simple(h, XS_MKDIR, t, path, 0);
    return result < 0 ? result : 0;
}

int xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    int result = simple(h, XS_RM, t, path, 0);
    return result < 0 ? result : 0;
}

int xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, char *names, uint32_t size)
{
    int length = simple(h, XS_DIRECTORY, t, path, 0);
    if (length < 0)
        return length;
    if ((uint32_t)length > size)
        return -E2BIG;
    memcpy(names, h->body, (uint32_t)length);
    int count = 0;
    for (int i = 0; i < length; i++)
        count += names[i] == 0;
    return count;
}

void xs_perm_to_string(const struct xs_permissions *perm, char out[12])
{
    static const char letters[] = "nrwb";
    snprintf(out, 12, "%c%u", letters[perm->perms & 3], (unsigned)perm->id);
}

int xs_perm_from_string(const char *text, struct xs_permissions *perm)
{
    const char *letters = "nrwb", *at = strchr(letters, text[0]);
    if (text[0] == 0 || at == 0 || text[1] < '0' || text[1] > '9')
        return -EINVAL;
    uint32_t id = 0;
    for (const char *c = text + 1; *c; c++) {
        if (*c < '0' || *c > '9' || id > 0xffff)
            return -EINVAL;
        id = id * 10 + (uint32_t)(*c - '0');
    }
    if (id > 0xffff)
        return -EINVAL;
    perm->id = id;
    perm->perms = (enum xs_perm_type)(at - letters);
    return 0;
}

int xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path, struct xs_permissions *perms,
                       uint32_t max)
{
    int length = simple(h, XS_GET_PERMS, t, path, 0);
    if (length < 0)
        return length;
    uint32_t count = 0;
    for (const char *at = h->body; at < h->body + length && count < max; at += strlen(at) + 1)
        if (xs_perm_from_string(at, &perms[count]) == 0)
            count++;
    return (int)count;
}

int xs_set_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                       const struct xs_permissions *perms, uint32_t count)
{
    char text[16][12];
    const char *parts[17] = { path };
    if (count == 0 || count > 16)
        return -EINVAL;
    for (uint32_t i = 0; i < count; i++) {
        xs_perm_to_string(&perms[i], text[i]);
        parts[i + 1] = text[i];
    }
    int result = request(h, XS_SET_PERMS, t, parts, count + 1, 0, 0);
    return result < 0 ? result : 0;
}

int xs_transaction_start(struct xs_handle *h, xs_transaction_t *t)
{
    int length = simple(h, XS_TRANSACTION_START, XBT_NULL, "", 0);
    if (length < 0)
        return length;
    *t = (xs_transaction_t)atoi(h->body);
    return *t ? 0 : -EIO;
}

int xs_transaction_end(struct xs_handle *h, xs_transaction_t t, int abort)
{
    int result = simple(h, XS_TRANSACTION_END, t, abort ? "F" : "T", 0);
    return result < 0 ? result : 0;
}

int xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    int result = simple(h, XS_WATCH, XBT_NULL, path, token);
    return result < 0 ? result : 0;
}

int xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    int result = simple(h, XS_UNWATCH, XBT_NULL, path, token);
    return result < 0 ? result : 0;
}

int xs_read_watch(struct xs_handle *h, char *path, uint32_t path_size, char *token, uint32_t token_size)
{
    while (h->events_read == h->events_written) {
        int error = receive(h);
        if (error)
            return error;
        if (h->header.type == XS_WATCH_EVENT)
            keep_event(h);
    }
    struct event *e = &h->events[h->events_read++ % XS_WATCH_QUEUE];
    strlcpy(path, e->path, path_size);
    strlcpy(token, e->token, token_size);
    return 0;
}

int xs_introduce_domain(struct xs_handle *h, uint32_t domid, uint32_t gfn, uint32_t port)
{
    char id[12], frame[12], channel[12];
    snprintf(id, sizeof id, "%u", (unsigned)domid);
    snprintf(frame, sizeof frame, "%u", (unsigned)gfn);
    snprintf(channel, sizeof channel, "%u", (unsigned)port);
    const char *parts[3] = { id, frame, channel };
    int result = request(h, XS_INTRODUCE, XBT_NULL, parts, 3, 0, 0);
    return result < 0 ? result : 0;
}

int xs_release_domain(struct xs_handle *h, uint32_t domid)
{
    char id[12];
    snprintf(id, sizeof id, "%u", (unsigned)domid);
    int result = simple(h, XS_RELEASE, XBT_NULL, id, 0);
    return result < 0 ? result : 0;
}

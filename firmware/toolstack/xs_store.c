/*
 * xs_store.c: the store of domain 0's xenstore daemon: the tree of nodes,
 * their permissions, the watches on them and the transactions over them,
 * answering each request the daemon hands in (xs_handle) through xs_send.
 *
 * Semantics are Xen's C xenstored (docs/misc/xenstore.txt and
 * tools/xenstored): which errno a request gets, how a missing node is
 * hidden from a domain that may not see its parent, what a new node
 * inherits, which watch a change fires and who may hear it. Where this
 * store is simpler it says so at the place.
 *
 * The tree lives in malloc'd nodes, each with its own name, value and
 * permission list, and its children in the order they were made (Xen
 * lists them so). A transaction works on a whole copy of the tree; its
 * commit replaces the main tree if nothing changed that tree meanwhile,
 * else the client hears EAGAIN and retries. Walks over a subtree
 * (copy, removal) follow parent links instead of recursing: a path may
 * be 1500 levels deep and the daemon's stack is small.
 *
 * Single-threaded: the daemon calls in from one loop. xs_send must not
 * call back into the store (a watch list is being walked while it runs).
 */
#include "libc.h"
#include "hypercall.h"
#include "xs_store.h"

/* Xen's xsd_errors that the kernel's syscall.h has no use for (Linux numbers). */
#ifndef EACCES
#define EACCES 13
#endif
#ifndef EISDIR
#define EISDIR 21
#endif
#ifndef EROFS
#define EROFS 30
#endif
#ifndef ENOTEMPTY
#define ENOTEMPTY 39
#endif
#ifndef EISCONN
#define EISCONN 106
#endif

#define XS_STORE_NODES_TOTAL     4096   /* nodes in one tree, domain 0's too: the daemon's memory is finite */
#define XS_STORE_VALUE_MAX       2048   /* bytes of a DomU's value (Xen's quota-maxsize) */
#define XS_STORE_PERMS_PER_NODE  5      /* entries a DomU may give a node (Xen's quota-max-perms) */
#define XS_STORE_EVENTS_PER_TRANSACTION 1024    /* changed paths one transaction remembers for its watches */

/* What a permission entry grants; OWNER is never stored, only computed. */
#define PERM_NONE  0
#define PERM_READ  1
#define PERM_WRITE 2
#define PERM_OWNER 4

struct permission {
    uint16_t domid;             /* a domain, or DOMID_ANY: every domain */
    uint8_t access;             /* PERM_READ | PERM_WRITE */
};

/* Entry 0: the owner, and what unlisted domains may do. The rest: named domains. */
struct permissions {
    struct permission *entries;
    uint32_t count;             /* at least 1 */
};

struct node {
    struct node *parent;
    struct node *first_child, *last_child, *next_sibling;
    struct permissions permissions;
    char *value;
    uint32_t value_length, value_capacity;
    uint32_t generation;        /* changes whenever the node's value, permissions or children do */
    uint16_t name_length;
    char name[];                /* the last component; "" for the root */
};

struct owner {
    uint16_t domid;
    uint32_t nodes;             /* nodes whose entry 0 names domid */
};

/* The special watch paths, which have permissions but no place in the tree. */
enum special { SPECIAL_INTRODUCE, SPECIAL_RELEASE, SPECIAL_COUNT };
static const char *const special_paths[SPECIAL_COUNT] = {
    [SPECIAL_INTRODUCE] = XS_INTRODUCE_DOMAIN_PATH,
    [SPECIAL_RELEASE] = XS_RELEASE_DOMAIN_PATH,
};

/* A whole store: the main one, or a transaction's copy of it. */
struct tree {
    struct node *root;
    uint32_t nodes;
    uint32_t changes;           /* bumped by every change: a transaction's commit compares it */
    struct owner *owners;
    uint32_t owner_count, owner_capacity;
    struct permissions special[SPECIAL_COUNT];
};

struct watch {
    struct watch *next, *previous;      /* every connection's watches, for firing */
    struct watch *next_of_client;       /* this connection's, from client->watches */
    struct xs_client *client;
    uint16_t prefix_length;     /* bytes stripped from an event's path: the watch was relative */
    uint16_t path_length, token_length;
    char strings[];             /* the absolute path, NUL, the token, NUL */
};

enum match { MATCH_EXACT, MATCH_SUBTREE };

/* A change made in a transaction, fired when (and if) it commits. */
struct pending_event {
    struct pending_event *next;
    struct permissions permissions;     /* the node's before the change: a reader hears of its removal */
    uint8_t match;
    char path[];
};

struct transaction {
    struct transaction *next;   /* the connection's, from client->transactions */
    uint32_t id;
    uint32_t started_at;        /* the main tree's changes when it began */
    int error;                  /* nonzero: the commit fails with this (an event could not be kept) */
    struct tree tree;
    struct pending_event *events, *last_event;
    uint32_t event_count;
};

/* Which permissions decide whether a watcher may hear of a change (Xen's watch_permitted). */
struct event_permissions {
    const struct permissions *before;   /* a set_perms' old list, or NULL */
    const struct permissions *now;      /* the node's, or NULL if it is gone */
    const struct permissions *parent;   /* its parent's (the root's own for the root) */
};

/* One request being answered. */
struct request {
    struct xs_client *client;
    const struct xsd_sockmsg *message;
    char *body;                 /* the payload, copied, with a NUL after its last byte */
    uint32_t length;
    struct transaction *transaction;    /* NULL: the request acts on the main tree */
    struct tree *tree;
};

static struct tree main_tree;
static struct watch *first_watch, *last_watch;
static uint32_t generation_counter;     /* one sequence for every tree, so a commit keeps them unique */
static uint32_t next_transaction_id = 1;

/* One request at a time: its working buffers need not be on the small stack. */
static char request_copy[XENSTORE_PAYLOAD_MAX + 1];
static char canonical_path[XENSTORE_ABS_PATH_MAX + 1];
static char removed_path[XENSTORE_ABS_PATH_MAX + 1];
static char reply_buffer[XENSTORE_PAYLOAD_MAX];
static char event_buffer[XENSTORE_PAYLOAD_MAX];

static int is_privileged(uint16_t domid) {
    return domid == 0;
}

static uint32_t next_generation(void) {
    return ++generation_counter;
}

/* ---- numbers in payloads ---- */

/* Decimal digits only, at most max: 0 and *value, or -1. */
static int parse_decimal(const char *text, uint32_t max, uint32_t *value) {
    uint32_t number = 0;
    if (*text == 0) return -1;
    for (; *text; text++) {
        if (*text < '0' || *text > '9') return -1;
        uint32_t digit = (uint32_t)(*text - '0');
        if (number > (max - digit) / 10) return -1;
        number = number * 10 + digit;
    }
    *value = number;
    return 0;
}

static int parse_domid(const char *text, uint16_t *domid) {
    uint32_t value;
    if (parse_decimal(text, 65535, &value) < 0) return -1;
    *domid = (uint16_t)value;
    return 0;
}

/* ---- permissions ---- */

static int entry_names(const struct permission *entry, uint16_t domid) {
    return entry->domid == domid || entry->domid == DOMID_ANY;
}

/* What domid may do with a node of these permissions (Xen's perm_for_conn). */
static unsigned access_for(uint16_t domid, const struct permissions *permissions) {
    if (is_privileged(domid) || entry_names(&permissions->entries[0], domid))
        return PERM_READ | PERM_WRITE | PERM_OWNER;
    for (uint32_t i = 1; i < permissions->count; i++)
        if (entry_names(&permissions->entries[i], domid)) return permissions->entries[i].access;
    return permissions->entries[0].access;
}

static int may_read(uint16_t domid, const struct permissions *permissions) {
    return permissions && (access_for(domid, permissions) & PERM_READ);
}

static int permissions_copy(struct permissions *copy, const struct permissions *original) {
    size_t bytes = original->count * sizeof(struct permission);
    copy->entries = malloc(bytes);
    if (!copy->entries) return ENOMEM;
    memcpy(copy->entries, original->entries, bytes);
    copy->count = original->count;
    return 0;
}

static uint16_t owner_of(const struct node *node) {
    return node->permissions.entries[0].domid;
}

/* "r3" and the like into out (room for 8 bytes). Returns the length with the NUL. */
static int permission_format(const struct permission *entry, char *out) {
    static const char letters[] = { [PERM_NONE] = 'n', [PERM_READ] = 'r',
                                    [PERM_WRITE] = 'w', [PERM_READ | PERM_WRITE] = 'b' };
    out[0] = letters[entry->access & (PERM_READ | PERM_WRITE)];
    return snprintf(out + 1, 7, "%u", (unsigned)entry->domid) + 2;
}

static int permission_parse(const char *text, struct permission *entry) {
    switch (text[0]) {
    case 'n': entry->access = PERM_NONE; break;
    case 'r': entry->access = PERM_READ; break;
    case 'w': entry->access = PERM_WRITE; break;
    case 'b': entry->access = PERM_READ | PERM_WRITE; break;
    default: return -1;
    }
    return parse_domid(text + 1, &entry->domid);
}

/* ---- nodes ---- */

static struct node *node_new(const char *name, size_t name_length, const struct permissions *permissions) {
    struct node *node = calloc(1, sizeof(struct node) + name_length + 1);
    if (!node) return NULL;
    if (permissions_copy(&node->permissions, permissions)) {
        free(node);
        return NULL;
    }
    memcpy(node->name, name, name_length);
    node->name_length = (uint16_t)name_length;
    node->generation = next_generation();
    return node;
}

static void node_free(struct node *node) {
    free(node->permissions.entries);
    free(node->value);
    free(node);
}

static void append_child(struct node *parent, struct node *child) {
    child->parent = parent;
    child->next_sibling = NULL;
    if (parent->last_child) parent->last_child->next_sibling = child;
    else parent->first_child = child;
    parent->last_child = child;
}

static void unlink_child(struct node *child) {
    struct node *parent = child->parent, *before = NULL;
    for (struct node *n = parent->first_child; n != child; n = n->next_sibling) before = n;
    if (before) before->next_sibling = child->next_sibling;
    else parent->first_child = child->next_sibling;
    if (parent->last_child == child) parent->last_child = before;
    child->parent = NULL;
}

static struct node *find_child(const struct node *parent, const char *name, size_t length) {
    for (struct node *child = parent->first_child; child; child = child->next_sibling)
        if (child->name_length == length && memcmp(child->name, name, length) == 0) return child;
    return NULL;
}

/* Replaces the value; on ENOMEM the old one stays. */
static int node_set_value(struct node *node, const char *value, uint32_t length) {
    if (length > node->value_capacity) {
        char *room = malloc(length);
        if (!room) return ENOMEM;
        free(node->value);
        node->value = room;
        node->value_capacity = length;
    }
    if (length) memcpy(node->value, value, length);
    node->value_length = length;
    node->generation = next_generation();
    return 0;
}

/* The leftmost leaf under node: where a post-order walk begins. */
static struct node *deepest_first(struct node *node) {
    while (node->first_child) node = node->first_child;
    return node;
}

/* The node after node in a post-order walk of top's subtree (children before parents), or NULL. */
static struct node *post_order_next(struct node *node, const struct node *top) {
    if (node == top) return NULL;
    if (node->next_sibling) return deepest_first(node->next_sibling);
    return node->parent;
}

/* Frees top and everything under it; top must already be out of its parent's list. */
static void subtree_free(struct node *top) {
    struct node *node = deepest_first(top);
    while (node) {
        struct node *next = post_order_next(node, top);
        node_free(node);
        node = next;
    }
}

/* The absolute path of node, into out (XENSTORE_ABS_PATH_MAX + 1 bytes), or NULL if it would not fit. */
static const char *node_path(const struct node *node, char *out) {
    size_t length = 0;
    for (const struct node *n = node; n->parent; n = n->parent) length += n->name_length + 1u;
    if (length == 0) return strcpy(out, "/");
    if (length > XENSTORE_ABS_PATH_MAX) return NULL;
    out[length] = 0;
    for (const struct node *n = node; n->parent; n = n->parent) {
        length -= n->name_length;
        memcpy(out + length, n->name, n->name_length);
        out[--length] = '/';
    }
    return out;
}

/*
 * The node at an absolute, valid path. If it does not exist: NULL, the
 * deepest node that does in *ancestor, and in *rest the part of path
 * under it that is missing.
 */
static struct node *lookup(const struct tree *tree, const char *path, struct node **ancestor, const char **rest) {
    struct node *node = tree->root;
    const char *component = path + 1;
    while (*component) {
        const char *end = component;
        while (*end && *end != '/') end++;
        struct node *child = find_child(node, component, (size_t)(end - component));
        if (!child) {
            *ancestor = node;
            *rest = component;
            return NULL;
        }
        node = child;
        component = *end ? end + 1 : end;
    }
    return node;
}

/* ---- ownership counts, for the DomU quota ---- */

static struct owner *owner_find(const struct tree *tree, uint16_t domid) {
    for (uint32_t i = 0; i < tree->owner_count; i++)
        if (tree->owners[i].domid == domid) return &tree->owners[i];
    return NULL;
}

static uint32_t owned_nodes(const struct tree *tree, uint16_t domid) {
    struct owner *owner = owner_find(tree, domid);
    return owner ? owner->nodes : 0;
}

/* domid's count, made (at 0) if it has none: done before a change, so ENOMEM changes nothing. */
static struct owner *owner_reserve(struct tree *tree, uint16_t domid) {
    struct owner *owner = owner_find(tree, domid);
    if (owner) return owner;
    if (tree->owner_count == tree->owner_capacity) {
        uint32_t capacity = tree->owner_capacity ? tree->owner_capacity * 2 : 8;
        struct owner *grown = realloc(tree->owners, capacity * sizeof(struct owner));
        if (!grown) return NULL;
        tree->owners = grown;
        tree->owner_capacity = capacity;
    }
    owner = &tree->owners[tree->owner_count++];
    owner->domid = domid;
    owner->nodes = 0;
    return owner;
}

static void owner_release(struct tree *tree, uint16_t domid, uint32_t nodes) {
    struct owner *owner = owner_find(tree, domid);
    if (!owner) return;
    owner->nodes -= nodes < owner->nodes ? nodes : owner->nodes;
    if (owner->nodes == 0) *owner = tree->owners[--tree->owner_count];
}

/* ---- whole trees ---- */

static void tree_free(struct tree *tree) {
    if (tree->root) subtree_free(tree->root);
    free(tree->owners);
    for (int i = 0; i < SPECIAL_COUNT; i++) free(tree->special[i].entries);
    memset(tree, 0, sizeof(*tree));
}

/* A lone copy of one node (no family), its generation kept: DIRECTORY_PART's answer must not change. */
static struct node *node_clone(const struct node *original) {
    struct node *copy = node_new(original->name, original->name_length, &original->permissions);
    if (!copy) return NULL;
    copy->generation = original->generation;
    if (original->value_length == 0) return copy;
    copy->value = malloc(original->value_length);
    if (!copy->value) {
        node_free(copy);
        return NULL;
    }
    memcpy(copy->value, original->value, original->value_length);
    copy->value_length = copy->value_capacity = original->value_length;
    return copy;
}

/* Copies the nodes of from into to->root, walking in pre-order with both trees in step. */
static int nodes_copy(struct tree *to, const struct tree *from) {
    const struct node *source = from->root;
    struct node *copy = to->root = node_clone(source);
    if (!copy) return ENOMEM;
    for (;;) {
        if (source->first_child) {
            source = source->first_child;
        } else {
            while (source != from->root && !source->next_sibling) {
                source = source->parent;
                copy = copy->parent;
            }
            if (source == from->root) return 0;
            source = source->next_sibling;
            copy = copy->parent;
        }
        struct node *child = node_clone(source);
        if (!child) return ENOMEM;
        append_child(copy, child);
        copy = child;
    }
}

/* A transaction's snapshot: to gets a copy of everything in from. */
static int tree_copy(struct tree *to, const struct tree *from) {
    memset(to, 0, sizeof(*to));
    to->nodes = from->nodes;
    to->changes = from->changes;
    int error = nodes_copy(to, from);
    for (int i = 0; i < SPECIAL_COUNT && !error; i++)
        error = permissions_copy(&to->special[i], &from->special[i]);
    if (!error && from->owner_count) {
        to->owners = malloc(from->owner_count * sizeof(struct owner));
        if (!to->owners) error = ENOMEM;
        else memcpy(to->owners, from->owners, from->owner_count * sizeof(struct owner));
        to->owner_count = to->owner_capacity = from->owner_count;
    }
    if (error) tree_free(to);
    return error;
}

/* ---- paths ---- */

static int valid_path_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '/' || c == '_' || c == '@';
}

/* Characters, no "//", no trailing "/" but the root's: Xen's canonicalize() rules. */
static int valid_path_text(const char *path, size_t *length) {
    size_t i = 0;
    for (; path[i]; i++) {
        if (!valid_path_char(path[i])) return 0;
        if (path[i] == '/' && path[i + 1] == '/') return 0;
    }
    *length = i;
    return i > 0 && !(i > 1 && path[i - 1] == '/');
}

/* Where the domain's own part of a path begins: after "/local/domain/<domid>/", else 0. */
static size_t domain_part_offset(const char *path) {
    static const char prefix[] = "/local/domain/";
    size_t i = sizeof(prefix) - 1, digits = 0;
    if (strncmp(path, prefix, i) != 0) return 0;
    while (path[i] >= '0' && path[i] <= '9' && digits < 5) i++, digits++;
    return digits && path[i] == '/' ? i + 1 : 0;
}

/*
 * The absolute form of a path from a request: path itself, or for a
 * relative one (not starting with "/" or "@") the connection's
 * /local/domain/<domid>/ before it, in canonical_path. NULL (EINVAL) if
 * it is not a valid path, or starts with "@" where no special path may.
 */
static const char *canonicalize(const struct request *r, const char *path, int allow_special, int *relative) {
    int is_relative = path[0] != '/' && path[0] != '@';
    size_t length;
    if (relative) *relative = is_relative;
    if (path[0] == '@' && !allow_special) return NULL;
    if (is_relative) {
        int prefix = snprintf(canonical_path, sizeof(canonical_path), "/local/domain/%u/", (unsigned)r->client->domid);
        if (strlen(path) > XENSTORE_ABS_PATH_MAX - (size_t)prefix) return NULL;
        strcpy(canonical_path + prefix, path);
        path = canonical_path;
    }
    if (!valid_path_text(path, &length) || length > XENSTORE_ABS_PATH_MAX) return NULL;
    if (!is_privileged(r->client->domid) && length - domain_part_offset(path) >= XENSTORE_REL_PATH_MAX)
        return NULL;
    return path;
}

static int special_index(const char *path) {
    for (int i = 0; i < SPECIAL_COUNT; i++)
        if (strcmp(path, special_paths[i]) == 0) return i;
    return -1;
}

/* ---- watches ---- */

static int watch_matches(const struct watch *watch, const char *path, enum match match) {
    size_t length = watch->path_length;
    if (match == MATCH_EXACT) return strcmp(path, watch->strings) == 0;
    if (strncmp(path, watch->strings, length) != 0) return 0;
    return path[length] == 0 || path[length] == '/' || length == 1;
}

static int event_permitted(uint16_t domid, const struct event_permissions *permissions) {
    return may_read(domid, permissions->before) || may_read(domid, permissions->now) ||
           (permissions->now && may_read(domid, permissions->parent));
}

/* One XS_WATCH_EVENT: path (already stripped for a relative watch) and the watch's token. */
static void send_event(const struct watch *watch, const char *path) {
    size_t path_bytes = strlen(path) + 1, token_bytes = watch->token_length + 1u;
    if (path_bytes + token_bytes > sizeof(event_buffer)) return;   /* Xen drops an event too long for the wire */
    memcpy(event_buffer, path, path_bytes);
    memcpy(event_buffer + path_bytes, watch->strings + watch->path_length + 1, token_bytes);
    xs_send(watch->client, XS_WATCH_EVENT, 0, 0, event_buffer, (uint32_t)(path_bytes + token_bytes));
}

/* A change at path of the main tree: an event to every watch it matches whose domain may know of it. */
static void fire_watches(const char *path, enum match match, const struct event_permissions *permissions) {
    for (struct watch *watch = first_watch; watch; watch = watch->next) {
        if (!watch_matches(watch, path, match)) continue;
        if (!event_permitted(watch->client->domid, permissions)) continue;
        send_event(watch, path + watch->prefix_length);
    }
}

static void watch_unlink(struct watch *watch) {
    if (watch->previous) watch->previous->next = watch->next;
    else first_watch = watch->next;
    if (watch->next) watch->next->previous = watch->previous;
    else last_watch = watch->previous;
}

static void watch_link(struct xs_client *c, struct watch *watch) {
    watch->previous = last_watch;
    if (last_watch) last_watch->next = watch;
    else first_watch = watch;
    last_watch = watch;
    struct watch **end = (struct watch **)&c->watches;
    while (*end) end = &(*end)->next_of_client;
    *end = watch;
}

static void drop_watches(struct xs_client *c) {
    struct watch *watch = c->watches;
    while (watch) {
        struct watch *next = watch->next_of_client;
        watch_unlink(watch);
        free(watch);
        watch = next;
    }
    c->watches = NULL;
}

/* ---- transactions ---- */

static void transaction_free(struct transaction *transaction) {
    struct pending_event *event = transaction->events;
    while (event) {
        struct pending_event *next = event->next;
        free(event->permissions.entries);
        free(event);
        event = next;
    }
    tree_free(&transaction->tree);
    free(transaction);
}

static struct transaction *transaction_find(const struct xs_client *c, uint32_t id) {
    for (struct transaction *t = c->transactions; t; t = t->next)
        if (t->id == id) return t;
    return NULL;
}

static void transaction_unlink(struct xs_client *c, struct transaction *transaction) {
    struct transaction **link = (struct transaction **)&c->transactions;
    while (*link != transaction) link = &(*link)->next;
    *link = transaction->next;
}

static void drop_transactions(struct xs_client *c) {
    struct transaction *transaction = c->transactions;
    while (transaction) {
        struct transaction *next = transaction->next;
        transaction_free(transaction);
        transaction = next;
    }
    c->transactions = NULL;
}

static struct pending_event *pending_find(const struct transaction *transaction, const char *path) {
    for (struct pending_event *e = transaction->events; e; e = e->next)
        if (strcmp(e->path, path) == 0) return e;
    return NULL;
}

/*
 * Remembers a change for the commit, once per path with the node's
 * permissions from before its first change (as Xen's accessed-node
 * list does). If it cannot, the commit will fail rather than lose it.
 */
static void queue_event(struct transaction *transaction, const char *path, enum match match,
                        const struct permissions *permissions) {
    struct pending_event *event = pending_find(transaction, path);
    if (event) {
        if (match == MATCH_SUBTREE) event->match = MATCH_SUBTREE;
        return;
    }
    if (transaction->event_count >= XS_STORE_EVENTS_PER_TRANSACTION) {
        transaction->error = ENOSPC;
        return;
    }
    size_t bytes = strlen(path) + 1;
    event = malloc(sizeof(*event) + bytes);
    if (!event || permissions_copy(&event->permissions, permissions)) {
        free(event);
        transaction->error = ENOMEM;
        return;
    }
    memcpy(event->path, path, bytes);
    event->match = (uint8_t)match;
    event->next = NULL;
    if (transaction->last_event) transaction->last_event->next = event;
    else transaction->events = event;
    transaction->last_event = event;
    transaction->event_count++;
}

/* ---- changes and their events ---- */

/*
 * A change at path: fired now on the main tree, or kept until the
 * request's transaction commits. now and parent are the permissions of
 * the node and its parent; before, a set_perms' old list or NULL.
 */
static void raise_event(struct request *r, const char *path, enum match match, const struct permissions *before,
                        const struct permissions *now, const struct permissions *parent) {
    if (r->transaction) {
        queue_event(r->transaction, path, match, before ? before : now);
        return;
    }
    struct event_permissions permissions = { before, now, parent };
    fire_watches(path, match, &permissions);
}

static void raise_node_event(struct request *r, const char *path, const struct node *node, enum match match,
                             const struct permissions *before) {
    const struct node *parent = node->parent ? node->parent : node;
    raise_event(r, path, match, before, &node->permissions, &parent->permissions);
}

static void tree_changed(struct tree *tree) {
    tree->changes++;
}

/* ---- replies ---- */

static const char *const error_names[] = {
    [EINVAL] = "EINVAL", [EACCES] = "EACCES", [EEXIST] = "EEXIST", [EISDIR] = "EISDIR",
    [ENOENT] = "ENOENT", [ENOMEM] = "ENOMEM", [ENOSPC] = "ENOSPC", [EIO] = "EIO",
    [ENOTEMPTY] = "ENOTEMPTY", [ENOSYS] = "ENOSYS", [EROFS] = "EROFS", [EBUSY] = "EBUSY",
    [EAGAIN] = "EAGAIN", [EISCONN] = "EISCONN", [E2BIG] = "E2BIG", [EPERM] = "EPERM",
};

/* An XS_ERROR naming error; one Xen has no name for goes out as EINVAL, as Xen's send_error does. */
static void send_error(const struct request *r, int error) {
    const char *name = "EINVAL";
    if (error > 0 && error < (int)ARRAY_SIZE(error_names) && error_names[error]) name = error_names[error];
    xs_send(r->client, XS_ERROR, r->message->req_id, r->message->tx_id, name, (uint32_t)strlen(name) + 1);
}

static int reply(const struct request *r, const void *body, uint32_t length) {
    if (length > XENSTORE_PAYLOAD_MAX) return E2BIG;
    xs_send(r->client, r->message->type, r->message->req_id, r->message->tx_id, body, length);
    return 0;
}

static int reply_ok(const struct request *r) {
    return reply(r, "OK", 3);
}

/* ---- payloads ---- */

static uint32_t count_strings(const struct request *r) {
    uint32_t count = 0;
    for (uint32_t i = 0; i < r->length; i++) count += r->body[i] == 0;
    return count;
}

/* The payload as one string, if it is exactly that (a NUL at its end and nowhere else), else NULL. */
static const char *one_argument(const struct request *r) {
    if (r->length == 0 || strlen(r->body) != r->length - 1) return NULL;
    return r->body;
}

/* The string after the one at text. */
static const char *next_string(const char *text) {
    return text + strlen(text) + 1;
}

/* ---- finding what a request names ---- */

/*
 * The node at path, if domid may do `need` with it: 0 and *node. A
 * missing node is ENOENT only if the domain may do some of `need` with
 * its deepest existing ancestor (*ancestor, with the missing part in
 * *rest), else EACCES, so a domain learns nothing of what it may not
 * see (Xen's errno_from_parents).
 */
static int find_node(const struct request *r, const char *path, unsigned need, struct node **node,
                     struct node **ancestor, const char **rest) {
    struct node *found_ancestor = NULL;
    const char *found_rest = NULL;
    *node = lookup(r->tree, path, &found_ancestor, &found_rest);
    if (*node) return (access_for(r->client->domid, &(*node)->permissions) & need) == need ? 0 : EACCES;
    if (ancestor) *ancestor = found_ancestor;
    if (rest) *rest = found_rest;
    return (access_for(r->client->domid, &found_ancestor->permissions) & need) ? ENOENT : EACCES;
}

/* The permissions of a node or special path, for GET_PERMS and SET_PERMS; errors as find_node. */
static int find_permissions(const struct request *r, const char *path, unsigned need, struct permissions **found,
                            struct node **node) {
    *node = NULL;
    if (path[0] != '@') {
        int error = find_node(r, path, need, node, NULL, NULL);
        if (!error) *found = &(*node)->permissions;
        return error;
    }
    int special = special_index(path);
    if (special < 0) return (access_for(r->client->domid, &r->tree->root->permissions) & need) ? ENOENT : EACCES;
    *found = &r->tree->special[special];
    return (access_for(r->client->domid, *found) & need) == need ? 0 : EACCES;
}

/* ---- making nodes ---- */

/* Whether count new nodes fit: the creator's quota (a DomU's) and the tree's total. */
static int creation_allowed(const struct request *r, uint32_t count) {
    if (r->tree->nodes + count > XS_STORE_NODES_TOTAL) return ENOSPC;
    if (!is_privileged(r->client->domid) &&
        owned_nodes(r->tree, r->client->domid) + count > XS_STORE_NODES_PER_DOMAIN)
        return ENOSPC;
    return 0;
}

static uint32_t count_components(const char *rest) {
    uint32_t count = 1;
    for (; *rest; rest++) count += *rest == '/';
    return count;
}

/*
 * Builds, unattached, the chain of nodes named by rest (each the child
 * of the one before), each with the given permissions. Returns its top,
 * with its deepest node in *bottom, or NULL (ENOMEM) having built nothing.
 */
static struct node *chain_build(const char *rest, const struct permissions *permissions, struct node **bottom) {
    struct node *top = NULL, *last = NULL;
    while (*rest) {
        const char *end = rest;
        while (*end && *end != '/') end++;
        struct node *node = node_new(rest, (size_t)(end - rest), permissions);
        if (!node) {
            if (top) subtree_free(top);
            return NULL;
        }
        if (last) append_child(last, node);
        else top = node;
        last = node;
        rest = *end ? end + 1 : end;
    }
    *bottom = last;
    return top;
}

/*
 * Creates the missing nodes rest under ancestor, the deepest with value.
 * New nodes inherit ancestor's permissions; a DomU owns what it creates
 * (Xen's construct_node). All or nothing: on an error nothing changed.
 */
static int create_nodes(struct request *r, struct node *ancestor, const char *rest, const char *value,
                        uint32_t value_length, struct node **created) {
    uint32_t count = count_components(rest);
    int error = creation_allowed(r, count);
    if (error) return error;
    struct permissions inherited = ancestor->permissions;
    if (!is_privileged(r->client->domid)) {
        /* Only entry 0 differs: copy the list with the creator as its owner. */
        if (permissions_copy(&inherited, &ancestor->permissions)) return ENOMEM;
        inherited.entries[0].domid = r->client->domid;
    }
    struct owner *owner = owner_reserve(r->tree, inherited.entries[0].domid);
    struct node *bottom = NULL;
    struct node *top = owner ? chain_build(rest, &inherited, &bottom) : NULL;
    if (inherited.entries != ancestor->permissions.entries) free(inherited.entries);
    if (!top) return ENOMEM;
    if (node_set_value(bottom, value, value_length)) {
        subtree_free(top);
        return ENOMEM;
    }
    append_child(ancestor, top);
    ancestor->generation = next_generation();
    owner->nodes += count;
    r->tree->nodes += count;
    tree_changed(r->tree);
    *created = bottom;
    return 0;
}

/* ---- requests on nodes ---- */

static int do_read(struct request *r) {
    const char *argument = one_argument(r);
    const char *path = argument ? canonicalize(r, argument, 0, NULL) : NULL;
    struct node *node;
    if (!path) return EINVAL;
    int error = find_node(r, path, PERM_READ, &node, NULL, NULL);
    if (error) return error;
    return reply(r, node->value ? node->value : "", node->value_length);
}

/* WRITE and MKDIR: the node at path made if missing (with its parents), its value set if value. */
static int write_node(struct request *r, const char *path, const char *value, uint32_t value_length) {
    struct node *node, *ancestor;
    const char *rest;
    int error = find_node(r, path, PERM_WRITE, &node, &ancestor, &rest);
    if (error && error != ENOENT) return error;
    /* Xen's quota-maxsize, answered as Xen does for a quota: ENOSPC. */
    if (value && value_length > XS_STORE_VALUE_MAX && !is_privileged(r->client->domid)) return ENOSPC;
    if (error == ENOENT) {
        error = create_nodes(r, ancestor, rest, value, value ? value_length : 0, &node);
        if (error) return error;
    } else if (!value) {
        return reply_ok(r);     /* MKDIR of an existing node: nothing changes, nothing fires */
    } else {
        error = node_set_value(node, value, value_length);
        if (error) return error;
        tree_changed(r->tree);
    }
    raise_node_event(r, path, node, MATCH_SUBTREE, NULL);
    return reply_ok(r);
}

static int do_write(struct request *r) {
    if (count_strings(r) < 1) return EINVAL;
    const char *value = next_string(r->body);
    uint32_t value_length = r->length - (uint32_t)(value - r->body);
    const char *path = canonicalize(r, r->body, 0, NULL);
    if (!path) return EINVAL;
    return write_node(r, path, value, value_length);
}

static int do_mkdir(struct request *r) {
    const char *argument = one_argument(r);
    const char *path = argument ? canonicalize(r, argument, 0, NULL) : NULL;
    if (!path) return EINVAL;
    return write_node(r, path, NULL, 0);
}

/*
 * Fires, for each node under top and then top, the watches on it (on
 * top: on it and its ancestors), while their permissions still stand,
 * as Xen's delnode_sub does.
 */
static void raise_removal_events(struct request *r, struct node *top, const char *top_path) {
    if (!r->transaction && !first_watch) return;    /* nobody to tell: skip the walk */
    for (struct node *node = deepest_first(top); node; node = post_order_next(node, top)) {
        const char *path = node == top ? top_path : node_path(node, removed_path);
        if (path) raise_node_event(r, path, node, node == top ? MATCH_SUBTREE : MATCH_EXACT, NULL);
    }
}

static void remove_subtree(struct request *r, struct node *top) {
    struct node *parent = top->parent;
    unlink_child(top);
    parent->generation = next_generation();
    for (struct node *node = deepest_first(top); node; node = post_order_next(node, top)) {
        owner_release(r->tree, owner_of(node), 1);
        r->tree->nodes--;
    }
    subtree_free(top);
    tree_changed(r->tree);
}

/* RM: a missing node is fine if its parent exists (xenstore.txt); the root may not go. */
static int do_rm(struct request *r) {
    const char *argument = one_argument(r);
    const char *path = argument ? canonicalize(r, argument, 0, NULL) : NULL;
    struct node *node, *ancestor;
    const char *rest;
    if (!path) return EINVAL;
    int error = find_node(r, path, PERM_WRITE, &node, &ancestor, &rest);
    if (error == ENOENT) return strchr(rest, '/') ? ENOENT : reply_ok(r);
    if (error) return error;
    if (!node->parent) return EINVAL;
    raise_removal_events(r, node, path);
    remove_subtree(r, node);
    return reply_ok(r);
}

static int do_directory(struct request *r) {
    const char *argument = one_argument(r);
    const char *path = argument ? canonicalize(r, argument, 0, NULL) : NULL;
    struct node *node;
    uint32_t used = 0;
    if (!path) return EINVAL;
    int error = find_node(r, path, PERM_READ, &node, NULL, NULL);
    if (error) return error;
    for (struct node *child = node->first_child; child; child = child->next_sibling) {
        uint32_t bytes = child->name_length + 1u;
        if (used + bytes > sizeof(reply_buffer)) return E2BIG;
        memcpy(reply_buffer + used, child->name, bytes);
        used += bytes;
    }
    return reply(r, reply_buffer, used);
}

static uint32_t children_bytes(const struct node *node) {
    uint32_t bytes = 0;
    for (struct node *child = node->first_child; child; child = child->next_sibling) bytes += child->name_length + 1u;
    return bytes;
}

/*
 * The children list from byte offset on, after the node's generation,
 * as much as fits; an empty string after the last name marks the end
 * (Xen's send_directory_part, also when offset is past the end).
 */
static uint32_t directory_part(const struct node *node, uint32_t offset, char *out, uint32_t room) {
    uint32_t used = 0, position = 0;
    for (struct node *child = node->first_child; child; child = child->next_sibling) {
        uint32_t bytes = child->name_length + 1u;
        uint32_t skip = offset > position ? offset - position : 0;
        position += bytes;
        if (skip >= bytes) continue;
        if (used + (bytes - skip) - 1 >= room) return used;
        memcpy(out + used, child->name + skip, bytes - skip);
        used += bytes - skip;
    }
    out[used++] = 0;
    return used;
}

static int do_directory_part(struct request *r) {
    struct node *node;
    uint32_t offset;
    if (count_strings(r) != 2) return EINVAL;
    const char *path = canonicalize(r, r->body, 0, NULL);
    if (!path || parse_decimal(next_string(r->body), 0xffffffffu, &offset) < 0) return EINVAL;
    int error = find_node(r, path, PERM_READ, &node, NULL, NULL);
    if (error) return error;
    uint32_t header = (uint32_t)snprintf(reply_buffer, 16, "%u", (unsigned)node->generation) + 1;
    uint32_t used = 1;
    if (offset < children_bytes(node))
        used = directory_part(node, offset, reply_buffer + header, XENSTORE_PAYLOAD_MAX - header - 1);
    else
        reply_buffer[header] = 0;
    return reply(r, reply_buffer, header + used);
}

static int do_get_perms(struct request *r) {
    const char *argument = one_argument(r);
    const char *path = argument ? canonicalize(r, argument, 1, NULL) : NULL;
    struct permissions *permissions;
    struct node *node;
    char text[8];
    uint32_t used = 0;
    if (!path) return EINVAL;
    int error = find_permissions(r, path, PERM_READ, &permissions, &node);
    if (error) return error;
    for (uint32_t i = 0; i < permissions->count; i++) {
        uint32_t bytes = (uint32_t)permission_format(&permissions->entries[i], text);
        if (used + bytes > sizeof(reply_buffer)) return E2BIG;
        memcpy(reply_buffer + used, text, bytes);
        used += bytes;
    }
    return reply(r, reply_buffer, used);
}

/* The permission strings after the path into a new list: 0, EINVAL, ENOSPC (a DomU's too many) or ENOMEM. */
static int parse_permissions(const struct request *r, struct permissions *parsed) {
    uint32_t count = count_strings(r) - 1;
    if (!is_privileged(r->client->domid) && count > XS_STORE_PERMS_PER_NODE) return ENOSPC;
    parsed->entries = malloc(count * sizeof(struct permission));
    if (!parsed->entries) return ENOMEM;
    parsed->count = count;
    const char *text = next_string(r->body);
    for (uint32_t i = 0; i < count; i++, text = next_string(text)) {
        if (permission_parse(text, &parsed->entries[i]) < 0) {
            free(parsed->entries);
            return EINVAL;
        }
    }
    return 0;
}

/* Moves node's count from its old owner to its new one; the new one's entry was reserved. */
static void transfer_ownership(struct tree *tree, uint16_t from, uint16_t to) {
    if (from == to) return;
    owner_release(tree, from, 1);
    owner_find(tree, to)->nodes++;
}

/* SET_PERMS: the owner may (but not give the node away), and domain 0 may. */
static int do_set_perms(struct request *r) {
    struct permissions parsed, *permissions;
    struct node *node;
    if (count_strings(r) < 2) return EINVAL;
    const char *path = canonicalize(r, r->body, 1, NULL);
    if (!path) return EINVAL;
    int error = parse_permissions(r, &parsed);
    if (error) return error;
    error = find_permissions(r, path, PERM_WRITE | PERM_OWNER, &permissions, &node);
    if (!error && !is_privileged(r->client->domid) && parsed.entries[0].domid != permissions->entries[0].domid)
        error = EPERM;
    if (!error && node && !owner_reserve(r->tree, parsed.entries[0].domid)) error = ENOMEM;
    if (error) {
        free(parsed.entries);
        return error;
    }
    struct permissions before = *permissions;
    *permissions = parsed;
    if (node) {
        transfer_ownership(r->tree, before.entries[0].domid, parsed.entries[0].domid);
        node->generation = next_generation();
        raise_node_event(r, path, node, MATCH_SUBTREE, &before);
    } else {
        raise_event(r, path, MATCH_SUBTREE, &before, permissions, &r->tree->root->permissions);
    }
    tree_changed(r->tree);
    free(before.entries);
    return reply_ok(r);
}

/* ---- watch requests ---- */

static struct watch *watch_new(const char *path, const char *token, uint16_t prefix_length) {
    size_t path_length = strlen(path), token_length = strlen(token);
    struct watch *watch = calloc(1, sizeof(struct watch) + path_length + token_length + 2);
    if (!watch) return NULL;
    memcpy(watch->strings, path, path_length + 1);
    memcpy(watch->strings + path_length + 1, token, token_length + 1);
    watch->path_length = (uint16_t)path_length;
    watch->token_length = (uint16_t)token_length;
    watch->prefix_length = prefix_length;
    return watch;
}

static struct watch *watch_find(const struct xs_client *c, const char *path, const char *token) {
    for (struct watch *w = c->watches; w; w = w->next_of_client)
        if (strcmp(w->strings, path) == 0 && strcmp(w->strings + w->path_length + 1, token) == 0) return w;
    return NULL;
}

static uint32_t watch_count(const struct xs_client *c) {
    uint32_t count = 0;
    for (struct watch *w = c->watches; w; w = w->next_of_client) count++;
    return count;
}

/* The length of "/local/domain/<domid>/", stripped from the events of a relative watch. */
static uint16_t relative_prefix_length(uint16_t domid) {
    char prefix[24];
    return (uint16_t)snprintf(prefix, sizeof(prefix), "/local/domain/%u/", (unsigned)domid);
}

/* WATCH: path and token; an event at once on the path itself (Xen: "triggered once straight away"). */
static int do_watch(struct request *r) {
    int relative;
    if (count_strings(r) != 2) return EINVAL;
    const char *token = next_string(r->body);
    const char *path = canonicalize(r, r->body, 1, &relative);
    if (!path) return EINVAL;
    if (watch_find(r->client, path, token)) return EEXIST;
    if (watch_count(r->client) >= XS_STORE_WATCHES_PER_CONN) return ENOSPC;
    struct watch *watch = watch_new(path, token, relative ? relative_prefix_length(r->client->domid) : 0);
    if (!watch) return ENOMEM;
    watch->client = r->client;
    watch_link(r->client, watch);
    reply_ok(r);
    send_event(watch, watch->strings + watch->prefix_length);
    return 0;
}

static int do_unwatch(struct request *r) {
    if (count_strings(r) != 2) return EINVAL;
    const char *token = next_string(r->body);
    const char *path = canonicalize(r, r->body, 1, NULL);
    if (!path) return EINVAL;
    struct watch *watch = watch_find(r->client, path, token);
    if (!watch) return ENOENT;
    watch_unlink(watch);
    struct watch **link = (struct watch **)&r->client->watches;
    while (*link != watch) link = &(*link)->next_of_client;
    *link = watch->next_of_client;
    free(watch);
    return reply_ok(r);
}

/* RESET_WATCHES: the connection's watches and, as in Xen, its transactions. */
static int do_reset_watches(struct request *r) {
    drop_watches(r->client);
    drop_transactions(r->client);
    return reply_ok(r);
}

/* ---- transaction requests ---- */

static uint32_t transaction_count(const struct xs_client *c) {
    uint32_t count = 0;
    for (struct transaction *t = c->transactions; t; t = t->next) count++;
    return count;
}

static uint32_t unused_transaction_id(const struct xs_client *c) {
    uint32_t id;
    do {
        id = next_transaction_id++;
    } while (id == 0 || transaction_find(c, id));
    return id;
}

/* TRANSACTION_START: not from inside one (EBUSY); the reply is the id in decimal. */
static int do_transaction_start(struct request *r) {
    if (r->transaction) return EBUSY;
    if (transaction_count(r->client) >= XS_STORE_TRANSACTIONS_PER_CONN) return ENOSPC;
    struct transaction *transaction = calloc(1, sizeof(*transaction));
    if (!transaction) return ENOMEM;
    if (tree_copy(&transaction->tree, &main_tree)) {
        free(transaction);
        return ENOMEM;
    }
    transaction->started_at = main_tree.changes;
    transaction->id = unused_transaction_id(r->client);
    transaction->next = r->client->transactions;
    r->client->transactions = transaction;
    char id[12];
    return reply(r, id, (uint32_t)snprintf(id, sizeof(id), "%u", (unsigned)transaction->id) + 1);
}

/* The permissions deciding who hears of a committed change at path, in the new main tree. */
static void committed_permissions(const struct pending_event *event, struct event_permissions *permissions) {
    struct node *ancestor, *node = NULL;
    const char *rest;
    permissions->before = &event->permissions;
    permissions->now = permissions->parent = NULL;
    if (event->path[0] == '@') {
        int special = special_index(event->path);
        if (special >= 0) permissions->now = &main_tree.special[special];
        permissions->parent = &main_tree.root->permissions;
        return;
    }
    node = lookup(&main_tree, event->path, &ancestor, &rest);
    if (!node) return;
    permissions->now = &node->permissions;
    permissions->parent = node->parent ? &node->parent->permissions : &node->permissions;
}

/* The transaction's tree becomes the main one, and its changes fire. */
static void commit(struct transaction *transaction) {
    if (transaction->tree.changes != transaction->started_at) {
        struct tree old = main_tree;
        main_tree = transaction->tree;
        main_tree.changes = old.changes + 1;
        transaction->tree = old;
    }
    for (struct pending_event *event = transaction->events; event; event = event->next) {
        struct event_permissions permissions;
        committed_permissions(event, &permissions);
        fire_watches(event->path, (enum match)event->match, &permissions);
    }
}

/* TRANSACTION_END: "T" commits unless the main tree changed since the start (EAGAIN), "F" discards. */
static int do_transaction_end(struct request *r) {
    const char *argument = one_argument(r);
    struct transaction *transaction = r->transaction;
    if (!argument || (strcmp(argument, "T") != 0 && strcmp(argument, "F") != 0)) return EINVAL;
    if (!transaction) return ENOENT;
    transaction_unlink(r->client, transaction);
    int error = 0;
    if (argument[0] == 'T') {
        if (transaction->error) error = transaction->error;
        else if (main_tree.changes != transaction->started_at) error = EAGAIN;
        else commit(transaction);
    }
    transaction_free(transaction);
    return error ? error : reply_ok(r);
}

/* ---- domain requests ---- */

static void fire_special(enum special special) {
    struct event_permissions permissions = { NULL, &main_tree.special[special], &main_tree.root->permissions };
    fire_watches(special_paths[special], MATCH_EXACT, &permissions);
}

/* INTRODUCE: domid, gfn (signed decimal in Xen's text, taken here as its 32 bits), port. */
static int do_introduce(struct request *r) {
    uint16_t domid;
    uint32_t gfn, port;
    if (count_strings(r) < 3) return EINVAL;
    const char *gfn_text = next_string(r->body), *port_text = next_string(gfn_text);
    int negative = gfn_text[0] == '-';
    if (parse_domid(r->body, &domid) < 0 || parse_decimal(gfn_text + negative, 0xffffffffu, &gfn) < 0 ||
        parse_decimal(port_text, 0xffffffffu, &port) < 0 || port == 0)
        return EINVAL;
    int error = xs_introduce(domid, negative ? 0u - gfn : gfn, port);
    if (error) return error;
    fire_special(SPECIAL_INTRODUCE);
    return reply_ok(r);
}

static int do_release(struct request *r) {
    const char *argument = one_argument(r);
    uint16_t domid;
    if (!argument || parse_domid(argument, &domid) < 0) return EINVAL;
    int error = xs_release(domid);
    if (error) return error;
    fire_special(SPECIAL_RELEASE);
    return reply_ok(r);
}

static int do_is_domain_introduced(struct request *r) {
    const char *argument = one_argument(r);
    uint16_t domid;
    if (!argument || parse_domid(argument, &domid) < 0) return EINVAL;
    int introduced = domid == DOMID_SELF || xs_is_introduced(domid);
    return reply(r, introduced ? "T" : "F", 2);
}

static int do_get_domain_path(struct request *r) {
    const char *argument = one_argument(r);
    uint16_t domid;
    char path[24];
    if (!argument || parse_domid(argument, &domid) < 0) return EINVAL;
    return reply(r, path, (uint32_t)snprintf(path, sizeof(path), "/local/domain/%u", (unsigned)domid) + 1);
}

/* CONTROL, RESUME, SET_TARGET: known to Xen, not done here. */
static int not_supported(struct request *r) {
    (void)r;
    return ENOSYS;
}

/* ---- dispatch ---- */

#define OPERATION_PRIVILEGED        1   /* domain 0 only: EACCES for others (Xen's XS_FLAG_PRIV) */
#define OPERATION_IGNORES_TX_ID     2   /* tx_id not looked up (Xen's XS_FLAG_NOTID) */

struct operation {
    int (*handle)(struct request *r);
    uint8_t flags;
};

static const struct operation operations[] = {
    [XS_CONTROL] = { not_supported, OPERATION_PRIVILEGED },
    [XS_DIRECTORY] = { do_directory, 0 },
    [XS_READ] = { do_read, 0 },
    [XS_GET_PERMS] = { do_get_perms, 0 },
    [XS_WATCH] = { do_watch, OPERATION_IGNORES_TX_ID },
    [XS_UNWATCH] = { do_unwatch, OPERATION_IGNORES_TX_ID },
    [XS_TRANSACTION_START] = { do_transaction_start, 0 },
    [XS_TRANSACTION_END] = { do_transaction_end, 0 },
    [XS_INTRODUCE] = { do_introduce, OPERATION_PRIVILEGED },
    [XS_RELEASE] = { do_release, OPERATION_PRIVILEGED },
    [XS_GET_DOMAIN_PATH] = { do_get_domain_path, 0 },
    [XS_WRITE] = { do_write, 0 },
    [XS_MKDIR] = { do_mkdir, 0 },
    [XS_RM] = { do_rm, 0 },
    [XS_SET_PERMS] = { do_set_perms, 0 },
    [XS_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, OPERATION_PRIVILEGED },
    [XS_RESUME] = { not_supported, OPERATION_PRIVILEGED },
    [XS_SET_TARGET] = { not_supported, OPERATION_PRIVILEGED },
    [XS_RESET_WATCHES] = { do_reset_watches, 0 },
    [XS_DIRECTORY_PART] = { do_directory_part, 0 },
};

/* Checks in Xen's order: a type it does not serve (ENOSYS), privilege (EACCES), the transaction (ENOENT). */
static int dispatch(struct request *r) {
    uint32_t type = r->message->type;
    if (type >= ARRAY_SIZE(operations) || !operations[type].handle) return ENOSYS;
    const struct operation *operation = &operations[type];
    if ((operation->flags & OPERATION_PRIVILEGED) && !is_privileged(r->client->domid)) return EACCES;
    if (!(operation->flags & OPERATION_IGNORES_TX_ID) && r->message->tx_id) {
        r->transaction = transaction_find(r->client, r->message->tx_id);
        if (!r->transaction) return ENOENT;
        r->tree = &r->transaction->tree;
    }
    return operation->handle(r);
}

void xs_handle(struct xs_client *c, const struct xsd_sockmsg *msg, const char *body) {
    struct request r = { c, msg, request_copy, msg->len, NULL, &main_tree };
    int error;
    if (!main_tree.root || msg->len > XENSTORE_PAYLOAD_MAX || (msg->len && !body)) {
        error = main_tree.root ? EINVAL : EIO;
    } else {
        if (msg->len) memcpy(request_copy, body, msg->len);
        request_copy[msg->len] = 0;
        error = dispatch(&r);
    }
    if (error) send_error(&r, error);
}

/* ---- the store's life ---- */

static int add_initial_node(struct node *parent, const char *name) {
    struct node *node = node_new(name, strlen(name), &parent->permissions);
    if (!node) return ENOMEM;
    append_child(parent, node);
    main_tree.nodes++;
    return 0;
}

static int set_permissions(struct permissions *permissions, const struct permission *entries, uint32_t count) {
    const struct permissions wanted = { (struct permission *)entries, count };
    return permissions_copy(permissions, &wanted);
}

/*
 * As Xen's setup_structure: everything domain 0's with no access for
 * others ("n0"), but @releaseDomain readable by every domain, so a
 * guest may watch for domains going.
 */
static int build_initial_tree(void) {
    static const struct permission owner_only[] = { { 0, PERM_NONE } };
    static const struct permission release_readable[] = { { 0, PERM_NONE }, { DOMID_ANY, PERM_READ } };
    const struct permissions root_permissions = { (struct permission *)owner_only, 1 };
    main_tree.root = node_new("", 0, &root_permissions);
    if (!main_tree.root) return ENOMEM;
    main_tree.nodes = 1;
    if (add_initial_node(main_tree.root, "local") || add_initial_node(main_tree.root->first_child, "domain") ||
        add_initial_node(main_tree.root, "tool"))
        return ENOMEM;
    if (set_permissions(&main_tree.special[SPECIAL_INTRODUCE], owner_only, 1) ||
        set_permissions(&main_tree.special[SPECIAL_RELEASE], release_readable, 2))
        return ENOMEM;
    struct owner *owner = owner_reserve(&main_tree, 0);
    if (!owner) return ENOMEM;
    owner->nodes = main_tree.nodes;
    return 0;
}

int xs_store_init(void) {
    tree_free(&main_tree);
    if (build_initial_tree()) {
        tree_free(&main_tree);
        return -ENOMEM;
    }
    return 0;
}

void xs_client_gone(struct xs_client *c) {
    drop_watches(c);
    drop_transactions(c);
}

void xs_fire_special(const char *special) {
    int index = special_index(special);
    if (index >= 0 && main_tree.root) fire_special((enum special)index);
}

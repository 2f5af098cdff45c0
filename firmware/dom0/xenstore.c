/*
 * xenstore.c: the xenstore-* tools of Xen (xenstore-read, -write, -rm,
 * -ls, -list, -chmod, -watch), one program that does what the name it was
 * run by says, as Xen's xenstore_client does; run as `xenstore`, its
 * first argument names the command ("xenstore ls /local").
 *
 * Output as Xen's: xenstore-ls prints the tree below a path one node a
 * line, `name = "value"`, one space of indent per level (-p: each node's
 * permissions after it); a failure prints the errno and exits 1.
 */
#include "libc.h"
#include "xs.h"

#define VALUE_MAX 4096

static struct xs_handle *h;
static char value[VALUE_MAX + 1];

static int failed(const char *command, const char *path, int error)
{
    dprintf(STDERR, "%s: %s: %s\n", command, path, strerror(error));
    return 1;
}

static int cmd_read(const char *command, int argc, char **argv)
{
    if (argc < 1) {
        dprintf(STDERR, "Usage: %s <path> ...\n", command);
        return 2;
    }
    for (int i = 0; i < argc; i++) {
        int n = xs_read(h, XBT_NULL, argv[i], value, sizeof value);
        if (n < 0)
            return failed(command, argv[i], n);
        printf("%s\n", value);
    }
    return 0;
}

static int cmd_write(const char *command, int argc, char **argv)
{
    if (argc < 2 || argc % 2) {
        dprintf(STDERR, "Usage: %s <path> <value> ...\n", command);
        return 2;
    }
    for (int i = 0; i < argc; i += 2) {
        int error = xs_write(h, XBT_NULL, argv[i], argv[i + 1], (uint32_t)strlen(argv[i + 1]));
        if (error)
            return failed(command, argv[i], error);
    }
    return 0;
}

static int cmd_rm(const char *command, int argc, char **argv)
{
    if (argc < 1) {
        dprintf(STDERR, "Usage: %s <path> ...\n", command);
        return 2;
    }
    for (int i = 0; i < argc; i++) {
        int error = xs_rm(h, XBT_NULL, argv[i]);
        if (error)
            return failed(command, argv[i], error);
    }
    return 0;
}

static int cmd_list(const char *command, int argc, char **argv)
{
    static char names[XENSTORE_PAYLOAD_MAX];
    if (argc != 1) {
        dprintf(STDERR, "Usage: %s <path>\n", command);
        return 2;
    }
    int count = xs_directory(h, XBT_NULL, argv[0], names, sizeof names);
    if (count < 0)
        return failed(command, argv[0], count);
    for (const char *name = names; count-- > 0; name += strlen(name) + 1)
        printf("%s\n", name);
    return 0;
}

static void print_perms(const char *path)
{
    struct xs_permissions perms[16];
    int count = xs_get_permissions(h, XBT_NULL, path, perms, 16);
    printf("  (");
    for (int i = 0; i < count; i++) {
        char text[12];
        xs_perm_to_string(&perms[i], text);
        printf("%s%s", i ? "," : "", text);
    }
    printf(")");
}

/* The nodes below path, depth spaces in; a node that may not be read is shown as Xen's tool shows it. */
static void list_tree(const char *path, int depth, int perms)
{
    char *names = malloc(XENSTORE_PAYLOAD_MAX);
    if (names == 0)
        return;
    int count = xs_directory(h, XBT_NULL, path, names, XENSTORE_PAYLOAD_MAX);
    for (const char *name = names; count-- > 0; name += strlen(name) + 1) {
        char child[XENSTORE_ABS_PATH_MAX];
        snprintf(child, sizeof child, "%s/%s", strcmp(path, "/") == 0 ? "" : path, name);
        int n = xs_read(h, XBT_NULL, child, value, sizeof value);
        for (int i = 0; i < depth; i++)
            putchar(' ');
        printf("%s = ", name);
        if (n >= 0)
            printf("\"%s\"", value);
        else
            printf("<%s>", strerror(n));
        if (perms)
            print_perms(child);
        printf("\n");
        list_tree(child, depth + 1, perms);
    }
    free(names);
}

static int cmd_ls(const char *command, int argc, char **argv)
{
    int perms = argc > 0 && strcmp(argv[0], "-p") == 0;
    if (perms) {
        argc--;
        argv++;
    }
    if (argc > 1) {
        dprintf(STDERR, "Usage: %s [-p] [path]\n", command);
        return 2;
    }
    const char *path = argc ? argv[0] : "/";
    int count = xs_directory(h, XBT_NULL, path, value, sizeof value);
    if (count < 0)
        return failed(command, path, count);
    list_tree(path, 0, perms);
    return 0;
}

static int cmd_chmod(const char *command, int argc, char **argv)
{
    struct xs_permissions perms[16];
    if (argc < 2 || argc > 17) {
        dprintf(STDERR, "Usage: %s <path> <perm>... (a perm: n, r, w or b and a domain id: r3)\n", command);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        if (xs_perm_from_string(argv[i], &perms[i - 1]) < 0) {
            dprintf(STDERR, "%s: %s is not a permission (n, r, w or b and a domain id: r3)\n", command, argv[i]);
            return 2;
        }
    }
    int error = xs_set_permissions(h, XBT_NULL, argv[0], perms, (uint32_t)(argc - 1));
    return error ? failed(command, argv[0], error) : 0;
}

/* Prints each event on path (the first at once, as every watch has) until n have come (-n), or for ever. */
static int cmd_watch(const char *command, int argc, char **argv)
{
    int limit = -1;
    if (argc == 3 && strcmp(argv[0], "-n") == 0) {
        limit = atoi(argv[1]);
        argc -= 2;
        argv += 2;
    }
    if (argc != 1) {
        dprintf(STDERR, "Usage: %s [-n count] <path>\n", command);
        return 2;
    }
    int error = xs_watch(h, argv[0], "xenstore-watch");
    if (error)
        return failed(command, argv[0], error);
    char path[XENSTORE_ABS_PATH_MAX / 8], token[64];
    for (int seen = 0; limit < 0 || seen < limit; seen++) {
        error = xs_read_watch(h, path, sizeof path, token, sizeof token);
        if (error)
            return failed(command, argv[0], error);
        printf("%s\n", path);
    }
    return 0;
}

static const struct {
    const char *name;
    int (*run)(const char *command, int argc, char **argv);
} commands[] = {
    { "read", cmd_read }, { "write", cmd_write }, { "rm", cmd_rm }, { "ls", cmd_ls },
    { "list", cmd_list }, { "chmod", cmd_chmod }, { "watch", cmd_watch },
};

int main(int argc, char **argv)
{
    const char *self = strchr(argv[0], '/') ? argv[0] + strlen(argv[0]) : argv[0];
    while (self > argv[0] && self[-1] != '/')
        self--;
    const char *which = strncmp(self, "xenstore-", 9) == 0 ? self + 9 : 0;
    int first = 1;
    if (which == 0) {
        if (argc < 2) {
            dprintf(STDERR, "Usage: xenstore <read|write|rm|ls|list|chmod|watch> ...\n");
            return 2;
        }
        which = argv[1];
        first = 2;
    }
    for (uint32_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (strcmp(which, commands[i].name) != 0)
            continue;
        int error;
        h = xs_open(&error);
        if (h == 0) {
            dprintf(STDERR, "%s: xenstore: %s%s\n", self, strerror(error),
                    error == -ENOTCONN ? " (is xenstored running?)" : "");
            return 1;
        }
        return commands[i].run(self, argc - first, argv + first);
    }
    dprintf(STDERR, "xenstore: no command %s (read, write, rm, ls, list, chmod, watch)\n", which);
    return 2;
}

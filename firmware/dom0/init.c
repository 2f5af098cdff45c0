/*
 * init.c: domain 0's first process. It runs /etc/rc, one command per line
 * (words split at spaces; '#' starts a comment), each to its end, and then
 * becomes the shell. A command that fails is reported and the next runs.
 * With `single` on the kernel's command line (single-user mode, as in
 * Unix), /etc/rc is skipped: the shell comes at once.
 */
#include "libc.h"

#define RC        "/etc/rc"
#define LINE_MAX  160
#define WORDS_MAX 16

static void run(char *line, int number)
{
    char *argv[WORDS_MAX + 1];
    int argc = 0;
    for (char *p = line; *p && *p != '#';) {
        while (*p == ' ' || *p == '\t')
            *p++ = 0;
        if (!*p || *p == '#')
            break;
        if (argc == WORDS_MAX) {
            dprintf(STDERR, "init: %s:%d: more than %d words: not run\n", RC, number, WORDS_MAX);
            return;
        }
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '#')
            p++;
        if (*p == '#')
            *p = 0;
    }
    if (argc == 0)
        return;
    argv[argc] = 0;
    int pid = fork();
    if (pid == 0) {
        int error = exec(argv[0], argv);
        dprintf(STDERR, "init: %s:%d: %s: %s\n", RC, number, argv[0], strerror(error));
        exit(127);
    }
    if (pid < 0) {
        dprintf(STDERR, "init: %s:%d: fork: %s\n", RC, number, strerror(pid));
        return;
    }
    int status = 0;
    while (wait(&status) != pid)
        ;                               /* a child of an earlier command that ended meanwhile */
    if (status != 0)
        dprintf(STDERR, "init: %s:%d: %s exited with status %d\n", RC, number, argv[0], status);
}

/* Whether the kernel's command line holds `word` as a word of its own. */
static int cmdline_has(const char *word)
{
    struct sysinfo info;
    if (sysinfo(&info) < 0)
        return 0;
    size_t n = strlen(word);
    for (const char *p = info.cmdline; *p; p++)
        if ((p == info.cmdline || p[-1] == ' ') && strncmp(p, word, n) == 0 && (p[n] == 0 || p[n] == ' '))
            return 1;
    return 0;
}

/* Runs each line of /etc/rc. */
static void run_rc(void)
{
    static char text[4096];
    int fd = open(RC, O_RDONLY);
    int length = fd < 0 ? 0 : read(fd, text, sizeof text - 1);
    if (fd < 0)
        dprintf(STDERR, "init: %s: %s\n", RC, strerror(fd));
    else
        close(fd);
    text[length > 0 ? length : 0] = 0;
    int number = 1;
    for (char *line = text; *line; number++) {
        char *end = strchr(line, '\n');
        if (end)
            *end = 0;
        if (strlen(line) < LINE_MAX)
            run(line, number);
        else
            dprintf(STDERR, "init: %s:%d: line too long: not run\n", RC, number);
        line = end ? end + 1 : line + strlen(line);
    }
}

int main(void)
{
    if (cmdline_has("single"))
        printf("init: single-user mode: %s not run\n", RC);
    else
        run_rc();
    char *shell[] = { "sh", 0 };
    int error = exec("sh", shell);
    dprintf(STDERR, "init: sh: %s\n", strerror(error));
    return 1;
}

/*
 * xlcfg.h: domain configuration files in xl.cfg(5)'s syntax, read as
 * Xen's xl reads them, and what they say about a domain.
 *
 * The syntax: settings `KEY = VALUE`, each ended by a newline or `;`;
 * `#` starts a comment to the end of the line. A KEY is a letter or `_`
 * and then letters, digits and `_`. A VALUE is a "string" (or 'string';
 * in "..." the escapes \" \\ \n \t), a NUMBER (decimal, 0-octal or
 * 0x-hex), or a [list] of strings and numbers separated by commas (a
 * trailing comma and newlines inside are fine). `KEY += [list]` (or a
 * single value) appends to a list. A later setting of a key replaces an
 * earlier one, which is how `xl create cfg key=value` overrides the file:
 * the command line's settings are read after it.
 *
 * A syntax error is reported as xl reports one:
 *     guest1.cfg:3: config parsing error near `=': syntax error
 */
#ifndef HYPERLAB_XLCFG_H
#define HYPERLAB_XLCFG_H

#include <stdint.h>

#define XLCFG_SETTINGS   48             /* settings a file may have */
#define XLCFG_LIST_MAX   8              /* items in one list */
#define XLCFG_TEXT       4096           /* bytes of keys and strings in all */
#define XLCFG_ERROR      160            /* bytes of an error message */
#define XLCFG_NAME_MAX   32             /* a domain's name, with its terminator */
#define XLCFG_PATH_MAX   128
#define XLCFG_CMDLINE_MAX 128

enum xlcfg_type { XLCFG_STRING, XLCFG_NUMBER, XLCFG_LIST };

struct xlcfg_value {
    uint8_t type;                       /* XLCFG_STRING or XLCFG_NUMBER (a list's item) */
    const char *text;                   /* the string, or the number as written */
    uint32_t number;
};

/* The source name xlcfg_read takes for key=value settings given after the file on xl's command line. */
#define XLCFG_COMMAND_LINE "command line"

struct xlcfg_setting {
    const char *key;
    uint8_t type;                       /* enum xlcfg_type */
    const char *source;                 /* what xlcfg_read was given: a file, or XLCFG_COMMAND_LINE */
    int line;
    struct xlcfg_value value;           /* STRING, NUMBER */
    int count;                          /* LIST */
    struct xlcfg_value items[XLCFG_LIST_MAX];
};

struct xlcfg {
    int count;
    struct xlcfg_setting settings[XLCFG_SETTINGS];
    char text[XLCFG_TEXT];
    uint32_t text_used;
    char error[XLCFG_ERROR];
};

void xlcfg_init(struct xlcfg *cfg);
/* Reads `n` bytes of settings from `source` (a file name, for messages). 0, or -1 with cfg->error set. */
int xlcfg_read(struct xlcfg *cfg, const char *source, const char *text, uint32_t n);
/* The setting of `key`, or 0. */
const struct xlcfg_setting *xlcfg_find(const struct xlcfg *cfg, const char *key);

/* What an on_poweroff / on_reboot / on_crash setting asks for. */
enum xl_action { XL_ACTION_DESTROY, XL_ACTION_RESTART, XL_ACTION_PRESERVE, XL_ACTION_RENAME_RESTART };

#define XL_TYPE_HVM 0
#define XL_TYPE_PVH 1

/* A domain as its configuration describes it (the keys xl.cfg(5) defines that HyperLab knows). */
struct xl_domain_config {
    char name[XLCFG_NAME_MAX];          /* mandatory */
    int type;                           /* XL_TYPE_*: type = "hvm" | "pvh" (default hvm) */
    uint32_t memory_mib;                /* memory (default 32) */
    uint32_t maxmem_mib;                /* maxmem (default: memory) */
    int vcpus;                          /* vcpus (default 1) */
    int maxvcpus;                       /* maxvcpus (default: vcpus) */
    uint32_t cpus;                      /* cpus = "0-1" | "all" | "1,3": the pCPUs its vCPUs may use (~0: all) */
    char kernel[XLCFG_PATH_MAX];        /* mandatory */
    char cmdline[XLCFG_CMDLINE_MAX];    /* cmdline, else root= and extra joined as xl joins them */
    uint8_t on_poweroff, on_reboot, on_crash;   /* enum xl_action (defaults destroy, restart, destroy) */
    int disks;
    char disk[XLCFG_LIST_MAX][XLCFG_PATH_MAX];  /* disk = [...]: each spec as written */
    int unknown;                        /* settings xl.cfg(5) has no key for (named in `warning`) */
    char warning[XLCFG_ERROR];
};

/*
 * The domain `cfg` describes, checked: mandatory keys, types, ranges
 * (1..8 vCPUs, 8 MiB to 1 GiB of memory). 0, or -1 with `error` (XLCFG_ERROR
 * bytes) saying which key is wrong and why.
 */
int xl_domain_config(const struct xlcfg *cfg, struct xl_domain_config *dc, char *error);

#endif

/*
 * xlcfg.c: xl.cfg(5) files read and checked (xlcfg.h). A hand-written
 * scanner and a recursive-descent parser over the text; nothing is
 * allocated: keys and strings go into the struct's own text pool.
 */
#include "xlcfg.h"
#include "string.h"
#include "format.h"

#define MIN_MEMORY_MIB 8
#define MAX_MEMORY_MIB 1024
#define MAX_VCPUS      8
#define MAX_PCPUS      32

enum token { T_END, T_NEWLINE, T_KEY, T_STRING, T_NUMBER, T_EQUALS, T_PLUS_EQUALS, T_LBRACKET, T_RBRACKET,
             T_COMMA, T_BAD };

struct scanner {
    struct xlcfg *cfg;
    const char *source;
    const char *p, *end;
    int line;
    enum token token;
    const char *start;                  /* the token's text, for messages */
    uint32_t length;
    const char *string;                 /* T_KEY, T_STRING: in the pool */
    uint32_t number;
    int error;
};

void xlcfg_init(struct xlcfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
}

/* Copies n bytes into the pool, terminated; 0 if it is full. */
static char *pool_add(struct xlcfg *cfg, const char *text, uint32_t n)
{
    if (n + 1 > XLCFG_TEXT - cfg->text_used)
        return 0;
    char *at = cfg->text + cfg->text_used;
    memcpy(at, text, n);
    at[n] = 0;
    cfg->text_used += n + 1;
    return at;
}

static int fail(struct scanner *s, const char *message)
{
    if (!s->error) {
        uint32_t n = s->length > 40 ? 40 : s->length;
        if (s->token == T_END)
            snprintf(s->cfg->error, XLCFG_ERROR, "%s:%d: config parsing error near end of file: %s", s->source,
                     s->line, message);
        else if (s->token == T_NEWLINE)
            snprintf(s->cfg->error, XLCFG_ERROR, "%s:%d: config parsing error near end of line: %s", s->source,
                     s->line, message);
        else {
            char near[48];
            memcpy(near, s->start, n);
            near[n] = 0;
            snprintf(s->cfg->error, XLCFG_ERROR, "%s:%d: config parsing error near `%s': %s", s->source, s->line,
                     near, message);
        }
    }
    s->error = 1;
    return -1;
}

static int is_key_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_key_char(char c) { return is_key_start(c) || (c >= '0' && c <= '9'); }

static int scan_string(struct scanner *s)
{
    char quote = *s->p++;
    char buffer[XLCFG_PATH_MAX * 2];
    uint32_t n = 0;
    while (s->p < s->end && *s->p != quote && *s->p != '\n') {
        char c = *s->p++;
        if (c == '\\' && quote == '"' && s->p < s->end) {
            char e = *s->p++;
            c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
        }
        if (n + 1 >= sizeof buffer)
            return T_BAD;
        buffer[n++] = c;
    }
    if (s->p >= s->end || *s->p != quote)
        return T_BAD;               /* unterminated */
    s->p++;
    s->string = pool_add(s->cfg, buffer, n);
    return s->string ? T_STRING : T_BAD;
}

static int scan_number(struct scanner *s)
{
    uint32_t base = 10, value = 0;
    if (s->p + 1 < s->end && s->p[0] == '0' && (s->p[1] == 'x' || s->p[1] == 'X')) {
        base = 16;
        s->p += 2;
    } else if (s->p[0] == '0')
        base = 8;
    int digits = 0;
    for (; s->p < s->end; s->p++, digits++) {
        char c = *s->p;
        uint32_t d = c >= '0' && c <= '9' ? (uint32_t)(c - '0')
                   : c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (uint32_t)(c - 'A' + 10) : 99;
        if (d == 99 && is_key_char(c))
            return T_BAD;           /* 12abc */
        if (d == 99)
            break;
        if (d >= base || value > (0xffffffffu - d) / base)
            return T_BAD;           /* 09, or too big */
        value = value * base + d;
    }
    if (base == 16 && digits == 0)
        return T_BAD;
    s->number = value;
    return T_NUMBER;
}

static void next(struct scanner *s)
{
    if (s->token == T_NEWLINE && s->start && *s->start == '\n')
        s->line++;                      /* the line it ended is behind us */
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r'))
        s->p++;
    if (s->p < s->end && *s->p == '#')
        while (s->p < s->end && *s->p != '\n')
            s->p++;
    s->start = s->p;
    if (s->p >= s->end)
        s->token = T_END;
    else {
        char c = *s->p;
        if (c == '\n' || c == ';') {
            s->p++;
            s->token = T_NEWLINE;
        } else if (c == '=') {
            s->p++;
            s->token = T_EQUALS;
        } else if (c == '+' && s->p + 1 < s->end && s->p[1] == '=') {
            s->p += 2;
            s->token = T_PLUS_EQUALS;
        } else if (c == '[' || c == ']' || c == ',') {
            s->p++;
            s->token = c == '[' ? T_LBRACKET : c == ']' ? T_RBRACKET : T_COMMA;
        } else if (c == '"' || c == '\'')
            s->token = scan_string(s);
        else if (c >= '0' && c <= '9')
            s->token = scan_number(s);
        else if (is_key_start(c)) {
            while (s->p < s->end && is_key_char(*s->p))
                s->p++;
            s->string = pool_add(s->cfg, s->start, (uint32_t)(s->p - s->start));
            s->token = s->string ? T_KEY : T_BAD;
        } else {
            s->p++;
            s->token = T_BAD;
        }
    }
    s->length = (uint32_t)(s->p - s->start);
    if (s->token == T_BAD && s->length == 0)
        s->length = 1;
}

/* A string or number at the scanner, into *v. */
static int value(struct scanner *s, struct xlcfg_value *v)
{
    if (s->token == T_STRING) {
        v->type = XLCFG_STRING;
        v->text = s->string;
    } else if (s->token == T_NUMBER) {
        v->type = XLCFG_NUMBER;
        v->number = s->number;
        v->text = pool_add(s->cfg, s->start, s->length);
        if (!v->text)
            return fail(s, "the file is too big");
    } else if (s->token == T_BAD && (*s->start == '"' || *s->start == '\''))
        return fail(s, "unterminated string");
    else
        return fail(s, "syntax error");
    next(s);
    return 0;
}

static int list(struct scanner *s, struct xlcfg_setting *setting)
{
    next(s);                            /* [ */
    for (;;) {
        while (s->token == T_NEWLINE && *s->start != ';')
            next(s);
        if (s->token == T_RBRACKET)
            break;
        if (setting->count == XLCFG_LIST_MAX)
            return fail(s, "too many items in the list");
        if (value(s, &setting->items[setting->count]) < 0)
            return -1;
        setting->count++;
        while (s->token == T_NEWLINE && *s->start != ';')
            next(s);
        if (s->token == T_COMMA)
            next(s);
        else if (s->token != T_RBRACKET)
            return fail(s, "syntax error");
    }
    next(s);                            /* ] */
    return 0;
}

static struct xlcfg_setting *find(struct xlcfg *cfg, const char *key)
{
    for (int i = 0; i < cfg->count; i++)
        if (strcmp(cfg->settings[i].key, key) == 0)
            return &cfg->settings[i];
    return 0;
}

static int setting(struct scanner *s)
{
    const char *key = s->string;
    int line = s->line;
    next(s);
    int append = s->token == T_PLUS_EQUALS;
    if (s->token != T_EQUALS && !append)
        return fail(s, "syntax error");
    next(s);
    struct xlcfg_setting fresh;
    memset(&fresh, 0, sizeof fresh);
    fresh.key = key;
    fresh.source = s->source;
    fresh.line = line;
    if (s->token == T_LBRACKET) {
        fresh.type = XLCFG_LIST;
        if (list(s, &fresh) < 0)
            return -1;
    } else {
        if (value(s, &fresh.value) < 0)
            return -1;
        fresh.type = fresh.value.type;
    }
    if (s->token != T_NEWLINE && s->token != T_END)
        return fail(s, "syntax error");
    struct xlcfg_setting *old = find(s->cfg, key);
    if (append && old) {
        if (old->type != XLCFG_LIST)
            return fail(s, "+= needs a list");
        int items = fresh.type == XLCFG_LIST ? fresh.count : 1;
        if (old->count + items > XLCFG_LIST_MAX)
            return fail(s, "too many items in the list");
        for (int i = 0; i < items; i++)
            old->items[old->count++] = fresh.type == XLCFG_LIST ? fresh.items[i] : fresh.value;
        return 0;
    }
    if (append && fresh.type != XLCFG_LIST) {   /* += of one value to nothing: a list of it */
        fresh.items[0] = fresh.value;
        fresh.count = 1;
        fresh.type = XLCFG_LIST;
    }
    if (old)
        *old = fresh;
    else if (s->cfg->count == XLCFG_SETTINGS)
        return fail(s, "too many settings");
    else
        s->cfg->settings[s->cfg->count++] = fresh;
    return 0;
}

int xlcfg_read(struct xlcfg *cfg, const char *source, const char *text, uint32_t n)
{
    struct scanner s = { .cfg = cfg, .source = source, .p = text, .end = text + n, .line = 1 };
    cfg->error[0] = 0;
    next(&s);
    while (s.token != T_END && !s.error) {
        if (s.token == T_NEWLINE)
            next(&s);
        else if (s.token == T_KEY)
            setting(&s);
        else if (s.token == T_BAD && (*s.start == '"' || *s.start == '\''))
            fail(&s, "unterminated string");
        else
            fail(&s, "syntax error");
    }
    return s.error ? -1 : 0;
}

const struct xlcfg_setting *xlcfg_find(const struct xlcfg *cfg, const char *key)
{
    return find((struct xlcfg *)cfg, key);
}

/* ---- what the settings mean ---- */

static const char *const known_keys[] = {
    "name", "type", "builder", "memory", "maxmem", "vcpus", "maxvcpus", "cpus", "kernel", "cmdline", "root",
    "extra", "on_poweroff", "on_reboot", "on_crash", "on_watchdog", "disk", "uuid",
};

/* Where a setting came from, for a message: "line 3", or "command line" for an override. */
static const char *place(const struct xlcfg_setting *s, char *text, uint32_t size)
{
    if (s->source && strcmp(s->source, XLCFG_COMMAND_LINE) == 0)
        return XLCFG_COMMAND_LINE;
    snprintf(text, size, "line %d", s->line);
    return text;
}

static int reject(char *error, const struct xlcfg_setting *s, const char *why)
{
    char where[24];
    snprintf(error, XLCFG_ERROR, "%s (%s): %s", s->key, place(s, where, sizeof where), why);
    return -1;
}

static int get_string(const struct xlcfg *cfg, const char *key, char *out, uint32_t size, char *error)
{
    const struct xlcfg_setting *s = xlcfg_find(cfg, key);
    if (!s)
        return 0;
    if (s->type != XLCFG_STRING)
        return reject(error, s, "must be a \"string\"");
    if (strlen(s->value.text) >= size)
        return reject(error, s, "is too long");
    strlcpy(out, s->value.text, size);
    return 1;
}

/* A number, given as NUMBER or as a string of digits (xl takes both); `fallback` when missing. */
static int get_number(const struct xlcfg *cfg, const char *key, uint32_t fallback, uint32_t low, uint32_t high,
                      uint32_t *out, char *error)
{
    const struct xlcfg_setting *s = xlcfg_find(cfg, key);
    char range[64];
    *out = fallback;
    if (!s)
        return 0;
    if (s->type == XLCFG_NUMBER)
        *out = s->value.number;
    else if (s->type == XLCFG_STRING && s->value.text[0]) {
        uint32_t v = 0;
        for (const char *p = s->value.text; *p; p++) {
            if (*p < '0' || *p > '9' || v > 100000000u)
                return reject(error, s, "must be a number");
            v = v * 10 + (uint32_t)(*p - '0');
        }
        *out = v;
    } else
        return reject(error, s, "must be a number");
    if (*out < low || *out > high) {
        snprintf(range, sizeof range, "must be from %u to %u", (unsigned)low, (unsigned)high);
        return reject(error, s, range);
    }
    return 1;
}

static int get_action(const struct xlcfg *cfg, const char *key, uint8_t fallback, uint8_t *out, char *error)
{
    static const char *const names[] = { "destroy", "restart", "preserve", "rename-restart" };
    char text[32];
    *out = fallback;
    int found = get_string(cfg, key, text, sizeof text, error);
    if (found <= 0)
        return found;
    for (uint8_t i = 0; i < 4; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return 1;
        }
    if (strncmp(text, "coredump-", 9) == 0)
        return reject(error, xlcfg_find(cfg, key), "coredump-* is not supported here");
    return reject(error, xlcfg_find(cfg, key), "must be destroy, restart, rename-restart or preserve");
}

/* cpus = "all" | "N" | "N-M" | "N,M-K,...": a mask of pCPUs. */
static int parse_cpus(const char *text, uint32_t *mask)
{
    if (strcmp(text, "all") == 0) {
        *mask = ~0u;
        return 0;
    }
    *mask = 0;
    const char *p = text;
    while (*p) {
        uint32_t first = 0, last;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            first = first * 10 + (uint32_t)(*p++ - '0');
        last = first;
        if (*p == '-') {
            p++;
            if (*p < '0' || *p > '9')
                return -1;
            last = 0;
            while (*p >= '0' && *p <= '9')
                last = last * 10 + (uint32_t)(*p++ - '0');
        }
        if (first > last || last >= MAX_PCPUS)
            return -1;
        for (uint32_t i = first; i <= last; i++)
            *mask |= 1u << i;
        if (*p == ',')
            p++;
        else if (*p)
            return -1;
    }
    return *mask ? 0 : -1;
}

int xl_domain_config(const struct xlcfg *cfg, struct xl_domain_config *dc, char *error)
{
    uint32_t n;
    char text[XLCFG_CMDLINE_MAX];
    memset(dc, 0, sizeof *dc);
    error[0] = 0;
    if (get_string(cfg, "name", dc->name, sizeof dc->name, error) < 0)
        return -1;
    if (!dc->name[0]) {
        snprintf(error, XLCFG_ERROR, "name: missing: a domain must have a name");
        return -1;
    }
    for (const char *p = dc->name; *p; p++)
        if (*p <= ' ' || *p > '~' || *p == '/')
            return reject(error, xlcfg_find(cfg, "name"), "may hold printable characters only, no spaces or '/'");
    int found = get_string(cfg, "type", text, sizeof text, error);
    if (found < 0)
        return -1;
    dc->type = XL_TYPE_HVM;
    if (found && strcmp(text, "pvh") == 0)
        dc->type = XL_TYPE_PVH;
    else if (found && strcmp(text, "hvm") != 0)
        return reject(error, xlcfg_find(cfg, "type"), strcmp(text, "pv") == 0
                      ? "classic PV needs a paravirtualized MMU, which RISC-V Xen does not have: use \"pvh\" or \"hvm\""
                      : "must be \"hvm\" or \"pvh\"");
    if (get_number(cfg, "memory", 32, MIN_MEMORY_MIB, MAX_MEMORY_MIB, &dc->memory_mib, error) < 0 ||
        get_number(cfg, "maxmem", dc->memory_mib, MIN_MEMORY_MIB, MAX_MEMORY_MIB, &dc->maxmem_mib, error) < 0)
        return -1;
    if (dc->maxmem_mib < dc->memory_mib)
        return reject(error, xlcfg_find(cfg, "maxmem"), "is less than memory");
    if (get_number(cfg, "vcpus", 1, 1, MAX_VCPUS, &n, error) < 0)
        return -1;
    dc->vcpus = (int)n;
    if (get_number(cfg, "maxvcpus", n, 1, MAX_VCPUS, &n, error) < 0)
        return -1;
    dc->maxvcpus = (int)n;
    if (dc->maxvcpus < dc->vcpus)
        return reject(error, xlcfg_find(cfg, "maxvcpus"), "is less than vcpus");
    dc->cpus = ~0u;
    const struct xlcfg_setting *cpus = xlcfg_find(cfg, "cpus");
    if (cpus) {
        int bad = 1;
        if (cpus->type == XLCFG_NUMBER && cpus->value.number < MAX_PCPUS) {
            dc->cpus = 1u << cpus->value.number;
            bad = 0;
        } else if (cpus->type == XLCFG_STRING)
            bad = parse_cpus(cpus->value.text, &dc->cpus) < 0;
        if (bad)
            return reject(error, cpus, "must be \"all\", a pCPU, a range \"N-M\" or a list \"N,M\"");
    }
    if (get_string(cfg, "kernel", dc->kernel, sizeof dc->kernel, error) < 0)
        return -1;
    if (!dc->kernel[0]) {
        snprintf(error, XLCFG_ERROR, "kernel: missing: the kernel file to boot (in domain 0, e.g. \"/boot/kernel.elf\")");
        return -1;
    }
    found = get_string(cfg, "cmdline", dc->cmdline, sizeof dc->cmdline, error);
    if (found < 0)
        return -1;
    if (!found) {                       /* root= and extra, joined as xl joins them */
        char root[XLCFG_CMDLINE_MAX], extra[XLCFG_CMDLINE_MAX];
        root[0] = extra[0] = 0;
        if (get_string(cfg, "root", root, sizeof root, error) < 0 || get_string(cfg, "extra", extra, sizeof extra, error) < 0)
            return -1;
        snprintf(dc->cmdline, sizeof dc->cmdline, "%s%s%s%s", root[0] ? "root=" : "", root, root[0] && extra[0] ? " " : "",
                 extra);
    }
    if (get_action(cfg, "on_poweroff", XL_ACTION_DESTROY, &dc->on_poweroff, error) < 0 ||
        get_action(cfg, "on_reboot", XL_ACTION_RESTART, &dc->on_reboot, error) < 0 ||
        get_action(cfg, "on_crash", XL_ACTION_DESTROY, &dc->on_crash, error) < 0)
        return -1;
    const struct xlcfg_setting *disk = xlcfg_find(cfg, "disk");
    if (disk) {
        if (disk->type != XLCFG_LIST)
            return reject(error, disk, "must be a list: disk = [ 'spec', ... ]");
        for (int i = 0; i < disk->count; i++) {
            if (disk->items[i].type != XLCFG_STRING || strlen(disk->items[i].text) >= XLCFG_PATH_MAX)
                return reject(error, disk, "each disk is a 'string' (xl-disk-configuration(5))");
            strlcpy(dc->disk[dc->disks++], disk->items[i].text, XLCFG_PATH_MAX);
        }
    }
    for (int i = 0; i < cfg->count; i++) {
        int known = 0;
        for (uint32_t k = 0; k < sizeof known_keys / sizeof known_keys[0]; k++)
            known |= strcmp(cfg->settings[i].key, known_keys[k]) == 0;
        char where[24];
        if (!known && dc->unknown++ == 0)
            snprintf(dc->warning, sizeof dc->warning, "warning: %s (%s) is not a setting xl knows: ignored",
                     cfg->settings[i].key, place(&cfg->settings[i], where, sizeof where));
    }
    return 0;
}

/*
 * mgmt.c: the management protocol (mgmt.h): a request line parsed as a
 * flat JSON object, acted on through xc.h and xl.h, answered with one
 * JSON line built in a fixed buffer.
 */
#include "mgmt.h"
#include "xl.h"
#include "string.h"
#include "format.h"

#define MAX_FIELDS   12
#define REPLY_MAX    8192
#define MAX_DOMAINS  16
#define TEXT_MAX     1536               /* a string field's bytes (an xl.cfg) */

/* ---- reading a request: one object of strings, numbers, booleans and null ---- */

enum field_kind { F_STRING, F_NUMBER, F_BOOL, F_NULL };

struct field {
    char key[24];
    int kind;
    long number;
    int number_ok;                      /* an integer that fits */
    char text[TEXT_MAX];
};

struct request {
    int count;
    struct field fields[MAX_FIELDS];
};

struct parser {
    const char *p, *end;
    const char *error;
};

static void skip_space(struct parser *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
        s->p++;
}

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A JSON string at s->p into out (size bytes); \u escapes beyond ASCII become '?'. */
static int parse_string(struct parser *s, char *out, uint32_t size)
{
    uint32_t n = 0;
    if (s->p >= s->end || *s->p != '"')
        return s->error = "expected a string", -1;
    s->p++;
    while (s->p < s->end && *s->p != '"') {
        char c = *s->p++;
        if ((unsigned char)c < 0x20)
            return s->error = "a control character in a string", -1;
        if (c == '\\') {
            if (s->p >= s->end)
                break;
            char e = *s->p++;
            switch (e) {
            case '"': case '\\': case '/': c = e; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int d = s->p < s->end ? hex(*s->p++) : -1;
                    if (d < 0)
                        return s->error = "a bad \\u escape", -1;
                    code = code * 16 + d;
                }
                c = code < 0x80 ? (char)code : '?';
                break;
            }
            default:
                return s->error = "a bad escape in a string", -1;
            }
        }
        if (n + 1 >= size)
            return s->error = "a string too long", -1;
        out[n++] = c;
    }
    if (s->p >= s->end)
        return s->error = "an unterminated string", -1;
    s->p++;
    out[n] = 0;
    return 0;
}

static int parse_value(struct parser *s, struct field *f)
{
    if (s->p >= s->end)
        return s->error = "a value missing", -1;
    char c = *s->p;
    if (c == '"') {
        f->kind = F_STRING;
        return parse_string(s, f->text, sizeof f->text);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *start = s->p;
        int negative = c == '-', digits = 0, integer = 1;
        long value = 0;
        if (negative)
            s->p++;
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
            if (value > 100000000L)
                integer = 0;
            value = value * 10 + (*s->p++ - '0');
            digits++;
        }
        while (s->p < s->end && (*s->p == '.' || *s->p == 'e' || *s->p == 'E' || *s->p == '+' || *s->p == '-' ||
                                 (*s->p >= '0' && *s->p <= '9'))) {
            integer = 0;
            s->p++;
        }
        if (!digits)
            return s->error = "a bad number", -1;
        f->kind = F_NUMBER;
        f->number = negative ? -value : value;
        f->number_ok = integer;
        uint32_t n = (uint32_t)(s->p - start) < sizeof f->text - 1 ? (uint32_t)(s->p - start) : sizeof f->text - 1;
        memcpy(f->text, start, n);
        f->text[n] = 0;
        return 0;
    }
    static const char *const words[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++) {
        uint32_t n = (uint32_t)strlen(words[i]);
        if ((uint32_t)(s->end - s->p) >= n && strncmp(s->p, words[i], n) == 0) {
            s->p += n;
            f->kind = i == 2 ? F_NULL : F_BOOL;
            f->number = i == 0;
            return 0;
        }
    }
    if (c == '{' || c == '[')
        return s->error = "nested objects and arrays are not taken here", -1;
    return s->error = "not JSON", -1;
}

static int parse_request(const char *line, uint32_t length, struct request *r, const char **error)
{
    struct parser s = { .p = line, .end = line + length };
    r->count = 0;
    skip_space(&s);
    if (s.p >= s.end || *s.p != '{')
        return *error = "a request is a JSON object", -1;
    s.p++;
    skip_space(&s);
    if (s.p < s.end && *s.p == '}')
        s.p++;
    else
        for (;;) {
            if (r->count == MAX_FIELDS)
                return *error = "too many fields", -1;
            struct field *f = &r->fields[r->count];
            skip_space(&s);
            if (parse_string(&s, f->key, sizeof f->key) < 0)
                return *error = s.error, -1;
            skip_space(&s);
            if (s.p >= s.end || *s.p != ':')
                return *error = "expected ':'", -1;
            s.p++;
            skip_space(&s);
            if (parse_value(&s, f) < 0)
                return *error = s.error, -1;
            r->count++;
            skip_space(&s);
            if (s.p < s.end && *s.p == ',') {
                s.p++;
                continue;
            }
            if (s.p < s.end && *s.p == '}') {
                s.p++;
                break;
            }
            return *error = "expected ',' or '}'", -1;
        }
    skip_space(&s);
    if (s.p != s.end)
        return *error = "something after the object", -1;
    return 0;
}

static const struct field *get(const struct request *r, const char *key)
{
    for (int i = 0; i < r->count; i++)
        if (strcmp(r->fields[i].key, key) == 0)
            return &r->fields[i];
    return 0;
}

/* ---- writing a reply ---- */

static char reply[REPLY_MAX];
static uint32_t used;
static int overflow;

static void put(const char *text)
{
    uint32_t n = (uint32_t)strlen(text);
    if (used + n + 2 > REPLY_MAX) {
        overflow = 1;
        return;
    }
    memcpy(reply + used, text, n);
    used += n;
}

static void putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void putf(const char *fmt, ...)
{
    char piece[96];
    va_list args;
    va_start(args, fmt);
    vsnprintf(piece, sizeof piece, fmt, args);
    va_end(args);
    put(piece);
}

static void put_string(const char *text)
{
    char one[8];
    put("\"");
    for (; *text; text++) {
        unsigned char c = (unsigned char)*text;
        if (c == '"' || c == '\\') {
            one[0] = '\\';
            one[1] = (char)c;
            one[2] = 0;
        } else if (c == '\n')
            strlcpy(one, "\\n", sizeof one);
        else if (c < 0x20 || c >= 0x7f)
            snprintf(one, sizeof one, "\\u%04x", c);
        else {
            one[0] = (char)c;
            one[1] = 0;
        }
        put(one);
    }
    put("\"");
}

static void put_u64(uint64_t value)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    char out[24];
    for (int i = 0; i < n; i++)
        out[i] = digits[n - 1 - i];
    out[n] = 0;
    put(out);
}

static void begin(const struct field *id)
{
    used = 0;
    overflow = 0;
    put("{\"v\":1,\"id\":");
    if (!id || id->kind == F_NULL || id->kind == F_BOOL)
        put("null");
    else if (id->kind == F_STRING)
        put_string(id->text);
    else
        put(id->text);
}

static void send(void)
{
    if (overflow) {                     /* never a cut line: say so instead */
        used = 0;
        overflow = 0;
        put("{\"v\":1,\"id\":null,\"ok\":false,\"error\":{\"code\":\"E2BIG\",\"message\":\"the reply did not fit\"}}");
    }
    reply[used++] = '\n';
    mgmt_write(reply, used);
}

static void fail(const struct field *id, const char *code, const char *message)
{
    begin(id);
    put(",\"ok\":false,\"error\":{\"code\":");
    put_string(code);
    put(",\"message\":");
    put_string(message);
    put("}}");
    send();
}

static const char *errno_name(long error)
{
    switch (-error) {
    case XEN_EPERM: return "EPERM";
    case XEN_ENOENT: return "ENOENT";
    case XEN_ESRCH: return "ESRCH";
    case XEN_ENOMEM: return "ENOMEM";
    case XEN_EACCES: return "EACCES";
    case XEN_EFAULT: return "EFAULT";
    case XEN_EBUSY: return "EBUSY";
    case XEN_EEXIST: return "EEXIST";
    case XEN_EINVAL: return "EINVAL";
    case XEN_ENOSPC: return "ENOSPC";
    case XEN_ENOSYS: return "ENOSYS";
    default: return "EIO";
    }
}

/* ---- what the hypervisor counted ---- */

static const char *const cause_names[HYPERLAB_EXIT_SLOTS] = {
    [0] = "instruction address misaligned", [1] = "instruction access fault", [2] = "illegal instruction",
    [3] = "breakpoint", [4] = "load address misaligned", [5] = "load access fault",
    [6] = "store address misaligned", [7] = "store access fault", [8] = "ecall from VU",
    [10] = "ecall from VS", [12] = "instruction page fault", [13] = "load page fault", [15] = "store page fault",
    [20] = "instruction guest-page fault", [21] = "load guest-page fault", [22] = "virtual instruction",
    [23] = "store guest-page fault", [32 + 1] = "supervisor software interrupt",
    [32 + 5] = "supervisor timer interrupt", [32 + 9] = "supervisor external interrupt",
};

static const char *const sbi_names[HYPERLAB_SBI_SLOTS] = {
    "base", "time", "ipi", "rfence", "hsm", "srst", "dbcn", "legacy", "other",
};

static const char *hypercall_name(int n)
{
    switch (n) {
    case __HYPERVISOR_memory_op: return "memory_op";
    case __HYPERVISOR_xen_version: return "xen_version";
    case __HYPERVISOR_console_io: return "console_io";
    case __HYPERVISOR_grant_table_op: return "grant_table_op";
    case __HYPERVISOR_vcpu_op: return "vcpu_op";
    case __HYPERVISOR_sched_op: return "sched_op";
    case __HYPERVISOR_event_channel_op: return "event_channel_op";
    case __HYPERVISOR_hvm_op: return "hvm_op";
    case __HYPERVISOR_sysctl: return "sysctl";
    case __HYPERVISOR_domctl: return "domctl";
    default: return 0;
    }
}

static long vcpu_stats(domid_t domid, uint32_t vcpu, struct hyperlab_vcpu_stats *stats)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_hyperlab_vcpustats;
    op.domain = domid;
    op.u.vcpustats.vcpu = vcpu;
    op.u.vcpustats.size = sizeof *stats;
    op.u.vcpustats.stats.p = (uint32_t)(uintptr_t)stats;
    return xc_domctl(&op);
}

/* Sums of a domain's vCPUs' counts. */
static struct hyperlab_vcpu_stats sum;

static void put_counts(const char *key, const uint32_t *counts, int n, const char *(*name)(int))
{
    int first = 1;
    putf(",\"%s\":{", key);
    for (int i = 0; i < n; i++) {
        const char *label = name(i);
        if (!counts[i] || !label)
            continue;
        put(first ? "" : ",");
        put_string(label);
        putf(":%u", (unsigned)counts[i]);
        first = 0;
    }
    put("}");
}

static const char *cause_label(int i) { return cause_names[i] ? cause_names[i] : (i == HYPERLAB_EXIT_SLOTS - 1 ? "other" : 0); }
static const char *sbi_label(int i) { return sbi_names[i]; }
static const char *hypercall_label(int i) { return hypercall_name(i) ? hypercall_name(i) : (i == HYPERCALL_COUNT - 1 ? "other" : 0); }

static void put_domain(const struct xen_domctl_getdomaininfo *d)
{
    static const char reasons[][12] = { "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset" };
    uint32_t flags = d->flags, reason = flags >> XEN_DOMINF_shutdownshift & 0xff;
    int shutdown = (flags & XEN_DOMINF_shutdown) != 0;
    const char *name = xl_name_of(d->domain);
    char state[8];
    snprintf(state, sizeof state, "%c%c%c%c%c%c", flags & XEN_DOMINF_running ? 'r' : '-',
             flags & XEN_DOMINF_blocked ? 'b' : '-', flags & XEN_DOMINF_paused ? 'p' : '-', shutdown ? 's' : '-',
             shutdown && reason < 6 ? "-rscwS"[reason] : '-', flags & XEN_DOMINF_dying ? 'd' : '-');
    putf("{\"id\":%u,\"name\":", (unsigned)d->domain);
    if (name)
        put_string(name);
    else
        put("null");
    put(",\"state\":");
    put_string(state);
    putf(",\"paused\":%s,\"shutdown\":%s,\"dying\":%s,\"shutdownReason\":", flags & XEN_DOMINF_paused ? "true" : "false",
         shutdown ? "true" : "false", flags & XEN_DOMINF_dying ? "true" : "false");
    if (shutdown && reason < 6)
        put_string(reasons[reason]);
    else
        put("null");
    putf(",\"memKiB\":%u,\"maxMemKiB\":%u,\"cpuTimeNs\":", (unsigned)(d->tot_pages * 4), (unsigned)(d->max_pages * 4));
    put_u64(d->cpu_time);
    put(",\"vcpus\":[");
    memset(&sum, 0, sizeof sum);
    for (uint32_t v = 0; d->max_vcpu_id != XEN_INVALID_MAX_VCPU_ID && v <= d->max_vcpu_id; v++) {
        struct xen_domctl_getvcpuinfo info;
        struct hyperlab_vcpu_stats stats;
        uint32_t hard = 0;
        if (xc_vcpu_getinfo(d->domain, v, &info) < 0)
            continue;
        xc_vcpu_affinity(d->domain, v, &hard, 0);
        putf("%s{\"id\":%u,\"online\":%s,\"running\":%s,\"blocked\":%s,\"cpu\":%u,\"timeNs\":", v ? "," : "",
             (unsigned)v, info.online ? "true" : "false", info.running ? "true" : "false",
             info.blocked ? "true" : "false", (unsigned)info.cpu);
        put_u64(info.cpu_time);
        putf(",\"affinity\":%u}", (unsigned)hard);
        if (vcpu_stats(d->domain, v, &stats) == 0) {
            for (int i = 0; i < HYPERLAB_EXIT_SLOTS; i++)
                sum.exits[i] += stats.exits[i];
            for (int i = 0; i < HYPERLAB_SBI_SLOTS; i++)
                sum.sbi[i] += stats.sbi[i];
            for (int i = 0; i < HYPERCALL_COUNT; i++)
                sum.hypercalls[i] += stats.hypercalls[i];
            sum.mmio_uart += stats.mmio_uart;
            sum.mmio_plic += stats.mmio_plic;
            sum.events += stats.events;
            sum.sends += stats.sends;
            sum.wfi += stats.wfi;
            sum.time_hv_ns += stats.time_hv_ns;
        }
    }
    put("]");
    put_counts("exits", sum.exits, HYPERLAB_EXIT_SLOTS, cause_label);
    put_counts("sbi", sum.sbi, HYPERLAB_SBI_SLOTS, sbi_label);
    put_counts("hypercalls", sum.hypercalls, HYPERCALL_COUNT, hypercall_label);
    putf(",\"events\":%u,\"sends\":%u,\"wfi\":%u,\"mmio\":{\"uart\":%u,\"plic\":%u},\"hypervisorNs\":",
         (unsigned)sum.events, (unsigned)sum.sends, (unsigned)sum.wfi, (unsigned)sum.mmio_uart, (unsigned)sum.mmio_plic);
    put_u64(sum.time_hv_ns);
    put("}");
}

static struct xen_domctl_getdomaininfo infos[MAX_DOMAINS];


static void put_domains(long count)
{
    put("\"domains\":[");
    for (long i = 0; i < count; i++) {
        put(i ? "," : "");
        put_domain(&infos[i]);
    }
    put("]");
}

/* ---- the operations ---- */

/* The domain a request names ("domain": an id or a name), or -1 having replied why. */
static int target(const struct request *r, const struct field *id)
{
    const struct field *f = get(r, "domain");
    if (!f || (f->kind != F_NUMBER && f->kind != F_STRING)) {
        fail(id, "bad-argument", "\"domain\" (an id or a name) is missing");
        return -1;
    }
    int domid = f->kind == F_NUMBER && (!f->number_ok || f->number < 0) ? -1 : xl_domain_named(f->text);
    if (domid >= 0)
        return domid;
    char message[96];
    snprintf(message, sizeof message, "no domain %s", f->text);
    fail(id, "ESRCH", message);
    return -1;
}

static void ok_empty(const struct field *id)
{
    begin(id);
    put(",\"ok\":true,\"result\":{}}");
    send();
}

static void done(const struct field *id, long error, const char *what)
{
    if (error < 0)
        fail(id, errno_name(error), what);
    else
        ok_empty(id);
}

static int subscribed;
static uint32_t last_digest;

static uint32_t digest(long count)
{
    uint32_t h = 2166136261u;
    for (long i = 0; i < count; i++) {
        uint32_t words[4] = { infos[i].domain, infos[i].flags & ~(XEN_DOMINF_running | XEN_DOMINF_blocked),
                              (uint32_t)infos[i].tot_pages, infos[i].nr_online_vcpus };
        for (int w = 0; w < 4; w++)
            h = (h ^ words[w]) * 16777619u;
    }
    return h;
}

static void op_create(const struct request *r, const struct field *id)
{
    static struct xlcfg cfg;
    static struct xl_domain_config dc;
    static char error[XLCFG_ERROR];
    const struct field *config = get(r, "config");
    if (!config || config->kind != F_STRING) {
        fail(id, "bad-argument", "\"config\" (the xl.cfg text) is missing");
        return;
    }
    xlcfg_init(&cfg);
    if (xlcfg_read(&cfg, "config", config->text, (uint32_t)strlen(config->text)) < 0) {
        fail(id, "bad-config", cfg.error);
        return;
    }
    if (xl_domain_config(&cfg, &dc, error) < 0) {
        fail(id, "bad-config", error);
        return;
    }
    if (xl_domain_named(dc.name) >= 0) {
        snprintf(error, sizeof error, "Domain with name \"%s\" already exists.", dc.name);   /* xl's words */
        fail(id, "EEXIST", error);
        return;
    }
    long domid = xl_create_domain(&dc, 0);
    if (domid >= 0)
        xl_watch((domid_t)domid, &dc);
    if (domid < 0) {
        fail(id, errno_name(domid), "the domain could not be built (domain 0's console says why)");
        return;
    }
    begin(id);
    putf(",\"ok\":true,\"result\":{\"domid\":%ld,\"name\":", domid);
    put_string(dc.name);
    if (dc.unknown) {
        put(",\"warning\":");
        put_string(dc.warning);
    }
    put("}}");
    send();
}

static void op_sched_credit(const struct request *r, const struct field *id, int domid)
{
    const struct field *weight = get(r, "weight"), *cap = get(r, "cap");
    struct xen_domctl op;
    if ((weight && (weight->kind != F_NUMBER || !weight->number_ok || weight->number < 1 || weight->number > 65535)) ||
        (cap && (cap->kind != F_NUMBER || !cap->number_ok || cap->number < 0 || cap->number > 65534))) {
        fail(id, "bad-argument", "weight is 1..65535, cap 0..65534 (% of one pCPU, 0: none)");
        return;
    }
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_scheduler_op;
    op.domain = (domid_t)domid;
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    if (weight || cap) {
        op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
        op.u.scheduler_op.u.credit.weight = (uint16_t)(weight ? weight->number : 0);
        op.u.scheduler_op.u.credit.cap = (uint16_t)(cap ? cap->number : 0xffff);
        long error = xc_domctl(&op);
        if (error < 0) {
            fail(id, errno_name(error), "scheduler_op putinfo refused");
            return;
        }
    }
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    long error = xc_domctl(&op);
    if (error < 0) {
        fail(id, errno_name(error), "scheduler_op getinfo refused");
        return;
    }
    begin(id);
    putf(",\"ok\":true,\"result\":{\"weight\":%u,\"cap\":%u}}", (unsigned)op.u.scheduler_op.u.credit.weight,
         (unsigned)op.u.scheduler_op.u.credit.cap);
    send();
}

static void op_host(const struct field *id)
{
    struct xen_sysctl_physinfo p;
    static xen_extraversion_t extra;
    long error = xc_physinfo(&p);
    if (error < 0) {
        fail(id, errno_name(error), "physinfo refused");
        return;
    }
    long version = xc_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    xc_hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uint32_t)(uintptr_t)extra, 0);
    begin(id);
    putf(",\"ok\":true,\"result\":{\"nrCpus\":%u,\"cpuKhz\":%u,\"totalMemKiB\":%u,\"freeMemKiB\":%u,", (unsigned)p.nr_cpus,
         (unsigned)p.cpu_khz, (unsigned)(p.total_pages * 4), (unsigned)(p.free_pages * 4));
    putf("\"xenVersion\":\"%u.%u%s\",\"scheduler\":\"credit\",\"capabilities\":[\"hvm\",\"hap\"]}}",
         (unsigned)((uint32_t)version >> 16), (unsigned)((uint32_t)version & 0xffff), extra);
    send();
}

const char *mgmt_line(struct mgmt_lines *l, char c, uint32_t *length)
{
    if (c == '\r')
        return 0;
    if (c != '\n') {
        if (l->length < MGMT_LINE_MAX)
            l->line[l->length++] = c;
        else
            l->too_long = 1;
        return 0;
    }
    if (l->length == 0 && !l->too_long)
        return 0;
    l->line[l->length] = 0;
    *length = l->too_long ? MGMT_LINE_MAX + 1 : l->length;
    l->length = 0;
    l->too_long = 0;
    return l->line;
}

void mgmt_handle_line(const char *line, uint32_t length)
{
    static struct request r;
    const char *error = 0;
    if (length > MGMT_LINE_MAX) {
        fail(0, "bad-request", "a request is one line of at most 2048 bytes");
        return;
    }
    if (parse_request(line, length, &r, &error) < 0) {
        fail(0, "bad-json", error);
        return;
    }
    const struct field *id = get(&r, "id"), *v = get(&r, "v"), *op = get(&r, "op");
    if (!v || v->kind != F_NUMBER || v->number != MGMT_PROTOCOL) {
        fail(id, "bad-version", "this daemon speaks version 1: {\"v\":1,...}");
        return;
    }
    if (!op || op->kind != F_STRING) {
        fail(id, "bad-request", "\"op\" (a string) is missing");
        return;
    }
    const char *name = op->text;
    int domid;
    if (strcmp(name, "hello") == 0) {
        begin(id);
        put(",\"ok\":true,\"result\":{\"protocol\":1,\"daemon\":\"hyperlab-mgmt\",\"ops\":[\"hello\",\"host\",\"list\","
            "\"create\",\"destroy\",\"shutdown\",\"reboot\",\"pause\",\"unpause\",\"mem-max\",\"sched-credit\","
            "\"subscribe\",\"unsubscribe\"]}}");
        send();
    } else if (strcmp(name, "host") == 0)
        op_host(id);
    else if (strcmp(name, "list") == 0) {
        long count = xc_domain_list(infos, MAX_DOMAINS);
        if (count < 0) {
            fail(id, errno_name(count), "getdomaininfolist refused");
            return;
        }
        begin(id);
        put(",\"ok\":true,\"result\":{");
        put_domains(count);
        put("}}");
        send();
    } else if (strcmp(name, "create") == 0)
        op_create(&r, id);
    else if (strcmp(name, "subscribe") == 0 || strcmp(name, "unsubscribe") == 0) {
        subscribed = name[0] == 's';
        last_digest = 0;
        ok_empty(id);
    } else if (strcmp(name, "mem-set") == 0 || strcmp(name, "vcpu-set") == 0)
        fail(id, "ENOSYS", "needs the guest's pv drivers (balloon, vCPU hotplug), which HyperLab's guests do not have yet");
    else if (strcmp(name, "destroy") == 0 || strcmp(name, "shutdown") == 0 || strcmp(name, "reboot") == 0 ||
             strcmp(name, "pause") == 0 || strcmp(name, "unpause") == 0 || strcmp(name, "mem-max") == 0 ||
             strcmp(name, "sched-credit") == 0) {
        if ((domid = target(&r, id)) < 0)
            return;
        if (strcmp(name, "pause") == 0)
            done(id, domid == 0 ? -XEN_EINVAL : xc_domain_pause((domid_t)domid),
                 domid == 0 ? "domain 0 does not pause itself" : "pausedomain refused");
        else if (strcmp(name, "unpause") == 0)
            done(id, xc_domain_unpause((domid_t)domid), "it is not paused");
        else if (strcmp(name, "destroy") == 0)
            done(id, domid == 0 ? -XEN_EPERM : xl_destroy_domain((domid_t)domid),
                 domid == 0 ? "domain 0 is not destroyed" : "destroydomain refused: it is on its way out");
        else if (strcmp(name, "mem-max") == 0) {
            const struct field *kib = get(&r, "kib");
            if (!kib || kib->kind != F_NUMBER || !kib->number_ok || kib->number <= 0)
                fail(id, "bad-argument", "\"kib\" (the most memory, in KiB) is missing");
            else
                done(id, xl_set_max_mem((domid_t)domid, (uint64_t)kib->number),
                     "max_mem refused: a multiple of 4 KiB up to 1 GiB");
        } else if (strcmp(name, "sched-credit") == 0)
            op_sched_credit(&r, id, domid);
        else {
            struct sched_remote_shutdown rs = { .domain_id = (domid_t)domid,
                                                .reason = name[0] == 'r' ? SHUTDOWN_reboot : SHUTDOWN_poweroff };
            done(id, domid == 0 ? -XEN_EPERM
                     : xc_hypercall(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, (uint32_t)(uintptr_t)&rs, 0),
                 domid == 0 ? "domain 0 is shut down from its own shell" : "remote_shutdown refused");
        }
    } else {
        char message[96];
        snprintf(message, sizeof message, "no operation \"%s\" (\"hello\" lists them)", name);
        fail(id, "unknown-op", message);
    }
}

void mgmt_poll(void)
{
    if (!subscribed)
        return;
    long count = xc_domain_list(infos, MAX_DOMAINS);
    if (count < 0)
        return;
    uint32_t now = digest(count);
    if (now == last_digest)
        return;
    last_digest = now;
    used = 0;
    overflow = 0;
    put("{\"v\":1,\"event\":\"domains\",");
    put_domains(count);
    put("}");
    send();
}

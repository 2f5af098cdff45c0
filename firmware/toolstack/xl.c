/*
 * xl.c: the `xl` commands (xl.h). The formats are xl's own (tools/xl in
 * Xen: xl_info.c, xl_vcpu.c, xl_sched.c), column for column, so that what
 * a student reads here reads the same on a Xen host.
 */
#include <stdarg.h>
#include "xl.h"
#include "string.h"
#include "format.h"

#define MAX_DOMAINS   16
#define MAX_PCPUS     32
#define NS_PER_TENTH  100000000ull
#define DMESG_CHUNK   256
#define XL_ERROR      1                 /* xl's EXIT_FAILURE */

static const char *const shutdown_letters = "-rscwS";   /* poweroff reboot suspend crash watchdog soft_reset */

/* Seconds with one decimal, as xl's %N.1f, from nanoseconds. */
static void seconds(char *out, uint32_t size, uint64_t ns, int width)
{
    uint64_t tenths = ns / NS_PER_TENTH;
    char number[24];
    snprintf(number, sizeof number, "%u.%u", (unsigned)(tenths / 10), (unsigned)(tenths % 10));
    uint32_t n = 0;
    for (int pad = width - (int)strlen(number); pad > 0 && n + 1 < size; pad--)
        out[n++] = ' ';
    strlcpy(out + n, number, size - n);
}

static const char *name_or_null(domid_t domid)
{
    const char *name = xl_name_of(domid);
    return name ? name : "(null)";
}

/* The domain `which` names, by id or by name: its id, or -1 if there is none. */
int xl_domain_named(const char *which)
{
    struct xen_domctl_getdomaininfo info;
    uint32_t id = 0;
    const char *p = which;
    for (; *p >= '0' && *p <= '9' && id < 0x10000; p++)
        id = id * 10 + (uint32_t)(*p - '0');
    if (*which && !*p && id < DOMID_FIRST_RESERVED && xc_domain_getinfo((domid_t)id, &info) == 0)
        return (int)id;
    if (*which && *p)
        for (uint32_t d = 0; d < MAX_DOMAINS; d++) {
            const char *name = xl_name_of((domid_t)d);
            if (name && strcmp(name, which) == 0 && xc_domain_getinfo((domid_t)d, &info) == 0)
                return (int)d;
        }
    return -1;
}

/* The domain a command line names: its id, or -1 having said so as xl does. */
static int find_domain(const char *which)
{
    int domid = xl_domain_named(which);
    if (domid < 0)
        xl_print("%s is an invalid domain identifier (rc=-6)\n", which);
    return domid;
}

static struct xen_domctl_getdomaininfo infos_top[MAX_DOMAINS];


/* ---- xl list ---- */

static void list_row(const struct xen_domctl_getdomaininfo *d)
{
    char time[16];
    uint32_t flags = d->flags, reason = flags >> XEN_DOMINF_shutdownshift & 0xff;
    int shutdown = (flags & XEN_DOMINF_shutdown) != 0;
    seconds(time, sizeof time, d->cpu_time, 8);
    xl_print("%-40s %5u %5u %5u     %c%c%c%c%c%c  %s\n", name_or_null(d->domain), (unsigned)d->domain,
             (unsigned)(d->tot_pages * 4 / 1024), (unsigned)d->nr_online_vcpus,
             flags & XEN_DOMINF_running ? 'r' : '-', flags & XEN_DOMINF_blocked ? 'b' : '-',
             flags & XEN_DOMINF_paused ? 'p' : '-', shutdown ? 's' : '-',
             shutdown && reason < 6 ? shutdown_letters[reason] : '-', flags & XEN_DOMINF_dying ? 'd' : '-', time);
}

static const char *const action_names[] = { "destroy", "restart", "preserve", "rename-restart" };

/* Text put together piece by piece; `used` goes past `size` when it did not fit. */
struct buffer {
    char *text;
    uint32_t size, used;
};

static void append(struct buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(struct buffer *b, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(b->text + (b->used < b->size ? b->used : b->size), b->used < b->size ? b->size - b->used : 0,
                      fmt, args);
    va_end(args);
    b->used += n > 0 ? (uint32_t)n : 0;
}

int xl_config_text(const struct xl_domain_config *c, char *out, uint32_t size)
{
    struct buffer b = { out, size, 0 };
    append(&b, "name = \"%s\"\ntype = \"%s\"\nmemory = %u\nmaxmem = %u\nvcpus = %d\nmaxvcpus = %d\n", c->name,
           c->type == XL_TYPE_PVH ? "pvh" : "hvm", (unsigned)c->memory_mib, (unsigned)c->maxmem_mib, c->vcpus,
           c->maxvcpus);
    if (c->cpus != ~0u) {
        append(&b, "cpus = \"");
        for (int cpu = 0, first = 1; cpu < 32; cpu++)
            if (c->cpus >> cpu & 1) {
                append(&b, "%s%d", first ? "" : ",", cpu);
                first = 0;
            }
        append(&b, "\"\n");
    }
    append(&b, "kernel = \"%s\"\n", c->kernel);
    if (c->cmdline[0])
        append(&b, "cmdline = \"%s\"\n", c->cmdline);
    append(&b, "on_poweroff = \"%s\"\non_reboot = \"%s\"\non_crash = \"%s\"\n", action_names[c->on_poweroff & 3],
           action_names[c->on_reboot & 3], action_names[c->on_crash & 3]);
    return b.used < size ? (int)b.used : -1;
}

/* A JSON string: text with its quotes and backslashes escaped. */
static void json_string(const char *text)
{
    xl_print("\"");
    for (const char *c = text; *c; c++)
        xl_print(*c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
    xl_print("\"");
}

/*
 * One entry of `xl list -l`: libxl's domain configuration as JSON, from
 * the config xl kept for the domain; for one it did not build (Domain-0,
 * a domain the hypervisor built at boot) what the hypervisor knows.
 */
static void list_long_entry(const struct xen_domctl_getdomaininfo *d, int last)
{
    static struct xlcfg cfg;
    static struct xl_domain_config c;
    char error[XLCFG_ERROR];
    const char *text = xl_saved_config(d->domain);
    xlcfg_init(&cfg);
    int known = text && xlcfg_read(&cfg, "saved", text, (uint32_t)strlen(text)) == 0 &&
                xl_domain_config(&cfg, &c, error) == 0;
    const uint8_t *u = d->handle;
    xl_print("    {\n        \"domid\": %u,\n        \"config\": {\n            \"c_info\": {\n", (unsigned)d->domain);
    xl_print("                \"type\": \"%s\",\n                \"name\": ", known && c.type == XL_TYPE_PVH ? "pvh" : "hvm");
    json_string(name_or_null(d->domain));
    xl_print(",\n                \"uuid\": \"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\"\n",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    xl_print("            },\n            \"b_info\": {\n                \"max_vcpus\": %u,\n", (unsigned)(d->max_vcpu_id + 1));
    xl_print("                \"max_memkb\": %u,\n                \"target_memkb\": %u",
             (unsigned)(known ? c.maxmem_mib * 1024 : d->max_pages * 4),
             (unsigned)(known ? c.memory_mib * 1024 : d->tot_pages * 4));
    if (known) {
        xl_print(",\n                \"kernel\": ");
        json_string(c.kernel);
        if (c.cmdline[0]) {
            xl_print(",\n                \"cmdline\": ");
            json_string(c.cmdline);
        }
        xl_print(",\n                \"type.%s\": {\n                }\n            },\n", c.type == XL_TYPE_PVH ? "pvh" : "hvm");
        xl_print("            \"on_poweroff\": \"%s\",\n            \"on_reboot\": \"%s\",\n            \"on_crash\": \"%s\"\n",
                 action_names[c.on_poweroff & 3], action_names[c.on_reboot & 3], action_names[c.on_crash & 3]);
    } else {
        xl_print("\n            }\n");
    }
    xl_print("        }\n    }%s\n", last ? "" : ",");
}

static int cmd_list(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo infos[MAX_DOMAINS];
    int only = -1, verbose = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-l") == 0 || strcmp(argv[i], "--long") == 0) {
            verbose = 1;
            continue;
        }
        if (argv[i][0] == '-') {
            xl_print("xl list: option %s is not supported here\n", argv[i]);
            return XL_ERROR;
        }
        if ((only = find_domain(argv[i])) < 0)
            return XL_ERROR;
    }
    long count = xc_domain_list(infos, MAX_DOMAINS);
    if (count < 0) {
        xl_print("libxl: error: getdomaininfolist failed (%ld)\n", count);
        return XL_ERROR;
    }
    if (verbose) {
        long shown = 0, total = only < 0 ? count : 1;
        xl_print("[\n");
        for (long i = 0; i < count; i++)
            if (only < 0 || infos[i].domain == (domid_t)only)
                list_long_entry(&infos[i], ++shown == total);
        xl_print("]\n");
        return 0;
    }
    xl_print("Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
    for (long i = 0; i < count; i++)
        if (only < 0 || infos[i].domain == (domid_t)only)
            list_row(&infos[i]);
    return 0;
}

/* ---- xl info ---- */

static void info_line(const char *key, const char *value)
{
    xl_print("%-23s: %s\n", key, value);
}

static int cmd_info(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct xen_sysctl_physinfo p;
    static xen_capabilities_info_t caps;
    static struct xen_compile_info compile;
    static xen_extraversion_t extra;
    static xen_changeset_info_t changeset;
    char text[96];
    if (xc_physinfo(&p) < 0) {
        xl_print("libxl: error: physinfo failed\n");
        return XL_ERROR;
    }
    long version = xc_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    xc_hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uint32_t)(uintptr_t)extra, 0);
    xc_hypercall(__HYPERVISOR_xen_version, XENVER_capabilities, (uint32_t)(uintptr_t)caps, 0);
    xc_hypercall(__HYPERVISOR_xen_version, XENVER_compile_info, (uint32_t)(uintptr_t)&compile, 0);
    xc_hypercall(__HYPERVISOR_xen_version, XENVER_changeset, (uint32_t)(uintptr_t)changeset, 0);
    struct xen_sysctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_SYSCTL_sched_id;
    xc_sysctl(&op);

    info_line("host", "hyperlab");
    info_line("machine", "riscv32");
#define NUMBER(key, value) do { snprintf(text, sizeof text, "%u", (unsigned)(value)); info_line(key, text); } while (0)
    NUMBER("nr_cpus", p.nr_cpus);
    NUMBER("max_cpu_id", p.max_cpu_id);
    NUMBER("nr_nodes", p.nr_nodes);
    NUMBER("cores_per_socket", p.cores_per_socket);
    NUMBER("threads_per_core", p.threads_per_core);
    NUMBER("cpu_mhz", p.cpu_khz / 1000);
    info_line("hw_caps", "00000000:00000000:00000000:00000000:00000000:00000000:00000000:00000000");
    snprintf(text, sizeof text, "%s%s", p.capabilities & XEN_SYSCTL_PHYSCAP_hvm ? "hvm" : "",
             p.capabilities & XEN_SYSCTL_PHYSCAP_hap ? " hap" : "");
    info_line("virt_caps", text);
    NUMBER("total_memory", (uint32_t)(p.total_pages / 256));
    NUMBER("free_memory", (uint32_t)(p.free_pages / 256));
    NUMBER("sharing_freed_memory", 0);
    NUMBER("sharing_used_memory", 0);
    NUMBER("outstanding_claims", (uint32_t)p.outstanding_pages);
    NUMBER("free_cpus", 0);
    NUMBER("xen_major", (uint32_t)version >> 16);
    NUMBER("xen_minor", (uint32_t)version & 0xffff);
    info_line("xen_extra", extra);
    snprintf(text, sizeof text, "%u.%u%s", (unsigned)((uint32_t)version >> 16), (unsigned)((uint32_t)version & 0xffff),
             extra);
    info_line("xen_version", text);
    info_line("xen_caps", caps);
    info_line("xen_scheduler", op.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT ? "credit" : "unknown");
    NUMBER("xen_pagesize", (uint32_t)xc_hypercall(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0));
    snprintf(text, sizeof text, "virt_start=0x%x", (unsigned)GUEST_XEN_BASE);
    info_line("platform_params", text);
    info_line("xen_changeset", changeset);
    info_line("xen_commandline", "");
    info_line("cc_compiler", compile.compiler);
    info_line("cc_compile_by", compile.compile_by);
    info_line("cc_compile_domain", compile.compile_domain);
    info_line("cc_compile_date", compile.compile_date);
    info_line("build_id", "");
    NUMBER("xend_config_format", 4);
#undef NUMBER
    return 0;
}

/* ---- vCPUs ---- */

/* A pCPU mask as xl prints one: "all", "N", "N-M", "N,M". */
static void cpu_list(char *out, uint32_t size, uint32_t mask, uint32_t online)
{
    if ((mask & online) == online) {
        strlcpy(out, "all", size);
        return;
    }
    uint32_t n = 0;
    out[0] = 0;
    for (int i = 0; i < MAX_PCPUS; i++) {
        if (!(mask >> i & 1) || (i > 0 && mask >> (i - 1) & 1))
            continue;
        int last = i;
        while (last + 1 < MAX_PCPUS && mask >> (last + 1) & 1)
            last++;
        n += (uint32_t)snprintf(out + n, size > n ? size - n : 0, n ? ",%d" : "%d", i);
        if (last > i)
            n += (uint32_t)snprintf(out + n, size > n ? size - n : 0, "-%d", last);
    }
}

static uint32_t online_pcpus(void)
{
    struct xen_sysctl_physinfo p;
    if (xc_physinfo(&p) < 0 || p.nr_cpus == 0)
        return 1;
    return p.nr_cpus >= 32 ? ~0u : (1u << p.nr_cpus) - 1;
}

static void vcpu_rows(const struct xen_domctl_getdomaininfo *d, uint32_t online)
{
    for (uint32_t v = 0; d->max_vcpu_id != XEN_INVALID_MAX_VCPU_ID && v <= d->max_vcpu_id; v++) {
        struct xen_domctl_getvcpuinfo info;
        uint32_t hard = 0;
        char time[16], cpus[64], cpu[8];
        if (xc_vcpu_getinfo(d->domain, v, &info) < 0)
            continue;
        xc_vcpu_affinity(d->domain, v, &hard, 0);
        seconds(time, sizeof time, info.cpu_time, 9);
        cpu_list(cpus, sizeof cpus, hard, online);
        snprintf(cpu, sizeof cpu, "%u", (unsigned)info.cpu);
        xl_print("%-32s %5u %5u %5s %5s %s  %s / all\n", name_or_null(d->domain), (unsigned)d->domain, (unsigned)v,
                 info.online ? cpu : "-",
                 !info.online ? "--p" : info.running ? "r--" : info.blocked ? "-b-" : "---", time, cpus);
    }
}

static int cmd_vcpu_list(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo infos[MAX_DOMAINS];
    int only = argc > 1 ? find_domain(argv[1]) : -1;
    if (argc > 1 && only < 0)
        return XL_ERROR;
    long count = xc_domain_list(infos, MAX_DOMAINS);
    if (count < 0)
        return XL_ERROR;
    uint32_t online = online_pcpus();
    xl_print("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
             "Affinity (Hard / Soft)");
    for (long i = 0; i < count; i++)
        if (only < 0 || infos[i].domain == (domid_t)only)
            vcpu_rows(&infos[i], online);
    return 0;
}

static int parse_cpus(const char *text, uint32_t *mask)
{
    static struct xlcfg cfg;
    static struct xl_domain_config dc;
    static char error[XLCFG_ERROR], line[80];
    snprintf(line, sizeof line, "name='x'\nkernel='k'\ncpus=\"%s\"\n", text);
    xlcfg_init(&cfg);
    if (xlcfg_read(&cfg, "vcpu-pin", line, (uint32_t)strlen(line)) < 0 || xl_domain_config(&cfg, &dc, error) < 0)
        return -1;
    *mask = dc.cpus;
    return 0;
}

static int cmd_vcpu_pin(int argc, char **argv)
{
    if (argc < 4) {
        xl_print("Usage: xl vcpu-pin <Domain> <VCPU|all> <CPUs|all> [CPUs|all]\n");
        return XL_ERROR;
    }
    int domid = find_domain(argv[1]);
    if (domid < 0)
        return XL_ERROR;
    uint32_t mask;
    if (parse_cpus(argv[3], &mask) < 0) {
        xl_print("Invalid CPU specification: %s\n", argv[3]);
        return XL_ERROR;
    }
    struct xen_domctl_getdomaininfo info;
    xc_domain_getinfo((domid_t)domid, &info);
    int all = strcmp(argv[2], "all") == 0;
    uint32_t vcpu = 0;
    for (const char *p = argv[2]; !all && *p; p++) {
        if (*p < '0' || *p > '9' || vcpu > 1000) {
            xl_print("Invalid vcpu specification: %s\n", argv[2]);
            return XL_ERROR;
        }
        vcpu = vcpu * 10 + (uint32_t)(*p - '0');
    }
    for (uint32_t v = all ? 0 : vcpu; v <= (all ? info.max_vcpu_id : vcpu); v++) {
        uint32_t hard = mask;
        long error = xc_vcpu_affinity((domid_t)domid, v, &hard, 1);
        if (error < 0) {
            xl_print("libxl: error: Setting vcpu affinity: %s\n", error == -XEN_EINVAL ? "Invalid argument" : "failed");
            return XL_ERROR;
        }
    }
    return 0;
}

/* ---- scheduling, memory ---- */

static int cmd_sched_credit(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo infos[MAX_DOMAINS];
    int only = -1;
    long weight = -1, cap = -1;
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : 0;
        if ((strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "-w") == 0 || strcmp(argv[i], "-c") == 0) && !value) {
            xl_print("option requires an argument -- '%c'\n", argv[i][1]);
            return XL_ERROR;
        }
        if (strcmp(argv[i], "-d") == 0) {
            if ((only = find_domain(value)) < 0)
                return XL_ERROR;
        } else if (strcmp(argv[i], "-w") == 0 || strcmp(argv[i], "-c") == 0) {
            long n = 0;
            for (const char *p = value; *p; p++)
                n = *p >= '0' && *p <= '9' && n < 100000 ? n * 10 + (*p - '0') : -1000000;
            if (n < 0 || !*value) {
                xl_print("invalid number: %s\n", value);
                return XL_ERROR;
            }
            *(argv[i][1] == 'w' ? &weight : &cap) = n;
        } else {
            xl_print("xl sched-credit: unknown option %s\n", argv[i]);
            return XL_ERROR;
        }
        i++;
    }
    if ((weight >= 0 || cap >= 0) && only < 0) {
        xl_print("Must specify a domain.\n");
        return XL_ERROR;
    }
    struct xen_domctl op;
    if (weight >= 0 || cap >= 0) {
        if (weight == 0 || weight > 65535 || cap > 65534) {
            xl_print("libxl: error: Cpu weight out of range, valid values are within range from 1 to 65535\n");
            return XL_ERROR;
        }
        memset(&op, 0, sizeof op);
        op.cmd = XEN_DOMCTL_scheduler_op;
        op.domain = (domid_t)only;
        op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
        op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
        op.u.scheduler_op.u.credit.weight = (uint16_t)(weight > 0 ? weight : 0);
        op.u.scheduler_op.u.credit.cap = (uint16_t)(cap >= 0 ? cap : 0xffff);
        return xc_domctl(&op) < 0 ? XL_ERROR : 0;
    }
    long count = xc_domain_list(infos, MAX_DOMAINS);
    xl_print("Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us\n");
    xl_print("Name                                ID Weight  Cap\n");
    for (long i = 0; i < count; i++) {
        if (only >= 0 && infos[i].domain != (domid_t)only)
            continue;
        memset(&op, 0, sizeof op);
        op.cmd = XEN_DOMCTL_scheduler_op;
        op.domain = infos[i].domain;
        op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
        op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
        if (xc_domctl(&op) == 0)
            xl_print("%-33s %4u %6u %4u\n", name_or_null(infos[i].domain), (unsigned)infos[i].domain,
                     (unsigned)op.u.scheduler_op.u.credit.weight, (unsigned)op.u.scheduler_op.u.credit.cap);
    }
    return 0;
}

/* A memory size as xl takes one: a number with an optional b/k/m/g suffix, kilobytes without one. */
static int parse_memory(const char *text, uint64_t *kib)
{
    uint64_t n = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++)
        if ((n = n * 10 + (uint64_t)(*p - '0')) > (1ull << 40))
            return -1;
    if (p == text || (p[0] && p[1]))
        return -1;
    switch (*p) {
    case 'b': case 'B': *kib = n / 1024; break;
    case 0: case 'k': case 'K': *kib = n; break;
    case 'm': case 'M': *kib = n * 1024; break;
    case 'g': case 'G': *kib = n * 1024 * 1024; break;
    default: return -1;
    }
    return 0;
}

long xl_set_max_mem(domid_t domid, uint64_t kib)
{
    return xc_domain_max_mem(domid, kib + (domid ? XC_MAGIC_KIB : 0));
}

static int cmd_mem_max(int argc, char **argv)
{
    uint64_t kib;
    if (argc != 3) {
        xl_print("Usage: xl mem-max <Domain> <MaxMem>\n");
        return XL_ERROR;
    }
    int domid = find_domain(argv[1]);
    if (domid < 0)
        return XL_ERROR;
    if (parse_memory(argv[2], &kib) < 0) {
        xl_print("invalid memory size: %s\n", argv[2]);
        return XL_ERROR;
    }
    if (xl_set_max_mem((domid_t)domid, kib) < 0) {
        xl_print("cannot set domid %d static max memory to : %s\n", domid, argv[2]);
        return XL_ERROR;
    }
    return 0;
}

/* ---- a domain's life ---- */

static int one_domain(int argc, char **argv, const char *usage)
{
    int first = 1;
    while (first < argc && argv[first][0] == '-')
        first++;
    if (first != argc - 1) {
        xl_print("Usage: xl %s\n", usage);
        return -1;
    }
    return find_domain(argv[first]);
}

static int has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return 1;
    return 0;
}

static int cmd_pause(int argc, char **argv)
{
    int domid = one_domain(argc, argv, "pause <Domain>");
    if (domid < 0)
        return XL_ERROR;
    long error = xc_domain_pause((domid_t)domid);
    if (error < 0)
        xl_print("libxl: error: Pausing domain %d: %s\n", domid, domid == 0 ? "cannot pause domain 0 from itself" : "failed");
    return error < 0 ? XL_ERROR : 0;
}

static int cmd_unpause(int argc, char **argv)
{
    int domid = one_domain(argc, argv, "unpause <Domain>");
    if (domid < 0)
        return XL_ERROR;
    long error = xc_domain_unpause((domid_t)domid);
    if (error < 0)
        xl_print("libxl: error: Unpausing domain %d: not paused\n", domid);
    return error < 0 ? XL_ERROR : 0;
}

static int cmd_console(int argc, char **argv)
{
    int domid = one_domain(argc, argv, "console <Domain>");
    if (domid < 0)
        return XL_ERROR;
    if (domid == 0) {
        xl_print("xl console: Domain-0's console is this one\n");
        return XL_ERROR;
    }
    return xl_console_attach((domid_t)domid, 0);
}

static int cmd_destroy(int argc, char **argv)
{
    int domid = one_domain(argc, argv, "destroy [-f] <Domain>");
    if (domid < 0)
        return XL_ERROR;
    if (domid == 0) {
        xl_print("Not destroying domain 0; use -f to force.\n");
        return XL_ERROR;
    }
    long error = xl_destroy_domain((domid_t)domid);
    if (error < 0)
        xl_print("destroy failed (rc=%ld)\n", error);
    return error < 0 ? XL_ERROR : 0;
}

/*
 * shutdown and reboot: a guest without Xen's PV control interface (every
 * HVM guest here, for now) cannot be asked; -F does what Xen's fallback
 * (an ACPI power event) does for it: the domain is made to shut down.
 */
static int shutdown_or_reboot(int argc, char **argv, uint32_t reason, const char *usage)
{
    int domid = one_domain(argc, argv, usage);
    if (domid < 0)
        return XL_ERROR;
    if (!has_flag(argc, argv, "-F")) {
        xl_print("PV control interface not available: external graceful %s not possible.\n"
                 "Use \"-F\" to fallback to ACPI power event.\n", reason == SHUTDOWN_reboot ? "reboot" : "shutdown");
        return XL_ERROR;
    }
    struct sched_remote_shutdown r = { .domain_id = (domid_t)domid, .reason = reason };
    long error = xc_hypercall(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, (uint32_t)(uintptr_t)&r, 0);
    if (error < 0)
        xl_print("%s failed (rc=%ld)\n", reason == SHUTDOWN_reboot ? "reboot" : "shutdown", error);
    return error < 0 ? XL_ERROR : 0;
}

static int cmd_shutdown(int argc, char **argv)
{
    return shutdown_or_reboot(argc, argv, SHUTDOWN_poweroff, "shutdown [-F] <Domain>");
}

static int cmd_reboot(int argc, char **argv)
{
    return shutdown_or_reboot(argc, argv, SHUTDOWN_reboot, "reboot [-F] <Domain>");
}

/* ---- xl uptime ---- */

/* How long, as xl writes it: "H:MM:SS" (hours in two columns), after a count of days if any; -s leaves out the seconds. */
static void uptime_text(char *text, uint32_t size, uint64_t ns, int short_mode)
{
    uint32_t seconds = (uint32_t)(ns / 1000000000ull);
    uint32_t days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60;
    char prefix[24] = "";
    if (days)
        snprintf(prefix, sizeof prefix, "%u day%s, ", (unsigned)days, days > 1 ? "s" : "");
    if (short_mode)
        snprintf(text, size, "%s%2u:%02u", prefix, (unsigned)hours, (unsigned)minutes);
    else
        snprintf(text, size, "%s%2u:%02u:%02u", prefix, (unsigned)hours, (unsigned)minutes, (unsigned)(seconds % 60));
}

/* One domain's line; 0, or -1 if it went meanwhile. */
static int uptime_row(domid_t domid, int short_mode)
{
    uint64_t up = 0, host = 0;
    if (xc_domain_uptime_ns(domid, &up, &host) < 0)
        return -1;
    char text[40];
    uptime_text(text, sizeof text, up, short_mode);
    const char *name = xl_name_of(domid);
    char fallback[16];
    if (name == 0) {
        snprintf(fallback, sizeof fallback, "d%u", (unsigned)domid);
        name = fallback;
    }
    if (short_mode) {
        /* Xen gives the wall-clock time first; this machine has none, so the hypervisor's uptime stands in */
        char now[40];
        uint32_t s = (uint32_t)(host / 1000000000ull);
        snprintf(now, sizeof now, "%02u:%02u:%02u", (unsigned)(s / 3600 % 24), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
        xl_print(" %s up %s, %s (%u)\n", now, text, name, (unsigned)domid);
    } else
        xl_print("%-33s %4u %s\n", name, (unsigned)domid, text);
    return 0;
}

static int cmd_uptime(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo infos[MAX_DOMAINS];
    int short_mode = 0, named = 0, first = 1;
    if (argc > 1 && strcmp(argv[1], "-s") == 0) {
        short_mode = 1;
        first = 2;
    }
    for (int i = first; i < argc; i++)
        if (find_domain(argv[i]) < 0)
            return XL_ERROR;
    if (!short_mode)
        xl_print("%-33s %4s %s\n", "Name", "ID", "Uptime");
    for (int i = first; i < argc; i++, named++)
        uptime_row((domid_t)find_domain(argv[i]), short_mode);
    if (named)
        return 0;
    long count = xc_domain_list(infos, MAX_DOMAINS);
    if (count < 0) {
        xl_print("libxl: error: getdomaininfolist failed (%ld)\n", count);
        return XL_ERROR;
    }
    for (long i = 0; i < count; i++)
        uptime_row(infos[i].domain, short_mode);
    return 0;
}

static int cmd_dmesg(int argc, char **argv)
{
    static char chunk[DMESG_CHUNK + 1];
    int clear = argc > 1 && strcmp(argv[1], "-c") == 0;
    struct xen_sysctl op;
    uint32_t index = 0;
    for (int incremental = 0;; incremental = 1) {
        memset(&op, 0, sizeof op);
        op.cmd = XEN_SYSCTL_readconsole;
        op.u.readconsole.incremental = (uint8_t)incremental;
        op.u.readconsole.index = index;
        op.u.readconsole.buffer.p = (uint32_t)(uintptr_t)chunk;
        op.u.readconsole.count = DMESG_CHUNK;
        if (xc_sysctl(&op) < 0)
            return XL_ERROR;
        if (op.u.readconsole.count == 0)
            break;
        chunk[op.u.readconsole.count] = 0;
        xl_print("%s", chunk);
        index = op.u.readconsole.index;
    }
    if (clear) {
        memset(&op, 0, sizeof op);
        op.cmd = XEN_SYSCTL_readconsole;
        op.u.readconsole.clear = 1;
        op.u.readconsole.incremental = 1;
        op.u.readconsole.index = index;
        op.u.readconsole.buffer.p = (uint32_t)(uintptr_t)chunk;
        xc_sysctl(&op);
    }
    return 0;
}

/* ---- top: xentop's batch view, one screen ---- */

/* A percentage with one decimal, right-aligned in `width`. */
static void percent(char *out, uint32_t size, uint64_t part, uint64_t whole, int width)
{
    uint64_t tenths = whole ? part * 1000 / whole : 0;
    char number[24];
    snprintf(number, sizeof number, "%u.%u", (unsigned)(tenths / 10), (unsigned)(tenths % 10));
    uint32_t n = 0;
    for (int pad = width - (int)strlen(number); pad > 0 && n + 1 < size; pad--)
        out[n++] = ' ';
    strlcpy(out + n, number, size - n);
}

static int cmd_top(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo before[MAX_DOMAINS];
    uint32_t delay_ms = 1000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
            uint32_t n = 0;
            for (const char *p = argv[++i]; *p >= '0' && *p <= '9' && n < 100000; p++)
                n = n * 10 + (uint32_t)(*p - '0');
            delay_ms = n ? n * 1000 : 1000;
        } else if (strcmp(argv[i], "-b") != 0) {
            xl_print("Usage: xl top [-b] [-d SECONDS]  (one screen, xentop's batch form)\n");
            return XL_ERROR;
        }
    }
    long count_before = xc_domain_list(before, MAX_DOMAINS);
    if (count_before < 0)
        return XL_ERROR;
    uint64_t start = xl_now_ns();
    xl_sleep_ms(delay_ms);
    long count = xc_domain_list(infos_top, MAX_DOMAINS);
    uint64_t elapsed = xl_now_ns() - start;
    struct xen_sysctl_physinfo p;
    if (count < 0 || xc_physinfo(&p) < 0)
        return XL_ERROR;
    uint32_t running = 0, blocked = 0, paused = 0, crashed = 0, dying = 0, down = 0;
    for (long i = 0; i < count; i++) {
        uint32_t f = infos_top[i].flags, reason = f >> XEN_DOMINF_shutdownshift & 0xff;
        running += !!(f & XEN_DOMINF_running);
        blocked += !!(f & XEN_DOMINF_blocked);
        paused += !!(f & XEN_DOMINF_paused);
        dying += !!(f & XEN_DOMINF_dying);
        crashed += (f & XEN_DOMINF_shutdown) && reason == SHUTDOWN_crash;
        down += (f & XEN_DOMINF_shutdown) && reason != SHUTDOWN_crash;
    }
    uint64_t total_kib = p.total_pages * 4, free_kib = p.free_pages * 4;
    long version = xc_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    uint64_t seconds_up = start / 1000000000ull;
    xl_print("xentop - %02u:%02u:%02u   Xen %u.%u\n", (unsigned)(seconds_up / 3600 % 24), (unsigned)(seconds_up / 60 % 60),
             (unsigned)(seconds_up % 60), (unsigned)((uint32_t)version >> 16), (unsigned)((uint32_t)version & 0xffff));
    xl_print("%u domains: %u running, %u blocked, %u paused, %u crashed, %u dying, %u shutdown \n", (unsigned)count,
             (unsigned)running, (unsigned)blocked, (unsigned)paused, (unsigned)crashed, (unsigned)dying, (unsigned)down);
    xl_print("Mem: %uk total, %uk used, %uk free    CPUs: %u @ %uMHz\n", (unsigned)total_kib,
             (unsigned)(total_kib - free_kib), (unsigned)free_kib, (unsigned)p.nr_cpus, (unsigned)(p.cpu_khz / 1000));
    xl_print("      NAME  STATE   CPU(sec) CPU(%%)     MEM(k) MEM(%%)  MAXMEM(k) MAXMEM(%%) VCPUS NETS NETTX(k) NETRX(k) "
             "VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n");
    for (long i = 0; i < count; i++) {
        const struct xen_domctl_getdomaininfo *d = &infos_top[i];
        uint64_t was = 0;
        for (long j = 0; j < count_before; j++)
            if (before[j].domain == d->domain)
                was = before[j].cpu_time;
        char name[11];
        strlcpy(name, name_or_null(d->domain), sizeof name);     /* xentop's %10.10s */
        uint32_t f = d->flags, reason = f >> XEN_DOMINF_shutdownshift & 0xff;
        char state[8], cpu[16], mem[16], maxmem[16];
        snprintf(state, sizeof state, "%c%c%c%c%c%c", f & XEN_DOMINF_dying ? 'd' : '-',
                 (f & XEN_DOMINF_shutdown) && reason != SHUTDOWN_crash ? 's' : '-', f & XEN_DOMINF_blocked ? 'b' : '-',
                 (f & XEN_DOMINF_shutdown) && reason == SHUTDOWN_crash ? 'c' : '-', f & XEN_DOMINF_paused ? 'p' : '-',
                 f & XEN_DOMINF_running ? 'r' : '-');
        percent(cpu, sizeof cpu, d->cpu_time > was ? d->cpu_time - was : 0, elapsed, 6);
        percent(mem, sizeof mem, d->tot_pages, p.total_pages, 6);
        percent(maxmem, sizeof maxmem, d->max_pages, p.total_pages, 6);
        xl_print("%10s %6s %10u %s %10u %s %10u %s %5u %4u %8u %8u %4u %8u %8u %8u %10u %10u %4u\n",
                 name, state, (unsigned)(d->cpu_time / 1000000000ull), cpu, (unsigned)(d->tot_pages * 4),
                 mem, (unsigned)(d->max_pages * 4), maxmem, (unsigned)d->nr_online_vcpus, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u,
                 (unsigned)d->ssidref);
    }
    return 0;
}

/* ---- create ---- */

/* Is a command-line word a key=value setting? */
static int is_setting(const char *word)
{
    for (; *word; word++)
        if (*word == '=')
            return 1;
    return 0;
}

/*
 * A new domain's handle (its UUID in Xen): different for every domain this
 * host makes, so that a domain is told apart from a later one with its id.
 */
static void new_handle(xen_domain_handle_t handle, const char *name)
{
    uint64_t now = xl_now_ns();
    uint32_t hash = 2166136261u;
    for (const char *p = name; *p; p++)
        hash = (hash ^ (uint8_t)*p) * 16777619u;
    memset(handle, 0, sizeof(xen_domain_handle_t));
    for (int i = 0; i < 8; i++)
        handle[i] = (uint8_t)(now >> (8 * i));
    for (int i = 0; i < 4; i++)
        handle[8 + i] = (uint8_t)(hash >> (8 * i));
    handle[6] = (uint8_t)((handle[6] & 0x0f) | 0x40);      /* version 4, variant 1, as a random UUID */
    handle[8] = (uint8_t)((handle[8] & 0x3f) | 0x80);
}

long xl_create_domain(const struct xl_domain_config *c, int paused)
{
    static xen_domain_handle_t handle;
    static struct xc_build b;
    struct xen_sysctl_physinfo p;
    const char *why = "";
    if (c->type == XL_TYPE_PVH) {
        xl_print("libxl: error: type \"pvh\" needs the kernel's pv build, which HyperLab does not have yet\n");
        return -XEN_EINVAL;
    }
    if (xl_domain_named(c->name) >= 0) {
        xl_print("libxl: error: Domain with name \"%s\" already exists.\n", c->name);
        return -XEN_EEXIST;
    }
    memset(&b, 0, sizeof b);
    b.kernel = xl_read_file(c->kernel, &b.kernel_size, &why);
    if (!b.kernel) {
        xl_print("libxl: error: failed to read the kernel %s: %s\n", c->kernel, why);
        return -XEN_ENOENT;
    }
    domid_t domid = DOMID_ANY;
    new_handle(handle, c->name);
    long error = xc_domain_create(&domid, handle, (uint32_t)c->maxvcpus);
    if (error < 0) {
        xl_print("libxl: error: cannot make domain: %ld\n", error);
        return error;
    }
    xc_physinfo(&p);
    b.domid = domid;
    b.memory_kib = c->memory_mib * 1024;
    b.vcpus = c->maxvcpus;
    b.bootargs = c->cmdline;
    b.isa = xl_vcpu_isa();
    b.timebase_hz = p.cpu_khz * 1000;
    error = xc_domain_build(&b, &why);
    for (int v = 0; error == 0 && v < c->maxvcpus && c->cpus != ~0u; v++) {
        uint32_t hard = c->cpus;
        error = xc_vcpu_affinity(domid, (uint32_t)v, &hard, 1);
        if (error < 0)
            why = "its cpus are not this host's";
    }
    if (error == 0 && c->maxmem_mib > c->memory_mib)
        error = xl_set_max_mem(domid, c->maxmem_mib * 1024);
    struct xl_store store = { b.store_gfn, 0, b.console_gfn, 0 };
    long console_port = error < 0 ? error : xc_vuart_init(domid, b.console_gfn);
    if (console_port < 0 && error == 0) {
        why = "its console ring was refused";
        error = console_port;
    }
    store.console_port = console_port < 0 ? 0 : (uint32_t)console_port;
    long port = error < 0 ? error : xc_evtchn_alloc_unbound(domid, 0);
    if (port < 0 && error == 0)
        why = "no event channel for its xenstore ring";
    if (port >= 0) {
        store.port = (uint32_t)port;
        error = xc_hvm_param_set(domid, HVM_PARAM_STORE_PFN, store.gfn);
        if (error == 0)
            error = xc_hvm_param_set(domid, HVM_PARAM_STORE_EVTCHN, store.port);
        if (error < 0)
            why = "its xenstore parameters were refused";
    } else
        error = port;
    if (error < 0) {
        xl_print("libxl: error: domain %u: %s (%ld)\n", (unsigned)domid, why, error);
        xc_domain_destroy(domid);
        return error;
    }
    xl_remember(domid, c, &store);
    if (!paused)
        xc_domain_unpause(domid);
    return domid;
}

long xl_destroy_domain(domid_t domid)
{
    xl_forget(domid);
    return xc_domain_destroy(domid);
}

static int cmd_create(int argc, char **argv)
{
    static struct xlcfg cfg;
    static struct xl_domain_config dc;
    static char error[XLCFG_ERROR];
    const char *file = 0, *why = "";
    int paused = 0, console = 0;
    xlcfg_init(&cfg);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-p") == 0)
            paused = 1;
        else if (strcmp(argv[i], "-c") == 0)
            console = 1;
        else if (argv[i][0] == '-') {
            xl_print("xl create: option %s is not supported here\n", argv[i]);
            return XL_ERROR;
        } else if (!file && !is_setting(argv[i]))
            file = argv[i];
    }
    if (!file) {
        xl_print("Usage: xl create <ConfigFile> [options] [vars]\n");
        return XL_ERROR;
    }
    uint32_t size;
    const uint8_t *text = xl_read_file(file, &size, &why);
    if (!text) {
        xl_print("Failed to read config file: %s: %s\n", file, why);
        return XL_ERROR;
    }
    xl_print("Parsing config from %s\n", file);
    if (xlcfg_read(&cfg, file, (const char *)text, size) < 0) {
        xl_print("%s\nFailed to parse config: Invalid argument\n", cfg.error);
        return XL_ERROR;
    }
    for (int i = 1; i < argc; i++)
        if (argv[i] != file && argv[i][0] != '-' && xlcfg_read(&cfg, XLCFG_COMMAND_LINE, argv[i], (uint32_t)strlen(argv[i])) < 0) {
            xl_print("%s\nFailed to parse config: Invalid argument\n", cfg.error);
            return XL_ERROR;
        }
    if (xl_domain_config(&cfg, &dc, error) < 0) {
        xl_print("%s\nFailed to parse config: Invalid argument\n", error);
        return XL_ERROR;
    }
    if (dc.unknown)
        xl_print("%s\n", dc.warning);
    /* -c: attached before it first runs, so that its console shows it from its first byte (then unpaused, unless -p) */
    long domid = xl_create_domain(&dc, paused || console);
    if (domid < 0)
        return XL_ERROR;
    xl_watch((domid_t)domid, &dc);
    return console ? xl_console_attach((domid_t)domid, !paused) : 0;
}

/* ---- the command line ---- */

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    { "create", cmd_create, "Create a domain from config file <filename>" },
    { "list", cmd_list, "List information about all/some domains" },
    { "destroy", cmd_destroy, "Terminate a domain immediately" },
    { "console", cmd_console, "Attach to domain's console" },
    { "shutdown", cmd_shutdown, "Issue a shutdown signal to a domain" },
    { "reboot", cmd_reboot, "Issue a reboot signal to a domain" },
    { "pause", cmd_pause, "Pause execution of a domain" },
    { "unpause", cmd_unpause, "Unpause a paused domain" },
    { "info", cmd_info, "Get information about Xen host" },
    { "vcpu-list", cmd_vcpu_list, "List the VCPUs for all/some domains" },
    { "vcpu-pin", cmd_vcpu_pin, "Set which CPUs a VCPU can use" },
    { "sched-credit", cmd_sched_credit, "Get/set credit scheduler parameters" },
    { "mem-max", cmd_mem_max, "Set the maximum amount reservation for a domain" },
    { "dmesg", cmd_dmesg, "Read and/or clear dmesg buffer" },
    { "uptime", cmd_uptime, "Print uptime for all/some domains" },
    { "top", cmd_top, "Monitor a host and the domains in real time" },
};

static void usage(void)
{
    xl_print("Usage xl [-v] <subcommand> [args]\n\nxl full list of subcommands:\n\n");
    for (uint32_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        xl_print(" %-19s %s\n", commands[i].name, commands[i].summary);
}

int xl_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0) {
        usage();
        return argc < 2 ? XL_ERROR : 0;
    }
    for (uint32_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    xl_print("command not implemented\n");
    usage();
    return XL_ERROR;
}

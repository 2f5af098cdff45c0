/*
 * builder.c: domain 0 building a domain the way Xen's toolstack does
 * (firmware/toolstack/xc.c, the library domain 0's `xl` is to use), with
 * good arguments and bad ones, one line per check ("builder: ok: ..." or
 * "builder: FAIL: ...", then "builder: done: P passed, F failed").
 *
 * With the bootarg `dom0` (booted as domain 0): xl.cfg files read with
 * firmware/toolstack/xlcfg.c (bad ones refused, each with its message),
 * then the domain web.cfg describes built: createdomain, max_mem,
 * populate_physmap, foreign mappings of the new domain's frames, the
 * native kernel (built into this program) loaded into it with its device
 * tree, setvcpucontext, setvcpuaffinity (vCPU 0 on pCPU 1 only) and
 * unpause; the new domain's kernel then answers on its own console, and
 * `xl` commands (firmware/toolstack/xl.c) run against it, each output
 * behind a "# xl ..." line as at a shell. Once
 * a key is typed here (the test has shut that kernel down from its
 * console by then), domain 0 finds the domain kept with its shutdown code,
 * destroys it, and reads a page it still maps of it; giving that mapping
 * back returns the last frame to the hypervisor. Then it powers off.
 *
 * Booted as a DomU it checks that the toolstack's calls are not its own
 * (-EPERM) and then waits for ever.
 */
#include "guest.h"
#include "hypercall.h"
#include "string.h"
#include "fdt.h"
#include "xc.h"
#include "xlcfg.h"
#include "xl.h"
#include "toolstack-env.h"
#include "format.h"
#include "fdt_write.h"

#define BUILT_KIB    16384
#define BUILT_FRAMES (BUILT_KIB / 4 + XC_MAGIC_PAGES)  /* its RAM and the special frames above it (xc.h) */
#define OUTSIDE_GFN  0x90000u                       /* outside every domain's RAM */
#define BAD_POINTER  0x90000000u

extern const uint8_t kernel_file[], kernel_file_end[];  /* builder-kernel.S */

static const char small_cfg[] = "name = \"small\"\nmemory = 8\nkernel = \"/boot/kernel.elf\"\nextra = \"quiet\"\n";

const uint8_t *xl_read_file(const char *path, uint32_t *size, const char **error)
{
    if (strcmp(path, "/boot/kernel.elf") == 0) {
        *size = (uint32_t)(kernel_file_end - kernel_file);
        return kernel_file;
    }
    if (strcmp(path, "/etc/xen/small.cfg") == 0) {
        *size = sizeof small_cfg - 1;
        return (const uint8_t *)small_cfg;
    }
    *error = "No such file or directory";
    return 0;
}

/* Runs an xl command line (words separated by spaces) behind a "# xl ..." line, as typed at a shell. */
static int xl(const char *line)
{
    static char words[160];
    char *argv[12];
    int argc = 0;
    strlcpy(words, line, sizeof words);
    print("# %s\n", line);
    for (char *p = words; *p && argc < 12;) {
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
        while (*p == ' ')
            *p++ = 0;
    }
    int status = xl_main(argc, argv);
    print("builder: xl exit %d\n", status);
    return status;
}

/* ---- checks ---- */

static struct fdt tree;

static long raw_domctl(struct xen_domctl *op)
{
    return hypercall(__HYPERVISOR_domctl, (uint32_t)(uintptr_t)op, 0, 0);
}

static long create(uint32_t domain, uint32_t flags, uint32_t vcpus)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_createdomain;
    op.domain = (domid_t)domain;
    op.u.createdomain.flags = flags;
    op.u.createdomain.max_vcpus = vcpus;
    return xc_domctl(&op);
}

static uint64_t free_pages(void)
{
    struct xen_sysctl_physinfo info;
    return xc_physinfo(&info) == 0 ? info.free_pages : 0;
}

/* One foreign mapping at window slot `slot`: its error. */
static int32_t map_one(domid_t dom, xen_ulong_t gfn, uint64_t gpfn)
{
    int32_t err = 1;
    long error = guest_map_batch(dom, &gfn, &gpfn, 1, &err);
    return error ? (int32_t)error : err;
}

static void bad_creates(void)
{
    const uint32_t ok = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    expect(create(DOMID_ANY, 0, 1), -XEN_EINVAL, "createdomain without CDF_hvm and CDF_hap", "-EINVAL");
    expect(create(DOMID_ANY, ok, 0), -XEN_EINVAL, "createdomain of 0 vCPUs", "-EINVAL");
    expect(create(DOMID_ANY, ok, 9), -XEN_EINVAL, "createdomain of 9 vCPUs", "-EINVAL");
    expect(create(1, ok, 1), -XEN_EEXIST, "createdomain as d1, which exists", "-EEXIST");
    expect(create(0, ok, 1), -XEN_EINVAL, "createdomain as d0", "-EINVAL");
    expect(create(DOMID_SELF, ok, 1), -XEN_EINVAL, "createdomain as DOMID_SELF", "-EINVAL");
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_createdomain;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    op.domain = DOMID_ANY;
    op.u.createdomain.flags = ok;
    op.u.createdomain.max_vcpus = 1;
    expect(raw_domctl(&op), -XEN_EACCES, "createdomain of an older interface", "-EACCES");
}

static void bad_maps(domid_t built, const uint8_t *first_page, xen_ulong_t first_gfn)
{
    const uint64_t slot = (MAP_BASE >> 12) + MAP_SLOTS - 1, ram = GUEST_RAM_BASE >> 12;
    expect(map_one(0, ram + 0x400, slot), -XEN_EINVAL, "foreign map of domain 0's own frame", "-EINVAL");
    expect(map_one(7, ram, slot), -XEN_ESRCH, "foreign map of d7, which is not there", "-ESRCH");
    expect(map_one(built, OUTSIDE_GFN, slot), -XEN_EINVAL, "foreign map of a frame outside its RAM", "-EINVAL");
    expect(map_one(built, ram + BUILT_FRAMES, slot), -XEN_EINVAL, "foreign map of the frame past its RAM",
           "-EINVAL");
    expect(map_one(built, ram + 0x400, ram + 0x500), -XEN_EINVAL, "foreign map into domain 0's RAM, not the window",
           "-EINVAL");
    expect(map_one(built, first_gfn, slot), 0, "foreign map of its kernel's first frame", "0");
    check(memcmp((const void *)(uintptr_t)(slot << 12), first_page, 64) == 0, "that frame through the mapping", 0,
          "the kernel's first bytes");
    expect(map_one(built, ram + 0x401, slot), -XEN_EBUSY, "foreign map where one is already", "-EBUSY");
    expect(guest_unmap_gpfn(slot), 0, "remove_from_physmap of it", "0");
    expect(guest_unmap_gpfn(slot), -XEN_EINVAL, "remove_from_physmap of it again", "-EINVAL");
    expect(guest_unmap_gpfn(ram + 0x500), -XEN_EINVAL, "remove_from_physmap of domain 0's RAM", "-EINVAL");

    static xen_ulong_t gfns[100];
    static uint64_t gpfns[100];
    static int32_t errs[100];
    for (int i = 0; i < 100; i++) {
        gfns[i] = (xen_ulong_t)(ram + 0x400 + i);
        gpfns[i] = (MAP_BASE >> 12) + 1024 + i;
        errs[i] = 1;
    }
    gfns[50] = OUTSIDE_GFN;
    long error = guest_map_batch(built, gfns, gpfns, 100, errs);
    int right = error == 0 && errs[50] == -XEN_EINVAL;
    for (int i = 0; i < 100; i++)
        right &= i == 50 || errs[i] == 0;
    check(right, "a batch of 100 foreign maps, one bad", error, "0, each entry's error in errs, entry 50 -EINVAL");
    int unmapped = 0;
    for (int i = 0; i < 100; i++)
        unmapped += guest_unmap_gpfn(gpfns[i]) == 0;
    check(unmapped == 99, "remove_from_physmap of them", unmapped, "99");
    struct xen_add_to_physmap_batch b;
    memset(&b, 0, sizeof b);
    b.domid = DOMID_SELF;
    b.space = XENMAPSPACE_gmfn_foreign;
    b.size = 1;
    b.foreign_domid = built;
    b.idxs.p = BAD_POINTER;
    b.gpfns.p = (uint32_t)(uintptr_t)gpfns;
    b.errs.p = (uint32_t)(uintptr_t)errs;
    expect(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, (uint32_t)(uintptr_t)&b, 0), -XEN_EFAULT,
           "add_to_physmap_batch with idxs outside its memory", "-EFAULT");
    b.idxs.p = (uint32_t)(uintptr_t)gfns;
    b.space = XENMAPSPACE_shared_info;
    expect(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, (uint32_t)(uintptr_t)&b, 0), -XEN_EINVAL,
           "add_to_physmap_batch of another space", "-EINVAL");
}

static void bad_contexts(domid_t built)
{
    static struct vcpu_guest_context context;
    memset(&context, 0, sizeof context);
    expect(xc_vcpu_setcontext(built, 2, &context), -XEN_EINVAL, "setvcpucontext of vCPU 2 of 2", "-EINVAL");
    context.flags = 1;
    expect(xc_vcpu_setcontext(built, 1, &context), -XEN_EINVAL, "setvcpucontext with unknown flags", "-EINVAL");
    context.flags = 0;
    expect(xc_vcpu_setcontext(0, 0, &context), -XEN_EINVAL, "setvcpucontext of domain 0 itself", "-EINVAL");
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_setvcpucontext;
    op.domain = built;
    op.u.vcpucontext.ctxt.p = BAD_POINTER;
    expect(xc_domctl(&op), -XEN_EFAULT, "setvcpucontext from outside its memory", "-EFAULT");
    expect(xc_vcpu_setcontext(built, 0, &context), -XEN_EBUSY, "setvcpucontext of vCPU 0, started", "-EBUSY");
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_max_vcpus;
    op.domain = built;
    op.u.max_vcpus.max = 1;
    expect(xc_domctl(&op), -XEN_EBUSY, "max_vcpus once vCPU 0 has started", "-EBUSY");
    op.u.max_vcpus.max = 9;
    expect(xc_domctl(&op), -XEN_EINVAL, "max_vcpus of 9", "-EINVAL");
}

static void affinity(domid_t built)
{
    uint32_t hard = 1u << 5;
    expect(xc_vcpu_affinity(built, 0, &hard, 1), -XEN_EINVAL, "vCPU 0 on pCPU 5 only, of 2", "-EINVAL");
    hard = 1u << 1 | 1u << 7;
    long error = xc_vcpu_affinity(built, 0, &hard, 1);
    check(error == 0 && hard == 1u << 1, "vCPU 0 on pCPUs 1 and 7 only", error, "0, in effect pCPU 1 alone");
    hard = 0;
    error = xc_vcpu_affinity(built, 0, &hard, 0);
    check(error == 0 && hard == (1u << 1 | 1u << 7), "getvcpuaffinity", error, "0, pCPUs 1 and 7, as set");
}

static uint32_t dom0_isa_and_timebase(char *isa, uint32_t size)
{
    int cpus = fdt_path(&tree, "/cpus");
    int cpu = fdt_next_child(&tree, cpus, -1);
    const char *found = cpu >= 0 ? fdt_prop(&tree, cpu, "riscv,isa", 0) : 0;
    strlcpy(isa, found ? found : "rv32imac", size);
    return fdt_prop_u32(&tree, cpus, "timebase-frequency", 10000000);
}

/* The domain to build, as /etc/xen/web.cfg would give it, and `xl create web.cfg memory=16`'s override. */
static const char web_cfg[] =
    "# a web server\n"
    "name = \"web\"\n"
    "type = 'hvm'\n"
    "memory = 8          # MiB\n"
    "vcpus = 2; cpus = \"1\"\n"
    "kernel = \"/boot/kernel.elf\"\n"
    "on_crash = 'preserve'\n";
static const char web_override[] = "memory=16";

/* A configuration's verdict: its syntax error, its first wrong key, its warning, or "ok". */
static const char *verdict(const char *text)
{
    static struct xlcfg cfg;
    static struct xl_domain_config dc;
    static char error[XLCFG_ERROR];
    xlcfg_init(&cfg);
    if (xlcfg_read(&cfg, "guest.cfg", text, (uint32_t)strlen(text)) < 0)
        return cfg.error;
    if (xl_domain_config(&cfg, &dc, error) < 0)
        return error;
    return dc.unknown ? dc.warning : "ok";
}

static void configurations(void)
{
    static const struct { const char *text, *expected; } cases[] = {
        { "name = \"a\"\nmemory = = 3\n", "guest.cfg:2: config parsing error near `=': syntax error" },
        { "name = \"unterminated\nkernel = 'k'\n", "guest.cfg:1: config parsing error near `\"unterminated': unterminated string" },
        { "kernel = \"/boot/kernel.elf\"\n", "name: missing: a domain must have a name" },
        { "name = 'x'\nkernel = 'k'\nvcpus = 9\n", "vcpus (line 3): must be from 1 to 8" },
        { "name = 'x'\nkernel = 'k'\nmemory = 0x10\nmaxmem = 8\n", "maxmem (line 4): is less than memory" },
        { "name = 'x'\nkernel = 'k'\nmemroy = 64\n", "warning: memroy (line 3) is not a setting xl knows: ignored" },
        { "name = 'x'\nkernel = 'k'\ntype = 'pv'\n",
          "type (line 3): classic PV needs a paravirtualized MMU, which RISC-V Xen does not have: use \"pvh\" or \"hvm\"" },
        { "name = 'x'\nkernel = 'k'\ndisk = [ 'vdev=xvda, target=/a.img',\n  'vdev=xvdb, target=/b.img', ]\n"
          "on_crash = 'coredump-destroy'\n", "on_crash (line 5): coredump-* is not supported here" },
        { "name = 'x'\nkernel = 'k'\ncpus = \"0-1,5\"\nextra = \"quiet\"; root = \"/dev/vda\"\n", "ok" },
        { "name = 'a/b'\nkernel = 'k'\n", "name (line 1): may hold printable characters only, no spaces or '/'" },
        { "name = 'x' kernel = 'k'\n", "guest.cfg:1: config parsing error near `kernel': syntax error" },
    };
    for (uint32_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = verdict(cases[i].text);
        check(strcmp(got, cases[i].expected) == 0, "an xl.cfg", 0, got);
    }
}

static void as_dom0(void)
{
    static struct xc_build b;
    /* The kernel file's first segment: its bytes in the file and its first frame in the domain. */
    const uint8_t *phdr = kernel_file + *(const uint32_t *)(kernel_file + 28);
    const uint8_t *first_page = kernel_file + *(const uint32_t *)(phdr + 4);
    const xen_ulong_t first_gfn = *(const uint32_t *)(phdr + 12) >> 12;
    const xen_domain_handle_t handle = { 0x48, 0x79, 0x70, 0x65, 0x72, 0x4c, 0x61, 0x62, 1, 2, 3, 4, 5, 6, 7, 8 };
    fdt_parse(&tree, guest_dtb);
    guest_name_domain(1, "bystander");
    configurations();
    static struct xlcfg cfg;
    static struct xl_domain_config dc;
    static char cfg_error[XLCFG_ERROR];
    xlcfg_init(&cfg);
    int parsed = xlcfg_read(&cfg, "/etc/xen/web.cfg", web_cfg, sizeof web_cfg - 1) == 0 &&
                 xlcfg_read(&cfg, "command line", web_override, sizeof web_override - 1) == 0 &&
                 xl_domain_config(&cfg, &dc, cfg_error) == 0;
    check(parsed && strcmp(dc.name, "web") == 0 && dc.memory_mib == 16 && dc.vcpus == 2 && dc.cpus == 1u << 1 &&
          dc.on_crash == XL_ACTION_PRESERVE && dc.on_reboot == XL_ACTION_RESTART,
          "web.cfg with memory=16", parsed, parsed ? "web, 16 MiB, 2 vCPUs on pCPU 1, on_crash preserve" : cfg.error);
    bad_creates();

    domid_t scratch = DOMID_ANY;       /* warms up domain 0's window table, so that free pages add up below */
    xc_domain_create(&scratch, handle, 1);
    xc_domain_max_mem(scratch, 4);
    xc_domain_populate(scratch, GUEST_RAM_BASE >> 12, 1);
    for (uint32_t slot = 0; slot < MAP_SLOTS; slot += MAP_SLOTS / 2) {   /* each 4 MiB of the window has a table */
        expect(map_one(scratch, GUEST_RAM_BASE >> 12, (MAP_BASE >> 12) + slot), 0, "foreign map of a one-page domain", "0");
        expect(guest_unmap_gpfn((MAP_BASE >> 12) + slot), 0, "remove_from_physmap of it", "0");
    }
    expect(xc_domain_destroy(scratch), 0, "destroydomain of a domain that never ran", "0");
    uint64_t free_at_start = free_pages();

    domid_t built = DOMID_ANY;
    long error = xc_domain_create(&built, handle, 2);
    check(error == 0 && built == scratch + 1, "createdomain, DOMID_ANY, 2 vCPUs", error, "d3");   /* ids go up */
    struct xen_domctl_getdomaininfo info;
    error = xc_domain_getinfo(built, &info);
    check(error == 0 && (info.flags & XEN_DOMINF_paused) && info.nr_online_vcpus == 0 && info.tot_pages == 0 &&
          info.max_vcpu_id == 1 && memcmp(info.handle, handle, sizeof handle) == 0,
          "getdomaininfo of it", error, "paused, no vCPU online, no memory, 2 vCPUs, our handle");
    expect(xc_domain_max_mem(built, 3), -XEN_EINVAL, "max_mem of 3 KiB", "-EINVAL");
    expect(xc_domain_max_mem(built, 2u << 20), -XEN_EINVAL, "max_mem of 2 GiB", "-EINVAL");

    b.domid = built;
    b.memory_kib = dc.memory_mib * 1024;
    b.vcpus = dc.vcpus;
    b.bootargs = dc.cmdline;
    b.kernel = kernel_file;
    b.kernel_size = (uint32_t)(kernel_file_end - kernel_file);
    b.timebase_hz = dom0_isa_and_timebase(guest_vcpu_isa, sizeof guest_vcpu_isa);
    b.isa = guest_vcpu_isa;
    const char *why = "";
    error = xc_domain_build(&b, &why);
    check(error == 0, "the native kernel built into d3", error, why[0] ? why : "loaded, its tree written, vCPU 0 set");
    print("builder: d3's kernel at 0x%08x, its tree at 0x%08x\n", (unsigned)b.entry, (unsigned)b.dtb_gpa);
    error = xc_domain_getinfo(built, &info);
    check(error == 0 && info.tot_pages == BUILT_FRAMES && info.max_pages == BUILT_FRAMES && info.nr_online_vcpus == 1,
          "getdomaininfo after the build", (long)info.tot_pages, "4098 pages of 4098, vCPU 0 online");
    expect(xc_domain_populate(built, (GUEST_RAM_BASE >> 12) + BUILT_FRAMES, 1), 0,
           "populate_physmap past max_mem", "0 extents");

    bad_maps(built, first_page, first_gfn);
    bad_contexts(built);
    affinity(built);
    expect(xc_domain_unpause(built), 0, "unpausedomain", "0");
    struct xen_domctl_getvcpuinfo vcpu;
    for (int tries = 0; tries < 200; tries++) {     /* on QEMU, time is the host's: a loaded host is slow */
        sleep_ms(10);
        error = xc_vcpu_getinfo(built, 0, &vcpu);
        if (error || (tries >= 19 && vcpu.cpu_time > 0))
            break;
    }
    check(error == 0 && vcpu.online && vcpu.cpu == 1 && vcpu.cpu_time > 0, "getvcpuinfo of d3's vCPU 0", error,
          "online, ran, on pCPU 1");

    xl_remember(built, &dc, 0);
    expect(xl("xl list"), 0, "xl list", "0");
    expect(xl("xl vcpu-list web"), 0, "xl vcpu-list web", "0");
    expect(xl("xl info"), 0, "xl info", "0");
    expect(xl("xl sched-credit"), 0, "xl sched-credit", "0");
    expect(xl("xl sched-credit -d web -w 512"), 0, "xl sched-credit -d web -w 512", "0");
    expect(xl("xl pause web"), 0, "xl pause web", "0");
    expect(xl("xl list web"), 0, "xl list web, paused", "0");
    expect(xl("xl unpause web"), 0, "xl unpause web", "0");
    expect(xl("xl unpause web"), 1, "xl unpause web again", "1");
    expect(xl("xl pause nosuch"), 1, "xl pause nosuch", "1");
    expect(xl("xl destroy 0"), 1, "xl destroy 0", "1");
    expect(xl("xl shutdown web"), 1, "xl shutdown web, without -F", "1");
    expect(xl("xl vcpu-pin web 0 0-7"), 0, "xl vcpu-pin web 0 0-7", "0");
    expect(xl("xl vcpu-pin web 0 x"), 1, "xl vcpu-pin web 0 x", "1");
    expect(xl("xl vcpu-pin web 0 1"), 0, "xl vcpu-pin web 0 1", "0");
    expect(xl("xl create /etc/xen/nosuch.cfg"), 1, "xl create of a missing file", "1");
    expect(xl("xl create /etc/xen/small.cfg vcpus=9"), 1, "xl create small.cfg vcpus=9", "1");
    expect(xl("xl create /etc/xen/small.cfg"), 0, "xl create small.cfg", "0");
    expect(xl("xl list small"), 0, "xl list small", "0");
    domid_t small = (domid_t)xl_domain_named("small");
    expect(xl("xl destroy small"), 0, "xl destroy small", "0");
    for (int tries = 0; tries < 100 && xc_domain_getinfo(small, &info) == 0; tries++)
        sleep_ms(10);           /* a running domain goes once its vCPUs have left their pCPUs */
    expect(xc_domain_getinfo(small, &info), -XEN_ESRCH, "small after xl destroy", "-ESRCH");
    expect(xl("xl top -b -d 1"), 0, "xl top -b -d 1", "0");
    expect(xl("xl frobnicate"), 1, "xl frobnicate", "1");
    xen_ulong_t kept_gfn = first_gfn;
    int32_t err;
    const uint8_t *kept = xc_map_foreign(built, &kept_gfn, 1, &err);
    check(kept != 0, "a foreign mapping of d3's first kernel page, kept", err, "mapped");

    print("builder: type a key\n");
    char key = 0;
    while (hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 1, (uint32_t)(uintptr_t)&key) != 1)
        sleep_ms(10);
    for (int tries = 0; tries < 500; tries++) {
        if (xc_domain_getinfo(built, &info) != 0 || info.flags & XEN_DOMINF_shutdown)
            break;
        sleep_ms(10);
    }
    check((info.flags & XEN_DOMINF_shutdown) && (info.flags >> XEN_DOMINF_shutdownshift & 0xff) == SHUTDOWN_poweroff,
          "d3 after its halt", (long)info.flags, "kept: shut down, code poweroff, for the toolstack");
    expect(xc_domain_destroy(built), 0, "destroydomain of d3", "0");
    expect(xc_domain_getinfo(built, &info), -XEN_ESRCH, "getdomaininfo of d3 then", "-ESRCH");
    check(kept && memcmp(kept, first_page, 64) == 0, "the kept mapping once d3 is gone", 0,
          "the kernel's bytes still: its frame was not given away");
    uint64_t before = free_pages();
    expect(xc_unmap_foreign((void *)kept, 1), 0, "remove_from_physmap of the kept mapping", "0");
    long freed = (long)(free_pages() - before);
    check(freed == 1, "free pages after it", freed, "1 more: d3's last frame went back");
    long leaked = (long)(free_at_start - free_pages());
    check(leaked == 0, "free pages against before createdomain", leaked, "0 missing");
}

static void as_domu(void)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_DOMCTL_createdomain;
    op.domain = DOMID_ANY;
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    op.u.createdomain.max_vcpus = 1;
    expect(xc_domctl(&op), -XEN_EPERM, "createdomain from a DomU", "-EPERM");
    op.cmd = XEN_DOMCTL_max_mem;
    op.domain = 0;
    op.u.max_mem.max_memkb = 4;
    expect(xc_domctl(&op), -XEN_EPERM, "max_mem of domain 0 from a DomU", "-EPERM");
    expect(map_one(0, (GUEST_RAM_BASE >> 12) + 0x400, MAP_BASE >> 12), -XEN_EPERM,
           "foreign map of domain 0's frame from a DomU", "-EPERM");
    expect(guest_unmap_gpfn(MAP_BASE >> 12), -XEN_EINVAL, "remove_from_physmap with nothing foreign there", "-EINVAL");
}

void guest_secondary_program(uint32_t hartid)
{
    (void)hartid;
    for (;;)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
}

void guest_program(uint32_t hartid)
{
    (void)hartid;
    check_prefix = "builder";
    if (bootargs_has("dom0")) {
        as_dom0();
        checks_done();
        guest_power_off(checks_failed);
    }
    as_domu();
    checks_done();
    for (;;)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
}

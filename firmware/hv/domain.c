/*
 * domain.c: domains, from boot to the end. The boot domains come from
 * /chosen in the binding Xen uses on Arm for dom0less boot: a
 * "multiboot,kernel" module directly under /chosen is domain 0's kernel;
 * each "xen,domain" node (memory in KiB, cpus, and its own
 * "multiboot,kernel" module) is a DomU built at boot. What /chosen leaves
 * out, the built-in default fills in: domain 0 is the kernel's dom0
 * build (hv_kernel_image), whose /etc/rc creates the default guests with
 * the toolstack, as on a Xen host; beside DomUs built at boot it boots
 * in single-user mode ("single"), without /etc/rc: those are the guests.
 *
 * Building a domain gives it frames and a G-stage table, loads its
 * kernel, writes its device tree at the top of its RAM and starts vCPU 0
 * at the kernel's entry (a0 = 0, a1 = the tree), as a boot ROM starts a
 * hart. A domain that shuts down leaves its pCPUs first; the last of its
 * vCPUs to leave finishes the shutdown: power off destroys it (frames
 * scrubbed, back to the pool), reboot builds it again from its kernel,
 * and a crash keeps it for inspection. Domain 0 powering off powers the
 * machine off, as in Xen.
 */
#include <stdarg.h>
#include "hv.h"
#include "fdt.h"
#include "string.h"
#include "sbi.h"
#include "format.h"

struct domain domains[NDOMAIN];
static struct spinlock build_lock;      /* one build at a time (the tree buffer is shared) */
static uint8_t tree[GUEST_FDT_MAX];
static uint32_t epochs[NDOMAIN];         /* per VMID, across rebuilds */
static int last_created;                 /* the id given last: the next goes after it, round 1..NDOMAIN-1 */
static uint32_t builds[NDOMAIN];
#ifndef BUILTIN_VCPUS
#define BUILTIN_VCPUS 1
#endif

static const char *const state_names[] = {
    [DOMAIN_FREE] = "free", [DOMAIN_RUNNING] = "running",
    [DOMAIN_SHUTDOWN] = "shutting down", [DOMAIN_KEPT] = "shut down",
};

const char *domain_state_name(const struct domain *d)
{
    if (d->state == DOMAIN_KEPT && d->shutdown_code == SHUTDOWN_crash)
        return "crashed";
    return state_names[d->state];
}

static const char *const action_names[] = {
    [ACTION_DESTROY] = "destroy", [ACTION_RESTART] = "restart", [ACTION_PRESERVE] = "preserve",
};

/* ---- building ---- */

/* Gives back everything d holds (its grant mappings and table, its ports, its shared_info, its memory and tables): the slot is free. */
static void domain_release(struct domain *d)
{
    grant_destroy(d);
    evtchn_destroy(d);
    vuart_destroy(d);
    p2m_destroy(d);
    d->state = DOMAIN_FREE;
}

/* Why a build failed, for the log. */
static int build_error(struct domain *d, const char *why)
{
    hv_printk("d%d (%s): not built: %s\n", d->id, d->config.name, why);
    domain_release(d);
    return -1;
}

/* Writes the domain's device tree 2 MiB-aligned below the top of its RAM, above its kernel. */
static int place_device_tree(struct domain *d)
{
    int size = dtb_build_guest(d, tree, sizeof tree);
    if (size < 0)
        return build_error(d, "its device tree does not fit the hypervisor's buffer");
    uint32_t top = GUEST_RAM_BASE + d->memory_bytes;
    if (top > GUEST_FDT_LIMIT || top < GUEST_RAM_BASE)
        top = GUEST_FDT_LIMIT;
    uint32_t at = ROUND_DOWN(top - (uint32_t)size, GUEST_FDT_ALIGN);
    if (at < d->kernel_end || at < GUEST_RAM_BASE)
        return build_error(d, "no room for its device tree above the kernel");
    guest_copy_to(d, at, tree, (uint32_t)size);
    d->dtb_gpa = at;
    return 0;
}

static int build_locked(struct domain *d, int id, const struct domain_config *config)
{
    memset(d, 0, sizeof *d);
    d->id = id;
    d->config = *config;
    d->vmid = (uint32_t)id;
    d->vmid_epoch = ++epochs[id];
    d->builds = ++builds[id];
    d->weight = config->weight ? config->weight : DEFAULT_WEIGHT;
    d->cap = config->cap;
    d->nvcpus = config->vcpus;
    d->memory_bytes = config->memory_mib << 20;
    d->tot_pages = d->memory_bytes / FRAME_SIZE;
    if (d->nvcpus < 1 || d->nvcpus > MAX_VCPUS)
        return build_error(d, "it asks for more vCPUs than a domain may have (8)");
    if (config->memory_mib < MIN_DOMAIN_MIB)
        return build_error(d, "less than 8 MiB of memory (its kernel starts 4 MiB in)");
    if (p2m_create(d) < 0 || p2m_populate(d, d->memory_bytes) < 0)
        return build_error(d, "not enough free memory");
    const char *why = 0;
    if (kernel_load(d, config->kernel, config->kernel_size, &d->entry, &why) < 0)
        return build_error(d, why);
    if (id == 0 && host.mgmt_uart >= 0) {
        uint32_t base = ROUND_DOWN(host.uart[host.mgmt_uart].base, FRAME_SIZE);
        if (p2m_map_device(d, base, base) < 0)
            return build_error(d, "no memory to map the management port");
    }
    if (place_device_tree(d) < 0)
        return -1;
    d->created_at = time_now();
    d->time_offset = 0 - d->created_at;     /* guest time starts at 0 (htimedelta) */
    console_attach(d);
    vuart_init(d);
    vplic_init(d);
    for (int i = 0; i < d->nvcpus; i++)
        vcpu_init(&d->vcpus[i], d, i);
    if (evtchn_init(d) < 0)
        return build_error(d, "not enough free memory for its shared_info");
    grant_init(d);
    d->state = DOMAIN_RUNNING;
    spin_lock(&sched_lock);
    vcpu_start(&d->vcpus[0], d->entry, 0, d->dtb_gpa);
    spin_unlock(&sched_lock);
    return 0;
}

/* Builds domain `id` from `config` and starts it. The domain, or 0 (the log says why). */
struct domain *domain_build(int id, const struct domain_config *config)
{
    spin_lock(&build_lock);
    struct domain *d = &domains[id];
    int error = build_locked(d, id, config);
    spin_unlock(&build_lock);
    return error ? 0 : d;
}

/* A domain that ended is built again from its kernel, in its slot, with no createdomain in between. */
static struct domain *rebuild(struct domain *d)
{
    struct domain_config config = d->config;
    spin_lock(&build_lock);
    domain_release(d);
    int error = build_locked(d, d->id, &config);
    spin_unlock(&build_lock);
    return error ? 0 : d;
}

/* ---- domains the toolstack builds ---- */

static long create_locked(struct domain *d, int id, const xen_domain_handle_t handle, int vcpus)
{
    memset(d, 0, sizeof *d);
    d->id = id;
    snprintf(d->config.name, sizeof d->config.name, "d%d", id);    /* its name is the toolstack's (xenstore) */
    d->config.vcpus = vcpus;
    d->config.on_poweroff = d->config.on_reboot = d->config.on_crash = ACTION_PRESERVE;
    d->toolstack = 1;
    d->has_handle = 1;
    memcpy(d->handle, handle, sizeof d->handle);
    d->vmid = (uint32_t)id;
    d->vmid_epoch = ++epochs[id];
    d->builds = ++builds[id];
    d->weight = DEFAULT_WEIGHT;
    d->nvcpus = vcpus;
    if (p2m_create(d) < 0) {
        d->state = DOMAIN_FREE;
        return -XEN_ENOMEM;
    }
    d->created_at = time_now();
    d->time_offset = 0 - d->created_at;
    console_attach(d);
    vuart_init(d);
    vplic_init(d);
    for (int i = 0; i < d->nvcpus; i++)
        vcpu_init(&d->vcpus[i], d, i);
    if (evtchn_init(d) < 0) {
        domain_release(d);
        return -XEN_ENOMEM;
    }
    grant_init(d);
    d->pause_count = 1;             /* as Xen's: created paused; the toolstack's unpause starts it */
    d->state = DOMAIN_RUNNING;
    return 0;
}

/*
 * domctl createdomain: an empty domain in slot `id` (-1: the first free
 * one after the id given last, round from 1 again after the last slot, as
 * Xen's ids go up: a domain destroyed is not followed at once by another
 * of the same id, which a toolstack still working on the old one would
 * take for it), paused, its vCPUs offline, no memory (max_mem and
 * populate_physmap give it some). Its id, or -EEXIST (the slot is in
 * use), -ENOMEM (no slot or no memory).
 */
long domain_create(int id, const xen_domain_handle_t handle, int vcpus)
{
    spin_lock(&build_lock);
    for (int n = 1; id < 0 && n < NDOMAIN; n++) {
        int next = (last_created + n - 1) % (NDOMAIN - 1) + 1;
        if (domains[next].state == DOMAIN_FREE)
            id = next;
    }
    long result = id < 0 ? -XEN_ENOMEM
                : domains[id].state != DOMAIN_FREE ? -XEN_EEXIST
                : create_locked(&domains[id], id, handle, vcpus);
    if (result == 0)
        last_created = id;
    spin_unlock(&build_lock);
    if (result < 0)
        return result;
    hv_printk("d%d created by domain 0: %d vCPU%s, no memory yet, paused\n", id, vcpus, vcpus > 1 ? "s" : "");
    return id;
}

/* domctl max_mem: d's RAM may grow to `bytes` (what it has stays, even above). */
void domain_set_max_memory(struct domain *d, uint32_t bytes)
{
    spin_lock(&d->lock);
    d->memory_bytes = bytes;
    spin_unlock(&d->lock);
}

/* domctl max_vcpus: before any of its vCPUs started, d keeps the first `vcpus` of createdomain's. */
long domain_set_max_vcpus(struct domain *d, uint32_t vcpus)
{
    long error = 0;
    spin_lock(&sched_lock);
    if (vcpus < 1 || vcpus > (uint32_t)d->nvcpus)
        error = -XEN_EINVAL;
    for (int i = 0; !error && i < d->nvcpus; i++)
        if (d->vcpus[i].state != VCPU_OFFLINE)
            error = -XEN_EBUSY;
    if (!error) {
        d->nvcpus = d->config.vcpus = (int)vcpus;
        d->vplic.contexts = (int)vcpus;
    }
    spin_unlock(&sched_lock);
    return error;
}

/* ---- the boot domains ---- */

/* The kernel module node directly under `parent`, or -1. */
static int kernel_module(const struct fdt *fdt, int parent)
{
    for (int node = fdt_next_child(fdt, parent, -1); node >= 0; node = fdt_next_child(fdt, parent, node))
        if (fdt_is_compatible(fdt, node, "multiboot,kernel"))
            return node;
    return -1;
}

/*
 * Fills in the kernel and bootargs of `config` from a module node; the
 * module's RAM is reserved for good (a reboot loads it again). 0, or -1
 * if the node does not name RAM.
 */
static int read_module(const struct fdt *fdt, int node, struct domain_config *config)
{
    uint32_t address, size;
    if (fdt_reg(fdt, node, 0, &address, &size) < 0 || size == 0 || address < host.ram_base ||
        address - host.ram_base >= host.ram_size || size > host.ram_size - (address - host.ram_base))
        return -1;
    mm_reserve(address, size);
    config->kernel = (const uint8_t *)(uintptr_t)address;
    config->kernel_size = size;
    const char *bootargs = fdt_prop(fdt, node, "bootargs", 0);
    if (bootargs)
        strlcpy(config->bootargs, bootargs, sizeof config->bootargs);
    return 0;
}

static void builtin_config(struct domain_config *config)
{
    memset(config, 0, sizeof *config);
    strlcpy(config->name, "Domain-0", sizeof config->name);
    config->kernel = hv_kernel_image;
    config->kernel_size = (uint32_t)(hv_kernel_image_end - hv_kernel_image);
    config->vcpus = BUILTIN_VCPUS;
    config->on_poweroff = ACTION_DESTROY;
    config->on_reboot = ACTION_RESTART;
    config->on_crash = ACTION_PRESERVE;
}

/*
 * A DomU's on_poweroff, on_reboot or on_crash from its node's property
 * `name` ("destroy", "restart" or "preserve"), or `fallback` if it has
 * none. 0, or -1 (logged) if it names something else.
 */
static int read_action(const struct fdt *fdt, int node, const char *name, uint8_t fallback, uint8_t *action,
                       const char *domain)
{
    int length;
    const char *value = fdt_prop(fdt, node, name, &length);
    *action = fallback;
    if (value == 0)
        return 0;
    for (uint8_t i = 0; i < sizeof action_names / sizeof action_names[0]; i++)
        if (length == (int)strlen(action_names[i]) + 1 && memcmp(value, action_names[i], (size_t)length) == 0) {
            *action = i;
            return 0;
        }
    hv_printk("%s: not built: its %s is not destroy, restart or preserve\n", domain, name);
    return -1;
}

/* A DomU's settings from its "xen,domain" node. 0, or -1 (logged) if unusable. */
static int read_domu(const struct fdt *fdt, int node, struct domain_config *config)
{
    memset(config, 0, sizeof *config);
    strlcpy(config->name, fdt->nodes[node].name, sizeof config->name);
    int length;
    const uint8_t *memory = fdt_prop(fdt, node, "memory", &length);
    if (memory && length == 8)
        config->memory_mib = fdt_cell(memory + 4) / 1024;    /* a 64-bit count of KiB */
    config->vcpus = (int)fdt_prop_u32(fdt, node, "cpus", 1);
    config->weight = fdt_prop_u32(fdt, node, "hyperlab,weight", 0);
    config->cap = fdt_prop_u32(fdt, node, "hyperlab,cap", 0);
    if (read_action(fdt, node, "hyperlab,on-poweroff", ACTION_DESTROY, &config->on_poweroff, config->name) < 0 ||
        read_action(fdt, node, "hyperlab,on-reboot", ACTION_RESTART, &config->on_reboot, config->name) < 0 ||
        read_action(fdt, node, "hyperlab,on-crash", ACTION_PRESERVE, &config->on_crash, config->name) < 0)
        return -1;
    int module = kernel_module(fdt, node);
    if (module < 0 || read_module(fdt, module, config) < 0) {
        hv_printk("%s: not built: its node has no kernel module in RAM\n", config->name);
        return -1;
    }
    return 0;
}

/* Gives every domain without a memory size an equal part of what is free, DEFAULT_DOMAIN_MIB at most. */
static void size_memory(struct domain_config *configs, int count)
{
    uint32_t free_mib = mm_free_frames() / (0x100000 / FRAME_SIZE);
    uint32_t overhead_mib = 1 + (uint32_t)count / 2;    /* G-stage tables and such */
    uint32_t given = 0, unsized = 0;
    for (int i = 0; i < count; i++) {
        if (configs[i].memory_mib)
            given += configs[i].memory_mib;
        else
            unsized++;
    }
    if (unsized == 0)
        return;
    uint32_t left = free_mib > given + overhead_mib ? free_mib - given - overhead_mib : 0;
    uint32_t each = left / unsized / 4 * 4;
    if (each > DEFAULT_DOMAIN_MIB)
        each = DEFAULT_DOMAIN_MIB;
    for (int i = 0; i < count; i++)
        if (!configs[i].memory_mib)
            configs[i].memory_mib = each;
}

static void log_domain(const struct domain *d)
{
    char kernel[32] = "built by domain 0";
    if (!d->toolstack)
        snprintf(kernel, sizeof kernel, "kernel %u bytes", (unsigned)d->config.kernel_size);
    hv_printk("d%d (%s): HVM, %d vCPU%s, %u MiB, weight %u%s, %s, console %s%d\n", d->id,
              d->config.name, d->nvcpus, d->nvcpus > 1 ? "s" : "", (unsigned)(d->memory_bytes >> 20),
              (unsigned)d->weight, d->cap ? ", capped" : "", kernel,
              d->console_uart >= 0 ? "UART" : "UART0 as d", d->console_uart >= 0 ? d->console_uart : d->id);
}

/* Reads /chosen, fills in the built-in default, and builds every boot domain. */
void domains_boot(void)
{
    static struct domain_config configs[NDOMAIN];
    const struct fdt *fdt = host_fdt();
    int chosen = fdt_path(fdt, "/chosen");
    int count = 1;
    builtin_config(&configs[0]);
    int dom0 = chosen >= 0 ? kernel_module(fdt, chosen) : -1;
    if (dom0 >= 0 && read_module(fdt, dom0, &configs[0]) < 0)
        panic("domain 0's kernel module is not in RAM");
    for (int node = fdt_next_child(fdt, chosen, -1); chosen >= 0 && node >= 0 && count < NDOMAIN;
         node = fdt_next_child(fdt, chosen, node))
        if (fdt_is_compatible(fdt, node, "xen,domain") && read_domu(fdt, node, &configs[count]) == 0)
            count++;
    if (dom0 < 0 && count > 1)
        strlcpy(configs[0].bootargs, "single", sizeof configs[0].bootargs);  /* the boot's DomUs are the guests */
    size_memory(configs, count);
    last_created = count - 1;
    for (int id = 0; id < count; id++) {
        struct domain *d = domain_build(id, &configs[id]);
        if (d)
            log_domain(d);
        else if (id == 0)
            panic("domain 0 could not be built");
    }
    hv_printk("%u MiB of RAM left free; Ctrl-A three times on UART0 for the debug keys\n",
              (unsigned)(mm_free_frames() / (0x100000 / FRAME_SIZE)));
}

/* ---- the end of a domain ---- */

/*
 * Starts domain d's shutdown with a Xen SHUTDOWN_* code: no vCPU of it
 * runs again; those on a pCPU leave at their pCPU's next schedule (an IPI
 * makes it soon); the last to leave finishes the shutdown.
 */
void domain_shutdown(struct domain *d, int code)
{
    int finish_now;
    spin_lock(&sched_lock);
    if (d->state != DOMAIN_RUNNING) {
        spin_unlock(&sched_lock);
        return;
    }
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_code = code;
    for (int i = 0; i < d->nvcpus; i++) {
        struct vcpu *v = &d->vcpus[i];
        vcpu_stop_timers(v);
        if (v->state == VCPU_RUNNING)
            pcpu_raise_softirq(&pcpus[v->processor], SOFTIRQ_SCHEDULE);
        else if (v->state != VCPU_OFFLINE) {
            sched_remove(v);
            v->state = VCPU_OFFLINE;
        }
    }
    finish_now = d->on_cpu == 0;
    spin_unlock(&sched_lock);
    if (finish_now)
        domain_vcpu_left(d);
}

/*
 * Domain 0 pauses d (domctl pausedomain): its vCPUs leave their pCPUs and
 * are not picked again, though they still wake and queue, until as many
 * unpauses. 0, or -1 if d does not run.
 */
int domain_pause(struct domain *d)
{
    spin_lock(&sched_lock);
    int ok = d->state == DOMAIN_RUNNING;
    if (ok && d->pause_count++ == 0)
        for (int i = 0; i < d->nvcpus; i++)
            if (d->vcpus[i].state == VCPU_RUNNING)
                pcpu_raise_softirq(&pcpus[d->vcpus[i].processor], SOFTIRQ_SCHEDULE);
    spin_unlock(&sched_lock);
    return ok ? 0 : -1;
}

/* Undoes a domain_pause: at the last, the pCPUs where its vCPUs wait look again. -1 if it was not paused. */
int domain_unpause(struct domain *d)
{
    spin_lock(&sched_lock);
    int ok = d->state == DOMAIN_RUNNING && d->pause_count > 0;
    int first = ok && d->toolstack && !d->started && d->pause_count == 1;
    if (first)
        d->started = 1;
    if (ok && --d->pause_count == 0)
        for (int i = 0; i < d->nvcpus; i++)
            if (d->vcpus[i].state == VCPU_RUNNABLE)
                pcpu_raise_softirq(&pcpus[d->vcpus[i].processor], SOFTIRQ_SCHEDULE);
    spin_unlock(&sched_lock);
    if (first)
        log_domain(d);              /* as the boot domains are: what the toolstack made of it */
    return ok ? 0 : -1;
}

/*
 * Domain 0 destroys d (domctl destroydomain): running, it is shut down
 * first; kept after a crash, freed. -1 if it is already on its way out.
 */
int domain_destroy(struct domain *d)
{
    spin_lock(&sched_lock);
    int state = d->state;
    if (state == DOMAIN_KEPT)
        d->state = DOMAIN_SHUTDOWN;     /* this call frees it; another one finds it on its way out */
    spin_unlock(&sched_lock);
    if (state == DOMAIN_KEPT) {
        domain_release(d);
        hv_printk("d%d (%s) destroyed: its memory scrubbed and freed\n", d->id, d->config.name);
        evtchn_send_global_virq(VIRQ_DOM_EXC);
        return 0;
    }
    if (state != DOMAIN_RUNNING)
        return -1;
    domain_shutdown(d, SHUTDOWN_destroy);   /* -1 only if it stopped meanwhile: then it is on its way out */
    return 0;
}

/* v's domain did what it may not: report it and crash the domain, touching nothing else. */
void domain_crash(struct vcpu *v, const char *fmt, ...)
{
    char why[160];
    va_list args;
    va_start(args, fmt);
    vsnprintf(why, sizeof why, fmt, args);
    va_end(args);
    hv_printk("d%dv%d (%s): %s: domain crashed\n", v->domain->id, v->id, v->domain->config.name, why);
    domain_shutdown(v->domain, SHUTDOWN_crash);
}

/* Domain 0 ends: the machine does the same. */
static void dom0_finished(const struct domain *d)
{
    if (d->shutdown_code == SHUTDOWN_reboot) {
        hv_printk("d0 (%s) rebooted: rebooting the machine\n", d->config.name);
        sbi_system_reset(SBI_SRST_COLD_REBOOT, SBI_SRST_REASON_NONE);
    }
    int crashed = d->shutdown_code == SHUTDOWN_crash;
    hv_printk("d0 (%s) %s: powering the machine off\n", d->config.name, crashed ? "crashed" : "powered off");
    sbi_system_reset(SBI_SRST_SHUTDOWN, crashed ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
}

/* The last vCPU of a shutting-down domain has left its pCPU: finish what the shutdown asked for. */
void domain_vcpu_left(struct domain *d)
{
    for (int i = 0; i < d->nvcpus; i++)
        vcpu_stop_timers(&d->vcpus[i]);
    if (d->id == 0)
        dom0_finished(d);
    int code = d->shutdown_code;
    int action = code == SHUTDOWN_destroy ? ACTION_DESTROY
               : code == SHUTDOWN_reboot ? d->config.on_reboot
               : code == SHUTDOWN_crash ? d->config.on_crash
               : d->config.on_poweroff;
    const char *what = code == SHUTDOWN_reboot ? "rebooted" : code == SHUTDOWN_crash ? "crashed" : "powered off";
    switch (action) {
    case ACTION_PRESERVE:
        d->state = DOMAIN_KEPT;
        if (d->toolstack)
            hv_printk("d%d (%s) %s: kept for domain 0's toolstack to destroy or rebuild\n", d->id, d->config.name,
                      what);
        else if (code == SHUTDOWN_crash)
            hv_printk("d%d (%s) is kept for inspection: its memory stays allocated\n", d->id, d->config.name);
        else
            hv_printk("d%d (%s) %s: kept for inspection (preserve), its memory stays allocated\n", d->id,
                      d->config.name, what);
        break;
    case ACTION_RESTART:
        hv_printk("d%d (%s) %s: building it again from its kernel\n", d->id, d->config.name, what);
        if (rebuild(d))
            log_domain(d);
        break;
    default:
        domain_release(d);
        if (code == SHUTDOWN_destroy)
            hv_printk("d%d (%s) destroyed: its memory scrubbed and freed\n", d->id, d->config.name);
        else
            hv_printk("d%d (%s) %s: destroyed, its memory scrubbed and freed\n", d->id, d->config.name, what);
    }
    evtchn_send_global_virq(VIRQ_DOM_EXC);     /* domain 0's toolstack looks at what changed */
}

/*
 * toolstack-env.c: where the toolstack library (firmware/toolstack) runs
 * when a test guest is domain 0: its own ecalls for hypercalls, foreign
 * mappings in its window (translation is off, so a window address is a
 * pointer), xl's output on its console, names kept here (xenstore's, once
 * there is one). Each program adds xl_read_file, its files.
 */
#include "guest.h"
#include "string.h"
#include "format.h"
#include "toolstack-env.h"

/* ---- where xc.c runs: a guest with translation off, making its own hypercalls ---- */

static uint8_t slot_used[MAP_SLOTS];

long xc_hypercall(uint32_t number, uint32_t a0, uint32_t a1, uint32_t a2)
{
    return hypercall(number, a0, a1, a2);
}

long guest_map_batch(domid_t dom, const xen_ulong_t *gfns, const uint64_t *gpfns, uint32_t count, int32_t *errs)
{
    struct xen_add_to_physmap_batch b;
    memset(&b, 0, sizeof b);
    b.domid = DOMID_SELF;
    b.space = XENMAPSPACE_gmfn_foreign;
    b.size = (uint16_t)count;
    b.foreign_domid = dom;
    b.idxs.p = (uint32_t)(uintptr_t)gfns;
    b.gpfns.p = (uint32_t)(uintptr_t)gpfns;
    b.errs.p = (uint32_t)(uintptr_t)errs;
    return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, (uint32_t)(uintptr_t)&b, 0);
}

long guest_unmap_gpfn(uint64_t gpfn)
{
    struct xen_remove_from_physmap r;
    memset(&r, 0, sizeof r);
    r.domid = DOMID_SELF;
    r.gpfn = gpfn;
    return hypercall(__HYPERVISOR_memory_op, XENMEM_remove_from_physmap, (uint32_t)(uintptr_t)&r, 0);
}

void *xc_map_foreign(domid_t dom, const xen_ulong_t *gfns, uint32_t count, int32_t *errs)
{
    static uint64_t gpfns[MAP_MAX];
    uint32_t first = 0, run = 0;
    if (count == 0 || count > MAP_MAX)
        return 0;
    for (uint32_t i = 0; i < MAP_SLOTS && run < count; i++) {
        run = slot_used[i] ? 0 : run + 1;
        first = i + 1 - run;
    }
    if (run < count)
        return 0;
    for (uint32_t i = 0; i < count; i++)
        gpfns[i] = (MAP_BASE >> 12) + first + i;
    long error = guest_map_batch(dom, gfns, gpfns, count, errs);
    int failed = error != 0;
    for (uint32_t i = 0; i < count; i++)
        failed |= errs[i] != 0;
    if (failed) {
        for (uint32_t i = 0; error == 0 && i < count; i++)
            if (errs[i] == 0)
                guest_unmap_gpfn(gpfns[i]);
        return 0;
    }
    for (uint32_t i = 0; i < count; i++)
        slot_used[first + i] = 1;
    return (void *)(uintptr_t)(MAP_BASE + first * XC_PAGE_SIZE);
}

long xc_unmap_foreign(void *address, uint32_t count)
{
    uint32_t first = ((uint32_t)(uintptr_t)address - MAP_BASE) / XC_PAGE_SIZE;
    long result = 0;
    for (uint32_t i = 0; i < count && first + i < MAP_SLOTS; i++) {
        long error = guest_unmap_gpfn((MAP_BASE >> 12) + first + i);
        if (error == 0)
            slot_used[first + i] = 0;
        else if (result == 0)
            result = error;
    }
    return result;
}

/* ---- where xl.c runs: names kept here (xenstore's, later) ---- */

static char names[8][XLCFG_NAME_MAX] = { "Domain-0" };
char guest_vcpu_isa[64];

struct sink {
    char *at, *end;
};

static void print_sink(void *context, char c)
{
    struct sink *sink = context;
    if (sink->at < sink->end)
        *sink->at++ = c;                /* a longer line is cut, never overrun */
}

void xl_print(const char *fmt, ...)
{
    static char line[512];
    struct sink sink = { line, line + sizeof line - 1 };
    va_list args;
    va_start(args, fmt);
    vformat(print_sink, &sink, fmt, args);
    va_end(args);
    *sink.at = 0;
    for (char *piece = line; *piece;) {     /* print() takes up to a line of 160 bytes at a time */
        char keep = piece[100 < strlen(piece) ? 100 : strlen(piece)];
        char *end = piece + (100 < strlen(piece) ? 100 : strlen(piece));
        *end = 0;
        print("%s", piece);
        *end = keep;
        piece = end;
    }
}

const char *xl_name_of(domid_t domid)
{
    return domid < 8 && names[domid][0] ? names[domid] : 0;
}

/* A test guest's toolstack has no xenstored: the name is all it keeps. */
void xl_remember(domid_t domid, const struct xl_domain_config *config, const struct xl_store *store)
{
    (void)store;
    if (domid < 8)
        strlcpy(names[domid], config->name, sizeof names[domid]);
}

/* A test guest keeps no configs: xl list -l shows what the hypervisor knows. */
const char *xl_saved_config(domid_t domid)
{
    (void)domid;
    return 0;
}

/* A test guest has no terminal to attach a console to. */
int xl_console_attach(domid_t domid, int unpause)
{
    (void)unpause;
    xl_print("xl: error: no console for d%u from a test guest\n", (unsigned)domid);
    return 1;
}

void xl_forget(domid_t domid)
{
    if (domid < 8)
        names[domid][0] = 0;
}

uint64_t xl_now_ns(void)
{
    return time_now() * 100;            /* the 10 MHz timebase */
}

void xl_sleep_ms(uint32_t ms)
{
    sleep_ms(ms);
}

/* A test guest has no processes to follow a domain with: its checks destroy what they make. */
void xl_watch(domid_t domid, const struct xl_domain_config *config)
{
    (void)domid;
    (void)config;
}

const char *xl_vcpu_isa(void)
{
    return guest_vcpu_isa;
}

/* Names domain `domid` for xl (as the toolstack would in xenstore). */
void guest_name_domain(domid_t domid, const char *name)
{
    if (domid < 8)
        strlcpy(names[domid], name, sizeof names[domid]);
}

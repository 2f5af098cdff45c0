/*
 * grant.c: grant tables (firmware/include/hypercall.h), from both ends,
 * one line per check ("grant: ok: ..." or "grant: FAIL: ...") and then
 * "grant: done: P passed, F failed". The two ends meet only through the
 * grants themselves: domain 0 retries a copy until d1's grant is there,
 * d1 watches its entry's flags to see domain 0's mapping come and go.
 *
 * Booted as a DomU it first gives frames of its RAM back and has them
 * again (memory_op), then it is the granter: the table calls with bad arguments,
 * its table set up and mapped, then a page granted to domain 0 (grant 8),
 * one granted read-only (9) and one granted to a domain that does not
 * exist (10). While domain 0 has grant 8 mapped it cannot take it back;
 * once domain 0 has unmapped it, it finds domain 0's reply in the page and
 * takes the grant back. Last it grants a page (11) and powers off while
 * domain 0 still has it mapped.
 *
 * Booted as domain 0 (bootarg `dom0`) it is the grantee: copies and maps
 * of d1's grants with good and bad arguments, a batch of copies longer
 * than the hypervisor does at once, and the page of a domain that went
 * away, still mapped and as it was, until the key it asks for is typed;
 * its unmap then gives the frame back to the hypervisor's free pages.
 */
#include "guest.h"
#include "hypercall.h"
#include "string.h"

#define FRAME           4096u
#define TABLE_GPA       (GUEST_XEN_BASE + 0x1000)       /* d1's grant table frame 0 */
#define MAP_GPA         (GUEST_XEN_BASE + 0x10000)      /* domain 0's mappings */
#define OTHER_GPA       (GUEST_XEN_BASE + 0x11000)
#define ORPHAN_GPA      (GUEST_XEN_BASE + 0x12000)
#define GREETING        "hello from d1"
#define REPLY           "hello from d0"
#define REPLY_AT        256
#define LEFT_BEHIND     "still here after d1 is gone"
#define BATCH           100                             /* more than the hypervisor's 64 at once */
#define CHUNK           16

static uint32_t frame_of(const void *p)
{
    return (uint32_t)(uintptr_t)p / FRAME;
}

static long grant_op(uint32_t cmd, void *op, uint32_t count)
{
    return hypercall(__HYPERVISOR_grant_table_op, cmd, (uint32_t)(uintptr_t)op, count);
}

/* ---- the granter (d1) ---- */

static uint8_t granted[FRAME] __attribute__((aligned(FRAME)));
static uint8_t readonly_page[FRAME] __attribute__((aligned(FRAME)));
static uint8_t left_behind[FRAME] __attribute__((aligned(FRAME)));
static struct grant_entry_v1 *const table = (struct grant_entry_v1 *)TABLE_GPA;

static void grant(grant_ref_t ref, domid_t to, const void *page, uint16_t flags)
{
    table[ref].domid = to;
    table[ref].frame = frame_of(page);
    __atomic_store_n(&table[ref].flags, flags, __ATOMIC_RELEASE);   /* last: the grant is usable */
}

/*
 * Takes grant `ref` back as a granter must: flags from what it wrote to 0
 * with a compare-and-swap, which fails while the hypervisor has it in use
 * (flags and domid are one word: rv32 has no 16-bit compare-and-swap).
 */
static int take_back(grant_ref_t ref, uint16_t written)
{
    uint32_t *word = (uint32_t *)&table[ref];
    uint32_t expected = (uint32_t)table[ref].domid << 16 | written;
    return __atomic_compare_exchange_n(word, &expected, expected & 0xffff0000u, 0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}

static int wait_flags(grant_ref_t ref, uint16_t mask, uint16_t value, uint32_t ms)
{
    for (uint32_t waited = 0; waited < ms; waited++) {
        if ((__atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE) & mask) == value)
            return 1;
        sleep_ms(1);
    }
    return 0;
}

static long map_table_frame(uint32_t idx, uint32_t gpa)
{
    struct xen_add_to_physmap map = { .domid = DOMID_SELF, .space = XENMAPSPACE_grant_table, .idx = idx,
                                      .gpfn = gpa / FRAME };
    return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)(uintptr_t)&map, 0);
}

static void table_calls(void)
{
    struct gnttab_query_size query = { .dom = DOMID_SELF };
    long got = grant_op(GNTTABOP_query_size, &query, 1);
    check(got == 0 && query.status == GNTST_okay && query.nr_frames == 0 && query.max_nr_frames == 4,
          "query_size", query.status, "0 frames of 4");
    query.dom = 0;
    grant_op(GNTTABOP_query_size, &query, 1);
    expect(query.status, GNTST_permission_denied, "query_size of domain 0", "GNTST_permission_denied");
    expect(grant_op(GNTTABOP_query_size, &query, 2), -XEN_EINVAL, "query_size with count 2", "-EINVAL");
    expect(grant_op(GNTTABOP_query_size, (void *)0x90000000u, 1), -XEN_EFAULT, "query_size outside its RAM",
           "-EFAULT");
    expect(grant_op(42, &query, 1), -XEN_ENOSYS, "grant_table_op 42", "-ENOSYS");

    xen_pfn_t frames[4] = { 0, 0, 0, 0 };
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 5,
                                        .frame_list = { (uint32_t)(uintptr_t)frames } };
    grant_op(GNTTABOP_setup_table, &setup, 1);
    expect(setup.status, GNTST_general_error, "setup_table of 5 frames", "GNTST_general_error");
    setup.nr_frames = 1;
    got = grant_op(GNTTABOP_setup_table, &setup, 1);
    check(got == 0 && setup.status == GNTST_okay && frames[0] == INVALID_GFN, "setup_table of 1 frame", setup.status,
          "GNTST_okay, not mapped yet");
    expect(map_table_frame(4, TABLE_GPA), -XEN_EINVAL, "add_to_physmap grant_table idx 4", "-EINVAL");
    expect(map_table_frame(XENMAPIDX_grant_table_status, TABLE_GPA), -XEN_EINVAL,
           "add_to_physmap grant_table status frame", "-EINVAL");
    expect(map_table_frame(0, 0x80000000u), -XEN_EINVAL, "add_to_physmap grant_table over its RAM", "-EINVAL");
    expect(map_table_frame(0, TABLE_GPA), 0, "add_to_physmap grant_table idx 0", "0");
    got = grant_op(GNTTABOP_setup_table, &setup, 1);
    check(got == 0 && setup.status == GNTST_okay && frames[0] == TABLE_GPA / FRAME, "setup_table again",
          setup.status, "where frame 0 is mapped");
    setup.dom = 0;
    grant_op(GNTTABOP_setup_table, &setup, 1);
    expect(setup.status, GNTST_permission_denied, "setup_table of domain 0", "GNTST_permission_denied");
    check(table[8].flags == 0 && table[511].flags == 0, "its table", 0, "empty, readable where it mapped it");
}

/* ---- giving RAM back and having it again (memory_op), as a balloon driver does ---- */

#define BALLOON_GFN     0x80200u        /* in the first 4 MiB (a megapage): nothing of this program there */
#define LONG_RUN        100

static xen_pfn_t extents[LONG_RUN];

static long reserve(uint32_t cmd, uint32_t count, domid_t dom, uint32_t order)
{
    struct xen_memory_reservation r = { .extent_start = { (uint32_t)(uintptr_t)extents }, .nr_extents = count,
                                        .extent_order = order, .domid = dom };
    return hypercall(__HYPERVISOR_memory_op, cmd, (uint32_t)(uintptr_t)&r, 0);
}

static long pages_now(void)
{
    domid_t self = DOMID_SELF;
    return hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation, (uint32_t)(uintptr_t)&self, 0);
}

static void balloon(void)
{
    long before = pages_now();
    volatile uint32_t *page = (volatile uint32_t *)(uintptr_t)(BALLOON_GFN << 12);
    page[0] = 0xdeadbeef;
    for (uint32_t i = 0; i < 3; i++)
        extents[i] = BALLOON_GFN + i;
    expect(reserve(XENMEM_decrease_reservation, 3, DOMID_SELF, 0), 3, "decrease_reservation of 3 frames", "3");
    expect(pages_now(), before - 3, "current_reservation then", "3 fewer");
    expect(reserve(XENMEM_decrease_reservation, 3, DOMID_SELF, 0), 0, "decrease_reservation of them again", "0");
    extents[0] = 0x90000;
    expect(reserve(XENMEM_decrease_reservation, 1, DOMID_SELF, 0), 0, "decrease_reservation outside its RAM", "0");
    expect(reserve(XENMEM_decrease_reservation, 1, DOMID_SELF, 1), -XEN_EINVAL, "decrease_reservation of order 1",
           "-EINVAL");
    expect(reserve(XENMEM_decrease_reservation, 1, 0, 0), -XEN_EPERM, "decrease_reservation of domain 0", "-EPERM");
    for (uint32_t i = 0; i < 3; i++)
        extents[i] = BALLOON_GFN + i;
    long got = reserve(XENMEM_populate_physmap, 3, DOMID_SELF, 0);
    check(got == 3 && page[0] == 0 && pages_now() == before, "populate_physmap of them", got,
          "3, zeroed, as many pages as before");
    extents[0] = BALLOON_GFN + 3;
    expect(reserve(XENMEM_populate_physmap, 1, DOMID_SELF, 0), 0, "populate_physmap of a frame it has", "0");
    extents[0] = BALLOON_GFN;
    reserve(XENMEM_decrease_reservation, 1, DOMID_SELF, 0);
    extents[0] = BALLOON_GFN;
    extents[1] = BALLOON_GFN + 1;
    extents[2] = BALLOON_GFN + 2;
    expect(reserve(XENMEM_populate_physmap, 3, DOMID_SELF, 0), 1, "populate_physmap of 3, 1 frame below its maximum",
           "1");
    for (uint32_t i = 0; i < LONG_RUN; i++)
        extents[i] = BALLOON_GFN + 0x100 + i;
    got = reserve(XENMEM_decrease_reservation, LONG_RUN, DOMID_SELF, 0);
    check(got == LONG_RUN && pages_now() == before - LONG_RUN, "decrease_reservation of 100", got,
          "100, more than are done at once");
    expect(reserve(XENMEM_populate_physmap, LONG_RUN, DOMID_SELF, 0), LONG_RUN, "populate_physmap of the 100", "100");
    expect(pages_now(), before, "current_reservation at the end", "as at the start");
}

static void granter(void)
{
    balloon();
    table_calls();
    strlcpy((char *)granted, GREETING, FRAME);
    strlcpy((char *)readonly_page, "read me", FRAME);
    grant(9, 0, readonly_page, GTF_permit_access | GTF_readonly);
    grant(10, 5, readonly_page, GTF_permit_access);
    grant(8, 0, granted, GTF_permit_access);
    print("grant: granted 8, 9 and 10\n");
    int mapped = wait_flags(8, GTF_reading | GTF_writing, GTF_reading | GTF_writing, 60000);
    check(mapped, "grant 8 mapped by domain 0", table[8].flags, "GTF_reading and GTF_writing set");
    check(!take_back(8, GTF_permit_access), "take grant 8 back while mapped", table[8].flags, "refused");
    int unmapped = wait_flags(8, GTF_reading | GTF_writing, 0, 60000);
    check(unmapped && strcmp((char *)granted + REPLY_AT, REPLY) == 0, "grant 8 unmapped", table[8].flags,
          "flags clear, domain 0's reply in the page");
    check(take_back(8, GTF_permit_access), "take grant 8 back", table[8].flags, "done");
    strlcpy((char *)left_behind, LEFT_BEHIND, FRAME);
    grant(11, 0, left_behind, GTF_permit_access);
    int orphan = wait_flags(11, GTF_reading, GTF_reading, 60000);
    check(orphan, "grant 11 mapped by domain 0", table[11].flags, "GTF_reading set");
    print("grant: powering off with grant 11 mapped\n");
}

/* ---- the grantee (domain 0) ---- */

static uint8_t buffer[BATCH * CHUNK];

static int16_t copy_from(grant_ref_t ref, uint16_t offset, void *to, uint16_t len)
{
    struct gnttab_copy op = {
        .source = { .u.ref = ref, .domid = 1, .offset = offset },
        .dest = { .u.gmfn = frame_of(to), .domid = DOMID_SELF, .offset = (uint16_t)((uintptr_t)to % FRAME) },
        .len = len, .flags = GNTCOPY_source_gref,
    };
    long got = grant_op(GNTTABOP_copy, &op, 1);
    return got ? (int16_t)got : op.status;
}

static struct gnttab_map_grant_ref map_op;

static int16_t map(grant_ref_t ref, domid_t dom, uint64_t gpa, uint32_t flags)
{
    memset(&map_op, 0, sizeof map_op);
    map_op.host_addr = gpa;
    map_op.flags = flags;
    map_op.ref = ref;
    map_op.dom = dom;
    map_op.handle = ~0u;
    grant_op(GNTTABOP_map_grant_ref, &map_op, 1);
    return map_op.status;
}

static int16_t unmap(grant_handle_t handle, uint64_t gpa)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = gpa, .handle = handle };
    grant_op(GNTTABOP_unmap_grant_ref, &op, 1);
    return op.status;
}

static uint64_t free_pages(void)
{
    static struct xen_sysctl op;
    memset(&op, 0, sizeof op);
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    hypercall(__HYPERVISOR_sysctl, (uint32_t)(uintptr_t)&op, 0, 0);
    return op.u.physinfo.free_pages;
}

static void bad_maps(void)
{
    expect(map(5000, 1, OTHER_GPA, GNTMAP_host_map), GNTST_bad_gntref, "map of grant 5000", "GNTST_bad_gntref");
    expect(map(10, 1, OTHER_GPA, GNTMAP_host_map), GNTST_permission_denied, "map of grant 10 (to d5)",
           "GNTST_permission_denied");
    expect(map(9, 1, OTHER_GPA, GNTMAP_host_map), GNTST_permission_denied, "map of read-only grant 9, writable",
           "GNTST_permission_denied");
    expect(map(12, 1, OTHER_GPA, GNTMAP_host_map), GNTST_permission_denied, "map of grant 12 (not granted)",
           "GNTST_permission_denied");
    expect(map(9, 1, MAP_GPA, GNTMAP_host_map | GNTMAP_readonly), GNTST_bad_virt_addr,
           "map where grant 8 is mapped", "GNTST_bad_virt_addr");
    expect(map(9, 1, 0x80100000u, GNTMAP_host_map | GNTMAP_readonly), GNTST_bad_virt_addr,
           "map over its own RAM", "GNTST_bad_virt_addr");
    expect(map(9, 1, OTHER_GPA + 8, GNTMAP_host_map | GNTMAP_readonly), GNTST_bad_virt_addr,
           "map at an unaligned address", "GNTST_bad_virt_addr");
    expect(map(9, 1, 1ull << 32 | OTHER_GPA, GNTMAP_host_map | GNTMAP_readonly), GNTST_bad_virt_addr,
           "map above 4 GiB", "GNTST_bad_virt_addr");
    expect(map(9, 7, OTHER_GPA, GNTMAP_host_map | GNTMAP_readonly), GNTST_bad_domain, "map from domain 7 (none)",
           "GNTST_bad_domain");
    expect(map(9, 1, OTHER_GPA, GNTMAP_readonly), GNTST_general_error, "map without GNTMAP_host_map",
           "GNTST_general_error");
    expect(unmap(200, OTHER_GPA), GNTST_bad_handle, "unmap of handle 200 (unused)", "GNTST_bad_handle");
}

static void bad_copies(void)
{
    uint8_t byte;
    expect(copy_from(8, 4090, &byte, 8), GNTST_bad_copy_arg, "copy across the page's end", "GNTST_bad_copy_arg");
    expect(copy_from(10, 0, &byte, 1), GNTST_permission_denied, "copy from grant 10 (to d5)",
           "GNTST_permission_denied");
    struct gnttab_copy op = {
        .source = { .u.gmfn = frame_of(buffer), .domid = DOMID_SELF },
        .dest = { .u.ref = 9, .domid = 1 },
        .len = 4, .flags = GNTCOPY_dest_gref,
    };
    grant_op(GNTTABOP_copy, &op, 1);
    expect(op.status, GNTST_permission_denied, "copy into read-only grant 9", "GNTST_permission_denied");
    op.flags = 0x80;
    grant_op(GNTTABOP_copy, &op, 1);
    expect(op.status, GNTST_bad_copy_arg, "copy with flags 0x80", "GNTST_bad_copy_arg");
    op.flags = GNTCOPY_source_gref;
    op.source.u.ref = 9;
    op.source.domid = 1;
    op.dest.u.gmfn = 0x90000;
    op.dest.domid = DOMID_SELF;
    grant_op(GNTTABOP_copy, &op, 1);
    expect(op.status, GNTST_bad_page, "copy to a frame outside its RAM", "GNTST_bad_page");
}

/* BATCH copies of CHUNK bytes each from grant 8 into `buffer`, in one call. */
static void batch(void)
{
    static struct gnttab_copy ops[BATCH];
    for (int i = 0; i < BATCH; i++)
        ops[i] = (struct gnttab_copy){
            .source = { .u.ref = 8, .domid = 1, .offset = (uint16_t)(i % 4 * CHUNK) },
            .dest = { .u.gmfn = frame_of(buffer + i * CHUNK), .domid = DOMID_SELF,
                      .offset = (uint16_t)((uintptr_t)(buffer + i * CHUNK) % FRAME) },
            .len = CHUNK, .flags = GNTCOPY_source_gref, .status = 99,
        };
    long got = grant_op(GNTTABOP_copy, ops, BATCH);
    int good = 0;
    for (int i = 0; i < BATCH; i++)
        good += ops[i].status == GNTST_okay && memcmp(buffer + i * CHUNK, (const char *)MAP_GPA + i % 4 * CHUNK, CHUNK) == 0;
    check(got == 0 && good == BATCH, "a batch of 100 copies", good, "100 done, each right");
}

static void grantee(void)
{
    char got[32] = { 0 };
    int16_t status = GNTST_permission_denied;
    for (int tries = 0; tries < 60000 && (status == GNTST_permission_denied || status == GNTST_bad_gntref); tries++) {
        status = copy_from(8, 0, got, sizeof GREETING);     /* until d1 has a table, and grant 8 in it */
        if (status != GNTST_okay)
            sleep_ms(1);
    }
    check(status == GNTST_okay && strcmp(got, GREETING) == 0, "copy from d1's grant 8", status, GREETING);
    status = map(8, 1, MAP_GPA, GNTMAP_host_map);
    grant_handle_t handle = map_op.handle;
    volatile char *page = (volatile char *)MAP_GPA;
    check(status == GNTST_okay && handle < 256 && strcmp((const char *)page, GREETING) == 0, "map of grant 8",
          status, "GNTST_okay, the page readable there");
    bad_maps();
    bad_copies();
    batch();
    status = map(9, 1, OTHER_GPA, GNTMAP_host_map | GNTMAP_readonly);
    grant_handle_t readonly = map_op.handle;
    check(status == GNTST_okay && readonly != handle && strcmp((const char *)OTHER_GPA, "read me") == 0,
          "map of grant 9, read-only", status, "GNTST_okay, another handle");
    uint32_t faults = traps.count;
    *(volatile char *)OTHER_GPA = 'X';
    check(traps.count == faults + 1 && traps.cause == CAUSE_STORE_ACCESS && traps.tval == OTHER_GPA &&
          strcmp((const char *)OTHER_GPA, "read me") == 0, "a store to read-only grant 9", (long)traps.cause,
          "a store access fault for it, the page unchanged, domain 0 still running");
    expect(unmap(readonly, MAP_GPA), GNTST_bad_virt_addr, "unmap at another address", "GNTST_bad_virt_addr");
    expect(unmap(readonly, OTHER_GPA), GNTST_okay, "unmap of grant 9", "GNTST_okay");
    faults = traps.count;
    char gone = *(volatile char *)OTHER_GPA;
    check(traps.count == faults + 1 && traps.cause == CAUSE_LOAD_ACCESS && traps.tval == OTHER_GPA, "a load where grant 9 was",
          (long)traps.cause, "a load access fault for it");
    (void)gone;
    strlcpy((char *)page + REPLY_AT, REPLY, FRAME - REPLY_AT);
    expect(unmap(handle, MAP_GPA), GNTST_okay, "unmap of grant 8", "GNTST_okay");
    expect(unmap(handle, MAP_GPA), GNTST_bad_handle, "unmap of it again", "GNTST_bad_handle");
    status = GNTST_okay;
    for (int tries = 0; tries < 60000 && status == GNTST_okay; tries++) {
        status = copy_from(8, 0, got, 1);
        if (status == GNTST_okay)
            sleep_ms(1);
    }
    expect(status, GNTST_permission_denied, "copy from grant 8 once d1 took it back", "GNTST_permission_denied");

    status = GNTST_permission_denied;
    for (int tries = 0; tries < 60000 && status == GNTST_permission_denied; tries++) {
        status = map(11, 1, ORPHAN_GPA, GNTMAP_host_map | GNTMAP_readonly);
        if (status == GNTST_permission_denied)
            sleep_ms(1);
    }
    grant_handle_t orphan = map_op.handle;
    check(status == GNTST_okay, "map of grant 11", status, "GNTST_okay");
    for (int tries = 0; tries < 60000 && status != GNTST_bad_domain; tries++) {
        status = copy_from(11, 0, got, 1);
        if (status != GNTST_bad_domain)
            sleep_ms(1);
    }
    check(status == GNTST_bad_domain && strcmp((const char *)ORPHAN_GPA, LEFT_BEHIND) == 0,
          "d1's page once d1 is gone", status, "still mapped, as it was");
    print("grant: type a key\n");
    char key = 0;
    while (hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 1, (uint32_t)(uintptr_t)&key) != 1)
        sleep_ms(10);
    uint64_t before = free_pages();
    expect(unmap(orphan, ORPHAN_GPA), GNTST_okay, "unmap of grant 11", "GNTST_okay");
    long freed = (long)(free_pages() - before);
    check(freed == 1, "free pages after it", freed, "1 more: its frame went back to the hypervisor");
}

void guest_secondary_program(uint32_t hartid)
{
    (void)hartid;
}

void guest_program(uint32_t hartid)
{
    (void)hartid;
    check_prefix = "grant";
    if (sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, HYPERCALL_EID, 0, 0).value != 1) {
        print("grant: no hypervisor here (no extension 0x%08x)\n", (unsigned)HYPERCALL_EID);
        return;
    }
    print("grant: starting as %s\n", bootargs_has("dom0") ? "domain 0" : "a DomU");
    if (bootargs_has("dom0"))
        grantee();
    else
        granter();
    checks_done();
    struct sched_shutdown shutdown = { .reason = SHUTDOWN_poweroff };
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint32_t)(uintptr_t)&shutdown, 0);
}

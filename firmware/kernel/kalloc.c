/*
 * kalloc.c: the physical page allocator. Pages never used yet are handed
 * out from the bottom of each free range, so boot touches none of them;
 * pages given back go on a list, the link kept in each free page itself.
 * Pages come out zeroed.
 *
 * Reservations let sbrk promise memory that is only allocated when first
 * touched: a reserved page still sits on the free list, but only
 * kalloc_reserved may take it, so a promise made is a promise kept.
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"
#include "memlayout.h"

#define DTB_GRANULE 0x10000u   /* the device tree's pages are held in 64 KiB steps */
#define NRANGE      2          /* free RAM: below and above the device tree */

struct free_page {
    struct free_page *next;
};

struct range {
    uint32_t next, end;         /* pages never used yet: [next, end) */
};

static struct {
    struct spinlock lock;
    struct free_page *list;     /* pages given back */
    struct range fresh[NRANGE];
    uint32_t free;              /* pages on the list and in the ranges */
    uint32_t reserved;          /* of those, promised by kalloc_reserve */
    uint32_t total;
} pages;

extern char _end[];

/* Makes the pages of [start, end) free. */
static void add_range(int index, uint32_t start, uint32_t end)
{
    start = PAGE_ROUND_UP(start);
    end = PAGE_ROUND_DOWN(end);
    if (end <= start)
        return;
    pages.fresh[index] = (struct range){ start, end };
    pages.free += (end - start) / PAGE_SIZE;
    pages.total += (end - start) / PAGE_SIZE;
}

/*
 * Frees the RAM above the kernel image, except the device tree (held in
 * 64 KiB steps, so that trees of slightly different sizes leave the same
 * amount free) and anything the kernel cannot map.
 */
void kalloc_init(void)
{
    spinlock_init(&pages.lock, "kalloc");
    uint32_t start = (uint32_t)(uintptr_t)_end;
    uint32_t end = board.ram_base + board.ram_size;
    if (end > IO_BASE || end < board.ram_base)
        end = IO_BASE;
    uint32_t dtb = (uint32_t)(uintptr_t)board.dtb & ~(DTB_GRANULE - 1);
    uint32_t dtb_end = ((uint32_t)(uintptr_t)board.dtb + board.dtb_size + DTB_GRANULE - 1) & ~(DTB_GRANULE - 1);
    if (dtb >= start && dtb_end <= end) {
        add_range(0, start, dtb);
        add_range(1, dtb_end, end);
    } else {
        add_range(0, start, end);
    }
}

/* A free page, from the list or else a fresh range. pages.lock held, pages.free > 0. */
static struct free_page *pop(void)
{
    struct free_page *p = pages.list;
    if (p) {
        pages.list = p->next;
        return p;
    }
    for (int i = 0; i < NRANGE; i++) {
        struct range *r = &pages.fresh[i];
        if (r->next < r->end) {
            p = (struct free_page *)(uintptr_t)r->next;
            r->next += PAGE_SIZE;
            return p;
        }
    }
    panic("kalloc: %u pages counted free, none found", (unsigned)pages.free);
}

/* Takes a free page; `reserved` says whether it was promised. */
static void *take(int reserved)
{
    acquire(&pages.lock);
    struct free_page *p = 0;
    if (reserved ? pages.reserved > 0 : pages.free > pages.reserved) {
        p = pop();
        pages.free--;
        if (reserved)
            pages.reserved--;
    }
    release(&pages.lock);
    if (p)
        memset(p, 0, PAGE_SIZE);
    return p;
}

void *kalloc(void)
{
    return take(0);
}

void *kalloc_reserved(void)
{
    void *page = take(1);
    if (page == 0)
        panic("kalloc_reserved: no reservation");
    return page;
}

void kfree(void *page)
{
    uint32_t address = (uint32_t)(uintptr_t)page;
    if ((address & (PAGE_SIZE - 1)) || address < (uint32_t)(uintptr_t)_end ||
        address - board.ram_base >= board.ram_size)
        panic("kfree: bad page %p", page);
    struct free_page *p = page;
    acquire(&pages.lock);
    p->next = pages.list;
    pages.list = p;
    pages.free++;
    release(&pages.lock);
}

int kalloc_reserve(uint32_t count)
{
    int ok;
    acquire(&pages.lock);
    ok = pages.free - pages.reserved >= count;
    if (ok)
        pages.reserved += count;
    release(&pages.lock);
    return ok ? 0 : -1;
}

void kalloc_unreserve(uint32_t count)
{
    acquire(&pages.lock);
    if (count > pages.reserved)
        panic("kalloc_unreserve: %u pages, %u reserved", (unsigned)count, (unsigned)pages.reserved);
    pages.reserved -= count;
    release(&pages.lock);
}

uint32_t kalloc_total_pages(void)
{
    return pages.total;
}

uint32_t kalloc_free_pages(void)
{
    return pages.free - pages.reserved;
}

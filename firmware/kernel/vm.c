/*
 * vm.c: Sv32 page tables. The kernel's half of every address space is a
 * set of megapages built once at boot (memlayout.h); the user half is one
 * struct mm per process: its pages, its heap and stack that fill in on
 * first touch, and the only safe way for the kernel to read or write user
 * memory (copyin, copyout, copyinstr walk the page table and refuse what
 * the process itself could not touch).
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"
#include "memlayout.h"
#include "platform.h"

#define PTES_PER_TABLE   1024
#define USER_ROOT_PTES   (USER_TOP >> 22)            /* root entries of the user half */
#define VPN1(va)         ((va) >> 22)
#define VPN0(va)         (((va) >> 12) & 0x3ff)
#define PTE_LEAF         (PTE_R | PTE_W | PTE_X)
#define PTE_KERNEL       (PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D)
#define PTE_KERNEL_IO    (PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D)
#define PTE_USER         (PTE_V | PTE_U | PTE_A | PTE_D)
#define PTE_FOREIGN      0x100u      /* RSW: another domain's frame (dom0 build), not ours to free */

pagetable_t kernel_pagetable;
static uint32_t io_next = IO_BASE;

static pte_t make_pte(uint32_t physical, uint32_t flags)
{
    return (physical >> 12) << 10 | flags;
}

static void *pte_address(pte_t pte)
{
    return (void *)(uintptr_t)((pte >> 10) << 12);
}

static void map_megapage(uint32_t va, uint32_t physical, uint32_t flags)
{
    if (kernel_pagetable[VPN1(va)] & PTE_V)
        panic("map_megapage: 0x%08x already mapped", (unsigned)va);
    kernel_pagetable[VPN1(va)] = make_pte(physical, flags);
}

/* The kernel's page table: RAM 1:1 in megapages. Devices come with ioremap. */
void vm_init(void)
{
    kernel_pagetable = kalloc();
    if (kernel_pagetable == 0)
        panic("vm_init: no memory");
    uint32_t start = board.ram_base & ~(MEGAPAGE_SIZE - 1);
    uint32_t end = board.ram_base + board.ram_size;
    if (start < KERNEL_SPACE)
        panic("vm_init: RAM at 0x%08x, below the kernel half", (unsigned)start);
    if (end > IO_BASE || end < start)
        end = IO_BASE;
    for (uint32_t pa = start; pa < end; pa += MEGAPAGE_SIZE)
        map_megapage(pa, pa, PTE_KERNEL);
}

/*
 * Maps the device registers at [physical, physical + size) into the
 * kernel's device window and returns their virtual address. Only at boot:
 * address spaces made earlier would not see the mapping.
 */
uintptr_t ioremap(uint32_t physical, uint32_t size)
{
    uint32_t start = physical & ~(MEGAPAGE_SIZE - 1);
    uint32_t end = (physical + size + MEGAPAGE_SIZE - 1) & ~(MEGAPAGE_SIZE - 1);
    uint32_t va = io_next;
    if (end - start > IO_END - io_next)
        panic("ioremap: device window full");
    for (uint32_t pa = start; pa < end; pa += MEGAPAGE_SIZE, io_next += MEGAPAGE_SIZE)
        map_megapage(io_next, pa, PTE_KERNEL_IO);
    sfence_vma();
    return va + (physical - start);
}

void vm_switch(pagetable_t pagetable)
{
    csr_write(satp, SATP_MODE_SV32 | (uint32_t)(uintptr_t)pagetable >> 12);
    sfence_vma();
}

void vm_enable(void)
{
    vm_switch(kernel_pagetable);
}

/* A new, empty user address space sharing the kernel's half. */
int mm_create(struct mm *mm)
{
    memset(mm, 0, sizeof *mm);
    mm->pagetable = kalloc();
    if (mm->pagetable == 0)
        return -ENOMEM;
    memcpy(mm->pagetable + USER_ROOT_PTES, kernel_pagetable + USER_ROOT_PTES,
           (PTES_PER_TABLE - USER_ROOT_PTES) * sizeof(pte_t));
    return 0;
}

/* The level-0 PTE for user address va, making its table if `create`; 0 if none. */
static pte_t *walk(pagetable_t pagetable, uint32_t va, int create)
{
    pte_t *root = &pagetable[VPN1(va)];
    if (va >= USER_TOP)
        panic("walk: kernel address 0x%08x", (unsigned)va);
    if (!(*root & PTE_V)) {
        void *table = create ? kalloc() : 0;
        if (table == 0)
            return 0;
        *root = make_pte((uint32_t)(uintptr_t)table, PTE_V);
    }
    pagetable_t table = pte_address(*root);
    return &table[VPN0(va)];
}

/* Frees every user page and table of the address space, and its reservation. */
void mm_destroy(struct mm *mm)
{
    if (mm->pagetable == 0)
        return;
    for (uint32_t i = 0; i < USER_ROOT_PTES; i++) {
        if (!(mm->pagetable[i] & PTE_V))
            continue;
        pagetable_t table = pte_address(mm->pagetable[i]);
        for (int j = 0; j < PTES_PER_TABLE; j++) {
            if (!(table[j] & PTE_V))
                continue;
            if (table[j] & PTE_FOREIGN)
                platform_foreign_release((uint32_t)(uintptr_t)pte_address(table[j]));
            else
                kfree(pte_address(table[j]));
        }
        kfree(table);
    }
    kfree(mm->pagetable);
    if (mm->reserved)
        kalloc_unreserve(mm->reserved);
    memset(mm, 0, sizeof *mm);
}

/* Maps `page` at va with `flags` (some of R W X) for user mode. 0 or -ENOMEM. */
static int map_user(struct mm *mm, uint32_t va, void *page, uint32_t flags)
{
    pte_t *pte = walk(mm->pagetable, va, 1);
    if (pte == 0)
        return -ENOMEM;
    *pte = make_pte((uint32_t)(uintptr_t)page, PTE_USER | flags);
    mm->pages++;
    return 0;
}

/*
 * Makes sure a page is mapped at va with at least `flags` and returns it in
 * *page (a new page is zeroed). 0, or -ENOMEM.
 */
int mm_map_page(struct mm *mm, uint32_t va, uint32_t flags, void **page)
{
    pte_t *pte = walk(mm->pagetable, va, 0);
    if (pte && (*pte & PTE_V)) {
        *pte |= flags;
        *page = pte_address(*pte);
        return 0;
    }
    *page = kalloc();
    if (*page == 0)
        return -ENOMEM;
    if (map_user(mm, PAGE_ROUND_DOWN(va), *page, flags) < 0) {
        kfree(*page);
        return -ENOMEM;
    }
    return 0;
}

/* Copies every page of `from` into `to` (made by mm_create), and its reservation; not foreign pages (Linux's privcmd mappings are not inherited either). */
int mm_copy(struct mm *from, struct mm *to)
{
    for (uint32_t i = 0; i < USER_ROOT_PTES; i++) {
        if (!(from->pagetable[i] & PTE_V))
            continue;
        pagetable_t table = pte_address(from->pagetable[i]);
        for (uint32_t j = 0; j < PTES_PER_TABLE; j++) {
            if (!(table[j] & PTE_V) || (table[j] & PTE_FOREIGN))
                continue;
            void *page = kalloc();
            if (page == 0)
                return -ENOMEM;
            memcpy(page, pte_address(table[j]), PAGE_SIZE);
            if (map_user(to, i << 22 | j << 12, page, table[j] & PTE_LEAF) < 0) {
                kfree(page);
                return -ENOMEM;
            }
        }
    }
    if (kalloc_reserve(from->reserved) < 0)
        return -ENOMEM;
    to->reserved = from->reserved;
    to->heap_start = from->heap_start;
    to->brk = from->brk;
    to->resident_stack = from->resident_stack;
    to->resident_brk = from->resident_brk;
    return 0;
}

static int in_heap(const struct mm *mm, uint32_t va)
{
    return va >= mm->heap_start && va < PAGE_ROUND_UP(mm->brk);
}

static int in_stack(uint32_t va)
{
    return va >= USER_STACK_BOTTOM && va < USER_STACK_TOP;
}

/*
 * A page fault at user address va: if va is heap or stack not touched
 * before, a zeroed page appears there. 0 when resolved; -EFAULT when the
 * access is simply wrong; -ENOMEM when the stack could not grow.
 */
int mm_fault(struct mm *mm, uint32_t va, int cause)
{
    if (va >= USER_TOP || cause == CAUSE_FETCH_PAGE_FAULT)
        return -EFAULT;
    int heap = in_heap(mm, va);
    if (!heap && !in_stack(va))
        return -EFAULT;
    pte_t *pte = walk(mm->pagetable, va, 1);
    if (pte == 0)
        return -ENOMEM;
    if (*pte & PTE_V)
        return -EFAULT;             /* present: the permissions said no */
    void *page;
    if (heap) {
        page = kalloc_reserved();
        mm->reserved--;
    } else if ((page = kalloc()) == 0) {
        return -ENOMEM;
    }
    *pte = make_pte((uint32_t)(uintptr_t)page, PTE_USER | PTE_R | PTE_W);
    mm->pages++;
    return 0;
}

/* Unmaps the heap pages from va up to `end`, giving back pages and promises. */
static void heap_shrink(struct mm *mm, uint32_t va, uint32_t end)
{
    for (; va < end; va += PAGE_SIZE) {
        pte_t *pte = walk(mm->pagetable, va, 0);
        if (pte && (*pte & PTE_V)) {
            kfree(pte_address(*pte));
            *pte = 0;
            mm->pages--;
        } else {
            mm->reserved--;
            kalloc_unreserve(1);
        }
    }
    sfence_vma();
}

/* Moves the break by `increment`; *old_brk is where it was. 0, -ENOMEM or -EINVAL. */
int mm_sbrk(struct mm *mm, int increment, uint32_t *old_brk)
{
    uint32_t old = mm->brk, new = old + (uint32_t)increment;
    *old_brk = old;
    if (increment > 0) {
        if (new < old || new > USER_HEAP_LIMIT)
            return -ENOMEM;
        uint32_t grow = (PAGE_ROUND_UP(new) - PAGE_ROUND_UP(old)) / PAGE_SIZE;
        if (kalloc_reserve(grow) < 0)
            return -ENOMEM;
        mm->reserved += grow;
    } else if (increment < 0) {
        if (new > old || new < mm->heap_start)
            return -EINVAL;
        heap_shrink(mm, PAGE_ROUND_UP(new), PAGE_ROUND_UP(old));
        if (mm->resident_brk > new)
            mm->resident_brk = new;
    }
    mm->brk = new;
    return 0;
}

/*
 * The kernel address of user address va, if the process may read it (or
 * write it, with `write`); heap and stack fill in as a touch would. 0 if not.
 */
static uint8_t *translate(struct mm *mm, uint32_t va, int write)
{
    if (va >= USER_TOP)
        return 0;
    pte_t *pte = walk(mm->pagetable, va, 0);
    if (pte == 0 || !(*pte & PTE_V)) {
        if (mm_fault(mm, va, write ? CAUSE_STORE_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT) < 0)
            return 0;
        pte = walk(mm->pagetable, va, 0);
    }
    uint32_t need = PTE_U | (write ? PTE_W : PTE_R);
    if ((*pte & need) != need || (*pte & PTE_FOREIGN))
        return 0;               /* a foreign frame is not in the kernel's map */
    return (uint8_t *)pte_address(*pte) + (va & (PAGE_SIZE - 1));
}

/*
 * Maps another domain's frame, at guest-physical gpa in this domain's
 * window, at user address va (the foreign area), read-write (or read-only).
 * 0, -EBUSY if something is mapped there, or -ENOMEM.
 */
int mm_map_foreign(struct mm *mm, uint32_t va, uint32_t gpa, int writable)
{
    if (va < USER_FOREIGN_BASE || va - USER_FOREIGN_BASE >= USER_FOREIGN_SIZE || (va | gpa) & (PAGE_SIZE - 1))
        panic("mm_map_foreign: 0x%08x -> 0x%08x", (unsigned)va, (unsigned)gpa);
    pte_t *pte = walk(mm->pagetable, va, 1);
    if (pte == 0)
        return -ENOMEM;
    if (*pte & PTE_V)
        return -EBUSY;
    *pte = make_pte(gpa, PTE_USER | PTE_R | (writable ? PTE_W : 0) | PTE_FOREIGN);
    mm->foreign++;
    return 0;
}

/* Unmaps the foreign page at va: the guest-physical address it had, or 0 if none was there. */
uint32_t mm_unmap_foreign(struct mm *mm, uint32_t va)
{
    if (va >= USER_TOP)
        return 0;
    pte_t *pte = walk(mm->pagetable, va, 0);
    if (pte == 0 || (*pte & (PTE_V | PTE_FOREIGN)) != (PTE_V | PTE_FOREIGN))
        return 0;
    uint32_t gpa = (uint32_t)(uintptr_t)pte_address(*pte);
    *pte = 0;
    mm->foreign--;
    sfence_vma();
    return gpa;
}

/*
 * Makes the stack from sp up and the whole heap present, as touching them
 * would (a hypercall reads and writes user memory where it cannot fault
 * pages in). Remembers how far it got, so each page is looked at once.
 * 0, or -ENOMEM.
 */
int mm_make_resident(struct mm *mm, uint32_t sp)
{
    uint32_t low = PAGE_ROUND_DOWN(sp);
    if (low < USER_STACK_BOTTOM)
        low = USER_STACK_BOTTOM;
    uint32_t stack = mm->resident_stack ? mm->resident_stack : USER_STACK_TOP;
    for (uint32_t va = low; va < stack; va += PAGE_SIZE)
        if (translate(mm, va, 1) == 0)
            return -ENOMEM;
    if (low < stack)
        mm->resident_stack = low;
    uint32_t from = PAGE_ROUND_DOWN(mm->resident_brk > mm->heap_start ? mm->resident_brk : mm->heap_start);
    for (uint32_t va = from; va < mm->brk; va += PAGE_SIZE)
        if (translate(mm, va, 1) == 0)
            return -ENOMEM;
    mm->resident_brk = mm->brk;
    return 0;
}

/* The bytes of the page at va that [va, va + n) covers. */
static uint32_t chunk(uint32_t va, uint32_t n)
{
    uint32_t room = PAGE_SIZE - (va & (PAGE_SIZE - 1));
    return n < room ? n : room;
}

int copyin(struct mm *mm, void *dst, uint32_t src, uint32_t n)
{
    uint8_t *d = dst;
    while (n > 0) {
        uint32_t step = chunk(src, n);
        const uint8_t *s = translate(mm, src, 0);
        if (s == 0)
            return -EFAULT;
        memcpy(d, s, step);
        d += step;
        src += step;
        n -= step;
    }
    return 0;
}

int copyout(struct mm *mm, uint32_t dst, const void *src, uint32_t n)
{
    const uint8_t *s = src;
    while (n > 0) {
        uint32_t step = chunk(dst, n);
        uint8_t *d = translate(mm, dst, 1);
        if (d == 0)
            return -EFAULT;
        memcpy(d, s, step);
        s += step;
        dst += step;
        n -= step;
    }
    return 0;
}

/* Copies a string of at most max-1 bytes and its NUL. Its length, -EFAULT, or -E2BIG. */
int copyinstr(struct mm *mm, char *dst, uint32_t src, uint32_t max)
{
    for (uint32_t i = 0; i < max; ) {
        const char *s = (const char *)translate(mm, src + i, 0);
        if (s == 0)
            return -EFAULT;
        for (uint32_t step = chunk(src + i, max - i); step > 0; step--, i++) {
            dst[i] = *s++;
            if (dst[i] == 0)
                return (int)i;
        }
    }
    return -E2BIG;
}

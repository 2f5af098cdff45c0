/*
 * exec.c: replacing a process's program with an ELF executable from the
 * initramfs (include/abi.h says what a program may be and how it starts).
 * The new address space is built completely before the old one is let go,
 * so a failed exec returns an error to a program that is still there.
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"

#define ELF_MAGIC     0x464c457fu    /* "\x7fELF" */
#define ELFCLASS32    1
#define ELFDATA2LSB   1
#define ET_EXEC       2
#define EM_RISCV      243
#define PT_LOAD       1
#define PF_X          1
#define PF_W          2
#define PF_R          4

struct elf_header {
    uint32_t magic;
    uint8_t class, data, version, abi, pad[8];
    uint16_t type, machine;
    uint32_t version2, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static int header_ok(const struct elf_header *h, uint32_t size)
{
    return h->magic == ELF_MAGIC && h->class == ELFCLASS32 && h->data == ELFDATA2LSB &&
           h->type == ET_EXEC && h->machine == EM_RISCV &&
           h->phentsize == sizeof(struct elf_phdr) &&
           h->phoff < size && h->phnum <= (size - h->phoff) / sizeof(struct elf_phdr) &&
           h->entry >= USER_TEXT_BASE && h->entry < USER_HEAP_LIMIT;
}

static int segment_ok(const struct elf_phdr *ph, uint32_t size)
{
    return ph->filesz <= ph->memsz && ph->offset <= size && ph->filesz <= size - ph->offset &&
           ph->vaddr >= USER_TEXT_BASE && ph->memsz <= USER_HEAP_LIMIT - ph->vaddr;
}

static uint32_t pte_flags(uint32_t elf_flags)
{
    uint32_t flags = 0;
    if (elf_flags & PF_R)
        flags |= PTE_R;
    if (elf_flags & PF_W)
        flags |= PTE_R | PTE_W;       /* Sv32 has no write-only pages */
    if (elf_flags & PF_X)
        flags |= PTE_X;
    return flags;
}

/* Maps one PT_LOAD segment into mm, page by page, copying its file bytes. */
static int load_segment(struct mm *mm, const struct elf_phdr *ph, const uint8_t *file)
{
    uint32_t file_end = ph->vaddr + ph->filesz;
    for (uint32_t va = PAGE_ROUND_DOWN(ph->vaddr); va < ph->vaddr + ph->memsz; va += PAGE_SIZE) {
        uint8_t *page;
        if (mm_map_page(mm, va, pte_flags(ph->flags), (void **)&page) < 0)
            return -ENOMEM;
        uint32_t low = va > ph->vaddr ? va : ph->vaddr;
        uint32_t high = va + PAGE_SIZE < file_end ? va + PAGE_SIZE : file_end;
        if (low < high)
            memcpy(page + (low - va), file + ph->offset + (low - ph->vaddr), high - low);
    }
    return 0;
}

/* Loads the ELF image into mm; sets *entry and the initial break. */
static int load_elf(struct mm *mm, const struct ramfile *f, uint32_t *entry)
{
    struct elf_header h;
    uint32_t end = USER_TEXT_BASE;
    if (f->size < sizeof h)
        return -ENOEXEC;
    memcpy(&h, f->data, sizeof h);
    if (!header_ok(&h, f->size))
        return -ENOEXEC;
    for (uint32_t i = 0; i < h.phnum; i++) {
        struct elf_phdr ph;
        memcpy(&ph, f->data + h.phoff + i * sizeof ph, sizeof ph);
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (!segment_ok(&ph, f->size))
            return -ENOEXEC;
        int error = load_segment(mm, &ph, f->data);
        if (error < 0)
            return error;
        if (ph.vaddr + ph.memsz > end)
            end = ph.vaddr + ph.memsz;
    }
    *entry = h.entry;
    mm->heap_start = mm->brk = PAGE_ROUND_UP(end);
    return 0;
}

/* Puts the argument strings and the argv array at the top of the new stack. */
static int push_args(struct mm *mm, char *const argv[], int argc, uint32_t *sp_out)
{
    uint32_t pointers[EXEC_MAXARG + 1];
    uint32_t sp = USER_STACK_TOP;
    for (int i = argc - 1; i >= 0; i--) {
        uint32_t length = (uint32_t)strlen(argv[i]) + 1;
        sp -= length;
        if (copyout(mm, sp, argv[i], length) < 0)
            return -ENOMEM;
        pointers[i] = sp;
    }
    pointers[argc] = 0;
    sp = (sp - (uint32_t)(argc + 1) * 4) & ~15u;
    if (copyout(mm, sp, pointers, (uint32_t)(argc + 1) * 4) < 0)
        return -ENOMEM;
    *sp_out = sp;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *name = path;
    for (; *path; path++)
        if (*path == '/')
            name = path + 1;
    return name;
}

/*
 * Runs the program at `path` in process p with argv[0..argc). On success p's
 * old memory is gone and its trap frame starts the new program; returns
 * argc (the value a0 must hold). On failure p is untouched: -ENOENT,
 * -ENOEXEC, -ENOMEM.
 */
int exec(struct proc *p, const char *path, char *const argv[], int argc)
{
    const struct ramfile *f = initramfs_find(path);
    struct mm mm, old;
    uint32_t entry = 0, sp = 0;
    if (f == 0)
        return -ENOENT;
    if (argc > EXEC_MAXARG)
        return -E2BIG;
    int error = mm_create(&mm);
    if (error == 0)
        error = load_elf(&mm, f, &entry);
    if (error == 0)
        error = push_args(&mm, argv, argc, &sp);
    if (error < 0) {
        mm_destroy(&mm);
        return error;
    }
    code_written();
    acquire(&proc_lock);
    old = p->mm;
    p->mm = mm;
    strlcpy(p->name, base_name(path), PROC_NAME);
    if (p == mycpu()->proc)
        vm_switch(mm.pagetable);
    release(&proc_lock);
    mm_destroy(&old);
    memset(p->tf->regs, 0, sizeof p->tf->regs);
    p->tf->epc = entry;
    p->tf->regs[TF_SP] = sp;
    p->tf->regs[TF_A0] = (uint32_t)argc;
    p->tf->regs[TF_A1] = sp;
    return argc;
}

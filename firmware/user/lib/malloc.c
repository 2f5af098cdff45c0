/*
 * malloc.c: the heap, grown with sbrk. Blocks carry an 8-byte header (their
 * size, header included); free blocks sit on a list sorted by address, so a
 * block freed next to another merges with it. First fit; the heap grows by
 * at least HEAP_GROWTH bytes at a time, and never shrinks.
 */
#include "libc.h"

#define ALIGN       8                   /* every block is a multiple of this */
#define HEAP_GROWTH (16 * 1024)         /* least sbrk increment, bytes */

struct block {
  size_t size;                          /* bytes, header included */
  struct block *next;                   /* next free block (free blocks only) */
};

#define HEADER ALIGN                    /* header bytes before the payload */

static struct block *free_list;         /* sorted by address */

static char *end_of(struct block *b) {
  return (char *)b + b->size;
}

/* Puts b on the free list, merging it with its neighbours when they touch. */
static void insert_free(struct block *b) {
  struct block *before = NULL, *after = free_list;
  while (after && after < b) before = after, after = after->next;
  b->next = after;
  if (after && end_of(b) == (char *)after) {
    b->size += after->size;
    b->next = after->next;
  }
  if (!before) {
    free_list = b;
  } else if (end_of(before) == (char *)b) {
    before->size += b->size;
    before->next = b->next;
  } else {
    before->next = b;
  }
}

/* Asks the kernel for at least `size` more bytes; returns 0, or -1 when sbrk fails. */
static int grow(size_t size) {
  if (size < HEAP_GROWTH) size = HEAP_GROWTH;
  if (size > 0x7ffff000) return -1;
  uintptr_t misalignment = (uintptr_t)sbrk(0) % ALIGN;
  if (misalignment && sbrk_failed(sbrk(ALIGN - misalignment))) return -1;
  void *memory = sbrk((int)size);
  if (sbrk_failed(memory)) return -1;
  struct block *b = memory;
  b->size = size;
  insert_free(b);
  return 0;
}

/* Takes the first free block of at least `size` bytes off the list, splitting it; NULL if none. */
static struct block *take_first_fit(size_t size) {
  for (struct block **link = &free_list; *link; link = &(*link)->next) {
    struct block *b = *link;
    if (b->size < size) continue;
    if (b->size - size >= 2 * HEADER) {          /* split: the tail stays free */
      struct block *rest = (struct block *)((char *)b + size);
      rest->size = b->size - size;
      rest->next = b->next;
      *link = rest;
      b->size = size;
    } else {
      *link = b->next;
    }
    return b;
  }
  return NULL;
}

void *malloc(size_t size) {
  if (size == 0 || size > 0x7fff0000) return NULL;
  size_t need = (size + HEADER + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  struct block *b = take_first_fit(need);
  if (!b) {
    if (grow(need) < 0) return NULL;
    b = take_first_fit(need);
  }
  return (char *)b + HEADER;
}

void free(void *p) {
  if (p) insert_free((struct block *)((char *)p - HEADER));
}

void *calloc(size_t count, size_t size) {
  if (size && count > 0x7fff0000 / size) return NULL;
  void *p = malloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

void *realloc(void *old, size_t size) {
  if (!old) return malloc(size);
  size_t have = ((struct block *)((char *)old - HEADER))->size - HEADER;
  if (size <= have) return old;
  void *p = malloc(size);
  if (p) {
    memcpy(p, old, have);
    free(old);
  }
  return p;
}

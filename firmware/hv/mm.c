/*
 * mm.c: the frames of RAM and who owns them. Every 4 KiB frame belongs to
 * the hypervisor (its image, or its heap: page tables), to one domain, to the boot-time reservations (firmware,
 * modules, the device tree), or to the free pool; the frame table records
 * which, one byte a frame. A frame is scrubbed (zeroed) whenever it leaves
 * a domain, and before it goes to one unless it is known to be clean, so
 * nothing a domain wrote is ever seen by another. A frame another domain
 * maps through a grant is pinned (counted): if its domain frees it, it
 * stays as it is (OWNER_GRANTED) until the last mapping goes.
 */
#include "hv.h"
#include "string.h"

#define FRAME_CLEAN 0x80u           /* in clean[]: the frame holds zeros */

static struct {
    struct spinlock lock;
    uint8_t *owner;                 /* per frame: OWNER_* or a domain id */
    uint8_t *flags;                 /* per frame: FRAME_CLEAN */
    uint16_t *pins;                 /* per frame: grant mappings of it */
    uint32_t base;                  /* RAM base */
    uint32_t frames;                /* frames of RAM */
    uint32_t free;                  /* frames in the pool */
    uint32_t hint;                  /* where the last single frame came from (next fit) */
} mm;

static uint32_t frame_index(uint32_t address)
{
    return (address - mm.base) >> FRAME_SHIFT;
}

static uint32_t frame_address(uint32_t index)
{
    return mm.base + (index << FRAME_SHIFT);
}

/* Zeroes one frame, eight words a step: a domain's megabytes go through here. */
static void scrub(uint32_t address)
{
    uint32_t *word = (uint32_t *)(uintptr_t)address;
    for (uint32_t *end = word + FRAME_SIZE / 4; word < end; word += 8) {
        word[0] = 0; word[1] = 0; word[2] = 0; word[3] = 0;
        word[4] = 0; word[5] = 0; word[6] = 0; word[7] = 0;
    }
}

/*
 * Sets up the frame table at hv_end (the end of the hypervisor's image):
 * the firmware and the hypervisor (the table included) are the
 * hypervisor's; every other frame is free until mm_reserve says otherwise.
 * Free frames are not known to be clean: the boot loader was there first.
 */
void mm_init(uint32_t hv_end)
{
    mm.base = host.ram_base;
    mm.frames = host.ram_size >> FRAME_SHIFT;
    mm.owner = (uint8_t *)(uintptr_t)hv_end;
    mm.flags = mm.owner + mm.frames;
    mm.pins = (uint16_t *)(uintptr_t)ROUND_UP((uint32_t)(uintptr_t)(mm.flags + mm.frames), 2);
    uint32_t table_end = ROUND_UP((uint32_t)(uintptr_t)(mm.pins + mm.frames), FRAME_SIZE);
    memset(mm.flags, 0, mm.frames);
    memset(mm.pins, 0, mm.frames * sizeof *mm.pins);
    for (uint32_t i = 0; i < mm.frames; i++)
        mm.owner[i] = frame_address(i) < table_end ? OWNER_HYPERVISOR : OWNER_FREE;
    mm.free = mm.frames - frame_index(table_end);
    mm.hint = mm.frames - 1;
}

/* Takes [start, start + size) out of the pool for good (what the board placed in RAM). */
void mm_reserve(uint32_t start, uint32_t size)
{
    if (size == 0)
        return;
    uint32_t first = frame_index(ROUND_DOWN(start, FRAME_SIZE));
    uint32_t end = frame_index(ROUND_UP(start + size, FRAME_SIZE));
    if (start < mm.base || end > mm.frames)
        panic("mm_reserve: 0x%08x+0x%x is not in RAM", (unsigned)start, (unsigned)size);
    spin_lock(&mm.lock);
    for (uint32_t i = first; i < end; i++) {
        if (mm.owner[i] == OWNER_FREE)
            mm.free--;
        if (mm.owner[i] != OWNER_HYPERVISOR)
            mm.owner[i] = OWNER_RESERVED;
    }
    spin_unlock(&mm.lock);
}

/* Are `count` frames from `first` all free? */
static int run_free(uint32_t first, uint32_t count)
{
    for (uint32_t i = first; i < first + count; i++)
        if (mm.owner[i] != OWNER_FREE)
            return 0;
    return 1;
}

/* Gives the run to `owner`, scrubbing the frames not known to be clean. */
static void take(uint32_t first, uint32_t count, int owner)
{
    for (uint32_t i = first; i < first + count; i++) {
        mm.owner[i] = (uint8_t)owner;
        if (!(mm.flags[i] & FRAME_CLEAN))
            scrub(frame_address(i));
        mm.flags[i] &= ~FRAME_CLEAN;
    }
    mm.free -= count;
}

/* One frame, searching down from where the last one came from: a domain built of
 * single frames takes thousands in a row. 0 if none is free. */
static uint32_t alloc_one(int owner)
{
    for (uint32_t n = 0; n < mm.frames; n++) {
        uint32_t i = (mm.hint + mm.frames - n) % mm.frames;
        if (mm.owner[i] == OWNER_FREE) {
            take(i, 1, owner);
            mm.hint = i;
            return frame_address(i);
        }
    }
    return 0;
}

/*
 * `frames` contiguous zeroed frames for `owner`, the first aligned to
 * `align` bytes (a power of two, at least a frame). Returns the address,
 * or 0 if no such run is free. Searches from the top of RAM down, so the
 * low, megapage-aligned RAM stays for domains.
 */
uint32_t mm_alloc(int owner, uint32_t frames, uint32_t align)
{
    uint32_t step = align / FRAME_SIZE;
    uint32_t found = 0;
    if (frames == 0 || frames > mm.frames || mm.base % align)
        return 0;
    spin_lock(&mm.lock);
    if (frames == 1 && step == 1)
        found = alloc_one(owner);
    for (uint32_t i = ROUND_DOWN(mm.frames - frames, step); !found; i -= step) {
        if (run_free(i, frames)) {
            take(i, frames, owner);
            found = frame_address(i);
            break;
        }
        if (i < step)
            break;
    }
    spin_unlock(&mm.lock);
    return found;
}

/* A free 4 MiB-aligned megapage for `owner`, lowest first, or 0. */
uint32_t mm_alloc_megapage(int owner)
{
    uint32_t found = 0;
    spin_lock(&mm.lock);
    uint32_t first = (ROUND_UP(mm.base, MEGAPAGE) - mm.base) >> FRAME_SHIFT;
    for (uint32_t i = first; i + FRAMES_PER_MEGAPAGE <= mm.frames; i += FRAMES_PER_MEGAPAGE) {
        if (run_free(i, FRAMES_PER_MEGAPAGE)) {
            take(i, FRAMES_PER_MEGAPAGE, owner);
            found = frame_address(i);
            break;
        }
    }
    spin_unlock(&mm.lock);
    return found;
}

/*
 * Scrubs the frames and gives them back to the pool; a pinned one stays
 * as it is until mm_unpin. Which is which is settled under the lock
 * first, the scrubbing done outside it.
 */
void mm_free(uint32_t address, uint32_t frames)
{
    uint32_t first = frame_index(address);
    spin_lock(&mm.lock);
    for (uint32_t i = first; i < first + frames; i++) {
        if (mm.owner[i] >= NDOMAIN && mm.owner[i] != OWNER_HEAP)
            panic("mm_free: frame 0x%08x is not a domain's or the heap's", (unsigned)frame_address(i));
        mm.owner[i] = mm.pins[i] ? OWNER_GRANTED : OWNER_SCRUBBING;
    }
    spin_unlock(&mm.lock);
    for (uint32_t i = first; i < first + frames; i++)
        if (mm.owner[i] == OWNER_SCRUBBING)
            scrub(frame_address(i));
    spin_lock(&mm.lock);
    for (uint32_t i = first; i < first + frames; i++)
        if (mm.owner[i] == OWNER_SCRUBBING) {
            mm.owner[i] = OWNER_FREE;
            mm.flags[i] |= FRAME_CLEAN;
            mm.free++;
        }
    spin_unlock(&mm.lock);
}

/* Another domain maps the domain's frame at `address` (a grant). 0, or -1 if no domain owns it. */
int mm_pin(uint32_t address)
{
    uint32_t i = frame_index(address);
    spin_lock(&mm.lock);
    int ok = i < mm.frames && mm.owner[i] < NDOMAIN && mm.pins[i] != 0xffff;
    if (ok)
        mm.pins[i]++;
    spin_unlock(&mm.lock);
    return ok ? 0 : -1;
}

/* mm_pin, only if the frame is `owner`'s now (so that one it gave back meanwhile is never pinned). */
int mm_pin_owned(uint32_t address, int owner)
{
    uint32_t i = frame_index(address);
    spin_lock(&mm.lock);
    int ok = i < mm.frames && mm.owner[i] == owner && mm.pins[i] != 0xffff;
    if (ok)
        mm.pins[i]++;
    spin_unlock(&mm.lock);
    return ok ? 0 : -1;
}

/* A mapping of the frame at `address` is gone: the last one frees it if its domain has. */
void mm_unpin(uint32_t address)
{
    uint32_t i = frame_index(address);
    spin_lock(&mm.lock);
    int last = --mm.pins[i] == 0 && mm.owner[i] == OWNER_GRANTED;
    if (last)
        mm.owner[i] = OWNER_SCRUBBING;
    spin_unlock(&mm.lock);
    if (!last)
        return;
    scrub(address & ~(FRAME_SIZE - 1));
    spin_lock(&mm.lock);
    mm.owner[i] = OWNER_FREE;
    mm.flags[i] |= FRAME_CLEAN;
    mm.free++;
    spin_unlock(&mm.lock);
}

uint32_t mm_free_frames(void)
{
    return mm.free;
}

uint32_t mm_total_frames(void)
{
    return mm.frames;
}

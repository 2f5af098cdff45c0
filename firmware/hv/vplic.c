/*
 * vplic.c: the emulated PLIC every HVM domain finds at 0x0c00_0000, with
 * one context per vCPU (its supervisor external interrupt, which the
 * hypervisor raises as VSEIP through hvip). The register layout is the
 * SiFive PLIC's, as on the machine: priorities, pending bits, per-context
 * enables, thresholds and claim/complete. Sources are level-triggered as
 * QEMU models them: pending follows the line while the source is not
 * claimed, and a completed source that is still raised is pending again.
 */
#include "hv.h"
#include "string.h"

#define PRIORITY_BASE   0x000000
#define PENDING_BASE    0x001000
#define ENABLE_BASE     0x002000
#define ENABLE_STRIDE   0x80
#define CONTEXT_BASE    0x200000
#define CONTEXT_STRIDE  0x1000
#define CONTEXT_CLAIM   4

void vplic_init(struct domain *d)
{
    struct vplic *p = &d->vplic;
    memset(p->priority, 0, sizeof p->priority);
    memset(p->level, 0, sizeof p->level);
    memset(p->pending, 0, sizeof p->pending);
    memset(p->claimed, 0, sizeof p->claimed);
    memset(p->enable, 0, sizeof p->enable);
    memset(p->threshold, 0, sizeof p->threshold);
    p->contexts = d->nvcpus;
    p->words_in_use = 0;
}

/* How many enable words hold a set bit in some context: sources beyond cannot be taken. */
static void count_words_in_use(struct vplic *p)
{
    p->words_in_use = 0;
    for (int c = 0; c < p->contexts; c++)
        for (uint32_t word = 0; word < PLIC_WORDS; word++)
            if (p->enable[c][word] && word + 1 > p->words_in_use)
                p->words_in_use = word + 1;
}

/* The index of the lowest set bit of x (x != 0), by de Bruijn multiplication: no ctz instruction here. */
static uint32_t lowest_bit(uint32_t x)
{
    static const uint8_t position[32] = {
        0, 1, 28, 2, 29, 14, 24, 3, 30, 22, 20, 15, 25, 17, 4, 8,
        31, 27, 13, 23, 21, 19, 16, 7, 26, 12, 18, 6, 11, 5, 10, 9,
    };
    return position[((x & -x) * 0x077cb531u) >> 27];
}

static int bit(const uint32_t *words, uint32_t source)
{
    return (words[source / 32] >> (source % 32)) & 1;
}

static void set_bit_to(uint32_t *words, uint32_t source, int value)
{
    if (value)
        words[source / 32] |= 1u << (source % 32);
    else
        words[source / 32] &= ~(1u << (source % 32));
}

/* The source context c would claim now (pending, enabled, above its threshold, highest priority), or 0. */
static uint32_t best_source(const struct vplic *p, int c)
{
    uint32_t best = 0, best_priority = p->threshold[c];
    for (uint32_t word = 0; word < p->words_in_use; word++) {
        uint32_t candidates = p->pending[word] & p->enable[c][word] & ~p->claimed[word];
        while (candidates) {
            uint32_t source = word * 32 + lowest_bit(candidates);
            candidates &= candidates - 1;
            if (source < PLIC_SOURCE_IDS && p->priority[source] > best_priority) {
                best = source;
                best_priority = p->priority[source];
            }
        }
    }
    return best;
}

/* Tells each vCPU whether its context has an interrupt to take (VSEIP). p->lock held. */
static void update(struct domain *d)
{
    struct vplic *p = &d->vplic;
    for (int c = 0; c < p->contexts; c++)
        vcpu_set_external(&d->vcpus[c], best_source(p, c) != 0);
}

/* After source `source` changed: tells the vCPUs whose context has it enabled. p->lock held. */
static void update_source(struct domain *d, uint32_t source)
{
    struct vplic *p = &d->vplic;
    uint32_t word = source / 32, mask = 1u << (source % 32);
    for (int c = 0; c < p->contexts; c++)
        if (p->enable[c][word] & mask)
            vcpu_set_external(&d->vcpus[c], best_source(p, c) != 0);
}

/* A device drives source `source` to `level`. */
void vplic_set_level(struct domain *d, uint32_t source, int level)
{
    struct vplic *p = &d->vplic;
    spin_lock(&p->lock);
    set_bit_to(p->level, source, level);
    if (!bit(p->claimed, source))
        set_bit_to(p->pending, source, level);
    update_source(d, source);
    spin_unlock(&p->lock);
}

static uint32_t claim(struct domain *d, int c)
{
    struct vplic *p = &d->vplic;
    uint32_t source = best_source(p, c);
    if (source) {
        set_bit_to(p->pending, source, 0);
        set_bit_to(p->claimed, source, 1);
        update_source(d, source);
    }
    return source;
}

static void complete(struct domain *d, int c, uint32_t source)
{
    struct vplic *p = &d->vplic;
    if (source == 0 || source >= PLIC_SOURCE_IDS || !bit(p->enable[c], source) || !bit(p->claimed, source))
        return;                     /* completing what was not claimed is ignored */
    set_bit_to(p->claimed, source, 0);
    int passthrough = d->id == 0 && source == console_passthrough_irq();
    if (passthrough)
        set_bit_to(p->level, source, 0);    /* the device's line is looked at again: unmasked below */
    if (bit(p->level, source))
        set_bit_to(p->pending, source, 1);
    update_source(d, source);
    if (passthrough)
        console_passthrough_done();
}

/* The context a threshold/claim offset names, or -1. */
static int context_of(const struct vplic *p, uint32_t offset)
{
    uint32_t c = (offset - CONTEXT_BASE) / CONTEXT_STRIDE;
    return offset >= CONTEXT_BASE && c < (uint32_t)p->contexts ? (int)c : -1;
}

/* A 32-bit register read. 0 (unimplemented registers read as zero, as QEMU's). */
int vplic_read(struct domain *d, uint32_t offset, uint32_t *value)
{
    struct vplic *p = &d->vplic;
    *value = 0;
    spin_lock(&p->lock);
    if (offset >= CONTEXT_BASE) {
        int c = context_of(p, offset);
        uint32_t reg = offset % CONTEXT_STRIDE;
        if (c >= 0 && reg == CONTEXT_CLAIM)
            *value = claim(d, c);
        else if (c >= 0 && reg == 0)
            *value = p->threshold[c];
    } else if (offset < PENDING_BASE) {
        uint32_t source = offset / 4;
        if (source < PLIC_SOURCE_IDS)
            *value = p->priority[source];
    } else if (offset - PENDING_BASE < 4 * PLIC_WORDS) {
        *value = p->pending[(offset - PENDING_BASE) / 4];
    } else if (offset >= ENABLE_BASE) {
        uint32_t c = (offset - ENABLE_BASE) / ENABLE_STRIDE, word = (offset - ENABLE_BASE) % ENABLE_STRIDE / 4;
        if (c < (uint32_t)p->contexts && word < PLIC_WORDS)
            *value = p->enable[c][word];
    }
    spin_unlock(&p->lock);
    return 0;
}

int vplic_write(struct domain *d, uint32_t offset, uint32_t value)
{
    struct vplic *p = &d->vplic;
    spin_lock(&p->lock);
    if (offset >= CONTEXT_BASE) {
        int c = context_of(p, offset);
        uint32_t reg = offset % CONTEXT_STRIDE;
        if (c >= 0 && reg == CONTEXT_CLAIM) {
            complete(d, c, value);
        } else if (c >= 0 && reg == 0) {
            p->threshold[c] = value & GUEST_PLIC_PRIORITY_MAX;
            update(d);
        }
    } else if (offset < PENDING_BASE) {
        uint32_t source = offset / 4;
        if (source > 0 && source < PLIC_SOURCE_IDS) {
            p->priority[source] = (uint8_t)(value & GUEST_PLIC_PRIORITY_MAX);
            update(d);
        }
    } else if (offset >= ENABLE_BASE) {
        uint32_t c = (offset - ENABLE_BASE) / ENABLE_STRIDE, word = (offset - ENABLE_BASE) % ENABLE_STRIDE / 4;
        if (c < (uint32_t)p->contexts && word < PLIC_WORDS) {
            p->enable[c][word] = word == 0 ? value & ~1u : value;   /* source 0 does not exist */
            count_words_in_use(p);
            update(d);
        }
    }
    spin_unlock(&p->lock);
    return 0;
}

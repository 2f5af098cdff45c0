/*
 * hello.c: the first program to run on HyperLab (and on qemu-system-riscv32
 * -M virt). Every hart says hello on UART0, in hart order: they take turns
 * with a ticket in memory, hart N waiting until the ticket reads N. Hart 0
 * first counts the harts in the device tree (the cpu@ nodes under /cpus),
 * and once every hart has spoken it says goodbye and powers the machine off
 * through the test finisher.
 */
#include <stdint.h>

#define UART0_BASE      0x10000000UL  /* NS16550A */
#define UART_THR        0             /* transmit holding register */
#define UART_LSR        5             /* line status register */
#define UART_LSR_THRE   0x20          /* THR empty: room for a byte */
#define FINISHER_BASE   0x100000UL    /* sifive test finisher */
#define FINISHER_PASS   0x5555        /* power off, exit status 0 */
#define FINISHER_FAIL   0x3333        /* (code << 16) | FAIL: exit status code */

/* Flattened device tree (devicetree specification, chapter 5). */
#define FDT_MAGIC       0xd00dfeed
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9

/* Whose turn it is to speak: a hartid, then the number of harts. */
static uint32_t ticket;

static void uart_putc(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
    while ((uart[UART_LSR] & UART_LSR_THRE) == 0)
        ;
    uart[UART_THR] = (uint8_t)c;
}

static void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

static void uart_putdec(uint32_t n)
{
    char digits[10];
    int i = 0;
    do {
        digits[i++] = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0);
    while (i > 0)
        uart_putc(digits[--i]);
}

static void finisher_exit(uint32_t value)
{
    *(volatile uint32_t *)FINISHER_BASE = value;
    for (;;)
        ;
}

/* The device tree is big-endian and only 4-byte aligned within. */
static uint32_t fdt_word(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int str_equal(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static int str_starts(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return 0;
    return 1;
}

static uint32_t align4(uint32_t n)
{
    return (n + 3) & ~3u;
}

/*
 * Counts the cpu@ nodes directly under /cpus in the device tree at `fdt`
 * by walking its structure block. Returns -1 when `fdt` is not a device
 * tree or its structure is malformed.
 */
static int fdt_count_cpus(const uint8_t *fdt)
{
    if (fdt_word(fdt) != FDT_MAGIC)
        return -1;
    const uint8_t *p = fdt + fdt_word(fdt + 8);          /* off_dt_struct */
    const uint8_t *end = p + fdt_word(fdt + 36);         /* size_dt_struct */
    int depth = 0;          /* the root node is depth 1, /cpus depth 2 */
    int in_cpus = 0;
    int cpus = 0;

    while (p < end) {
        uint32_t token = fdt_word(p);
        p += 4;
        switch (token) {
        case FDT_BEGIN_NODE: {
            const char *name = (const char *)p;
            uint32_t length = 0;
            while (name[length])
                length++;
            depth++;
            if (depth == 2 && str_equal(name, "cpus"))
                in_cpus = 1;
            else if (in_cpus && depth == 3 && str_starts(name, "cpu@"))
                cpus++;
            p += align4(length + 1);
            break;
        }
        case FDT_END_NODE:
            if (depth == 2)
                in_cpus = 0;
            depth--;
            break;
        case FDT_PROP:
            p += 8 + align4(fdt_word(p));                /* len, nameoff, value */
            break;
        case FDT_NOP:
            break;
        case FDT_END:
            return cpus;
        default:
            return -1;
        }
    }
    return -1;
}

/* Waits until the ticket shows `turn`. */
static void wait_for_turn(uint32_t turn)
{
    while (__atomic_load_n(&ticket, __ATOMIC_ACQUIRE) != turn)
        ;
}

/* Passes the turn on, after this hart's UART output (I/O ordering too). */
static void pass_turn(uint32_t next)
{
    __asm__ volatile("fence iorw, iorw" ::: "memory");
    __atomic_store_n(&ticket, next, __ATOMIC_RELEASE);
}

/* Every hart, from start.S: a0 = hartid, a1 = the device tree. */
void hello_main(uint32_t hartid, const uint8_t *dtb)
{
    int harts = 0;

    if (hartid == 0) {
        harts = fdt_count_cpus(dtb);
        if (harts < 1) {
            uart_puts("hello: no usable device tree\n");
            finisher_exit(1 << 16 | FINISHER_FAIL);
        }
    }

    wait_for_turn(hartid);
    uart_puts("Hello from HyperLab, hart ");
    uart_putdec(hartid);
    uart_putc('\n');
    pass_turn(hartid + 1);

    if (hartid != 0)
        return;
    wait_for_turn((uint32_t)harts);
    uart_puts("Device tree: ");
    uart_putdec((uint32_t)harts);
    uart_puts(harts == 1 ? " hart" : " harts");
    uart_puts(". All said hello; powering off.\n");
    finisher_exit(FINISHER_PASS);
}

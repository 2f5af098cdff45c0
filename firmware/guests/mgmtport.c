/*
 * mgmtport.c: the management port, the UART the hypervisor passes
 * through to domain 0 (its page mapped in domain 0's G-stage, its
 * interrupt forwarded through domain 0's vPLIC).
 *
 * The default image's domain 0 serves the protocol with the kernel's
 * driver and dom0/mgmtd.c; this bare-metal one tests the passthrough.
 *
 * As domain 0 (bootarg `dom0`): finds the port from /chosen's
 * hyperlab,management-port, drives the 16550 itself (receive interrupts
 * on), and answers each line typed at it with "mgmt: " and the line in
 * capitals, waiting in WFI for its interrupts between lines; a line that
 * begins with '{' is a management request (firmware/toolstack/mgmt.c,
 * the daemon's library) and gets its JSON reply, and subscribers get
 * events, checked every 100 ms; "quit" powers off. Its console says how
 * many lines and interrupts it took.
 *
 * As a DomU: checks that its tree names no management port, then reads
 * the port's registers anyway, which must crash it and nothing else.
 */
#include "guest.h"
#include "hypercall.h"
#include "string.h"
#include "fdt.h"
#include "fdt_write.h"
#include "mgmt.h"
#include "xl.h"
#include "toolstack-env.h"
#include "format.h"

#define UART_RBR 0
#define UART_THR 0
#define UART_IER 1
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_DR   0x01
#define UART_LSR_THRE 0x20
#define UART_IER_RDI  0x01
#define UART_LCR_8N1  0x03
#define UART_MCR_OUT2 0x08

#define PLIC_PRIORITY(s)   (GUEST_PLIC_BASE + 4 * (s))
#define PLIC_ENABLE(c)     (GUEST_PLIC_BASE + 0x2000 + 0x80 * (c))
#define PLIC_THRESHOLD(c)  (GUEST_PLIC_BASE + 0x200000 + 0x1000 * (c))
#define PLIC_CLAIM(c)      (GUEST_PLIC_BASE + 0x200004 + 0x1000 * (c))

#define HV_MGMT_BASE 0x10017000u        /* the machine's UART7, where a DomU must not reach */

static struct fdt tree;
static uint32_t port_base;
extern const uint8_t kernel_file[], kernel_file_end[];  /* builder-kernel.S */

static volatile uint8_t *reg8(uint32_t address) { return (volatile uint8_t *)(uintptr_t)address; }
static volatile uint32_t *reg32(uint32_t address) { return (volatile uint32_t *)(uintptr_t)address; }

static void port_write(uint32_t base, const char *text)
{
    /* a NUL in a reply cannot happen: the JSON writer escapes every control character */
    for (; *text; text++) {
        while (!(*reg8(base + UART_LSR) & UART_LSR_THRE))
            ;
        *reg8(base + UART_THR) = (uint8_t)*text;
    }
}

/* ---- where mgmt.c runs (xc.c and xl.c: toolstack-env.c) ---- */

const uint8_t *xl_read_file(const char *path, uint32_t *size, const char **error)
{
    if (strcmp(path, "/boot/kernel.elf") == 0) {
        *size = (uint32_t)(kernel_file_end - kernel_file);
        return kernel_file;
    }
    *error = "No such file or directory";
    return 0;
}

static void port_write(uint32_t base, const char *text);

void mgmt_write(const char *text, uint32_t n)
{
    static char piece[65];
    for (uint32_t done = 0; done < n; done += 64) {
        uint32_t k = n - done < 64 ? n - done : 64;
        memcpy(piece, text + done, k);
        piece[k] = 0;
        port_write(port_base, piece);
    }
}

static int find_port(uint32_t *base, uint32_t *irq)
{
    int chosen = fdt_path(&tree, "/chosen");
    const char *path = chosen >= 0 ? fdt_prop(&tree, chosen, "hyperlab,management-port", 0) : 0;
    int node = path ? fdt_path(&tree, path) : -1;
    if (node < 0 || fdt_reg(&tree, node, 0, base, 0) < 0)
        return -1;
    *irq = fdt_prop_u32(&tree, node, "interrupts", 0);
    return *irq ? 0 : -1;
}

static void serve(uint32_t base, uint32_t irq)
{
    static struct mgmt_lines reader;
    uint32_t interrupts = 0, lines = 0;
    uint64_t next_poll = time_now();
    port_base = base;
    *reg8(base + UART_LCR) = UART_LCR_8N1;
    *reg8(base + UART_MCR) = UART_MCR_OUT2;
    *reg32(PLIC_PRIORITY(irq)) = 1;
    *reg32(PLIC_ENABLE(0) + 4 * (irq / 32)) = 1u << (irq % 32);
    *reg32(PLIC_THRESHOLD(0)) = 0;
    *reg8(base + UART_IER) = UART_IER_RDI;
    csr_set(sie, MIP_SEIP | MIP_STIP);  /* sstatus.SIE stays clear: WFI wakes, nothing traps */
    print("mgmtport: serving the management port at 0x%08x, irq %u\n", (unsigned)base, (unsigned)irq);
    port_write(base, "mgmt: ready\n");
    for (;;) {
        if (time_now() >= next_poll) {
            mgmt_poll();
            next_poll = time_now() + 1000000;  /* 100 ms of the 10 MHz timebase */
            guest_set_timer(next_poll);
        }
        wfi();
        uint32_t source = *reg32(PLIC_CLAIM(0));
        if (source == 0)
            continue;
        interrupts += source == irq;
        while (*reg8(base + UART_LSR) & UART_LSR_DR) {
            uint32_t length;
            char *line = (char *)mgmt_line(&reader, (char)*reg8(base + UART_RBR), &length);
            if (line == 0)
                continue;
            lines++;
            if (length > MGMT_LINE_MAX || line[0] == '{') {
                mgmt_handle_line(line, length);
                continue;
            }
            if (strcmp(line, "quit") == 0) {
                *reg32(PLIC_CLAIM(0)) = source;
                print("mgmtport: %u lines, %u interrupts\n", (unsigned)lines, (unsigned)interrupts);
                port_write(base, "mgmt: bye\n");
                return;
            }
            for (uint32_t i = 0; i < length; i++)
                if (line[i] >= 'a' && line[i] <= 'z')
                    line[i] = (char)(line[i] - 'a' + 'A');
            port_write(base, "mgmt: ");
            port_write(base, line);
            port_write(base, "\n");
        }
        *reg32(PLIC_CLAIM(0)) = source;     /* complete */
    }
}

void guest_secondary_program(uint32_t hartid)
{
    (void)hartid;
}

void guest_program(uint32_t hartid)
{
    (void)hartid;
    uint32_t base, irq;
    check_prefix = "mgmtport";
    fdt_parse(&tree, guest_dtb);
    int cpus = fdt_path(&tree, "/cpus"), cpu = fdt_next_child(&tree, cpus, -1);
    const char *own_isa = cpu >= 0 ? fdt_prop(&tree, cpu, "riscv,isa", 0) : 0;
    strlcpy(guest_vcpu_isa, own_isa ? own_isa : "rv32imac", sizeof guest_vcpu_isa);
    int found = find_port(&base, &irq) == 0;
    if (bootargs_has("dom0")) {
        check(found, "/chosen's hyperlab,management-port", found, "a 16550 with its interrupt");
        if (found)
            serve(base, irq);
        checks_done();
        guest_power_off(checks_failed);
    }
    check(!found, "a DomU's tree", found, "names no management port");
    checks_done();
    print("mgmtport: reading the management port's registers\n");
    (void)*reg8(HV_MGMT_BASE + UART_LSR);
    print("mgmtport: FAIL: read them and went on\n");
    for (;;)
        wfi();
}

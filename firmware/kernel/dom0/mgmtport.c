/*
 * mgmtport.c: /dev/mgmt, the management port. The hypervisor passes one
 * UART through to domain 0 (its registers mapped in domain 0's G-stage,
 * its interrupt forwarded through the vPLIC) and names it in /chosen's
 * hyperlab,management-port; the management daemon (dom0/mgmtd.c) serves
 * the page's requests on it.
 *
 * Input is interrupt driven into a buffer, as the console's. A read
 * returns what is there, or waits for it at most MGMT_READ_MS (a tty's
 * VMIN = 0, VTIME = 1), so that the daemon can also do its periodic work;
 * 0 means nothing came meanwhile. A write sends every byte, waiting for
 * room in the transmitter; bytes are not translated. One process at a
 * time may have the port open.
 */
#include "defs.h"
#include "riscv.h"
#include "string.h"
#include "fdt.h"
#include "ns16550.h"
#include "platform.h"
#include "dom0.h"

#define MGMT_INPUT    4096
#define MGMT_READ_MS  100
#define UART_WINDOW   0x100

static struct {
    struct spinlock lock;               /* the input buffer and `open` */
    struct spinlock output;             /* one write's bytes together */
    char buffer[MGMT_INPUT];
    uint32_t read, written;             /* free-running indexes */
    uint32_t dropped;                   /* bytes that found the buffer full */
    uintptr_t base;                     /* 0: this domain has no management port */
    int open;
} port;

static void port_interrupt(int unit)
{
    (void)unit;
    acquire(&port.lock);
    while (mmio_read8(port.base + UART_LSR) & UART_LSR_DR) {
        char c = (char)mmio_read8(port.base + UART_RBR);
        if (port.written - port.read < MGMT_INPUT)
            port.buffer[port.written++ % MGMT_INPUT] = c;
        else
            port.dropped++;
    }
    release(&port.lock);
    wakeup(&port);
}

void mgmtport_init(void)
{
    struct fdt fdt;
    uint32_t base, irq;
    spinlock_init(&port.lock, "mgmt input");
    spinlock_init(&port.output, "mgmt output");
    if (fdt_parse(&fdt, board.dtb) < 0)
        return;
    const char *path = fdt_prop(&fdt, fdt_path(&fdt, "/chosen"), "hyperlab,management-port", 0);
    int node = path ? fdt_path(&fdt, path) : -1;
    if (node < 0 || fdt_reg(&fdt, node, 0, &base, 0) < 0 || (irq = fdt_prop_u32(&fdt, node, "interrupts", 0)) == 0)
        return;
    uintptr_t mapped = ioremap(base, UART_WINDOW);
    mmio_write8(mapped + UART_IER, 0);
    mmio_write8(mapped + UART_LCR, UART_LCR_8N1);
    mmio_write8(mapped + UART_MCR, UART_MCR_OUT2);
    port.base = mapped;
    plic_enable(irq, port_interrupt, 0);
    mmio_write8(mapped + UART_IER, UART_IER_RDI);
    klog_printf("mgmt: the management port at 0x%08x, irq %u\n", (unsigned)base, (unsigned)irq);
}

static int port_open(struct file *f)
{
    (void)f;
    if (port.base == 0)
        return -ENODEV;
    acquire(&port.lock);
    int busy = port.open;
    port.open = 1;
    release(&port.lock);
    return busy ? -EBUSY : 0;
}

static void port_close(struct file *f)
{
    (void)f;
    acquire(&port.lock);
    port.open = 0;
    release(&port.lock);
}

static int port_read(struct file *f, uint32_t address, int n)
{
    (void)f;
    char chunk[IO_CHUNK];
    int count = 0;
    if (n <= 0)
        return n < 0 ? -EINVAL : 0;
    acquire(&port.lock);
    uint64_t until = timer_now() + timer_ms_to_ticks(MGMT_READ_MS);
    while (port.read == port.written && timer_now() < until) {
        if (myproc()->killed) {
            release(&port.lock);
            return -EINTR;
        }
        sleep_until(&port, &port.lock, until);
    }
    while (count < n && count < IO_CHUNK && port.read != port.written)
        chunk[count++] = port.buffer[port.read++ % MGMT_INPUT];
    release(&port.lock);
    if (copyout(&myproc()->mm, address, chunk, (uint32_t)count) < 0)
        return -EFAULT;
    return count;
}

static int port_write(struct file *f, uint32_t address, int n)
{
    (void)f;
    char chunk[IO_CHUNK];
    if (n < 0)
        return -EINVAL;
    acquire(&port.output);
    for (int done = 0; done < n;) {
        uint32_t piece = n - done < IO_CHUNK ? (uint32_t)(n - done) : IO_CHUNK;
        if (copyin(&myproc()->mm, chunk, address + (uint32_t)done, piece) < 0) {
            release(&port.output);
            return done ? done : -EFAULT;
        }
        for (uint32_t i = 0; i < piece; i++) {
            while (!(mmio_read8(port.base + UART_LSR) & UART_LSR_THRE))
                ;
            mmio_write8(port.base + UART_THR, (uint8_t)chunk[i]);
        }
        done += (int)piece;
    }
    release(&port.output);
    return n;
}

const struct device mgmtport_device = {
    .name = "mgmt", .open = port_open, .close = port_close, .read = port_read, .write = port_write,
};

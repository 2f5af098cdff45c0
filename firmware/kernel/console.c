/*
 * console.c: the console device behind descriptors 0, 1 and 2. Input is
 * raw: bytes typed are buffered as they arrive (uart.c) and read() returns
 * what is there, waiting only while nothing is; no echo, no line editing
 * (the shell does both). Output turns "\n" into "\r\n". One lock keeps a
 * write() or a kernel message whole.
 */
#include "defs.h"
#include "string.h"

static struct {
    struct spinlock lock;
    char buffer[CONSOLE_INPUT];
    uint32_t read, written;         /* free-running indexes */
} input;

static struct spinlock output_lock;

void console_init(void)
{
    spinlock_init(&input.lock, "console input");
    spinlock_init(&output_lock, "console output");
    uart_init(board.console);
}

/* A byte typed, from the UART's interrupt. Dropped if nobody reads for a while. */
void console_input(char c)
{
    acquire(&input.lock);
    if (input.written - input.read < CONSOLE_INPUT)
        input.buffer[input.written++ % CONSOLE_INPUT] = c;
    release(&input.lock);
    wakeup(&input);
}

int console_read(uint32_t address, int n)
{
    char chunk[IO_CHUNK];
    int count = 0;
    if (n <= 0)
        return n < 0 ? -EINVAL : 0;
    acquire(&input.lock);
    while (input.read == input.written) {
        if (myproc()->killed) {
            release(&input.lock);
            return -EINTR;
        }
        sleep(&input, &input.lock);
    }
    while (count < n && count < IO_CHUNK && input.read != input.written)
        chunk[count++] = input.buffer[input.read++ % CONSOLE_INPUT];
    release(&input.lock);
    if (copyout(&myproc()->mm, address, chunk, (uint32_t)count) < 0)
        return -EFAULT;
    return count;
}

/* Sends one byte to the console: the UART, or SBI before the UART is ready. */
static void put_byte(char c)
{
    if (uart_ready())
        uart_putc(c);
    else
        sbi_console_write(&c, 1);
}

static void put_bytes(const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        if (s[i] == '\n')
            put_byte('\r');
        put_byte(s[i]);
    }
}

void console_write_kernel(const char *s, int n)
{
    acquire(&output_lock);
    put_bytes(s, n);
    release(&output_lock);
}

int console_write(uint32_t address, int n)
{
    char chunk[IO_CHUNK];
    int done = 0;
    if (n < 0)
        return -EINVAL;
    while (done < n) {
        int step = n - done < IO_CHUNK ? n - done : IO_CHUNK;
        if (copyin(&myproc()->mm, chunk, address + (uint32_t)done, (uint32_t)step) < 0)
            return done > 0 ? done : -EFAULT;
        console_write_kernel(chunk, step);
        done += step;
    }
    return done;
}

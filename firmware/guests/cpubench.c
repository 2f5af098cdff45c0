/*
 * cpubench.c: `npm run bench`'s CPU benchmark (the five integer kernels of
 * bench/) as a guest program: S-mode under the SBI firmware natively, or
 * VS-mode as a domain, its output on the SBI console. `npm run bench:hv`
 * runs it both ways and compares. Markers around the work ("cpubench:
 * start", "cpubench: end") let the host read the machine's counters there.
 */
#include "guest.h"
#include "bench.h"

int main(void);                     /* bench/bench.c */

void console_putc(char c)
{
    print("%c", c);
}

void bench_exit(int code)
{
    guest_power_off(code != 0);
}

void guest_secondary_program(uint32_t hartid)
{
    (void)hartid;
}

void guest_program(uint32_t hartid)
{
    (void)hartid;
    print("cpubench: start\n");
    int status = main();
    print("cpubench: end\n");
    guest_power_off(status != 0);
}

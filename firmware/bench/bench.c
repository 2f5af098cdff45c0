/*
 * HyperLab's CPU benchmark: five integer kernels run one after another on
 * hart 0 (the others wait in WFI). Each kernel checks its own result; the
 * program prints a line per kernel with its checksum, a combined checksum,
 * and the instructions retired (a line that differs between machines), then
 * exits through the test finisher: status 0, or 1 if a kernel was wrong.
 * The amount of work is set in params.h.
 */
#include "bench.h"
#include "params.h"

struct kernel {
	const char *name;
	uint32_t (*run)(int *ok);
};

static const struct kernel kernels[] = {
	{ "sieve", sieve_run },
	{ "crc32", crc32_run },
	{ "sort", sort_run },
	{ "matmul", matmul_run },
	{ "search", search_run },
};

#define NKERNEL ((int)(sizeof kernels / sizeof kernels[0]))

static uint32_t random_state;

void random_seed(uint32_t seed)
{
	random_state = seed ? seed : 1;
}

uint32_t random_next(void)
{
	uint32_t x = random_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	random_state = x;
	return x;
}

int main(void)
{
	uint64_t start = read_instret();
	uint32_t combined = 0;
	int all_ok = 1;

	console_puts("bench: 5 integer kernels, scale ");
	console_put_decimal(BENCH_SCALE);
	console_putc('\n');
	for (int i = 0; i < NKERNEL; i++) {
		int ok = 1;
		uint32_t checksum = kernels[i].run(&ok);
		console_puts(kernels[i].name);
		console_puts(ok ? ": ok " : ": WRONG ");
		console_put_hex(checksum);
		console_putc('\n');
		combined = (combined << 5 | combined >> 27) ^ checksum;
		all_ok &= ok;
	}
	uint64_t instructions = read_instret() - start;
	console_puts("checksum: ");
	console_put_hex(combined);
	console_putc('\n');
	console_puts("instructions: ");
	console_put_decimal(instructions);
	console_putc('\n');
	console_puts(all_ok ? "bench: pass\n" : "bench: FAIL\n");
	return all_ok ? 0 : 1;
}

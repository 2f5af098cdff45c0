/*
 * Tuning constants of the benchmark. BENCH_SCALE multiplies the number of
 * passes of every kernel: at 1 the program retires about 450 million
 * instructions (about 4.5 s at 100 MIPS, about 1.5 s on QEMU 7.2), roughly
 * 80-100 million per kernel. Change a kernel's passes to rebalance.
 */
#ifndef BENCH_PARAMS_H
#define BENCH_PARAMS_H

#ifndef BENCH_SCALE
#define BENCH_SCALE 1
#endif

#define SIEVE_LIMIT     1000000          /* primes below this */
#define SIEVE_PASSES    (4 * BENCH_SCALE)

#define CRC_BUFFER_SIZE (64 * 1024)      /* bytes */
#define CRC_PASSES      (100 * BENCH_SCALE)

#define SORT_COUNT      (64 * 1024)      /* words */
#define SORT_PASSES     (9 * BENCH_SCALE)

#define MATRIX_SIZE     96               /* rows = columns */
#define MATMUL_PASSES   (13 * BENCH_SCALE)

#define TEXT_SIZE       (256 * 1024)     /* bytes */
#define PATTERN_SIZE    12
#define SEARCH_PASSES   (10 * BENCH_SCALE)

#endif

/*
 * The benchmark's kernels and helpers. Each kernel does its work, checks the
 * result another way, and returns a checksum of what it computed; it sets
 * *ok to 0 when the check fails.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

uint32_t sieve_run(int *ok);
uint32_t crc32_run(int *ok);
uint32_t sort_run(int *ok);
uint32_t matmul_run(int *ok);
uint32_t search_run(int *ok);

/* Pseudo-random numbers (xorshift32), the same sequence on every machine. */
void random_seed(uint32_t seed);
uint32_t random_next(void);

/* The console (console_putc and bench_exit: console.c, or the program's own; the rest: print.c). */
void console_putc(char c);
void console_puts(const char *s);
void console_put_hex(uint32_t value);
void console_put_decimal(uint64_t value);
void bench_exit(int code) __attribute__((noreturn));

/* Instructions retired so far on this hart (the instret counter). */
static inline uint64_t read_instret(void)
{
	uint32_t hi, lo, hi2;
	do {
		__asm__ volatile("rdinstreth %0" : "=r"(hi));
		__asm__ volatile("rdinstret %0" : "=r"(lo));
		__asm__ volatile("rdinstreth %0" : "=r"(hi2));
	} while (hi != hi2);
	return ((uint64_t)hi << 32) | lo;
}

#endif

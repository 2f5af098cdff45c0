/*
 * Sieve of Eratosthenes: the primes below SIEVE_LIMIT, counted and summed.
 * Checked against the known values for one million: 78498 primes, summing
 * to 37550402023.
 */
#include "bench.h"
#include "params.h"

#define PRIMES_BELOW_ONE_MILLION 78498
#define PRIME_SUM_BELOW_ONE_MILLION 37550402023ULL

static uint8_t composite[SIEVE_LIMIT];

/* Sieve once; return the number of primes and set *sum to their sum. */
static uint32_t sieve_once(uint64_t *sum)
{
	for (uint32_t i = 0; i < SIEVE_LIMIT; i++)
		composite[i] = 0;
	for (uint32_t i = 2; i * i < SIEVE_LIMIT; i++) {
		if (composite[i])
			continue;
		for (uint32_t j = i * i; j < SIEVE_LIMIT; j += i)
			composite[j] = 1;
	}
	uint32_t count = 0;
	*sum = 0;
	for (uint32_t i = 2; i < SIEVE_LIMIT; i++) {
		if (!composite[i]) {
			count++;
			*sum += i;
		}
	}
	return count;
}

uint32_t sieve_run(int *ok)
{
	uint32_t checksum = 0;
	for (int pass = 0; pass < SIEVE_PASSES; pass++) {
		uint64_t sum;
		uint32_t count = sieve_once(&sum);
		if (SIEVE_LIMIT == 1000000 &&
		    (count != PRIMES_BELOW_ONE_MILLION || sum != PRIME_SUM_BELOW_ONE_MILLION))
			*ok = 0;
		checksum = (checksum * 31) ^ count ^ (uint32_t)sum ^ (uint32_t)(sum >> 32);
	}
	return checksum;
}

/*
 * String search: every occurrence of a pattern in a pseudo-random text over
 * a two-letter alphabet, found with Knuth-Morris-Pratt. Checked against a
 * naive search (same count, same positions).
 */
#include "bench.h"
#include "params.h"

static char text[TEXT_SIZE];

/* Occurrences of pattern (length PATTERN_SIZE) in text, naively; *position_sum
 * gets the sum of their positions. */
static uint32_t search_naive(const char *pattern, uint32_t *position_sum)
{
	uint32_t count = 0;
	*position_sum = 0;
	for (uint32_t i = 0; i + PATTERN_SIZE <= TEXT_SIZE; i++) {
		int k = 0;
		while (k < PATTERN_SIZE && text[i + k] == pattern[k])
			k++;
		if (k == PATTERN_SIZE) {
			count++;
			*position_sum += i;
		}
	}
	return count;
}

/* The same with Knuth-Morris-Pratt: failure[k] is the length of the longest
 * proper border of pattern[0..k]. */
static uint32_t search_kmp(const char *pattern, uint32_t *position_sum)
{
	int failure[PATTERN_SIZE];
	failure[0] = 0;
	for (int k = 1, border = 0; k < PATTERN_SIZE; k++) {
		while (border > 0 && pattern[k] != pattern[border])
			border = failure[border - 1];
		if (pattern[k] == pattern[border])
			border++;
		failure[k] = border;
	}
	uint32_t count = 0;
	*position_sum = 0;
	int matched = 0;
	for (uint32_t i = 0; i < TEXT_SIZE; i++) {
		while (matched > 0 && text[i] != pattern[matched])
			matched = failure[matched - 1];
		if (text[i] == pattern[matched])
			matched++;
		if (matched == PATTERN_SIZE) {
			count++;
			*position_sum += i + 1 - PATTERN_SIZE;
			matched = failure[matched - 1];
		}
	}
	return count;
}

uint32_t search_run(int *ok)
{
	uint32_t checksum = 0;
	random_seed(0x53524348);
	for (uint32_t i = 0; i < TEXT_SIZE; i++)
		text[i] = (random_next() & 0x100) ? 'b' : 'a';
	for (int pass = 0; pass < SEARCH_PASSES; pass++) {
		/* A pattern taken from the text, so it occurs at least once. */
		const char *pattern = &text[random_next() % (TEXT_SIZE - PATTERN_SIZE)];
		uint32_t naive_sum, kmp_sum;
		uint32_t naive_count = search_naive(pattern, &naive_sum);
		uint32_t kmp_count = search_kmp(pattern, &kmp_sum);
		if (naive_count == 0 || naive_count != kmp_count || naive_sum != kmp_sum)
			*ok = 0;
		checksum = (checksum * 33) ^ kmp_count ^ kmp_sum;
	}
	return checksum;
}

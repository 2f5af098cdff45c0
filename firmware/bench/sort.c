/*
 * Quicksort of pseudo-random words. Checked by verifying the order and that
 * the sorted array holds the same values (their sum, xor and sum of
 * squares are unchanged).
 */
#include "bench.h"
#include "params.h"

#define INSERTION_SORT_BELOW 16   /* partitions this small: insertion sort */

static uint32_t values[SORT_COUNT];

static void insertion_sort(uint32_t *a, int n)
{
	for (int i = 1; i < n; i++) {
		uint32_t v = a[i];
		int j = i;
		while (j > 0 && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

static void swap(uint32_t *a, uint32_t *b)
{
	uint32_t t = *a;
	*a = *b;
	*b = t;
}

/* Sort a[0..n) ascending: Hoare partition around the median of three,
 * recursing into the smaller side so the stack stays O(log n). */
static void quicksort(uint32_t *a, int n)
{
	while (n >= INSERTION_SORT_BELOW) {
		int mid = n / 2;
		if (a[mid] < a[0])
			swap(&a[mid], &a[0]);
		if (a[n - 1] < a[0])
			swap(&a[n - 1], &a[0]);
		if (a[n - 1] < a[mid])
			swap(&a[n - 1], &a[mid]);
		uint32_t pivot = a[mid];
		int i = -1, j = n;
		for (;;) {
			do i++; while (a[i] < pivot);
			do j--; while (a[j] > pivot);
			if (i >= j)
				break;
			swap(&a[i], &a[j]);
		}
		int left = j + 1;            /* a[0..left) <= pivot <= a[left..n) */
		if (left < n - left) {
			quicksort(a, left);
			a += left;
			n -= left;
		} else {
			quicksort(a + left, n - left);
			n = left;
		}
	}
	insertion_sort(a, n);
}

/* Fingerprint of the multiset of values: sum, xor, sum of squares. */
static void fingerprint(const uint32_t *a, int n, uint32_t out[3])
{
	out[0] = out[1] = out[2] = 0;
	for (int i = 0; i < n; i++) {
		out[0] += a[i];
		out[1] ^= a[i];
		out[2] += a[i] * a[i];
	}
}

uint32_t sort_run(int *ok)
{
	uint32_t checksum = 0;
	random_seed(0x534f5254);
	for (int pass = 0; pass < SORT_PASSES; pass++) {
		for (int i = 0; i < SORT_COUNT; i++)
			values[i] = random_next();
		uint32_t before[3], after[3];
		fingerprint(values, SORT_COUNT, before);
		quicksort(values, SORT_COUNT);
		fingerprint(values, SORT_COUNT, after);
		for (int k = 0; k < 3; k++)
			if (before[k] != after[k])
				*ok = 0;
		for (int i = 1; i < SORT_COUNT; i++)
			if (values[i - 1] > values[i])
				*ok = 0;
		for (int i = 0; i < SORT_COUNT; i++)
			checksum += values[i] * (uint32_t)(i + 1);
	}
	return checksum;
}

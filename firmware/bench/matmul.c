/*
 * Integer matrix multiply C = A * B (32-bit, wrapping). Checked with
 * Freivalds' test: for a pseudo-random vector x, C x must equal A (B x),
 * which holds exactly in wrapping arithmetic too.
 */
#include "bench.h"
#include "params.h"

#define N MATRIX_SIZE

static int32_t a[N][N], b[N][N], c[N][N];

static void multiply(void)
{
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < N; j++)
			c[i][j] = 0;
		for (int k = 0; k < N; k++) {
			int32_t aik = a[i][k];
			for (int j = 0; j < N; j++)
				c[i][j] += aik * b[k][j];
		}
	}
}

/* out = m x */
static void multiply_vector(int32_t m[N][N], const int32_t *x, int32_t *out)
{
	for (int i = 0; i < N; i++) {
		int32_t sum = 0;
		for (int j = 0; j < N; j++)
			sum += m[i][j] * x[j];
		out[i] = sum;
	}
}

static int freivalds_check(void)
{
	int32_t x[N], bx[N], abx[N], cx[N];
	for (int i = 0; i < N; i++)
		x[i] = (int32_t)random_next();
	multiply_vector(b, x, bx);
	multiply_vector(a, bx, abx);
	multiply_vector(c, x, cx);
	for (int i = 0; i < N; i++)
		if (abx[i] != cx[i])
			return 0;
	return 1;
}

uint32_t matmul_run(int *ok)
{
	uint32_t checksum = 0;
	random_seed(0x4d41544d);
	for (int pass = 0; pass < MATMUL_PASSES; pass++) {
		for (int i = 0; i < N; i++) {
			for (int j = 0; j < N; j++) {
				a[i][j] = (int32_t)(random_next() & 0xffff) - 0x8000;
				b[i][j] = (int32_t)(random_next() & 0xffff) - 0x8000;
			}
		}
		multiply();
		if (!freivalds_check())
			*ok = 0;
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				checksum = (checksum << 1 | checksum >> 31) ^ (uint32_t)c[i][j];
	}
	return checksum;
}

/*
 * CRC-32 (the reflected polynomial 0xedb88320 of Ethernet and zlib) of a
 * pseudo-random buffer, table-driven. Checked against the bitwise
 * definition on the same buffer, and against the standard check value of
 * "123456789" (0xcbf43926).
 */
#include "bench.h"
#include "params.h"

#define CRC32_POLYNOMIAL 0xedb88320u
#define CRC32_CHECK_VALUE 0xcbf43926u

static uint32_t table[256];
static uint8_t buffer[CRC_BUFFER_SIZE];

/* Continue a CRC (crc = the running, inverted value) over n bytes, one bit
 * at a time. */
static uint32_t crc32_bitwise(uint32_t crc, const uint8_t *data, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (CRC32_POLYNOMIAL & -(crc & 1));
	}
	return crc;
}

/* The same, a byte at a time through the table. */
static uint32_t crc32_table(uint32_t crc, const uint8_t *data, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		crc = (crc >> 8) ^ table[(crc ^ data[i]) & 0xff];
	return crc;
}

static void crc32_build_table(void)
{
	for (uint32_t byte = 0; byte < 256; byte++) {
		uint8_t b = (uint8_t)byte;
		table[byte] = crc32_bitwise(0, &b, 1);
	}
}

uint32_t crc32_run(int *ok)
{
	static const uint8_t check_input[] = "123456789";
	crc32_build_table();
	if (~crc32_table(~0u, check_input, 9) != CRC32_CHECK_VALUE ||
	    ~crc32_bitwise(~0u, check_input, 9) != CRC32_CHECK_VALUE)
		*ok = 0;

	random_seed(0x43524333);
	for (uint32_t i = 0; i < CRC_BUFFER_SIZE; i++)
		buffer[i] = (uint8_t)random_next();
	if (crc32_table(~0u, buffer, CRC_BUFFER_SIZE) != crc32_bitwise(~0u, buffer, CRC_BUFFER_SIZE))
		*ok = 0;

	/* The CRC of the buffer repeated CRC_PASSES times. */
	uint32_t crc = ~0u;
	for (int pass = 0; pass < CRC_PASSES; pass++)
		crc = crc32_table(crc, buffer, CRC_BUFFER_SIZE);
	return ~crc;
}

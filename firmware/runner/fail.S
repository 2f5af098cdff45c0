/* fail: ends through the test finisher with fail code 42. */
#include "test.h"

TEST_ENTRY

main:
  li gp, 42
  TEST_FAIL

/*
 * bench: measures this machine from user mode. Each test runs a fixed
 * number of operations and prints operations per second (time from the
 * hart's `time` counter) and instructions per operation (the hart's
 * `instret` counter: every instruction retired on this hart, kernel and
 * SBI firmware included, while the test ran).
 *
 *   cpu      one byte of table-driven CRC-32 (pure user-mode work)
 *   syscall  one getpid() round trip into the kernel
 *   fault    one first touch of a fresh heap page (a page fault that
 *            allocates and zeroes a page)
 *   switch   one sleep(0), which gives the hart to another process: two
 *            processes take turns
 *
 * Each test first runs a quarter of its operations unmeasured, so that
 * caches (and an emulator's compiler) are warm when the count starts.
 *
 * Each hart has its own instret. On more than one hart a process may move
 * between harts mid-test, and the difference of two harts' counters means
 * nothing: the figure then reads "(moved)". (A move away and back again
 * goes unseen; trust the instruction figures most on one hart.)
 */
#include "libc.h"
#include "abi.h"

#define CPU_BYTES     (4 * 1024 * 1024) /* bytes of CRC-32 */
#define CPU_BUFFER    4096            /* the buffer the CRC runs over, again and again */
#define SYSCALL_CALLS 50000
#define FAULT_PAGES   1024            /* 4 MiB of heap */
#define SWITCH_ROUNDS 5000            /* sleep(0) calls per process */
#define WARM_UP       4               /* the unmeasured run does 1/WARM_UP of the operations */
#define PROCS_SEEN    64              /* process table entries read to find this process's hart */

/* What a test measured. */
struct measure {
  unsigned ops;
  uint64_t ticks;                     /* of the time counter */
  uint64_t instructions;
  int moved;                          /* ended on another hart than it started on */
  char note[64];                      /* what the test checked, printed after the figures */
};

struct counters {
  uint64_t time, instret;
  int hart;
};

/* The hart this process runs on, from the kernel's process table; -1 if not found. */
static int current_hart(void) {
  static struct procinfo table[PROCS_SEEN];
  int n = procs(table, PROCS_SEEN), pid = getpid();
  for (int i = 0; i < n; i++) {
    if (table[i].pid == pid) return table[i].hart;
  }
  return -1;
}

static struct counters start_counting(void) {
  struct counters c;
  c.hart = current_hart();
  c.instret = rdinstret64();
  c.time = rdtime64();
  return c;
}

static void finish(struct measure *m, struct counters start) {
  struct counters end;
  end.instret = rdinstret64();
  end.time = rdtime64();
  end.hart = current_hart();
  m->ticks = end.time - start.time;
  m->instructions = end.instret - start.instret;
  m->moved = end.hart != start.hart || end.hart < 0 || end.instret < start.instret;
}

/* ---- cpu ---- */

static uint32_t crc_table[256];

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; bit++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

static void test_cpu(struct measure *m, unsigned bytes) {
  static unsigned char buffer[CPU_BUFFER];
  for (unsigned i = 0; i < CPU_BUFFER; i++) buffer[i] = (unsigned char)(i * 7 + (i >> 8));
  crc_init();
  struct counters start = start_counting();
  uint32_t crc = 0xffffffffu;
  for (unsigned done = 0; done < bytes; done += CPU_BUFFER) {
    for (unsigned i = 0; i < CPU_BUFFER; i++) crc = crc_table[(crc ^ buffer[i]) & 0xff] ^ (crc >> 8);
  }
  finish(m, start);
  m->ops = bytes;
  snprintf(m->note, sizeof(m->note), "crc32 %08x", (unsigned)~crc);
}

/* ---- syscall ---- */

static void test_syscall(struct measure *m, unsigned calls) {
  int pid = getpid();
  int mismatches = 0;
  struct counters start = start_counting();
  for (unsigned i = 0; i < calls; i++) mismatches += getpid() != pid;
  finish(m, start);
  m->ops = calls;
  snprintf(m->note, sizeof(m->note), "getpid %s", mismatches ? "changed!" : "ok");
}

/* ---- fault ---- */

static void test_fault(struct measure *m, unsigned pages) {
  struct sysinfo before, after;
  char *heap = sbrk(pages * USER_PAGE_SIZE);
  if (sbrk_failed(heap)) {
    snprintf(m->note, sizeof(m->note), "sbrk: %s", strerror((int)(intptr_t)heap));
    return;
  }
  sysinfo(&before);
  struct counters start = start_counting();
  for (unsigned page = 0; page < pages; page++) heap[page * USER_PAGE_SIZE] = 1;
  finish(m, start);
  sysinfo(&after);
  sbrk(-(int)(pages * USER_PAGE_SIZE));
  m->ops = pages;
  snprintf(m->note, sizeof(m->note), "%u page faults", after.page_faults - before.page_faults);
}

/* ---- switch ---- */

static void test_switch(struct measure *m, unsigned rounds) {
  struct sysinfo before, after;
  sysinfo(&before);
  int child = fork();
  if (child < 0) {
    snprintf(m->note, sizeof(m->note), "fork: %s", strerror(child));
    return;
  }
  struct counters start = start_counting();
  for (unsigned i = 0; i < rounds; i++) sleep(0);
  if (child == 0) exit(0);
  wait(NULL);
  finish(m, start);
  sysinfo(&after);
  m->ops = 2 * rounds;
  snprintf(m->note, sizeof(m->note), "%u context switches", after.ctx_switches - before.ctx_switches);
}

/* ---- driver ---- */

static const struct {
  const char *name;
  void (*run)(struct measure *, unsigned count);
  unsigned count;
  const char *op;
} tests[] = {
  {"cpu", test_cpu, CPU_BYTES, "CRC-32 byte"},
  {"syscall", test_syscall, SYSCALL_CALLS, "getpid()"},
  {"fault", test_fault, FAULT_PAGES, "page fault"},
  {"switch", test_switch, SWITCH_ROUNDS, "sleep(0)"},
};

/* Prints one test's line: ops/s and instructions/op with one decimal. */
static void print_result(const char *name, const char *op, const struct measure *m, unsigned timebase) {
  if (m->ops == 0 || m->ticks == 0) {
    printf("%-8s %-12s %9s %12s %10s  %s\n", name, op, "-", "-", "-", m->note);
    return;
  }
  uint64_t per_second = (uint64_t)m->ops * timebase / m->ticks;
  uint64_t per_op_tenths = m->instructions * 10 / m->ops;
  char per_op[24] = "(moved)";
  if (!m->moved) {
    snprintf(per_op, sizeof(per_op), "%llu.%llu", (unsigned long long)(per_op_tenths / 10),
             (unsigned long long)(per_op_tenths % 10));
  }
  printf("%-8s %-12s %9u %12llu %10s  %s\n", name, op, m->ops, (unsigned long long)per_second, per_op, m->note);
}

static int run_test(const char *name, unsigned timebase) {
  for (unsigned i = 0; i < ARRAY_SIZE(tests); i++) {
    if (strcmp(name, tests[i].name) != 0) continue;
    struct measure m;
    memset(&m, 0, sizeof(m));
    tests[i].run(&m, tests[i].count / WARM_UP);
    memset(&m, 0, sizeof(m));
    tests[i].run(&m, tests[i].count);
    print_result(tests[i].name, tests[i].op, &m, timebase);
    return 0;
  }
  dprintf(STDERR, "bench: no test %s (there are cpu, syscall, fault, switch)\n", name);
  return 2;
}

int main(int argc, char **argv) {
  struct sysinfo info;
  sysinfo(&info);
  printf("%-8s %-12s %9s %12s %10s  %s\n", "test", "operation", "ops", "ops/s", "instr/op", "check");
  int status = 0;
  if (argc == 1) {
    for (unsigned i = 0; i < ARRAY_SIZE(tests); i++) status |= run_test(tests[i].name, info.timebase_hz);
  }
  for (int i = 1; i < argc; i++) status |= run_test(argv[i], info.timebase_hz);
  return status;
}

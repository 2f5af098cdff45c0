/*
 * crash: misbehaves on purpose, one way per subcommand, so that tests (and
 * students) can see how the kernel contains a faulty program. The faults
 * kill only this process: the kernel names the fault and the address, and
 * the shell goes on.
 */
#include "libc.h"
#include "abi.h"

#define OOM_STEP (1024 * 1024)   /* bytes asked of sbrk at a time by `crash oom` */

static void crash_null(void) {
  volatile int *null = 0;
  printf("crash: loading from address 0\n");
  printf("crash: read %d (should not get here)\n", *null);
}

static void crash_kernel(void) {
  volatile int *kernel = (volatile int *)USER_TOP;
  printf("crash: storing to kernel memory at %p\n", (void *)kernel);
  *kernel = 1;
}

static void crash_illegal(void) {
  printf("crash: executing an illegal instruction\n");
  __asm__ volatile(".word 0x00000000");  /* all zeros is defined to be illegal */
}

static void crash_breakpoint(void) {
  printf("crash: executing ebreak\n");
  __asm__ volatile("ebreak");
}

/* Recurses until the stack runs into its guard page (on purpose, so no warning). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int recurse(int depth) {
  volatile char frame[512];
  frame[0] = (char)depth;
  return recurse(depth + 1) + frame[0];
}
#pragma GCC diagnostic pop

static void crash_stack(void) {
  printf("crash: recursing forever\n");
  recurse(0);
}

static void report(const char *call, int result) {
  if (result < 0) printf("crash: %-36s = %d (%s)\n", call, result, strerror(result));
  else printf("crash: %-36s = %d (no error!)\n", call, result);
}

/* System calls given bad pointers (or bad numbers) must fail with an error and harm nothing. */
static void crash_syscall(void) {
  char buf[16];
  int fd = open("README", O_RDONLY);
  report("write(1, 0x00000001, 16)", write(STDOUT, (void *)1, 16));
  report("write(1, USER_TOP, 16)", write(STDOUT, (void *)USER_TOP, 16));
  report("write(1, USER_TOP - 8, 16)", write(STDOUT, (void *)(USER_TOP - 8), 16));
  report("read(README, 0x00000001, 16)", read(fd, (void *)1, 16));
  report("read(README, USER_TOP, 16)", read(fd, (void *)USER_TOP, 16));
  report("open(0x00000000, O_RDONLY)", open(NULL, O_RDONLY));
  report("exec(0xffff0000, 0)", exec((const char *)0xffff0000, NULL));
  report("sysinfo(0x00000004)", sysinfo((struct sysinfo *)4));
  report("procs(USER_TOP, 4)", procs((struct procinfo *)USER_TOP, 4));
  report("readdir(0, 0x00000000)", readdir(0, NULL));
  report("klog(USER_TOP, 16, 0)", klog((char *)USER_TOP, 16, 0));
  report("read(9, buf, 16)", read(9, buf, sizeof(buf)));
  report("close(42)", close(42));
  report("kill(9999)", kill(9999));
  close(fd);
  printf("crash: every bad call came back with an error\n");
}

/* Asks sbrk for memory until it refuses, then gives it all back. */
static void crash_oom(void) {
  unsigned taken = 0;
  for (;;) {
    void *result = sbrk(OOM_STEP);
    if (sbrk_failed(result)) {
      printf("crash: sbrk failed after %u MiB: %s\n", taken / OOM_STEP, strerror((int)(intptr_t)result));
      break;
    }
    taken += OOM_STEP;
  }
  void *p = malloc(OOM_STEP);
  printf("crash: malloc(1 MiB) = %s\n", p ? "memory (unexpected)" : "NULL");
  sbrk(-(int)taken);
  p = malloc(OOM_STEP);
  printf("crash: after giving it back, malloc(1 MiB) = %s\n", p ? "memory" : "NULL (unexpected)");
}

/* Forks until fork fails; every child exits at once and stays a zombie until waited for. */
static void crash_fork(void) {
  int children = 0;
  for (;;) {
    int pid = fork();
    if (pid == 0) exit(0);
    if (pid < 0) {
      printf("crash: fork failed after %d children: %s\n", children, strerror(pid));
      break;
    }
    children++;
  }
  int reaped = 0;
  while (wait(NULL) > 0) reaped++;
  printf("crash: all %d children exited\n", reaped);
}

static const struct {
  const char *name;
  void (*run)(void);
  const char *what;
} cases[] = {
  {"null", crash_null, "load from address 0"},
  {"kernel", crash_kernel, "store to kernel memory"},
  {"illegal", crash_illegal, "execute an illegal instruction"},
  {"breakpoint", crash_breakpoint, "execute ebreak with no debugger"},
  {"stack", crash_stack, "recurse until the stack overflows"},
  {"syscall", crash_syscall, "pass bad pointers to system calls"},
  {"oom", crash_oom, "allocate until memory runs out"},
  {"fork", crash_fork, "fork until the process table is full"},
};

int main(int argc, char **argv) {
  for (unsigned i = 0; argc == 2 && i < ARRAY_SIZE(cases); i++) {
    if (strcmp(argv[1], cases[i].name) == 0) {
      cases[i].run();
      return 0;
    }
  }
  dprintf(STDERR, "usage: crash WHAT, where WHAT is one of\n");
  for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) dprintf(STDERR, "  %-10s %s\n", cases[i].name, cases[i].what);
  return 2;
}

/* ps: lists the processes: id, parent, state, the hart running it, memory, CPU time, name. */
#include "libc.h"

#define PROCS_SHOWN 64    /* table entries asked for */

static const char *const state_names[] = {
  [PROC_UNUSED] = "unused",
  [PROC_EMBRYO] = "new",
  [PROC_SLEEPING] = "sleeping",
  [PROC_RUNNABLE] = "runnable",
  [PROC_RUNNING] = "running",
  [PROC_ZOMBIE] = "zombie",
};

static const char *state_name(int state) {
  if (state >= 0 && state < (int)ARRAY_SIZE(state_names)) return state_names[state];
  return "?";
}

int main(void) {
  static struct procinfo table[PROCS_SHOWN];
  int n = procs(table, PROCS_SHOWN);
  if (n < 0) {
    dprintf(STDERR, "ps: %s\n", strerror(n));
    return 1;
  }
  printf("  PID  PPID STATE     HART   MEM KiB  CPU ms NAME\n");
  for (int i = 0; i < n; i++) {
    struct procinfo *p = &table[i];
    char hart[8] = "-";
    if (p->hart >= 0) snprintf(hart, sizeof(hart), "%d", p->hart);
    printf("%5d %5d %-9s %4s %9u %7u %s\n", p->pid, p->ppid, state_name(p->state), hart, p->mem_kib,
           p->cpu_ms, p->name);
  }
  return 0;
}

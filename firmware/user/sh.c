/*
 * sh: the shell. Reads a command line with its own line editor (the console
 * is raw: include/abi.h), keeps a history, and runs programs from the
 * initramfs by name with fork + exec + wait.
 *
 * Editing keys: printable characters insert at the cursor; Backspace and
 * Delete erase; Left/Right (and Home/End, Ctrl-A/Ctrl-E) move; Ctrl-U erases
 * up to the cursor; Ctrl-K erases from it; Up/Down walk the history; Ctrl-C
 * abandons the line.
 *
 * A command line is commands separated by ';' (one after the other) or
 * '&' (the one before runs in the background); a command is words
 * separated by blanks, and quotes ('...' or "...") keep blanks inside a
 * word. The word $! stands for the id of the last background program.
 * Built-ins: exit, history, wait.
 */
#include "libc.h"
#include "abi.h"

#define LINE_MAX    128          /* bytes in a command line, with its NUL */
#define HISTORY_MAX 16           /* command lines remembered */
#define JOBS_MAX    16           /* background programs tracked */
#define PROMPT      "$ "

/* ---------------------------------------------------------------- output */

/* What the editor echoes, gathered while one key is handled and written at once. */
static char echo_buf[512];
static int echo_len;

static void echo_flush(void) {
  if (echo_len > 0) write(STDOUT, echo_buf, echo_len);
  echo_len = 0;
}

static void echo_bytes(const char *s, int n) {
  for (int i = 0; i < n; i++) {
    if (echo_len == (int)sizeof(echo_buf)) echo_flush();
    echo_buf[echo_len++] = s[i];
  }
}

static void echo_str(const char *s) { echo_bytes(s, strlen(s)); }

static void echo_repeat(char c, int n) {
  while (n-- > 0) echo_bytes(&c, 1);
}

/* ---------------------------------------------------------------- history */

static char history[HISTORY_MAX][LINE_MAX];
static int history_count;          /* lines ever added; the newest is history_count - 1 */

static const char *history_line(int number) {
  return history[number % HISTORY_MAX];
}

static int history_oldest(void) {
  return history_count > HISTORY_MAX ? history_count - HISTORY_MAX : 0;
}

static void history_add(const char *line) {
  if (line[0] == 0) return;
  if (history_count > 0 && strcmp(history_line(history_count - 1), line) == 0) return;
  strcpy(history[history_count % HISTORY_MAX], line);
  history_count++;
}

/* ---------------------------------------------------------------- editor */

enum key {
  KEY_NONE = 256, KEY_UP, KEY_DOWN, KEY_RIGHT, KEY_LEFT, KEY_HOME, KEY_END, KEY_DELETE,
};

#define CTRL(c) ((c) & 0x1f)
#define BACKSPACE 0x08
#define DEL       0x7f
#define ESC       0x1b

struct editor {
  char line[LINE_MAX];
  int len;
  int cursor;                      /* 0..len */
  int browsing;                    /* history line shown, history_count when editing a new one */
  char draft[LINE_MAX];            /* the new line, kept while browsing */
  int escape;                      /* 0, or 1 after ESC, 2 after ESC [ */
  int escape_arg;                  /* the number in ESC [ n ~ */
};

/* Redraws from the cursor to the end of the line, erasing `extra` stale cells, and puts the cursor back. */
static void redraw_tail(struct editor *ed, int extra) {
  echo_bytes(ed->line + ed->cursor, ed->len - ed->cursor);
  echo_repeat(' ', extra);
  echo_repeat('\b', ed->len - ed->cursor + extra);
}

static void move_to(struct editor *ed, int position) {
  if (position < ed->cursor) echo_repeat('\b', ed->cursor - position);
  else echo_bytes(ed->line + ed->cursor, position - ed->cursor);
  ed->cursor = position;
}

static void insert_char(struct editor *ed, char c) {
  if (ed->len == LINE_MAX - 1) return;
  memmove(ed->line + ed->cursor + 1, ed->line + ed->cursor, ed->len - ed->cursor);
  ed->line[ed->cursor] = c;
  ed->len++;
  echo_bytes(&c, 1);
  ed->cursor++;
  redraw_tail(ed, 0);
}

/* Erases `count` characters starting at `from`, leaving the cursor at `from`. */
static void erase(struct editor *ed, int from, int count) {
  if (count <= 0) return;
  move_to(ed, from);
  memmove(ed->line + from, ed->line + from + count, ed->len - from - count);
  ed->len -= count;
  redraw_tail(ed, count);
}

/* Replaces the whole line with `text`, cursor at the end. */
static void replace_line(struct editor *ed, const char *text) {
  int old_len = ed->len;
  move_to(ed, 0);
  strcpy(ed->line, text);
  ed->len = strlen(text);
  echo_bytes(ed->line, ed->len);
  ed->cursor = ed->len;
  if (old_len > ed->len) {
    echo_repeat(' ', old_len - ed->len);
    echo_repeat('\b', old_len - ed->len);
  }
}

static void browse_history(struct editor *ed, int step) {
  int target = ed->browsing + step;
  if (target < history_oldest() || target > history_count) return;
  if (ed->browsing == history_count) {
    ed->line[ed->len] = 0;
    strcpy(ed->draft, ed->line);
  }
  ed->browsing = target;
  replace_line(ed, target == history_count ? ed->draft : history_line(target));
}

static void editor_reset(struct editor *ed) {
  ed->len = ed->cursor = 0;
  ed->browsing = history_count;
  ed->escape = 0;
}

/* Turns input bytes into keys: plain bytes pass, escape sequences become KEY_*. */
static int decode_key(struct editor *ed, unsigned char c) {
  if (ed->escape == 0) {
    if (c != ESC) return c;
    ed->escape = 1;
    return KEY_NONE;
  }
  if (ed->escape == 1) {
    ed->escape = (c == '[' || c == 'O') ? 2 : 0;
    ed->escape_arg = 0;
    return KEY_NONE;
  }
  if (isdigit(c)) {
    ed->escape_arg = ed->escape_arg * 10 + (c - '0');
    return KEY_NONE;
  }
  ed->escape = 0;
  switch (c) {
  case 'A': return KEY_UP;
  case 'B': return KEY_DOWN;
  case 'C': return KEY_RIGHT;
  case 'D': return KEY_LEFT;
  case 'H': return KEY_HOME;
  case 'F': return KEY_END;
  case '~':
    if (ed->escape_arg == 1 || ed->escape_arg == 7) return KEY_HOME;
    if (ed->escape_arg == 4 || ed->escape_arg == 8) return KEY_END;
    if (ed->escape_arg == 3) return KEY_DELETE;
    return KEY_NONE;
  default: return KEY_NONE;
  }
}

/* Acts on one key. Returns 1 when the line is complete (Enter). */
static int edit(struct editor *ed, int key) {
  switch (key) {
  case '\r':
  case '\n': move_to(ed, ed->len); echo_str("\n"); return 1;
  case BACKSPACE:
  case DEL: if (ed->cursor > 0) erase(ed, ed->cursor - 1, 1); break;
  case KEY_DELETE: erase(ed, ed->cursor, ed->cursor < ed->len ? 1 : 0); break;
  case KEY_LEFT: if (ed->cursor > 0) move_to(ed, ed->cursor - 1); break;
  case KEY_RIGHT: if (ed->cursor < ed->len) move_to(ed, ed->cursor + 1); break;
  case KEY_HOME: case CTRL('A'): move_to(ed, 0); break;
  case KEY_END: case CTRL('E'): move_to(ed, ed->len); break;
  case CTRL('U'): erase(ed, 0, ed->cursor); break;
  case CTRL('K'): erase(ed, ed->cursor, ed->len - ed->cursor); break;
  case KEY_UP: browse_history(ed, -1); break;
  case KEY_DOWN: browse_history(ed, 1); break;
  case CTRL('C'): echo_str("^C\n"); editor_reset(ed); echo_str(PROMPT); break;
  default: if (key < 256 && isprint(key)) insert_char(ed, (char)key);
  }
  return 0;
}

/*
 * Prompts and reads one command line into `line`. Returns -1 if the console
 * fails. Reads a byte at a time, so whatever is typed after Enter stays in
 * the console for the program the line starts (cat reading its input) or
 * for the next prompt.
 */
static int read_command(struct editor *ed, char *line) {
  editor_reset(ed);
  echo_str(PROMPT);
  echo_flush();
  for (;;) {
    unsigned char c;
    if (read(STDIN, &c, 1) != 1) return -1;
    int done = edit(ed, decode_key(ed, c));
    echo_flush();
    if (done) {
      memcpy(line, ed->line, ed->len);
      line[ed->len] = 0;
      return 0;
    }
  }
}

/* ---------------------------------------------------------------- parsing */

static char last_job[12];          /* $!: the last background program's id, as text */

struct command {
  char *argv[EXEC_MAXARG + 1];
  int argc;
  int background;                  /* ended with '&' */
};

static int is_separator(char c) { return c == ';' || c == '&'; }

/*
 * Takes the next command off the line at *cursor: its words, split in
 * place, up to an unquoted ';' or '&' (which runs it in the background) or
 * the end. Returns 1 and advances *cursor, 0 at the end of the line, or -1
 * (with a message) when the rest of the line can't be run.
 */
static int parse_command(char **cursor, struct command *cmd) {
  char *in = *cursor, *out = *cursor;
  char separator = 0;
  cmd->argc = 0;
  for (;;) {
    while (isspace(*in)) in++;
    if (*in == 0) break;
    if (is_separator(*in)) {
      separator = *in++;
      break;
    }
    if (cmd->argc == EXEC_MAXARG) {
      dprintf(STDERR, "sh: too many arguments (at most %d)\n", EXEC_MAXARG - 1);
      return -1;
    }
    cmd->argv[cmd->argc++] = out;
    char quote = 0;
    for (; *in && (quote || !(isspace(*in) || is_separator(*in))); in++) {
      if (quote && *in == quote) quote = 0;
      else if (!quote && (*in == '\'' || *in == '"')) quote = *in;
      else *out++ = *in;
    }
    if (quote) {
      dprintf(STDERR, "sh: missing closing %c\n", quote);
      return -1;
    }
    char end = *in;                  /* read before the NUL below may land on it */
    if (end) in++;
    *out++ = 0;
    if (is_separator(end)) {
      separator = end;
      break;
    }
  }
  cmd->background = separator == '&';
  cmd->argv[cmd->argc] = NULL;
  for (int i = 0; i < cmd->argc; i++) {
    if (strcmp(cmd->argv[i], "$!") == 0) cmd->argv[i] = last_job;
  }
  *cursor = in;
  return cmd->argc > 0 || separator ? 1 : 0;
}

/* ---------------------------------------------------------------- jobs */

/* Background programs: started, and (once wait() returned them) finished but not yet reported. */
static int jobs_running[JOBS_MAX];
static struct { int pid, status; } jobs_done[JOBS_MAX];
static int jobs_done_count;

static int job_forget(int pid) {
  for (int i = 0; i < JOBS_MAX; i++) {
    if (jobs_running[i] == pid) {
      jobs_running[i] = 0;
      return 1;
    }
  }
  return 0;
}

static void job_add(int pid) {
  for (int i = 0; i < JOBS_MAX; i++) {
    if (jobs_running[i] == 0) {
      jobs_running[i] = pid;
      return;
    }
  }
}

static int jobs_count(void) {
  int n = 0;
  for (int i = 0; i < JOBS_MAX; i++) n += jobs_running[i] != 0;
  return n;
}

/* Notes that background program `pid` ended; it is reported before the next prompt. */
static void job_finished(int pid, int status) {
  if (!job_forget(pid) || jobs_done_count == JOBS_MAX) return;
  jobs_done[jobs_done_count].pid = pid;
  jobs_done[jobs_done_count].status = status;
  jobs_done_count++;
}

static void jobs_report(void) {
  for (int i = 0; i < jobs_done_count; i++) {
    if (jobs_done[i].status == EXIT_KILLED) printf("[%d] killed\n", jobs_done[i].pid);
    else printf("[%d] done, status %d\n", jobs_done[i].pid, jobs_done[i].status);
  }
  jobs_done_count = 0;
}

/* Waits until the foreground program `pid` ends; background programs that end meanwhile are noted. */
static void wait_foreground(int pid) {
  for (;;) {
    int status;
    int ended = wait(&status);
    if (ended < 0 || ended == pid) return;
    job_finished(ended, status);
  }
}

/* ---------------------------------------------------------------- running */

static void run_program(struct command *cmd) {
  int pid = fork();
  if (pid < 0) {
    dprintf(STDERR, "sh: fork: %s\n", strerror(pid));
    return;
  }
  if (pid == 0) {
    int error = exec(cmd->argv[0], cmd->argv);
    if (error == -ENOENT) dprintf(STDERR, "sh: %s: command not found\n", cmd->argv[0]);
    else dprintf(STDERR, "sh: %s: %s\n", cmd->argv[0], strerror(error));
    exit(127);
  }
  if (cmd->background) {
    job_add(pid);
    snprintf(last_job, sizeof(last_job), "%d", pid);
    printf("[%d]\n", pid);
    return;
  }
  wait_foreground(pid);
}

static void builtin_exit(struct command *cmd) {
  if (getpid() == 1) {
    dprintf(STDERR, "sh: exit: this is the first process; use halt or reboot\n");
    return;
  }
  exit(cmd->argc > 1 ? atoi(cmd->argv[1]) : 0);
}

static void builtin_history(struct command *cmd) {
  (void)cmd;
  for (int i = history_oldest(); i < history_count; i++) printf("%4d  %s\n", i + 1, history_line(i));
}

/* wait: waits for every background program and reports how each ended. */
static void builtin_wait(struct command *cmd) {
  (void)cmd;
  while (jobs_count() > 0) {
    int status;
    int pid = wait(&status);
    if (pid < 0) break;
    job_finished(pid, status);
  }
}

static const struct {
  const char *name;
  void (*run)(struct command *);
} builtins[] = {
  {"exit", builtin_exit},
  {"history", builtin_history},
  {"wait", builtin_wait},
};

static void run(struct command *cmd) {
  if (cmd->argc == 0) return;
  for (unsigned i = 0; i < ARRAY_SIZE(builtins); i++) {
    if (strcmp(cmd->argv[0], builtins[i].name) == 0) {
      builtins[i].run(cmd);
      return;
    }
  }
  run_program(cmd);
}

int main(void) {
  static struct editor ed;
  static char line[LINE_MAX];
  if (getpid() == 1) printf("\nWelcome to HyperLab. Type help for the commands.\n");
  for (;;) {
    jobs_report();
    if (read_command(&ed, line) < 0) return 1;
    history_add(line);
    struct command cmd;
    char *cursor = line;
    while (parse_command(&cursor, &cmd) > 0) run(&cmd);
  }
}

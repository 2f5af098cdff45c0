/* help: lists the commands, the shell's built-ins and its editing keys; in domain 0, its toolstack's too. */
#include "libc.h"

static const char *const commands[][2] = {
  {"help", "this list"},
  {"echo [-n] WORD...", "print the words"},
  {"cat [FILE...]", "print files (standard input without one)"},
  {"ls", "list the files of the initramfs"},
  {"ps", "list the processes"},
  {"kill PID...", "end processes"},
  {"uptime", "time since boot"},
  {"free", "memory and process slots"},
  {"uname [-asrvmn]", "name the system"},
  {"dmesg", "print the kernel log"},
  {"clear", "clear the screen"},
  {"sleep SECONDS", "wait (fractions allowed: sleep 0.25)"},
  {"cpuinfo", "the harts and their ISA"},
  {"hexdump FILE [OFFSET [LENGTH]]", "print a file in hexadecimal"},
  {"bench [TEST...]", "measure cpu, syscall, fault and switch speed"},
  {"crash WHAT", "misbehave on purpose (crash alone lists how)"},
  {"halt", "power the machine off"},
  {"reboot", "restart the machine"},
};

/* What the dom0 build's initramfs adds (firmware/dom0/). */
static const char *const dom0_commands[][2] = {
  {"xl help", "the toolstack: create, list, console, destroy... domains"},
  {"xenstore-ls [-p] [PATH]", "the xenstore tree (-read, -write, -rm, -list, -chmod, -watch)"},
  {"devtest [gntdev DOMID]", "check domain 0's devices"},
};

int main(void) {
  struct sysinfo info;
  printf("Commands:\n");
  for (unsigned i = 0; i < ARRAY_SIZE(commands); i++) printf("  %-32s %s\n", commands[i][0], commands[i][1]);
  if (sysinfo(&info) == 0 && strcmp(info.variant, "dom0") == 0) {
    printf("Domain 0:\n");
    for (unsigned i = 0; i < ARRAY_SIZE(dom0_commands); i++)
      printf("  %-32s %s\n", dom0_commands[i][0], dom0_commands[i][1]);
  }
  printf("Command lines: A; B runs A then B; A & runs A in the background ($! is its id)\n");
  printf("Shell built-ins: exit [STATUS], history, wait (for the background programs)\n");
  printf("Editing: Left/Right, Home/End (Ctrl-A/Ctrl-E), Backspace, Delete, Ctrl-U, Ctrl-K,\n"
         "         Up/Down for the history, Ctrl-C to abandon the line\n");
  return 0;
}

# user.mk: the user programs of firmware/user/, included by firmware/Makefile
# (paths are relative to firmware/). Each program is one .c file linked with
# the small C library of user/lib/ at USER_TEXT_BASE (user/user.ld), then
# stripped for the initramfs; the unstripped .elf stays next to it for
# debugging (riscv64-unknown-elf-objdump -d build/user/sh.elf). The files
# are appended to USER_PROGS in the order `ls` shows them: the shell first.

USER_PROGRAMS := sh help echo cat ls ps kill uptime free uname dmesg clear sleep \
                 cpuinfo hexdump halt reboot bench crash
USER_BUILD    := build/user
USER_LIB_SRCS := $(wildcard user/lib/*.c user/lib/*.S)
# The memory and string functions the kernel uses too (lib/string.c: memset and
# memcpy a word at a time) are the user library's as well.
USER_LIB_OBJS := $(patsubst user/lib/%,$(USER_BUILD)/lib/%.o,$(USER_LIB_SRCS)) $(USER_BUILD)/lib/shared-string.o
USER_HEADERS  := $(wildcard user/lib/*.h) include/syscall.h include/abi.h
# -fno-tree-loop-distribute-patterns: GCC would otherwise turn the loops of
# memset and memcpy into calls to themselves.
USER_CFLAGS    = $(CFLAGS) -I include -I user/lib -fno-tree-loop-distribute-patterns
# The multilib driver matches -march=rv32imac but not rv32imac_zicsr_zifencei
# (it would pick the rv64 libgcc), so name the 32-bit libgcc explicitly.
USER_LIBGCC   := $(shell $(CC) -march=rv32imac -mabi=ilp32 -print-libgcc-file-name)
USER_LDFLAGS  := -T user/user.ld -Wl,--no-warn-rwx-segments -Wl,--build-id=none -static -nostdlib

USER_PROGS += $(addprefix $(USER_BUILD)/,$(USER_PROGRAMS)) user/README

$(USER_BUILD)/lib/%.o: user/lib/% $(USER_HEADERS) common/source-name.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(USER_BUILD)/lib/shared-string.o: lib/string.c lib/string.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

USER_ELFS := $(addprefix $(USER_BUILD)/,$(addsuffix .elf,$(USER_PROGRAMS)))
USER_BINS := $(addprefix $(USER_BUILD)/,$(USER_PROGRAMS))

$(USER_ELFS): $(USER_BUILD)/%.elf: user/%.c $(USER_LIB_OBJS) $(USER_HEADERS) user/user.ld
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $< $(USER_LIB_OBJS) $(USER_LIBGCC)

$(USER_BINS): $(USER_BUILD)/%: $(USER_BUILD)/%.elf
	$(CROSS)strip -o $@ $<

user: $(USER_BINS)

.PHONY: user

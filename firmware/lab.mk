# lab.mk: the images of the lab's page and of its browser benchmark,
# included by firmware/Makefile (paths are relative to firmware/).
#
#   console.elf    the console demo (lab/console.c): the page's default image
#                  until the HyperLab kernel boots there, and the guest of the
#                  end-to-end tests
#   bench-smp.elf  the benchmark's kernels on every hart at once (lab/bench-smp.c):
#                  bench/'s objects are linked into one relocatable object,
#                  copied once per hart with the hart's prefix on every symbol
#                  (objcopy --prefix-symbols), so that each hart has its own data

LAB_BUILD         := build/lab
LAB_COMMON        := lab/start.S lab/lab.c
LAB_HEADERS       := lab/lab.h common/start-harts.h common/source-name.h common/link.ld
BENCH_SMP_COPIES  := 0 1
BENCH_KERNEL_SRCS := bench/bench.c bench/sieve.c bench/crc32.c bench/sort.c bench/matmul.c bench/search.c bench/print.c
# The multilib driver picks the rv32 libgcc only for a plain -march=rv32imac.
LAB_LIBGCC        := $(shell $(CC) -march=rv32imac -mabi=ilp32 -print-libgcc-file-name)

LAB_IMAGES := $(OUT)/console.elf $(OUT)/bench-smp.elf

$(OUT)/console.elf: lab/console.c $(LAB_COMMON) $(LAB_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.S,$^)

$(LAB_BUILD)/bench-kernels.o: $(BENCH_KERNEL_SRCS) $(wildcard bench/*.h) common/source-name.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -r -o $@ $(BENCH_KERNEL_SRCS) $(LAB_LIBGCC)

$(LAB_BUILD)/bench-hart%.o: $(LAB_BUILD)/bench-kernels.o
	$(OBJCOPY) --prefix-symbols=hart$*_ $< $@

$(OUT)/bench-smp.elf: lab/bench-smp.c $(LAB_COMMON) $(LAB_HEADERS) $(BENCH_SMP_COPIES:%=$(LAB_BUILD)/bench-hart%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.S %.o,$^) $(LAB_LIBGCC)

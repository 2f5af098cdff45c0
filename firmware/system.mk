# system.mk: the HyperLab stack, included by firmware/Makefile (paths are
# relative to firmware/).
#
#   sbi.elf       the SBI firmware (sbi/), M-mode, at 0x80000000
#   kernel.elf    the HyperLab kernel (kernel/), S-mode, at 0x80400000, with
#                 the initramfs inside: QEMU boots the pair with
#                 -bios sbi.elf -kernel kernel.elf
#   hyperlab.elf  both in one image (the kernel's bytes in the firmware's
#                 .payload section at 0x80400000): what `hyperlab run` and
#                 the web app boot
#   hv.elf        the hypervisor (hv/), HS-mode, at 0x80400000, carrying
#                 kernel-dom0.elf (dom0/dom0.mk) byte for byte as its
#                 built-in domain 0, whose initramfs holds kernel.elf for
#                 the guests its /etc/rc creates: QEMU
#                 boots it with -bios sbi.elf -kernel hv.elf
#   hypervisor.elf  the SBI firmware with hv.elf as its payload, in one image
#
# The initramfs (include/abi.h) packs $(USER_PROGS): user/user.mk adds the
# user programs; kernel/ktest/ adds the kernel's own test program.

SYS_BUILD    := build
SYS_CFLAGS    = $(CFLAGS) -I include -I lib -fno-tree-loop-distribute-patterns -Wno-main
# The multilib driver picks the rv32 libgcc only for a plain -march=rv32imac.
SYS_LIBGCC   := $(shell $(CC) -march=rv32imac -mabi=ilp32 -print-libgcc-file-name)
SYS_LDFLAGS  := -Wl,--no-warn-rwx-segments -Wl,--build-id=none -static -nostdlib
LIB_SRCS     := $(wildcard lib/*.c)
LIB_HEADERS  := $(wildcard lib/*.h) common/source-name.h
SBI_SRCS     := sbi/start.S $(filter-out sbi/start.S sbi/payload.S,$(wildcard sbi/*.c sbi/*.S))
SBI_HEADERS  := $(wildcard sbi/*.h) include/sbi.h $(LIB_HEADERS)
KERNEL_SRCS  := kernel/entry.S $(filter-out kernel/entry.S,$(wildcard kernel/*.c kernel/*.S))
KERNEL_HEADERS := $(wildcard kernel/*.h) include/sbi.h include/syscall.h include/abi.h $(LIB_HEADERS)

-include user/user.mk

KTEST_ELF    := $(SYS_BUILD)/ktest/ktest.elf
USER_PROGS   += $(SYS_BUILD)/ktest/ktest

HV_SRCS      := hv/entry.S $(filter-out hv/entry.S,$(wildcard hv/*.c hv/*.S))
HV_HEADERS   := $(wildcard hv/*.h) include/sbi.h include/hypercall.h $(LIB_HEADERS)

# The small guest programs (guests/): each an ELF and a flat RISC-V Image of the same bytes.
GUEST_COMMON := guests/start.S guests/guest.c
GUEST_PROGS  := hostile spin exits cpubench hcall evtchn grant builder mgmtport fuzz
GUEST_IMAGES := $(foreach p,$(GUEST_PROGS),$(OUT)/guests/$(p).elf $(OUT)/guests/$(p).img)

SYSTEM_IMAGES := $(GUEST_IMAGES) $(OUT)/sbi.elf $(OUT)/kernel.elf $(OUT)/hyperlab.elf $(OUT)/tests/sbi.elf \
                 $(OUT)/hv.elf $(OUT)/hypervisor.elf

$(OUT)/sbi.elf: $(SBI_SRCS) $(LIB_SRCS) $(SBI_HEADERS) sbi/sbi.ld
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) $(ASARCH) -T sbi/sbi.ld $(SYS_LDFLAGS) -o $@ $(SBI_SRCS) $(LIB_SRCS) $(SYS_LIBGCC)

$(SYS_BUILD)/initramfs.cpio: $(USER_PROGS) tools/mkcpio.mjs
	@mkdir -p $(dir $@)
	node tools/mkcpio.mjs $@ $(USER_PROGS)

$(OUT)/kernel.elf: $(KERNEL_SRCS) $(LIB_SRCS) $(KERNEL_HEADERS) kernel/kernel.ld $(SYS_BUILD)/initramfs.cpio
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) -I kernel -DINITRAMFS='"$(SYS_BUILD)/initramfs.cpio"' -T kernel/kernel.ld \
	    $(SYS_LDFLAGS) -o $@ $(KERNEL_SRCS) $(LIB_SRCS) $(SYS_LIBGCC)

$(SYS_BUILD)/kernel.bin: $(OUT)/kernel.elf
	@mkdir -p $(dir $@)
	$(OBJCOPY) -O binary $< $@

$(OUT)/hyperlab.elf: $(SBI_SRCS) sbi/payload.S $(LIB_SRCS) $(SBI_HEADERS) sbi/sbi.ld $(SYS_BUILD)/kernel.bin $(OUT)/kernel.elf
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) $(ASARCH) -DPAYLOAD_BIN='"$(SYS_BUILD)/kernel.bin"' -T sbi/sbi.ld $(SYS_LDFLAGS) \
	    -o $@ $(SBI_SRCS) sbi/payload.S $(LIB_SRCS) $(SYS_LIBGCC)
	@# The payload is raw bytes: add the kernel's function names (as local absolute
	@# symbols) so that the lab can name the kernel's functions too.
	$(CROSS)nm --defined-only $(OUT)/kernel.elf | \
	    awk '$$2 ~ /^[tT]$$/ { printf "--add-symbol %s=0x%s,local,function\n", $$3, $$1 }' > $(SYS_BUILD)/kernel-symbols.args
	$(OBJCOPY) @$(SYS_BUILD)/kernel-symbols.args $@

$(OUT)/hv.elf: $(HV_SRCS) $(LIB_SRCS) $(HV_HEADERS) hv/hv.ld $(OUT)/kernel-dom0.elf
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) $(ASARCH) -I hv -DHV_KERNEL_ELF='"$(OUT)/kernel-dom0.elf"' -T hv/hv.ld $(SYS_LDFLAGS) \
	    -o $@ $(HV_SRCS) $(LIB_SRCS) $(SYS_LIBGCC)

$(SYS_BUILD)/hv.bin: $(OUT)/hv.elf
	@mkdir -p $(dir $@)
	$(OBJCOPY) -O binary $< $@

$(OUT)/hypervisor.elf: $(SBI_SRCS) sbi/payload.S $(LIB_SRCS) $(SBI_HEADERS) sbi/sbi.ld $(SYS_BUILD)/hv.bin $(OUT)/hv.elf
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) $(ASARCH) -DPAYLOAD_BIN='"$(SYS_BUILD)/hv.bin"' -T sbi/sbi.ld $(SYS_LDFLAGS) \
	    -o $@ $(SBI_SRCS) sbi/payload.S $(LIB_SRCS) $(SYS_LIBGCC)
	$(CROSS)nm --defined-only $(OUT)/hv.elf | \
	    awk '$$2 ~ /^[tT]$$/ { printf "--add-symbol %s=0x%s,local,function\n", $$3, $$1 }' > $(SYS_BUILD)/hv-symbols.args
	$(OBJCOPY) @$(SYS_BUILD)/hv-symbols.args $@

$(OUT)/guests/%.elf: guests/%.c $(GUEST_COMMON) guests/guest.h guests/guest.ld $(LIB_SRCS) $(LIB_HEADERS) include/sbi.h include/hypercall.h
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) -I guests -T guests/guest.ld $(SYS_LDFLAGS) -o $@ $(GUEST_COMMON) $< $(LIB_SRCS) $(SYS_LIBGCC)

# The CPU benchmark's kernels, with a console of the guests' own (guests/cpubench.c).
$(OUT)/guests/cpubench.elf: guests/cpubench.c $(GUEST_COMMON) guests/guest.h guests/guest.ld $(LIB_SRCS) $(LIB_HEADERS) \
    include/sbi.h include/hypercall.h $(BENCH_KERNEL_SRCS) $(wildcard bench/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) -I guests -I bench -T guests/guest.ld $(SYS_LDFLAGS) -o $@ $(GUEST_COMMON) $< \
	    $(BENCH_KERNEL_SRCS) $(LIB_SRCS) $(SYS_LIBGCC)

# Domain 0 building a domain with the toolstack's library (toolstack/), the native kernel built in as the file it loads.
TOOLSTACK_SRCS := toolstack/xc.c toolstack/xlcfg.c toolstack/xl.c
$(OUT)/guests/builder.elf: guests/builder.c guests/builder-kernel.S guests/toolstack-env.c guests/toolstack-env.h $(GUEST_COMMON) guests/guest.h guests/guest.ld \
    $(LIB_SRCS) $(LIB_HEADERS) include/sbi.h include/hypercall.h $(TOOLSTACK_SRCS) $(wildcard toolstack/*.h) $(OUT)/kernel.elf
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) -I guests -I toolstack -DKERNEL_FILE='"$(OUT)/kernel.elf"' -T guests/guest.ld $(SYS_LDFLAGS) \
	    -o $@ $(GUEST_COMMON) guests/builder-kernel.S guests/toolstack-env.c $< $(TOOLSTACK_SRCS) $(LIB_SRCS) $(SYS_LIBGCC)

# The management daemon's library on the management port, from domain 0 (the kernel built in for create).
$(OUT)/guests/mgmtport.elf: guests/mgmtport.c guests/builder-kernel.S guests/toolstack-env.c guests/toolstack-env.h $(GUEST_COMMON) guests/guest.h guests/guest.ld \
    $(LIB_SRCS) $(LIB_HEADERS) include/sbi.h include/hypercall.h $(TOOLSTACK_SRCS) toolstack/mgmt.c $(wildcard toolstack/*.h) $(OUT)/kernel.elf
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) -I guests -I toolstack -DKERNEL_FILE='"$(OUT)/kernel.elf"' -T guests/guest.ld $(SYS_LDFLAGS) \
	    -o $@ $(GUEST_COMMON) guests/builder-kernel.S guests/toolstack-env.c $< $(TOOLSTACK_SRCS) toolstack/mgmt.c $(LIB_SRCS) $(SYS_LIBGCC)

$(OUT)/guests/%.img: $(OUT)/guests/%.elf
	$(OBJCOPY) -O binary $< $@

# The kernel's test program: system calls given bad pointers, faults of
# every kind, running out of memory and of process slots.
$(KTEST_ELF): kernel/ktest/ktest.c kernel/ktest/start.S include/syscall.h include/abi.h common/source-name.h kernel/ktest/ktest.ld
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) -T kernel/ktest/ktest.ld $(SYS_LDFLAGS) -o $@ kernel/ktest/start.S kernel/ktest/ktest.c $(SYS_LIBGCC)

$(SYS_BUILD)/ktest/ktest: $(KTEST_ELF)
	$(CROSS)strip -o $@ $<

# Domain 0: the kernel's dom0 build and its programs.
include dom0/dom0.mk

system: $(SYSTEM_IMAGES)

.PHONY: system

# The SBI firmware checked from S-mode (tests/sbi.c as its payload): one
# image, run by the differential tests like the other tests/ programs.
$(SYS_BUILD)/tests/sbi.elf: tests/sbi.c include/sbi.h kernel/kernel.ld lib/fdt.c lib/string.c $(LIB_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) -T kernel/kernel.ld $(SYS_LDFLAGS) -o $@ $< lib/fdt.c lib/string.c

$(SYS_BUILD)/tests/sbi.bin: $(SYS_BUILD)/tests/sbi.elf
	$(OBJCOPY) -O binary $< $@

$(OUT)/tests/sbi.elf: $(SBI_SRCS) sbi/payload.S $(LIB_SRCS) $(SBI_HEADERS) sbi/sbi.ld $(SYS_BUILD)/tests/sbi.bin
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) $(ASARCH) -DPAYLOAD_BIN='"$(SYS_BUILD)/tests/sbi.bin"' -T sbi/sbi.ld $(SYS_LDFLAGS) \
	    -o $@ $(SBI_SRCS) sbi/payload.S $(LIB_SRCS) $(SYS_LIBGCC)

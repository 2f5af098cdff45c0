# dom0.mk: domain 0 (included by firmware/system.mk; paths relative to
# firmware/).
#
#   kernel-dom0.elf  the kernel's dom0 build (kernel/ with kernel/dom0/
#                    in place of kernel/platform-native.c, -DKERNEL_DOM0):
#                    /dev/privcmd for the toolstack, /dev/mgmt (the
#                    management port) for the management daemon, /dev/evtchn,
#                    /dev/xenbus and /dev/xenbus_backend (xenstore's)
#
# Its initramfs holds the user programs of the native kernel's, domain 0's
# own (init, which runs etc/rc before the shell, the toolstack's xl, the
# xenstore daemon xenstored and the xenstore-* tools, the management
# daemon mgmtd and devtest, the test of the dom0 devices),
# the domain configs under etc/xen/ and the guest kernel under boot/ (the
# native kernel.elf, byte for byte).

DOM0_BUILD       := $(SYS_BUILD)/dom0
DOM0_KERNEL_SRCS := $(filter-out kernel/platform-native.c,$(KERNEL_SRCS)) $(wildcard kernel/dom0/*.c kernel/dom0/*.S)
DOM0_CONFIGS     := $(wildcard dom0/etc/*.cfg)
DOM0_PROGRAMS    := init xl xenstored xenstore xsbench mgmtd devtest
XENSTORE_TOOLS   := read write rm ls list chmod watch
DOM0_TOOLSTACK   := dom0/privcmd-env.c $(TOOLSTACK_SRCS) toolstack/xs.c lib/fdt_write.c lib/kernel_image.c
DOM0_HEADERS     := $(wildcard toolstack/*.h) include/hypercall.h include/privcmd.h include/evtchn.h include/xenbus.h include/gntdev.h \
                    lib/fdt_write.h lib/kernel_image.h

$(DOM0_BUILD)/%.elf: dom0/%.c $(DOM0_TOOLSTACK) $(DOM0_HEADERS) $(USER_LIB_OBJS) $(USER_HEADERS) user/user.ld
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I toolstack -I lib $(USER_LDFLAGS) -o $@ $< $(DOM0_TOOLSTACK) $(USER_LIB_OBJS) $(USER_LIBGCC)

# The management daemon: the toolstack and the management protocol.
$(DOM0_BUILD)/mgmtd.elf: dom0/mgmtd.c toolstack/mgmt.c $(DOM0_TOOLSTACK) $(DOM0_HEADERS) $(USER_LIB_OBJS) $(USER_HEADERS) user/user.ld
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I toolstack -I lib $(USER_LDFLAGS) -o $@ $< toolstack/mgmt.c $(DOM0_TOOLSTACK) $(USER_LIB_OBJS) $(USER_LIBGCC)

# The xenstore daemon: the store, and the toolstack for its foreign mappings.
$(DOM0_BUILD)/xenstored.elf: dom0/xenstored.c toolstack/xs_store.c $(DOM0_TOOLSTACK) $(DOM0_HEADERS) $(USER_LIB_OBJS) $(USER_HEADERS) user/user.ld
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I toolstack -I lib $(USER_LDFLAGS) -o $@ $< toolstack/xs_store.c $(DOM0_TOOLSTACK) $(USER_LIB_OBJS) $(USER_LIBGCC)

# snoop, a DomU that tries xenstore's permissions (boot/snoop.elf, etc/xen/snoop.cfg).
$(DOM0_BUILD)/snoop.elf: guests/snoop.c $(GUEST_COMMON) guests/guest.h guests/guest.ld toolstack/xs_wire.h $(LIB_SRCS) $(LIB_HEADERS) \
    include/sbi.h include/hypercall.h
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) -I guests -I toolstack -T guests/guest.ld $(SYS_LDFLAGS) -o $@ $(GUEST_COMMON) $< $(LIB_SRCS) $(SYS_LIBGCC)

# The xenstore-* tools: one program, under each tool's name too; and xsbench (bench:hv's xenstore costs).
$(DOM0_BUILD)/xenstore.elf $(DOM0_BUILD)/xsbench.elf: $(DOM0_BUILD)/%.elf: dom0/%.c toolstack/xs.c $(DOM0_HEADERS) $(USER_LIB_OBJS) $(USER_HEADERS) user/user.ld
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I toolstack $(USER_LDFLAGS) -o $@ $< toolstack/xs.c $(USER_LIB_OBJS) $(USER_LIBGCC)

# init needs no toolstack; the device test, xenstore's client.
$(DOM0_BUILD)/init.elf: dom0/init.c $(USER_LIB_OBJS) $(USER_HEADERS) user/user.ld
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $< $(USER_LIB_OBJS) $(USER_LIBGCC)

$(DOM0_BUILD)/devtest.elf: dom0/devtest.c toolstack/xs.c $(DOM0_HEADERS) $(USER_LIB_OBJS) $(USER_HEADERS) user/user.ld
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I toolstack $(USER_LDFLAGS) -o $@ $< toolstack/xs.c $(USER_LIB_OBJS) $(USER_LIBGCC)

$(DOM0_BUILD)/%: $(DOM0_BUILD)/%.elf
	$(CROSS)strip -o $@ $<

$(DOM0_BUILD)/initramfs.cpio: $(USER_PROGS) $(addprefix $(DOM0_BUILD)/,$(DOM0_PROGRAMS)) $(DOM0_CONFIGS) dom0/etc/rc \
    $(OUT)/kernel.elf $(DOM0_BUILD)/snoop tools/mkcpio.mjs
	@mkdir -p $(dir $@)
	node tools/mkcpio.mjs $@ $(USER_PROGS) $(addprefix $(DOM0_BUILD)/,$(DOM0_PROGRAMS)) etc/rc=dom0/etc/rc \
	    $(foreach t,$(XENSTORE_TOOLS),xenstore-$(t)=$(DOM0_BUILD)/xenstore) \
	    $(foreach c,$(DOM0_CONFIGS),etc/xen/$(notdir $(c))=$(c)) boot/kernel.elf=$(OUT)/kernel.elf \
	    boot/snoop.elf=$(DOM0_BUILD)/snoop

$(OUT)/kernel-dom0.elf: $(DOM0_KERNEL_SRCS) $(wildcard kernel/dom0/*.h) $(LIB_SRCS) $(KERNEL_HEADERS) include/privcmd.h include/evtchn.h include/xenbus.h include/gntdev.h include/hypercall.h kernel/kernel.ld $(DOM0_BUILD)/initramfs.cpio
	@mkdir -p $(dir $@)
	$(CC) $(SYS_CFLAGS) -I kernel -DKERNEL_DOM0 -DINITRAMFS='"$(DOM0_BUILD)/initramfs.cpio"' -T kernel/kernel.ld \
	    $(SYS_LDFLAGS) -o $@ $(DOM0_KERNEL_SRCS) $(LIB_SRCS) $(SYS_LIBGCC)

SYSTEM_IMAGES += $(OUT)/kernel-dom0.elf

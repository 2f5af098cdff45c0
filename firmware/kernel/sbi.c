/*
 * sbi.c: calls into the SBI firmware (include/sbi.h), the kernel's only
 * way to reach M-mode: the timer, IPIs, starting harts, an early console
 * and powering off. sbi_init asks the firmware who it is and what it
 * offers; under a hypervisor the answer is the hypervisor's.
 */
#include "defs.h"
#include "sbi.h"
#include "sbi_call.h"
#include "format.h"

static struct {
    uint32_t spec_version, impl_id, impl_version;
    int has_dbcn, has_hsm, has_srst, has_ipi;
} firmware;

static int probe(uint32_t extension)
{
    return sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, extension, 0, 0).value != 0;
}

/* Who the firmware is, and which of the extensions the kernel uses it has. */
void sbi_init(void)
{
    firmware.spec_version = (uint32_t)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0).value;
    firmware.impl_id = (uint32_t)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0).value;
    firmware.impl_version = (uint32_t)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0).value;
    if (!probe(SBI_EXT_TIME))
        panic("the SBI firmware has no TIME extension");
    firmware.has_dbcn = probe(SBI_EXT_DBCN);
    firmware.has_hsm = probe(SBI_EXT_HSM);
    firmware.has_srst = probe(SBI_EXT_SRST);
    firmware.has_ipi = probe(SBI_EXT_IPI);
}

/* The implementations of the SBI registry the kernel may meet, by ID. */
static const char *impl_name(uint32_t id)
{
    static const char *const names[] = {
        [0] = "BBL", [1] = "OpenSBI", [2] = "Xvisor", [3] = "KVM", [4] = "RustSBI", [7] = "Xen",
    };
    if (id == SBI_IMPL_ID_HYPERLAB)
        return "HyperLab SBI";
    if (id == SBI_IMPL_ID_HYPERLAB_HV)
        return "HyperLab hypervisor";
    return id < ARRAY_SIZE(names) && names[id] ? names[id] : "unknown SBI";
}

/* "HyperLab SBI 0.1 (SBI v2.0)", for the boot banner. */
void sbi_describe(char *buf, int size)
{
    snprintf(buf, (size_t)size, "%s %u.%u (SBI v%u.%u)", impl_name(firmware.impl_id),
             (unsigned)(firmware.impl_version >> 16), (unsigned)(firmware.impl_version & 0xffff),
             (unsigned)(firmware.spec_version >> 24), (unsigned)(firmware.spec_version & 0xffffff));
}

int sbi_has_hsm(void)
{
    return firmware.has_hsm;
}

void sbi_set_timer(uint64_t when)
{
    sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (uint32_t)when, (uint32_t)(when >> 32), 0);
}

void sbi_send_ipi(uint32_t mask, uint32_t base)
{
    if (firmware.has_ipi)
        sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, mask, base, 0);
}

int sbi_hart_start(uint32_t hartid, uint32_t address, uint32_t opaque)
{
    return (int)sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, address, opaque).error;
}

/*
 * Before the UART driver runs (and for panics): the firmware's console,
 * DBCN if it has it, else the legacy putchar. Before sbi_init, DBCN is
 * tried blindly (it fails harmlessly where missing).
 */
void sbi_console_write(const char *s, int n)
{
    if (firmware.spec_version == 0 || firmware.has_dbcn) {
        sbi_call(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, (uint32_t)n, (uint32_t)(uintptr_t)s, 0);
        return;
    }
    for (int i = 0; i < n; i++)
        sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)s[i], 0, 0);
}

#define SBI_EXT_LEGACY_SHUTDOWN 0x08

void sbi_shutdown(int reboot, int failure)
{
    if (!firmware.has_srst && firmware.spec_version != 0)
        sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);  /* the only way without SRST */
    sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET,
             reboot ? SBI_SRST_COLD_REBOOT : SBI_SRST_SHUTDOWN,
             failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0);
    for (;;)
        __asm__ volatile("wfi");
}

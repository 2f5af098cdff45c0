/*
 * ecall.c: SBI calls from S-mode. The extension ID in a7 picks an
 * extension, the function ID in a6 one of its functions; an unknown
 * extension or function answers SBI_ERR_NOT_SUPPORTED. Also the BASE
 * extension, which describes the others.
 */
#include "firmware.h"
#include "riscv.h"
#include "sbi.h"

static const struct sbi_extension *const extensions[] = {
    &sbi_base_extension,
    &sbi_time_extension,
    &sbi_ipi_extension,
    &sbi_rfence_extension,
    &sbi_hsm_extension,
    &sbi_srst_extension,
    &sbi_dbcn_extension,
    &sbi_legacy_putchar_extension,
    &sbi_legacy_getchar_extension,
};

const struct sbi_extension *ecall_find(uint32_t id)
{
    for (uint32_t i = 0; i < ARRAY_SIZE(extensions); i++)
        if (extensions[i]->id == id)
            return extensions[i];
    return 0;
}

void ecall_handle(struct trap_regs *regs)
{
    const struct sbi_extension *extension = ecall_find(regs->x[REG_A7]);
    uint32_t function = regs->x[REG_A6];
    struct sbiret ret = { SBI_ERR_NOT_SUPPORTED, 0 };
    if (extension && extension->legacy)
        function = 0;
    if (extension && function < extension->count && extension->functions[function])
        ret = extension->functions[function](regs);
    regs->x[REG_A0] = (uint32_t)ret.error;
    if (!(extension && extension->legacy))
        regs->x[REG_A1] = (uint32_t)ret.value;
    regs->mepc += 4;
}

static struct sbiret base_spec_version(struct trap_regs *regs)
{
    (void)regs;
    return (struct sbiret){ SBI_SUCCESS, SBI_SPEC_VERSION };
}

static struct sbiret base_impl_id(struct trap_regs *regs)
{
    (void)regs;
    return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_ID_HYPERLAB };
}

static struct sbiret base_impl_version(struct trap_regs *regs)
{
    (void)regs;
    return (struct sbiret){ SBI_SUCCESS, SBI_IMPL_VERSION_HYPERLAB };
}

static struct sbiret base_probe(struct trap_regs *regs)
{
    return (struct sbiret){ SBI_SUCCESS, ecall_find(regs->x[REG_A0]) != 0 };
}

static struct sbiret base_mvendorid(struct trap_regs *regs)
{
    (void)regs;
    return (struct sbiret){ SBI_SUCCESS, (long)csr_read(mvendorid) };
}

static struct sbiret base_marchid(struct trap_regs *regs)
{
    (void)regs;
    return (struct sbiret){ SBI_SUCCESS, (long)csr_read(marchid) };
}

static struct sbiret base_mimpid(struct trap_regs *regs)
{
    (void)regs;
    return (struct sbiret){ SBI_SUCCESS, (long)csr_read(mimpid) };
}

static const sbi_function base_functions[] = {
    [SBI_BASE_GET_SPEC_VERSION] = base_spec_version,
    [SBI_BASE_GET_IMPL_ID] = base_impl_id,
    [SBI_BASE_GET_IMPL_VERSION] = base_impl_version,
    [SBI_BASE_PROBE_EXTENSION] = base_probe,
    [SBI_BASE_GET_MVENDORID] = base_mvendorid,
    [SBI_BASE_GET_MARCHID] = base_marchid,
    [SBI_BASE_GET_MIMPID] = base_mimpid,
};

const struct sbi_extension sbi_base_extension = {
    SBI_EXT_BASE, base_functions, ARRAY_SIZE(base_functions), 0,
};

/*
 * sbi.h: the RISC-V Supervisor Binary Interface as HyperLab uses it: the
 * extension and function IDs of SBI v2.0 that the HyperLab SBI firmware
 * implements, and the error codes. Shared by the firmware (which serves
 * the calls) and the kernel (which makes them).
 *
 * Calling convention: ecall from S-mode with a7 = extension ID, a6 =
 * function ID, a0..a5 = arguments; a0 = error, a1 = value on return. The
 * legacy console calls (extension IDs 0x01 and 0x02) return only a0.
 */
#ifndef HYPERLAB_SBI_H
#define HYPERLAB_SBI_H

#define SBI_SPEC_VERSION   0x02000000   /* v2.0: major << 24 | minor */

/* Extension IDs */
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_BASE    0x10
#define SBI_EXT_TIME    0x54494d45      /* "TIME" */
#define SBI_EXT_IPI     0x00735049      /* "sPI" */
#define SBI_EXT_RFENCE  0x52464e43      /* "RFNC" */
#define SBI_EXT_HSM     0x0048534d      /* "HSM" */
#define SBI_EXT_SRST    0x53525354      /* "SRST" */
#define SBI_EXT_DBCN    0x4442434e      /* "DBCN" */

/* BASE functions */
#define SBI_BASE_GET_SPEC_VERSION   0
#define SBI_BASE_GET_IMPL_ID        1
#define SBI_BASE_GET_IMPL_VERSION   2
#define SBI_BASE_PROBE_EXTENSION    3
#define SBI_BASE_GET_MVENDORID      4
#define SBI_BASE_GET_MARCHID        5
#define SBI_BASE_GET_MIMPID         6

/* TIME, IPI */
#define SBI_TIME_SET_TIMER          0
#define SBI_IPI_SEND_IPI            0

/* RFENCE functions */
#define SBI_RFENCE_FENCE_I          0
#define SBI_RFENCE_SFENCE_VMA       1
#define SBI_RFENCE_SFENCE_VMA_ASID  2
#define SBI_RFENCE_HFENCE_GVMA_VMID 3
#define SBI_RFENCE_HFENCE_GVMA      4
#define SBI_RFENCE_HFENCE_VVMA_ASID 5
#define SBI_RFENCE_HFENCE_VVMA      6

/* HSM functions and hart states */
#define SBI_HSM_HART_START          0
#define SBI_HSM_HART_STOP           1
#define SBI_HSM_HART_GET_STATUS     2
#define SBI_HSM_HART_SUSPEND        3
#define SBI_HSM_STARTED             0
#define SBI_HSM_STOPPED             1
#define SBI_HSM_START_PENDING       2
#define SBI_HSM_STOP_PENDING        3
#define SBI_HSM_SUSPENDED           4
#define SBI_HSM_SUSPEND_PENDING     5
#define SBI_HSM_RESUME_PENDING      6
#define SBI_HSM_SUSPEND_RETENTIVE   0x00000000

/* SRST */
#define SBI_SRST_SYSTEM_RESET       0
#define SBI_SRST_SHUTDOWN           0
#define SBI_SRST_COLD_REBOOT        1
#define SBI_SRST_WARM_REBOOT        2
#define SBI_SRST_REASON_NONE        0
#define SBI_SRST_REASON_FAILURE     1

/* DBCN */
#define SBI_DBCN_CONSOLE_WRITE      0
#define SBI_DBCN_CONSOLE_READ       1
#define SBI_DBCN_CONSOLE_WRITE_BYTE 2

/* hart_mask_base meaning "every hart" (mask ignored). */
#define SBI_HART_MASK_ALL           0xffffffffu

/* Errors */
#define SBI_SUCCESS                 0
#define SBI_ERR_FAILED             -1
#define SBI_ERR_NOT_SUPPORTED      -2
#define SBI_ERR_INVALID_PARAM      -3
#define SBI_ERR_DENIED             -4
#define SBI_ERR_INVALID_ADDRESS    -5
#define SBI_ERR_ALREADY_AVAILABLE  -6
#define SBI_ERR_ALREADY_STARTED    -7
#define SBI_ERR_ALREADY_STOPPED    -8

/* What the HyperLab SBI firmware says about itself (BASE). The
 * implementation ID is HyperLab's own, not one from the SBI registry. */
#define SBI_IMPL_ID_HYPERLAB        0x48594c42   /* "HYLB" */
/* What HyperLab's hypervisor (firmware/hv) says to its guests: the SBI a
 * guest kernel sees is the hypervisor's, not the firmware's. */
#define SBI_IMPL_ID_HYPERLAB_HV     0x48594c48   /* "HYLH" */
#define SBI_IMPL_VERSION_HYPERLAB   0x00000001   /* 0.1: major << 16 | minor */

#endif

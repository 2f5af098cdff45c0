/*
 * params.h: the SBI firmware's limits and fixed addresses.
 */
#ifndef SBI_PARAMS_H
#define SBI_PARAMS_H

#define SBI_MAX_HARTS      16            /* harts served; hartids from 0 up (HyperLab allows 16) */
#define SBI_STACK_SHIFT    12            /* 4 KiB of M-mode stack per hart */
#define SBI_STACK_SIZE     (1 << SBI_STACK_SHIFT)
#define SBI_BASE           0x80000000u   /* where the firmware is linked */
#define SBI_PAYLOAD_ADDRESS 0x80400000u  /* the S-mode payload: like OpenSBI's fw_jump */
#define SBI_REGION_SIZE    (SBI_PAYLOAD_ADDRESS - SBI_BASE)  /* kept from S and U by PMP */
#define SBI_VERSION_STRING "0.1"         /* matches SBI_IMPL_VERSION_HYPERLAB */

#endif

/*
 * xl.h: the `xl` commands (xl(1)), their output in Xen's formats and
 * their errors in Xen's words where it has them, on top of xc.h and
 * xlcfg.h. One library for domain 0's `xl` program, the management
 * daemon and the test guests; the place that links it gives it, besides
 * what xc.h asks for:
 *
 *   xl_print      writes text to the user (stdout)
 *   xl_name_of    a domain's name (xenstore's /local/domain/N/name), 0 if none
 *   xl_read_file  a file's bytes (a config in /etc/xen, a kernel in /boot)
 *   xl_remember   records a created domain: its name for the hypervisor's
 *                 log, and in xenstore its /local/domain/N entries, and
 *                 hands xenstored its store ring (XS_INTRODUCE)
 *   xl_forget     undoes that, before the domain is destroyed
 *   xl_saved_config  the config xl_remember kept for a domain (xl.cfg text), or 0
 *   xl_console_attach  `xl console`: the domain's console ring on this
 *                 terminal until Ctrl-] (its exit status); `unpause`: the
 *                 domain (paused) is unpaused once the ring is bound
 *   xl_vcpu_isa   the riscv,isa a new domain's vCPUs get (domain 0's own)
 *   xl_now_ns     the time (any fixed origin) and xl_sleep_ms: for xl top's CPU %
 *   xl_watch      after a create: follows the domain and does what its
 *                 on_poweroff, on_reboot and on_crash say (Xen's xl forks a
 *                 daemon per domain for this)
 *
 * xl_main runs one command line and returns its exit status (0 on success).
 */
#ifndef HYPERLAB_XL_H
#define HYPERLAB_XL_H

#include <stdint.h>
#include "xc.h"
#include "xlcfg.h"

void xl_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *xl_name_of(domid_t domid);
/* The bytes of file `path` and their count in *size, or 0 (*error: why). The bytes stay valid until the next call. */
const uint8_t *xl_read_file(const char *path, uint32_t *size, const char **error);
/* The domain's rings: each a frame and the port (of the domain's) that domain 0 binds to. */
struct xl_store {
    uint32_t gfn, port;             /* xenstore's */
    uint32_t console_gfn, console_port;     /* its vUART's console ring (XEN_DOMCTL_vuart_op) */
};
void xl_remember(domid_t domid, const struct xl_domain_config *config, const struct xl_store *store);
void xl_forget(domid_t domid);
int xl_console_attach(domid_t domid, int unpause);
const char *xl_saved_config(domid_t domid);

/* A domain's config as xl.cfg text (what xl list -l reads back): its length, or -1 if it does not fit. */
int xl_config_text(const struct xl_domain_config *c, char *out, uint32_t size);
const char *xl_vcpu_isa(void);
uint64_t xl_now_ns(void);
void xl_sleep_ms(uint32_t ms);
void xl_watch(domid_t domid, const struct xl_domain_config *config);

int xl_main(int argc, char **argv);

/* The domain `which` names, by id ("2") or by name ("web"): its id, or -1 if there is none. */
int xl_domain_named(const char *which);

/* A domain's maximum memory as xl mem-max sets it: kib of RAM, and a DomU's special frames (xc.h) beside. */
long xl_set_max_mem(domid_t domid, uint64_t kib);

/* Destroys domain domid as the toolstack does: its xenstore entries and ring go first. 0, or an errno. */
long xl_destroy_domain(domid_t domid);

/* `xl create`'s work on a configuration already read: the new domain's id, or a negative errno (said why). Not watched: the caller calls xl_watch. */
long xl_create_domain(const struct xl_domain_config *config, int paused);

#endif

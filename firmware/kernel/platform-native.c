/*
 * platform-native.c: the native kernel's side of platform.h: no devices,
 * no events, and no foreign pages ever mapped.
 */
#include "defs.h"
#include "platform.h"

void platform_init(void)
{
}

void platform_soft_interrupt(void)
{
}

const struct device *platform_device(const char *name)
{
    (void)name;
    return 0;
}

void platform_foreign_release(uint32_t gpa)
{
    panic("foreign page at 0x%08x in the native kernel", (unsigned)gpa);
}

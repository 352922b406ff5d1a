/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: module parameters are plain variables here */
#ifndef _VXICS_SHIM_MODULEPARAM_H
#define _VXICS_SHIM_MODULEPARAM_H

#include <stdbool.h>
#include <errno.h>
#include <string.h>

struct module;
#define THIS_MODULE	((struct module *)0)

struct kernel_param;
struct kernel_param_ops {
	int (*set)(const char *val, const struct kernel_param *kp);
	int (*get)(char *buffer, const struct kernel_param *kp);
};

int param_get_bool(char *buffer, const struct kernel_param *kp);

/* the parameter lock: one mutex, as for the kernel's built-in parameters */
void kernel_param_lock(struct module *mod);
void kernel_param_unlock(struct module *mod);

static inline int kstrtobool(const char *s, bool *res)
{
	if (!strcmp(s, "1") || !strcmp(s, "Y") || !strcmp(s, "y"))
		*res = true;
	else if (!strcmp(s, "0") || !strcmp(s, "N") || !strcmp(s, "n"))
		*res = false;
	else
		return -EINVAL;
	return 0;
}

#define module_param_named(name, var, type, perm)
#define module_param_cb(name, ops, arg, perm)				\
	static const struct kernel_param_ops *const __param_##name	\
	__attribute__((unused)) = (ops)
#define __MODULE_PARM_TYPE(name, type)
#define MODULE_PARM_DESC(name, desc)

#endif

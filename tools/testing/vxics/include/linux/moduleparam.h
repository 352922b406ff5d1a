/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: module parameters are plain variables here */
#define module_param_named(name, var, type, perm)
#define MODULE_PARM_DESC(name, desc)

/* SPDX-License-Identifier: GPL-2.0-only */
/* Look-alike: the allocators are in the seam (internal.h) */
#include "internal.h"

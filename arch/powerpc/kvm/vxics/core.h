/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vxics core: what ics.c and icp.c need from each other.  Not for the glue.
 */
#ifndef _VXICS_CORE_H
#define _VXICS_CORE_H

#include "vxics.h"

struct vxics_source *vxics_source_find(struct vxics *vx, u32 irq,
				       struct vxics_ics **icsp);
long vxics_source_eoi(struct vxics *vx, u32 irq);
void vxics_deliver(struct vxics *vx, u32 irq, bool resend);
bool vxics_icp_try_deliver(struct vxics *vx, struct vxics_icp *icp, u32 irq,
			   u8 prio, u32 *reject);
void vxics_icp_do_resend(struct vxics *vx, struct vxics_icp *icp);

#endif /* _VXICS_CORE_H */

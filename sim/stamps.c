// SPDX-License-Identifier: MIT
/*
 * Names of the latency stages (see stamps.h).  Any thread.
 */
#include "sim/stamps.h"

const char *sim_stage_name(enum sim_stage s)
{
	static const char *const names[SIM_STAGES] = {
		[SIM_STAGE_QUEUE] = "queue",
		[SIM_STAGE_HANDOFF] = "handoff",
		[SIM_STAGE_RING] = "ring",
		[SIM_STAGE_BACKEND] = "backend",
		[SIM_STAGE_TARGET] = "target",
		[SIM_STAGE_RESPONSE] = "response",
		[SIM_STAGE_COMPLETE] = "complete",
	};

	return (unsigned int)s < SIM_STAGES ? names[s] : "?";
}

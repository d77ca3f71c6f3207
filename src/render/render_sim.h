/* render_sim.h - the simulate command's output: table or JSON.
 *
 * Reads only a finished run's result (struct sim_result: the machine's
 * shape, counters, timeline samples with their verdicts, the prediction)
 * and the final state's report; never the live machine.
 */
#ifndef FRAGSTAT_RENDER_SIM_H
#define FRAGSTAT_RENDER_SIM_H

#include <stdio.h>

#include "render.h"
#include "report.h"
#include "sim_run.h"

/* Render the run: table (timeline, counters, then the final report) or
 * JSON (one document with "final" = the snapshot JSON). 0 or -EIO/-ENOMEM. */
int sim_render(FILE *out, const struct sim_result *r, const struct fs_report *final,
	       const struct fs_render_opts *o);

#endif

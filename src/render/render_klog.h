/* render_klog.h - output of `fragstat log` (render_klog.c). Renderers only
 * read the parsed log and the analyses (an[i] belongs to reports[i]). */
#ifndef FRAGSTAT_RENDER_KLOG_H
#define FRAGSTAT_RENDER_KLOG_H

#include <stdbool.h>
#include <stdio.h>

#include "klog.h"
#include "klog_cause.h"

/* One line per report, a timeline when there are several, then the detail
 * of each. Returns 0 or -EIO. */
int fs_render_klog(FILE *out, const struct fs_klog *log, const struct fs_klog_analysis *an);
/* The JSON document: reports[] with the snapshot of each. 0, -EIO, -ENOMEM. */
int fs_render_klog_json(FILE *out, const struct fs_klog *log, const struct fs_klog_analysis *an,
			bool compact);

#endif

/* Placeholder until the Prometheus renderer lands (mk/monitor.am area). */
#include "config.h"

#include <errno.h>

#include "render.h"

int fs_render_prometheus(FILE *out, const struct fs_report *r, const struct fs_render_opts *o)
{
	(void)out;
	(void)r;
	(void)o;
	return -ENOSYS;
}

#include "config.h"

#include "json_alloc.h"

#include <jansson.h>
#include <stdlib.h>

static bool json_oom;

static void *track_malloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		json_oom = true;
	return p;
}

static void track_free(void *p)
{
	free(p);
}

void fs_json_oom_clear(void)
{
	static bool installed;
	if (!installed) {
		json_set_alloc_funcs(track_malloc, track_free);
		installed = true;
	}
	json_oom = false;
}

bool fs_json_oom(void)
{
	return json_oom;
}

void fs_json_oom_set(void)
{
	json_oom = true;
}

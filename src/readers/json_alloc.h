/* json_alloc.h - jansson's allocator, with failure tracking, for everything
 * that parses or builds JSON (the loader here, the JSON renderers).
 *
 * jansson's setters fail silently when memory runs out (a key is just
 * missing), so it allocates through a function that remembers a failure;
 * a document built or parsed while one happened is thrown away. The
 * header does not include jansson: only the .c files that use it do.
 */
#ifndef FRAGSTAT_JSON_ALLOC_H
#define FRAGSTAT_JSON_ALLOC_H

#include <stdbool.h>

/* Start tracking jansson allocation failures (also installs the tracking
 * allocator on first use); fs_json_oom() tells whether one failed since.
 * Code that builds its own documents checks it before printing one. */
void fs_json_oom_clear(void);
bool fs_json_oom(void);
/* Record an allocation failure outside jansson (for fs_json_oom()). */
void fs_json_oom_set(void);

#endif

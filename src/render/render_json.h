/* render_json.h - the snapshot JSON contract (schema_version) via jansson.
 *
 * Ownership: fs_json_report() returns a new reference the caller must
 * json_decref(). fs_json_load_snapshot() returns an owned snapshot.
 */
#ifndef FRAGSTAT_RENDER_JSON_H
#define FRAGSTAT_RENDER_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "procfs.h"
#include "report.h"

#define FS_SCHEMA_VERSION 2
#define FS_SCHEMA_VERSION_MIN 1   /* oldest version load_json reads */

/* The whole snapshot document for a report. NULL on ENOMEM. */
json_t *fs_json_report(const struct fs_report *r);

/* Start tracking jansson allocation failures (also installs the tracking
 * allocator on first use); fs_json_oom() tells whether one failed since.
 * Code that builds its own documents checks it before printing one. */
void fs_json_oom_clear(void);
bool fs_json_oom(void);

/* A 64-bit count as a JSON integer (above INT64_MAX: INT64_MAX), and an
 * array of n of them. New references. */
json_t *fs_json_u64(uint64_t v);
json_t *fs_json_u64_array(const uint64_t *v, unsigned n);

/* Dump flags used everywhere (stable key order, fixed precision). */
#define FS_JSON_DUMP_FLAGS (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

/* Rebuild a snapshot from a document fs_json_report() wrote (also a JSON
 * line of `watch --json`). Returns 0, or -EINVAL with *d naming the file,
 * line, column (jansson's) and what was expected, or -ENOMEM. */
int fs_json_load_snapshot(const char *file, const char *data, size_t len,
			  struct fs_snapshot **out, struct fs_diag *d);

#endif

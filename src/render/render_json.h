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

#define FS_SCHEMA_VERSION 1

/* The whole snapshot document for a report. NULL on ENOMEM. */
json_t *fs_json_report(const struct fs_report *r);

/* Start tracking jansson allocation failures (also installs the tracking
 * allocator on first use); fs_json_oom() tells whether one failed since.
 * Code that builds its own documents checks it before printing one. */
void fs_json_oom_clear(void);
bool fs_json_oom(void);
/* Record an allocation failure outside jansson (for fs_json_oom()). */
void fs_json_oom_set(void);

/* A 64-bit count as a JSON integer, and an array of n of them. New
 * references. Above INT64_MAX (jansson's integers are signed) the value is
 * a marker that only fs_json_dumpf() / fs_json_u64_fixup() print right: as
 * the exact decimal integer. Every dump of a document that may hold one
 * goes through them; fs_json_loadb() reads such integers back exactly. */
json_t *fs_json_u64(uint64_t v);
json_t *fs_json_u64_array(const uint64_t *v, unsigned n);

/* b - a exactly (negative when b < a, down to -(2^64 - 1)). */
json_t *fs_json_udelta(uint64_t a, uint64_t b);

/* json_dumpf() with the 64-bit markers written as integers; 0 or -1. */
int fs_json_dumpf(const json_t *doc, FILE *out, size_t flags);
/* Rewrite the markers in dumped text buf[0..len) in place; the new length. */
size_t fs_json_u64_fixup(char *buf, size_t len);

/* json_loadb(JSON_REJECT_DUPLICATES) that also reads integers from
 * INT64_MAX + 1 to UINT64_MAX (as markers fs_json_get_u64() reads), and
 * refuses "\u0000" in strings. NULL with *err set (line and column of the
 * original text) on failure. */
json_t *fs_json_loadb(const char *data, size_t len, json_error_t *err);
/* A non-negative integer or a 64-bit marker; false otherwise. */
bool fs_json_get_u64(const json_t *v, uint64_t *out);

/* Dump flags used everywhere (stable key order, fixed precision). */
#define FS_JSON_DUMP_FLAGS (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

/* Rebuild a snapshot from a document fs_json_report() wrote (also a JSON
 * line of `watch --json`). Returns 0, or -EINVAL with *d naming the file,
 * line, column (jansson's) and what was expected, or -ENOMEM. */
int fs_json_load_snapshot(const char *file, const char *data, size_t len,
			  struct fs_snapshot **out, struct fs_diag *d);

#endif

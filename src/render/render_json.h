/* render_json.h - the snapshot document (schema_version FS_SCHEMA_VERSION)
 * and the JSON helpers the other JSON renderers share.
 *
 * Ownership: fs_json_report() returns a new reference the caller must
 * json_decref(). The header does not include jansson: json_t is declared
 * here as the incomplete struct jansson defines, and a .c file that uses
 * the documents includes <jansson.h> itself. Allocation failures are
 * tracked by json_alloc.h; the loader is load_json.h.
 */
#ifndef FRAGSTAT_RENDER_JSON_H
#define FRAGSTAT_RENDER_JSON_H

#include <stdint.h>

#include "json_alloc.h"
#include "report.h"

struct json_t;

/* The whole snapshot document for a report. NULL on ENOMEM. */
struct json_t *fs_json_report(const struct fs_report *r);

/* A 64-bit count as a JSON integer (above INT64_MAX: INT64_MAX), and an
 * array of n of them. New references. */
struct json_t *fs_json_u64(uint64_t v);
struct json_t *fs_json_u64_array(const uint64_t *v, unsigned n);

/* Dump flags used everywhere (stable key order, fixed precision); jansson's
 * names, so only usable where <jansson.h> is included. */
#define FS_JSON_DUMP_FLAGS (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

#endif

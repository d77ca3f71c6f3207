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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json_alloc.h"
#include "json_write.h"
#include "report.h"

struct json_t;
struct json_error_t;

/* The whole snapshot document for a report. NULL on ENOMEM. */
struct json_t *fs_json_report(const struct fs_report *r);

/* A 64-bit count as a JSON integer, and an array of n of them. New
 * references. Above INT64_MAX (jansson's integers are signed) the value is
 * a marker that only json_write.h's functions print right: as
 * the exact decimal integer. Every dump of a document that may hold one
 * goes through them; fs_json_loadb() reads such integers back exactly. */
struct json_t *fs_json_u64(uint64_t v);
struct json_t *fs_json_u64_array(const uint64_t *v, unsigned n);
/* A JSON array of n kernel indices (value x 1000), each divided by 1000. */
struct json_t *fs_json_idx_array(const int *v, unsigned n);

/* b - a exactly (negative when b < a, down to -(2^64 - 1)). */
struct json_t *fs_json_udelta(uint64_t a, uint64_t b);

#endif

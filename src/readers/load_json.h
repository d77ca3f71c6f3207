/* load_json.h - fragstat's own JSON (a snapshot document, or one line of
 * `watch --json`) back into a snapshot.
 *
 * Ownership: fs_json_load_snapshot() returns an owned snapshot
 * (fs_snapshot_free). The header does not include jansson.
 */
#ifndef FRAGSTAT_LOAD_JSON_H
#define FRAGSTAT_LOAD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <stddef.h>

#include "procfs.h"
#include "snapshot.h"

/* Rebuild a snapshot from a document fs_json_report() wrote (also a JSON
 * line of `watch --json`). Returns 0, or -EINVAL with *d naming the file,
 * line, column (jansson's) and what was expected, or -ENOMEM. */
int fs_json_load_snapshot(const char *file, const char *data, size_t len,
			  struct fs_snapshot **out, struct fs_diag *d);

struct json_t;
struct json_error_t;

/* json_loadb(JSON_REJECT_DUPLICATES) that also reads integers from
 * INT64_MAX + 1 to UINT64_MAX (as markers fs_json_get_u64() reads), and
 * refuses "\u0000" in strings. NULL with *err set (line and column of the
 * original text) on failure. */
struct json_t *fs_json_loadb(const char *data, size_t len, struct json_error_t *err);
/* A non-negative integer or a 64-bit marker; false otherwise. */
bool fs_json_get_u64(const struct json_t *v, uint64_t *out);

#endif

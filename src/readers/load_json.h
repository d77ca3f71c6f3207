/* load_json.h - fragstat's own JSON (a snapshot document, or one line of
 * `watch --json`) back into a snapshot.
 *
 * Ownership: fs_json_load_snapshot() returns an owned snapshot
 * (fs_snapshot_free). The header does not include jansson.
 */
#ifndef FRAGSTAT_LOAD_JSON_H
#define FRAGSTAT_LOAD_JSON_H

#include <stddef.h>

#include "procfs.h"
#include "snapshot.h"

/* Rebuild a snapshot from a document fs_json_report() wrote (also a JSON
 * line of `watch --json`). Returns 0, or -EINVAL with *d naming the file,
 * line, column (jansson's) and what was expected, or -ENOMEM. */
int fs_json_load_snapshot(const char *file, const char *data, size_t len,
			  struct fs_snapshot **out, struct fs_diag *d);

#endif

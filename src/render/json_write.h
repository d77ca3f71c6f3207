/* json_write.h - the one place fragstat turns a JSON document into text
 * (json_write.c). Every writer of JSON (documents, JSON lines, the
 * simulator's streamed timeline) goes through it, so the 64-bit markers of
 * fs_json_u64() are always printed as exact integers and the dump flags
 * are always FS_JSON_DUMP_FLAGS; tests/e2e/json_writers.sh fails when
 * another file calls jansson's json_dump*() itself.
 *
 * The header does not include jansson (struct json_t is incomplete here).
 */
#ifndef FRAGSTAT_JSON_WRITE_H
#define FRAGSTAT_JSON_WRITE_H

#include <stddef.h>
#include <stdio.h>

struct json_t;

/* Dump flags used everywhere (stable key order, fixed precision); jansson's
 * names, so only usable where <jansson.h> is included. The functions below
 * add them to whatever layout flags (JSON_COMPACT, JSON_INDENT(n)) the
 * caller gives. */
#define FS_JSON_DUMP_FLAGS (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

/* Write doc to out (no newline after it); 0, or -1 when the text could not
 * be made (ENOMEM) or written. */
int fs_json_dumpf(const struct json_t *doc, FILE *out, size_t flags);

/* doc as a NUL-terminated malloc()ed string the caller free()s, its length
 * in *len (may be NULL); NULL on ENOMEM. */
char *fs_json_dumps(const struct json_t *doc, size_t flags, size_t *len);

/* doc into the reusable buffer *buf of *cap bytes (both may start as
 * NULL / 0; it grows with realloc() when the text does not fit, leaving
 * room for one byte more, e.g. a newline); the text's length, 0 on ENOMEM
 * (the buffer is then as it was). */
size_t fs_json_dumpb(const struct json_t *doc, char **buf, size_t *cap, size_t flags);

/* Rewrite the markers in dumped text buf[0..len) in place; the new length.
 * Only for the functions above. */
size_t fs_json_u64_fixup(char *buf, size_t len);

#endif

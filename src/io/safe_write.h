/* safe_write.h - the one way fragstat writes files: capture and simulate
 * --emit-root (whole trees), watch --record (appended lines) and snapshot
 * --output (one file replaced atomically).
 *
 * fragstat runs as root over directories other users may control, so every
 * writer here:
 * - walks the path itself, one component at a time, from a directory fd:
 *   every directory it looks a name up in must be owned by the caller or
 *   root and not writable by group or others unless sticky (sshd's
 *   StrictModes rule), and every symbolic link it follows must be owned by
 *   the caller or root; the last component is never followed;
 * - refuses an empty name, "/", "." and "..", and anything whose directory
 *   resolves under /proc, /sys or /dev or lies on procfs, sysfs, debugfs or
 *   tracefs;
 * - creates with O_NOFOLLOW|O_EXCL|O_CLOEXEC and sets the mode on the fd
 *   (0644 files, 0755 directories) whatever the umask;
 * - never opens or chmods by path after creation.
 *
 * Errors: functions return 0 or -errno and fill struct sw_diag with a whole
 * sentence naming the path; diag.usage tells a refusal that depends on the
 * arguments (empty name, "/", /proc, a non-empty DIR without --force: exit
 * status 1) from a write that failed or was refused for safety (exit 3).
 * Ownership: the handles are freed by sw_tree_commit/sw_tree_abort and
 * sw_append_close, whatever they return.
 */
#ifndef FRAGSTAT_SAFE_WRITE_H
#define FRAGSTAT_SAFE_WRITE_H

#include <stdbool.h>
#include <stddef.h>

struct sw_diag {
	bool usage;            /* refused because of the arguments (exit 1) */
	bool warning;          /* sw_tree_commit succeeded but msg says what it left */
	char msg[1200];
};

/* ---- whole trees (capture, --emit-root) ------------------------------------
 * The tree is built in a private directory ".NAME.fragstat-XXXXXX" (mode
 * 0700 until done) beside the target and renamed into place: a new target
 * with RENAME_NOREPLACE, an existing one with RENAME_EXCHANGE after which
 * the old tree is removed. A failure at any point leaves the old tree as it
 * was. An existing target must be an empty directory, or with SW_FORCE a
 * directory whose top-level entries are all in the caller's list. */
struct sw_tree;

#define SW_FORCE 1u

/* Check target and create the private directory beside it. allowed: NULL
 * terminated list of the top-level names SW_FORCE may replace. */
int sw_tree_begin(struct sw_tree **out, const char *target, unsigned flags,
		  const char *const *allowed, struct sw_diag *d);

/* Write rel ("a/b/c", parents created) in the private tree, fsynced. */
int sw_tree_put(struct sw_tree *t, const char *rel, const void *data, size_t len,
		struct sw_diag *d);

/* A path naming the private tree, for reading it back before the commit. */
const char *sw_tree_path(const struct sw_tree *t);

/* Move the private tree into place and remove what it replaced; frees t. */
int sw_tree_commit(struct sw_tree *t, struct sw_diag *d);

/* Remove the private tree; the target is left as it was. Frees t. */
void sw_tree_abort(struct sw_tree *t);

/* ---- appended lines (--record) ----------------------------------------------
 * The file is created 0644 or must be a regular file owned by the caller or
 * root, not writable by group or others, with one link. A last line without its newline (a
 * session killed mid-write) is cut off before the first append, so every
 * append starts on a line boundary; an append that fails is cut back. */
struct sw_append;

/* Open path for appending; *torn receives the bytes of a torn last line
 * that were cut off (0 normally). */
int sw_append_open(struct sw_append **out, const char *path, size_t *torn, struct sw_diag *d);

/* Append len bytes (whole lines); on failure the file is cut back to where
 * it was and -errno returned. */
int sw_append_write(struct sw_append *a, const void *data, size_t len);

/* Close; -errno if close failed. Frees a (NULL is fine). */
int sw_append_close(struct sw_append *a);

/* ---- one file replaced atomically (--output) --------------------------------
 * Written to a temporary file in the same directory (O_TMPFILE linked to
 * ".NAME.fragstat-XXXXXX", or that name created O_EXCL), mode 0644, fsynced,
 * then renamed over path. On failure the old file stays. Temporaries of
 * earlier runs that died are removed first (only regular files with that
 * name pattern, owned by the caller, that no running fragstat holds locked). */
int sw_file_replace(const char *path, const void *data, size_t len, struct sw_diag *d);

#endif

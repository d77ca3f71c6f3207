/* procfs.h - file access and text scanning shared by every reader.
 *
 * Conventions: functions return 0 or a negative errno; on a parse error
 * they return -EINVAL and fill the caller's struct fs_diag with the file,
 * 1-based line and column and what was expected. Nothing here prints.
 * Ownership: fs_file_read() fills an fs_buf that the caller releases with
 * fs_buf_free().
 */
#ifndef FRAGSTAT_PROCFS_H
#define FRAGSTAT_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "snapshot.h"

struct fs_snapshot;
struct fs_zone;

/* Largest file the readers accept; /proc files are far smaller. */
#define FS_FILE_MAX (16u * 1024 * 1024)

struct fs_buf {
	char *data;            /* NUL-terminated */
	size_t len;
};

/* Read a whole file (retrying EINTR, bounded by FS_FILE_MAX: -EFBIG past it).
 * Returns 0, -ENOENT, -EACCES, -EFBIG, -EIO, ... */
int fs_file_read(const char *path, struct fs_buf *out);
void fs_buf_free(struct fs_buf *b);

/* Read fd to its end into out (NUL-terminated, retrying EINTR): at most
 * max bytes, -EFBIG for a longer input (its buffer freed); -ENOMEM, or the
 * read's -errno. The caller keeps fd (open, position at the end or where
 * the error struck). */
int fs_read_fd(int fd, size_t max, struct fs_buf *out);

/* Read a file the user named (an --input, a diff side): like
 * fs_file_read() but a pipe or FIFO is accepted ("<(cmd)"), and waited for. */
int fs_file_read_user(const char *path, struct fs_buf *out);

/* Why a read was refused (returned negated; not an errno): the path names
 * a FIFO, device, socket or directory, not a regular file. */
#define FS_ENOTREG 4096

/* Read root/rel without leaving root, as fs_file_read() otherwise.
 * root NULL (or "/") means rel is read from "/" with the same rules on the
 * file itself. Resolution: openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)
 * where the kernel has it, so a symbolic link inside the tree that stays
 * inside is followed and one that leaves it (or a "..") is refused; on
 * kernels without openat2 (before 5.6) every component is opened with
 * O_NOFOLLOW, so any symbolic link below the root is refused. The file is
 * opened O_NONBLOCK | O_NOCTTY and must be a regular file (fstat).
 * Returns 0; -EXDEV (leaves the tree), -ELOOP (a link refused),
 * -FS_ENOTREG (not a regular file): refusals, see fs_read_refused(); or
 * -ENOENT, -EACCES, -EFBIG, ... On any failure *d (may be NULL) names the
 * joined path and says what went wrong. */
int fs_read_beneath(const char *root, const char *rel, struct fs_buf *out, struct fs_diag *d);

/* Open root/rel for reading without leaving root (the rules of
 * fs_read_beneath(); root must name a directory other than "/"): a file
 * descriptor (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, not yet checked
 * to be a regular file) or -errno (-EXDEV, -ELOOP refusals). For files
 * read in pieces, such as /proc/kpageflags in a capture. */
int fs_open_beneath(const char *root, const char *rel);

/* True for the errors of fs_read_beneath() that refuse a path (an attack or
 * a wrong tree), which are never treated as a merely missing file. */
bool fs_read_refused(int err);

/* What a source's read error makes of it in a snapshot: 0 ok, missing
 * (-ENOENT, -ENOTDIR), denied (-EACCES, -EPERM), malformed (-EINVAL,
 * -ERANGE), any other error. */
enum fs_src_status fs_src_status_of(int err);

/* strerror() that also knows FS_ENOTREG. */
const char *fs_strerror(int err);

/* Join root and a relative path ("proc/buddyinfo") into buf. root NULL or ""
 * means "/". Returns buf, or NULL when it does not fit. */
char *fs_path_join(char *buf, size_t size, const char *root, const char *rel);

/* A cursor over the lines of a buffer, tracking line and column for errors. */
struct fs_cursor {
	const char *file;      /* for diagnostics */
	const char *p, *end;   /* remaining text */
	const char *line;      /* start of current line */
	const char *eol;       /* end of current line (at '\n' or end) */
	unsigned lineno;       /* 1-based number of current line */
};

void fs_cursor_init(struct fs_cursor *c, const char *file, const char *data, size_t len);
/* Advance to the next line; false at end of input. c->line..c->eol is the line. */
bool fs_cursor_next(struct fs_cursor *c);
/* 1-based column of pointer q on the current line. */
unsigned fs_cursor_col(const struct fs_cursor *c, const char *q);
/* Set a diagnostic at pointer q of the current line; returns -EINVAL. */
int fs_cursor_err(const struct fs_cursor *c, struct fs_diag *d, const char *q,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Skip spaces and tabs from p (not past end). */
const char *fs_skip_blank(const char *p, const char *end);
/* True when p..end holds only blanks (and a trailing '\r' is NOT blank). */
bool fs_only_blank(const char *p, const char *end);

/* Strict unsigned decimal at *pp: digits only, no sign, no overflow.
 * On success stores the value, advances *pp past the digits and returns 0;
 * -EINVAL when no digit, -ERANGE on overflow (past UINT64_MAX). */
int fs_parse_u64(const char **pp, const char *end, uint64_t *out);
/* Same with an optional leading '-' and the int64 range. */
int fs_parse_i64(const char **pp, const char *end, int64_t *out);
/* Hexadecimal digits (either case, no "0x") at *pp before end, as
 * fs_parse_u64(). */
int fs_parse_hex64(const char **pp, const char *end, uint64_t *out);

/* Copy the word at *pp (up to blank or end) into buf; -ENAMETOOLONG when it
 * does not fit, -EINVAL when empty. Advances *pp. */
int fs_parse_word(const char **pp, const char *end, char *buf, size_t size);

/* True when the text at p starts with the literal s (and fits before end). */
bool fs_match(const char *p, const char *end, const char *s);

/* Describe the text at q for a "found ..." message: a short token, a blank,
 * a carriage return, a control byte or the end of the line. Uses buf. */
const char *fs_describe(const char *q, const char *e, char *buf, size_t size);

/* Parse the "Node ID, zone NAME" prefix of buddyinfo-shaped rows at *pp
 * (zone: FS_NAME_MAX bytes), leaving *pp after NAME. row_shape names the
 * whole row in messages, e.g. "\"Node N, zone NAME counts...\"". Returns 0,
 * -EINVAL or -ERANGE with *d filled. */
int fs_parse_node_zone(const struct fs_cursor *c, struct fs_diag *d, const char **pp,
		       const char *row_shape, int *node, char *zone);

/* How fs_parse_order_rows() reads the fields of one order-column row
 * (buddyinfo, debugfs extfrag_index and unusable_index). */
struct fs_order_row {
	const char *row_shape;   /* the whole row, for messages */
	const char *noun;        /* one field: "count", "value" ("%u counts") */
	const char *first;       /* what a row without fields lacks: "a value" */
	/* Filled by fs_parse_order_rows: */
	unsigned orders;         /* order count so far (s->orders); 0: none yet */
	bool orders_preset;      /* ... set by an earlier file, not this one */
	unsigned first_line;     /* ... else the line of this file that set it */
	/* Parse the field for order n at *q (advancing it) into arg's row
	 * buffer; 0, or an error with *d filled. */
	int (*parse)(void *arg, const struct fs_cursor *c, struct fs_diag *d,
		     const char *zone, unsigned n, const char **q);
	/* Optional, once the field is known to end at a blank or the end of
	 * the line: checks that need its text (tok) and the end of the field
	 * before it (prev). */
	int (*accept)(void *arg, const struct fs_cursor *c, struct fs_diag *d,
		      unsigned n, const char *prev, const char *tok);
	/* The zone's "this file had a row for it" flag. */
	bool *(*seen)(struct fs_zone *z, void *arg);
	/* Keep the n fields parsed for a row in its zone. */
	void (*keep)(void *arg, struct fs_zone *z, unsigned n);
	void *arg;
};

/* Every row "Node N, zone NAME f0 f1 ..." of an order-column file at the
 * cursor (fresh from fs_cursor_init) into s. Each row: the prefix, one
 * blank-separated field per order through how->parse and how->accept (as
 * many as s->orders when an earlier row or file set it, at most
 * FS_MAX_ORDERS), then its zone (created when new; a second row for it is
 * an error), marked through how->seen and filled by how->keep. The first
 * row sets s->orders when no file did. An empty file is an error. Sets
 * *rows; leaves the cursor after the last row. Returns 0, -EINVAL or
 * -ERANGE with *d filled, or -ENOMEM. */
int fs_parse_order_rows(struct fs_cursor *c, struct fs_diag *d, struct fs_snapshot *s,
			struct fs_order_row *how, unsigned *rows);

#endif

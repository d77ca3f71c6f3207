/* diag.h - a diagnostic: which file, line and column is wrong and what was
 * expected there. Readers, the JSON loader and the trace parser fill one;
 * the commands print it. Nothing here prints.
 *
 * fs_diag_set()/fs_diag_vset() copy the file name into file_store, so the
 * diagnostic outlives the buffers and paths of the code that filled it.
 */
#ifndef FRAGSTAT_DIAG_H
#define FRAGSTAT_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* A parse (or read) diagnostic. */
struct fs_diag {
	const char *file;      /* path as shown to the user (usually file_store) */
	char file_store[512];
	unsigned line, col;    /* 1-based; 0 when not applicable */
	char msg[200];         /* what was expected / what went wrong */
};

/* Enough for any fs_diag_format() text: the file and the message escaped
 * (a byte may become \xHH), two numbers. */
#define FS_DIAG_TEXT_MAX (4 * 512 + 2 * 12 + 4 * 200 + 8)

/* Set a diagnostic (printf-style message); d may be NULL. Both return
 * -EINVAL for convenience. */
int fs_diag_set(struct fs_diag *d, const char *file, unsigned line, unsigned col,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int fs_diag_vset(struct fs_diag *d, const char *file, unsigned line, unsigned col,
		 const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* The diagnostic as the user sees it: "file:line:col: msg", "file:line: msg"
 * when there is no column, "file: msg" when there is no line; "(input)" when
 * there is no file name. Control bytes in the file name and the message
 * (both may quote input) are written as \xHH, never raw. Returns buf. */
char *fs_diag_format(const struct fs_diag *d, char *buf, size_t size);

#endif

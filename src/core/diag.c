#include "config.h"

#include "diag.h"
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>

int fs_diag_vset(struct fs_diag *d, const char *file, unsigned line, unsigned col,
		 const char *fmt, va_list ap)
{
	if (!d)
		return -EINVAL;
	if (!file) {
		d->file = NULL;
	} else {
		if (file != d->file_store)
			snprintf(d->file_store, sizeof d->file_store, "%s", file);
		d->file = d->file_store;
	}
	d->line = line;
	d->col = col;
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	return -EINVAL;
}

int fs_diag_set(struct fs_diag *d, const char *file, unsigned line, unsigned col,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = fs_diag_vset(d, file, line, col, fmt, ap);
	va_end(ap);
	return r;
}

char *fs_diag_format(const struct fs_diag *d, char *buf, size_t size)
{
	/* The file name comes from the user (--root, a path): escaped. */
	char esc[1024];
	const char *file = d->file ? fs_escape(esc, sizeof esc, d->file) : "(input)";
	if (d->line && d->col)
		snprintf(buf, size, "%s:%u:%u: %s", file, d->line, d->col, d->msg);
	else if (d->line)
		snprintf(buf, size, "%s:%u: %s", file, d->line, d->msg);
	else
		snprintf(buf, size, "%s: %s", file, d->msg);
	return buf;
}

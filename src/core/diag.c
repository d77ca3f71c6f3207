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

/* The message as shown: control and non-ASCII bytes as \xHH (a parse
 * message may quote the input). */
static const char *msg_text(char *buf, size_t size, const char *msg)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)msg; *p && w + 5 < size; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			w += (size_t)snprintf(buf + w, size - w, "\\x%02x", *p);
		else
			buf[w++] = (char)*p;
	}
	buf[w] = '\0';
	return buf;
}

char *fs_diag_format(const struct fs_diag *d, char *buf, size_t size)
{
	/* The file name comes from the user (--root, a path): escaped. */
	char esc[4 * sizeof d->file_store], msg[4 * sizeof d->msg + 1];
	const char *file = d->file ? fs_escape(esc, sizeof esc, d->file) : "(input)";
	const char *m = msg_text(msg, sizeof msg, d->msg);
	if (d->line && d->col)
		snprintf(buf, size, "%s:%u:%u: %s", file, d->line, d->col, m);
	else if (d->line)
		snprintf(buf, size, "%s:%u: %s", file, d->line, m);
	else
		snprintf(buf, size, "%s: %s", file, m);
	return buf;
}

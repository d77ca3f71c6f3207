#include "config.h"

/* rd_sysctl.c - a /proc/sys/vm file holding one integer ("%d\n" / "%lu\n").
 *
 * Accepted: an optional sign, digits, an optional single '\n'. Nothing else
 * (no blanks, no second line, no '\r'). *out is written only on success.
 */

#include "readers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *rd_sysctl_found(const char *q, const char *e, char *buf, size_t size)
{
	if (q >= e)
		return "the end of the file";
	unsigned char ch = (unsigned char)*q;
	if (ch == '\n')
		return "the end of the line";
	if (ch == '\r')
		return "a carriage return (CRLF line endings are not accepted)";
	if (ch == ' ' || ch == '\t')
		return "a blank";
	if (ch < 0x20 || ch >= 0x7f)
		snprintf(buf, size, "byte 0x%02x", ch);
	else
		snprintf(buf, size, "'%c'", ch);
	return buf;
}

int rd_sysctl_parse(struct fs_setting *out, const char *file, const char *data,
		    size_t len, struct fs_diag *d)
{
	const char *p = data, *e = data + len, *num;
	char fb[48];
	bool neg = false;
	uint64_t v;
	int64_t value;
	int r;

	if (p < e && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
	}
	num = p;
	r = fs_parse_u64(&p, e, &v);
	if (r == -ERANGE || (r == 0 && v > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))) {
		fs_diag_set(d, file, 1, 1, "integer out of the 64-bit signed range");
		return -ERANGE;
	}
	if (r)
		return fs_diag_set(d, file, 1, (unsigned)(num - data) + 1,
				   "expected an integer (digits, optional sign), found %s",
				   rd_sysctl_found(num, e, fb, sizeof fb));
	if (neg)
		value = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		value = (int64_t)v;
	if (p < e && *p == '\n')
		p++;
	if (p < e) {
		const char *q = p;
		unsigned line = 1, col;
		if (q > data && q[-1] == '\n') {
			line = 2;
			col = 1;
		} else {
			col = (unsigned)(q - data) + 1;
		}
		return fs_diag_set(d, file, line, col,
				   "expected the end of the file after the integer, found %s",
				   rd_sysctl_found(q, e, fb, sizeof fb));
	}
	out->present = true;
	out->value = value;
	return 0;
}

static bool rd_choice_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '+' || ch == '_' ||
	       ch == '-';
}

int rd_choice_parse(struct fs_choice *out, const char *file, const char *data,
		    size_t len, struct fs_diag *d)
{
	struct fs_choice c = { 0 };
	const char *p = data, *e = data + len;
	char fb[48];
	bool chosen = false;

	if (p < e && e[-1] == '\n')
		e--;
	if (p == e)
		return fs_diag_set(d, file, 1, 1, "expected a list of options, found %s",
				   rd_sysctl_found(p, data + len, fb, sizeof fb));
	while (p < e) {
		bool br = *p == '[';
		if (br)
			p++;
		const char *w = p;
		while (p < e && rd_choice_char((unsigned char)*p))
			p++;
		if (p == w)
			return fs_diag_set(d, file, 1, (unsigned)(w - data) + 1,
					   "expected an option word ([a-z0-9+_-]), found %s",
					   rd_sysctl_found(w, data + len, fb, sizeof fb));
		if (p - w >= FS_NAME_MAX)
			return fs_diag_set(d, file, 1, (unsigned)(w - data) + 1,
					   "option word longer than %d bytes", FS_NAME_MAX - 1);
		if (c.noptions == FS_THP_MAX_OPTIONS)
			return fs_diag_set(d, file, 1, (unsigned)(w - data) + 1,
					   "more than %d options", FS_THP_MAX_OPTIONS);
		memcpy(c.options[c.noptions], w, (size_t)(p - w));
		if (br) {
			if (p >= e || *p != ']')
				return fs_diag_set(d, file, 1, (unsigned)(p - data) + 1,
						   "expected ']' after the chosen option, found %s",
						   rd_sysctl_found(p, data + len, fb, sizeof fb));
			if (chosen)
				return fs_diag_set(d, file, 1, (unsigned)(w - data),
						   "a second bracketed choice");
			chosen = true;
			memcpy(c.choice, w, (size_t)(p - w));
			p++;
		}
		c.noptions++;
		if (p < e) {
			if (*p != ' ' || p + 1 == e)
				return fs_diag_set(d, file, 1, (unsigned)(p - data) + 1,
						   "expected a single blank between options, found %s",
						   rd_sysctl_found(p, data + len, fb, sizeof fb));
			p++;
		}
	}
	if (!chosen)
		return fs_diag_set(d, file, 1, 1, "expected one option in [brackets] (the choice)");
	c.present = true;
	*out = c;
	return 0;
}

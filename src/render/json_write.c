/* json_write.c - the one caller of jansson's json_dumps(): every JSON text
 * fragstat writes is made here, with FS_JSON_DUMP_FLAGS and the 64-bit
 * markers rewritten as exact integers (fs_json_u64_fixup()). */
#include "config.h"

#include "json_write.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* The dumped form of a marker: a quote, jansson's escape of NUL, digits,
 * a quote. */
#define U64_MARK "\"\\u0000"
#define U64_MARK_LEN 7

size_t fs_json_u64_fixup(char *buf, size_t len)
{
	size_t w = 0;
	for (size_t i = 0; i < len;) {
		if (buf[i] == '"' && len - i > U64_MARK_LEN && memcmp(buf + i, U64_MARK, U64_MARK_LEN) == 0) {
			size_t d = i + U64_MARK_LEN, e = d;
			if (e < len && buf[e] == '-')
				e++;
			size_t digits = e;
			while (e < len && buf[e] >= '0' && buf[e] <= '9')
				e++;
			if (e > digits && e < len && buf[e] == '"') {
				memmove(buf + w, buf + d, e - d);
				w += e - d;
				i = e + 1;
				continue;
			}
		}
		buf[w++] = buf[i++];
	}
	if (w < len)
		buf[w] = '\0';
	return w;
}

char *fs_json_dumps(const json_t *doc, size_t flags, size_t *len)
{
	char *t = json_dumps(doc, flags | FS_JSON_DUMP_FLAGS);
	if (!t)
		return NULL;
	size_t n = fs_json_u64_fixup(t, strlen(t));
	if (len)
		*len = n;
	return t;
}

int fs_json_dumpf(const json_t *doc, FILE *out, size_t flags)
{
	size_t n;
	char *t = fs_json_dumps(doc, flags, &n);
	if (!t)
		return -1;
	size_t wr = fwrite(t, 1, n, out);
	free(t);
	return wr == n ? 0 : -1;
}

size_t fs_json_dumpb(const json_t *doc, char **buf, size_t *cap, size_t flags)
{
	flags |= FS_JSON_DUMP_FLAGS;
	size_t n = *cap ? json_dumpb(doc, *buf, *cap - 1, flags) : 0;
	if (n == 0 || n > *cap - 1) {
		/* longer than any text before: size the buffer, dump again */
		size_t need = json_dumpb(doc, NULL, 0, flags);
		size_t c = need + need / 4 + 1024;
		char *p = need ? realloc(*buf, c) : NULL;
		if (!p)
			return 0;
		*buf = p;
		*cap = c;
		n = json_dumpb(doc, *buf, *cap - 1, flags);
		if (n == 0 || n > *cap - 1)
			return 0;
	}
	return fs_json_u64_fixup(*buf, n);
}

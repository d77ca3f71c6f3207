#include "config.h"

#include "ev_decode.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>

#define EV_MAX_SYMS 64

struct ev_sym {
	char field[24];
	int64_t value;
	char name[32];
};

struct ev_kind_dec {
	struct tep_event *ev;
	struct tep_format_field *f[EV_NFIELDS];
	struct tep_format_field *pid;
	unsigned nsyms;
	struct ev_sym syms[EV_MAX_SYMS];
};

struct ev_decoder {
	struct tep_handle *tep;
	struct kbuffer *kbuf;
	int long_size;
	unsigned have;
	struct ev_kind_dec k[EV_NKINDS];
	struct tep_format_field *type_field;   /* common_type of any event (same for all) */
};

unsigned ev_decoder_have(const struct ev_decoder *dec) { return dec->have; }

int ev_decoder_id(const struct ev_decoder *dec, enum ev_kind k)
{
	return (dec->have & EV_BIT(k)) ? dec->k[k].ev->id : -1;
}

void ev_decoder_free(struct ev_decoder *dec)
{
	if (!dec)
		return;
	if (dec->kbuf)
		kbuffer_free(dec->kbuf);
	if (dec->tep)
		tep_free(dec->tep);
	free(dec);
}

static bool parse_i64(const char *s, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || end == s || *end)
		return false;
	*out = v;
	return true;
}

/* Collect the __print_symbolic tables of the print format (the kernel's
 * own value names: compaction status, migrate reason, zone index). */
static void collect_syms(struct ev_kind_dec *kd, struct tep_print_arg *a, int depth)
{
	for (; a && depth < 16; a = a->next) {
		switch (a->type) {
		case TEP_PRINT_SYMBOL: {
			struct tep_print_arg *fa = a->symbol.field;
			while (fa && fa->type == TEP_PRINT_TYPE)
				fa = fa->typecast.item;
			if (fa && fa->type == TEP_PRINT_FIELD && fa->field.name &&
			    strlen(fa->field.name) < sizeof kd->syms[0].field) {
				for (struct tep_print_flag_sym *s = a->symbol.symbols; s; s = s->next) {
					int64_t v;
					if (kd->nsyms >= EV_MAX_SYMS || !s->value || !s->str ||
					    !parse_i64(s->value, &v) || strlen(s->str) >= sizeof kd->syms[0].name)
						continue;
					struct ev_sym *y = &kd->syms[kd->nsyms++];
					strcpy(y->field, fa->field.name);
					y->value = v;
					strcpy(y->name, s->str);
				}
			}
			break;
		}
		case TEP_PRINT_OP:
			collect_syms(kd, a->op.left, depth + 1);
			collect_syms(kd, a->op.right, depth + 1);
			break;
		case TEP_PRINT_TYPE:
			collect_syms(kd, a->typecast.item, depth + 1);
			break;
		default:
			break;
		}
	}
}

const char *ev_decoder_symbol(const struct ev_decoder *dec, enum ev_kind k, const char *field,
			      int64_t value)
{
	if (!(dec->have & EV_BIT(k)))
		return NULL;
	const struct ev_kind_dec *kd = &dec->k[k];
	for (unsigned i = 0; i < kd->nsyms; i++)
		if (kd->syms[i].value == value && strcmp(kd->syms[i].field, field) == 0)
			return kd->syms[i].name;
	return NULL;
}

static struct tep_format_field *find_field(struct tep_event *ev, const char *names)
{
	char buf[64];
	const char *p = names;
	while (*p) {
		size_t n = strcspn(p, "|");
		if (n < sizeof buf) {
			memcpy(buf, p, n);
			buf[n] = 0;
			struct tep_format_field *f = tep_find_field(ev, buf);
			if (f)
				return f;
		}
		p += n;
		if (*p == '|')
			p++;
	}
	return NULL;
}

static bool numeric_field(const struct tep_format_field *f)
{
	return f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8;
}

/* libtraceevent 1.7.1 crashes on a print fmt that names a field the
 * format does not declare (seen with REC->status inside __print_symbolic):
 * check every REC->NAME against the "field:TYPE NAME;" lines first. */
static int check_rec_fields(const char *path, const char *text, struct fs_diag *d)
{
	const char *pf = strstr(text, "\nprint fmt:");
	if (!pf)
		return fs_diag_set(d, path, 0, 0, "expected a \"print fmt:\" line");
	for (const char *p = pf; (p = strstr(p, "REC->")); ) {
		char name[64];
		size_t n = 0;
		p += 5;
		while (n < sizeof name - 1 && (p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') ||
					     (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9')))
			n++;
		memcpy(name, p, n);
		name[n] = 0;
		bool found = false;
		for (const char *f = text; f < pf && (f = strstr(f, "field:")) && f < pf; f += 6) {
			const char *semi = strchr(f, ';');
			if (!semi || semi > pf)
				break;
			const char *e = semi;
			if (e > f && e[-1] == ']')   /* "char comm[16]" */
				while (e > f && *e != '[')
					e--;
			const char *b = e;
			while (b > f && b[-1] != ' ' && b[-1] != '\t' && b[-1] != ':')
				b--;
			if ((size_t)(e - b) == n && n && memcmp(b, name, n) == 0) {
				found = true;
				break;
			}
		}
		if (!found)
			return fs_diag_set(d, path, 0, 0, "expected the print fmt to use declared fields, found REC->%s",
					   name);
		p += n;
	}
	return 0;
}

int ev_decoder_open(const char *events_dir, unsigned want, struct ev_decoder **out,
		    struct fs_diag *d)
{
	char path[4096];
	struct fs_buf b = { 0 };
	int rc;

	*out = NULL;
	struct ev_decoder *dec = calloc(1, sizeof *dec);
	if (!dec)
		return -ENOMEM;
	dec->tep = tep_alloc();
	if (!dec->tep) {
		free(dec);
		return -ENOMEM;
	}
	snprintf(path, sizeof path, "%s/header_page", events_dir);
	rc = fs_file_read(path, &b);
	if (rc) {
		fs_diag_set(d, path, 0, 0, "%s", strerror(-rc));
		ev_decoder_free(dec);
		return rc;
	}
	/* The commit field's size is the kernel's long size. */
	dec->long_size = strstr(b.data, "local_t commit;\toffset:8;\tsize:4;") ? 4 : 8;
	if (!strstr(b.data, "field: u64 timestamp;") || !strstr(b.data, "local_t commit;") ||
	    tep_parse_header_page(dec->tep, b.data, b.len, dec->long_size) != 0) {
		fs_buf_free(&b);
		fs_diag_set(d, path, 0, 0, "expected the ring buffer's header_page format");
		ev_decoder_free(dec);
		return -EINVAL;
	}
	fs_buf_free(&b);
	tep_set_long_size(dec->tep, dec->long_size);
	dec->kbuf = kbuffer_alloc(dec->long_size == 4 ? KBUFFER_LSIZE_4 : KBUFFER_LSIZE_8,
				  KBUFFER_ENDIAN_LITTLE);
	if (!dec->kbuf) {
		ev_decoder_free(dec);
		return -ENOMEM;
	}

	for (int k = 0; k < EV_NKINDS; k++) {
		if (!(want & EV_BIT(k)))
			continue;
		snprintf(path, sizeof path, "%s/%s/%s/format", events_dir, ev_kind_system(k), ev_kind_name(k));
		rc = fs_file_read(path, &b);
		if (rc == -ENOENT)
			continue;   /* this kernel does not have it */
		if (rc) {
			fs_diag_set(d, path, 0, 0, "%s", strerror(-rc));
			ev_decoder_free(dec);
			return rc;
		}
		if (strlen(b.data) != b.len || check_rec_fields(path, b.data, d)) {
			if (strlen(b.data) != b.len)
				fs_diag_set(d, path, 0, 0, "expected text without NUL bytes");
			fs_buf_free(&b);
			ev_decoder_free(dec);
			return -EINVAL;
		}
		enum tep_errno te = tep_parse_event(dec->tep, b.data, b.len, ev_kind_system(k));
		fs_buf_free(&b);
		struct tep_event *ev = te == 0 ? tep_find_event_by_name(dec->tep, ev_kind_system(k),
									ev_kind_name(k)) : NULL;
		if (!ev) {
			fs_diag_set(d, path, 0, 0, "expected a tracepoint format (libtraceevent error %d)", (int)te);
			ev_decoder_free(dec);
			return -EINVAL;
		}
		struct ev_kind_dec *kd = &dec->k[k];
		kd->ev = ev;
		const char *const *names = ev_kind_fields(k);
		for (unsigned i = 0; names[i]; i++) {
			struct tep_format_field *f = find_field(ev, names[i]);
			if (f && !numeric_field(f)) {
				fs_diag_set(d, path, 0, 0, "expected field '%s' to be a number of 1, 2, 4 or 8 bytes",
					    names[i]);
				ev_decoder_free(dec);
				return -EINVAL;
			}
			if (!f && i < ev_kind_required(k)) {
				fs_diag_set(d, path, 0, 0, "expected a field named '%s'", names[i]);
				ev_decoder_free(dec);
				return -EINVAL;
			}
			kd->f[i] = f;
		}
		kd->pid = tep_find_common_field(ev, "common_pid");
		struct tep_format_field *tf = tep_find_common_field(ev, "common_type");
		if (!kd->pid || !tf || !numeric_field(kd->pid) || !numeric_field(tf) || tf->offset != 0) {
			fs_diag_set(d, path, 0, 0, "expected common_type at offset 0 and common_pid");
			ev_decoder_free(dec);
			return -EINVAL;
		}
		dec->type_field = tf;
		collect_syms(kd, ev->print_fmt.args, 0);
		dec->have |= EV_BIT(k);
	}
	*out = dec;
	return 0;
}

static int64_t read_field(const struct tep_format_field *f, const unsigned char *data)
{
	uint64_t v = 0;
	switch (f->size) {
	case 1: { uint8_t x; memcpy(&x, data + f->offset, 1); v = x;
		return (f->flags & TEP_FIELD_IS_SIGNED) ? (int8_t)x : (int64_t)v; }
	case 2: { uint16_t x; memcpy(&x, data + f->offset, 2); v = x;
		return (f->flags & TEP_FIELD_IS_SIGNED) ? (int16_t)x : (int64_t)v; }
	case 4: { uint32_t x; memcpy(&x, data + f->offset, 4); v = x;
		return (f->flags & TEP_FIELD_IS_SIGNED) ? (int32_t)x : (int64_t)v; }
	default: memcpy(&v, data + f->offset, 8); return (int64_t)v;
	}
}

static bool field_fits(const struct tep_format_field *f, int size)
{
	return f->offset >= 0 && f->size > 0 && f->offset <= size && f->size <= size - f->offset;
}

int ev_decode_subbuf(struct ev_decoder *dec, const void *buf, size_t len, int cpu, ev_sink sink,
		     void *ctx, struct ev_decode_stats *st, struct fs_diag *d)
{
	/* Sub-buffer header (kernel/trace/ring_buffer.c struct buffer_data_page):
	 * u64 time_stamp, local_t commit (flags in bits 30/31 since
	 * ring_buffer_read_page sets RB_MISSED_EVENTS/RB_MISSED_STORED), then
	 * the data; a stored missed count follows the data. kbuffer trusts
	 * commit, so it is checked against len first. */
	size_t hdr = 8 + (size_t)dec->long_size;
	uint64_t commit = 0;
	if (len < hdr)
		return fs_diag_set(d, NULL, 0, 0, "expected a sub-buffer of at least %zu bytes, found %zu", hdr, len);
	memcpy(&commit, (const char *)buf + 8, (size_t)dec->long_size);
	uint64_t flags = commit & (UINT64_C(3) << 30);
	uint64_t size = commit & ((UINT64_C(1) << 27) - 1);
	if ((commit & ~(flags | ((UINT64_C(1) << 27) - 1))) != 0 && dec->long_size == 8)
		return fs_diag_set(d, NULL, 0, 0, "expected a commit word, found 0x%llx", (unsigned long long)commit);
	if (size > len - hdr || ((flags & (UINT64_C(1) << 30)) && len - hdr - size < (size_t)dec->long_size))
		return fs_diag_set(d, NULL, 0, 0, "expected %llu bytes of events in a sub-buffer of %zu",
				   (unsigned long long)size, len);
	if (size == 0)
		return 0;
	st->subbufs++;
	/* kbuffer_load_subbuffer takes a non-const pointer but only reads. */
	void *page = (void *)(uintptr_t)buf;
	if (kbuffer_load_subbuffer(dec->kbuf, page) < 0)
		return fs_diag_set(d, NULL, 0, 0, "expected a ring-buffer sub-buffer");
	int missed = kbuffer_missed_events(dec->kbuf);
	if (missed > 0)
		st->missed_known += (uint64_t)missed;
	else if (missed < 0)
		st->missed_unknown++;

	const unsigned char *base = buf;
	unsigned long long ts;
	unsigned guard = 0;
	for (void *p = kbuffer_read_event(dec->kbuf, &ts); p; p = kbuffer_next_event(dec->kbuf, &ts)) {
		if (++guard > len)   /* every record takes at least 4 bytes */
			return fs_diag_set(d, NULL, 0, 0, "expected the sub-buffer's records to end");
		const unsigned char *data = p;
		int esize = kbuffer_event_size(dec->kbuf);
		if (data < base + hdr || esize < 0 || (size_t)(data - base) > hdr + size ||
		    (size_t)esize > hdr + size - (size_t)(data - base))
			return fs_diag_set(d, NULL, 0, 0, "expected records inside the sub-buffer");
		if (!dec->type_field || !field_fits(dec->type_field, esize)) {
			st->short_records++;
			continue;
		}
		int type = (int)read_field(dec->type_field, data);
		int k;
		for (k = 0; k < EV_NKINDS; k++)
			if ((dec->have & EV_BIT(k)) && dec->k[k].ev->id == type)
				break;
		if (k == EV_NKINDS) {
			st->other++;
			continue;
		}
		const struct ev_kind_dec *kd = &dec->k[k];
		struct ev_rec r = { .ts = ts, .kind = (uint16_t)k, .cpu = (uint16_t)cpu };
		bool ok = field_fits(kd->pid, esize);
		for (unsigned i = 0; ok && i < EV_NFIELDS; i++)
			if (kd->f[i])
				ok = field_fits(kd->f[i], esize);
		if (!ok) {
			st->short_records++;
			continue;
		}
		r.pid = (int32_t)read_field(kd->pid, data);
		for (unsigned i = 0; i < EV_NFIELDS; i++)
			if (kd->f[i])
				r.f[i] = read_field(kd->f[i], data);
		st->records++;
		int s = sink(&r, ctx);
		if (s)
			return s;
	}
	return 0;
}

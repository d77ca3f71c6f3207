#include "config.h"

#include "collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kvocab.h"
#include "rd_kpage.h"
#include "readers.h"

void fs_clock_now(int64_t *sec, int32_t *nsec)
{
	const char *fake = getenv("FRAGSTAT_FAKE_TIME");
	if (fake && *fake) {
		char *end;
		long long v = strtoll(fake, &end, 10);
		if (!*end && v >= 0 && v <= FS_TIME_MAX) {
			*sec = v;
			*nsec = 0;
			return;
		}
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	*sec = ts.tv_sec;
	*nsec = (int32_t)ts.tv_nsec;
}

/* Copy a diagnostic whose file may point into its own storage. */
static void diag_copy(struct fs_diag *dst, const struct fs_diag *src)
{
	*dst = *src;
	if (src->file == src->file_store)
		dst->file = dst->file_store;
}

static int parse_src(struct fs_snapshot *s, enum fs_src src, const char *path,
		     const struct fs_buf *b, struct fs_collect_result *res, struct fs_diag *d)
{
	const char *data = b->data;
	size_t len = b->len;
	switch (src) {
	case FS_SRC_BUDDYINFO: return rd_buddyinfo_parse(s, path, data, len, d);
	case FS_SRC_PAGETYPEINFO: return rd_pagetypeinfo_parse(s, path, data, len, d);
	case FS_SRC_ZONEINFO: return rd_zoneinfo_parse(s, path, data, len, d);
	case FS_SRC_VMSTAT: return rd_vmstat_parse(s, path, data, len, d);
	case FS_SRC_MEMINFO: return rd_meminfo_parse(s, path, data, len, d);
	case FS_SRC_EXTFRAG_INDEX:
	case FS_SRC_UNUSABLE_INDEX: {
		int nf = 1;
		int r = rd_extfrag_parse(s, src, path, data, len, &nf, d);
		if (!r && src == FS_SRC_EXTFRAG_INDEX)
			res->extfrag_new_format = nf;
		return r;
	}
	case FS_SRC_EXTFRAG_THRESHOLD: return rd_sysctl_parse(&s->extfrag_threshold, path, data, len, d);
	case FS_SRC_COMPACTION_PROACTIVENESS:
		return rd_sysctl_parse(&s->compaction_proactiveness, path, data, len, d);
	case FS_SRC_WATERMARK_SCALE_FACTOR:
		return rd_sysctl_parse(&s->watermark_scale_factor, path, data, len, d);
	case FS_SRC_MIN_FREE_KBYTES: return rd_sysctl_parse(&s->min_free_kbytes, path, data, len, d);
	case FS_SRC_THP_ENABLED: return rd_choice_parse(&s->thp_enabled, path, data, len, d);
	case FS_SRC_THP_DEFRAG: return rd_choice_parse(&s->thp_defrag, path, data, len, d);
	case FS_SRC_DEFRAG_MODE: return rd_sysctl_parse(&s->defrag_mode, path, data, len, d);
	case FS_SRC_ZONE_RECLAIM_MODE: return rd_sysctl_parse(&s->zone_reclaim_mode, path, data, len, d);
	case FS_SRC_WATERMARK_BOOST_FACTOR:
		return rd_sysctl_parse(&s->watermark_boost_factor, path, data, len, d);
	case FS_SRC_COMPACT_UNEVICTABLE_ALLOWED:
		return rd_sysctl_parse(&s->compact_unevictable_allowed, path, data, len, d);
	case FS_SRC_NR_HUGEPAGES: return rd_sysctl_parse(&s->nr_hugepages, path, data, len, d);
	case FS_SRC_COUNT: break;
	}
	return -EINVAL;
}

/* A parse failure of an optional file when not strict: the caller starts
 * over without that file (a parser may leave part of a file behind). */
#define COLLECT_RETRY 1

/* Read one file below o->root. A read failure is recorded (fatal for
 * buddyinfo, a refused path or an oversized file). */
static int read_file(const struct fs_collect_opts *o, enum fs_src src, struct fs_buf *b,
		     struct fs_diag *d)
{
	struct fs_diag rd = { 0 };
	int r = fs_read_beneath(o->root, fs_src_relpath(src), b, &rd);
	if (r && (src == FS_SRC_BUDDYINFO || r == -EFBIG || r == -ENOMEM || fs_read_refused(r))) {
		if (d)
			*d = rd, d->file = d->file ? d->file_store : NULL;
		return r == -EFBIG ? -EINVAL : r;
	}
	return r > 0 ? -EIO : r;
}

/* Parse b as src; a failure of an optional file without o->strict keeps
 * the diagnostic in res and returns COLLECT_RETRY. */
static int parse_checked(struct fs_snapshot *s, const struct fs_collect_opts *o, enum fs_src src,
			 const struct fs_buf *b, struct fs_collect_result *res, struct fs_diag *d)
{
	struct fs_diag pd = { 0 };
	if ((unsigned)src >= FS_SRC_COUNT)
		return -EINVAL;
	int r = parse_src(s, src, res->paths[src], b, res, &pd);
	if (!r)
		return 0;
	s->src[src] = FS_ST_MALFORMED;
	res->err[src] = r;
	if (r == -ENOMEM)
		return r;
	if (src == FS_SRC_BUDDYINFO || o->strict) {
		if (d)
			*d = pd, d->file = d->file ? d->file_store : NULL;
		return r;
	}
	res->warn[src] = pd;
	res->warn[src].file = pd.file ? res->warn[src].file_store : NULL;
	res->malformed |= FS_SRC_BIT(src);
	return COLLECT_RETRY;
}

/* Read and parse one file. */
static int read_src(struct fs_snapshot *s, const struct fs_collect_opts *o, enum fs_src src,
		    struct fs_collect_result *res, struct fs_diag *d)
{
	struct fs_buf b;
	int r = read_file(o, src, &b, d);
	res->err[src] = r;
	s->src[src] = fs_src_status_of(r);
	if (r) {
		if (src == FS_SRC_BUDDYINFO || r == -EINVAL || r == -ENOMEM || fs_read_refused(r))
			return r;
		return 0;
	}
	r = parse_checked(s, o, src, &b, res, d);
	fs_buf_free(&b);
	return r;
}

/* The release as the kernel prints it (utsname.release: at most 64 bytes,
 * printable, no blanks); anything else is not a release and is ignored. */
static char *release_token(const char *p, size_t len)
{
	size_t n = 0;
	while (n < len && (unsigned char)p[n] > 0x20 && (unsigned char)p[n] < 0x7f)
		n++;
	if (n == 0 || n > 64 || (n < len && p[n] != '\n' && p[n] != ' '))
		return NULL;
	return strndup(p, n);
}

/* s->kernel from uname (live) or the tree's osrelease (else proc/version).
 * A missing or unreadable file leaves it unknown; a refused path is an error. */
static int read_kernel_release(struct fs_snapshot *s, const char *root, struct fs_diag *d)
{
	if (!root) {
		struct utsname u;
		if (uname(&u) == 0)
			s->kernel = strdup(u.release);
		return 0;
	}
	struct fs_buf b;
	int r = fs_read_beneath(root, "proc/sys/kernel/osrelease", &b, d);
	if (r == 0) {
		s->kernel = release_token(b.data, b.len);
		fs_buf_free(&b);
		if (s->kernel)
			return 0;
	} else if (fs_read_refused(r) || r == -EFBIG) {
		return r == -EFBIG ? -EINVAL : r;
	}
	r = fs_read_beneath(root, "proc/version", &b, d);
	if (r == 0) {
		if (b.len > 14 && strncmp(b.data, "Linux version ", 14) == 0)
			s->kernel = release_token(b.data + 14, b.len - 14);
		fs_buf_free(&b);
	} else if (fs_read_refused(r) || r == -EFBIG) {
		return r == -EFBIG ? -EINVAL : r;
	}
	memset(d, 0, sizeof *d);
	return 0;
}

/* Digits only, no sign, no overflow: p[0..n). */
static bool note_u64(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9' || v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return true;
}

void fs_capture_note_parse(const char *data, size_t len, struct fs_capture_note *n)
{
	memset(n, 0, sizeof *n);
	n->present = true;
	size_t pos = 0;
	while (pos < len) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		pos += ll + (nl != NULL);
		uint64_t v;
		if (ll > 14 && memcmp(line, "timestamp_ns: ", 14) == 0 && note_u64(line + 14, ll - 14, &v) &&
		    v / 1000000000ULL <= (uint64_t)FS_TIME_MAX) {
			n->has_time = true;
			n->time_sec = (int64_t)(v / 1000000000ULL);
			n->time_nsec = (int32_t)(v % 1000000000ULL);
		} else if (ll > 11 && memcmp(line, "page_size: ", 11) == 0 && note_u64(line + 11, ll - 11, &v) &&
			   v >= 512 && v <= (1u << 24) && (v & (v - 1)) == 0) {
			n->page_size = v;
		}
	}
}

int fs_capture_note_read(const char *dir, struct fs_capture_note *n)
{
	struct fs_buf b;
	memset(n, 0, sizeof *n);
	/* Beneath the tree like every file of it (no link out, no FIFO). */
	if (!dir || fs_read_beneath(dir, FS_CAPTURE_NOTE, &b, NULL))
		return 0;
	fs_capture_note_parse(b.data, b.len, n);
	fs_buf_free(&b);
	return 0;
}

/* A captured tree does not say its page size; MemTotal (kB) over the sum of
 * managed pages does, when both are there: si_meminfo() reports
 * totalram_pages() << (PAGE_SHIFT - 10), and adjust_managed_page_count()
 * moves totalram_pages and zone->managed_pages together (mm/page_alloc.c). */
static void infer_page_size(struct fs_snapshot *s)
{
	uint64_t memtotal, managed = 0;
	if (!fs_mi_get(s, FS_MI_MEM_TOTAL, &memtotal))
		return;
	for (size_t i = 0; i < s->nnodes; i++)
		for (unsigned z = 0; z < s->nodes[i].nzones; z++)
			if (s->nodes[i].zones[z].zi_have & FS_ZI_MANAGED)
				managed += s->nodes[i].zones[z].managed;
	if (!managed || memtotal > UINT64_MAX / 1024)
		return;
	uint64_t bytes = memtotal * 1024;
	if (bytes % managed)
		return;
	uint64_t ps = bytes / managed;
	if (ps >= 4096 && ps <= (1u << 20) && (ps & (ps - 1)) == 0) {
		s->page_size = ps;
		s->page_size_assumed = false;
		s->page_size_from = FS_PS_MEMINFO;
	}
}

void fs_stable_read_free(struct fs_stable_read *sr)
{
	fs_buf_free(&sr->buddy);
	fs_buf_free(&sr->extfrag);
	fs_buf_free(&sr->unusable);
}

/* A debugfs read error that ends the check (not merely "unreadable"). */
static bool stable_fatal(int r)
{
	return r == -EFBIG || r == -ENOMEM || r == -EINVAL || fs_read_refused(r);
}

int fs_read_buddyinfo_stable(const char *root, unsigned tries, struct fs_stable_read *out,
			     struct fs_diag *d)
{
	memset(out, 0, sizeof *out);
	for (unsigned attempt = 1; attempt <= tries; attempt++) {
		struct fs_buf after = { 0 };
		struct fs_diag ed = { 0 };
		fs_stable_read_free(out);
		out->attempts = attempt;
		out->err_extfrag = out->err_unusable = 0;
		out->err_buddy = fs_read_beneath(root, fs_src_relpath(FS_SRC_BUDDYINFO), &out->buddy, d);
		if (out->err_buddy)
			return out->err_buddy;
		out->err_extfrag = fs_read_beneath(root, fs_src_relpath(FS_SRC_EXTFRAG_INDEX),
						   &out->extfrag, &ed);
		if (!stable_fatal(out->err_extfrag))
			out->err_unusable = fs_read_beneath(root, fs_src_relpath(FS_SRC_UNUSABLE_INDEX),
							    &out->unusable, &ed);
		if (stable_fatal(out->err_extfrag) || stable_fatal(out->err_unusable)) {
			if (d)
				*d = ed, d->file = d->file ? d->file_store : NULL;
			return stable_fatal(out->err_extfrag) ? out->err_extfrag : out->err_unusable;
		}
		if (out->err_extfrag && out->err_unusable) {
			out->stable = false;   /* nothing to agree with */
			return 0;
		}
		int r = fs_read_beneath(root, fs_src_relpath(FS_SRC_BUDDYINFO), &after, NULL);
		out->stable = r == 0 && after.len == out->buddy.len &&
			      memcmp(after.data, out->buddy.data, after.len) == 0;
		fs_buf_free(&after);
		if (out->stable)
			return 0;
	}
	return 0;
}

/* Make s what fs_snapshot_new() returns again. */
static int snapshot_reset(struct fs_snapshot *s)
{
	struct fs_snapshot *n = fs_snapshot_new();
	if (!n)
		return -ENOMEM;
	fs_snapshot_clear_nodes(s);
	fs_kv_free(&s->vmstat);
	fs_kv_free(&s->meminfo);
	free(s->path);
	free(s->kernel);
	*s = *n;
	free(n);
	return 0;
}

static int collect_once(struct fs_snapshot *s, const struct fs_collect_opts *o, unsigned mask,
			struct fs_collect_result *res, struct fs_diag *d)
{
	int r;

	res->extfrag_new_format = -1;
	s->kind = o->root ? FS_KIND_ROOT : FS_KIND_LIVE;
	if (o->root && !(s->path = strdup(o->root)))
		return -ENOMEM;
	for (int i = 0; i < FS_SRC_COUNT; i++)
		if (!fs_path_join(res->paths[i], sizeof res->paths[i], o->root, fs_src_relpath(i))) {
			fs_diag_set(d, o->root, 0, 0, "path too long");
			return -ENAMETOOLONG;
		}
	/* A tree has the time it was taken only when a fragstat capture's
	 * note records it; the time of reading a tree is not its time. */
	struct fs_capture_note note = { 0 };
	if (o->root)
		fs_capture_note_read(o->root, &note);
	else
		fs_clock_now(&s->time_sec, &s->time_nsec);
	s->time_known = !o->root || note.has_time;
	if (note.has_time) {
		s->time_sec = note.time_sec;
		s->time_nsec = note.time_nsec;
	}
	r = read_kernel_release(s, o->root, d);
	if (r)
		return r;
	if (!o->root) {
		long ps = sysconf(_SC_PAGESIZE);
		if (ps > 0) {
			s->page_size = (uint64_t)ps;
			s->page_size_assumed = false;
			s->page_size_from = FS_PS_LIVE;
		}
	} else if (note.page_size) {
		s->page_size = note.page_size;
		s->page_size_assumed = false;
		s->page_size_from = FS_PS_CAPTURE;
	}

	bool want_dbg = (mask & FS_SRC_DEBUGFS) != 0;
	if (want_dbg && o->kernel_check) {
		/* Read buddyinfo before and after the debugfs files until the two
		 * reads agree, so the kernel's indices describe our buddyinfo. */
		struct fs_stable_read sr;
		fs_snapshot_clear_nodes(s);
		s->orders = 0;
		r = fs_read_buddyinfo_stable(o->root, 20, &sr, d);
		res->check_attempts = sr.attempts;
		if (r) {
			if (sr.err_buddy) {
				res->err[FS_SRC_BUDDYINFO] = r;
				s->src[FS_SRC_BUDDYINFO] = fs_src_status_of(r);
			}
			fs_stable_read_free(&sr);
			return r == -EFBIG ? -EINVAL : r;
		}
		res->check_stable = sr.stable;
		s->kcheck_attempts = sr.attempts;
		s->kcheck_stable = sr.stable;
		res->err[FS_SRC_BUDDYINFO] = 0;
		s->src[FS_SRC_BUDDYINFO] = FS_ST_OK;
		r = parse_checked(s, o, FS_SRC_BUDDYINFO, &sr.buddy, res, d);
		if (r) {
			fs_stable_read_free(&sr);
			return r;
		}
		const enum fs_src which[2] = { FS_SRC_EXTFRAG_INDEX, FS_SRC_UNUSABLE_INDEX };
		struct fs_buf *bufs[2] = { &sr.extfrag, &sr.unusable };
		int errs[2] = { sr.err_extfrag, sr.err_unusable };
		for (int i = 0; i < 2; i++) {
			res->err[which[i]] = errs[i];
			s->src[which[i]] = fs_src_status_of(errs[i]);
			if (!errs[i] && (mask & FS_SRC_BIT(which[i]))) {
				r = parse_checked(s, o, which[i], bufs[i], res, d);
				if (r) {
					fs_stable_read_free(&sr);
					return r;
				}
			}
		}
		fs_stable_read_free(&sr);
	} else {
		/* Without buddyinfo, pagetypeinfo's free lists summed over the
		 * migratetypes are the same per-order counts (the kernel prints
		 * buddyinfo as free_area[o].nr_free, the sum of the per-type
		 * lists pagetypeinfo walks: mm/vmstat.c frag_show_print and
		 * pagetypeinfo_showfree_print), exact except where a list is
		 * capped at ">100000". */
		bool fallback = (mask & FS_SRC_BIT(FS_SRC_PAGETYPEINFO)) && o->root &&
				!o->require_buddyinfo;
		struct fs_diag bd = { 0 };
		r = read_src(s, o, FS_SRC_BUDDYINFO, res, &bd);
		if (r == -ENOENT && fallback) {
			struct fs_diag pd = { 0 };
			int pr = read_src(s, o, FS_SRC_PAGETYPEINFO, res, &pd);
			if (pr) {
				diag_copy(d, &pd);
				return pr;
			}
			if (s->src[FS_SRC_PAGETYPEINFO] != FS_ST_OK || s->nnodes == 0) {
				fs_diag_set(d, res->paths[FS_SRC_BUDDYINFO], 0, 0,
					    "%s (and no pagetypeinfo free lists to sum instead)",
					    strerror(ENOENT));
				return -ENOENT;
			}
			if ((r = fs_snapshot_free_from_types(s))) {
				fs_diag_set(d, res->paths[FS_SRC_PAGETYPEINFO], 0, 0,
					    "free lists too large to sum in 64 bits");
				return -EINVAL;
			}
			mask &= ~FS_SRC_BIT(FS_SRC_PAGETYPEINFO);   /* read already */
		} else if (r) {
			diag_copy(d, &bd);
			return r;
		}
	}

	bool procps_done = false;
	if (!o->root && o->use_procps &&
	    (mask & (FS_SRC_BIT(FS_SRC_VMSTAT) | FS_SRC_BIT(FS_SRC_MEMINFO)))) {
		r = fs_procps_read(s, mask);
		if (r == 0) {
			procps_done = true;
			if (mask & FS_SRC_BIT(FS_SRC_VMSTAT))
				s->src[FS_SRC_VMSTAT] = FS_ST_OK;
			if (mask & FS_SRC_BIT(FS_SRC_MEMINFO))
				s->src[FS_SRC_MEMINFO] = FS_ST_OK;
		}
	}

	for (int src = 0; src < FS_SRC_COUNT; src++) {
		if (src == FS_SRC_BUDDYINFO || !(mask & FS_SRC_BIT(src)))
			continue;
		if (want_dbg && o->kernel_check &&
		    (src == FS_SRC_EXTFRAG_INDEX || src == FS_SRC_UNUSABLE_INDEX))
			continue;
		if (procps_done && (src == FS_SRC_VMSTAT || src == FS_SRC_MEMINFO))
			continue;
		r = read_src(s, o, src, res, d);
		if (r)
			return r;
	}
	if (o->root && s->page_size_from == FS_PS_ASSUMED)
		infer_page_size(s);
	if (o->pages)
		return rd_kpage_collect(s, o->root, d);
	return 0;
}

int fs_collect(struct fs_snapshot *s, const struct fs_collect_opts *o,
	       struct fs_collect_result *res, struct fs_diag *d)
{
	unsigned mask = o->mask | FS_SRC_BIT(FS_SRC_BUDDYINFO);

	memset(res, 0, sizeof *res);
	/* A malformed optional file is left out whole: start over without it
	 * (at most once per file), so nothing of it stays in the snapshot. */
	for (;;) {
		int r = collect_once(s, o, mask & ~res->malformed, res, d);
		if (r == 0) {
			for (int i = 0; i < FS_SRC_COUNT; i++)
				if (res->malformed & FS_SRC_BIT(i)) {
					s->src[i] = FS_ST_MALFORMED;
					res->err[i] = -EINVAL;
				}
			return 0;
		}
		if (r != COLLECT_RETRY)
			return r;
		unsigned bad = res->malformed;
		struct fs_diag *warn = malloc(sizeof res->warn);
		if (!warn)
			return -ENOMEM;
		memcpy(warn, res->warn, sizeof res->warn);
		r = snapshot_reset(s);
		memset(res, 0, sizeof *res);
		res->malformed = bad;
		memcpy(res->warn, warn, sizeof res->warn);
		free(warn);
		if (r)
			return r;
		for (int i = 0; i < FS_SRC_COUNT; i++)
			if (res->warn[i].file)
				res->warn[i].file = res->warn[i].file_store;
	}
}

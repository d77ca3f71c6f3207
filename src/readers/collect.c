#include "config.h"

#include "collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

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

static enum fs_src_status status_of(int err)
{
	switch (err) {
	case 0: return FS_ST_OK;
	case -ENOENT: case -ENOTDIR: return FS_ST_MISSING;
	case -EACCES: case -EPERM: return FS_ST_DENIED;
	case -EINVAL: case -ERANGE: return FS_ST_MALFORMED;
	default: return FS_ST_ERROR;
	}
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

/* Read one file; a read failure is recorded (fatal only for buddyinfo or an
 * oversized file), a parse failure is fatal. */
static int read_src(struct fs_snapshot *s, enum fs_src src, struct fs_collect_result *res,
		    struct fs_buf *keep, struct fs_diag *d)
{
	struct fs_buf b;
	const char *path = res->paths[src];
	int r = fs_file_read(path, &b);
	res->err[src] = r;
	s->src[src] = status_of(r);
	if (r) {
		if (src == FS_SRC_BUDDYINFO || r == -EFBIG || r == -ENOMEM) {
			if (r == -EFBIG)
				fs_diag_set(d, path, 0, 0, "file larger than %u MiB; not a kernel file",
					    FS_FILE_MAX >> 20);
			else
				fs_diag_set(d, path, 0, 0, "%s", strerror(-r));
			return r == -EFBIG ? -EINVAL : r;
		}
		return 0;
	}
	r = parse_src(s, src, path, &b, res, d);
	if (r) {
		s->src[src] = FS_ST_MALFORMED;
		res->err[src] = r;
		fs_buf_free(&b);
		return r;
	}
	if (keep)
		*keep = b;
	else
		fs_buf_free(&b);
	return 0;
}

static void read_kernel_release(struct fs_snapshot *s, const char *root)
{
	if (!root) {
		struct utsname u;
		if (uname(&u) == 0)
			s->kernel = strdup(u.release);
		return;
	}
	char path[4096];
	struct fs_buf b;
	if (fs_path_join(path, sizeof path, root, "proc/sys/kernel/osrelease") &&
	    fs_file_read(path, &b) == 0) {
		size_t n = strcspn(b.data, " \t\r\n");
		if (n > 0 && n < 128)
			s->kernel = strndup(b.data, n);
		fs_buf_free(&b);
		if (s->kernel)
			return;
	}
	if (fs_path_join(path, sizeof path, root, "proc/version") && fs_file_read(path, &b) == 0) {
		if (strncmp(b.data, "Linux version ", 14) == 0) {
			size_t n = strcspn(b.data + 14, " \t\r\n");
			if (n > 0 && n < 128)
				s->kernel = strndup(b.data + 14, n);
		}
		fs_buf_free(&b);
	}
}

/* A captured tree does not say its page size; MemTotal (kB) over the sum of
 * managed pages does, when both are there (totalram_pages is that sum). */
static void infer_page_size(struct fs_snapshot *s)
{
	uint64_t memtotal, managed = 0;
	if (!fs_kv_get(&s->meminfo, "MemTotal", &memtotal))
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
	}
}

int fs_collect(struct fs_snapshot *s, const struct fs_collect_opts *o,
	       struct fs_collect_result *res, struct fs_diag *d)
{
	unsigned mask = o->mask | FS_SRC_BIT(FS_SRC_BUDDYINFO);
	int r;

	memset(res, 0, sizeof *res);
	res->extfrag_new_format = -1;
	s->kind = o->root ? FS_KIND_ROOT : FS_KIND_LIVE;
	if (o->root && !(s->path = strdup(o->root)))
		return -ENOMEM;
	for (int i = 0; i < FS_SRC_COUNT; i++)
		if (!fs_path_join(res->paths[i], sizeof res->paths[i], o->root, fs_src_relpath(i))) {
			fs_diag_set(d, o->root, 0, 0, "path too long");
			return -ENAMETOOLONG;
		}
	fs_clock_now(&s->time_sec, &s->time_nsec);
	read_kernel_release(s, o->root);
	if (!o->root) {
		long ps = sysconf(_SC_PAGESIZE);
		if (ps > 0) {
			s->page_size = (uint64_t)ps;
			s->page_size_assumed = false;
		}
	}

	bool want_dbg = (mask & FS_SRC_DEBUGFS) != 0;
	if (want_dbg && o->kernel_check) {
		/* Read buddyinfo before and after the debugfs files until the two
		 * reads agree, so the kernel's indices describe our buddyinfo. */
		struct fs_buf before = { 0 }, after = { 0 };
		const char *bpath = res->paths[FS_SRC_BUDDYINFO];
		for (unsigned attempt = 1; attempt <= 20; attempt++) {
			res->check_attempts = attempt;
			fs_snapshot_clear_nodes(s);
			s->orders = 0;
			fs_buf_free(&before);
			r = fs_file_read(bpath, &before);
			if (r) {
				res->err[FS_SRC_BUDDYINFO] = r;
				s->src[FS_SRC_BUDDYINFO] = status_of(r);
				fs_diag_set(d, bpath, 0, 0, "%s", strerror(-r));
				return r;
			}
			struct fs_buf e1 = { 0 }, e2 = { 0 };
			int r1 = fs_file_read(res->paths[FS_SRC_EXTFRAG_INDEX], &e1);
			int r2 = fs_file_read(res->paths[FS_SRC_UNUSABLE_INDEX], &e2);
			r = fs_file_read(bpath, &after);
			bool stable = r == 0 && after.len == before.len &&
				      memcmp(after.data, before.data, before.len) == 0;
			fs_buf_free(&after);
			if (stable || attempt == 20 || (r1 && r2)) {
				res->check_stable = stable && !(r1 && r2);
				s->kcheck_attempts = attempt;
				s->kcheck_stable = res->check_stable;
				res->err[FS_SRC_BUDDYINFO] = 0;
				s->src[FS_SRC_BUDDYINFO] = FS_ST_OK;
				r = rd_buddyinfo_parse(s, bpath, before.data, before.len, d);
				fs_buf_free(&before);
				if (r) {
					s->src[FS_SRC_BUDDYINFO] = FS_ST_MALFORMED;
					fs_buf_free(&e1);
					fs_buf_free(&e2);
					return r;
				}
				const enum fs_src which[2] = { FS_SRC_EXTFRAG_INDEX, FS_SRC_UNUSABLE_INDEX };
				struct fs_buf *bufs[2] = { &e1, &e2 };
				int errs[2] = { r1, r2 };
				for (int i = 0; i < 2; i++) {
					res->err[which[i]] = errs[i];
					s->src[which[i]] = status_of(errs[i]);
					if (!errs[i] && (mask & FS_SRC_BIT(which[i]))) {
						r = parse_src(s, which[i], res->paths[which[i]], bufs[i], res, d);
						if (r) {
							s->src[which[i]] = FS_ST_MALFORMED;
							fs_buf_free(&e1);
							fs_buf_free(&e2);
							return r;
						}
					}
				}
				fs_buf_free(&e1);
				fs_buf_free(&e2);
				break;
			}
			fs_buf_free(&e1);
			fs_buf_free(&e2);
		}
	} else {
		r = read_src(s, FS_SRC_BUDDYINFO, res, NULL, d);
		if (r)
			return r;
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
		r = read_src(s, src, res, NULL, d);
		if (r)
			return r;
	}
	if (o->root)
		infer_page_size(s);
	return 0;
}

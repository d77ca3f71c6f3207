#include "config.h"

#include "rd_kpage.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* kpage.rle: rewind to the first run (after the header). */
static int rle_rewind(struct rd_kpage_src *s, struct fs_diag *d)
{
	FILE *f = s->rle;
	char line[64];
	rewind(f);
	s->line = 1;
	s->pos = s->left = 0;
	s->eof = false;
	if (!fgets(line, sizeof line, f) || strcmp(line, RD_KPAGE_RLE_MAGIC "\n") != 0)
		return fs_diag_set(d, s->path, 1, 1, "expected \"" RD_KPAGE_RLE_MAGIC "\" (a fragstat kpage.rle file)");
	return 0;
}

static int rle_num(const char **pp, uint64_t *v, bool hex)
{
	const char *p = *pp;
	uint64_t x = 0;
	unsigned base = hex ? 16 : 10;
	if (!*p || *p == ' ' || *p == '\n')
		return -EINVAL;
	for (; *p && *p != ' ' && *p != '\n'; p++) {
		unsigned dg;
		if (*p >= '0' && *p <= '9')
			dg = (unsigned)(*p - '0');
		else if (hex && *p >= 'a' && *p <= 'f')
			dg = (unsigned)(*p - 'a' + 10);
		else
			return -EINVAL;
		if (x > (UINT64_MAX - dg) / base)
			return -ERANGE;
		x = x * base + dg;
	}
	*pp = p;
	*v = x;
	return 0;
}

/* The next run, or the end line. */
static int rle_next(struct rd_kpage_src *s, struct fs_diag *d)
{
	char line[96];
	FILE *f = s->rle;
	s->line++;
	if (!fgets(line, sizeof line, f)) {
		if (ferror(f))
			return fs_diag_set(d, s->path, s->line, 0, "read error");
		return fs_diag_set(d, s->path, s->line, 1, "expected a run or \"end N\", found the end of the file");
	}
	size_t n = strlen(line);
	if (n == 0 || line[n - 1] != '\n')
		return fs_diag_set(d, s->path, s->line, 1, "line too long or not ended by a newline");
	const char *p = line;
	uint64_t len, fl, ct;
	if (strncmp(p, "end ", 4) == 0) {
		p += 4;
		if (rle_num(&p, &len, false) || *p != '\n')
			return fs_diag_set(d, s->path, s->line, 5, "expected the number of pfns after \"end\"");
		if (len != s->pos + s->left)
			return fs_diag_set(d, s->path, s->line, 5, "end %" PRIu64 " but the runs cover %" PRIu64 " pfns",
					   len, s->pos + s->left);
		if (fgetc(f) != EOF)
			return fs_diag_set(d, s->path, s->line + 1, 1, "expected the end of the file after \"end N\"");
		s->pos += s->left;
		s->left = 0;
		s->eof = true;
		return 0;
	}
	if (rle_num(&p, &len, false) || len == 0 || *p != ' ')
		return fs_diag_set(d, s->path, s->line, (unsigned)(p - line) + 1,
				   "expected \"LEN FLAGS COUNT\" with LEN a decimal number >= 1");
	p++;
	const char *q = p;
	if (rle_num(&p, &fl, true) || *p != ' ')
		return fs_diag_set(d, s->path, s->line, (unsigned)(q - line) + 1,
				   "expected FLAGS in lower-case hexadecimal (64 bits)");
	p++;
	q = p;
	if (rle_num(&p, &ct, false) || *p != '\n')
		return fs_diag_set(d, s->path, s->line, (unsigned)(q - line) + 1,
				   "expected COUNT in decimal (64 bits), then the end of the line");
	if (s->pos + s->left > UINT64_MAX - len || s->pos + s->left + len > (uint64_t)INT64_MAX / 8)
		return fs_diag_set(d, s->path, s->line, 1, "runs cover more pfns than a kernel file can");
	s->pos += s->left;
	s->left = len;
	s->flags = fl;
	s->count = ct;
	return 0;
}

static int rle_read(struct rd_kpage_src *s, uint64_t pfn, uint64_t *buf, size_t n, size_t *got,
		    struct fs_diag *d)
{
	int r;
	*got = 0;
	if (pfn < s->pos && (r = rle_rewind(s, d)))
		return r;
	while (*got < n) {
		if (s->left == 0) {
			if (s->eof)
				return 0;
			if ((r = rle_next(s, d)))
				return r;
			continue;
		}
		uint64_t at = pfn + *got;
		if (at < s->pos)
			return -EINVAL;     /* cannot happen: rewound above */
		if (at >= s->pos + s->left) {   /* skip the run */
			s->pos += s->left;
			s->left = 0;
			continue;
		}
		uint64_t v = s->field ? s->count : s->flags;
		uint64_t avail = s->pos + s->left - at;
		while (avail-- && *got < n)
			buf[(*got)++] = v;
	}
	return 0;
}

/* Read up to n u64 values of pfn `pfn` onwards into buf; *got = values read
 * (fewer at the end of the file). A file whose size is not a multiple of 8
 * is malformed: the kernel only hands out whole entries (fs/proc/page.c:
 * offset and count must be multiples of KPMSIZE). */
static int src_read(struct rd_kpage_src *s, uint64_t pfn, uint64_t *buf, size_t n,
		    size_t *got, struct fs_diag *d)
{
	size_t want = n * sizeof(uint64_t), have = 0;
	*got = 0;
	if (s->rle)
		return rle_read(s, pfn, buf, n, got, d);
	if (pfn > (uint64_t)INT64_MAX / 8 - n)
		return 0;    /* past any file: treated as the end */
	uint64_t off = pfn * 8;
	if (s->fd < 0) {
		if (off < s->len) {
			size_t avail = s->len - (size_t)off;
			have = avail < want ? avail : want;
			memcpy(buf, s->mem + off, have);
		}
	} else {
		while (have < want) {
			ssize_t r = pread(s->fd, (char *)buf + have, want - have, (off_t)(off + have));
			if (r < 0) {
				if (errno == EINTR)
					continue;
				int e = errno;
				fs_diag_set(d, s->path, 0, 0, "read at pfn %llu: %s",
					    (unsigned long long)pfn, strerror(e));
				return -e;
			}
			if (r == 0)
				break;
			have += (size_t)r;
		}
	}
	if (have % 8)
		return fs_diag_set(d, s->path, 0, 0,
				   "file ends inside the 8-byte entry of pfn %llu (a kernel file holds whole u64 entries)",
				   (unsigned long long)(pfn + have / 8));
	*got = have / 8;
	return 0;
}

/* Read the same n pfns from pfn onwards of both sources (flags into fb,
 * counts into cb); *got = values read. Both must end at the same pfn. */
static int src_read_both(struct rd_kpage_src *flags, struct rd_kpage_src *count, uint64_t pfn,
			 uint64_t *fb, uint64_t *cb, size_t n, size_t *got, struct fs_diag *d)
{
	size_t gf, gc;
	int r;

	if ((r = src_read(flags, pfn, fb, n, &gf, d)) || (r = src_read(count, pfn, cb, n, &gc, d)))
		return r;
	if (gf != gc)
		return fs_diag_set(d, gf < gc ? flags->path : count->path, 0, 0,
				   "ends at pfn %llu, but %s goes on to pfn %llu (both files cover the same pfns)",
				   (unsigned long long)(pfn + (gf < gc ? gf : gc)),
				   gf < gc ? count->path : flags->path,
				   (unsigned long long)(pfn + (gf < gc ? gc : gf)));
	*got = gf;
	return 0;
}

int rd_kpage_scan(struct fs_pagemap *pm, const struct fs_snapshot *s,
		  struct rd_kpage_src *flags, struct rd_kpage_src *count,
		  struct fs_diag *d)
{
	uint64_t *fb = malloc(RD_KPAGE_CHUNK * sizeof *fb);
	uint64_t *cb = malloc(RD_KPAGE_CHUNK * sizeof *cb);
	int r = 0;
	if (!fb || !cb) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t ni = 0; ni < s->nnodes; ni++) {
		const struct fs_node *n = &s->nodes[ni];
		for (unsigned zi = 0; zi < n->nzones; zi++) {
			const struct fs_zone *z = &n->zones[zi];
			const unsigned need = FS_ZI_START_PFN | FS_ZI_SPANNED;
			if ((z->zi_have & need) != need || z->spanned == 0)
				continue;
			struct fs_pm_feed f;
			r = fs_pm_zone_begin(pm, &f, n->id, z->name, z->start_pfn, z->spanned);
			if (r == -EINVAL || r == -EFBIG) {
				r = fs_diag_set(d, flags->path, 0, 0,
						"zone %s of node %d in zoneinfo: start_pfn %llu + spanned %llu %s",
						z->name, n->id, (unsigned long long)z->start_pfn,
						(unsigned long long)z->spanned,
						r == -EINVAL ? "overflows" : "is larger than any machine (more than 2^32 pageblocks)");
				goto out;
			}
			if (r)
				goto out;
			uint64_t end = f.z->end_pfn;
			while (f.pfn < end) {
				uint64_t left = end - f.pfn;
				size_t want = left < RD_KPAGE_CHUNK ? (size_t)left : RD_KPAGE_CHUNK;
				size_t gf;
				if ((r = src_read_both(flags, count, f.pfn, fb, cb, want, &gf, d)))
					goto out;
				fs_pm_feed(&f, fb, cb, gf);
				if (gf < want) {   /* past max_dump_pfn: no page */
					fs_pm_feed_eof(&f);
					break;
				}
			}
			fs_pm_zone_end(&f);
		}
	}
out:
	free(fb);
	free(cb);
	return r;
}

static int cmp_range(const void *a, const void *b)
{
	const struct fs_pfn_range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Lines are "START-END : NAME" (kernel/resource.c r_show: "%*s%0*llx-%0*llx : %s"),
 * nested resources indented by two blanks per level. */
int rd_iomem_parse(const char *file, const char *data, size_t len, uint64_t page_size,
		   struct fs_pfn_range **out, size_t *n, struct fs_diag *d)
{
	struct fs_cursor c;
	struct fs_pfn_range *v = NULL;
	size_t nv = 0, cap = 0;
	bool nonzero = false;
	*out = NULL;
	*n = 0;
	if (page_size == 0 || (page_size & (page_size - 1)))
		return fs_diag_set(d, file, 0, 0, "page size %llu is not a power of two",
				   (unsigned long long)page_size);
	fs_cursor_init(&c, file, data, len);
	while (fs_cursor_next(&c)) {
		const char *p = c.line, *e = c.eol;
		if (p == e)
			continue;
		const char *q = fs_skip_blank(p, e);
		bool top = q == p;
		uint64_t a, b;
		int r = fs_parse_hex64(&q, e, &a);
		if (r) {
			free(v);
			return fs_cursor_err(&c, d, q, r == -ERANGE ? "address wider than 60 bits"
								  : "expected a hexadecimal start address");
		}
		if (q >= e || *q != '-') {
			free(v);
			return fs_cursor_err(&c, d, q, "expected '-' after the start address");
		}
		q++;
		if ((r = fs_parse_hex64(&q, e, &b))) {
			free(v);
			return fs_cursor_err(&c, d, q, r == -ERANGE ? "address wider than 60 bits"
								  : "expected a hexadecimal end address");
		}
		if (!fs_match(q, e, " : ")) {
			free(v);
			return fs_cursor_err(&c, d, q, "expected \" : \" and a name after the range");
		}
		q += 3;
		if (b < a) {
			free(v);
			return fs_cursor_err(&c, d, c.line, "range ends before it starts");
		}
		if (a || b)
			nonzero = true;
		if (!top || (size_t)(e - q) != 10 || memcmp(q, "System RAM", 10) != 0)
			continue;
		/* Whole pages only: [ceil(a / ps), floor((b + 1) / ps)). */
		uint64_t s = a / page_size + (a % page_size != 0);
		uint64_t t = b / page_size + (b % page_size == page_size - 1);
		if (t <= s)
			continue;
		if (nv == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct fs_pfn_range *nvv = realloc(v, nc * sizeof *nvv);
			if (!nvv) {
				free(v);
				return -ENOMEM;
			}
			v = nvv;
			cap = nc;
		}
		v[nv].start = s;
		v[nv].end = t;
		nv++;
	}
	if (!nonzero) {      /* a non-root reader sees 00000000-00000000 everywhere */
		free(v);
		return 0;
	}
	if (nv)
		qsort(v, nv, sizeof *v, cmp_range);
	*out = v;
	*n = nv;
	return 0;
}

/* Open a page file: a regular file (or the proc file), never a FIFO or a
 * device that could block or grow without end. Below a --root tree it is
 * opened beneath the root (fs_open_beneath): a link or ".." leaving the
 * tree is refused (-EXDEV, -ELOOP). */
static int open_page_file(const char *root, const char *rel, int *fd)
{
	int f;
	if (root && *root && strcmp(root, "/") != 0) {
		f = fs_open_beneath(root, rel);
		if (f < 0)
			return f;
	} else {
		char path[4096];
		if (!fs_path_join(path, sizeof path, root, rel))
			return -ENAMETOOLONG;
		do
			f = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		while (f < 0 && errno == EINTR);
		if (f < 0)
			return -errno;
	}
	struct stat st;
	if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(f);
		return -EINVAL;
	}
	*fd = f;
	return 0;
}

/* What an open_page_file() failure means, for a diagnostic. */
static const char *open_msg(int r)
{
	switch (r) {
	case -EINVAL:
		return "not a regular file";
	case -EXDEV:
		return "refused: the path leaves the --root tree (a symbolic link or \"..\" pointing outside it)";
	case -ELOOP:
		return "refused: a symbolic link in the --root tree that cannot be followed safely";
	default:
		return strerror(-r);
	}
}

int rd_kpage_rle_write(void *out, struct rd_kpage_src *flags, struct rd_kpage_src *count,
		       uint64_t *pfns, struct fs_diag *d)
{
	FILE *f = out;
	uint64_t *fb = malloc(RD_KPAGE_CHUNK * sizeof *fb), *cb = malloc(RD_KPAGE_CHUNK * sizeof *cb);
	uint64_t pfn = 0, run = 0, rf = 0, rc = 0;
	int r = 0;
	if (!fb || !cb) {
		r = -ENOMEM;
		goto out;
	}
	fputs(RD_KPAGE_RLE_MAGIC "\n", f);
	for (;;) {
		size_t gf, gc;
		if ((r = src_read(flags, pfn, fb, RD_KPAGE_CHUNK, &gf, d)) ||
		    (r = src_read(count, pfn, cb, RD_KPAGE_CHUNK, &gc, d)))
			goto out;
		if (gf != gc) {
			r = fs_diag_set(d, gf < gc ? flags->path : count->path, 0, 0,
					"ends at pfn %" PRIu64 ", but %s goes on (both files cover the same pfns)",
					pfn + (gf < gc ? gf : gc), gf < gc ? count->path : flags->path);
			goto out;
		}
		for (size_t i = 0; i < gf; i++) {
			if (run && fb[i] == rf && cb[i] == rc) {
				run++;
				continue;
			}
			if (run)
				fprintf(f, "%" PRIu64 " %" PRIx64 " %" PRIu64 "\n", run, rf, rc);
			run = 1;
			rf = fb[i];
			rc = cb[i];
		}
		pfn += gf;
		if (gf < RD_KPAGE_CHUNK)
			break;
	}
	if (run)
		fprintf(f, "%" PRIu64 " %" PRIx64 " %" PRIu64 "\n", run, rf, rc);
	fprintf(f, "end %" PRIu64 "\n", pfn);
	if (pfns)
		*pfns = pfn;
	if (ferror(f))
		r = -EIO;
out:
	free(fb);
	free(cb);
	return r;
}

int rd_kpage_rle_src(struct rd_kpage_src *s, void *file, int field, const char *path, struct fs_diag *d)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->rle = file;
	s->field = field;
	s->path = path;
	return rle_rewind(s, d);
}

void rd_kpage_close(struct rd_kpage_src *s)
{
	if (s->rle)
		fclose(s->rle);
	else if (s->fd >= 0)
		close(s->fd);
	s->rle = NULL;
	s->fd = -1;
}

int rd_kpage_open(const char *root, struct rd_kpage_src *flags, struct rd_kpage_src *count,
		  char *pf, char *pc, size_t size, int *which, struct fs_diag *d)
{
	int ffd = -1, cfd = -1;
	memset(flags, 0, sizeof *flags);
	memset(count, 0, sizeof *count);
	flags->fd = count->fd = -1;
	count->field = 1;
	*which = 0;
	if (!fs_path_join(pf, size, root, "proc/kpageflags") ||
	    !fs_path_join(pc, size, root, "proc/kpagecount")) {
		fs_diag_set(d, root, 0, 0, "path too long");
		return -ENAMETOOLONG;
	}
	flags->path = pf;
	count->path = pc;
	int r = open_page_file(root, "proc/kpageflags", &ffd);
	if (r == -ENOENT && root) {
		/* A capture: the compact form instead of the raw pair. */
		if (!fs_path_join(pf, size, root, RD_KPAGE_RLE) || !fs_path_join(pc, size, root, RD_KPAGE_RLE))
			return -ENAMETOOLONG;
		int r1 = open_page_file(root, RD_KPAGE_RLE, &ffd);
		if (r1 == -ENOENT) {
			fs_path_join(pf, size, root, "proc/kpageflags");
			fs_path_join(pc, size, root, "proc/kpagecount");
			fs_diag_set(d, pf, 0, 0, "%s", strerror(ENOENT));
			return -ENOENT;
		}
		if (r1 == 0 && (r1 = open_page_file(root, RD_KPAGE_RLE, &cfd)) != 0)
			close(ffd);
		if (r1) {
			fs_diag_set(d, pf, 0, 0, "%s", open_msg(r1));
			return r1;
		}
		FILE *a = fdopen(ffd, "r"), *b = a ? fdopen(cfd, "r") : NULL;
		if (!a || !b) {
			if (a)
				fclose(a);
			else
				close(ffd);
			close(cfd);
			return -ENOMEM;
		}
		r = rd_kpage_rle_src(flags, a, 0, pf, d);
		int r2 = rd_kpage_rle_src(count, b, 1, pc, r ? &(struct fs_diag){ 0 } : d);
		if (r || (r = r2)) {
			rd_kpage_close(flags);
			rd_kpage_close(count);
			return r;
		}
		return 0;
	}
	if (r) {
		fs_diag_set(d, pf, 0, 0, "%s", open_msg(r));
		return r;
	}
	if ((r = open_page_file(root, "proc/kpagecount", &cfd))) {
		close(ffd);
		*which = 1;
		fs_diag_set(d, pc, 0, 0, "%s", open_msg(r));
		return r;
	}
	flags->fd = ffd;
	count->fd = cfd;
	return 0;
}

/* vm.compact_unevictable_allowed: "0" or "1" (mm/compaction.c, proc_dointvec_minmax 0..1). */
static void read_unevictable(struct fs_pagemap *pm, const char *root)
{
	struct fs_buf b;
	if (fs_read_beneath(root, "proc/sys/vm/compact_unevictable_allowed", &b, NULL) != 0)
		return;
	if ((b.len == 2 && b.data[1] == '\n') || b.len == 1) {
		if (b.data[0] == '0' || b.data[0] == '1') {
			pm->unevictable_movable = b.data[0] == '1';
			pm->unevictable_assumed = false;
		}
	}
	fs_buf_free(&b);
}

static int pagemap_header(const struct fs_snapshot *s, const char *root, const char *pf,
			  struct fs_pagemap **out, struct fs_diag *d);

int rd_kpage_collect(struct fs_snapshot *s, const char *root, struct fs_diag *d)
{
	char pf[4096], pc[4096], pi[4096];
	struct rd_kpage_src fsrc, csrc;
	struct fs_pagemap *pm = NULL;
	int which, r;

	s->kpage_requested = true;
	if (!fs_path_join(pi, sizeof pi, root, "proc/iomem")) {
		fs_diag_set(d, root, 0, 0, "path too long");
		return -ENAMETOOLONG;
	}
	r = rd_kpage_open(root, &fsrc, &csrc, pf, pc, sizeof pf, &which, d);
	if (r) {
		s->kpage_src[which] = fs_src_status_of(r);
		s->kpage_src[!which] = which ? FS_ST_OK : FS_ST_UNREAD;
		if (!which && !fsrc.rle && r != -EINVAL) {
			/* Say how kpagecount fares too (non-root: denied as well). */
			int fd = -1, rc = open_page_file(root, "proc/kpagecount", &fd);
			s->kpage_src[1] = fs_src_status_of(rc);
			if (fd >= 0)
				close(fd);
		}
		if (r == -EINVAL || r == -ENOMEM || r == -ENAMETOOLONG || r == -EXDEV || r == -ELOOP)
			return r;
		/* Optional: a non-root user reads neither (mode 0400); nothing
		 * else changes. */
		return 0;
	}
	s->kpage_src[0] = s->kpage_src[1] = FS_ST_OK;

	if ((r = pagemap_header(s, root, pf, &pm, d)))
		goto out;
	r = rd_kpage_scan(pm, s, &fsrc, &csrc, d);
	if (r) {
		bool count_file = d->file && strcmp(d->file, pc) == 0 && !csrc.rle;
		s->kpage_src[count_file ? 1 : 0] = fs_src_status_of(r);
		goto out;
	}
	fs_pagemap_free(s->pagemap);
	s->pagemap = pm;
	pm = NULL;
out:
	fs_pagemap_free(pm);
	rd_kpage_close(&fsrc);
	rd_kpage_close(&csrc);
	return r;
}

/* The header of a page map for the tree: pageblock order, kernel era,
 * vm.compact_unevictable_allowed and System RAM, as rd_kpage_collect. */
static int pagemap_header(const struct fs_snapshot *s, const char *root, const char *pf,
			  struct fs_pagemap **out, struct fs_diag *d)
{
	char pi[4096];
	struct fs_buf ib;
	struct fs_pagemap *pm;
	int order = s->pageblock_order, r = 0;
	bool assumed = order < 0;

	*out = NULL;
	if (assumed) {
		/* pageblock_order = HUGETLB_PAGE_ORDER where huge pages exist:
		 * a PMD maps page_size/8 pages (as report.c assumes). */
		uint64_t ptrs = s->page_size / 8;
		order = 0;
		while (ptrs > 1) {
			ptrs >>= 1;
			order++;
		}
	}
	if (!(pm = fs_pagemap_new(order, assumed)))
		return order < 1 || order > 20
			       ? fs_diag_set(d, pf, 0, 0, "pageblock order %d out of range", order)
			       : -ENOMEM;
	pm->kver = fs_pm_kernel_version(s->kernel);
	read_unevictable(pm, root);
	if (fs_path_join(pi, sizeof pi, root, "proc/iomem") &&
	    fs_read_beneath(root, "proc/iomem", &ib, NULL) == 0) {
		r = rd_iomem_parse(pi, ib.data, ib.len, s->page_size, &pm->ram, &pm->nram, d);
		fs_buf_free(&ib);
	}
	if (r) {
		fs_pagemap_free(pm);
		return r;
	}
	*out = pm;
	return 0;
}

int rd_kpage_stream_src(const struct fs_pagemap *pm, const struct fs_snapshot *s, int node,
			struct rd_kpage_src *fsrc, struct rd_kpage_src *csrc,
			const struct rd_kpage_sink *sink, struct fs_diag *d)
{
	const struct fs_node *n = NULL;
	uint64_t *fb = NULL, *cb = NULL;
	int r;

	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].id == node)
			n = &s->nodes[i];
	if (!n)
		return -ENOENT;
	fb = malloc(RD_KPAGE_CHUNK * sizeof *fb);
	cb = malloc(RD_KPAGE_CHUNK * sizeof *cb);
	if (!fb || !cb) {
		r = -ENOMEM;
		goto out;
	}
	for (unsigned zi = 0; zi < n->nzones; zi++) {
		const struct fs_zone *z = &n->zones[zi];
		const unsigned need = FS_ZI_START_PFN | FS_ZI_SPANNED;
		uint64_t pfn, end;
		if ((z->zi_have & need) != need || z->spanned == 0)
			continue;
		if (z->start_pfn > UINT64_MAX - z->spanned) {
			r = fs_diag_set(d, fsrc->path, 0, 0, "zone %s of node %d in zoneinfo: start_pfn %llu + spanned %llu overflows",
					z->name, n->id, (unsigned long long)z->start_pfn,
					(unsigned long long)z->spanned);
			goto out;
		}
		r = sink->zone(sink->ctx, pm, zi, z->start_pfn, z->spanned);
		if (r > 0)
			continue;
		if (r < 0)
			goto out;
		end = z->start_pfn + z->spanned;
		for (pfn = z->start_pfn; pfn < end;) {
			uint64_t left = end - pfn;
			size_t want = left < RD_KPAGE_CHUNK ? (size_t)left : RD_KPAGE_CHUNK, gf;
			if ((r = src_read_both(fsrc, csrc, pfn, fb, cb, want, &gf, d)))
				goto out;
			if (gf && (r = sink->feed(sink->ctx, fb, cb, gf)))
				goto out;
			pfn += gf;
			if (gf < want)
				break;   /* past max_dump_pfn: no page */
		}
		if ((r = sink->zone_end(sink->ctx)))
			goto out;
	}
	r = 0;
out:
	free(fb);
	free(cb);
	return r;
}

int rd_kpage_stream(const char *root, const struct fs_snapshot *s, int node,
		    const struct rd_kpage_sink *sink, struct fs_diag *d)
{
	char pf[4096], pc[4096];
	struct rd_kpage_src fsrc, csrc;
	struct fs_pagemap *pm = NULL;
	int which, r;

	if (!root)
		return -ENOENT;
	r = rd_kpage_open(root, &fsrc, &csrc, pf, pc, sizeof pf, &which, d);
	if (r == -ENOENT || r == -ENOTDIR)
		return -ENOENT;
	if (r == -EACCES || r == -EPERM)
		return -EACCES;
	if (r)
		return r;
	if ((r = pagemap_header(s, root, pf, &pm, d)) == 0)
		r = rd_kpage_stream_src(pm, s, node, &fsrc, &csrc, sink, d);
	fs_pagemap_free(pm);
	rd_kpage_close(&fsrc);
	rd_kpage_close(&csrc);
	return r;
}

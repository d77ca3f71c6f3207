#include "config.h"

#include "fragindex.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool add_ovf(uint64_t *acc, uint64_t v)
{
	if (*acc > UINT64_MAX - v)
		return true;
	*acc += v;
	return false;
}

static bool shl_ovf(uint64_t v, unsigned s, uint64_t *out)
{
	if (s >= 64 ? v != 0 : (v >> (63 - s)) >> 1 != 0)
		return true;
	*out = s >= 64 ? 0 : v << s;
	return false;
}

int fs_fill_contig(const uint64_t *free, unsigned orders, unsigned k,
		   struct fs_contig_info *info)
{
	memset(info, 0, sizeof *info);
	for (unsigned o = 0; o < orders; o++) {
		uint64_t b = free[o], pages, suit;
		if (add_ovf(&info->free_blocks_total, b) || shl_ovf(b, o, &pages) ||
		    add_ovf(&info->free_pages, pages))
			return -ERANGE;
		if (o >= k && (shl_ovf(b, o - k, &suit) || add_ovf(&info->free_blocks_suitable, suit)))
			return -ERANGE;
	}
	/* The index formulas multiply F by 1000 (unusable: by at most 1000). */
	if (info->free_pages > (UINT64_MAX - 1000) / 1000)
		return -ERANGE;
	return 0;
}

int fs_fragmentation_index(unsigned k, unsigned max_order, const struct fs_contig_info *info)
{
	if (k > max_order || k >= 64)
		return 0;
	if (info->free_blocks_total == 0)
		return 0;
	if (info->free_blocks_suitable != 0)
		return -1000;
	uint64_t requested = 1ULL << k;
	uint64_t q = (1000 + info->free_pages * 1000 / requested) / info->free_blocks_total;
	/* The kernel computes 1000 - q in unsigned long and returns it as int;
	 * with S == 0, q < 2000, so the signed difference is that int. */
	return (int)(1000 - (int64_t)q);
}

int fs_unusable_index(unsigned k, const struct fs_contig_info *info)
{
	if (info->free_pages == 0)
		return 1000;
	uint64_t usable = k >= 64 ? 0 : info->free_blocks_suitable << k;
	return (int)((info->free_pages - usable) * 1000 / info->free_pages);
}

unsigned fs_extfrag_for_order(unsigned k, const struct fs_contig_info *info)
{
	if (info->free_pages == 0)
		return 0;
	uint64_t usable = k >= 64 ? 0 : info->free_blocks_suitable << k;
	return (unsigned)((info->free_pages - usable) * 100 / info->free_pages);
}

int fs_indices(const uint64_t *free, unsigned orders, int *unusable, int *fragidx,
	       unsigned *extfrag_pct)
{
	for (unsigned k = 0; k < orders; k++) {
		struct fs_contig_info info;
		int r = fs_fill_contig(free, orders, k, &info);
		if (r)
			return r;
		if (unusable)
			unusable[k] = fs_unusable_index(k, &info);
		if (fragidx)
			fragidx[k] = fs_fragmentation_index(k, orders - 1, &info);
		if (extfrag_pct)
			extfrag_pct[k] = fs_extfrag_for_order(k, &info);
	}
	return 0;
}

int fs_kfmt_value(char *buf, size_t size, enum fs_kfmt fmt, int value)
{
	/* C division truncates toward zero, exactly as the kernel's x/1000, x%1000. */
	int n = snprintf(buf, size, fmt == FS_KFMT_EXTFRAG ? "%2d.%03d " : "%d.%03d ",
			 value / 1000, value % 1000);
	return n < 0 ? 0 : n;
}

int fs_index_format(char *buf, size_t size, long long v, bool plus)
{
	unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	int n = snprintf(buf, size, "%s%llu.%03llu", v < 0 ? "-" : (plus ? "+" : ""),
			 a / 1000, a % 1000);
	return n < 0 ? 0 : n;
}

int fs_kfmt_prefix(char *buf, size_t size, int node, const char *zone)
{
	int n = snprintf(buf, size, "Node %d, zone %8s ", node, zone);
	return n < 0 ? 0 : n;
}

int fs_kfmt_parse(const char **pp, const char *end, int *value)
{
	const char *p = *pp;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *tok = p;
	bool neg = false;
	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	int ip = 0;
	while (p < end && *p >= '0' && *p <= '9') {
		ip = ip * 10 + (*p - '0');
		if (ip > 1)
			return -ERANGE;
		p++;
	}
	if (p >= end || *p != '.')
		return -EINVAL;
	p++;
	bool fneg = false;
	if (p < end && *p == '-') {
		fneg = true;
		p++;
	}
	int frac = 0, nd = 0;
	while (p < end && *p >= '0' && *p <= '9') {
		frac = frac * 10 + (*p - '0');
		if (++nd > 3)
			return -ERANGE;
		p++;
	}
	if (nd == 0)
		return -EINVAL;
	if (p < end && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
		return -EINVAL;
	int v = (neg ? -ip : ip) * 1000 + (fneg ? -frac : frac);
	/* Accept only what "%d.%03d" can print for v: reformat and compare. */
	char canon[24];
	int n = snprintf(canon, sizeof canon, "%d.%03d", v / 1000, v % 1000);
	if (n != (int)(p - tok) || memcmp(canon, tok, (size_t)n) != 0)
		return -EINVAL;
	if (v < -1000 || v > 1000)
		return -ERANGE;
	*value = v;
	*pp = p;
	return 0;
}

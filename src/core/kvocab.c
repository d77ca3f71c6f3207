/* kvocab.c - the tables of kvocab.h and their lookups. */
#include "config.h"

#include "kvocab.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name, *what;
} fs_vm_table[FS_VM_COUNT] = {
#define FS_VM_ROW_(id, name, procps, what) [FS_VM_##id] = { name, what },
	FS_VMSTAT_COUNTERS(FS_VM_ROW_)
#undef FS_VM_ROW_
};

const char *fs_vm_name(enum fs_vm c)
{
	return (unsigned)c < FS_VM_COUNT ? fs_vm_table[c].name : NULL;
}

const char *fs_vm_what(enum fs_vm c)
{
	return (unsigned)c < FS_VM_COUNT ? fs_vm_table[c].what : NULL;
}

int fs_vm_find(const char *name)
{
	for (int c = 0; c < FS_VM_COUNT; c++)
		if (strcmp(fs_vm_table[c].name, name) == 0)
			return c;
	return -1;
}

bool fs_vm_kv(const struct fs_kvlist *l, enum fs_vm c, uint64_t *out)
{
	const char *n = fs_vm_name(c);
	return n && fs_kv_get(l, n, out);
}

bool fs_vm_get(const struct fs_snapshot *s, enum fs_vm c, uint64_t *out)
{
	return fs_vm_kv(&s->vmstat, c, out);
}

bool fs_vmstat_tracked(const char *name)
{
	static const char *const prefixes[] = { "compact_", "pgmigrate_", "thp_" };
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return strcmp(name, fs_vm_name(FS_VM_NUMA_PAGES_MIGRATED)) == 0;
}

static const char *const fs_mi_table[FS_MI_COUNT] = {
#define FS_MI_ROW_(id, key) [FS_MI_##id] = key,
	FS_MEMINFO_KEYS(FS_MI_ROW_)
#undef FS_MI_ROW_
};

const char *fs_mi_name(enum fs_mi k)
{
	return (unsigned)k < FS_MI_COUNT ? fs_mi_table[k] : NULL;
}

bool fs_mi_get(const struct fs_snapshot *s, enum fs_mi k, uint64_t *out)
{
	const char *n = fs_mi_name(k);
	return n && fs_kv_get(&s->meminfo, n, out);
}

const struct fs_zi_field fs_zi_fields[FS_ZF_COUNT] = {
#define FS_ZF_ROW_(id, name, key, member, wm, kline) \
	[FS_ZF_##id] = { name, key, FS_ZI_##id, offsetof(struct fs_zone, member), wm, kline },
	FS_ZONEINFO_FIELDS(FS_ZF_ROW_)
#undef FS_ZF_ROW_
};

const struct fs_zi_field *fs_zi_kline(unsigned kline)
{
	for (unsigned i = 0; kline && i < FS_ZF_COUNT; i++)
		if (fs_zi_fields[i].kline == kline)
			return &fs_zi_fields[i];
	return NULL;
}

uint64_t fs_zi_get(const struct fs_zone *z, const struct fs_zi_field *f)
{
	uint64_t v;
	memcpy(&v, (const char *)z + f->off, sizeof v);
	return v;
}

uint64_t *fs_zi_slot(struct fs_zone *z, const struct fs_zi_field *f)
{
	return (uint64_t *)((char *)z + f->off);
}

char *fs_count_cell(char *buf, size_t size, uint64_t v, bool lower_bound)
{
	snprintf(buf, size, "%s%" PRIu64, lower_bound ? FS_CAPPED_MARK : "", v);
	return buf;
}

bool fs_mt_pollutes(const char *name)
{
	return strcmp(name, "Unmovable") == 0 || strcmp(name, "Reclaimable") == 0;
}

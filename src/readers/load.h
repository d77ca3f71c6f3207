/* load.h - open a state given by the user: a --root tree or fragstat JSON. */
#ifndef FRAGSTAT_LOAD_H
#define FRAGSTAT_LOAD_H

#include <stdbool.h>

#include "procfs.h"
#include "snapshot.h"

struct fs_collect_result;

/* A directory is read as a --root tree, a file (or "-") as fragstat JSON.
 * Returns 0 and an owned snapshot, or a negative errno with *d filled.
 * A malformed optional file of a tree is left out (see fs_collect()). */
int fs_load_state(const char *path, struct fs_snapshot **out, struct fs_diag *d);
/* The same; with pages, a tree's page layout is read too (rd_kpage.c). */
int fs_load_state_pages(const char *path, bool pages, struct fs_snapshot **out, struct fs_diag *d);

/* fs_load_state() with fs_collect()'s strict flag; res (may be NULL)
 * receives a tree's collection result (its warnings), zeroed for JSON. */
int fs_load_state_ex(const char *path, bool strict, bool pages, struct fs_collect_result *res,
		     struct fs_snapshot **out, struct fs_diag *d);

#endif

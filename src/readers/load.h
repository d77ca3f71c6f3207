/* load.h - open a state given by the user: a --root tree or fragstat JSON. */
#ifndef FRAGSTAT_LOAD_H
#define FRAGSTAT_LOAD_H

#include <stdbool.h>

#include "procfs.h"
#include "snapshot.h"

/* A directory is read as a --root tree, a file (or "-") as fragstat JSON.
 * Returns 0 and an owned snapshot, or a negative errno with *d filled. */
int fs_load_state(const char *path, struct fs_snapshot **out, struct fs_diag *d);
/* The same; with pages, a tree's page layout is read too (rd_kpage.c). */
int fs_load_state_pages(const char *path, bool pages, struct fs_snapshot **out, struct fs_diag *d);

#endif

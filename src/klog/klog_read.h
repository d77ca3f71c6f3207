/* klog_read.h - reading kernel logs for `fragstat log` (klog_read.c).
 * Errors: -errno with *d filled (file and what went wrong), -EFBIG past
 * FS_KLOG_MAX_INPUT, -ENOMEM. The buffer is released with fs_buf_free(). */
#ifndef FRAGSTAT_KLOG_READ_H
#define FRAGSTAT_KLOG_READ_H

#include "klog.h"
#include "procfs.h"

/* The files a --root tree is searched for, in order (NULL-terminated). */
extern const char *const fs_klog_root_paths[];

/* Read a log file, or stdin for "-". Only regular files (and stdin). */
int fs_klog_read(const char *path, struct fs_buf *out, struct fs_diag *d);

/* Read the first of fs_klog_root_paths that exists below root, never
 * following a symbolic link inside the tree; *rel names the one read. */
int fs_klog_read_root(const char *root, const char **rel, struct fs_buf *out, struct fs_diag *d);

#endif

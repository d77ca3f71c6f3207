#include "config.h"

#include "load.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect.h"
#include "load_json.h"

int fs_load_state(const char *path, struct fs_snapshot **out, struct fs_diag *d)
{
	return fs_load_state_ex(path, false, false, NULL, out, d);
}

int fs_load_state_pages(const char *path, bool pages, struct fs_snapshot **out, struct fs_diag *d)
{
	return fs_load_state_ex(path, false, pages, NULL, out, d);
}

int fs_load_state_ex(const char *path, bool strict, bool pages, struct fs_collect_result *resp,
		     struct fs_snapshot **out, struct fs_diag *d)
{
	struct stat st;
	*out = NULL;
	if (resp)
		memset(resp, 0, sizeof *resp);
	if (!*path) {
		fs_diag_set(d, "(empty name)", 0, 0, "no such file or directory");
		return -ENOENT;
	}
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct fs_snapshot *s = fs_snapshot_new();
		struct fs_collect_result *res = resp ? resp : malloc(sizeof *res);
		struct fs_collect_opts o = { .root = path, .mask = FS_SRC_ALL, .strict = strict,
					      .pages = pages };
		if (!s || !res) {
			fs_snapshot_free(s);
			if (!resp)
				free(res);
			return -ENOMEM;
		}
		int r = fs_collect(s, &o, res, d);
		if (!resp)
			free(res);
		if (r) {
			fs_snapshot_free(s);
			return r;
		}
		*out = s;
		return 0;
	}
	struct fs_buf b;
	bool is_stdin = strcmp(path, "-") == 0;
	/* stdin is bounded at four times FS_FILE_MAX (a named file at FS_FILE_MAX). */
	int r = is_stdin ? fs_read_fd(STDIN_FILENO, 4 * (size_t)FS_FILE_MAX - 2, &b)
			 : fs_file_read_user(path, &b);
	const char *name = is_stdin ? "(stdin)" : path;
	if (r) {
		if (r == -EFBIG)
			fs_diag_set(d, name, 0, 0, "larger than fragstat reads; not a fragstat snapshot");
		else if (r == -FS_ENOTREG)
			fs_diag_set(d, name, 0, 0, "refused: not a file, pipe or directory");
		else
			fs_diag_set(d, name, 0, 0, "%s", fs_strerror(r));
		return r == -EFBIG || r == -FS_ENOTREG ? -EINVAL : r;
	}
	r = fs_json_load_snapshot(name, b.data, b.len, out, d);
	fs_buf_free(&b);
	return r;
}

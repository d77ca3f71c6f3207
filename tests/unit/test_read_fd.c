/* test_read_fd.c - fs_read_fd(), the one bounded read loop of the readers,
 * the kernel-log reader and the snapshot loader: exactly max bytes are
 * read, one more is -EFBIG, an empty input is an empty string, and the
 * bounds its three users pass keep their old limits. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klog.h"
#include "procfs.h"
#include "../tap.h"

static char tmpl[] = "/tmp/fragstat-readfd-XXXXXX";

/* A file of n bytes ('a'..'z' repeating), opened for reading at 0. */
static int file_of(size_t n)
{
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		printf("Bail out! mkstemp\n");
		exit(1);
	}
	unlink(tmpl);
	memcpy(tmpl + strlen(tmpl) - 6, "XXXXXX", 6);
	char chunk[26 * 160];   /* whole alphabets: the pattern runs on across chunks */
	for (size_t i = 0; i < sizeof chunk; i++)
		chunk[i] = (char)('a' + i % 26);
	for (size_t done = 0; done < n;) {
		size_t k = n - done < sizeof chunk ? n - done : sizeof chunk;
		if (write(fd, chunk, k) != (ssize_t)k) {
			printf("Bail out! write\n");
			exit(1);
		}
		done += k;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* fs_read_fd over an n-byte file with bound max: its return, and the
 * length read. */
static int read_n(size_t n, size_t max, size_t *len)
{
	int fd = file_of(n);
	struct fs_buf b;
	int r = fs_read_fd(fd, max, &b);
	close(fd);
	*len = r ? 0 : b.len;
	if (!r && (b.data[b.len] != '\0' || (b.len && b.data[b.len - 1] != (char)('a' + (b.len - 1) % 26))))
		r = -EIO;
	if (!r)
		fs_buf_free(&b);
	else if (b.data)
		r = -EFAULT;   /* a failed read leaves no buffer behind */
	return r;
}

int main(void)
{
	size_t len;
	static const size_t small[] = { 1, 100, 8190, 8191, 8192, 20000 };
	for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
		size_t m = small[i];
		is_int(read_n(m, m, &len), 0, "max %zu: a %zu-byte input is read", m, m);
		is_u64(len, m, "max %zu: all of it", m);
		is_int(read_n(m + 1, m, &len), -EFBIG, "max %zu: one byte more is -EFBIG", m);
		is_int(read_n(m - 1, m, &len), 0, "max %zu: one byte less is read", m);
	}
	is_int(read_n(0, 10, &len), 0, "an empty input is read");
	is_u64(len, 0, "as an empty string");
	is_int(read_n(0, 0, &len), 0, "max 0: an empty input is read");
	is_int(read_n(1, 0, &len), -EFBIG, "max 0: one byte is -EFBIG");

	/* The readers' bound: a file that fills FS_FILE_MAX - 1 bytes is
	 * refused (fs_file_read), one byte less is read. */
	char path[] = "/tmp/fragstat-readfd-XXXXXX";
	int fd = mkstemp(path);
	ok(fd >= 0, "temporary file");
	struct fs_buf b;
	ok(ftruncate(fd, FS_FILE_MAX - 2) == 0, "sparse file of FS_FILE_MAX - 2 bytes");
	is_int(fs_file_read(path, &b), 0, "fs_file_read reads FS_FILE_MAX - 2 bytes");
	is_u64(b.len, FS_FILE_MAX - 2, "all of them");
	fs_buf_free(&b);
	ok(ftruncate(fd, FS_FILE_MAX - 1) == 0, "sparse file of FS_FILE_MAX - 1 bytes");
	is_int(fs_file_read(path, &b), -EFBIG, "fs_file_read refuses FS_FILE_MAX - 1 bytes");
	ok(b.data == NULL, "and leaves no buffer");
	close(fd);
	unlink(path);

	/* The kernel-log bound: FS_KLOG_MAX_INPUT bytes are read, one more is not. */
	is_int(read_n(FS_KLOG_MAX_INPUT, FS_KLOG_MAX_INPUT, &len), 0, "FS_KLOG_MAX_INPUT bytes are read");
	is_int(read_n(FS_KLOG_MAX_INPUT + 1, FS_KLOG_MAX_INPUT, &len), -EFBIG, "one byte more is -EFBIG");
	return done_testing();
}

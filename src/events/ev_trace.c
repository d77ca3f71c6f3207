#include "config.h"

#include "ev_trace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tracefs/tracefs.h>

#define EV_MAX_CPUS 1024
#include <stdint.h>

struct ev_trace {
	struct tracefs_instance *inst;
	char *inst_dir;
	struct ev_decoder *dec;
	unsigned ncpus;
	int fds[EV_MAX_CPUS];
	int save_fds[EV_MAX_CPUS];
	size_t subbuf;
	unsigned char *buf;
	unsigned enabled;
	bool removed;
};

uint64_t ev_trace_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct ev_decoder *ev_trace_decoder(struct ev_trace *t) { return t->dec; }

/* The first tracefs mount point in /proc/self/mounts. */
static int find_tracefs(char *dir, size_t size)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char line[1024];
	int found = -ENOENT;
	if (!f)
		return -errno;
	while (fgets(line, sizeof line, f)) {
		char dev[256], mnt[512], type[64];
		if (sscanf(line, "%255s %511s %63s", dev, mnt, type) == 3 && strcmp(type, "tracefs") == 0 &&
		    strlen(mnt) < size && !strchr(mnt, '\\')) {
			memcpy(dir, mnt, strlen(mnt) + 1);   /* fits: checked above */
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static bool tracefs_supported(void)
{
	FILE *f = fopen("/proc/filesystems", "re");
	char line[256];
	bool yes = false;
	if (!f)
		return false;
	while (fgets(line, sizeof line, f))
		if (strstr(line, "\ttracefs\n"))
			yes = true;
	fclose(f);
	return yes;
}

/* Mount tracefs for this process only: a private mount namespace whose
 * mounts do not propagate back, so nothing outlives the process. */
static int mount_private(char *dir, size_t size, struct fs_diag *d)
{
	const char *mnt = "/sys/kernel/tracing";
	if (!tracefs_supported())
		return fs_diag_set(d, "/proc/filesystems", 0, 0, "this kernel has no tracefs"), -ENODEV;
	if (unshare(CLONE_NEWNS) != 0) {
		int e = errno;
		fs_diag_set(d, mnt, 0, 0, "tracefs is not mounted and a private mount namespace failed: %s",
			    strerror(e));
		return -e;
	}
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("nodev", mnt, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
		int e = errno;
		fs_diag_set(d, mnt, 0, 0, "mounting tracefs (privately) failed: %s", strerror(e));
		return -e;
	}
	snprintf(dir, size, "%s", mnt);
	return 0;
}

static bool pid_alive(long pid)
{
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int ev_trace_remove_stale(const char *tracing_dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/instances", tracing_dir);
	DIR *dir = opendir(path);
	int n = 0;
	if (!dir)
		return -errno;
	struct dirent *e;
	while ((e = readdir(dir))) {
		char *end;
		if (strncmp(e->d_name, "fragstat-", 9) != 0)
			continue;
		errno = 0;
		long pid = strtol(e->d_name + 9, &end, 10);
		if (errno || *end || end == e->d_name + 9 || pid <= 0 || pid == (long)getpid() || pid_alive(pid))
			continue;
		snprintf(path, sizeof path, "%s/instances/%s", tracing_dir, e->d_name);
		if (rmdir(path) == 0)
			n++;
	}
	closedir(dir);
	return n;
}

static int write_inst(struct ev_trace *t, const char *file, const char *val, struct fs_diag *d)
{
	if (tracefs_instance_file_write(t->inst, file, val) < 0) {
		int e = errno ? errno : EIO;
		fs_diag_set(d, file, 0, 0, "writing '%s' to the instance failed: %s", val, strerror(e));
		return -e;
	}
	return 0;
}

static int copy_file(const char *src, const char *dstdir, const char *rel)
{
	char dst[4096];
	struct fs_buf b = { 0 };
	int rc = fs_file_read(src, &b);
	if (rc)
		return rc;
	snprintf(dst, sizeof dst, "%s/%s", dstdir, rel);
	/* make the parent directories */
	for (char *p = dst + strlen(dstdir) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
			rc = -errno;
			fs_buf_free(&b);
			return rc;
		}
		*p = '/';
	}
	int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		fs_buf_free(&b);
		return rc;
	}
	if (write(fd, b.data, b.len) != (ssize_t)b.len)
		rc = -EIO;
	if (close(fd) != 0 && !rc)
		rc = -errno;
	fs_buf_free(&b);
	return rc;
}

int ev_trace_open(const struct ev_trace_opts *o, struct ev_trace **out, struct ev_trace_info *info,
		  struct fs_diag *d)
{
	char path[4096];
	int rc;

	*out = NULL;
	memset(info, 0, sizeof *info);
	if (geteuid() != 0)
		return fs_diag_set(d, NULL, 0, 0, "reading tracepoints needs root"), -EPERM;
	rc = find_tracefs(info->tracing_dir, sizeof info->tracing_dir);
	if (rc == -ENOENT) {
		rc = mount_private(info->tracing_dir, sizeof info->tracing_dir, d);
		if (rc)
			return rc;
		info->mounted_private = true;
	} else if (rc) {
		return fs_diag_set(d, "/proc/self/mounts", 0, 0, "%s", strerror(-rc)), rc;
	}
	if (tracefs_set_tracing_dir(info->tracing_dir) != 0)
		return fs_diag_set(d, info->tracing_dir, 0, 0, "libtracefs refused the tracing directory"), -EIO;
	rc = ev_trace_remove_stale(info->tracing_dir);
	if (rc < 0) {
		fs_diag_set(d, info->tracing_dir, 0, 0, "instances: %s", strerror(-rc));
		return rc;
	}
	info->stale_removed = (unsigned)rc;

	struct ev_trace *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	for (unsigned i = 0; i < EV_MAX_CPUS; i++)
		t->fds[i] = t->save_fds[i] = -1;
	*out = t;

	snprintf(path, sizeof path, "%s/events", info->tracing_dir);
	rc = ev_decoder_open(path, o->want, &t->dec, d);
	if (rc)
		return rc;
	unsigned have = ev_decoder_have(t->dec);
	if ((o->want & EV_MASK_REQUIRED & ~have) || (o->want == EV_MASK_RECORD && !(have & EV_BIT(EV_PAGE_ALLOC)))) {
		for (int k = 0; k < EV_NKINDS; k++)
			if ((o->want & (EV_MASK_REQUIRED | EV_BIT(EV_PAGE_ALLOC)) & ~have & EV_BIT(k)))
				fs_diag_set(d, path, 0, 0, "this kernel has no %s:%s tracepoint",
					    ev_kind_system(k), ev_kind_name(k));
		return -ENOENT;
	}

	snprintf(info->instance, sizeof info->instance, "fragstat-%ld", (long)getpid());
	t->inst = tracefs_instance_create(info->instance);
	if (!t->inst) {
		int e = errno ? errno : EIO;
		fs_diag_set(d, info->instance, 0, 0, "creating the tracefs instance failed: %s", strerror(e));
		return -e;
	}
	t->inst_dir = tracefs_instance_get_dir(t->inst);
	if (!t->inst_dir)
		return -ENOMEM;
	char val[32];
	snprintf(val, sizeof val, "%u", o->buffer_kb);
	/* A new instance records at once: keep it off until ev_trace_start(),
	 * so that every record is younger than the caller's start time. */
	if ((rc = write_inst(t, "tracing_on", "0", d)))
		return rc;
	/* Drop new events when full instead of overwriting old ones: losses
	 * are then counted in per_cpu/cpuN/stats "dropped events". */
	if ((rc = write_inst(t, "options/overwrite", "0", d)) ||
	    (rc = write_inst(t, "trace_clock", "mono", d)) ||
	    (rc = write_inst(t, "buffer_size_kb", val, d)))
		return rc;
	for (int k = 0; k < EV_NKINDS; k++) {
		if (!(have & EV_BIT(k)))
			continue;
		if (tracefs_event_enable(t->inst, ev_kind_system(k), ev_kind_name(k)) != 0) {
			int e = errno ? errno : EIO;
			fs_diag_set(d, ev_kind_name(k), 0, 0, "enabling the event failed: %s", strerror(e));
			return -e;
		}
		t->enabled |= EV_BIT(k);
	}

	long ps = sysconf(_SC_PAGESIZE);
	t->subbuf = ps > 0 ? (size_t)ps : 4096;
	char *sb = tracefs_instance_file_read(t->inst, "buffer_subbuf_size_kb", NULL);
	if (sb) {
		long kb = strtol(sb, NULL, 10);
		if (kb > 0 && kb <= 1024)
			t->subbuf = (size_t)kb * 1024;
		free(sb);
	}
	t->buf = malloc(t->subbuf);
	if (!t->buf)
		return -ENOMEM;
	long nc = sysconf(_SC_NPROCESSORS_CONF);
	t->ncpus = nc > 0 && nc <= EV_MAX_CPUS ? (unsigned)nc : 1;
	for (unsigned c = 0; c < t->ncpus; c++) {
		snprintf(path, sizeof path, "%s/per_cpu/cpu%u/trace_pipe_raw", t->inst_dir, c);
		t->fds[c] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (t->fds[c] < 0 && errno != ENOENT) {
			int e = errno;
			fs_diag_set(d, path, 0, 0, "%s", strerror(e));
			return -e;
		}
	}
	if (o->save_dir) {
		char src[4096];
		snprintf(src, sizeof src, "%s/events/header_page", info->tracing_dir);
		if ((rc = copy_file(src, o->save_dir, "events/header_page")))
			return fs_diag_set(d, o->save_dir, 0, 0, "saving header_page: %s", strerror(-rc)), rc;
		for (int k = 0; k < EV_NKINDS; k++) {
			if (!(have & EV_BIT(k)))
				continue;
			char rel[256];
			snprintf(rel, sizeof rel, "events/%s/%s/format", ev_kind_system(k), ev_kind_name(k));
			snprintf(src, sizeof src, "%s/%s", info->tracing_dir, rel);
			if ((rc = copy_file(src, o->save_dir, rel)))
				return fs_diag_set(d, o->save_dir, 0, 0, "saving %s: %s", rel, strerror(-rc)), rc;
		}
		snprintf(path, sizeof path, "%s/per_cpu", o->save_dir);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return fs_diag_set(d, path, 0, 0, "%s", strerror(errno)), -EIO;
		for (unsigned c = 0; c < t->ncpus; c++) {
			if (t->fds[c] < 0)
				continue;
			snprintf(path, sizeof path, "%s/per_cpu/cpu%u.raw", o->save_dir, c);
			t->save_fds[c] = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
			if (t->save_fds[c] < 0)
				return fs_diag_set(d, path, 0, 0, "%s", strerror(errno)), -EIO;
		}
	}
	info->ncpus = t->ncpus;
	info->subbuf_size = t->subbuf;
	return 0;
}

int ev_trace_start(struct ev_trace *t, struct fs_diag *d)
{
	return write_inst(t, "tracing_on", "1", d);
}

void ev_trace_stop(struct ev_trace *t)
{
	if (t && t->inst && !t->removed)
		tracefs_instance_file_write(t->inst, "tracing_on", "0");
}

int ev_trace_drain(struct ev_trace *t, ev_sink sink, void *ctx, struct ev_decode_stats *st,
		   struct fs_diag *d)
{
	for (unsigned c = 0; c < t->ncpus; c++) {
		if (t->fds[c] < 0)
			continue;
		for (;;) {
			ssize_t n = read(t->fds[c], t->buf, t->subbuf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				break;
			if (n < 0) {
				int e = errno;
				fs_diag_set(d, "trace_pipe_raw", 0, 0, "cpu %u: %s", c, strerror(e));
				return -e;
			}
			if (n == 0)
				break;
			if ((size_t)n < t->subbuf)
				memset(t->buf + n, 0, t->subbuf - (size_t)n);
			if (t->save_fds[c] >= 0 && write(t->save_fds[c], t->buf, t->subbuf) != (ssize_t)t->subbuf) {
				fs_diag_set(d, "per_cpu raw copy", 0, 0, "cpu %u: write failed", c);
				return -EIO;
			}
			int rc = ev_decode_subbuf(t->dec, t->buf, t->subbuf, (int)c, sink, ctx, st, d);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int ev_trace_lost(struct ev_trace *t, uint64_t *lost, struct fs_diag *d)
{
	char rel[64];
	uint64_t sum = 0;
	for (unsigned c = 0; c < t->ncpus; c++) {
		if (t->fds[c] < 0)
			continue;
		snprintf(rel, sizeof rel, "per_cpu/cpu%u/stats", c);
		char *s = tracefs_instance_file_read(t->inst, rel, NULL);
		if (!s)
			return fs_diag_set(d, rel, 0, 0, "cannot read the ring buffer statistics"), -EIO;
		/* kernel/trace/trace.c tracing_stats_read: "overrun: %ld" and
		 * "dropped events: %ld" lines. */
		const char *keys[] = { "\noverrun: ", "\ndropped events: " };
		for (unsigned i = 0; i < 2; i++) {
			const char *p = strstr(s, keys[i]);
			if (!p && strncmp(s, keys[i] + 1, strlen(keys[i]) - 1) == 0)
				p = s - 1;
			if (p)
				sum += strtoull(p + strlen(keys[i]), NULL, 10);
		}
		free(s);
	}
	*lost = sum;
	return 0;
}

int ev_trace_close(struct ev_trace *t)
{
	int rc = 0;
	if (!t)
		return 0;
	for (unsigned c = 0; c < t->ncpus; c++) {
		if (t->fds[c] >= 0)
			close(t->fds[c]);
		if (t->save_fds[c] >= 0)
			close(t->save_fds[c]);
		t->fds[c] = t->save_fds[c] = -1;
	}
	if (t->inst && !t->removed) {
		tracefs_instance_file_write(t->inst, "tracing_on", "0");
		for (int k = 0; k < EV_NKINDS; k++)
			if (t->enabled & EV_BIT(k))
				tracefs_event_disable(t->inst, ev_kind_system(k), ev_kind_name(k));
		if (tracefs_instance_destroy(t->inst) != 0)
			rc = errno ? -errno : -EIO;
		t->removed = true;
	}
	if (t->inst)
		tracefs_instance_free(t->inst);
	t->inst = NULL;
	tracefs_put_tracing_file(t->inst_dir);
	t->inst_dir = NULL;
	ev_decoder_free(t->dec);
	t->dec = NULL;
	free(t->buf);
	t->buf = NULL;
	free(t);
	return rc;
}

int ev_find_kcompactd(int32_t *pids, unsigned max)
{
	DIR *dir = opendir("/proc");
	unsigned n = 0;
	if (!dir)
		return -errno;
	struct dirent *e;
	while ((e = readdir(dir)) && n < max) {
		char path[300], comm[32];
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT32_MAX)
			continue;
		snprintf(path, sizeof path, "/proc/%ld/comm", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t k = read(fd, comm, sizeof comm - 1);
		close(fd);
		if (k <= 0)
			continue;
		comm[k] = 0;
		/* mm/compaction.c kcompactd_run: kthread_run(kcompactd, pgdat, "kcompactd%d", nid) */
		if (strncmp(comm, "kcompactd", 9) == 0 && comm[9] >= '0' && comm[9] <= '9')
			pids[n++] = (int32_t)pid;
	}
	closedir(dir);
	return (int)n;
}

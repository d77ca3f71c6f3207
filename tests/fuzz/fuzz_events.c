/* fuzz_events.c - libFuzzer target for the events area's own parsers, and
 * (built with -DEV_FUZZ_REPLAY) the replay of its corpus in `make check`.
 *
 * Input: the first byte selects
 *   'm'  the rest is a --save-raw "meta" file (ev_raw_meta_parse);
 *   'b'  the rest is raw sub-buffers of 4096 bytes (the last one may be
 *        short), decoded with the 6.18 format files of the fixture
 *        (ev_decode_subbuf, which must refuse what does not fit), fed to
 *        the aggregation and rendered as table and JSON.
 * Anything else is ignored. Must never crash, hang or read out of bounds.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_agg.h"
#include "ev_decode.h"
#include "ev_raw.h"
#include <jansson.h>

#include "render_events.h"

#ifndef EV_FIXTURE_EVENTS
#error "EV_FIXTURE_EVENTS must name the events directory of a fixture"
#endif

static struct ev_decoder *dec;

static int sink(const struct ev_rec *r, void *ctx)
{
	return ev_agg_feed(ctx, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fs_diag d = { 0 };
	if (size < 1)
		return 0;
	if (data[0] == 'm') {
		struct ev_raw_meta m;
		char *text = malloc(size);
		if (!text)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = 0;
		if (ev_raw_meta_parse("meta", text, size - 1, &m, &d) == 0 && m.end_ns < m.start_ns)
			abort();   /* the parser promised end >= start */
		ev_raw_meta_free(&m);
		free(text);
		return 0;
	}
	if (data[0] != 'b')
		return 0;
	if (!dec && ev_decoder_open(EV_FIXTURE_EVENTS, EV_MASK_REPORT | EV_MASK_RECORD, &dec, &d))
		abort();
	struct ev_agg_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.pageblock_order = 9;
	cfg.status_continue = 4;
	struct ev_agg *a = ev_agg_new(&cfg, 0);
	struct ev_decode_stats st = { 0 };
	unsigned char *page = malloc(4096);
	if (!a || !page)
		abort();
	for (size_t off = 1; off < size; off += 4096) {
		size_t n = size - off < 4096 ? size - off : 4096;
		memcpy(page, data + off, n);   /* an exact-size copy: ASan sees overreads */
		unsigned char *exact = malloc(n ? n : 1);
		if (!exact)
			abort();
		memcpy(exact, page, n);
		int rc = ev_decode_subbuf(dec, exact, n, 0, sink, a, &st, &d);
		free(exact);
		if (rc && rc != -EINVAL && rc != -ENOMEM)
			abort();
	}
	ev_agg_close(a, UINT64_MAX / 2);
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		ev_table_stats(null, &cfg, ev_agg_totals(a), "total", NULL, true);
		ev_prom_totals(null, &cfg, ev_agg_totals(a), NULL);
		fclose(null);
	}
	json_t *j = ev_json_stats(&cfg, ev_agg_totals(a));
	json_decref(j);
	free(page);
	ev_agg_free(a);
	return 0;
}

#ifdef EV_FUZZ_REPLAY
#include <dirent.h>
#include "procfs.h"

/* Replay every file of the corpus directories given (TAP). */
int main(int argc, char **argv)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		DIR *dir = opendir(argv[i]);
		struct dirent *e;
		if (!dir) {
			printf("not ok %d - %s: cannot open\n", ++n, argv[i]);
			continue;
		}
		while ((e = readdir(dir))) {
			char path[4096];
			struct fs_buf b = { 0 };
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
			if (fs_file_read(path, &b) == 0) {
				LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
				printf("ok %d - %s\n", ++n, e->d_name);
			} else {
				printf("not ok %d - %s: unreadable\n", ++n, e->d_name);
			}
			fs_buf_free(&b);
		}
		closedir(dir);
	}
	ev_decoder_free(dec);
	printf("1..%d\n", n);
	return 0;
}
#endif

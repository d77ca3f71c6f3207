/* sim_run.h - the simulate driver: one run of the simulator, start to end.
 *
 * sim_run_new() builds the machine (from a config, or seeded from a
 * snapshot for --from) and the workload (a preset or a trace already read
 * into memory); sim_run_exec() runs the prefill, the operations in
 * stretches (samples every `every` operations, kcompactd wakeups every
 * `interval`, invariant checks with `check`), then vm.compact_memory for
 * full compaction, and fills a struct sim_result: everything the renderer
 * shows, copied out of the machine so that no renderer reads the live
 * machine. Nothing here prints or exits: failures come back as a class
 * (what exit status the command should give) and a message.
 * Ownership: sim_run_new() returns an owned run (sim_run_free()); the
 * result and the machine it points to live as long as the run.
 */
#ifndef FRAGSTAT_SIM_RUN_H
#define FRAGSTAT_SIM_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "sim_buddy.h"
#include "sim_compact.h"
#include "sim_from.h"
#include "sim_timeline.h"
#include "sim_workload.h"
#include "snapshot.h"

/* Progress of the operations phase, for a progress line: reported after
 * progress_delay seconds of the run, then at most every SIM_RUN_PROGRESS_S
 * seconds, never for the last operation; checked every
 * SIM_RUN_PROGRESS_OPS operations. */
#define SIM_RUN_PROGRESS_OPS 65536u
#define SIM_RUN_PROGRESS_S 0.25
struct sim_progress {
	uint64_t done, total;         /* operations */
	double rate;                  /* operations a second since the run began (prefill in it) */
	double left;                  /* seconds left at that rate */
};
typedef void (*sim_progress_fn)(void *ctx, const struct sim_progress *p);

/* The vm sysctls a run uses, and where each value came from. */
enum sim_vm {
	SIM_VM_EXTFRAG_THRESHOLD,
	SIM_VM_PROACTIVENESS,
	SIM_VM_WATERMARK_SCALE_FACTOR,
	SIM_VM_MIN_FREE_KBYTES,
	SIM_VM_COMPACT_UNEVICTABLE_ALLOWED,
	SIM_VM_NR,
};
enum sim_vm_src {
	SIM_VM_SRC_DEFAULT,           /* the kernel's default (or its formula) */
	SIM_VM_SRC_OPTION,            /* given on the command line */
	SIM_VM_SRC_CAPTURE,           /* read from the --from snapshot */
};
struct sim_vm_setting {
	const char *name;             /* the sysctl's name under /proc/sys/vm */
	int64_t value;
	enum sim_vm_src src;
	bool modelled;                /* false: recorded, but the simulator has no use for it */
};
/* "default", "option", "capture". */
const char *sim_vm_src_name(enum sim_vm_src s);

/* The prediction of a --from run: free pages in blocks of order >= the
 * pageblock order after the run, per zone, as a range over seeds. */
#define SIM_RUN_SEEDS_DEFAULT 5u
#define SIM_RUN_SEEDS_MAX 1000u
struct sim_prediction {
	bool present;                 /* only with --from */
	const char *basis;            /* "layout" (the captured page layout) or "synthesized" */
	unsigned seeds;               /* runs the range is taken over */
	uint64_t seed_first, seed_last;   /* seeds seed_first..seed_last */
	uint64_t low[FS_MAX_ZONES], high[FS_MAX_ZONES];
	/* with the layout, zones whose compact_memory run stopped on a folio
	 * no target fits (no_target) and no operation ran: low is the zone
	 * before compaction, high the run where every folio can be split */
	bool early_stop[FS_MAX_ZONES];
	bool any_early_stop;
};

/* How every zone's compact_zone() run of one compaction ended. */
struct sim_compact_run {
	bool present;
	uint64_t op;                  /* after this many operations */
	struct sim_compact_end end[FS_MAX_ZONES];
};
/* End states counted per zone (any enum value, also ones added later). */
#define SIM_RUN_TALLY 32
struct sim_compact_tally {
	unsigned n;
	struct { enum sim_compact_result result; uint64_t runs; } r[SIM_RUN_TALLY];
};
struct sim_compaction {
	struct sim_compact_run compact_memory;   /* --compaction full: the run at the end */
	uint64_t kcompactd_runs;      /* proactive compactions (every zone each) */
	struct sim_compact_run kcompactd_last;
	struct sim_compact_tally kcompactd[FS_MAX_ZONES];
	struct sim_compact_run last;  /* each zone's last run of any kind (direct too) */
};

struct sim_run_opts {
	struct sim_config cfg;        /* the machine (zones ignored with from) */
	const struct fs_snapshot *from;   /* --from: seed from this snapshot, or NULL */
	const char *from_name;        /* its path, for the output and messages */
	int node;                     /* node of `from` (-1: the first) */
	enum sim_wl_kind wl;          /* SIM_WL_TRACE: replay trace_data */
	struct sim_wl_params wp;      /* wp.seed is set from seed */
	const char *trace_name;       /* for diagnostics */
	const char *trace_data;
	size_t trace_len;
	uint64_t seed;
	uint64_t ops;                 /* operations after the prefill (a trace: its own) */
	uint64_t every;               /* sample interval; 0: ops / 10 (at least 1) */
	long interval;                /* operations between kcompactd checks */
	int focus;                    /* focus order; -1: the pageblock order */
	bool check;                   /* sim_check() after every operation */
	bool perf;                    /* time the steady state and the scan unit */
	unsigned vm_given;            /* bit (1 << enum sim_vm): set on the command line */
	unsigned seeds;               /* --from: runs for the prediction range; 0: 1 with a
				       * captured layout, else SIM_RUN_SEEDS_DEFAULT */
	sim_progress_fn progress;     /* NULL: no progress calls */
	void *progress_ctx;
	double progress_delay;        /* seconds before the first progress call */
};

/* What failed, so that the command can pick its exit status. */
enum sim_run_fail {
	SIM_RUN_OK,
	SIM_RUN_USAGE,                /* the options describe no valid run */
	SIM_RUN_INPUT,                /* the snapshot or the trace is unusable */
	SIM_RUN_OUTPUT,               /* the timeline's temporary file failed */
	SIM_RUN_INTERNAL,             /* out of memory, invariant broken */
};

struct sim_run_err {
	enum sim_run_fail fail;
	bool usage_hint;              /* a usage error the command explains with --help */
	char msg[320];                /* what to print (without the program name) */
	struct fs_diag diag;          /* a trace's parse error (file:line:col) when msg is empty */
};

/* One zone of the machine, as the renderer shows it. */
struct sim_result_zone {
	char name[FS_NAME_MAX];
	uint64_t pages, start_pfn;
	uint64_t wmark[3];            /* min, low, high */
};

/* Everything a renderer needs about a finished run (no machine pointer). */
struct sim_result {
	const char *workload;
	const char *trace;            /* NULL unless a trace */
	const char *from;             /* NULL unless --from */
	const struct sim_from_info *from_info;   /* NULL unless --from */
	uint64_t seed, ops, every;
	const char *compaction;
	unsigned focus;
	/* the machine */
	uint64_t pages, page_size;
	unsigned orders, pageblock_order, nzones;
	struct sim_result_zone zones[FS_MAX_ZONES];
	uint64_t cnt[SIM_CNT_NR];     /* the counters at the end */
	bool only_frees;              /* the workload freed and never allocated */
	const struct sim_timeline *timeline;
	struct sim_vm_setting vm[SIM_VM_NR];
	struct sim_prediction prediction;
	struct sim_compaction compact;
	/* perf */
	bool perf;
	double steady_pairs_per_sec, metadata_bytes_per_page, init_ns_per_page;
	double steady_seconds;
	double compact_seconds;       /* vm.compact_memory run (full mode), < 0: none */
	double seq_pass_ns_per_page;  /* one pass over the per-page metadata, < 0: not measured */
};

struct sim_run;

/* Name of a compaction mode ("none", "direct", "proactive", "full"). */
const char *sim_compact_mode_name(enum sim_compact_mode c);
/* Parse a compaction mode name; -EINVAL when unknown. */
int sim_compact_mode_parse(const char *s, enum sim_compact_mode *out);

/* Zones from "NAME:SIZE,...,NAME" (lowest first; only the last may leave
 * out its size and gets the rest of `memory` bytes) into c, in pages of
 * c->page_size. 0 or -EINVAL. */
int sim_zones_parse(const char *spec, uint64_t memory, struct sim_config *c);

/* Build the machine and the workload. 0, or -errno with e filled. */
int sim_run_new(const struct sim_run_opts *o, struct sim_run **out, struct sim_run_err *e);
/* Run it to the end and fill the result. 0, or -errno with e filled. */
int sim_run_exec(struct sim_run *r, struct sim_run_err *e);
/* The result of sim_run_exec() (filled only after it returned 0). */
const struct sim_result *sim_run_result(const struct sim_run *r);
/* The machine (for sim_emit_*) and the effective options. */
const struct sim_machine *sim_run_machine(const struct sim_run *r);
const struct sim_run_opts *sim_run_opts(const struct sim_run *r);
void sim_run_free(struct sim_run *r);

#endif

/* cli.h - command line entry: command table, exit codes, and the few
 * helpers every cmd_*.c uses to speak to the user. Only cli*.c and cmd_*.c
 * print to stderr or end the process. */
#ifndef FRAGSTAT_CLI_H
#define FRAGSTAT_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "procfs.h"
#include "snapshot.h"

/* Documented exit statuses (man page, EXIT STATUS). */
enum fs_exit {
	FS_EXIT_OK = 0,
	FS_EXIT_USAGE = 1,      /* bad command line */
	FS_EXIT_INPUT = 2,      /* input unreadable or malformed */
	FS_EXIT_OUTPUT = 3,     /* writing the output failed (full disk, closed pipe) */
	FS_EXIT_INTERNAL = 4,   /* out of memory or another internal failure */
};

int cli_main(int argc, char **argv);

/* "fragstat: <message>\n" on stderr. */
void fs_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "fragstat: file:line:col: message\n" (line/col left out when 0). */
void fs_err_diag(const struct fs_diag *d);
struct fs_collect_result;
/* "fragstat: warning: file:line:col: message (left out; ...)" for every
 * optional file fs_collect() left out as malformed. */
void fs_warn_malformed(const struct fs_collect_result *res);

/* Report a usage error with a hint to --help; returns FS_EXIT_USAGE. */
int fs_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The tail of every command's option switch (`default:`), given
 * getopt_long()'s return c: -h prints usage on stdout and -V the version,
 * both FS_EXIT_OK through fs_finish(); ':' (a missing value) and anything
 * else (an unknown option) are usage errors naming argv[optind - 1]. */
int fs_opt_other(const char *cmd, int c, char **argv, void (*usage)(FILE *));

/* --format table|json: *json set; another value is a usage error
 * (FS_EXIT_USAGE returned, message printed), else FS_EXIT_OK. */
int fs_opt_table_json(const char *cmd, const char *arg, bool *json);

/* The exit status of a failed read, load or collection (r < 0, d filled by
 * the reader): -ENOMEM prints "out of memory" and gives FS_EXIT_INTERNAL;
 * anything else prints d and gives FS_EXIT_INPUT. */
int fs_read_failed(int r, const struct fs_diag *d);

/* Flush and close stdout; FS_EXIT_OUTPUT (with a message) when a write
 * failed, else `status`. Every command returns through this. */
int fs_finish(int status);

/* Decide colour for --color auto|always|never on stream f (NO_COLOR and
 * TERM=dumb honoured for auto). Returns -1 for an unknown mode. */
int fs_color_mode(const char *mode, FILE *f);

/* Terminal width: COLUMNS, else the tty's, else 80. */
unsigned fs_term_width(FILE *f);

/* Parse a size such as 4096, 64K, 1G (binary units, optional B/iB suffix);
 * -1 on error or overflow. */
int fs_parse_size(const char *s, uint64_t *out);

/* Parse a --page-size value (a power of two, 512 bytes .. 16 MiB); -1 on error. */
int fs_parse_page_size(const char *s, uint64_t *out);

/* Apply --page-size (0: not given) to a snapshot: only where the data does
 * not tell its page size. A different size than the data's is a usage error
 * (message printed, FS_EXIT_USAGE returned); else FS_EXIT_OK. */
int fs_apply_page_size(const char *cmd, struct fs_snapshot *s, uint64_t page_size);

/* Parse a non-negative integer option value; -1 on error. */
long fs_opt_long(const char *s, long max);

/* Commands (cmd_*.c). argv[0] is the command name; each parses its own
 * options with getopt_long and returns an enum fs_exit value. */
int cmd_snapshot_main(int argc, char **argv);
int cmd_watch_main(int argc, char **argv);
int cmd_simulate_main(int argc, char **argv);
int cmd_capture_main(int argc, char **argv);
int cmd_diff_main(int argc, char **argv);
int cmd_map_main(int argc, char **argv);
int cmd_events_main(int argc, char **argv);
int cmd_log_main(int argc, char **argv);

#endif

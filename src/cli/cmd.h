/*
** cmd.h: the subcommands. Each returns the process exit status.
** Owns:   the recognizer, store and pipeline of one invocation.
*/
#ifndef GCW_CMD_H
#define GCW_CMD_H

#include "cli.h"
#include "err.h"

int gcw_cmd_watch(const gcw_config *cfg);   /* cmd_watch.c */
int gcw_cmd_child(const gcw_config *cfg);   /* cmd_child.c */
int gcw_cmd_analyze(const gcw_config *cfg); /* cmd_analyze.c */
int gcw_cmd_follow(const gcw_config *cfg);  /* cmd_follow.c: analyze --follow */
int gcw_cmd_runs(const gcw_config *cfg);    /* cmd_runs.c */
int gcw_cmd_export(const gcw_config *cfg);  /* cmd_export.c */
int gcw_cmd_report(const gcw_config *cfg);  /* cmd_report.c */
int gcw_cmd_compare(const gcw_config *cfg); /* cmd_report.c */
int gcw_cmd_plot(const gcw_config *cfg);    /* cmd_plot.c */
int gcw_cmd_prune(const gcw_config *cfg);   /* cmd_prune.c */
/* Seconds in a duration such as "7d", "12h", "1d12h" (units s m h d w); -1 if invalid. */
double gcw_parse_duration(const char *s);

/* Shared set-up: compile the grammar and open the store; on failure report and return
** an exit status (else -1). */
struct gcw_recog;
struct gcw_store;
int gcw_cmd_open(const gcw_config *cfg, struct gcw_recog **r, struct gcw_store **s);
/* The same for watch and child mode, failing open: a database that cannot be used is
** reported on stderr and the store keeps or counts the rows (store.h); only a recognizer
** that does not compile or a lack of memory stops. */
int gcw_cmd_open_live(const gcw_config *cfg, struct gcw_recog **r, struct gcw_store **s);
/* An existing database, never created, opened read-only; a failure is reported on
** stderr (NULL). */
struct gcw_db;
struct gcw_db *gcw_cmd_open_db(const char *path);
/* --threshold / --pause-slo given: judge runs ids[0..n) again with them; db then shows
** those findings (cmd_judge.c). Returns -1, or an exit status after reporting. */
int gcw_cmd_judge_again(struct gcw_db *db, const gcw_config *cfg, const long long *ids, int n);
/* Make sure these runs have their statistics for a report: the store writes them as a
** run closes; a run without them (its bounds were exceeded) gets them computed from its
** rows now. Returns n, or -1 after reporting the failure. */
int gcw_cmd_stats(struct gcw_db *db, const long long *ids, int n);
/* The exit status for an error of a library call (the man page's EXIT STATUS): 0 for
** GCW_OK, 2 for a usage error, 4 for our own failure (out of memory, a grammar that does
** not compile, gnuplot failing on our script), 3 for everything else (input, output, database, a missing program). */
int gcw_cmd_status(gcw_err e);
/* The end of a command's output on stdout (writer.h): a reader that left (EPIPE) ends the
** command quietly (the error flag cleared, so main() does not report a stale errno);
** another failure is reported. Returns status, or 3 after a failure. */
struct gcw_writer;
int gcw_cmd_stdout_end(struct gcw_writer *w, int status);
/* --metrics: the registry and its endpoint (both NULL without --metrics). Returns -1 to go
** on, or an exit status after a one-line message. A bad --label is a usage error. When the
** endpoint cannot listen (address in use, not ours) the message is printed and, unless
** fatal, the command goes on without it: in watch and child mode the watched program's
** output must flow whatever happens to the metrics. */
struct gcw_metrics;
struct gcw_metrics_http;
int gcw_cmd_metrics_start(const gcw_config *cfg, int fatal, struct gcw_metrics **m,
                          struct gcw_metrics_http **h);
void gcw_cmd_metrics_stop(struct gcw_metrics **m, struct gcw_metrics_http **h);
/* The summary of a live session on stderr (unless --quiet, or nothing was read): cycles,
** runs, findings by severity, where the data is; over n pipelines (follow: one per file). */
struct gcw_pipeline;
void gcw_cmd_live_summary(const gcw_config *cfg, struct gcw_pipeline *const *p, int n);
/* Close the store; report a failure. Returns status, or the worse of status and 3. */
int gcw_cmd_close(struct gcw_store **s, int status);

#endif

/*
** store.h: the SQLite sink: every event, run, source and unparsed line, as rows.
** Owns:   the database connection and its prepared statements.
** Input:  events with their run, runs when they open and close, unparsed lines.
** Output: the tables of docs/schema.md (a public contract, PRAGMA user_version 1).
** Never:  builds SQL from data: every value is a bound parameter.
**
** Batching: event rows wait per table and shape (the fields a line fills) and go in with
** one multi-row INSERT; rows go into one transaction, committed every GCW_BATCH_ROWS rows, on
** gcw_store_tick() when GCW_COMMIT_MS have passed (watch mode), and at close.
** States: IDLE -(first row)-> IN_TX -(commit)-> IDLE; a failed write sets `failed`
** and every later call returns GCW_EDB with the first error kept for the message.
*/
#ifndef GCW_STORE_H
#define GCW_STORE_H

#include "err.h"
#include "event.h"
#include "procsample.h"
#include "runs.h"
#include "store_read.h"

#include <stddef.h>

typedef struct gcw_store gcw_store;

gcw_err gcw_store_open(gcw_store **out, const char *path, char *msg, size_t msglen);
/* The same for an import (analyze): a database that does not exist yet is built under a
** temporary name with no journal and gets its name at a successful close, so an
** interrupted import leaves no database; an existing one is opened as above. */
gcw_err gcw_store_open_import(gcw_store **out, const char *path, char *msg, size_t msglen);
/* Fail open (watch and child mode): whatever happens to the database, no call fails (but
** for out of memory). A database that cannot take rows now (locked by another writer,
** disk full, cannot be opened yet) makes the store keep them in memory, up to
** GCW_STORE_QUEUE_MAX bytes, and write them on a later tick; one that never can (not a
** database, newer schema, read-only) makes it count them. notice() gets one line per
** change (paused, resumed, given up). gcw_store_close() returns GCW_EDB with "N rows
** were not stored (cause)" as its message when rows were lost. */
typedef void (*gcw_store_notice)(void *ctx, const char *msg);
gcw_err gcw_store_open_live(gcw_store **out, const char *path, gcw_store_notice notice,
                            void *ctx);
/* How storing goes, for --metrics: up is 1 while the database takes rows; waiting, the rows
** kept in memory until it can (fail-open); lost, the rows it will never get. */
typedef struct gcw_store_health {
  int up;
  long waiting;
  long lost;
} gcw_store_health;
gcw_store_health gcw_store_health_now(gcw_store *s);
/* The id `report --run` takes for a run the store was given: run_id itself, or the
** database's id of a run opened while the database was unavailable (fail-open: callers
** got a provisional id, GCW_PROVISIONAL_ID up); 0 while that run is not stored yet. */
long long gcw_store_run_shown(gcw_store *s, long long run_id);
/* Commit what is pending (fail-open: the last attempt); then gcw_store_errmsg() says what
** was not stored. */
gcw_err gcw_store_flush(gcw_store *s);
/* Commit, build indexes and close. Returns the first error of the session, if any. */
gcw_err gcw_store_close(gcw_store **pp);
const char *gcw_store_errmsg(const gcw_store *s);
/* A reader over the store's own connection (it sees the rows not yet committed), for
** analyze's report and plot of what it just read. Owned by the store: valid until
** gcw_store_close(); never close it. */
gcw_db *gcw_store_reader(gcw_store *s);

gcw_err gcw_store_source_begin(gcw_store *s, const char *path, const char *kind,
                               long long *id);
gcw_err gcw_store_source_end(gcw_store *s, long long id, long long bytes, const char *sha256,
                             long lines, long overlong);
/* One file of a source read as one stream (a logrotate set): its line range. */
gcw_err gcw_store_source_file(gcw_store *s, long long source_id, int ordinal, const char *path,
                              const char *kind, long first_line, long lines, long long bytes);
/* *other: the oldest other source with this content (same sha256), or 0. */
gcw_err gcw_store_find_duplicate(gcw_store *s, long long source_id, const char *sha256,
                                 long long *other);
/* Sources named path (a file or a list of files) whose import never ended (killed): their
** ids, in order; returns how many (at most max), -1 on error. */
int gcw_store_unfinished(gcw_store *s, const char *path, long long *ids, int max);
/* The latest finished import of the one plain file path: where it stopped (bytes, lines,
** the digest of those bytes), its last run as stored. 1 found, 0 none, -1 error. */
typedef struct gcw_import_info {
  long long source_id, bytes;
  char sha256[65];
  long lines, overlong;
  int files, ordinals, have_run;
  gcw_run run;
} gcw_import_info;
int gcw_store_last_import(gcw_store *s, const char *path, gcw_import_info *info);
/* The source is being continued: unfinished again (bytes NULL) until its new end; a
** continuation killed midway is then replaced whole by the next import. */
gcw_err gcw_store_source_reopen(gcw_store *s, long long id);
/* Remove a source and every row read from it. */
gcw_err gcw_store_source_delete(gcw_store *s, long long id);
gcw_err gcw_store_run_open(gcw_store *s, long long source_id, gcw_run *run);
gcw_err gcw_store_run_close(gcw_store *s, const gcw_run *run);
gcw_err gcw_store_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                        const char *wall);
gcw_err gcw_store_unparsed(gcw_store *s, long long source_id, long line, const char *text,
                           size_t len, const char *why);
/* The most severe finding of a source's runs: 0 none, 1 info, 2 warn, 3 error. */
int gcw_store_worst_finding(gcw_store *s, long long source_id);
/* Ids of the runs of a source, in order; returns how many (at most max). */
int gcw_store_run_ids(gcw_store *s, long long source_id, long long *ids, int max);
/* A finding of a detector (detect.h): insert it, then update it as its episode goes on. */
struct gcw_finding;
gcw_err gcw_store_finding_add(gcw_store *s, long long run_id, const struct gcw_finding *f,
                              long long *id);
gcw_err gcw_store_finding_update(gcw_store *s, long long id, const struct gcw_finding *f);
/* A sample of the process's memory (procsample.h), on the run's @t axis. */
gcw_err gcw_store_sample(gcw_store *s, long long run_id, const gcw_proc_sample *ps);
/* What is known of a run before its first line: the user's labels and, in child mode, the
** program and the settings it ran with (docs/schema.md: run_labels, run_program). */
typedef struct gcw_run_meta {
  const char *const *labels;  /* "KEY=VALUE" (--label, checked by cli.c) */
  int nlabels;
  char *const *argv;          /* child mode: PROG ARGS..., NULL-terminated; else NULL */
  const char *env[4];         /* GOGC, GOMEMLIMIT, GOMAXPROCS, GODEBUG as PROG got them */
} gcw_run_meta;
/* Store a new run's labels and program (labels.c). */
gcw_err gcw_store_run_meta(gcw_store *s, long long run_id, const gcw_run_meta *m);
/* A finding that is a symptom of another (detect.h: part_of), in finding_parts. */
gcw_err gcw_store_finding_part(gcw_store *s, long long id, long long part_of);
/* Commit if GCW_COMMIT_MS passed since the last commit (or now, if force). */
gcw_err gcw_store_tick(gcw_store *s, int force);

#endif

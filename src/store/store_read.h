/*
** store_read.h: reading the store back: the runs listing, export, report, compare, plot.
** Owns:   a read connection (gcw_db) and the cursors (gcw_rows) opened on it.
** Input:  a database the store wrote (docs/schema.md), opened read-only, or the writer's
**         own connection (gcw_store_reader) when analyze reports what it just read.
** Output: rows as typed values (gcw_rows_int/real/text...), in the column order each
**         query below documents, or a few typed answers (a run exists, its statistics).
** Never:  lets SQL text or a SQLite handle out: the queries are the fixed list below
**         (enum gcw_query), every value a bound parameter; export names a table of
**         gcw_store_tables[], never a string from the command line.
**
** Errors: a call that fails returns GCW_EDB (or -1 where it returns a count) and
** gcw_db_errmsg() says why, as SQLite put it.
*/
#ifndef GCW_STORE_READ_H
#define GCW_STORE_READ_H

#include "err.h"
#include "stats.h"

#include <stddef.h>

typedef struct gcw_db gcw_db;
typedef struct gcw_rows gcw_rows;

/* Open an existing database (never created). The header is read at once, so a file that
** is not a database fails here. writable 0: read-only; 1: read-write. On failure msg
** holds the reason (the system's for a file that cannot be opened). */
gcw_err gcw_db_open(gcw_db **out, const char *path, int writable, char *msg, size_t msglen);
void gcw_db_close(gcw_db **db);
const char *gcw_db_errmsg(const gcw_db *db);

/* ---- queries: what each returns, column by column ---- */

enum gcw_query {
  GCW_Q_RUNS,           /* every run, by id: the `runs` listing (GCW_RL_*) */
  GCW_Q_RUN_IDS_FROM,   /* id of every run with id > ?1, by id */
  GCW_Q_RUN_ID,         /* id of run ?1 (no row: there is none) */
  GCW_Q_RUN_LATEST,     /* max(id) of the runs with id > ?1 (NULL when there is none) */
  GCW_Q_RUN,            /* run ?1 with its source (GCW_R_*; the names are JSON keys) */
  GCW_Q_FINDINGS,       /* findings of run ?1, worst first (GCW_F_*; names are JSON keys) */
  GCW_Q_FINDING_COUNTS, /* run ?1: count(*), errors, warns, infos */
  GCW_Q_RUN_FILE,       /* run ?1: the file it began in, when its source is several files */
  GCW_Q_HEAP_PEAK,      /* run ?1: largest heap (start or end of a cycle), largest goal,
                        ** count(heap_live_mb) (MB) */
  GCW_Q_LIVE_AT_RANK,   /* run ?1: heap_live_mb at rank ?2 from the smallest (0 first) */
  GCW_Q_KINDS,          /* finding kinds of runs ?1 and ?2: kind, count in ?1, in ?2 */
  GCW_Q_PLOT_RUN,       /* run ?1: format, procs, source path, kind, added_at, ordinal */
  GCW_Q_PLOT_LAST_WALL, /* run ?1: the latest wall of any of its lines (NULL: none) */
  GCW_Q_PLOT_THRASH_GC, /* run ?1: the first cycle of its memlimit_thrash findings */
  GCW_Q_PLOT_LABELS,    /* run ?1: key, value of its run_labels (only when that table is
                        ** there: gcw_db_has_table) */
  GCW_Q_PLOT_PROGRAM,   /* run ?1: gomemlimit of its run_program row (child mode; idem) */
  GCW_Q_PLOT_SHAPE,     /* cycles of run ?1 (GCW_PS_*): counts and ranges */
  GCW_Q_PLOT_MAX_PAUSE, /* run ?1: the largest pause_ms and its gc (the first on a tie) */
  GCW_Q_PLOT_PAUSE_AT,  /* run ?1: pause_ms at rank ?2 from the top (0: the largest) */
  GCW_Q_PLOT_OTHERS,    /* run ?1: scav lines, scvg lines, findings other than info */
  GCW_Q_PLOT_CYCLES,    /* cycles of run ?1 in gc order (GCW_PC_*) */
  GCW_Q_PLOT_CYCLE_X,   /* cycles of run ?1 in gc order: gc, wall, t_s */
  GCW_Q_PLOT_SCAV,      /* scavtrace lines of run ?1 in gc order (GCW_PV_*) */
  GCW_Q_PLOT_SCVG,      /* gctrace scvg lines of run ?1 in gc order (GCW_PV_*) */
  GCW_Q_PLOT_FINDINGS,  /* warn and error findings of run ?1 in time order (GCW_PF_*) */
  GCW_Q_PLOT_SAMPLES_SHAPE, /* process samples of run ?1 (GCW_PP_COUNT...): counts, ranges */
  GCW_Q_PLOT_SAMPLES,   /* process samples of run ?1 in time order (GCW_PP_WALL...) */
  GCW_NQUERIES
};

/* GCW_Q_RUNS. The first and last wall come from the run's gc_cycles (watch mode). */
enum { GCW_RL_ID, GCW_RL_PATH, GCW_RL_CYCLES, GCW_RL_MISSING, GCW_RL_REPAIRED, GCW_RL_FORMAT,
       GCW_RL_PROCS, GCW_RL_FIRST_T, GCW_RL_LAST_T, GCW_RL_FIRST_WALL, GCW_RL_LAST_WALL };
/* GCW_Q_RUN */
enum { GCW_R_ID, GCW_R_ORDINAL, GCW_R_SOURCE_ID, GCW_R_SOURCE, GCW_R_FORMAT, GCW_R_ERA_MIN,
       GCW_R_ERA_MAX, GCW_R_PROCS, GCW_R_CYCLES, GCW_R_FIRST_GC, GCW_R_LAST_GC, GCW_R_FIRST_T,
       GCW_R_LAST_T, GCW_R_MISSING, GCW_R_REPAIRED, GCW_R_UNKNOWN, GCW_R_SCAV, GCW_R_PACER,
       GCW_R_FORCED, GCW_R_FIRST_LINE, GCW_R_LAST_LINE, GCW_R_UNPARSED, GCW_R_FIRST_WALL,
       GCW_R_LAST_WALL, GCW_R_OPEN /* 1: not closed yet: totals counted from its rows */ };
/* GCW_Q_FINDINGS */
enum { GCW_F_ID, GCW_F_KIND, GCW_F_SEVERITY, GCW_F_GC, GCW_F_T, GCW_F_WALL, GCW_F_END_GC,
       GCW_F_END_T, GCW_F_VALUE, GCW_F_THRESHOLD, GCW_F_UNIT, GCW_F_MESSAGE, GCW_F_NEXT,
       GCW_F_END_WALL };
/* GCW_Q_PLOT_SHAPE: count(*), count(wall), count(t_s), count(heap_live_mb),
** count(pause_ms), forced cycles, count(cpu_assist_ms), min/max t_s, wall, gc. */
enum { GCW_PS_CYCLES, GCW_PS_WALLS, GCW_PS_TS, GCW_PS_LIVE, GCW_PS_PAUSES, GCW_PS_FORCED,
       GCW_PS_CPU, GCW_PS_MIN_T, GCW_PS_MAX_T, GCW_PS_MIN_WALL, GCW_PS_MAX_WALL, GCW_PS_MIN_GC,
       GCW_PS_MAX_GC };
/* GCW_Q_PLOT_CYCLES */
enum { GCW_PC_WALL, GCW_PC_T, GCW_PC_GC, GCW_PC_LIVE, GCW_PC_START, GCW_PC_GOAL, GCW_PC_END,
       GCW_PC_PAUSE, GCW_PC_FORCED, GCW_PC_CPU, GCW_PC_STW1, GCW_PC_ASSIST, GCW_PC_BG,
       GCW_PC_IDLE, GCW_PC_STW2, GCW_PC_PROCS };
/* GCW_Q_PLOT_SCAV: gc, wall, released MiB, work MiB, util %, NULL, NULL.
** GCW_Q_PLOT_SCVG: gc, wall, sys, consumed, heap released, inuse, released (MB). */
enum { GCW_PV_GC, GCW_PV_WALL, GCW_PV_FIRST };
/* GCW_Q_PLOT_FINDINGS */
enum { GCW_PF_GC, GCW_PF_KIND, GCW_PF_SEVERITY, GCW_PF_T };
/* GCW_Q_PLOT_SAMPLES_SHAPE: count(*), count(cgroup_max_mb), min/max t_s, min/max wall.
** GCW_Q_PLOT_SAMPLES: wall, t_s, rss, anon, file, lazyfree, cgroup max, cgroup current
** (MB). Both need the process_samples table (gcw_db_has_samples). */
enum { GCW_PP_COUNT, GCW_PP_CGROUP_MAX, GCW_PP_MIN_T, GCW_PP_MAX_T, GCW_PP_MIN_WALL,
       GCW_PP_MAX_WALL };
enum { GCW_PP_WALL, GCW_PP_T, GCW_PP_RSS, GCW_PP_ANON, GCW_PP_FILE, GCW_PP_LAZY, GCW_PP_CGMAX,
       GCW_PP_CGCUR };

/* ---- cursors ---- */

/* The type of a value, as stored. */
enum gcw_type { GCW_TYPE_NULL, GCW_TYPE_INT, GCW_TYPE_REAL, GCW_TYPE_TEXT, GCW_TYPE_BLOB };

/* Open query q with ?1 = a and ?2 = b (queries with one parameter ignore b). */
gcw_err gcw_rows_open(gcw_db *db, gcw_rows **out, enum gcw_query q, long long a, long long b);
/* Every row of a table of gcw_store_tables[] (SELECT *, in its natural order); run > 0:
** only the rows of that run (of its source for sources, source_files and unparsed). */
gcw_err gcw_rows_open_table(gcw_db *db, gcw_rows **out, const char *table, long long run);
/* Step: 1 a row is there, 0 the end, -1 an error. */
int gcw_rows_next(gcw_rows *r);
/* Back to before the first row, to walk the same rows again. */
void gcw_rows_rewind(gcw_rows *r);
void gcw_rows_close(gcw_rows **r);

/* The current row. Values convert as SQLite converts them: NULL reads as 0, 0.0 or a
** NULL pointer; text and blob pointers are valid until the next step. */
int gcw_rows_ncols(const gcw_rows *r);
const char *gcw_rows_name(const gcw_rows *r, int c);
enum gcw_type gcw_rows_type(const gcw_rows *r, int c);
int gcw_rows_null(const gcw_rows *r, int c);
long long gcw_rows_int(const gcw_rows *r, int c);
double gcw_rows_real(const gcw_rows *r, int c);
double gcw_rows_real_or_nan(const gcw_rows *r, int c); /* NAN for NULL */
const unsigned char *gcw_rows_text(const gcw_rows *r, int c);
const void *gcw_rows_blob(const gcw_rows *r, int c);
size_t gcw_rows_bytes(const gcw_rows *r, int c); /* of the text or blob */

/* ---- typed answers ---- */

/* The tables of docs/schema.md, NULL-terminated: what `export --table` may name. */
extern const char *const gcw_store_tables[];
int gcw_store_table_known(const char *name);

/* A table of that name exists: 1, 0, or -1 on a database error. For the tables a later
** schema adds (run_labels, run_program), which a store written before has not. */
int gcw_db_has_table(gcw_db *db, const char *name);

/* Run id exists: 1, 0, or -1 on a database error. */
int gcw_db_run_exists(gcw_db *db, long long id);
/* The latest run that has at least one cycle; 0 when none, -1 on a database error. */
long long gcw_db_latest_run_with_cycles(gcw_db *db);
/* A finding of run `run` at or above `severity` (warn or error): 1, 0, or -1. */
int gcw_db_has_finding_at(gcw_db *db, long long run, const char *severity);
/* The database has the process_samples table (issue 15; a store written before it has
** not): 1, 0, or -1 on a database error. */
int gcw_db_has_samples(gcw_db *db);

/* The stored statistics of a run (stats.h): v[i] and has[i] = 1 for each non-NULL row,
** indexed by enum gcw_stat; names this program does not know are skipped. */
gcw_err gcw_db_stats_load(gcw_db *db, long long run, double v[GCW_STAT_COUNT],
                          unsigned char has[GCW_STAT_COUNT]);
/* A run's labels (run_labels) as "k=v, k2=v2" (empty when none), for runs, report and plot
** titles; the same as a JSON object {"k":"v",...}; its program (run_program) as a JSON
** object, or "null". A value too long for buf is left out whole (labels.c). */
void gcw_store_labels_text(gcw_db *db, long long run_id, char *buf, size_t n);
void gcw_store_labels_json(gcw_db *db, long long run_id, char *buf, size_t n);
void gcw_store_program_json(gcw_db *db, long long run_id, char *buf, size_t n);
/* Make sure runs ids[0..n) have all their statistics, computed from the cycles they have
** now (a run still being written has more than its stored `cycles`). Missing ones are
** computed and stored: the database is reopened read-write for that (db then holds the
** new connection); one that cannot be written gets them in a TEMP copy of `stats`, for
** this connection only. On GCW_EDB *what says which step failed ("cannot read
** database" or "cannot compute statistics") and gcw_db_errmsg() why. */
gcw_err gcw_db_stats_ensure(gcw_db *db, const long long *ids, int n, const char **what);

#endif

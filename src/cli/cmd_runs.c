/*
** cmd_runs.c: `gctrace-watch runs`: one aligned line per run of the store.
** Input:  the database, opened read-only (a missing one is an error, never created).
** Output: a header and one line per run on stdout, or "no runs".
** Never:  writes to the database. The query runs twice (measure the columns, then
**         print), so memory does not grow with the number of runs.
*/
#include "cmd.h"

#include "err.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* The columns printed, in order. */
enum { C_RUN, C_SOURCE, C_FIRST, C_LAST, C_CYCLES, C_MISSING, C_REPAIRED, C_FORMAT, C_PROCS,
       NCOLS };

static const struct {
  const char *head;
  int right; /* right-aligned (numbers) */
} columns[NCOLS] = {
    [C_RUN] = {"RUN", 1},         [C_SOURCE] = {"SOURCE", 0},    [C_FIRST] = {"FIRST", 0},
    [C_LAST] = {"LAST", 0},       [C_CYCLES] = {"CYCLES", 1},    [C_MISSING] = {"MISSING", 1},
    [C_REPAIRED] = {"REPAIRED", 1}, [C_FORMAT] = {"FORMAT", 0}, [C_PROCS] = {"PROCS", 1}};

/* Result columns of runs_sql. */
enum { Q_ID, Q_PATH, Q_CYCLES, Q_MISSING, Q_REPAIRED, Q_FORMAT, Q_PROCS, Q_FIRST_T, Q_LAST_T,
       Q_FIRST_WALL, Q_LAST_WALL };

/* The first and last wall of a run come from its gc_cycles rows (watch mode); a run read
** by analyze has none, and then @t of its first and last cycles is shown instead. */
static const char runs_sql[] =
    "SELECT r.id, s.path, r.cycles, r.missing_cycles, r.repaired, r.format, r.procs, "
    "r.first_t_s, r.last_t_s, "
    "(SELECT wall FROM gc_cycles WHERE run_id = r.id AND wall IS NOT NULL "
    "ORDER BY line LIMIT 1), "
    "(SELECT wall FROM gc_cycles WHERE run_id = r.id AND wall IS NOT NULL "
    "ORDER BY line DESC LIMIT 1) "
    "FROM runs AS r LEFT JOIN sources AS s ON s.id = r.source_id ORDER BY r.id";

/* One run, formatted. cell[] points into the buffers here or into the statement's row
** (valid until the next step). */
typedef struct row {
  const char *cell[NCOLS];
  char num[NCOLS][24];
  char first[48], last[48];
  char source[4096]; /* the path, control characters shown as '?' (longer ones cut) */
} row;

typedef struct printer {
  FILE *out;
  int width[NCOLS];
  int err_no; /* errno of the first failed write; 0 while none */
} printer;

static const char *text_or_dash(sqlite3_stmt *st, int q) {
  const unsigned char *t = sqlite3_column_text(st, q);
  return t ? (const char *)t : "-";
}

/* A path may hold a newline or a tab: shown as '?', they cannot break the table. */
static const char *source_cell(row *r, sqlite3_stmt *st) {
  const char *t = text_or_dash(st, Q_PATH);
  size_t n = 0;
  for (; n < sizeof r->source - 1 && t[n]; n++)
    r->source[n] = (unsigned char)t[n] < 0x20 || t[n] == 0x7f ? '?' : t[n];
  r->source[n] = '\0';
  return r->source;
}

static const char *int_cell(row *r, int c, sqlite3_stmt *st, int q) {
  if (sqlite3_column_type(st, q) == SQLITE_NULL)
    return "-";
  snprintf(r->num[c], sizeof r->num[c], "%lld", sqlite3_column_int64(st, q));
  return r->num[c];
}

/* "@12.345s" (Go prints @t with three decimals), or "-" when the cycle carried none. */
static const char *t_cell(char *buf, size_t n, sqlite3_stmt *st, int q) {
  if (sqlite3_column_type(st, q) == SQLITE_NULL)
    return "-";
  snprintf(buf, n, "@%.3fs", sqlite3_column_double(st, q));
  return buf;
}

/* First/last: both walls when the run has any, else both @t: never one of each. */
static void time_cells(row *r, sqlite3_stmt *st) {
  if (sqlite3_column_type(st, Q_FIRST_WALL) != SQLITE_NULL) {
    snprintf(r->first, sizeof r->first, "%s", text_or_dash(st, Q_FIRST_WALL));
    snprintf(r->last, sizeof r->last, "%s", text_or_dash(st, Q_LAST_WALL));
    r->cell[C_FIRST] = r->first;
    r->cell[C_LAST] = r->last;
    return;
  }
  r->cell[C_FIRST] = t_cell(r->first, sizeof r->first, st, Q_FIRST_T);
  r->cell[C_LAST] = t_cell(r->last, sizeof r->last, st, Q_LAST_T);
}

static void format_row(row *r, sqlite3_stmt *st) {
  r->cell[C_RUN] = int_cell(r, C_RUN, st, Q_ID);
  r->cell[C_SOURCE] = source_cell(r, st);
  time_cells(r, st);
  r->cell[C_CYCLES] = int_cell(r, C_CYCLES, st, Q_CYCLES);
  r->cell[C_MISSING] = int_cell(r, C_MISSING, st, Q_MISSING);
  r->cell[C_REPAIRED] = int_cell(r, C_REPAIRED, st, Q_REPAIRED);
  r->cell[C_FORMAT] = text_or_dash(st, Q_FORMAT);
  r->cell[C_PROCS] = int_cell(r, C_PROCS, st, Q_PROCS);
}

static void measure(printer *p, const char *const cell[NCOLS]) {
  for (int c = 0; c < NCOLS; c++) {
    size_t n = strlen(cell[c]);
    if (n > (size_t)p->width[c])
      p->width[c] = (int)n;
  }
}

/* One line; the last column gets no trailing blanks. */
static void print_line(printer *p, const char *const cell[NCOLS]) {
  for (int c = 0; c < NCOLS && !p->err_no; c++) {
    const char *sep = c == 0 ? "" : "  ";
    int w = c == NCOLS - 1 && !columns[c].right ? 0 : p->width[c];
    errno = 0;
    if (fprintf(p->out, columns[c].right ? "%s%*s" : "%s%-*s", sep, w, cell[c]) < 0)
      p->err_no = errno ? errno : EIO;
  }
  errno = 0;
  if (!p->err_no && putc('\n', p->out) == EOF)
    p->err_no = errno ? errno : EIO;
}

/* Step through every run; print them, or only measure them. Returns the step's result. */
static int each_run(printer *p, sqlite3_stmt *st, int print, long *nruns) {
  row r;
  int rc = SQLITE_DONE;
  *nruns = 0;
  while (!p->err_no && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    format_row(&r, st);
    if (print)
      print_line(p, r.cell);
    else
      measure(p, r.cell);
    ++*nruns;
  }
  sqlite3_reset(st);
  return p->err_no ? SQLITE_DONE : rc;
}

static void put_text(printer *p, const char *text) {
  errno = 0;
  if (!p->err_no && fputs(text, p->out) == EOF)
    p->err_no = errno ? errno : EIO;
}

/* Measure every run, then print the header and every run (or "no runs"). */
static int list_runs(sqlite3 *db, const char *path, printer *p) {
  sqlite3_stmt *st = NULL;
  const char *head[NCOLS];
  long nruns = 0;
  for (int c = 0; c < NCOLS; c++) {
    head[c] = columns[c].head;
    p->width[c] = (int)strlen(head[c]);
  }
  int rc = sqlite3_prepare_v2(db, runs_sql, -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = each_run(p, st, 0, &nruns);
  if (rc == SQLITE_DONE && nruns == 0) {
    put_text(p, "no runs\n");
  } else if (rc == SQLITE_DONE) {
    print_line(p, head);
    rc = each_run(p, st, 1, &nruns);
  }
  if (rc != SQLITE_DONE)
    fprintf(stderr, "gctrace-watch: %s: cannot read database: %s\n", path, sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? GCW_EXIT_OK : GCW_EXIT_IO;
}


/* A closed stdout (EPIPE) ends quietly: the reader has all it wanted. The error flag is
** cleared so that main() does not report it from a stale errno. */
static int stdout_status(printer *p, int status) {
  errno = 0;
  if (!p->err_no && fflush(p->out) != 0)
    p->err_no = errno ? errno : EIO;
  if (!p->err_no)
    return status;
  if (p->err_no == EPIPE) {
    clearerr(p->out);
    return status;
  }
  fprintf(stderr, "gctrace-watch: stdout: %s\n", strerror(p->err_no));
  return GCW_EXIT_IO;
}

int gcw_cmd_runs(const gcw_config *cfg) {
  printer p = {stdout, {0}, 0};
  sqlite3 *db = gcw_cmd_open_db(cfg->db, 0);
  if (!db)
    return GCW_EXIT_IO;
  int status = list_runs(db, cfg->db, &p);
  sqlite3_close(db);
  return stdout_status(&p, status);
}

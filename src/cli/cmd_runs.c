/*
** cmd_runs.c: `gctrace-watch runs`: one aligned line per run of the store.
** Input:  the database, opened read-only (a missing one is an error, never created).
** Output: a header and one line per run on stdout, or "no runs".
** Never:  writes to the database. The query runs twice (measure the columns, then
**         print), so memory does not grow with the number of runs.
*/
#include "cmd.h"

#include "err.h"
#include "json.h"
#include "safetext.h"
#include "store_read.h"
#include "writer.h"

#include <stdio.h>
#include <string.h>

/* The columns printed, in order. */
enum { C_RUN, C_SOURCE, C_FIRST, C_LAST, C_CYCLES, C_MISSING, C_REPAIRED, C_FORMAT, C_PROCS,
       C_LABELS, NCOLS };

static const struct {
  const char *head;
  int right; /* right-aligned (numbers) */
} columns[NCOLS] = {
    [C_RUN] = {"RUN", 1},         [C_SOURCE] = {"SOURCE", 0},    [C_FIRST] = {"FIRST", 0},
    [C_LAST] = {"LAST", 0},       [C_CYCLES] = {"CYCLES", 1},    [C_MISSING] = {"MISSING", 1},
    [C_REPAIRED] = {"REPAIRED", 1}, [C_FORMAT] = {"FORMAT", 0}, [C_PROCS] = {"PROCS", 1},
    [C_LABELS] = {"LABELS", 0}};

/* One run, formatted. cell[] points into the buffers here or into the statement's row
** (valid until the next step). */
typedef struct row {
  const char *cell[NCOLS];
  char num[NCOLS][24];
  char first[48], last[48];
  char source[4096]; /* the path, control characters shown as '?' (longer ones cut) */
  char labels[1024]; /* run_labels as k=v, k2=v2 ("-": none) */
} row;

typedef struct printer {
  gcw_writer w; /* stdout (writer.h: the first failure stops the output) */
  gcw_db *db;
  int ncols;    /* columns printed: LABELS only when some run has labels */
  int width[NCOLS];
} printer;

static const char *text_or_dash(gcw_rows *st, int q) {
  const unsigned char *t = gcw_rows_text(st, q);
  return t ? (const char *)t : "-";
}

/* A path may hold anything: control characters (C0, DEL, C1; safetext.h) shown as '?',
** so that they can neither break the table nor reach the terminal. */
static const char *source_cell(row *r, gcw_rows *st) {
  const char *t = text_or_dash(st, GCW_RL_PATH);
  gcw_safe_text_q(r->source, sizeof r->source, t, strlen(t));
  return r->source;
}

static const char *int_cell(row *r, int c, gcw_rows *st, int q) {
  if (gcw_rows_null(st, q))
    return "-";
  snprintf(r->num[c], sizeof r->num[c], "%lld", gcw_rows_int(st, q));
  return r->num[c];
}

/* "@12.345s" (Go prints @t with three decimals), or "-" when the cycle carried none. */
static const char *t_cell(char *buf, size_t n, gcw_rows *st, int q) {
  if (gcw_rows_null(st, q))
    return "-";
  snprintf(buf, n, "@%.3fs", gcw_rows_real(st, q));
  return buf;
}

/* First/last: both walls when the run has any, else both @t: never one of each. */
static void time_cells(row *r, gcw_rows *st) {
  if (!gcw_rows_null(st, GCW_RL_FIRST_WALL)) {
    snprintf(r->first, sizeof r->first, "%s", text_or_dash(st, GCW_RL_FIRST_WALL));
    snprintf(r->last, sizeof r->last, "%s", text_or_dash(st, GCW_RL_LAST_WALL));
    r->cell[C_FIRST] = r->first;
    r->cell[C_LAST] = r->last;
    return;
  }
  r->cell[C_FIRST] = t_cell(r->first, sizeof r->first, st, GCW_RL_FIRST_T);
  r->cell[C_LAST] = t_cell(r->last, sizeof r->last, st, GCW_RL_LAST_T);
}

static void format_row(printer *p, row *r, gcw_rows *st) {
  gcw_store_labels_text(p->db, gcw_rows_int(st, GCW_RL_ID), r->labels, sizeof r->labels);
  r->cell[C_LABELS] = r->labels[0] ? r->labels : "-";
  r->cell[C_RUN] = int_cell(r, C_RUN, st, GCW_RL_ID);
  r->cell[C_SOURCE] = source_cell(r, st);
  time_cells(r, st);
  r->cell[C_CYCLES] = int_cell(r, C_CYCLES, st, GCW_RL_CYCLES);
  r->cell[C_MISSING] = int_cell(r, C_MISSING, st, GCW_RL_MISSING);
  r->cell[C_REPAIRED] = int_cell(r, C_REPAIRED, st, GCW_RL_REPAIRED);
  r->cell[C_FORMAT] = text_or_dash(st, GCW_RL_FORMAT);
  r->cell[C_PROCS] = int_cell(r, C_PROCS, st, GCW_RL_PROCS);
}

static void measure(printer *p, const char *const cell[NCOLS]) {
  if (strcmp(cell[C_LABELS], "-") != 0)
    p->ncols = NCOLS;
  for (int c = 0; c < NCOLS; c++) {
    size_t n = strlen(cell[c]);
    if (n > (size_t)p->width[c])
      p->width[c] = (int)n;
  }
}

/* One line; the last column gets no trailing blanks. */
static void print_line(printer *p, const char *const cell[NCOLS]) {
  for (int c = 0; c < p->ncols; c++) {
    const char *sep = c == 0 ? "" : "  ";
    int w = c == p->ncols - 1 && !columns[c].right ? 0 : p->width[c];
    if (columns[c].right)
      gcw_writef(&p->w, "%s%*s", sep, w, cell[c]);
    else
      gcw_writef(&p->w, "%s%-*s", sep, w, cell[c]);
  }
  gcw_write(&p->w, "\n", 1);
}

/* Step through every run; print them, or only measure them. Returns the last step's
** result: 0 the end (or a failed write), -1 a database error. */
static int each_run(printer *p, gcw_rows *st, int print, long *nruns) {
  row r;
  int rc = 0;
  *nruns = 0;
  while (!p->w.err_no && (rc = gcw_rows_next(st)) == 1) {
    format_row(p, &r, st);
    if (print)
      print_line(p, r.cell);
    else
      measure(p, r.cell);
    ++*nruns;
  }
  gcw_rows_rewind(st);
  return p->w.err_no ? 0 : rc;
}

static void put_text(printer *p, const char *text) { gcw_write_str(&p->w, text); }

/* Measure every run, then print the header and every run (or "no runs"). */
static int list_runs(gcw_db *db, const char *path, printer *p) {
  gcw_rows *st = NULL;
  const char *head[NCOLS];
  long nruns = 0;
  p->ncols = NCOLS - 1;
  for (int c = 0; c < NCOLS; c++) {
    head[c] = columns[c].head;
    p->width[c] = (int)strlen(head[c]);
  }
  int rc = gcw_rows_open(db, &st, GCW_Q_RUNS, 0, 0) ? -1 : 0;
  if (rc == 0)
    rc = each_run(p, st, 0, &nruns);
  if (rc == 0 && nruns == 0) {
    put_text(p, "no runs\n");
  } else if (rc == 0) {
    print_line(p, head);
    rc = each_run(p, st, 1, &nruns);
  }
  if (rc != 0)
    gcw_warn("gctrace-watch: %s: cannot read database: %s\n", path, gcw_db_errmsg(db));
  gcw_rows_close(&st);
  return rc == 0 ? GCW_EXIT_OK : GCW_EXIT_IO;
}


/* ---- --format json: one array, an object per run (docs/report-json.md, "runs") ---- */

static void json_key(printer *p, const char *key) { gcw_writef(&p->w, ",\"%s\":", key); }

static void json_text(printer *p, gcw_rows *st, int q) {
  const unsigned char *t = gcw_rows_text(st, q);
  if (t)
    gcw_json_string(&p->w, t, gcw_rows_bytes(st, q));
  else
    gcw_write_str(&p->w, "null");
}

static void json_number(printer *p, gcw_rows *st, int q) {
  if (gcw_rows_null(st, q))
    gcw_write_str(&p->w, "null");
  else if (gcw_rows_type(st, q) == GCW_TYPE_INT)
    gcw_writef(&p->w, "%lld", gcw_rows_int(st, q));
  else
    gcw_writef(&p->w, "%.17g", gcw_rows_real(st, q));
}

static void json_run(printer *p, gcw_rows *st, int first) {
  static const struct { const char *key; int q, text; } cols[] = {
      {"source", GCW_RL_PATH, 1},        {"first_t_s", GCW_RL_FIRST_T, 0},
      {"last_t_s", GCW_RL_LAST_T, 0},    {"first_wall", GCW_RL_FIRST_WALL, 1},
      {"last_wall", GCW_RL_LAST_WALL, 1}, {"cycles", GCW_RL_CYCLES, 0},
      {"missing_cycles", GCW_RL_MISSING, 0}, {"repaired", GCW_RL_REPAIRED, 0},
      {"format", GCW_RL_FORMAT, 1},      {"procs", GCW_RL_PROCS, 0}};
  char labels[4096], program[16384]; /* JSON text built by SQLite (labels.c) */
  long long id = gcw_rows_int(st, GCW_RL_ID);
  gcw_writef(&p->w, "%s\n  {\"run\":%lld", first ? "" : ",", id);
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
    json_key(p, cols[i].key);
    if (cols[i].text)
      json_text(p, st, cols[i].q);
    else
      json_number(p, st, cols[i].q);
  }
  gcw_store_labels_json(p->db, id, labels, sizeof labels);
  gcw_store_program_json(p->db, id, program, sizeof program);
  gcw_writef(&p->w, ",\"labels\":%s,\"program\":%s}", labels, program);
}

static int list_runs_json(gcw_db *db, const char *path, printer *p) {
  gcw_rows *st = NULL;
  int rc = gcw_rows_open(db, &st, GCW_Q_RUNS, 0, 0) ? -1 : 0, n = 0;
  put_text(p, "[");
  while (rc == 0 && !p->w.err_no && (rc = gcw_rows_next(st)) == 1) {
    json_run(p, st, n++ == 0);
    rc = 0;
  }
  put_text(p, n ? "\n]\n" : "]\n");
  if (rc != 0)
    gcw_warn("gctrace-watch: %s: cannot read database: %s\n", path, gcw_db_errmsg(db));
  gcw_rows_close(&st);
  return rc == 0 ? GCW_EXIT_OK : GCW_EXIT_IO;
}

int gcw_cmd_runs(const gcw_config *cfg) {
  printer p = {gcw_writer_to_file(stdout, NULL, 0), NULL, NCOLS, {0}};
  gcw_db *db = gcw_cmd_open_db(cfg->db);
  if (!db)
    return GCW_EXIT_IO;
  p.db = db;
  int status = strcmp(cfg->format, "json") == 0 ? list_runs_json(db, cfg->db, &p)
                                                 : list_runs(db, cfg->db, &p);
  gcw_db_close(&db);
  return gcw_cmd_stdout_end(&p.w, status);
}

/*
** cmd_export.c: `gctrace-watch export`: the rows of one table as CSV or NDJSON.
** Input:  the database, opened read-only (a missing one is an error, never created).
** Output: stdout, through one buffer of GCW_OUT_BUF bytes (limits.h), row by row as the store's cursor
**         gives them: memory does not grow with the table.
** Never:  puts a value into SQL: the store binds the run id and picks the table and its
**         clauses from its own list (gcw_store_tables[]), never from the command line.
**
** CSV (RFC 4180): a header row of column names, CRLF line ends, a field quoted when it
** holds a comma, quote, CR or LF (inner quotes doubled); NULL is an empty field and an
** empty text is "". NDJSON: one object per row, NULL as null, text and blobs as JSON
** strings (bytes that are not UTF-8 become U+FFFD). Reals are written with the fewest
** digits that read back to the same double (at most 17, like "%.17g"), with ".0" when
** they would look like integers; NaN and infinities are null in NDJSON.
*/
#include "cmd.h"

#include "err.h"
#include "json.h"
#include "limits.h"
#include "om_export.h"
#include "safetext.h"
#include "store_read.h"
#include "writer.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The output buffer (writer.h): after the first failed write nothing more is written. */
typedef gcw_writer sink;

static void put(sink *o, const void *p, size_t n) { gcw_write(o, p, n); }

static void put_str(sink *o, const char *s) { gcw_write_str(o, s); }

static void put_int(sink *o, long long v) {
  char b[24];
  put(o, b, (size_t)snprintf(b, sizeof b, "%lld", (long long)v));
}

/* The shortest of %.15g..%.17g that reads back as v; ".0" added to an integral look. */
static void put_real(sink *o, double v) {
  char b[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(b, sizeof b - 2, "%.*g", prec, v);
    if (strtod(b, NULL) == v)
      break;
  }
  if (!strpbrk(b, ".eni")) /* no point, exponent, nan or inf */
    strcat(b, ".0");
  put_str(o, b);
}

/* ---- CSV ---- */

static void csv_field(sink *o, const char *p, size_t n) {
  int quote = n == 0;
  for (size_t i = 0; i < n && !quote; i++)
    quote = p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n';
  if (!quote) {
    put(o, p, n);
    return;
  }
  put(o, "\"", 1);
  for (const char *q; (q = memchr(p, '"', n)) != NULL;) {
    size_t k = (size_t)(q - p) + 1; /* up to the quote, the quote included */
    put(o, p, k);
    put(o, "\"", 1); /* and its double */
    p += k;
    n -= k;
  }
  put(o, p, n);
  put(o, "\"", 1);
}

/* A text or blob field; on a terminal with its control characters made visible (\xHH,
** safetext.h); to a file or pipe the bytes as they are. */
static void csv_text(sink *o, const char *p, size_t n) {
  if (!o->safe_text) {
    csv_field(o, p, n);
    return;
  }
  char *safe = malloc(4 * n + 1);
  if (!safe) {
    o->err_no = ENOMEM;
    return;
  }
  csv_field(o, safe, gcw_safe_text(safe, 4 * n + 1, p, n));
  free(safe);
}

static void csv_value(sink *o, const gcw_rows *st, int i) {
  switch (gcw_rows_type(st, i)) {
  case GCW_TYPE_NULL: break;
  case GCW_TYPE_INT: put_int(o, gcw_rows_int(st, i)); break;
  case GCW_TYPE_REAL: put_real(o, gcw_rows_real(st, i)); break;
  case GCW_TYPE_TEXT: {
    const char *t = (const char *)gcw_rows_text(st, i);
    csv_text(o, t ? t : "", gcw_rows_bytes(st, i));
    break;
  }
  case GCW_TYPE_BLOB: { /* the bytes as they are */
    const char *b = gcw_rows_blob(st, i);
    csv_text(o, b ? b : "", gcw_rows_bytes(st, i));
  }
  }
}

static void csv_header(sink *o, const gcw_rows *st) {
  for (int i = 0; i < gcw_rows_ncols(st); i++) {
    const char *name = gcw_rows_name(st, i);
    if (i > 0)
      put(o, ",", 1);
    csv_field(o, name ? name : "", name ? strlen(name) : 0);
  }
  put(o, "\r\n", 2);
}

static void csv_row(sink *o, const gcw_rows *st) {
  for (int i = 0; i < gcw_rows_ncols(st); i++) {
    if (i > 0)
      put(o, ",", 1);
    csv_value(o, st, i);
  }
  put(o, "\r\n", 2);
}

/* ---- NDJSON ---- */

/* A JSON string by the one rule of json.h (bytes that are not UTF-8 become U+FFFD). */
static void json_string(sink *o, const void *p, size_t n) { gcw_json_string(o, p, n); }

static void json_value(sink *o, const gcw_rows *st, int i) {
  switch (gcw_rows_type(st, i)) {
  case GCW_TYPE_NULL: put(o, "null", 4); break;
  case GCW_TYPE_INT: put_int(o, gcw_rows_int(st, i)); break;
  case GCW_TYPE_REAL: {
    double v = gcw_rows_real(st, i);
    if (isfinite(v))
      put_real(o, v);
    else
      put(o, "null", 4);
    break;
  }
  case GCW_TYPE_TEXT: {
    const unsigned char *t = gcw_rows_text(st, i);
    json_string(o, t ? t : (const unsigned char *)"", gcw_rows_bytes(st, i));
    break;
  }
  case GCW_TYPE_BLOB: {
    const void *b = gcw_rows_blob(st, i);
    json_string(o, b ? b : "", gcw_rows_bytes(st, i));
  }
  }
}

static void json_row(sink *o, const gcw_rows *st) {
  put(o, "{", 1);
  for (int i = 0; i < gcw_rows_ncols(st); i++) {
    const char *name = gcw_rows_name(st, i);
    if (i > 0)
      put(o, ",", 1);
    json_string(o, name ? name : "", name ? strlen(name) : 0);
    put(o, ":", 1);
    json_value(o, st, i);
  }
  put(o, "}\n", 2);
}

/* ---- the command ---- */

static int db_error(gcw_db *db, const char *path) {
  gcw_warn("gctrace-watch: %s: cannot read database: %s\n", path, gcw_db_errmsg(db));
  return GCW_EXIT_IO;
}

/* --run N must name a run of the database. */
static int check_run(gcw_db *db, const gcw_config *cfg) {
  int found = gcw_db_run_exists(db, cfg->run);
  if (found > 0)
    return GCW_EXIT_OK;
  if (found < 0)
    return db_error(db, cfg->db);
  gcw_warn("gctrace-watch: %s: no run %ld (see 'gctrace-watch runs')\n", cfg->db,
          cfg->run);
  return GCW_EXIT_IO;
}

/* Rows until the table ends or stdout fails. Returns the last step's result: 0 the end
** (or a failed write), -1 a database error. */
static int write_rows(sink *o, gcw_rows *st, int ndjson) {
  int rc = 0;
  if (!ndjson)
    csv_header(o, st);
  while (!o->err_no && (rc = gcw_rows_next(st)) == 1) {
    if (ndjson)
      json_row(o, st);
    else
      csv_row(o, st);
  }
  gcw_writer_flush(o);
  return o->err_no ? 0 : rc;
}

static int export_table(gcw_db *db, const gcw_config *cfg) {
  sink o = gcw_writer_to_file(stdout, malloc(GCW_OUT_BUF), GCW_OUT_BUF);
  o.safe_text = isatty(fileno(stdout));
  gcw_rows *st = NULL;
  int status;
  if (!o.buf) {
    gcw_warn("gctrace-watch: out of memory\n");
    status = GCW_EXIT_INTERNAL;
    goto out;
  }
  if (gcw_rows_open_table(db, &st, cfg->table, cfg->run) != GCW_OK) {
    status = db_error(db, cfg->db);
    goto out;
  }
  int rc = write_rows(&o, st, strcmp(cfg->format, "ndjson") == 0);
  status = rc == 0 ? gcw_cmd_stdout_end(&o, GCW_EXIT_OK) : db_error(db, cfg->db);
out:
  gcw_rows_close(&st);
  free(o.buf);
  return status;
}

/* --format openmetrics: every stored cycle as timestamped samples (om_export.h). */
static int export_openmetrics(gcw_db *db, const gcw_config *cfg) {
  char msg[300] = "";
  gcw_err e = gcw_om_export(db, cfg->run, stdout, msg, sizeof msg);
  if (e == GCW_EWRITE && errno == EPIPE) {
    clearerr(stdout);
    return GCW_EXIT_OK;
  }
  if (e == GCW_EWRITE)
    gcw_warn("gctrace-watch: stdout: %s\n", msg);
  else if (e == GCW_EDB)
    return db_error(db, cfg->db);
  else if (e)
    gcw_warn("gctrace-watch: %s\n", *msg ? msg : "out of memory");
  return e == GCW_OK ? GCW_EXIT_OK : e == GCW_EWRITE ? GCW_EXIT_IO : GCW_EXIT_INTERNAL;
}

int gcw_cmd_export(const gcw_config *cfg) {
  if (!gcw_store_table_known(cfg->table)) { /* cli.c accepts only the store's tables */
    gcw_warn("gctrace-watch: internal error: no table '%s'\n", cfg->table);
    return GCW_EXIT_INTERNAL;
  }
  gcw_db *db = gcw_cmd_open_db(cfg->db);
  if (!db)
    return GCW_EXIT_IO;
  int status = cfg->run ? check_run(db, cfg) : GCW_EXIT_OK;
  if (status == GCW_EXIT_OK && strcmp(cfg->format, "openmetrics") == 0)
    status = export_openmetrics(db, cfg);
  else if (status == GCW_EXIT_OK)
    status = export_table(db, cfg);
  gcw_db_close(&db);
  return status;
}

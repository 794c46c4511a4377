/*
** test_export.c: `runs` and `export` on stores built by the binary from real corpus logs.
**   - CSV is parsed back by a strict RFC 4180 reader written here (CRLF records, quoted
**     fields) and compared cell by cell with the same rows read through SQLite: NULL is
**     an empty field, integers and reals read back to the same value, text and blobs to
**     the same bytes;
**   - NDJSON lines are checked by a small JSON reader written here (flat objects; strings
**     must be valid UTF-8 with legal escapes; numbers in JSON's grammar);
**   - --run filters, unparsed rows of corpus 07, the runs of corpus 07b, a missing
**     database (exit 3, not created), a full disk and a closed stdout.
*/
#include "testutil.h"

#include <errno.h>
#include <math.h>

/* ---------------------------------------------------------------- running the binary */


/* ---------------------------------------------------------------- RFC 4180 reader */

typedef struct cell {
  char *s; /* decoded bytes, NUL-terminated (may also hold NULs: use n) */
  size_t n;
  int quoted;
} cell;

typedef struct csv {
  cell *cells; /* row-major, ncols per row */
  size_t ncells, cap, ncols, nrows;
} csv;

static void csv_push(csv *t, const char *s, size_t n, int quoted) {
  if (t->ncells == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 256;
    t->cells = realloc(t->cells, t->cap * sizeof *t->cells);
    assert_non_null(t->cells);
  }
  cell *c = &t->cells[t->ncells++];
  c->s = malloc(n + 1);
  assert_non_null(c->s);
  memcpy(c->s, s, n);
  c->s[n] = '\0';
  c->n = n;
  c->quoted = quoted;
}

/* One quoted field starting at p[*i] == '"'; its bytes, undoubled, go to buf. Returns
** the length, or -1 when the field never closes. */
static long quoted_field(const char *p, size_t n, size_t *i, char *buf) {
  size_t len = 0;
  for (++*i; *i < n; ++*i) {
    if (p[*i] != '"')
      buf[len++] = p[*i];
    else if (*i + 1 < n && p[*i + 1] == '"') {
      buf[len++] = '"';
      ++*i;
    } else {
      ++*i;
      return (long)len;
    }
  }
  return -1;
}

/* Strict: records end with CRLF (a bare CR or LF outside quotes is an error), a quote
** may only open a field, and every record has as many fields as the header. */
static int csv_parse(csv *t, const char *p, size_t n) {
  char *buf = malloc(n + 1);
  size_t i = 0, fields = 0;
  assert_non_null(buf);
  memset(t, 0, sizeof *t);
  while (i < n) {
    long len = 0;
    int quoted = p[i] == '"';
    if (quoted && (len = quoted_field(p, n, &i, buf)) < 0)
      break;
    for (; !quoted && i < n && p[i] != ',' && p[i] != '\r' && p[i] != '\n' && p[i] != '"'; i++)
      buf[len++] = p[i];
    csv_push(t, buf, (size_t)len, quoted);
    fields++;
    if (i < n && p[i] == ',') {
      i++;
      continue;
    }
    if (i + 1 >= n || p[i] != '\r' || p[i + 1] != '\n')
      break; /* not CRLF: malformed */
    i += 2;
    if (t->nrows == 0)
      t->ncols = fields;
    if (fields != t->ncols)
      break;
    t->nrows++;
    fields = 0;
  }
  free(buf);
  return i == n && fields == 0 ? 0 : -1;
}

static void csv_free(csv *t) {
  for (size_t i = 0; i < t->ncells; i++)
    free(t->cells[i].s);
  free(t->cells);
}

static const cell *csv_at(const csv *t, size_t row, size_t col) {
  assert_true(row < t->nrows && col < t->ncols);
  return &t->cells[row * t->ncols + col];
}

static size_t csv_col(const csv *t, const char *name) {
  for (size_t c = 0; c < t->ncols; c++)
    if (strcmp(csv_at(t, 0, c)->s, name) == 0)
      return c;
  fail_msg("no column %s", name);
  return 0;
}

/* Export `table` (NULL-terminated extra args) as CSV and parse it; must succeed quietly. */
static void export_csv(csv *t, const char *db, const char *table, const char *extra1,
                       const char *extra2) {
  tu_result r = tu_capture("export", "--db", db, "--table", table, extra1, extra2, NULL);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.err, "");
  assert_int_equal(csv_parse(t, r.out, r.nout), 0);
  tu_result_free(&r);
}

/* ---------------------------------------------------------------- CSV against SQL */

static void check_cell(const cell *c, sqlite3_stmt *st, int i) {
  char *end;
  switch (sqlite3_column_type(st, i)) {
  case SQLITE_NULL:
    assert_true(c->n == 0 && !c->quoted);
    break;
  case SQLITE_INTEGER:
    assert_true(c->n > 0);
    assert_true(strtoll(c->s, &end, 10) == sqlite3_column_int64(st, i) && *end == '\0');
    break;
  case SQLITE_FLOAT: {
    double v = sqlite3_column_double(st, i), got = strtod(c->s, &end);
    assert_true(*end == '\0' && c->n > 0);
    if (got != v || signbit(got) != signbit(v))
      fail_msg("REAL %.17g written as '%s'", v, c->s);
    assert_non_null(strpbrk(c->s, ".eEin")); /* still looks like a real */
    break;
  }
  default: { /* TEXT or BLOB: the same bytes; an empty text is "" (not NULL) */
    const void *b = sqlite3_column_blob(st, i);
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    assert_int_equal(c->n, n);
    assert_true(n == 0 ? c->quoted : memcmp(c->s, b, n) == 0);
  }
  }
}

/* Every cell of the CSV is the value of the same row and column of `sql`. */
static void csv_matches_sql(const csv *t, const char *db, const char *sql) {
  sqlite3 *h;
  sqlite3_stmt *st;
  size_t row = 1;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal((size_t)sqlite3_column_count(st), t->ncols);
  for (size_t c = 0; c < t->ncols; c++)
    assert_string_equal(csv_at(t, 0, c)->s, sqlite3_column_name(st, (int)c));
  for (; sqlite3_step(st) == SQLITE_ROW; row++)
    for (size_t c = 0; c < t->ncols; c++)
      check_cell(csv_at(t, row, c), st, (int)c);
  assert_int_equal(row, t->nrows);
  sqlite3_finalize(st);
  sqlite3_close(h);
}

/* ---------------------------------------------------------------- a small JSON reader */

typedef struct jbuf { /* where a decoded value goes (NUL-terminated, cut at cap) */
  char *b;
  size_t cap, len;
} jbuf;

typedef struct jreader {
  const unsigned char *p, *end;
} jreader;

static void jkeep(jbuf *k, const void *b, size_t n) {
  if (!k || k->len + n >= k->cap)
    return;
  memcpy(k->b + k->len, b, n);
  k->len += n;
  k->b[k->len] = '\0';
}

/* A code point as UTF-8, for \uXXXX (no surrogates: the exporter writes none). */
static size_t utf8_put(unsigned cp, unsigned char *b) {
  if (cp < 0x80) {
    b[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    b[0] = (unsigned char)(0xC0 | cp >> 6);
    b[1] = (unsigned char)(0x80 | (cp & 63));
    return 2;
  }
  b[0] = (unsigned char)(0xE0 | cp >> 12);
  b[1] = (unsigned char)(0x80 | (cp >> 6 & 63));
  b[2] = (unsigned char)(0x80 | (cp & 63));
  return 3;
}

/* Bytes of one UTF-8 character, by decoding it: 0 if overlong, a surrogate, above
** U+10FFFF, truncated or not UTF-8 at all. */
static size_t utf8_char(const unsigned char *p, const unsigned char *end) {
  static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
  size_t len = p[0] < 0x80 ? 1 : p[0] >> 5 == 6 ? 2 : p[0] >> 4 == 14 ? 3 : p[0] >> 3 == 30 ? 4 : 0;
  if (len == 0 || (size_t)(end - p) < len)
    return 0;
  unsigned cp = len == 1 ? p[0] : p[0] & (0x7Fu >> len);
  for (size_t k = 1; k < len; k++) {
    if ((p[k] & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (p[k] & 63u);
  }
  if (cp < min[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
    return 0;
  return len;
}

static int jhex4(jreader *j, unsigned *cp) {
  *cp = 0;
  for (int k = 0; k < 4; k++, j->p++) {
    if (j->p >= j->end)
      return -1;
    int c = *j->p, v = -1;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    if (v < 0)
      return -1;
    *cp = *cp << 4 | (unsigned)v;
  }
  return 0;
}

static int jescape(jreader *j, jbuf *keep) {
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  unsigned char b[4];
  unsigned cp;
  if (++j->p >= j->end)
    return -1;
  const char *e = memchr(from, *j->p, sizeof from - 1);
  if (e) {
    jkeep(keep, &to[e - from], 1);
    j->p++;
    return 0;
  }
  if (*j->p++ != 'u' || jhex4(j, &cp) < 0 || (cp >= 0xD800 && cp <= 0xDFFF))
    return -1;
  jkeep(keep, b, utf8_put(cp, b));
  return 0;
}

static int jstring(jreader *j, jbuf *keep) {
  if (j->p >= j->end || *j->p++ != '"')
    return -1;
  while (j->p < j->end && *j->p != '"') {
    size_t len;
    if (*j->p == '\\') {
      if (jescape(j, keep) < 0)
        return -1;
    } else if (*j->p < 0x20 || (len = utf8_char(j->p, j->end)) == 0) {
      return -1;
    } else {
      jkeep(keep, j->p, len);
      j->p += len;
    }
  }
  if (j->p >= j->end)
    return -1;
  j->p++;
  return 0;
}

static int jdigits(jreader *j) {
  const unsigned char *s = j->p;
  while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
    j->p++;
  return j->p > s ? 0 : -1;
}

/* -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static int jnumber(jreader *j) {
  if (j->p < j->end && *j->p == '-')
    j->p++;
  if (j->p < j->end && *j->p == '0')
    j->p++;
  else if (j->p >= j->end || *j->p < '1' || *j->p > '9' || jdigits(j) < 0)
    return -1;
  if (j->p < j->end && *j->p == '.') {
    j->p++;
    if (jdigits(j) < 0)
      return -1;
  }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
      j->p++;
    return jdigits(j);
  }
  return 0;
}

/* A string, a number or null; a number or null is kept as written. */
static int jvalue(jreader *j, jbuf *keep) {
  const unsigned char *s = j->p;
  int rc;
  if (j->p < j->end && *j->p == '"')
    return jstring(j, keep);
  if ((size_t)(j->end - j->p) >= 4 && memcmp(j->p, "null", 4) == 0) {
    j->p += 4;
    rc = 0;
  } else {
    rc = jnumber(j);
  }
  if (rc == 0)
    jkeep(keep, s, (size_t)(j->p - s));
  return rc;
}

/* A flat object on one line (string, number or null values) with nothing after it.
** Returns the number of members, or -1. The value of member `want` goes to *got;
** *found says whether there was one. */
static int json_object(const char *line, size_t n, const char *want, jbuf *got, int *found) {
  jreader j = {(const unsigned char *)line, (const unsigned char *)line + n};
  int members = 0;
  *found = 0;
  if (n < 2 || *j.p++ != '{')
    return -1;
  for (; j.p < j.end && *j.p != '}'; members++) {
    char key[256];
    jbuf k = {key, sizeof key, 0};
    key[0] = '\0';
    if (members > 0 && *j.p++ != ',')
      return -1;
    if (jstring(&j, &k) < 0 || j.p >= j.end || *j.p++ != ':')
      return -1;
    int keep = want && strcmp(key, want) == 0;
    if (keep && got)
      got->len = 0, got->b[0] = '\0';
    if (jvalue(&j, keep ? got : NULL) < 0)
      return -1;
    *found |= keep;
  }
  return j.p + 1 == j.end ? members : -1;
}

/* The lines of an NDJSON text, each checked (of `members` members unless -1); returns
** how many (every line must end with \n). */
static size_t ndjson_lines(const char *out, size_t n, int members) {
  size_t lines = 0;
  int found;
  for (const char *p = out, *nl; p < out + n; p = nl + 1, lines++) {
    nl = memchr(p, '\n', (size_t)(out + n - p));
    assert_non_null(nl);
    int got = json_object(p, (size_t)(nl - p), NULL, NULL, &found);
    if (got < 0 || (members >= 0 && got != members))
      fail_msg("NDJSON line %zu is not an object of %d members: %.200s", lines + 1, members, p);
  }
  return lines;
}

/* Value of `key` on NDJSON line `nth` (0-based) of out, into buf. */
static const char *ndjson_get(const char *out, size_t n, size_t nth, const char *key, char *buf,
                              size_t cap) {
  jbuf got = {buf, cap, 0};
  int found = 0;
  const char *p = out, *nl = NULL;
  for (size_t i = 0; i <= nth; i++, p = nl + 1) {
    nl = memchr(p, '\n', (size_t)(out + n - p));
    assert_non_null(nl);
    if (i == nth)
      assert_true(json_object(p, (size_t)(nl - p), key, &got, &found) > 0);
  }
  assert_true(found);
  return buf;
}

/* ---------------------------------------------------------------- the tests */

/* 03: every cell of gc_cycles in CSV is the stored value; a line copied from the log:
** gctrace.log:461: gc 231 @69.987s 8%: 97+57+0.060 ms clock, ... 408->411->208 MB, 419 MB
** goal, 0 MB stacks, 0 MB globals, 2 P */
static void test_csv_gc_cycles(void **state) {
  (void)state;
  char db[512];
  csv t;
  tu_corpus_db(db, sizeof db, "03_pause_spikes/gctrace.log");
  export_csv(&t, db, "gc_cycles", NULL, NULL);
  assert_int_equal(t.nrows - 1, tu_db_int(db, "SELECT count(*) FROM gc_cycles"));
  csv_matches_sql(&t, db, "SELECT * FROM gc_cycles ORDER BY run_id, line, rowid");
  size_t row = (size_t)tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE line <= 461");
  assert_string_equal(csv_at(&t, row, csv_col(&t, "line"))->s, "461");
  assert_string_equal(csv_at(&t, row, csv_col(&t, "gc"))->s, "231");
  assert_string_equal(csv_at(&t, row, csv_col(&t, "t_s"))->s, "69.987");
  assert_string_equal(csv_at(&t, row, csv_col(&t, "mark_term_ms"))->s, "0.06");
  assert_string_equal(csv_at(&t, row, csv_col(&t, "sweep_term_ms"))->s, "97.0");
  assert_string_equal(csv_at(&t, row, csv_col(&t, "heap_live_mb"))->s, "208");
  assert_string_equal(csv_at(&t, row, csv_col(&t, "procs"))->s, "2");
  assert_string_equal(csv_at(&t, row, csv_col(&t, "wall"))->s, ""); /* NULL in analyze */
  assert_false(csv_at(&t, row, csv_col(&t, "wall"))->quoted);
  csv_free(&t);
  tu_rm_db(db);
}

/* 03 as NDJSON: one object per cycle with every column; NULL is null. */
static void test_ndjson_gc_cycles(void **state) {
  (void)state;
  char db[512], v[64];
  tu_corpus_db(db, sizeof db, "03_pause_spikes/gctrace.log");
  tu_result r = tu_capture("export", "--db", db, "--format", "ndjson", NULL);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.err, "");
  int cols = (int)tu_db_int(db, "SELECT count(*) FROM pragma_table_info('gc_cycles')");
  assert_int_equal(ndjson_lines(r.out, r.nout, cols),
                   tu_db_int(db, "SELECT count(*) FROM gc_cycles"));
  size_t nth = (size_t)tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE line < 461");
  assert_string_equal(ndjson_get(r.out, r.nout, nth, "gc", v, sizeof v), "231");
  assert_string_equal(ndjson_get(r.out, r.nout, nth, "t_s", v, sizeof v), "69.987");
  assert_string_equal(ndjson_get(r.out, r.nout, nth, "wall", v, sizeof v), "null");
  assert_string_equal(ndjson_get(r.out, r.nout, nth, "scan_ms", v, sizeof v), "null");
  tu_result_free(&r);
  tu_rm_db(db);
}

/* 07b (4 runs): --run keeps the rows of one run, in every kind of table. */
static void test_run_filter(void **state) {
  (void)state;
  static const long cycles[] = {25, 2, 4, 15};
  char db[512], id[24], sql[128];
  csv t;
  tu_corpus_db(db, sizeof db, "07b_go_run/gctrace.log");
  for (long run = 1; run <= 4; run++) {
    snprintf(id, sizeof id, "%ld", run);
    export_csv(&t, db, "gc_cycles", "--run", id);
    assert_int_equal(t.nrows - 1, cycles[run - 1]);
    for (size_t row = 1; row < t.nrows; row++)
      assert_string_equal(csv_at(&t, row, csv_col(&t, "run_id"))->s, id);
    snprintf(sql, sizeof sql, "SELECT * FROM gc_cycles WHERE run_id = %ld ORDER BY line", run);
    csv_matches_sql(&t, db, sql);
    csv_free(&t);
  }
  export_csv(&t, db, "runs", "--run", "3");
  assert_int_equal(t.nrows, 2);
  assert_string_equal(csv_at(&t, 1, csv_col(&t, "id"))->s, "3");
  assert_string_equal(csv_at(&t, 1, csv_col(&t, "cycles"))->s, "4");
  csv_free(&t);
  export_csv(&t, db, "sources", "--run", "3");
  assert_int_equal(t.nrows, 2);
  csv_free(&t);
  export_csv(&t, db, "runs", NULL, NULL);
  assert_int_equal(t.nrows, 5);
  csv_free(&t);
  export_csv(&t, db, "findings", "--run", "1");
  csv_matches_sql(&t, db, "SELECT * FROM findings WHERE run_id = 1 ORDER BY id");
  csv_free(&t);
  tu_result r = tu_capture("export", "--db", db, "--run", "99", NULL);
  assert_int_equal(r.status, 3);
  assert_int_equal(r.nout, 0);
  assert_non_null(strstr(r.err, "no run 99"));
  assert_non_null(strchr(r.err, '\n'));
  assert_int_equal(strchr(r.err, '\n') + 1 - r.err, (long)r.nerr); /* one line */
  tu_result_free(&r);
  tu_rm_db(db);
}

/* 07: the two lines cut at process exit, as rows of `unparsed`. */
static void test_unparsed_07(void **state) {
  (void)state;
  char db[512], v[64];
  csv t;
  tu_corpus_db(db, sizeof db, "07_go_build_std/gctrace.log");
  export_csv(&t, db, "unparsed", NULL, NULL);
  assert_int_equal(t.nrows, 3);
  assert_string_equal(csv_at(&t, 1, csv_col(&t, "line"))->s, "78");
  assert_string_equal(csv_at(&t, 1, csv_col(&t, "text"))->s, "gc 1 @");
  assert_string_equal(csv_at(&t, 2, csv_col(&t, "line"))->s, "161");
  assert_string_equal(csv_at(&t, 2, csv_col(&t, "text"))->s, "gc ");
  csv_matches_sql(&t, db, "SELECT * FROM unparsed ORDER BY source_id, line");
  csv_free(&t);
  /* every run of the source leads to the source's unparsed rows */
  export_csv(&t, db, "unparsed", "--run", "5");
  assert_int_equal(t.nrows, 3);
  csv_free(&t);
  tu_result r = tu_capture("export", "--db", db, "--table", "unparsed", "--format", "ndjson", NULL);
  assert_int_equal(r.status, 0);
  assert_int_equal(ndjson_lines(r.out, r.nout, 4), 2);
  assert_string_equal(ndjson_get(r.out, r.nout, 0, "text", v, sizeof v), "gc 1 @");
  assert_string_equal(ndjson_get(r.out, r.nout, 1, "text", v, sizeof v), "gc ");
  assert_string_equal(ndjson_get(r.out, r.nout, 1, "line", v, sizeof v), "161");
  tu_result_free(&r);
  tu_rm_db(db);
}

/* Bytes of every kind in text, blob and real columns: a path with a comma, a quote and
** a newline (given to analyze), and rows changed in place with SQL. */
static const char blob_sql[] =
    "INSERT INTO unparsed VALUES(1, 1000, "
    "X'67632031204000ff2c22fe0d0a01097fc3a9e282acf09f9880eda080c0af5c', 'test');"
    "INSERT INTO unparsed VALUES(1, 1001, 'lf' || char(10), 'cr' || char(13));"
    "UPDATE gc_cycles SET wall = '' WHERE line = 2;"
    "UPDATE gc_cycles SET pause_ms = 9e999 WHERE line = 3;"
    "UPDATE gc_cycles SET mark_ms = 0.1 + 0.2, sweep_term_ms = -1e-300 WHERE line = 4;"
    "UPDATE gc_cycles SET cpu_bg_ms = 123456789012345680000.0 WHERE line = 5;";
/* The same blob as NDJSON decodes it: each byte that is not UTF-8 is U+FFFD. */
static const char blob_json[] = "gc 1 @\0\xEF\xBF\xBD,\"\xEF\xBF\xBD\r\n\x01\t\x7f\xc3\xa9\xe2\x82\xac"
                                "\xf0\x9f\x98\x80\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                                "\xEF\xBF\xBD\\";

static void make_odd_db(char *db, size_t n, char *dir, size_t dn, char *log, size_t ln) {
  char src[512];
  tu_tmp(dir, dn, "odd,\"dir\nx");
  assert_int_equal(mkdir(dir, 0755), 0);
  snprintf(log, ln, "%s/a.log", dir);
  size_t size = 0;
  char *text = tu_slurp(tu_corpus_plain(src, sizeof src, "07b_go_run/gctrace.log"), &size);
  assert_non_null(text);
  FILE *f = fopen(log, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, size, f), size);
  assert_int_equal(fclose(f), 0);
  free(text);
  tu_tmp(db, n, "odd.db");
  tu_analyze(db, log);
  tu_exec(db, blob_sql);
}

static void test_odd_bytes(void **state) {
  (void)state;
  char db[512], dir[512], log[600], v[256];
  csv t;
  make_odd_db(db, sizeof db, dir, sizeof dir, log, sizeof log);
  export_csv(&t, db, "sources", NULL, NULL);
  assert_string_equal(csv_at(&t, 1, csv_col(&t, "path"))->s, log);
  csv_free(&t);
  export_csv(&t, db, "unparsed", NULL, NULL);
  assert_int_equal(t.nrows, 3);
  assert_true(csv_at(&t, 2, csv_col(&t, "text"))->quoted);
  assert_true(csv_at(&t, 2, csv_col(&t, "reason"))->quoted);
  assert_int_equal(csv_at(&t, 1, csv_col(&t, "text"))->n, 31); /* raw, NUL included */
  csv_matches_sql(&t, db, "SELECT * FROM unparsed ORDER BY source_id, line");
  csv_free(&t);
  /* CSV: '' is "", +Inf is inf, and every real reads back (0.1 + 0.2, -1e-300, 1.2e20) */
  export_csv(&t, db, "gc_cycles", NULL, NULL);
  assert_true(csv_at(&t, 2, csv_col(&t, "wall"))->quoted);
  assert_string_equal(csv_at(&t, 3, csv_col(&t, "pause_ms"))->s, "inf");
  csv_matches_sql(&t, db, "SELECT * FROM gc_cycles ORDER BY run_id, line");
  csv_free(&t);

  tu_result r = tu_capture("export", "--db", db, "--table", "unparsed", "--format", "ndjson", NULL);
  assert_int_equal(ndjson_lines(r.out, r.nout, 4), 2);
  assert_string_equal(ndjson_get(r.out, r.nout, 1, "reason", v, sizeof v), "cr\r");
  ndjson_get(r.out, r.nout, 0, "text", v, sizeof v);
  assert_memory_equal(v, blob_json, sizeof blob_json); /* with the NUL at its end */
  tu_result_free(&r);
  r = tu_capture("export", "--db", db, "--table", "sources", "--format", "ndjson", NULL);
  assert_string_equal(ndjson_get(r.out, r.nout, 0, "path", v, sizeof v), log);
  assert_non_null(strstr(r.out, "odd,\\\"dir\\nx"));
  tu_result_free(&r);
  r = tu_capture("export", "--db", db, "--format", "ndjson", NULL);
  ndjson_lines(r.out, r.nout, -1);
  assert_string_equal(ndjson_get(r.out, r.nout, 1, "wall", v, sizeof v), "");
  assert_string_equal(ndjson_get(r.out, r.nout, 2, "pause_ms", v, sizeof v), "null");
  assert_true(strtod(ndjson_get(r.out, r.nout, 3, "mark_ms", v, sizeof v), NULL) == 0.1 + 0.2);
  assert_string_equal(ndjson_get(r.out, r.nout, 3, "sweep_term_ms", v, sizeof v), "-1e-300");
  tu_result_free(&r);
  /* runs: the newline of the path does not break the table */
  r = tu_capture("runs", "--db", db, NULL);
  assert_int_equal(r.status, 0);
  assert_null(strstr(r.out, "dir\nx"));
  assert_non_null(strstr(r.out, "dir?x"));
  tu_result_free(&r);
  tu_rm_db(db);
  unlink(log);
  rmdir(dir);
}

/* Split one line of `runs` into blank-separated words; returns how many. */
static int words(char *line, char **w, int max) {
  int n = 0;
  for (char *tok = strtok(line, " "); tok && n < max; tok = strtok(NULL, " "))
    w[n++] = tok;
  return n;
}

/* Column end of `head` in the header: right-aligned cells end there too. */
static long head_end(const char *header, const char *head) {
  const char *p = strstr(header, head);
  assert_non_null(p);
  return (long)(p - header) + (long)strlen(head);
}

/* 07b: go command gc 1..25, compile gc 1..2, link gc 1..4, program gc 1..15 (notes). */
static void test_runs_07b(void **state) {
  (void)state;
  static const char *const cycles[] = {"25", "2", "4", "15"};
  char db[512], *w[16];
  tu_corpus_db(db, sizeof db, "07b_go_run/gctrace.log");
  tu_result r = tu_capture("runs", "--db", db, NULL);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.err, "");
  char *line[8], *save = NULL;
  int n = 0;
  for (char *l = strtok_r(r.out, "\n", &save); l && n < 8; l = strtok_r(NULL, "\n", &save))
    line[n++] = l;
  assert_int_equal(n, 5);
  long cycles_end = head_end(line[0], "CYCLES"), procs_end = head_end(line[0], "PROCS");
  for (int i = 1; i <= 4; i++) {
    assert_int_equal((long)strlen(line[i]), procs_end); /* aligned, no trailing blanks */
    assert_true(line[i][cycles_end - 1] != ' ' && line[i][cycles_end] == ' ');
    assert_int_equal(words(line[i], w, 16), 9);
    assert_int_equal(atoi(w[0]), i);
    assert_true(w[2][0] == '@' && w[3][0] == '@'); /* analyze: no wall, @t */
    assert_string_equal(w[4], cycles[i - 1]);
    assert_string_equal(w[5], "0");
    assert_string_equal(w[7], "go1.18+");
  }
  assert_int_equal(words(line[0], w, 16), 9);
  assert_string_equal(w[2], "FIRST");
  tu_result_free(&r);
  /* with arrival times (watch mode), they are shown instead of @t, never mixed */
  tu_exec(db, "UPDATE gc_cycles SET wall = printf('2026-11-23T10:00:%06.3fZ', t_s) "
               "WHERE run_id = 1");
  r = tu_capture("runs", "--db", db, NULL);
  assert_non_null(strstr(r.out, "  2026-11-23T10:00:00.037Z  2026-11-23T10:00:00.392Z  "));
  assert_non_null(strstr(r.out, "  @0.007s  "));
  tu_result_free(&r);
  tu_rm_db(db);
}

/* A store whose runs were deleted: "no runs"; export gives the header only. */
static void test_empty_store(void **state) {
  (void)state;
  char db[512];
  tu_corpus_db(db, sizeof db, "07b_go_run/gctrace.log");
  tu_exec(db, "DELETE FROM gc_cycles; DELETE FROM scavenger; DELETE FROM pacer; "
               "DELETE FROM forced_gc; DELETE FROM runs;");
  tu_result r = tu_capture("runs", "--db", db, NULL);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out, "no runs\n");
  assert_string_equal(r.err, "");
  tu_result_free(&r);
  r = tu_capture("export", "--db", db, "--table", "pacer", NULL);
  assert_int_equal(r.status, 0);
  assert_string_equal(r.out + r.nout - 2, "\r\n");
  assert_ptr_equal(strchr(r.out, '\n'), r.out + r.nout - 1); /* one line: the header */
  tu_result_free(&r);
  tu_rm_db(db);
}

/* A missing database is an error (exit 3, one line) and is not created; nor is a file
** that is not a database changed. */
static void test_missing_db(void **state) {
  (void)state;
  static const char *const cmds[] = {"runs", "export"};
  char db[512], msg[700], side[600];
  struct stat sb;
  tu_tmp(db, sizeof db, "missing.db");
  snprintf(msg, sizeof msg, "gctrace-watch: %s: cannot open database: %s\n", db,
           strerror(ENOENT));
  for (int i = 0; i < 2; i++) {
    tu_result r = tu_capture(cmds[i], "--db", db, NULL);
    assert_int_equal(r.status, 3);
    assert_int_equal(r.nout, 0);
    assert_string_equal(r.err, msg);
    tu_result_free(&r);
    assert_int_equal(stat(db, &sb), -1);
    snprintf(side, sizeof side, "%s-wal", db);
    assert_int_equal(stat(side, &sb), -1);
  }
  static const char text[] = "not a database: text, longer than an SQLite header's 16 bytes\n";
  tu_tmp(db, sizeof db, "text.db");
  FILE *f = fopen(db, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  for (int i = 0; i < 2; i++) {
    tu_result r = tu_capture(cmds[i], "--db", db, NULL);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.err, "cannot open database: file is not a database\n"));
    tu_result_free(&r);
    assert_int_equal(stat(db, &sb), 0);
    assert_int_equal(sb.st_size, sizeof text - 1);
  }
  unlink(db);
}

/* stdout on a full disk: exit 3 and the reason. */
static void test_full_disk(void **state) {
  (void)state;
  char db[512], err[512];
  tu_corpus_db(db, sizeof db, "07b_go_run/gctrace.log");
  tu_tmp(err, sizeof err, "err");
  char *argv[] = {(char *)tu_bin(), "export", "--db", db, NULL};
  assert_int_equal(tu_run(argv, NULL, "/dev/full", err), 3);
  char *text = tu_slurp(err, NULL);
  assert_non_null(text);
  char want[128];
  snprintf(want, sizeof want, "gctrace-watch: stdout: %s\n", strerror(ENOSPC));
  assert_string_equal(text, want);
  free(text);
  unlink(err);
  tu_rm_db(db);
}

/* `export | head -c 100`: the reader goes away; exit 0, nothing on stderr. */
static int export_into_closed_pipe(const char *db, const char *format, const char *err) {
  int fd[2];
  pid_t pid;
  char buf[100];
  assert_int_equal(pipe(fd), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
  posix_spawn_file_actions_addclose(&fa, fd[0]);
  posix_spawn_file_actions_addclose(&fa, fd[1]);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char *argv[] = {(char *)tu_bin(), "export", "--db", (char *)db, "--format", (char *)format,
                  NULL};
  assert_int_equal(tu_spawnp(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(fd[1]);
  size_t got = 0;
  for (ssize_t k; got < sizeof buf && (k = read(fd[0], buf + got, sizeof buf - got)) > 0;)
    got += (size_t)k;
  assert_int_equal(got, sizeof buf);
  close(fd[0]);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_closed_stdout(void **state) {
  (void)state;
  static const char *const formats[] = {"csv", "ndjson"};
  char db[512], err[512];
  tu_corpus_db(db, sizeof db, "04b_memlimit_thrash/gctrace.log"); /* 180 KB of CSV, 1 MB JSON */
  tu_tmp(err, sizeof err, "err");
  for (int i = 0; i < 2; i++) {
    assert_int_equal(export_into_closed_pipe(db, formats[i], err), 0);
    size_t n = 1;
    char *text = tu_slurp(err, &n);
    assert_non_null(text);
    assert_int_equal(n, 0);
    free(text);
  }
  unlink(err);
  tu_rm_db(db);
}

/* Every table docs/schema.md documents (its "## `name`" headings) can be exported, whole
** and for one run, as CSV with every column and every row, and as NDJSON (regression:
** cli.c refused source_files and stats, which the schema and the store have). The store
** holds corpus 11 (pacer lines), 05a (a forced GC), 07 (unparsed lines) and 01 watched
** with --pid (process samples), after a `report --all`, so every table has rows. */
static void test_every_schema_table(void **state) {
  (void)state;
  char db[512], path[512], table[64], sql[256];
  size_t n = 0;
  char *doc = tu_slurp(tu_root(path, sizeof path, "docs/schema.md"), &n);
  assert_non_null(doc);
  tu_corpus_db(db, sizeof db, "11_gcpacertrace/gctrace.log");
  tu_analyze(db, tu_corpus(path, sizeof path, "05a_seed_map_freeosmemory/gctrace.log"));
  tu_analyze(db, tu_corpus(path, sizeof path, "07_go_build_std/gctrace.log"));
  /* process_samples (issue 15): watch mode reads corpus 01 on stdin with --pid naming this
  ** test process, whose memory is sampled at its gc lines (those whose @t is within our
  ** age: the first ones are, at @0.007s) */
  char pid[16];
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  char *watch[] = {(char *)tu_bin(), "--quiet", "--db", db, "--pid", pid, NULL};
  assert_int_equal(tu_run(watch, tu_corpus(path, sizeof path, "01_steady_state_web/gctrace.log"),
                          NULL, NULL), 0);
  /* rows for run_labels (--label), finding_parts (12d's memory-limit thrash, with the GC
  ** CPU that came with it) and run_program (child mode: dd relays 12d's log to stderr) */
  char *labeled[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, "--label", "k=v",
                     (char *)tu_corpus(path, sizeof path,
                               "12d_esbuild_0.17.19_go1.20.4/esbuild_stderr.log"), NULL};
  assert_int_equal(tu_run(labeled, NULL, NULL, NULL), 0);
  char in_arg[600];
  snprintf(in_arg, sizeof in_arg, "if=%s", path);
  char *child[] = {(char *)tu_bin(), "--quiet", "--db", db, "--", "dd", in_arg,
                   "of=/dev/stderr", "status=none", NULL};
  assert_int_equal(tu_run(child, NULL, NULL, "/dev/null"), 0);
  tu_result rep = tu_capture("report", "--all", "--db", db, NULL);
  assert_int_equal(rep.status, 0);
  tu_result_free(&rep);
  int tables = 0;
  for (const char *h = strstr(doc, "\n## `"); h; h = strstr(h + 1, "\n## `")) {
    const char *name = h + 5, *end = strchr(name, '`');
    assert_non_null(end);
    assert_true((size_t)(end - name) < sizeof table);
    snprintf(table, sizeof table, "%.*s", (int)(end - name), name);
    csv t;
    export_csv(&t, db, table, NULL, NULL);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    assert_int_equal(t.nrows - 1, tu_db_int(db, sql));
    assert_true(t.nrows > 1); /* a table with rows: an empty export proves little */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s')", table);
    assert_int_equal(t.ncols, tu_db_int(db, sql));
    csv_free(&t);
    export_csv(&t, db, table, "--run", "1"); /* succeeds; run 1 may have no such rows */
    assert_true(t.nrows >= 1);
    csv_free(&t);
    tu_result r = tu_capture("export", "--db", db, "--table", table, "--format", "ndjson", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    assert_int_equal(ndjson_lines(r.out, r.nout, (int)t.ncols), tu_db_int(db, sql));
    tu_result_free(&r);
    tables++;
  }
  free(doc);
  tu_rm_db(db);
  assert_int_equal(tables, 14); /* sources .. stats, process_samples, finding_parts,
                                ** run_labels, run_program: the schema's fourteen */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_gc_cycles),   cmocka_unit_test(test_ndjson_gc_cycles),
      cmocka_unit_test(test_run_filter),      cmocka_unit_test(test_unparsed_07),
      cmocka_unit_test(test_odd_bytes),       cmocka_unit_test(test_runs_07b),
      cmocka_unit_test(test_empty_store),     cmocka_unit_test(test_missing_db),
      cmocka_unit_test(test_full_disk),       cmocka_unit_test(test_closed_stdout),
      cmocka_unit_test(test_every_schema_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

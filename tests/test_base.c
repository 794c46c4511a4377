/*
** test_base.c: the shared rules of src/base: UTF-8 (RFC 3629), JSON strings (RFC 8259),
** the writer's error rule, wall times and the severity table. The byte strings below are
** built here to reach each rule's edges (they are not trace lines).
*/
#include "testutil.h"

#include "json.h"
#include "severity.h"
#include "utf8.h"
#include "walltime.h"
#include "writer.h"

#include <errno.h>
#include <math.h>

static size_t len_of(const char *s, size_t n) { return gcw_utf8_len((const unsigned char *)s, n); }

static void test_utf8_well_formed(void **state) {
  (void)state;
  assert_int_equal(len_of("a", 1), 1);
  assert_int_equal(len_of("\xc3\xa9", 2), 2);             /* é */
  assert_int_equal(len_of("\xe2\x82\xac", 3), 3);         /* € */
  assert_int_equal(len_of("\xed\x9f\xbf", 3), 3);         /* U+D7FF, below the surrogates */
  assert_int_equal(len_of("\xf0\x9f\x98\x80", 4), 4);     /* U+1F600 */
  assert_int_equal(len_of("\xf4\x8f\xbf\xbf", 4), 4);     /* U+10FFFF, the last */
}

static void test_utf8_ill_formed(void **state) {
  (void)state;
  assert_int_equal(len_of("\x80", 1), 0);                 /* a lone continuation byte */
  assert_int_equal(len_of("\xc0\xaf", 2), 0);             /* overlong '/' */
  assert_int_equal(len_of("\xc1\xbf", 2), 0);             /* overlong */
  assert_int_equal(len_of("\xe0\x80\xaf", 3), 0);         /* overlong, 3 bytes */
  assert_int_equal(len_of("\xf0\x8f\xbf\xbf", 4), 0);     /* overlong, 4 bytes */
  assert_int_equal(len_of("\xed\xa0\x80", 3), 0);         /* U+D800, a surrogate */
  assert_int_equal(len_of("\xf4\x90\x80\x80", 4), 0);     /* U+110000 */
  assert_int_equal(len_of("\xf5\x80\x80\x80", 4), 0);     /* F5: no lead byte */
  assert_int_equal(len_of("\xf8\x88\x80\x80", 4), 0);     /* F8: accepted by one old copy */
  assert_int_equal(len_of("\xe2\x82", 2), 0);             /* cut by the end */
  assert_int_equal(len_of("\xe2\x82\0", 4), 0);           /* cut by a NUL */
  char b[4];
  assert_int_equal(gcw_utf8_put(b, 0x20AC), 3);
  assert_memory_equal(b, "\xe2\x82\xac", 3);
}

/* gcw_json_string of n bytes, as written. */
static char *json_of(const char *s, size_t n) {
  static char buf[256];
  FILE *f = fmemopen(buf, sizeof buf, "w");
  assert_non_null(f);
  gcw_writer w = gcw_writer_to_file(f, NULL, 0);
  gcw_json_string(&w, s, n);
  assert_int_equal(gcw_writer_end(&w), GCW_OK);
  fclose(f);
  return buf;
}

static void test_json_strings(void **state) {
  (void)state;
  assert_string_equal(json_of("plain", 5), "\"plain\"");
  assert_string_equal(json_of("q\"b\\", 4), "\"q\\\"b\\\\\"");
  assert_string_equal(json_of("\n\r\t", 3), "\"\\n\\r\\t\"");
  /* every other control character as \u00XX, NUL included; DEL needs no escape */
  assert_string_equal(json_of("\0\x01\x1f\x7f", 4), "\"\\u0000\\u0001\\u001f\x7f\"");
  /* UTF-8 kept; each byte that is not UTF-8 becomes one U+FFFD */
  assert_string_equal(json_of("\xc3\xa9", 2), "\"\xc3\xa9\"");
  assert_string_equal(json_of("a\xffz", 3), "\"a" GCW_UTF8_REPLACEMENT "z\"");
  assert_string_equal(json_of("\xed\xa0\x80", 3),
                      "\"" GCW_UTF8_REPLACEMENT GCW_UTF8_REPLACEMENT GCW_UTF8_REPLACEMENT "\"");
  assert_string_equal(json_of("\xe2\x82", 2),
                      "\"" GCW_UTF8_REPLACEMENT GCW_UTF8_REPLACEMENT "\"");
}

/* A function that fails like a pipe whose reader has left. */
static int closed_pipe(void *ctx, const char *buf, size_t n) {
  (void)buf, (void)n;
  ++*(int *)ctx;
  return EPIPE;
}

static void test_writer_stops_at_the_first_failure(void **state) {
  (void)state;
  int calls = 0;
  char buf[8];
  gcw_writer w = gcw_writer_to_fn(closed_pipe, &calls, buf, sizeof buf);
  gcw_writef(&w, "%s", "more than eight bytes");
  gcw_write_str(&w, "and more");
  assert_int_equal(gcw_writer_end(&w), GCW_EPIPE);
  assert_int_equal(calls, 1); /* nothing is tried after the first failure */
  assert_int_equal(w.err_no, EPIPE);
  /* colour only when asked */
  static char out[64];
  FILE *f = fmemopen(out, sizeof out, "w");
  gcw_writer c = gcw_writer_to_file(f, NULL, 0);
  gcw_sgr(&c, "1");
  c.colour = 1;
  gcw_sgr(&c, gcw_severity_colour("error"));
  gcw_writer_end(&c);
  fclose(f);
  assert_string_equal(out, "\033[1;31m");
}

static void test_wall_times(void **state) {
  (void)state;
  gcw_civil c;
  char wall[GCW_WALL_MAX];
  const char *t = "2026-11-22T10:06:01.123456789+02:00";
  assert_int_equal(gcw_rfc3339_parse(t, strlen(t), &c), strlen(t));
  assert_true(gcw_wall_format(c, wall));
  assert_string_equal(wall, "2026-11-22T08:06:01.123Z");
  /* 2026-11-22T08:06:01.123Z = 20779 days and 29161.123 s after the epoch */
  assert_true(fabs(gcw_wall_seconds(wall) - (20779.0 * 86400 + 29161.123)) < 1e-6);
  assert_true(isnan(gcw_wall_seconds("--11-22T10:00:00"))); /* syslog: no year */
  assert_true(isnan(gcw_wall_seconds("2026-02-30T00:00:00Z")));
  char text[32];
  assert_string_equal(gcw_utc_text(20779.0 * 86400 + 29161.9, "%Y-%m-%d %H:%M:%S", text,
                                   sizeof text),
                      "2026-11-22 08:06:01");
  gcw_wall_now(wall);
  assert_int_equal(strlen(wall), 24);
  assert_int_equal(wall[23], 'Z');
}

static void test_severity_table(void **state) {
  (void)state;
  assert_string_equal(gcw_severity_name(GCW_SEV_INFO), "info");
  assert_string_equal(gcw_severity_name(GCW_SEV_ERROR), "error");
  assert_true(gcw_severity_rank("error") > gcw_severity_rank("warn"));
  assert_true(gcw_severity_rank("warn") > gcw_severity_rank("info"));
  assert_int_equal(gcw_severity_rank("critical"), 0);
  /* the SQL rank is the same table, evaluated by SQLite */
  sqlite3 *db;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  const char *sql = "SELECT " GCW_SEVERITY_RANK_SQL("?1");
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  static const char *const names[] = {"info", "warn", "error", "other"};
  for (int i = 0; i < 4; i++) {
    sqlite3_bind_text(st, 1, names[i], -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), gcw_severity_rank(names[i]));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf8_well_formed),
      cmocka_unit_test(test_utf8_ill_formed),
      cmocka_unit_test(test_json_strings),
      cmocka_unit_test(test_writer_stops_at_the_first_failure),
      cmocka_unit_test(test_wall_times),
      cmocka_unit_test(test_severity_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

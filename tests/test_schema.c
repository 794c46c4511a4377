/*
** test_schema.c: docs/schema.md, the store and src/fields.h cannot drift apart.
**   - every field of fields.h has a row "| `name` | TYPE | UNIT |" in the section of each
**     table its `tables` bits name;
**   - every column a fresh store creates (PRAGMA table_info of every table) has a row
**     "| `name` | TYPE |" in its table's section, and every such row names a real column;
**   - PRAGMA user_version is 1;
**   - every ```sql example of schema.md runs on a fresh store.
** A table's section runs from its heading "## `table`" to the next "## " heading.
*/
#include "testutil.h"

#include "fields.h"
#include "store.h"

/* The event tables and the fields.h bit that puts a field in each. */
static const struct {
  unsigned bit;
  const char *table;
} event_tables[] = {{GCW_T_GC, "gc_cycles"},
                    {GCW_T_SCAV, "scavenger"},
                    {GCW_T_PACER, "pacer"},
                    {GCW_T_FORCED, "forced_gc"}};
enum { NEVENT_TABLES = sizeof event_tables / sizeof event_tables[0] };

static char *read_schema_doc(void) {
  char path[1024];
  tu_root(path, sizeof path, "docs/schema.md");
  char *doc = tu_slurp(path, NULL);
  if (!doc)
    fail_msg("cannot read %s (set GCW_ROOT to the repository root)", path);
  return doc;
}

/* A copy of the section of `table` (from its heading to the next "## "), or NULL. */
static char *section(const char *doc, const char *table) {
  char heading[128];
  snprintf(heading, sizeof heading, "\n## `%s`", table);
  const char *a = strstr(doc, heading);
  if (!a)
    return NULL;
  a++;
  const char *b = strstr(a + 1, "\n## ");
  size_t n = b ? (size_t)(b - a) : strlen(a);
  char *s = malloc(n + 1);
  assert_non_null(s);
  memcpy(s, a, n);
  s[n] = '\0';
  return s;
}

/* 1 if sec has a line beginning with "| `name` | type |" (and " unit |" when unit). */
static int has_row(const char *sec, const char *name, const char *type, const char *unit) {
  char row[256];
  if (unit)
    snprintf(row, sizeof row, "\n| `%s` | %s | %s |", name, type, unit);
  else
    snprintf(row, sizeof row, "\n| `%s` | %s |", name, type);
  return strstr(sec, row) != NULL;
}

static const char *sql_type(gcw_field_type t) { return t == GCW_REAL ? "REAL" : "INTEGER"; }

/* (a) Every field of fields.h is documented in each table it is stored in. */
static void test_fields_documented(void **state) {
  (void)state;
  char *doc = read_schema_doc();
  int missing = 0;
  unsigned known = 0;
  for (int t = 0; t < NEVENT_TABLES; t++) {
    known |= event_tables[t].bit;
    char *sec = section(doc, event_tables[t].table);
    if (!sec) {
      fprintf(stderr, "docs/schema.md: no section \"## `%s`\"\n", event_tables[t].table);
      missing++;
      continue;
    }
    for (int f = 0; f < GCW_NFIELDS; f++) {
      const gcw_field_info *fi = &gcw_field_infos[f];
      if (!(fi->tables & event_tables[t].bit))
        continue;
      const char *unit = *fi->unit ? fi->unit : "—";
      if (!has_row(sec, fi->name, sql_type(fi->type), unit)) {
        fprintf(stderr, "docs/schema.md, section %s: no row \"| `%s` | %s | %s |\" "
                        "(field of src/fields.h)\n",
                event_tables[t].table, fi->name, sql_type(fi->type), unit);
        missing++;
      }
    }
    free(sec);
  }
  for (int f = 0; f < GCW_NFIELDS; f++)
    if (gcw_field_infos[f].tables & ~known) {
      fprintf(stderr, "src/fields.h: field %s names a table this test does not know\n",
              gcw_field_infos[f].name);
      missing++;
    }
  free(doc);
  assert_int_equal(missing, 0);
}

/* A fresh store on a temporary path; the caller closes it and removes the files. */
static gcw_store *fresh_store(char *path, size_t n) {
  char msg[256] = "";
  gcw_store *s = NULL;
  tu_tmp(path, n, "schema.db");
  if (gcw_store_open(&s, path, msg, sizeof msg) != GCW_OK)
    fail_msg("gcw_store_open(%s): %s", path, msg);
  return s;
}

static sqlite3 *open_rw(const char *path) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  return db;
}

/* Check the documented rows of one table against its real columns; returns problems. */
static int check_table(sqlite3 *db, const char *doc, const char *table) {
  char sql[256];
  char *names[128];
  int ncols = 0, bad = 0;
  char *sec = section(doc, table);
  if (!sec) {
    fprintf(stderr, "docs/schema.md: the store has table %s but no section \"## `%s`\"\n",
            table, table);
    return 1;
  }
  sqlite3_stmt *st;
  snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", table);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW && ncols < 128) {
    const char *name = (const char *)sqlite3_column_text(st, 1);
    const char *type = (const char *)sqlite3_column_text(st, 2);
    names[ncols++] = strdup(name);
    if (!has_row(sec, name, type, NULL)) {
      fprintf(stderr, "docs/schema.md, section %s: no row \"| `%s` | %s |\" (a column the "
                      "store creates)\n",
              table, name, type);
      bad++;
    }
  }
  sqlite3_finalize(st);
  /* The other way round: every documented row of the section is a real column. */
  for (const char *p = strstr(sec, "\n| `"); p; p = strstr(p + 1, "\n| `")) {
    const char *name = p + 4;
    const char *end = strchr(name, '`');
    if (!end)
      break;
    int found = 0;
    for (int i = 0; i < ncols && !found; i++)
      found = strlen(names[i]) == (size_t)(end - name) &&
              memcmp(names[i], name, (size_t)(end - name)) == 0;
    if (!found) {
      fprintf(stderr, "docs/schema.md, section %s: row for `%.*s`, which the store does not "
                      "create\n",
              table, (int)(end - name), name);
      bad++;
    }
  }
  for (int i = 0; i < ncols; i++)
    free(names[i]);
  free(sec);
  return bad;
}

/* (b) Every column of every table the store creates is documented; user_version is 1. */
static void test_store_columns_documented(void **state) {
  (void)state;
  char path[512];
  char *doc = read_schema_doc();
  gcw_store *s = fresh_store(path, sizeof path);
  sqlite3 *db = open_rw(path); /* a second connection: the store lends out none */
  sqlite3_stmt *st;
  int bad = 0, tables = 0;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT name FROM sqlite_master WHERE type='table' "
                                      "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                                      -1, &st, NULL),
                   SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    bad += check_table(db, doc, (const char *)sqlite3_column_text(st, 0));
    tables++;
  }
  sqlite3_finalize(st);
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  assert_int_equal(gcw_store_close(&s), GCW_OK);
  tu_rm_db(path);
  free(doc);
  assert_true(tables >= 8); /* sources, runs, 4 event tables, unparsed, findings */
  assert_int_equal(bad, 0);
  assert_int_equal(version, 1);
}

/* The documented version is the one the store writes, also on reopening. */
static void test_reopen_keeps_version(void **state) {
  (void)state;
  char path[512], msg[256] = "";
  gcw_store *s = fresh_store(path, sizeof path);
  assert_int_equal(gcw_store_close(&s), GCW_OK);
  assert_int_equal(gcw_store_open(&s, path, msg, sizeof msg), GCW_OK);
  assert_int_equal(gcw_store_close(&s), GCW_OK);
  assert_int_equal(tu_db_int(path, "PRAGMA user_version"), 1);
  tu_rm_db(path);
}

/* Every ```sql example of schema.md runs on a fresh store (style.md: examples are tests). */
static void test_examples_run(void **state) {
  (void)state;
  char path[512];
  char *doc = read_schema_doc();
  gcw_store *s = fresh_store(path, sizeof path);
  sqlite3 *db = open_rw(path); /* a second connection: the store lends out none */
  int examples = 0, bad = 0;
  for (char *p = strstr(doc, "\n```sql\n"); p; p = strstr(p, "\n```sql\n")) {
    char *body = p + 8;
    char *end = strstr(body, "\n```");
    assert_non_null(end);
    *end = '\0';
    char *err = NULL;
    if (sqlite3_exec(db, body, NULL, NULL, &err) != SQLITE_OK) {
      fprintf(stderr, "docs/schema.md example %d fails: %s\n%s\n", examples + 1,
              err ? err : "?", body);
      bad++;
    }
    sqlite3_free(err);
    examples++;
    p = end + 1;
  }
  sqlite3_close(db);
  assert_int_equal(gcw_store_close(&s), GCW_OK);
  tu_rm_db(path);
  free(doc);
  assert_true(examples >= 5);
  assert_int_equal(bad, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fields_documented),
      cmocka_unit_test(test_store_columns_documented),
      cmocka_unit_test(test_reopen_keeps_version),
      cmocka_unit_test(test_examples_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

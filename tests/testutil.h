/*
** testutil.h: helpers shared by the cmocka tests (header-only: each test is one binary).
** The binary under test, the corpus and the repository root come from the environment
** (GCW_BIN, GCW_CORPUS, GCW_ROOT), set by `make test` / `make test-asan`; the corpus is the
** project's own tests/corpus (tests/corpus/README.md), the large logs there gzipped.
*/
#ifndef GCW_TESTUTIL_H
#define GCW_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka.h needs the four headers above */
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "store_read.h"

extern char **environ;

static inline const char *env_or(const char *name, const char *dflt) {
  const char *v = getenv(name);
  return v && *v ? v : dflt;
}

static inline const char *tu_bin(void) { return env_or("GCW_BIN", "./gctrace-watch"); }
static inline int tu_quick(void) { return getenv("GCW_QUICK") != NULL; }

static inline const char *tu_root(char *buf, size_t n, const char *rel) {
  snprintf(buf, n, "%s/%s", env_or("GCW_ROOT", "."), rel);
  return buf;
}

/* Path of a corpus file (GCW_CORPUS, else tests/corpus under GCW_ROOT); one static buffer
** per call site is enough for tests. The large logs are stored as NAME.gz: give the tool
** "NAME.gz", and use tu_corpus_plain() where a test needs the bytes themselves. */
static inline const char *tu_corpus(char *buf, size_t n, const char *rel) {
  const char *dir = getenv("GCW_CORPUS");
  if (dir && *dir)
    snprintf(buf, n, "%s/%s", dir, rel);
  else
    snprintf(buf, n, "%s/tests/corpus/%s", env_or("GCW_ROOT", "."), rel);
  return buf;
}

/* The decompressed copies this test process made (removed when it exits). Test-only state:
** one process decompresses each large log once, however many tests read it. */
enum { TU_PLAIN_MAX = 8 };
static struct {
  char rel[256], path[512];
} tu_plain[TU_PLAIN_MAX];

static inline void tu_plain_cleanup(void) {
  for (int i = 0; i < TU_PLAIN_MAX; i++)
    if (tu_plain[i].path[0])
      unlink(tu_plain[i].path);
}

/* gunzip SRC into a new file created exclusively from the template DST; 0 on success. */
static inline int tu_gunzip(const char *src, char *dst) {
  int fd = mkstemp(dst);
  if (fd < 0)
    return -1;
  gzFile gz = gzopen(src, "rb");
  int ok = gz != NULL;
  char buf[1 << 16];
  int got;
  while (ok && (got = gzread(gz, buf, sizeof buf)) > 0)
    ok = write(fd, buf, (size_t)got) == got;
  if (gz && (got < 0 || gzclose(gz) != Z_OK))
    ok = 0;
  if (close(fd) != 0 || !ok) {
    unlink(dst);
    return -1;
  }
  return 0;
}

/* Path of the plain bytes of corpus log REL: the file itself when it is stored plain,
** else REL.gz decompressed into a temporary file (made once per test process). */
static inline const char *tu_corpus_plain(char *buf, size_t n, const char *rel) {
  if (access(tu_corpus(buf, n, rel), R_OK) == 0)
    return buf;
  int slot = 0;
  for (; slot < TU_PLAIN_MAX && tu_plain[slot].path[0]; slot++)
    if (strcmp(tu_plain[slot].rel, rel) == 0) {
      snprintf(buf, n, "%s", tu_plain[slot].path);
      return buf;
    }
  if (slot == TU_PLAIN_MAX) {
    fprintf(stderr, "tu_corpus_plain: more than %d logs to decompress\n", TU_PLAIN_MAX);
    abort();
  }
  char gz[1024];
  snprintf(gz, sizeof gz, "%s.gz", tu_corpus(buf, n, rel));
  snprintf(tu_plain[slot].path, sizeof tu_plain[slot].path, "%s/gcw-corpus-%d-XXXXXX",
           env_or("TMPDIR", "/tmp"), (int)getpid());
  if (tu_gunzip(gz, tu_plain[slot].path) != 0) {
    fprintf(stderr, "tu_corpus_plain: cannot decompress %s\n", gz);
    tu_plain[slot].path[0] = '\0';
    return tu_corpus(buf, n, rel); /* the caller's read of it fails */
  }
  if (slot == 0)
    atexit(tu_plain_cleanup);
  snprintf(tu_plain[slot].rel, sizeof tu_plain[slot].rel, "%s", rel);
  snprintf(buf, n, "%s", tu_plain[slot].path);
  return buf;
}

/* Children start with default dispositions and an empty signal mask, whatever this test
** inherited (`make check &` ignores SIGINT and SIGQUIT, nohup SIGHUP, some CI runners
** SIGINT or SIGPIPE): a test about signals must not depend on how it was started. */
static inline void tu_spawnattr(posix_spawnattr_t *at) {
  sigset_t def, none;
  sigemptyset(&def);
  sigaddset(&def, SIGINT);
  sigaddset(&def, SIGTERM);
  sigaddset(&def, SIGHUP);
  sigaddset(&def, SIGPIPE);
  sigaddset(&def, SIGQUIT);
  sigemptyset(&none);
  posix_spawnattr_init(at);
  posix_spawnattr_setsigdefault(at, &def);
  posix_spawnattr_setsigmask(at, &none);
  posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
}

/* Path of corpus log REL as the project stores it: REL itself, or REL.gz for the large logs
** (the tool reads either). */
static inline const char *tu_corpus_stored(char *buf, size_t n, const char *rel) {
  if (access(tu_corpus(buf, n, rel), R_OK) == 0)
    return buf;
  size_t len = strlen(buf);
  if (len + 4 <= n)
    memcpy(buf + len, ".gz", 4);
  return buf;
}

/* posix_spawnp / posix_spawn with the dispositions reset (tu_spawnattr). */
static inline int tu_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,
                            char *const argv[], char *const envp[]) {
  posix_spawnattr_t at;
  tu_spawnattr(&at);
  int rc = posix_spawnp(pid, file, fa, &at, argv, envp);
  posix_spawnattr_destroy(&at);
  return rc;
}

static inline int tu_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                           char *const argv[], char *const envp[]) {
  posix_spawnattr_t at;
  tu_spawnattr(&at);
  int rc = posix_spawn(pid, path, fa, &at, argv, envp);
  posix_spawnattr_destroy(&at);
  return rc;
}

/* A fresh temporary path (the file does not exist). */
static inline void tu_tmp(char *buf, size_t n, const char *tag) {
  static int seq;
  snprintf(buf, n, "%s/gcw-test-%d-%d-%s", env_or("TMPDIR", "/tmp"), (int)getpid(), ++seq, tag);
  unlink(buf);
}

static inline void tu_rm_db(const char *db) {
  char p[600];
  unlink(db);
  snprintf(p, sizeof p, "%s-wal", db);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", db);
  unlink(p);
}

/* Run argv (execvp-style, no shell) with stdin/stdout/stderr redirected to files (NULL:
** /dev/null, or inherit for stderr). Returns the exit status, 128+N for signal N. */
static inline int tu_run(char *const argv[], const char *in, const char *out, const char *err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  if (err)
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  int rc = tu_spawnp(&pid, argv[0], &fa, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    return -1;
  int st;
  if (waitpid(pid, &st, 0) < 0)
    return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* One integer from a query on a database (fails the test on error). */
static inline long long tu_db_int(const char *db, const char *sql) {
  sqlite3 *h;
  sqlite3_stmt *st;
  long long v = -1;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "SQL error: %s\n  in: %s\n", sqlite3_errmsg(h), sql);
    fail();
  }
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

static inline double tu_db_real(const char *db, const char *sql) {
  sqlite3 *h;
  sqlite3_stmt *st;
  double v = -1;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return v;
}

/* One text value (NULL as "NULL") from a query, into buf. */
static inline const char *tu_db_text(const char *db, const char *sql, char *buf, size_t n) {
  sqlite3 *h;
  sqlite3_stmt *st;
  snprintf(buf, n, "(no row)");
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
    fprintf(stderr, "SQL error: %s\n  in: %s\n", sqlite3_errmsg(h), sql);
    fail();
  }
  if (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *t = sqlite3_column_text(st, 0);
    snprintf(buf, n, "%s", t ? (const char *)t : "NULL");
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return buf;
}

/* Whole file in memory (tests only); *n gets its size. */
static inline char *tu_slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)sz + 1);
  if (b && fread(b, 1, (size_t)sz, f) != (size_t)sz) {
    free(b);
    b = NULL;
  }
  if (b)
    b[sz] = '\0';
  fclose(f);
  if (n)
    *n = (size_t)sz;
  return b;
}

/* A file holding text (a log a test builds); fails the test when it cannot be written. */
static inline void tu_write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) < 0, 0);
  assert_int_equal(fclose(f), 0);
}

/* 1 if two files hold the same bytes. */
static inline int tu_same_file(const char *a, const char *b) {
  size_t na = 0, nb = 0;
  char *x = tu_slurp(a, &na), *y = tu_slurp(b, &nb);
  int same = x && y && na == nb && memcmp(x, y, na) == 0;
  free(x);
  free(y);
  return same;
}

typedef struct tu_result {
  int status;
  char *out, *err; /* whole stdout and stderr (NUL-terminated) */
  size_t nout, nerr;
} tu_result;

/* Run `gctrace-watch ARGS...` (NULL-terminated) and collect its exit status and output. */
static inline tu_result tu_capture(const char *arg0, ...) {
  char *argv[16] = {(char *)tu_bin(), (char *)arg0};
  int argc = 2;
  va_list ap;
  va_start(ap, arg0);
  while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
    argc++;
  va_end(ap);
  argv[argc] = NULL;
  char out[512], err[512];
  tu_tmp(out, sizeof out, "out");
  tu_tmp(err, sizeof err, "err");
  tu_result r = {tu_run(argv, NULL, out, err), NULL, NULL, 0, 0};
  r.out = tu_slurp(out, &r.nout);
  r.err = tu_slurp(err, &r.nerr);
  assert_non_null(r.out);
  assert_non_null(r.err);
  unlink(out);
  unlink(err);
  return r;
}

static inline void tu_result_free(tu_result *r) {
  free(r->out);
  free(r->err);
}

/* `gctrace-watch analyze --quiet --db DB PATH`, which must succeed. */
static inline void tu_analyze(const char *db, const char *path) {
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", (char *)db, (char *)path, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
}

/* A fresh database (its path in db) holding one corpus log. */
static inline void tu_corpus_db(char *db, size_t n, const char *rel) {
  char path[512];
  tu_tmp(db, n, "corpus.db");
  tu_analyze(db, tu_corpus_stored(path, sizeof path, rel));
}

/* Run SQL on a database read-write (fails the test on error). */
static inline void tu_exec(const char *db, const char *sql) {
  sqlite3 *h;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK) {
    fprintf(stderr, "SQL error: %s\n  in: %s\n", sqlite3_errmsg(h), sql);
    fail();
  }
  sqlite3_close(h);
}

/* A database opened read-only through the store's read API (what the read commands do);
** fails the test when it cannot be. */
static inline gcw_db *tu_db_open_ro(const char *path) {
  gcw_db *db = NULL;
  char msg[256] = "";
  if (gcw_db_open(&db, path, 0, msg, sizeof msg) != GCW_OK)
    fail_msg("gcw_db_open(%s): %s", path, msg);
  return db;
}

#endif

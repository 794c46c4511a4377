/*
** test_passthrough.c: watch mode hands stdout exactly the bytes of stdin, at once; --strip
** drops only trace text; odd input (binary, NUL, CRLF, invalid UTF-8, a 10 MB line, no
** final newline) is passed, counted and kept; user errors give one line and a status.
*/
#include "testutil.h"

#include <dirent.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>

static int run_watch(const char *in, const char *out, const char *db, int strip) {
  char *argv[] = {(char *)tu_bin(), "--db", (char *)db, strip ? "--strip" : NULL, NULL};
  return tu_run(argv, in, out, NULL);
}

/* 1 if watch mode passes the bytes of IN through unchanged. */
static int passes_unchanged(const char *in) {
  char out[512], db[512];
  tu_tmp(out, sizeof out, "pass.out");
  tu_tmp(db, sizeof db, "pass.db");
  assert_int_equal(run_watch(in, out, db, 0), 0);
  int same = tu_same_file(in, out);
  if (!same)
    fprintf(stderr, "pass-through differs for %s\n", in);
  unlink(out);
  tu_rm_db(db);
  return same;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Every log of the corpus comes out unchanged: the plain ones, the gzip files as they are
** (watch passes any bytes) and the decompressed bytes of the large NAME.log.gz ones. */
static void test_every_corpus_file_identical(void **state) {
  (void)state;
  char root[512];
  tu_corpus(root, sizeof root, "");
  DIR *d = opendir(root);
  assert_non_null(d);
  int files = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.')
      continue;
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/%s", root, e->d_name);
    DIR *sd = opendir(sub);
    if (!sd)
      continue;
    for (struct dirent *f; (f = readdir(sd));) {
      if (!ends_with(f->d_name, ".log") && !ends_with(f->d_name, ".gz"))
        continue;
      if (tu_quick() && strncmp(e->d_name, "08_", 3) == 0)
        continue;
      char in[1536];
      snprintf(in, sizeof in, "%s/%s", sub, f->d_name);
      assert_true(passes_unchanged(in));
      files++;
      if (ends_with(f->d_name, ".log.gz")) {
        char rel[1024], plain[1024];
        snprintf(rel, sizeof rel, "%s/%.*s", e->d_name, (int)strlen(f->d_name) - 3, f->d_name);
        assert_true(passes_unchanged(tu_corpus_plain(plain, sizeof plain, rel)));
        files++;
      }
    }
    closedir(sd);
  }
  closedir(d);
  assert_true(files >= 25);
}

/* A file built by this test (not a real log): binary bytes with NULs, invalid UTF-8,
** CRLF, a 10 MB line, a real gc line from corpus 01 (line 2) with CRLF, no final newline. */
static void make_odd_file(const char *path) {
  static const char real_gc[] =
      "gc 1 @0.004s 7%: 0.015+2.2+0.078 ms clock, 0.030+0.11/0.73/1.1+0.15 ms cpu, 3->4->3 MB, "
      "4 MB goal, 0 MB stacks, 0 MB globals, 2 P";
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  for (int i = 0; i < 4096; i++)
    fputc((i * 7919) & 0xff, f); /* every byte value, NUL and \n included */
  fputs("\ninvalid utf-8: \xc3\x28 \xff\xfe\r\n", f);
  fputs(real_gc, f);
  fputs("\r\n", f);
  for (long i = 0; i < 10L * 1024 * 1024; i++)
    fputc('a' + (int)(i % 26), f);
  fputs("\n", f);
  fputs(real_gc, f); /* once more, as the last line, without a newline */
  fclose(f);
}

static void test_odd_input(void **state) {
  (void)state;
  char in[512], out[512], db[512];
  tu_tmp(in, sizeof in, "odd.bin");
  tu_tmp(out, sizeof out, "odd.out");
  tu_tmp(db, sizeof db, "odd.db");
  make_odd_file(in);
  assert_int_equal(run_watch(in, out, db, 0), 0);
  assert_true(tu_same_file(in, out));
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 2);
  assert_int_equal(tu_db_int(db, "SELECT overlong_lines FROM sources"), 1);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE wall IS NOT NULL"), 2);
  tu_rm_db(db);
  /* analyze reads the same file and stores the same cycles */
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, in, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 2);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE mark_ms = 2.2"), 2);
  tu_rm_db(db);
  unlink(in);
  unlink(out);
}

/* --strip on 06: exactly the application's lines remain (notes.md: 68,785 app log lines
** and 39 STATUS lines, 599 of them glued behind a trace fragment), each one whole. */
static void test_strip_keeps_app_lines_whole(void **state) {
  (void)state;
  char in[512], out[512], db[512];
  tu_corpus_plain(in, sizeof in, "06_interleaved_applog/combined.log");
  tu_tmp(out, sizeof out, "strip.out");
  tu_tmp(db, sizeof db, "strip.db");
  assert_int_equal(run_watch(in, out, db, 1), 0);
  regex_t app, status;
  assert_int_equal(regcomp(&app,
                           "^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:.]+ (worker=[0-9]+ req=[0-9]+ "
                           "method=[A-Z]+ path=[^ ]+ user=user[0-9]+ status=[0-9]+ bytes=[0-9]+ "
                           "dur=[0-9.]+[^ ]*s|shutdown after [0-9]+ requests)$",
                           REG_EXTENDED | REG_NOSUB),
                   0);
  assert_int_equal(regcomp(&status, "^STATUS t=[0-9]+s requests=[0-9]+$", REG_EXTENDED | REG_NOSUB),
                   0);
  size_t n = 0;
  char *buf = tu_slurp(out, &n);
  assert_non_null(buf);
  long apps = 0, statuses = 0, other = 0;
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    if (regexec(&app, line, 0, NULL, 0) == 0)
      apps++;
    else if (regexec(&status, line, 0, NULL, 0) == 0)
      statuses++;
    else if (other++ < 5)
      fprintf(stderr, "not an app line: %.120s\n", line);
  }
  long newlines = 0;
  for (size_t i = 0; i < n; i++)
    newlines += buf[i] == '\0'; /* strtok replaced every "\n" */
  assert_int_equal(apps, 68785);
  assert_int_equal(statuses, 39);
  assert_int_equal(other, 0);
  assert_int_equal(newlines, 68785 + 39); /* no stray empty lines */
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 10266);
  regfree(&app);
  regfree(&status);
  free(buf);
  unlink(out);
  tu_rm_db(db);
}

/* A slow writer's line appears on stdout at once, not when a buffer fills. */
static void test_line_appears_at_once(void **state) {
  (void)state;
  int to[2], from[2];
  char db[512];
  tu_tmp(db, sizeof db, "slow.db");
  assert_int_equal(pipe(to), 0);
  assert_int_equal(pipe(from), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, to[0], 0);
  posix_spawn_file_actions_adddup2(&fa, from[1], 1);
  posix_spawn_file_actions_addclose(&fa, to[1]);
  posix_spawn_file_actions_addclose(&fa, from[0]);
  char *argv[] = {(char *)tu_bin(), "--db", db, NULL};
  pid_t pid;
  assert_int_equal(tu_spawnp(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(to[0]);
  close(from[1]);
  /* corpus 01_steady_state_web/gctrace.log line 2 */
  static const char line[] =
      "gc 1 @0.004s 7%: 0.015+2.2+0.078 ms clock, 0.030+0.11/0.73/1.1+0.15 ms cpu, 3->4->3 MB, "
      "4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";
  assert_int_equal(write(to[1], line, sizeof line - 1), (ssize_t)(sizeof line - 1));
  char got[512];
  size_t have = 0;
  struct pollfd p = {from[0], POLLIN, 0};
  while (have < sizeof line - 1 && poll(&p, 1, 3000) > 0) {
    ssize_t n = read(from[0], got + have, sizeof got - have);
    if (n <= 0)
      break;
    have += (size_t)n;
  }
  assert_int_equal(have, sizeof line - 1); /* arrived while stdin is still open */
  assert_memory_equal(got, line, have);
  /* within 250 ms (+ slack) of arriving, the cycle is committed, stdin still open */
  usleep(600 * 1000);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 1);
  close(to[1]);
  int st;
  waitpid(pid, &st, 0);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(from[0]);
  tu_rm_db(db);
}

/* `| head`: a closed stdout ends the program quietly; what was read is kept. */
static void test_closed_stdout_is_quiet(void **state) {
  (void)state;
  int from[2];
  char in[512], err[512], db[512];
  tu_corpus_plain(in, sizeof in, "06_interleaved_applog/combined.log");
  tu_tmp(err, sizeof err, "closed.err");
  tu_tmp(db, sizeof db, "closed.db");
  assert_int_equal(pipe(from), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, from[1], 1);
  posix_spawn_file_actions_addclose(&fa, from[0]);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char *argv[] = {(char *)tu_bin(), "--db", db, NULL};
  pid_t pid;
  assert_int_equal(tu_spawnp(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(from[1]);
  char buf[100];
  assert_true(read(from[0], buf, sizeof buf) > 0);
  close(from[0]); /* like `head -c 100` */
  int st;
  waitpid(pid, &st, 0);
  assert_true(WIFEXITED(st));
  assert_int_equal(WEXITSTATUS(st), 0);
  size_t n = 1;
  char *e = tu_slurp(err, &n);
  assert_int_equal(n, 0);
  free(e);
  char ok[64];
  assert_string_equal(tu_db_text(db, "PRAGMA integrity_check", ok, sizeof ok), "ok");
  assert_true(tu_db_int(db, "SELECT count(*) FROM gc_cycles") > 0);
  unlink(err);
  tu_rm_db(db);
}

static void expect_error(char *const argv[], int status, const char *needle) {
  char err[512];
  tu_tmp(err, sizeof err, "err.txt");
  assert_int_equal(tu_run(argv, NULL, NULL, err), status);
  size_t n = 0;
  char *text = tu_slurp(err, &n);
  assert_non_null(text);
  if (!strstr(text, needle)) {
    fprintf(stderr, "stderr was: %s\nexpected to contain: %s\n", text, needle);
    fail();
  }
  assert_non_null(memchr(text, '\n', n));
  assert_true(strchr(text, '\n') == text + n - 1); /* exactly one line */
  free(text);
  unlink(err);
}

static void test_user_errors(void **state) {
  (void)state;
  char db[512], good[512], dir[512];
  tu_tmp(db, sizeof db, "err.db");
  tu_corpus(good, sizeof good, "01_steady_state_web/gctrace.log");
  tu_corpus(dir, sizeof dir, "01_steady_state_web");
  char *bad_flag[] = {(char *)tu_bin(), "--frobnicate", NULL};
  expect_error(bad_flag, 2, "unknown option '--frobnicate'");
  char *no_files[] = {(char *)tu_bin(), "analyze", "--db", db, NULL};
  expect_error(no_files, 2, "analyze needs at least one FILE");
  char *missing_value[] = {(char *)tu_bin(), "--db", NULL};
  expect_error(missing_value, 2, "missing value for '--db'");
  char *missing[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, "/nonexistent/x.log", NULL};
  expect_error(missing, 3, "/nonexistent/x.log: No such file or directory");
  char *directory[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, dir, NULL};
  expect_error(directory, 3, "is a directory");
  char *bad_db[] = {(char *)tu_bin(), "analyze", "--db", "/nonexistent/dir/x.db", good, NULL};
  expect_error(bad_db, 3, "/nonexistent/dir/x.db: cannot open");
  /* a missing file among several: the others are still imported, the status says so */
  tu_rm_db(db);
  char *mixed[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, "/nonexistent/y.log", good, NULL};
  expect_error(mixed, 3, "/nonexistent/y.log");
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 37);
  tu_rm_db(db);
  char out[512];
  tu_tmp(out, sizeof out, "help.txt");
  char *help[] = {(char *)tu_bin(), "--help", NULL};
  assert_int_equal(tu_run(help, NULL, out, NULL), 0);
  char *text = tu_slurp(out, NULL);
  assert_non_null(strstr(text, "usage: gctrace-watch"));
  free(text);
  char *version[] = {(char *)tu_bin(), "--version", NULL};
  assert_int_equal(tu_run(version, NULL, out, NULL), 0);
  text = tu_slurp(out, NULL);
  assert_non_null(strstr(text, "gctrace-watch "));
  free(text);
  unlink(out);
}

/* Copy the first n bytes of a corpus file (n = 0: all) to a temp file; returns its path. */
static void copy_head(const char *rel, size_t n, char *out, size_t outlen, const char *tag) {
  char path[512];
  size_t size = 0;
  char *buf = tu_slurp(tu_corpus_plain(path, sizeof path, rel), &size);
  assert_non_null(buf);
  tu_tmp(out, outlen, tag);
  FILE *f = fopen(out, "wb");
  assert_non_null(f);
  fwrite(buf, 1, n && n < size ? n : size, f);
  fclose(f);
  free(buf);
}

/* Bad input among good: a message naming the file (and line), the rest imported, and a
** nonzero status. The bad files are built here from real corpus bytes. */
static void test_bad_inputs(void **state) {
  (void)state;
  char db[512], good[512], trunc[512], empty[512], bin[512], cut[512], dir[512];
  tu_tmp(db, sizeof db, "bad.db");
  tu_corpus(good, sizeof good, "01_steady_state_web/gctrace.log");
  tu_corpus(dir, sizeof dir, "01_steady_state_web");
  /* the first 20,000 bytes of corpus 10's gzip of 04b: a gzip stream cut short */
  copy_head("10_gzip_rotated/gctrace.log.1.gz", 20000, trunc, sizeof trunc, "trunc.gz");
  tu_tmp(empty, sizeof empty, "empty.log");
  fclose(fopen(empty, "wb"));
  /* a gzip file is binary data to anything that does not decompress it: use its bytes
  ** after the header, so no gzip magic is seen */
  copy_head("10_gzip_rotated/gctrace.log.1.gz", 0, bin, sizeof bin, "bin.log");
  {
    size_t n = 0;
    char *b = tu_slurp(bin, &n);
    FILE *f = fopen(bin, "wb");
    fwrite(b + 10, 1, n - 10, f);
    fclose(f);
    free(b);
  }
  /* corpus 09b's first 3 records, then record 10 cut after 90 bytes, then records 11-20 */
  {
    char path[512];
    size_t n = 0;
    char *b = tu_slurp(tu_corpus_plain(path, sizeof path, "09b_docker_jsonfile/container-json.log"), &n);
    char *lines[21];
    char *p = b;
    for (int k = 1; k <= 20; k++) {
      lines[k] = p;
      p = strchr(p, '\n') + 1;
    }
    tu_tmp(cut, sizeof cut, "cut.json");
    FILE *f = fopen(cut, "wb");
    fwrite(lines[1], 1, (size_t)(lines[4] - lines[1]), f);
    fwrite(lines[10], 1, 90, f);
    fputc('\n', f);
    fwrite(lines[11], 1, (size_t)(p - lines[11]), f);
    fclose(f);
    free(b);
  }
  struct {
    const char *file;
    const char *needle;
  } cases[] = {
      {trunc, "truncated gzip data"},
      {empty, "empty file"},
      {bin, "binary data, no GC trace lines"},
      {cut, ":4: not a complete Docker json-file record"},
      {dir, "is a directory"},
      {"/nonexistent/missing.log", "/nonexistent/missing.log: No such file or directory"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char err[512];
    tu_tmp(err, sizeof err, "bad.err");
    tu_rm_db(db);
    char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, (char *)cases[k].file,
                    good, NULL};
    assert_int_equal(tu_run(argv, NULL, NULL, err), 3);
    char *text = tu_slurp(err, NULL);
    if (!strstr(text, cases[k].needle) || !strstr(text, cases[k].file)) {
      fprintf(stderr, "case %zu: stderr was: %s\nexpected: %s\n", k, text, cases[k].needle);
      fail();
    }
    free(text);
    unlink(err);
    /* the good file after it is still imported: its 37 cycles (after 04b's first 787
    ** cycles for the truncated gzip, which start a run of their own) */
    assert_true(tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE line > 0") >= 37);
    assert_int_equal(tu_db_int(db, "SELECT count(*) FROM runs WHERE last_gc = 37 AND cycles = 37"),
                     1);
  }
  tu_rm_db(db);
  unlink(trunc);
  unlink(empty);
  unlink(bin);
  unlink(cut);
}

/* analyze shows a progress bar on stderr when it is a terminal (here a pseudo-terminal)
** and the input size is known; nothing when stderr is a file. */
static void test_progress_bar_only_on_a_tty(void **state) {
  (void)state;
  char in[512], db[512], err[512];
  /* an import long enough for the bar's first redraw (after 100 ms), sanitized or not */
  tu_corpus_plain(in, sizeof in,
            tu_quick() ? "06_interleaved_applog/combined.log" : "08_large_throughput/gctrace.log");
  tu_tmp(db, sizeof db, "prog.db");
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  assert_true(master >= 0);
  assert_int_equal(grantpt(master), 0);
  assert_int_equal(unlockpt(master), 0);
  const char *slave = ptsname(master);
  assert_non_null(slave);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, slave, O_RDWR, 0);
  posix_spawn_file_actions_addclose(&fa, master);
  char *argv[] = {(char *)tu_bin(), "analyze", "--db", db, in, NULL};
  pid_t pid;
  assert_int_equal(tu_spawnp(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  char buf[65536];
  size_t have = 0;
  struct pollfd p = {master, POLLIN, 0};
  while (have < sizeof buf - 1 && poll(&p, 1, 20000) > 0) {
    ssize_t n = read(master, buf + have, sizeof buf - 1 - have);
    if (n <= 0)
      break; /* EIO once the child closed the terminal */
    have += (size_t)n;
  }
  buf[have] = '\0';
  int st;
  waitpid(pid, &st, 0);
  close(master);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  if (!strstr(buf, "[#"))
    fprintf(stderr, "terminal got %zu bytes: %.200s\n", have, buf);
  assert_non_null(strstr(buf, "[#"));
  assert_non_null(strstr(buf, "lines/s"));
  assert_non_null(strstr(buf, "%"));
  tu_rm_db(db);
  /* the same import with stderr a file: not a byte on it */
  tu_tmp(err, sizeof err, "prog.err");
  assert_int_equal(tu_run(argv, NULL, NULL, err), 0);
  size_t n = 1;
  free(tu_slurp(err, &n));
  assert_int_equal(n, 0);
  unlink(err);
  tu_rm_db(db);
}

/* Its reader gone before the first write (EPIPE at once): everything read is still stored. */
static void test_closed_stdout_keeps_what_was_read(void **state) {
  (void)state;
  int from[2];
  char in[512], db[512];
  tu_corpus(in, sizeof in, "01_steady_state_web/gctrace.log"); /* one read: 6,461 bytes */
  tu_tmp(db, sizeof db, "gone.db");
  assert_int_equal(pipe(from), 0);
  close(from[0]); /* nobody will read */
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, from[1], 1);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, NULL};
  pid_t pid;
  assert_int_equal(tu_spawnp(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(from[1]);
  int st;
  waitpid(pid, &st, 0);
  assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 37);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM scavenger"), 37);
  tu_rm_db(db);
}

/* A line split across lines keeps the time of the line its head was read on, not the time
** of the later line that completed it. Input built here: corpus 01 (gctrace.log lines 2 and
** 3, gc 1 and gc 2) behind RFC 3339 prefixes, gc 2 cut before " MB stacks" with an app text
** glued after its end. */
static void test_rejoined_line_keeps_its_time(void **state) {
  (void)state;
  static const char built[] =
      "2026-01-01T00:00:01Z gc 1 @0.004s 7%: 0.015+2.2+0.078 ms clock, 0.030+0.11/0.73/1.1+"
      "0.15 ms cpu, 3->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P\n"
      "2026-01-01T00:00:02Z gc 2 @0.015s 3%: 0.022+6.1+0.086 ms clock, 0.044+0.10/0.37/5.4+"
      "0.17 ms cpu, 6->7->7 MB, 7 MB goal, 0\n"
      "2026-01-01T00:00:03Z  MB stacks, 0 MB globals, 2 Phello world\n"
      "2026-01-01T05:00:00Z app line\n";
  char path[512], db[512], got[128];
  tu_tmp(path, sizeof path, "wall.log");
  FILE *f = fopen(path, "wb");
  fputs(built, f);
  fclose(f);
  tu_tmp(db, sizeof db, "wall.db");
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, path, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  assert_string_equal(tu_db_text(db, "SELECT group_concat(gc || ' ' || repaired || ' ' || wall, "
                                     "'; ') FROM gc_cycles",
                                 got, sizeof got),
                      "1 0 2026-01-01T00:00:01.000Z; 2 1 2026-01-01T00:00:02.000Z");
  unlink(path);
  tu_rm_db(db);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_corpus_file_identical),
      cmocka_unit_test(test_odd_input),
      cmocka_unit_test(test_strip_keeps_app_lines_whole),
      cmocka_unit_test(test_line_appears_at_once),
      cmocka_unit_test(test_closed_stdout_is_quiet),
      cmocka_unit_test(test_user_errors),
      cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_progress_bar_only_on_a_tty),
      cmocka_unit_test(test_closed_stdout_keeps_what_was_read),
      cmocka_unit_test(test_rejoined_line_keeps_its_time),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
** test_cli.c: what the command line says to a person who has not read the manual.
**   - watch mode with a terminal on stdin (run by hand, nothing piped in) says in one
**     line how to feed it, instead of waiting in silence; with a pipe it says nothing;
**   - a file without trace lines names the GODEBUG setting that makes them;
**   - `help [COMMAND]`; each command's --help lists its own options and exit statuses
**     only; a usage error's hint names the command's help;
**   - bash and zsh completion written from the option table: bash is run (the function
**     the script defines, with the words a user typed), zsh is parsed (zsh -n), and
**     `make install-files` installs both.
*/
#include "testutil.h"

#include <poll.h>

/* Watch mode with stdin on a pseudo-terminal; Ctrl-D ends the input. Returns stderr. */
static char *watch_on_a_terminal(const char *db) {
  char err[512];
  tu_tmp(err, sizeof err, "tty.err");
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  assert_true(master >= 0);
  assert_int_equal(grantpt(master), 0);
  assert_int_equal(unlockpt(master), 0);
  const char *slave = ptsname(master);
  assert_non_null(slave);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, slave, O_RDWR, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addclose(&fa, master);
  char *argv[] = {(char *)tu_bin(), "--db", (char *)db, NULL};
  pid_t pid;
  assert_int_equal(tu_spawnp(&pid, argv[0], &fa, argv, environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  /* wait for the hint, then end the input as a person would */
  char *text = NULL;
  for (int tries = 0; tries < 100; tries++) {
    free(text);
    text = tu_slurp(err, NULL);
    if (text && *text)
      break;
    poll(NULL, 0, 50);
  }
  assert_int_equal(write(master, "\x04", 1), 1);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  close(master);
  assert_true(WIFEXITED(st));
  free(text);
  text = tu_slurp(err, NULL);
  assert_non_null(text);
  unlink(err);
  return text;
}

static void test_terminal_on_stdin_gets_a_hint(void **state) {
  (void)state;
  char db[512];
  tu_tmp(db, sizeof db, "tty.db");
  char *text = watch_on_a_terminal(db);
  fprintf(stderr, "stderr: %s", text ? text : "(none)");
  assert_non_null(strstr(text, "reading a program's output from the terminal"));
  assert_non_null(strstr(text, "GODEBUG=gctrace=1"));
  assert_non_null(strchr(text, '\n'));
  assert_ptr_equal(strchr(text, '\n') + 1, text + strlen(text)); /* one line */
  free(text);
  tu_rm_db(db);
  /* with a pipe (here /dev/null) on stdin: not a word */
  char err[512];
  tu_tmp(err, sizeof err, "pipe.err");
  char *argv[] = {(char *)tu_bin(), "--db", db, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, err), 0);
  size_t n = 1;
  free(tu_slurp(err, &n));
  assert_int_equal(n, 0);
  unlink(err);
  tu_rm_db(db);
}

static void test_no_trace_names_godebug(void **state) {
  (void)state;
  char db[512], readme[512];
  tu_tmp(db, sizeof db, "none.db");
  tu_result r = tu_capture("analyze", "--db", db, tu_root(readme, sizeof readme, "README.md"),
                           NULL);
  assert_int_equal(r.status, 3);
  assert_non_null(strstr(r.err, "no GC trace lines found"));
  assert_non_null(strstr(r.err, "GODEBUG=gctrace=1"));
  tu_result_free(&r);
  tu_rm_db(db);
}

/* Options listed by `gctrace-watch CMD --help` ("  --name ..." lines), space-separated. */
static void help_options(const char *cmd, char *buf, size_t n) {
  tu_result r = cmd ? tu_capture(cmd, "--help", NULL) : tu_capture("--help", NULL);
  assert_int_equal(r.status, 0);
  buf[0] = '\0';
  size_t used = 0;
  for (const char *p = strstr(r.out, "\n  --"); p; p = strstr(p + 1, "\n  --")) {
    size_t k = strcspn(p + 3, " \n");
    used += (size_t)snprintf(buf + used, n - used, "%.*s ", (int)k, p + 3);
  }
  tu_result_free(&r);
}

static void test_help_per_command(void **state) {
  (void)state;
  tu_result r = tu_capture("help", NULL);
  assert_int_equal(r.status, 0);
  static const char *const cmds[] = {"analyze", "runs", "export", "report", "compare", "plot"};
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    char line[32];
    snprintf(line, sizeof line, "\n  %-10s ", cmds[i]);
    assert_non_null(strstr(r.out, line));
  }
  tu_result_free(&r);
  /* help CMD is CMD --help */
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    tu_result a = tu_capture("help", cmds[i], NULL), b = tu_capture(cmds[i], "--help", NULL);
    assert_int_equal(a.status, 0);
    assert_string_equal(a.out, b.out);
    tu_result_free(&a);
    tu_result_free(&b);
  }
  r = tu_capture("help", "nope", NULL);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "no such command 'nope'"));
  tu_result_free(&r);
  /* own options only: plot has --kind, not --fail-on; runs has neither (its --format is
  ** text or json, issue 10) */
  char opts[1024];
  help_options("plot", opts, sizeof opts);
  assert_non_null(strstr(opts, "--kind "));
  assert_null(strstr(opts, "--fail-on "));
  help_options("runs", opts, sizeof opts);
  assert_string_equal(opts, "--db --format --help --version ");
  /* own exit statuses only: runs cannot exit 1 (no --fail-on) or 4 */
  r = tu_capture("runs", "--help", NULL);
  const char *exits = strstr(r.out, "exit status: ");
  assert_non_null(exits);
  assert_null(strstr(exits, "1 a finding"));
  assert_null(strstr(exits, "4 internal"));
  assert_null(strstr(exits, "PROG"));
  tu_result_free(&r);
  r = tu_capture("report", "--help", NULL);
  assert_non_null(strstr(strstr(r.out, "exit status: "), "1 a finding at or above --fail-on"));
  tu_result_free(&r);
  /* a usage error points at the command's own help */
  r = tu_capture("report", "--kind", "heap", NULL);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "try 'gctrace-watch report --help'"));
  tu_result_free(&r);
  r = tu_capture("analyze", NULL);
  assert_int_equal(r.status, 2);
  assert_non_null(strstr(r.err, "try 'gctrace-watch analyze --help'"));
  tu_result_free(&r);
}

/* What the bash completion offers after the words typed (the last one being completed). */
static char *bash_complete(const char *script, const char *words) {
  char cmd[2048], out[512];
  tu_tmp(out, sizeof out, "compl.out");
  snprintf(cmd, sizeof cmd,
           "source '%s'; COMP_WORDS=(%s); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
           "_gctrace_watch; printf '%%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '",
           script, words);
  char *argv[] = {"bash", "-c", cmd, NULL};
  assert_int_equal(tu_run(argv, NULL, out, NULL), 0);
  char *text = tu_slurp(out, NULL);
  assert_non_null(text);
  unlink(out);
  return text;
}

static void test_completion(void **state) {
  (void)state;
  char script[512], zscript[512];
  tu_tmp(script, sizeof script, "gctrace-watch.bash");
  tu_tmp(zscript, sizeof zscript, "_gctrace-watch");
  char *argv[] = {(char *)tu_bin(), "completion", "bash", NULL};
  assert_int_equal(tu_run(argv, NULL, script, NULL), 0);
  char *zargv[] = {(char *)tu_bin(), "completion", "zsh", NULL};
  assert_int_equal(tu_run(zargv, NULL, zscript, NULL), 0);
  char *text = bash_complete(script, "gctrace-watch ''");
  assert_string_equal(text, "analyze compare completion export help plot prune report runs ");
  free(text);
  text = bash_complete(script, "gctrace-watch plot --kind ''");
  assert_string_equal(text, "all cpu heap interval pause rss scavenger "); /* rss: issue 15 */
  free(text);
  text = bash_complete(script, "gctrace-watch export --format ''");
  assert_string_equal(text, "csv ndjson openmetrics ");
  free(text);
  text = bash_complete(script, "gctrace-watch report --format ''");
  assert_string_equal(text, "json text ");
  free(text);
  text = bash_complete(script, "gctrace-watch report --threshold pause_sp");
  assert_non_null(strstr(text, "pause_spike.factor= "));
  assert_null(strstr(text, "heap_growth"));
  free(text);
  /* every command: the options completed are the ones its --help lists */
  static const char *const cmds[] = {NULL, "analyze", "runs", "export", "report", "compare",
                                     "plot"};
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    char words[64], want[1024];
    snprintf(words, sizeof words, "gctrace-watch %s --", cmds[i] ? cmds[i] : "");
    help_options(cmds[i], want, sizeof want);
    text = bash_complete(script, words);
    /* both sorted the same way: compare as sets */
    for (char *w = strtok(want, " "); w; w = strtok(NULL, " ")) {
      char needle[64];
      snprintf(needle, sizeof needle, "%s ", w);
      if (!strstr(text, needle))
        fprintf(stderr, "%s: completion lacks %s (offers: %s)\n", words, w, text);
      assert_non_null(strstr(text, needle));
    }
    free(text);
  }
  /* zsh parses it */
  char *zcheck[] = {"zsh", "-n", zscript, NULL};
  assert_int_equal(tu_run(zcheck, NULL, NULL, NULL), 0);
  unlink(script);
  unlink(zscript);
  tu_result r = tu_capture("completion", "fish", NULL);
  assert_int_equal(r.status, 2);
  tu_result_free(&r);
}

/* make install-files puts both scripts where bash-completion and zsh look. */
static void test_install_completion(void **state) {
  (void)state;
  char dest[512], root[512], file[1024];
  tu_tmp(dest, sizeof dest, "destdir");
  tu_root(root, sizeof root, "");
  char ddest[600];
  snprintf(ddest, sizeof ddest, "DESTDIR=%s", dest);
  char *argv[] = {"make", "-s", "-C", root, "install-files", ddest, "PREFIX=/usr", NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  snprintf(file, sizeof file, "%s/usr/share/bash-completion/completions/gctrace-watch", dest);
  char *bash = tu_slurp(file, NULL);
  assert_non_null(bash);
  assert_non_null(strstr(bash, "complete -F _gctrace_watch gctrace-watch"));
  free(bash);
  snprintf(file, sizeof file, "%s/usr/share/zsh/site-functions/_gctrace-watch", dest);
  char *zsh = tu_slurp(file, NULL);
  assert_non_null(zsh);
  assert_non_null(strstr(zsh, "#compdef gctrace-watch"));
  free(zsh);
  char *rm[] = {"rm", "-rf", dest, NULL};
  tu_run(rm, NULL, NULL, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_terminal_on_stdin_gets_a_hint),
      cmocka_unit_test(test_no_trace_names_godebug),
      cmocka_unit_test(test_help_per_command),
      cmocka_unit_test(test_completion),
      cmocka_unit_test(test_install_completion),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
** test_docs.c: the man page (docs/gctrace-watch.1) agrees with the binary's --help.
**   - every option of `gctrace-watch --help` and of `gctrace-watch CMD --help` (the first
**     word of each line of the "options:" block, which always starts with "-") appears
**     in the man page as a word, "\-" read as "-";
**   - every command name appears in the man page's SYNOPSIS, and so does the child form
**     (`-- PROG`);
**   - every option the man page documents under OPTIONS (the tag after each .TP) exists
**     in some --help, and its "Commands:" line names exactly the commands whose --help
**     lists it ("watch" being the mode without a command word);
**   - every command the man page documents under COMMANDS exists (its --help exits 0
**     and names it), the EXIT STATUS section has the statuses 0-4 of --help, and the
**     version in .TH is the one --version prints.
** The binary comes from GCW_BIN, the repository from GCW_ROOT.
*/
#include "testutil.h"

#include "cli.h"

#include <ctype.h>

/* The commands: "watch" is the mode without a command word (its --help is `--help`). */
static const char *const commands[] = {"watch", "analyze", "runs", "export",
                                       "report", "compare", "plot", "prune"};
enum { NCMD = sizeof commands / sizeof commands[0], MAX_OPTS = 64, MAX_TOKEN = 64 };

/* ------------------------------------------------------------------ the binary's help */

typedef struct help {
  char *text;                   /* whole stdout of --help */
  char opts[MAX_OPTS][MAX_TOKEN]; /* option names of its "options:" block */
  int nopts;
} help;

static help helps[NCMD];

static char *run_out(char *const argv[], int *status) {
  char out[512];
  tu_tmp(out, sizeof out, "help");
  *status = tu_run(argv, NULL, out, NULL);
  char *text = tu_slurp(out, NULL);
  unlink(out);
  assert_non_null(text);
  return text;
}

/* The first word of every line of the "options:" block, up to the blank line after it. */
static void parse_options(help *h) {
  const char *p = strstr(h->text, "\noptions:\n");
  assert_non_null(p);
  p += strlen("\noptions:\n");
  while (*p && *p != '\n') {
    const char *eol = strchr(p, '\n');
    if (!eol)
      eol = p + strlen(p);
    const char *w = p;
    while (w < eol && *w == ' ')
      w++;
    size_t n = 0;
    while (w + n < eol && w[n] != ' ')
      n++;
    if (n > 0 && w[0] == '-') {
      assert_true(h->nopts < MAX_OPTS && n < MAX_TOKEN);
      memcpy(h->opts[h->nopts], w, n);
      h->opts[h->nopts][n] = '\0';
      h->nopts++;
    }
    p = *eol ? eol + 1 : eol;
  }
  assert_true(h->nopts > 0);
}

static const help *help_of(int c) {
  help *h = &helps[c];
  if (!h->text) {
    char *argv[] = {(char *)tu_bin(), (char *)commands[c], "--help", NULL};
    char *argv_watch[] = {(char *)tu_bin(), "--help", NULL};
    int status;
    h->text = run_out(c == 0 ? argv_watch : argv, &status);
    if (status != 0)
      fprintf(stderr, "'%s --help' exited %d\n", commands[c], status);
    assert_int_equal(status, 0);
    parse_options(h);
  }
  return h;
}

static int help_has(int c, const char *opt) {
  const help *h = help_of(c);
  for (int i = 0; i < h->nopts; i++)
    if (strcmp(h->opts[i], opt) == 0)
      return 1;
  return 0;
}

static int command_index(const char *name, size_t n) {
  for (int c = 0; c < NCMD; c++)
    if (strlen(commands[c]) == n && strncmp(commands[c], name, n) == 0)
      return c;
  return -1;
}

/* ------------------------------------------------------------------- the man page */

static char *man;  /* docs/gctrace-watch.1 with "\-" read as "-" and "\%", "\&" dropped */

static const char *man_text(void) {
  if (!man) {
    char path[512];
    size_t n = 0;
    char *raw = tu_slurp(tu_root(path, sizeof path, "docs/gctrace-watch.1"), &n);
    if (!raw)
      fprintf(stderr, "cannot read %s\n", path);
    assert_non_null(raw);
    man = malloc(n + 1);
    assert_non_null(man);
    char *w = man;
    for (size_t i = 0; i < n; i++) {
      if (raw[i] == '\\' && i + 1 < n && raw[i + 1] == '-') {
        *w++ = '-';
        i++;
      } else if (raw[i] == '\\' && i + 1 < n && (raw[i + 1] == '%' || raw[i + 1] == '&')) {
        i++;
      } else {
        *w++ = raw[i];
      }
    }
    *w = '\0';
    free(raw);
  }
  return man;
}

static int word_char(char ch) { return isalnum((unsigned char)ch) || ch == '_' || ch == '-'; }

/* 1 if word occurs in [from, to) with no word character right before or after it. */
static int has_word(const char *from, const char *to, const char *word) {
  size_t n = strlen(word);
  for (const char *p = from; p + n <= to; p++) {
    if (memcmp(p, word, n) != 0)
      continue;
    if ((p == from || !word_char(p[-1])) && (p + n == to || !word_char(p[n])))
      return 1;
  }
  return 0;
}

/* The body of section NAME (after its ".SH NAME" line, up to the next ".SH"). */
static void section(const char *name, const char **from, const char **to) {
  const char *t = man_text();
  char head[80];
  snprintf(head, sizeof head, "\n.SH %s\n", name);
  const char *p = strstr(t, head);
  if (!p)
    fprintf(stderr, "the man page has no section %s\n", name);
  assert_non_null(p);
  *from = p + strlen(head) - 1; /* keep the newline: every line starts after a '\n' */
  const char *end = strstr(*from, "\n.SH ");
  *to = end ? end + 1 : t + strlen(t);
}

/* The next line of [*p, to) into line (without its newline); 0 at the end. */
static int next_line(const char **p, const char *to, char *line, size_t n) {
  while (*p < to && **p == '\n')
    (*p)++;
  if (*p >= to)
    return 0;
  const char *eol = memchr(*p, '\n', (size_t)(to - *p));
  if (!eol)
    eol = to;
  size_t len = (size_t)(eol - *p);
  if (len >= n)
    len = n - 1;
  memcpy(line, *p, len);
  line[len] = '\0';
  *p = eol;
  return 1;
}

/* The first word of a .TP tag line: after its macro (".B", ".BI", ...), quotes and font
** escapes removed. */
static void tag_word(const char *line, char *word, size_t n) {
  const char *p = line;
  if (*p == '.') {
    while (*p && *p != ' ')
      p++;
  }
  size_t k = 0;
  while (*p && k + 1 < n) {
    if (*p == '\\' && p[1] == 'f' && p[2]) { /* \fB, \fR, \fI, \fP */
      p += 3;
      continue;
    }
    if (*p == ' ' || *p == '"') {
      if (k > 0)
        break;
      p++;
      continue;
    }
    word[k++] = *p++;
  }
  word[k] = '\0';
}

/* ---------------------------------------------------------------------- the tests */

static void test_help_options_in_man(void **state) {
  (void)state;
  const char *t = man_text();
  int missing = 0;
  for (int c = 0; c < NCMD; c++) {
    const help *h = help_of(c);
    for (int i = 0; i < h->nopts; i++)
      if (!has_word(t, t + strlen(t), h->opts[i])) {
        fprintf(stderr, "'%s --help' lists %s; the man page does not\n", commands[c],
                h->opts[i]);
        missing++;
      }
  }
  assert_int_equal(missing, 0);
}

static void test_commands_in_synopsis(void **state) {
  (void)state;
  const char *from, *to;
  section("SYNOPSIS", &from, &to);
  int missing = 0;
  for (int c = 1; c < NCMD; c++)
    if (!has_word(from, to, commands[c])) {
      fprintf(stderr, "command '%s' is not in the man page's SYNOPSIS\n", commands[c]);
      missing++;
    }
  /* watch mode: `gctrace-watch [options]` and the child form `... -- prog` */
  if (!has_word(from, to, "--")) {
    fprintf(stderr, "the child form '-- PROG' is not in the man page's SYNOPSIS\n");
    missing++;
  }
  assert_int_equal(missing, 0);
}

/* Each option of OPTIONS exists in some --help, and its "Commands:" line is exact. */
static void test_man_options_exist(void **state) {
  (void)state;
  const char *from, *to, *p;
  section("OPTIONS", &from, &to);
  p = from;
  char line[1024], opt[MAX_TOKEN] = "";
  int bad = 0, documented = 0, want_tag = 0, have_cmds = 1;
  while (next_line(&p, to, line, sizeof line)) {
    if (strcmp(line, ".TP") == 0) {
      if (!have_cmds) {
        fprintf(stderr, "man OPTIONS: %s has no 'Commands:' line\n", opt);
        bad++;
      }
      want_tag = 1;
      continue;
    }
    if (want_tag) {
      want_tag = 0;
      tag_word(line, opt, sizeof opt);
      documented++;
      have_cmds = 0;
      if (opt[0] != '-') {
        fprintf(stderr, "man OPTIONS: tag '%s' is not an option\n", line);
        bad++;
        continue;
      }
      int anywhere = 0;
      for (int c = 0; c < NCMD; c++)
        anywhere |= help_has(c, opt);
      if (!anywhere) {
        fprintf(stderr, "man OPTIONS documents %s, which no --help lists\n", opt);
        bad++;
      }
      continue;
    }
    if (strncmp(line, "Commands: ", 10) != 0 || opt[0] != '-')
      continue;
    have_cmds = 1;
    int named[NCMD] = {0};
    for (const char *w = line + 10; *w;) {
      size_t n = strcspn(w, ", .");
      int c = command_index(w, n);
      if (n > 0 && c < 0) {
        fprintf(stderr, "man OPTIONS: %s: unknown command '%.*s'\n", opt, (int)n, w);
        bad++;
      } else if (c >= 0) {
        named[c] = 1;
      }
      w += n;
      w += strspn(w, ", .");
    }
    for (int c = 0; c < NCMD; c++)
      if (named[c] != help_has(c, opt)) {
        fprintf(stderr, "man OPTIONS: %s %s command %s, but '%s --help' %s it\n", opt,
                named[c] ? "names" : "does not name", commands[c], commands[c],
                help_has(c, opt) ? "lists" : "does not list");
        bad++;
      }
  }
  if (!have_cmds) {
    fprintf(stderr, "man OPTIONS: %s has no 'Commands:' line\n", opt);
    bad++;
  }
  assert_true(documented > 0);
  assert_int_equal(bad, 0);
}

/* Each command documented under COMMANDS (a tag that starts with a bold word) exists. */
static void test_man_commands_exist(void **state) {
  (void)state;
  const char *from, *to, *p;
  section("COMMANDS", &from, &to);
  p = from;
  char line[1024], word[MAX_TOKEN];
  int want_tag = 0, bad = 0, seen = 0;
  while (next_line(&p, to, line, sizeof line)) {
    if (strcmp(line, ".TP") == 0) {
      want_tag = 1;
      continue;
    }
    if (!want_tag)
      continue;
    want_tag = 0;
    if (strncmp(line, ".B ", 3) != 0)
      continue; /* "(no command) [options]", "[options] -- prog": watch mode */
    tag_word(line, word, sizeof word);
    int c = command_index(word, strlen(word));
    if (c <= 0) {
      fprintf(stderr, "man COMMANDS documents '%s', which is no command\n", word);
      bad++;
      continue;
    }
    seen++;
    char expect[128];
    snprintf(expect, sizeof expect, "usage: gctrace-watch %s ", word);
    if (strncmp(help_of(c)->text, expect, strlen(expect)) != 0) {
      fprintf(stderr, "'%s --help' does not begin with '%s'\n", word, expect);
      bad++;
    }
  }
  assert_int_equal(bad, 0);
  assert_int_equal(seen, NCMD - 1); /* every command word has its entry */
}

/* The paragraph of option opt under OPTIONS: from its .TP tag to the next .TP or .SH. */
static int option_paragraph(const char *opt, const char **from, const char **to) {
  const char *s, *e, *p;
  section("OPTIONS", &s, &e);
  p = s;
  char line[1024], word[MAX_TOKEN];
  while (next_line(&p, e, line, sizeof line)) {
    if (strcmp(line, ".TP") != 0 || !next_line(&p, e, line, sizeof line))
      continue;
    tag_word(line, word, sizeof word);
    if (strcmp(word, opt) != 0)
      continue;
    *from = p;
    const char *next = strstr(p, "\n.TP\n");
    *to = next && next < e ? next : e;
    return 1;
  }
  return 0;
}

/* Straight from the option table (cli.c) rather than from --help: each option is
** documented under OPTIONS, its "Commands:" line matches the commands of its records,
** and every value it takes (an envelope, a plot kind, a severity, a table ...) is named
** in its paragraph. "watch" stands for the watch and child modes. */
static void test_option_table_in_man(void **state) {
  (void)state;
  static const enum gcw_command cmd_of[NCMD] = {GCW_CMD_WATCH,  GCW_CMD_ANALYZE, GCW_CMD_RUNS,
                                                GCW_CMD_EXPORT, GCW_CMD_REPORT,  GCW_CMD_COMPARE,
                                                GCW_CMD_PLOT,   GCW_CMD_PRUNE};
  const char *name;
  unsigned where;
  const char *const *values;
  int bad = 0, records = 0;
  for (int i = 0; gcw_cli_option_info(i, &name, &where, &values); i++, records++) {
    const char *from, *to;
    if (!option_paragraph(name, &from, &to)) {
      fprintf(stderr, "option table: %s is not documented under OPTIONS\n", name);
      bad++;
      continue;
    }
    for (int c = 0; c < NCMD; c++)
      if ((where & (1u << cmd_of[c])) && !help_has(c, name)) {
        fprintf(stderr, "option table: %s is for %s, whose --help does not list it\n", name,
                commands[c]);
        bad++;
      }
    for (int v = 0; values && values[v]; v++)
      if (!has_word(from, to, values[v])) {
        fprintf(stderr, "man OPTIONS: %s does not name its value '%s'\n", name, values[v]);
        bad++;
      }
  }
  assert_true(records > 10);
  assert_int_equal(bad, 0);
}

static void test_exit_status(void **state) {
  (void)state;
  const char *from, *to;
  section("EXIT STATUS", &from, &to);
  const help *h = help_of(0);
  for (int st = 0; st <= 4; st++) {
    char tag[32], in_help[16];
    snprintf(tag, sizeof tag, "\n.TP\n.B %d\n", st);
    snprintf(in_help, sizeof in_help, "%d ", st);
    const char *found = strstr(from, tag);
    if (!found || found >= to)
      fprintf(stderr, "man EXIT STATUS has no entry for %d\n", st);
    assert_true(found && found < to);
    assert_non_null(strstr(strstr(h->text, "exit status:"), in_help));
  }
}

static void test_version(void **state) {
  (void)state;
  char *argv[] = {(char *)tu_bin(), "--version", NULL};
  int status;
  char *out = run_out(argv, &status);
  assert_int_equal(status, 0);
  out[strcspn(out, "\n")] = '\0';
  /* .TH GCTRACE-WATCH 1 DATE "gctrace-watch VERSION" "User Commands" */
  const char *th = strstr(man_text(), "\n.TH ");
  assert_non_null(th);
  char want[128];
  snprintf(want, sizeof want, "\"%s\"", out);
  const char *eol = strchr(th + 1, '\n');
  const char *hit = strstr(th, want);
  if (!hit || hit > eol)
    fprintf(stderr, "--version prints '%s'; the man page's .TH does not say so\n", out);
  assert_true(hit && hit < eol);
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help_options_in_man), cmocka_unit_test(test_commands_in_synopsis),
      cmocka_unit_test(test_man_options_exist),   cmocka_unit_test(test_man_commands_exist),
      cmocka_unit_test(test_option_table_in_man),
      cmocka_unit_test(test_exit_status),         cmocka_unit_test(test_version),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  for (int c = 0; c < NCMD; c++)
    free(helps[c].text);
  free(man);
  return failed;
}

/* cli.c: option table, parsing and --help. See cli.h. */
#include "cli.h"

#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { IN_WATCH = 1, IN_ANALYZE = 2, IN_ALL = 3 };
enum opt_id { OPT_DB, OPT_STRIP, OPT_QUIET, OPT_HELP, OPT_VERSION };

typedef struct option {
  enum opt_id id;
  const char *name;
  const char *arg; /* NULL: a flag */
  unsigned where;
  const char *help;
} option;

static const option options[] = {
    {OPT_DB, "--db", "PATH", IN_ALL,
     "SQLite database to write (default $GCTRACE_WATCH_DB or ./gctrace.db; :memory: keeps nothing)"},
    {OPT_STRIP, "--strip", NULL, IN_WATCH,
     "drop recognized trace lines from stdout instead of passing them through"},
    {OPT_QUIET, "--quiet", NULL, IN_ALL, "print nothing on stderr but errors"},
    {OPT_HELP, "--help", NULL, IN_ALL, "show this help and exit"},
    {OPT_VERSION, "--version", NULL, IN_ALL, "show the version and exit"},
};
enum { NOPTIONS = sizeof options / sizeof options[0] };

static void usage(FILE *f, enum gcw_command cmd) {
  unsigned where = cmd == GCW_CMD_ANALYZE ? IN_ANALYZE : IN_WATCH;
  if (cmd == GCW_CMD_ANALYZE)
    fputs("usage: gctrace-watch analyze [OPTIONS] FILE...\n"
          "Import archived logs (plain or gzip, '-' for stdin) and summarize each run.\n\n",
          f);
  else
    fputs("usage: gctrace-watch [OPTIONS]\n"
          "       gctrace-watch analyze [OPTIONS] FILE...\n"
          "Watch a Go program's stderr on stdin: every byte passes through to stdout,\n"
          "GC trace lines (GODEBUG=gctrace=1,scavtrace=1,gcpacertrace=1) are stored.\n\n"
          "  GODEBUG=gctrace=1,scavtrace=1 ./app 2>&1 | gctrace-watch\n\n",
          f);
  fputs("options:\n", f);
  for (int i = 0; i < NOPTIONS; i++) {
    if (!(options[i].where & where))
      continue;
    char head[32];
    snprintf(head, sizeof head, "%s%s%s", options[i].name, options[i].arg ? " " : "",
             options[i].arg ? options[i].arg : "");
    fprintf(f, "  %-14s %s\n", head, options[i].help);
  }
  fputs("\nexit status: 0 ok, 2 usage error, 3 input or output error, 4 internal error\n", f);
}

static int bad_usage(const char *what, const char *arg) {
  fprintf(stderr, "gctrace-watch: %s '%s'; try 'gctrace-watch --help'\n", what, arg);
  return GCW_EXIT_USAGE;
}

static const option *find_option(const char *arg, const char **value) {
  *value = NULL;
  for (int i = 0; i < NOPTIONS; i++) {
    size_t n = strlen(options[i].name);
    if (strncmp(arg, options[i].name, n) != 0)
      continue;
    if (arg[n] == '\0')
      return &options[i];
    if (arg[n] == '=' && options[i].arg) {
      *value = arg + n + 1;
      return &options[i];
    }
  }
  return NULL;
}

int gcw_cli_parse(gcw_config *cfg, int argc, char **argv) {
  memset(cfg, 0, sizeof *cfg);
  cfg->db = getenv("GCTRACE_WATCH_DB");
  if (!cfg->db || !*cfg->db)
    cfg->db = "gctrace.db";
  int i = 1;
  if (i < argc && strcmp(argv[i], "analyze") == 0) {
    cfg->cmd = GCW_CMD_ANALYZE;
    i++;
  }
  cfg->files = argv + i; /* files are gathered in place, in order */
  int only_files = 0;
  for (; i < argc; i++) {
    const char *a = argv[i];
    const char *value;
    if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
      if (cfg->cmd != GCW_CMD_ANALYZE)
        return bad_usage("unexpected argument", a);
      cfg->files[cfg->nfiles++] = argv[i];
      continue;
    }
    if (strcmp(a, "--") == 0 && cfg->cmd == GCW_CMD_ANALYZE) {
      only_files = 1;
      continue;
    }
    const option *o = find_option(a, &value);
    unsigned where = cfg->cmd == GCW_CMD_ANALYZE ? IN_ANALYZE : IN_WATCH;
    if (!o || !(o->where & where))
      return bad_usage("unknown option", a);
    if (o->arg && !value) {
      if (i + 1 >= argc)
        return bad_usage("missing value for", a);
      value = argv[++i];
    }
    switch (o->id) {
    case OPT_DB: cfg->db = value; break;
    case OPT_STRIP: cfg->strip = 1; break;
    case OPT_QUIET: cfg->quiet = 1; break;
    case OPT_HELP: usage(stdout, cfg->cmd); return GCW_EXIT_OK;
    case OPT_VERSION: printf("gctrace-watch %s\n", GCW_VERSION); return GCW_EXIT_OK;
    }
  }
  if (cfg->cmd == GCW_CMD_ANALYZE && cfg->nfiles == 0) {
    fprintf(stderr, "gctrace-watch: analyze needs at least one FILE; try 'gctrace-watch --help'\n");
    return GCW_EXIT_USAGE;
  }
  if (!*cfg->db) {
    fprintf(stderr, "gctrace-watch: --db needs a path; try 'gctrace-watch --help'\n");
    return GCW_EXIT_USAGE;
  }
  return -1;
}

/* cli.c: option table, parsing and --help. See cli.h.
**
** Parsing is in two passes: set_option() takes each option as it comes, whatever the
** order, and check_values() judges the values once the whole line is read, because a
** value's meaning can depend on the command (--format is csv or ndjson for export, text
** or json for report: one record each). The lists of names an option accepts belong to
** the module that owns them (envelopes, plot kinds, severities, the store's tables); the
** option's record points at the list, so --help, the check and the man page's test
** (tests/test_docs.c) read the same one. */
#include "cli.h"

#include "cmd.h"
#include "dbpath.h"
#include "envelope.h"
#include "err.h"
#include "metrics_http.h"
#include "plot_kinds.h"
#include "safetext.h"
#include "severity.h"
#include "store_read.h"

#include <stddef.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where an option applies: one bit per command. */
enum { IN_WATCH = 1, IN_CHILD = 2, IN_ANALYZE = 4, IN_RUNS = 8, IN_EXPORT = 16,
       IN_REPORT = 32, IN_COMPARE = 64, IN_PLOT = 128, IN_PRUNE = 256,
       IN_READ = IN_WATCH | IN_CHILD | IN_ANALYZE, IN_ALL = 511 };
_Static_assert(IN_WATCH == 1u << GCW_CMD_WATCH && IN_CHILD == 1u << GCW_CMD_CHILD &&
                   IN_ANALYZE == 1u << GCW_CMD_ANALYZE && IN_RUNS == 1u << GCW_CMD_RUNS &&
                   IN_EXPORT == 1u << GCW_CMD_EXPORT && IN_REPORT == 1u << GCW_CMD_REPORT &&
                   IN_COMPARE == 1u << GCW_CMD_COMPARE && IN_PLOT == 1u << GCW_CMD_PLOT &&
                   IN_PRUNE == 1u << GCW_CMD_PRUNE,
               "IN_* bits are 1 << enum gcw_command (gcw_cli_option_info)");
enum opt_id { OPT_DB, OPT_STRIP, OPT_QUIET, OPT_INPUT_FORMAT, OPT_FORMAT, OPT_RUN, OPT_ALL,
              OPT_TABLE, OPT_FAIL_ON, OPT_THRESHOLD, OPT_PAUSE_SLO, OPT_KIND, OPT_OUTPUT,
              OPT_SIZE, OPT_TERM, OPT_PLOT, OPT_METRICS, OPT_LABEL, OPT_FINDINGS_FORMAT,
              OPT_FOLLOW, OPT_OLDER_THAN, OPT_HELP, OPT_VERSION, OPT_PID, OPT_SAMPLE_INTERVAL };

/* Values that are not another module's vocabulary. */
static const char *const export_formats[] = {"csv", "ndjson", "openmetrics", NULL};
static const char *const report_formats[] = {"text", "json", NULL};
static const char *const terms[] = {"dumb", NULL};
static const char *const findings_formats[] = {"text", "json", NULL};
#define GCW_SEV_FAILS_1(name) name,
#define GCW_SEV_FAILS_0(name)
#define GCW_SEV_FAIL_NAME_(id, name, rank, colour, fails) GCW_SEV_FAILS_##fails(name)
static const char *const fail_on[] = {GCW_SEVERITIES(GCW_SEV_FAIL_NAME_) NULL};
#undef GCW_SEV_FAIL_NAME_

/* One record per option: it drives parsing, checking, defaults and every --help (and so
** the man page's test, tests/test_docs.c). An option whose meaning differs by command
** (--format) has one record per meaning. */
typedef struct option {
  enum opt_id id;
  const char *name;
  const char *arg;            /* NULL: a flag */
  unsigned where;             /* IN_*: the commands that take it */
  const char *help;           /* "%s" stands for the list of values */
  const char *const *values;  /* the values it takes, from their owner (NULL-terminated);
                              ** NULL: any */
  const char *dflt;           /* its default (one of values), or NULL */
  const char *refusal;        /* a value not in values: "%s" is the list; NULL: "unknown" */
  size_t field;               /* offsetof the const char * it sets in gcw_config; 0: none */
} option;

#define FIELD(f) offsetof(gcw_config, f)

static const option options[] = {
    {OPT_DB, "--db", "PATH", IN_ALL,
     "SQLite database (default $GCTRACE_WATCH_DB, else $XDG_STATE_HOME/gctrace-watch/"
     "gctrace.db, else ~/.local/state/gctrace-watch/gctrace.db; :memory: keeps nothing)",
     .field = FIELD(db)},
    {OPT_STRIP, "--strip", NULL, IN_WATCH | IN_CHILD,
     "drop recognized trace lines from the output instead of passing them through", .values = NULL},
    {OPT_QUIET, "--quiet", NULL, IN_READ,
     "print only errors: no live findings or notices (analyze: no report either)", .values = NULL},
    {OPT_INPUT_FORMAT, "--input-format", "FMT", IN_READ, "%s", gcw_envelope_kind_names,
     "auto", .field = FIELD(input_format)},
    {OPT_FORMAT, "--format", "FMT", IN_EXPORT, "%s", export_formats, "csv",
     .field = FIELD(format)},
    {OPT_FORMAT, "--format", "FMT", IN_REPORT | IN_COMPARE | IN_RUNS, "%s", report_formats, "text",
     .field = FIELD(format)},
    {OPT_RUN, "--run", "N", IN_EXPORT | IN_REPORT | IN_PLOT,
     "only the run with this id (see 'gctrace-watch runs')", .values = NULL},
    {OPT_ALL, "--all", NULL, IN_REPORT, "every run (default: the latest run)", .values = NULL},
    {OPT_TABLE, "--table", "T", IN_EXPORT, "%s", gcw_store_tables, "gc_cycles",
     .field = FIELD(table)},
    {OPT_FAIL_ON, "--fail-on", "SEV", IN_REPORT | IN_ANALYZE,
     "exit 1 when a finding of severity %s (or worse) exists", fail_on, NULL,
     "--fail-on takes %s, not", FIELD(fail_on)},
    {OPT_THRESHOLD, "--threshold", "NAME=VALUE", IN_READ | IN_REPORT | IN_PLOT,
     "override a detector threshold (see docs/findings.md); repeatable", .values = NULL},
    {OPT_PAUSE_SLO, "--pause-slo", "MS", IN_READ | IN_REPORT | IN_PLOT,
     "also flag every stop-the-world pause longer than MS milliseconds", .values = NULL},
    {OPT_KIND, "--kind", "K", IN_PLOT, "%s", gcw_plot_kind_names, GCW_PLOT_KIND_ALL,
     .field = FIELD(plot_kind)},
    {OPT_OUTPUT, "-o", "FILE", IN_PLOT,
     "output file: .png, .svg or .pdf by its extension; '-' draws in the terminal",
     .field = FIELD(output)},
    {OPT_SIZE, "--size", "WxH", IN_PLOT,
     "image size in pixels, or characters with --term dumb (default 1200x900 for --kind all)",
     .values = NULL},
    {OPT_TERM, "--term", "dumb", IN_PLOT, "draw in the terminal (for use over ssh)", terms, NULL,
     "--term takes %s, not", FIELD(term)},
    {OPT_PLOT, "--plot", "FILE", IN_ANALYZE | IN_REPORT, "also write the dashboard image",
     .field = FIELD(plot_file)},
    {OPT_LABEL, "--label", "KEY=VALUE", IN_READ,
     "store this label with every run read (KEY: letters, digits, _); repeatable",
     .values = NULL},
    {OPT_FINDINGS_FORMAT, "--findings-format", "FMT", IN_READ,
     "live findings on stderr, %s: json is one object per line", findings_formats, "text",
     .field = FIELD(findings_format)},
    {OPT_FOLLOW, "--follow", NULL, IN_ANALYZE,
     "keep reading the files as they grow and rotate (like tail -F) until SIGINT/SIGTERM",
     .values = NULL},
    {OPT_PID, "--pid", "PID", IN_WATCH,
     "also sample this process's memory (RSS, VSZ, its cgroup) beside the trace",
     .values = NULL},
    {OPT_SAMPLE_INTERVAL, "--sample-interval", "DURATION", IN_WATCH | IN_CHILD,
     "time between memory samples (default 1s; ms, s or m; 0: only at gc lines)",
     .values = NULL},
    {OPT_METRICS, "--metrics", "ADDR:PORT", IN_WATCH | IN_CHILD | IN_ANALYZE,
     "serve Prometheus metrics on http://ADDR:PORT/metrics (docs/fleet.md)",
     .field = FIELD(metrics)},
    {OPT_OLDER_THAN, "--older-than", "DURATION", IN_PRUNE,
     "delete the runs last active longer ago than this: 7d, 12h, 90m, 1d12h (s m h d w)",
     .values = NULL},
    {OPT_HELP, "--help", NULL, IN_ALL, "show this help and exit", .values = NULL},
    {OPT_VERSION, "--version", NULL, IN_ALL, "show the version and exit", .values = NULL},
};
enum { NOPTIONS = sizeof options / sizeof options[0] };

int gcw_cli_option_info(int i, const char **name, unsigned *commands,
                        const char *const **values) {
  if (i < 0 || i >= NOPTIONS)
    return 0;
  *name = options[i].name;
  *commands = options[i].where;
  *values = options[i].values;
  return 1;
}

/* Exit statuses, as each command can end (the man page's EXIT STATUS has them all). */
#define EXIT_OK "0 ok"
#define EXIT_USAGE "2 usage error"
#define EXIT_IO "3 input, output or database error"
#define EXIT_INTERNAL "4 internal error"
#define EXIT_FINDINGS "1 a finding at or above --fail-on"

static const struct {
  const char *name;
  enum gcw_command cmd;
  unsigned where;
  const char *usage;
  const char *exits;   /* this command's exit statuses */
  const char *summary; /* one line for the list of commands */
} commands[] = {
    {NULL, GCW_CMD_WATCH, IN_WATCH | IN_CHILD,
     "usage: gctrace-watch [OPTIONS]\n"
     "       gctrace-watch [OPTIONS] -- PROG [ARGS...]\n"
     "       gctrace-watch analyze|runs|export|report|compare|plot|prune [OPTIONS] ...\n"
     "Watch a Go program's stderr on stdin (every byte passes through to stdout), or run\n"
     "PROG with GODEBUG=gctrace=1,scavtrace=1 added and watch its stderr (passed through\n"
     "to stderr). GC trace lines are stored in SQLite; findings go to stderr.\n\n"
     "  GODEBUG=gctrace=1,scavtrace=1 ./app 2>&1 | gctrace-watch\n"
     "  gctrace-watch -- ./app --port 8080\n",
     /* the first help a person sees: the statuses of every command, watch's marked */
     EXIT_OK ", " EXIT_FINDINGS " (analyze, report), " EXIT_USAGE ", " EXIT_IO
     " (watch: after the input was passed through), " EXIT_INTERNAL "; with -- PROG: "
     "PROG's own status (127 not found, 126 not executable, 128+N killed by signal N)",
     "watch a program's output (stdin, or -- PROG ARGS)"},
    {"analyze", GCW_CMD_ANALYZE, IN_ANALYZE,
     "usage: gctrace-watch analyze [OPTIONS] FILE...\n"
     "Import archived logs (plain or gzip, '-' for stdin; container log formats detected)\n"
     "as one stream in the order given, and summarize each run.\n",
     EXIT_OK ", " EXIT_FINDINGS ", " EXIT_USAGE ", " EXIT_IO ", " EXIT_INTERNAL,
     "import archived logs and report each run"},
    {"runs", GCW_CMD_RUNS, IN_RUNS,
     "usage: gctrace-watch runs [OPTIONS]\nList the runs in the database.\n",
     EXIT_OK ", " EXIT_USAGE ", " EXIT_IO, "list the runs in the database"},
    {"export", GCW_CMD_EXPORT, IN_EXPORT,
     "usage: gctrace-watch export [OPTIONS]\n"
     "Write the rows of a table as CSV (with a header row) or NDJSON, streaming; or, with\n"
     "--format openmetrics, the runs as timestamped Prometheus samples (docs/fleet.md).\n",
     EXIT_OK ", " EXIT_USAGE ", " EXIT_IO, "write a table as CSV or NDJSON, or runs as OpenMetrics"},
    {"report", GCW_CMD_REPORT, IN_REPORT,
     "usage: gctrace-watch report [OPTIONS]\n"
     "Statistics and findings of a run (the latest by default), as text or JSON.\n",
     EXIT_OK ", " EXIT_FINDINGS ", " EXIT_USAGE ", " EXIT_IO ", " EXIT_INTERNAL
     " (--plot: gnuplot failed on the script)",
     "statistics and findings of a run"},
    {"compare", GCW_CMD_COMPARE, IN_COMPARE,
     "usage: gctrace-watch compare [OPTIONS] RUN_A RUN_B\n"
     "Two runs side by side on what a GOGC decision weighs (memory, CPU, latency), with\n"
     "better or worse for each figure, and the findings that appeared or went away.\n",
     EXIT_OK ", " EXIT_USAGE ", " EXIT_IO, "two runs side by side, better or worse"},
    {"plot", GCW_CMD_PLOT, IN_PLOT,
     "usage: gctrace-watch plot [OPTIONS]\n"
     "Draw a run with gnuplot: heap goal vs live heap, pauses, intervals, GC CPU,\n"
     "scavenger, or all of them on one time axis.\n",
     EXIT_OK ", " EXIT_USAGE ", " EXIT_IO " (also: gnuplot missing), " EXIT_INTERNAL
     " (gnuplot failed on the script)",
     "draw a run with gnuplot"},
    {"prune", GCW_CMD_PRUNE, IN_PRUNE,
     "usage: gctrace-watch prune --older-than DURATION [OPTIONS]\n"
     "Delete the runs whose last activity is older than DURATION, with all their rows,\n"
     "then reclaim the space (VACUUM).\n",
     EXIT_OK ", " EXIT_USAGE ", " EXIT_IO, "delete old runs and reclaim the space"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

int gcw_cli_command_info(int c, const char **name, unsigned *where, const char **summary) {
  if (c < 0 || c >= NCOMMANDS)
    return 0;
  *name = commands[c].name;
  *where = commands[c].where;
  *summary = commands[c].summary;
  return 1;
}

/* The values of o for people: "a (default), b or c". */
static const char *value_list(const option *o, char *buf, size_t n) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; o->values && o->values[i] && used < n; i++) {
    const char *sep = i == 0 ? "" : o->values[i + 1] ? ", " : " or ";
    int dflt = o->dflt && strcmp(o->values[i], o->dflt) == 0;
    int k = snprintf(buf + used, n - used, "%s%s%s", sep, o->values[i], dflt ? " (default)" : "");
    used += k > 0 ? (size_t)k : 0;
  }
  return buf;
}

/* The help text of o, its values put in. */
static const char *help_text(const option *o, char *buf, size_t n) {
  char list[256];
  const char *at = strstr(o->help, "%s");
  if (!at)
    return o->help;
  snprintf(buf, n, "%.*s%s%s", (int)(at - o->help), o->help, value_list(o, list, sizeof list),
           at + 2);
  return buf;
}

int gcw_cli_option_full(int i, const char **name, const char **arg, unsigned *commands_in,
                        const char *const **values, char *help, size_t helplen) {
  if (i < 0 || i >= NOPTIONS)
    return 0;
  *name = options[i].name;
  *arg = options[i].arg;
  *commands_in = options[i].where;
  *values = options[i].values;
  const char *text = help_text(&options[i], help, helplen);
  if (text != help) /* the record's own text, no values to put in */
    snprintf(help, helplen, "%s", text);
  return 1;
}

static void usage(FILE *f, int c) {
  fputs(commands[c].usage, f);
  fputs("\noptions:\n", f);
  for (int i = 0; i < NOPTIONS; i++) {
    if (!(options[i].where & commands[c].where))
      continue;
    char head[40], help[400];
    snprintf(head, sizeof head, "%s%s%s", options[i].name, options[i].arg ? " " : "",
             options[i].arg ? options[i].arg : "");
    fprintf(f, "  %-24s %s\n", head, help_text(&options[i], help, sizeof help));
  }
  fprintf(f, "\nexit status: %s\n", commands[c].exits);
  if (c != 0)
    return;
  fputs("\ncommands ('gctrace-watch help COMMAND' for one's options):\n", f);
  for (int k = 1; k < NCOMMANDS; k++)
    fprintf(f, "  %-10s %s\n", commands[k].name, commands[k].summary);
  fprintf(f, "  %-10s %s\n", "help", "this text, or a command's");
  fprintf(f, "  %-10s %s\n", "completion", "bash or zsh completion script (make install adds it)");
}

/* How to get the help of command c: the hint every usage error ends with. */
static const char *help_hint(int c, char *buf, size_t n) {
  snprintf(buf, n, "gctrace-watch %s%s--help", c ? commands[c].name : "", c ? " " : "");
  return buf;
}

static int bad_usage_in(int c, const char *what, const char *arg) {
  char hint[64];
  gcw_warn("gctrace-watch: %s '%s'; try '%s'\n", what, arg, help_hint(c, hint, sizeof hint));
  return GCW_EXIT_USAGE;
}

/* The record of arg for command c (an option of another command: its first record): its
** exact name, or "--name=value" for one that takes a value (a flag given "=value" is
** unknown rather than silently ignoring the value). */
static const option *find_option(const char *arg, const char **value, int c) {
  const option *other = NULL;
  const char *other_value = NULL;
  *value = NULL;
  for (int i = 0; i < NOPTIONS; i++) {
    size_t n = strlen(options[i].name);
    if (strncmp(arg, options[i].name, n) != 0 || (arg[n] != '\0' && arg[n] != '=') ||
        (arg[n] == '=' && !options[i].arg))
      continue;
    if (!(options[i].where & commands[c].where)) {
      if (!other)
        other = &options[i], other_value = arg[n] == '=' ? arg + n + 1 : NULL;
      continue;
    }
    if (arg[n] == '\0')
      return &options[i];
    *value = arg + n + 1;
    return &options[i];
  }
  *value = other_value;
  return other;
}

static int one_of(const char *v, const char *const *allowed) {
  for (; *allowed; allowed++)
    if (strcmp(v, *allowed) == 0)
      return 1;
  return 0;
}

static const char *const *field_of(const gcw_config *cfg, const option *o) {
  return (const char *const *)(const void *)((const char *)cfg + o->field);
}

/* Every option with a list of values that the command takes holds one of them. */
static int check_values(const gcw_config *cfg, int c) {
  for (int i = 0; i < NOPTIONS; i++) {
    const option *o = &options[i];
    const char *v = o->values && o->field ? *field_of(cfg, o) : NULL;
    if (!v || !(o->where & commands[c].where) || one_of(v, o->values))
      continue;
    char what[300], list[256];
    if (o->refusal)
      snprintf(what, sizeof what, o->refusal, value_list(o, list, sizeof list));
    else
      snprintf(what, sizeof what, "unknown %s", o->name);
    return bad_usage_in(c, what, v);
  }
  if (cfg->cmd == GCW_CMD_COMPARE && (cfg->compare_a <= 0 || cfg->compare_b <= 0)) {
    gcw_warn("gctrace-watch: compare needs two run ids; try 'gctrace-watch runs'\n");
    return GCW_EXIT_USAGE;
  }
  if (!cfg->db) {
    gcw_warn("gctrace-watch: %s\n", cfg->db_buf);
    return GCW_EXIT_USAGE;
  }
  char hint[64];
  if (!*cfg->db) {
    gcw_warn("gctrace-watch: --db needs a path; try '%s'\n", help_hint(c, hint, sizeof hint));
    return GCW_EXIT_USAGE;
  }
  if (cfg->cmd == GCW_CMD_PRUNE && cfg->older_than_s < 0) {
    gcw_warn("gctrace-watch: prune needs --older-than DURATION; try '%s'\n",
             help_hint(c, hint, sizeof hint));
    return GCW_EXIT_USAGE;
  }
  if (cfg->cmd == GCW_CMD_ANALYZE && cfg->nfiles == 0) {
    gcw_warn("gctrace-watch: analyze needs at least one FILE (plain or gzip, '-' for "
                    "stdin); try '%s'\n", help_hint(c, hint, sizeof hint));
    return GCW_EXIT_USAGE;
  }
  return -1;
}

/* "250ms", "1s", "1.5", "2m": seconds, or -1. */
static double duration_s(const char *v) {
  char *end;
  double n = strtod(v, &end);
  if (end == v || !(n >= 0) || n > 86400)
    return -1;
  if (strcmp(end, "ms") == 0)
    return n / 1000;
  if (strcmp(end, "m") == 0)
    return n * 60;
  return strcmp(end, "s") == 0 || !*end ? n : -1;
}

/* KEY=VALUE with KEY [a-zA-Z_][a-zA-Z0-9_]* (a name in every query language and metrics
** system) and a VALUE without control characters (it is printed on terminals). */
static int label_ok(const char *kv) {
  const char *eq = strchr(kv, '=');
  if (!eq || eq == kv || !((*kv >= 'a' && *kv <= 'z') || (*kv >= 'A' && *kv <= 'Z') || *kv == '_'))
    return 0;
  for (const char *k = kv; k < eq; k++)
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
          *k == '_'))
      return 0;
  for (const unsigned char *v = (const unsigned char *)eq + 1; *v; v++)
    if (*v < 0x20 || *v == 0x7f)
      return 0;
  return 1;
}

static int set_option(gcw_config *cfg, const option *o, const char *value, int c) {
  char *end;
  int w, h;
  if (o->field) /* a string option: its value as given (checked by check_values) */
    *(const char **)(void *)((char *)cfg + o->field) = value;
  switch (o->id) {
  case OPT_DB:
    cfg->db_default = 0; /* the value was set above */
    break;
  case OPT_INPUT_FORMAT:
  case OPT_FORMAT:
  case OPT_TABLE:
  case OPT_FAIL_ON:
  case OPT_KIND:
  case OPT_OUTPUT:
  case OPT_TERM:
  case OPT_FINDINGS_FORMAT:
  case OPT_PLOT: break; /* set above */
  case OPT_METRICS: { /* a malformed address stops here, before anything is read */
    struct sockaddr_storage sa;
    socklen_t salen;
    char msg[200];
    if (gcw_metrics_addr_parse(value, &sa, &salen, msg, sizeof msg)) {
      gcw_warn("gctrace-watch: %s; try 'gctrace-watch --help'\n", msg);
      return GCW_EXIT_USAGE;
    }
    break;
  }
  case OPT_LABEL:
    if (!label_ok(value) || cfg->nlabels == GCW_MAX_LABELS)
      return bad_usage_in(c, "--label takes KEY=VALUE (KEY: a letter or _, then letters, digits, _; "
                       "VALUE: no control characters), not", value);
    cfg->labels[cfg->nlabels++] = value;
    break;
  case OPT_FOLLOW: cfg->follow = 1; break;
  case OPT_STRIP: cfg->strip = 1; break;
  case OPT_QUIET: cfg->quiet = 1; break;
  case OPT_RUN:
    cfg->run = strtol(value, &end, 10);
    if (*end || cfg->run <= 0)
      return bad_usage_in(c, "--run needs a run id (a positive number), not", value);
    break;
  case OPT_ALL: cfg->all = 1; break;
  case OPT_THRESHOLD:
    if (!strchr(value, '=') || cfg->nthresholds == GCW_MAX_THRESHOLDS)
      return bad_usage_in(c, "--threshold takes NAME=VALUE, not", value);
    cfg->thresholds[cfg->nthresholds++] = value;
    break;
  case OPT_PAUSE_SLO:
    cfg->pause_slo_ms = strtod(value, &end);
    if (*end || !(cfg->pause_slo_ms > 0))
      return bad_usage_in(c, "--pause-slo needs a positive number of milliseconds, not", value);
    break;
  case OPT_SIZE:
    /* pixels for images, characters for the terminal (--term dumb, -o -) */
    if (sscanf(value, "%dx%d%c", &w, &h, (char[2]){0}) != 2 || w < 20 || h < 10 || w > 10000 ||
        h > 10000)
      return bad_usage_in(c, "--size takes WxH (pixels, or characters in the terminal), not", value);
    cfg->size = value;
    break;
  case OPT_PID:
    cfg->pid = strtol(value, &end, 10);
    if (*end || cfg->pid <= 0 || cfg->pid > 0x3fffffff)
      return bad_usage_in(c, "--pid needs a process id, not", value);
    break;
  case OPT_SAMPLE_INTERVAL:
    if ((cfg->sample_interval_s = duration_s(value)) < 0)
      return bad_usage_in(c, "--sample-interval takes a duration such as 1s or 250ms, not",
                          value);
    break;
  case OPT_OLDER_THAN:
    cfg->older_than_s = gcw_parse_duration(value);
    if (cfg->older_than_s < 0)
      return bad_usage_in(c, "--older-than takes a duration such as 7d, 12h or 1d12h, not", value);
    break;
  case OPT_HELP: usage(stdout, c); return GCW_EXIT_OK;
  case OPT_VERSION: printf("gctrace-watch %s\n", GCW_VERSION); return GCW_EXIT_OK;
  }
  return -1;
}

/* The defaults of the options command c takes (the ones of its records). */
static void set_defaults(gcw_config *cfg, int c) {
  for (int i = 0; i < NOPTIONS; i++)
    if (options[i].dflt && options[i].field && (options[i].where & commands[c].where))
      *(const char **)(void *)((char *)cfg + options[i].field) = options[i].dflt;
}

/* `gctrace-watch help [COMMAND]` and `gctrace-watch completion bash|zsh`: answered here,
** they run nothing. Returns an exit status, or -1 when argv is neither. */
static int help_or_completion(int argc, char **argv) {
  if (argc < 2)
    return -1;
  if (strcmp(argv[1], "help") == 0) {
    if (argc > 3)
      return bad_usage_in(0, "help takes one command, not", argv[3]);
    for (int c = 1; argc == 3 && c < NCOMMANDS; c++)
      if (strcmp(argv[2], commands[c].name) == 0) {
        usage(stdout, c);
        return GCW_EXIT_OK;
      }
    if (argc == 3 && strcmp(argv[2], "help") != 0)
      return bad_usage_in(0, "no such command", argv[2]);
    usage(stdout, 0);
    return GCW_EXIT_OK;
  }
  if (strcmp(argv[1], "completion") == 0) {
    if (argc != 3 || gcw_cli_completion(stdout, argv[2]) != 0)
      return bad_usage_in(0, "completion takes bash or zsh, not", argc > 2 ? argv[2] : "");
    return GCW_EXIT_OK;
  }
  return -1;
}

int gcw_cli_parse(gcw_config *cfg, int argc, char **argv) {
  memset(cfg, 0, sizeof *cfg);
  int answered = help_or_completion(argc, argv);
  if (answered >= 0)
    return answered;
  cfg->db = gcw_dbpath_default(cfg->db_buf, sizeof cfg->db_buf);
  cfg->db_default = 1;
  cfg->older_than_s = -1;
  cfg->sample_interval_s = 1;
  int i = 1, c = 0;
  char *end;
  for (int k = 1; k < NCOMMANDS && i < argc; k++)
    if (strcmp(argv[i], commands[k].name) == 0) {
      c = k;
      i++;
      break;
    }
  cfg->cmd = commands[c].cmd;
  set_defaults(cfg, c);
  /* Files are gathered in place, in order: argv has room for them (they are a subset of
  ** what follows), so no allocation and no limit on their number. */
  cfg->files = argv + i;
  int only_files = 0;
  for (; i < argc; i++) {
    const char *a = argv[i];
    const char *value;
    /* "--" in watch mode starts child mode: everything after it is PROG's, untouched,
    ** so PROG's own options are never taken for ours */
    if (strcmp(a, "--") == 0 && cfg->cmd == GCW_CMD_WATCH) {
      if (i + 1 >= argc)
        return bad_usage_in(c, "missing program after", a);
      cfg->cmd = GCW_CMD_CHILD;
      cfg->child_argv = argv + i + 1;
      break;
    }
    if (cfg->cmd == GCW_CMD_COMPARE && a[0] != '-') {
      long id = strtol(a, &end, 10);
      if (*end || id <= 0 || cfg->compare_b)
        return bad_usage_in(c, "compare takes two run ids, not", a);
      *(cfg->compare_a ? &cfg->compare_b : &cfg->compare_a) = id;
      continue;
    }
    /* "-" is a file (stdin); after "--", so is "-name" (a file called that) */
    if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
      if (cfg->cmd != GCW_CMD_ANALYZE)
        return bad_usage_in(c, "unexpected argument", a);
      cfg->files[cfg->nfiles++] = argv[i];
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_files = 1;
      continue;
    }
    const option *o = find_option(a, &value, c);
    /* an option of another command is an error, not ignored: a user who gives it
    ** expects it to do something */
    if (!o || !(o->where & commands[c].where))
      return bad_usage_in(c, "unknown option", a);
    if (o->arg && !value) {
      if (i + 1 >= argc)
        return bad_usage_in(c, "missing value for", a);
      value = argv[++i];
    }
    int st = set_option(cfg, o, value, c);
    if (st >= 0)
      return st;
  }
  cfg->findings_json = cfg->findings_format && strcmp(cfg->findings_format, "json") == 0;
  return check_values(cfg, c);
}

/*
** cli.h: the command line: one table of options drives parsing, checking, defaults,
** --help and the man page's test.
** Owns:   nothing (the parsed config points into argv).
** Never:  runs a command (cmd_*.c do).
*/
#ifndef GCW_CLI_H
#define GCW_CLI_H

#include <stddef.h>

enum gcw_command {
  GCW_CMD_WATCH,   /* gctrace-watch [opts]: stdin */
  GCW_CMD_CHILD,   /* gctrace-watch [opts] -- PROG ARGS...: the child's stderr */
  GCW_CMD_ANALYZE, /* gctrace-watch analyze [opts] FILE... */
  GCW_CMD_RUNS,    /* gctrace-watch runs [opts] */
  GCW_CMD_EXPORT,  /* gctrace-watch export [opts] */
  GCW_CMD_REPORT,  /* gctrace-watch report [opts] */
  GCW_CMD_COMPARE, /* gctrace-watch compare RUN_A RUN_B */
  GCW_CMD_PLOT,    /* gctrace-watch plot [opts] */
  GCW_CMD_PRUNE    /* gctrace-watch prune --older-than DURATION */
};

enum { GCW_MAX_THRESHOLDS = 32, GCW_MAX_LABELS = 32 };

typedef struct gcw_config {
  enum gcw_command cmd;
  const char *db;           /* --db, else the default of dbpath.h (never the working dir) */
  int db_default;           /* db is the default path: its directory may be created */
  char db_buf[4096];        /* the default path */
  int strip;                /* --strip */
  int quiet;                /* --quiet */
  const char *input_format; /* --input-format: auto, plain, docker, cri, timestamp, syslog */
  const char *format;       /* export: csv (default) or ndjson; report, runs: text or json */
  long run;                 /* --run N (runs.id), 0: not given */
  int all;                  /* report --all */
  const char *table;        /* export --table T, default gc_cycles */
  const char *fail_on;      /* report/analyze --fail-on warn|error, NULL: never */
  const char *thresholds[GCW_MAX_THRESHOLDS]; /* --threshold NAME=VALUE, as given */
  int nthresholds;
  double pause_slo_ms;      /* --pause-slo MS, 0: none */
  const char *labels[GCW_MAX_LABELS]; /* --label KEY=VALUE, as given */
  int nlabels;
  const char *findings_format; /* --findings-format: text (default) or json */
  int findings_json;        /* findings_format is json */
  int follow;               /* analyze --follow */
  const char *plot_kind;    /* plot --kind: heap, pause, interval, cpu, scavenger, all */
  const char *output;       /* plot -o FILE ("-": the terminal) */
  const char *size;         /* plot --size WxH */
  const char *term;         /* plot --term dumb */
  const char *plot_file;    /* analyze/report --plot FILE */
  double older_than_s;      /* prune --older-than DURATION, in seconds (-1: not given) */
  long compare_a, compare_b; /* compare RUN_A RUN_B */
  char **files;             /* analyze: the files, in order */
  int nfiles;
  char **child_argv;        /* child mode: PROG ARGS..., NULL-terminated */
  long pid;                 /* watch --pid: sample this process's memory, 0: none */
  double sample_interval_s; /* --sample-interval, default 1; 0: only at gc lines */
  const char *metrics;      /* --metrics ADDR:PORT: serve /metrics there, NULL: no endpoint */
} gcw_config;

/* Parse argv. Returns -1 to go on with *cfg, or an exit status (after --help, --version,
** or a usage error already reported on stderr). */
int gcw_cli_parse(gcw_config *cfg, int argc, char **argv);

/* The option table, for tests/test_docs.c: record i's name, the commands that take it
** (bit 1u << enum gcw_command) and the values it takes (NULL-terminated; NULL: any).
** Returns 0 past the last record. */
int gcw_cli_option_info(int i, const char **name, unsigned *commands,
                        const char *const **values);

/* The same record with its argument's name (NULL: a flag) and its help text (values put
** in) into help[0..helplen), for the completion scripts. */
int gcw_cli_option_full(int i, const char **name, const char **arg, unsigned *commands,
                        const char *const **values, char *help, size_t helplen);
/* Command c (0 is watch/child mode, with no name: NULL): its name, the bit of the commands
** its options are marked for, a one-line summary. Returns 0 past the last. */
int gcw_cli_command_info(int c, const char **name, unsigned *where, const char **summary);

/* `gctrace-watch completion SHELL`: the bash or zsh script on f (completion.c).
** Returns 0, or -1 for a shell it does not write. */
#include <stdio.h>
int gcw_cli_completion(FILE *f, const char *shell);

#define GCW_VERSION "0.1.0"

#endif

/*
** cli.h: the command line: one table of options drives parsing and --help.
** Owns:   nothing (the parsed config points into argv).
** Never:  runs a command (cmd_*.c do).
*/
#ifndef GCW_CLI_H
#define GCW_CLI_H

enum gcw_command { GCW_CMD_WATCH, GCW_CMD_ANALYZE };

typedef struct gcw_config {
  enum gcw_command cmd;
  const char *db;       /* --db, GCTRACE_WATCH_DB, or ./gctrace.db */
  int strip;            /* --strip */
  int quiet;            /* --quiet */
  char **files;         /* analyze: the files, in order */
  int nfiles;
} gcw_config;

/* Parse argv. Returns -1 to go on with *cfg, or an exit status (after --help, --version,
** or a usage error already reported on stderr). */
int gcw_cli_parse(gcw_config *cfg, int argc, char **argv);

#define GCW_VERSION "0.1.0"

#endif

/* main.c: parse, dispatch, and make sure stdout really got everything. */
#include "cli.h"
#include "cmd.h"
#include "err.h"
#include "safetext.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static int dispatch(const gcw_config *cfg) {
  switch (cfg->cmd) {
  case GCW_CMD_WATCH: return gcw_cmd_watch(cfg);
  case GCW_CMD_CHILD: return gcw_cmd_child(cfg);
  case GCW_CMD_ANALYZE: return gcw_cmd_analyze(cfg);
  case GCW_CMD_RUNS: return gcw_cmd_runs(cfg);
  case GCW_CMD_EXPORT: return gcw_cmd_export(cfg);
  case GCW_CMD_REPORT: return gcw_cmd_report(cfg);
  case GCW_CMD_COMPARE: return gcw_cmd_compare(cfg);
  case GCW_CMD_PLOT: return gcw_cmd_plot(cfg);
  case GCW_CMD_PRUNE: return gcw_cmd_prune(cfg);
  }
  return GCW_EXIT_INTERNAL;
}

int main(int argc, char **argv) {
  gcw_config cfg;
  /* A closed stdout must show up as EPIPE from write, not kill us mid-commit. */
  signal(SIGPIPE, SIG_IGN);
  int status = gcw_cli_parse(&cfg, argc, argv);
  if (status < 0)
    status = dispatch(&cfg);
  /* Last: report a full disk on stdout (jq's rule). A reader that went away (EPIPE) is
  ** no error; commands clear that state when they meet it. */
  errno = 0;
  if ((fflush(stdout) != 0 || ferror(stdout)) && errno != EPIPE && status == GCW_EXIT_OK) {
    gcw_warn("gctrace-watch: stdout: %s\n", errno ? strerror(errno) : "write error");
    status = GCW_EXIT_IO;
  }
  return status;
}

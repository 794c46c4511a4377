/* main.c: parse, dispatch, and make sure stdout really got everything. */
#include "cli.h"
#include "cmd.h"
#include "err.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  gcw_config cfg;
  /* A closed stdout must show up as EPIPE from write, not kill us mid-commit. */
  signal(SIGPIPE, SIG_IGN);
  int status = gcw_cli_parse(&cfg, argc, argv);
  if (status < 0)
    status = cfg.cmd == GCW_CMD_ANALYZE ? gcw_cmd_analyze(&cfg) : gcw_cmd_watch(&cfg);
  /* Last: report a full disk or a closed pipe on stdout (jq's rule). */
  if (fflush(stdout) != 0 || ferror(stdout)) {
    if (errno != EPIPE && status == GCW_EXIT_OK) {
      fprintf(stderr, "gctrace-watch: stdout: %s\n", strerror(errno));
      status = GCW_EXIT_IO;
    }
  }
  return status;
}

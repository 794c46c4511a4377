/*
** cmd.h: the subcommands. Each returns the process exit status.
** Owns:   the recognizer, store and pipeline of one invocation.
*/
#ifndef GCW_CMD_H
#define GCW_CMD_H

#include "cli.h"

int gcw_cmd_watch(const gcw_config *cfg);
int gcw_cmd_analyze(const gcw_config *cfg);

/* Shared set-up: compile the grammar and open the store; on failure report and return
** an exit status (else -1). */
struct gcw_recog;
struct gcw_store;
int gcw_cmd_open(const gcw_config *cfg, struct gcw_recog **r, struct gcw_store **s);
/* Close the store; report a failure. Returns status, or the worse of status and 3. */
int gcw_cmd_close(struct gcw_store **s, int status);

#endif

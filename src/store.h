/*
** store.h: the SQLite sink: every event, run, source and unparsed line, as rows.
** Owns:   the database connection and its prepared statements.
** Input:  events with their run, runs when they open and close, unparsed lines.
** Output: the tables of docs/schema.md (a public contract, PRAGMA user_version 1).
** Never:  builds SQL from data: every value is a bound parameter.
**
** Batching: rows go into one transaction, committed every GCW_BATCH_ROWS rows, on
** gcw_store_tick() when GCW_COMMIT_MS have passed (watch mode), and at close.
** States: IDLE -(first row)-> IN_TX -(commit)-> IDLE; a failed write sets `failed`
** and every later call returns GCW_EDB with the first error kept for the message.
*/
#ifndef GCW_STORE_H
#define GCW_STORE_H

#include "err.h"
#include "event.h"
#include "runs.h"

#include <sqlite3.h>
#include <stddef.h>

typedef struct gcw_store gcw_store;

gcw_err gcw_store_open(gcw_store **out, const char *path, char *msg, size_t msglen);
/* Commit, build indexes and close. Returns the first error of the session, if any. */
gcw_err gcw_store_close(gcw_store **pp);
const char *gcw_store_errmsg(const gcw_store *s);
sqlite3 *gcw_store_db(gcw_store *s);

gcw_err gcw_store_source_begin(gcw_store *s, const char *path, const char *kind,
                               long long *id);
gcw_err gcw_store_source_end(gcw_store *s, long long id, long long bytes, const char *sha256,
                             long lines, long overlong);
gcw_err gcw_store_run_open(gcw_store *s, long long source_id, gcw_run *run);
gcw_err gcw_store_run_close(gcw_store *s, const gcw_run *run);
gcw_err gcw_store_event(gcw_store *s, long long run_id, long cycle, const gcw_event *ev,
                        const char *wall);
gcw_err gcw_store_unparsed(gcw_store *s, long long source_id, long line, const char *text,
                           size_t len, const char *why);
/* Commit if GCW_COMMIT_MS passed since the last commit (or now, if force). */
gcw_err gcw_store_tick(gcw_store *s, int force);

#endif

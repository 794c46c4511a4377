/*
** dbpath.h: where the database is when --db is not given, and opening it for reading
** without leaving anything behind.
** Owns:   nothing.
** Never:  uses the working directory: a database there would land wherever the app starts.
**
** The default, the same for every command: $GCTRACE_WATCH_DB, else
** $XDG_STATE_HOME/gctrace-watch/gctrace.db, else ~/.local/state/gctrace-watch/gctrace.db.
** Its directory is created (0700) by the commands that write, on their first write.
*/
#ifndef GCW_DBPATH_H
#define GCW_DBPATH_H

#include <stddef.h>

/* The default path into buf; NULL (with a message in buf) when there is no home. */
const char *gcw_dbpath_default(char *buf, size_t n);
/* mkdir -p the directory of path (mode 0700). 0, or -1 with errno set. */
int gcw_dbpath_make_dir(const char *path);

#endif

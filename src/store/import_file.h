/*
** import_file.h: the files of a fast import into a new database (store.c, analyze).
** Owns:   nothing beyond the name it returns.
** Input:  the database's path.
** Output: a temporary file beside it, "PATH.import-PID", created exclusively; at the end
**         its link to PATH.
** Never:  replaces a file: PATH is taken only if nothing has it (link(2), not rename(2)).
**
** A database that does not exist yet is built under the temporary name with no journal
** (nothing to roll back to: an interrupted import is thrown away whole) and gets its name
** when complete. A killed import leaves only its temporary file, which the next import
** into PATH removes once its process is gone.
*/
#ifndef GCW_IMPORT_FILE_H
#define GCW_IMPORT_FILE_H

#include <stddef.h>

/* Remove the temporary files of dead imports into path; then, if path does not exist
** (not even as a dangling symlink), create "PATH.import-PID" exclusively and return its
** name (malloc'd, the caller frees it). NULL: path exists, is ":memory:"-like, or the
** file cannot be made beside it (the ordinary open then says what is wrong). */
char *gcw_import_begin(const char *path);

/* Give the finished import its name and remove the temporary one. 0, or -1 with the
** reason in msg (the database was created meanwhile, or the system's error). */
int gcw_import_publish(const char *tmp, const char *path, char *msg, size_t msglen);

#endif

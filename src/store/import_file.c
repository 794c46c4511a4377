/* import_file.c: the files of a fast import. See import_file.h. */
#include "import_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char import_tag[] = ".import-";

/* Remove "PATH.import-PID" files whose process no longer runs. */
static void clean_stale_imports(const char *path) {
  char dir[4096];
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
  size_t blen = strlen(base), tlen = strlen(import_tag);
  DIR *d = opendir(dir);
  if (!d)
    return;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    const char *n = e->d_name;
    if (strncmp(n, base, blen) != 0 || strncmp(n + blen, import_tag, tlen) != 0)
      continue;
    char *end;
    long pid = strtol(n + blen + tlen, &end, 10);
    /* "PATH.import-PID", or SQLite's "-wal"/"-journal" beside it */
    if ((*end && *end != '-') || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
      continue;
    char stale[4600];
    snprintf(stale, sizeof stale, "%s%s%s", slash ? "" : "./", slash ? dir : "", n);
    unlink(stale);
  }
  closedir(d);
}

char *gcw_import_begin(const char *path) {
  struct stat sb;
  if (!path[0] || path[0] == ':')
    return NULL;
  clean_stale_imports(path);
  if (lstat(path, &sb) == 0 || errno != ENOENT) /* a symlink, even dangling, is not new */
    return NULL;
  size_t n = strlen(path) + sizeof import_tag + 24;
  char *name = malloc(n);
  if (!name)
    return NULL;
  snprintf(name, n, "%s%s%ld", path, import_tag, (long)getpid());
  int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    free(name);
    return NULL;
  }
  close(fd);
  return name;
}

int gcw_import_publish(const char *tmp, const char *path, char *msg, size_t msglen) {
  int rc = 0;
  if (link(tmp, path) != 0) {
    int e = errno;
    snprintf(msg, msglen, "%s",
             e == EEXIST ? "the database was created by another program during this import; "
                           "nothing stored: run it again"
                         : strerror(e));
    rc = -1;
  }
  unlink(tmp);
  return rc;
}

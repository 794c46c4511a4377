/* dbpath.c: the default database path. See dbpath.h. */
#include "dbpath.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *home_dir(void) {
  const char *h = getenv("HOME");
  if (h && h[0] == '/')
    return h;
  struct passwd *pw = getpwuid(getuid());
  return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

const char *gcw_dbpath_default(char *buf, size_t n) {
  const char *env = getenv("GCTRACE_WATCH_DB");
  if (env && *env) {
    snprintf(buf, n, "%s", env);
    return buf;
  }
  /* XDG: a relative $XDG_STATE_HOME is invalid and is ignored */
  const char *state = getenv("XDG_STATE_HOME");
  int w;
  if (state && state[0] == '/') {
    w = snprintf(buf, n, "%s/gctrace-watch/gctrace.db", state);
  } else {
    const char *home = home_dir();
    if (!home) {
      snprintf(buf, n, "no home directory for the default database; give --db PATH");
      return NULL;
    }
    w = snprintf(buf, n, "%s/.local/state/gctrace-watch/gctrace.db", home);
  }
  if (w < 0 || (size_t)w >= n) {
    snprintf(buf, n, "the default database path is too long; give --db PATH");
    return NULL;
  }
  return buf;
}

int gcw_dbpath_make_dir(const char *path) {
  char dir[4096];
  if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
    errno = ENAMETOOLONG;
    return -1;
  }
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir)
    return 0;
  *slash = '\0';
  for (char *p = dir + 1;; p++) {
    if (*p != '/' && *p != '\0')
      continue;
    char c = *p;
    *p = '\0';
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
      return -1;
    *p = c;
    if (c == '\0')
      return 0;
  }
}

/* follow.c: a file followed across growth and rotation. See follow.h. */
#include "follow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct gcw_follow {
  char *path;
  int fd;        /* -1: not open (the file does not exist yet, or was rotated away) */
  dev_t dev;
  ino_t ino;
  off_t offset;  /* bytes read from the current file */
  int opened;    /* a file was opened before: the next one is a rotation */
};

gcw_err gcw_follow_open(gcw_follow **out, const char *path) {
  gcw_follow *f = calloc(1, sizeof *f);
  *out = NULL;
  if (!f || !(f->path = strdup(path))) {
    free(f);
    return GCW_ENOMEM;
  }
  f->fd = -1;
  *out = f;
  return GCW_OK;
}

void gcw_follow_close(gcw_follow **pp) {
  if (!pp || !*pp)
    return;
  if ((*pp)->fd >= 0)
    close((*pp)->fd);
  free((*pp)->path);
  free(*pp);
  *pp = NULL;
}

const char *gcw_follow_path(const gcw_follow *f) { return f->path; }

/* Open the file now under the path, if there is one. 1: opened, 0: none. */
static int reopen(gcw_follow *f, gcw_follow_change *change) {
  struct stat st;
  int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return 0;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return 0;
  }
  f->fd = fd;
  f->dev = st.st_dev;
  f->ino = st.st_ino;
  f->offset = 0;
  *change = f->opened ? GCW_FOLLOW_ROTATED : GCW_FOLLOW_OPENED;
  f->opened = 1;
  return 1;
}

/* At the end of the current file: has the path moved on to another file, or did this one
** shrink? Returns 1 when there may be more to read now. */
static int look_again(gcw_follow *f, gcw_follow_change *change) {
  struct stat cur, named;
  if (fstat(f->fd, &cur) == 0 && cur.st_size < f->offset) {
    lseek(f->fd, 0, SEEK_SET); /* copytruncate: the file starts again */
    f->offset = 0;
    *change = GCW_FOLLOW_TRUNCATED;
    return 1;
  }
  if (stat(f->path, &named) == 0 && named.st_dev == f->dev && named.st_ino == f->ino)
    return 0; /* the same file, nothing new yet */
  /* renamed or deleted, and we have read it to its end: on to the new file (if any yet) */
  close(f->fd);
  f->fd = -1;
  return reopen(f, change);
}

ssize_t gcw_follow_read(gcw_follow *f, char *buf, size_t cap, gcw_follow_change *change) {
  *change = GCW_FOLLOW_SAME;
  if (f->fd < 0 && !reopen(f, change))
    return 0;
  for (int tries = 0; tries < 2; tries++) {
    ssize_t n = read(f->fd, buf, cap);
    if (n < 0)
      return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n > 0) {
      f->offset += n;
      return n;
    }
    if (!look_again(f, change))
      return 0;
  }
  return 0;
}

/* pump.c: the read loop shared by watch and child mode. See pump.h. */
#include "pump.h"

#include "limits.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

static gcw_err read_within(int fd, char *buf, ssize_t *n, int timeout_ms) {
  struct pollfd pfd = {fd, POLLIN, 0};
  *n = -1;
  int ready = poll(&pfd, 1, timeout_ms);
  if (ready < 0)
    return errno == EINTR ? GCW_OK : GCW_EREAD;
  if (ready == 0)
    return GCW_OK;
  ssize_t got = read(fd, buf, GCW_READ_CHUNK);
  if (got < 0)
    return errno == EINTR || errno == EAGAIN ? GCW_OK : GCW_EREAD;
  *n = got;
  return GCW_OK;
}

gcw_err gcw_pump_read(int fd, char *buf, ssize_t *n) {
  return read_within(fd, buf, n, GCW_COMMIT_MS);
}

gcw_err gcw_pump_fd(gcw_pipeline *p, int fd, char *buf, gcw_pump_wake wake, void *ctx) {
  for (;;) {
    if (wake && wake(ctx))
      return GCW_OK;
    ssize_t n;
    /* a process sample may be due sooner than the next commit (issue 15) */
    gcw_err e = read_within(fd, buf, &n, gcw_pipeline_wait_ms(p, GCW_COMMIT_MS));
    if (e || n == 0)
      return e;
    if (n > 0 && (e = gcw_pipeline_feed(p, buf, (size_t)n)))
      return e;
    if ((e = gcw_pipeline_tick(p)))
      return e;
  }
}

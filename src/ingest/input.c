/* input.c: sources through zlib (plain files pass through gzread unchanged). */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct gcw_input {
  gzFile gz;
  int is_stdin;
  int is_gzip;
  long long size;
};

static int looks_gzip(int fd) {
  unsigned char m[2];
  if (pread(fd, m, 2, 0) != 2)
    return 0; /* a pipe cannot be peeked: gzread still detects the magic itself */
  return m[0] == 0x1f && m[1] == 0x8b;
}

gcw_err gcw_input_open(gcw_input **out, const char *path, char *msg, size_t msglen) {
  struct stat st;
  gcw_input *in = calloc(1, sizeof *in);
  *out = NULL;
  if (!in)
    return GCW_ENOMEM;
  in->is_stdin = strcmp(path, "-") == 0;
  int fd = in->is_stdin ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) != 0) {
    snprintf(msg, msglen, "%s", strerror(errno));
    goto fail;
  }
  if (S_ISDIR(st.st_mode)) {
    snprintf(msg, msglen, "is a directory");
    close(fd);
    goto fail;
  }
  in->size = S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
  in->is_gzip = looks_gzip(fd);
  in->gz = gzdopen(fd, "rb");
  if (!in->gz) {
    snprintf(msg, msglen, "cannot start reading");
    close(fd);
    goto fail;
  }
  gzbuffer(in->gz, 128 * 1024);
  *out = in;
  return GCW_OK;
fail:
  free(in);
  return GCW_EOPEN;
}

long gcw_input_read(gcw_input *in, char *buf, size_t cap, char *msg, size_t msglen) {
  int n = gzread(in->gz, buf, (unsigned)cap);
  if (n < 0) {
    int zerr;
    const char *why = gzerror(in->gz, &zerr);
    snprintf(msg, msglen, "%s", zerr == Z_ERRNO ? strerror(errno) : why);
    return -1;
  }
  if (n == 0) {
    /* A gzip stream cut short ends like any other but leaves Z_BUF_ERROR behind. */
    int zerr;
    const char *why = gzerror(in->gz, &zerr);
    if (zerr != Z_OK) {
      snprintf(msg, msglen, "%s", zerr == Z_BUF_ERROR ? "truncated gzip data" : why);
      return -1;
    }
  }
  return n;
}

const char *gcw_input_kind(const gcw_input *in) {
  return in->is_gzip ? "gzip" : in->is_stdin ? "stdin" : "file";
}

long long gcw_input_size(const gcw_input *in) { return in->size; }

long long gcw_input_offset(gcw_input *in) { return (long long)gzoffset(in->gz); }

void gcw_input_close(gcw_input **pp) {
  if (!pp || !*pp)
    return;
  gzclose((*pp)->gz);
  free(*pp);
  *pp = NULL;
}

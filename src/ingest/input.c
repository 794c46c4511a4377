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
  long long limit;      /* gzip file with a bad member: bytes of the good ones (else -1) */
  long long delivered;  /* bytes handed out so far */
  char bad[160];        /* what is wrong with the first bad member */
};

/* A gzip file is checked before it is read: every member's CRC-32 and length are checked
** by zlib only at the member's end, after its bytes would already have been analysed and
** stored. So the file is decompressed once without keeping anything, and the bytes of the
** members before the first one that fails (or is cut short) are all that is read. Returns
** those bytes' count, or -1 when every member is good; *why says what is wrong. */
static long long good_gzip_bytes(int fd, char *why, size_t whylen) {
  enum { IN = 64 * 1024, OUT = 256 * 1024 };
  unsigned char *in = malloc(IN), *out = malloc(OUT);
  z_stream z;
  memset(&z, 0, sizeof z);
  long long good = 0, result = -1;
  off_t at = 0;
  int member = 1, rc = Z_OK;
  if (!in || !out || inflateInit2(&z, 15 + 16) != Z_OK) {
    free(in);
    free(out);
    return -1; /* cannot check: read as before */
  }
  for (;;) {
    if (z.avail_in == 0) {
      ssize_t n = pread(fd, in, IN, at);
      if (n < 0) {
        snprintf(why, whylen, "%s", strerror(errno));
        result = good;
        break;
      }
      if (n == 0) {
        if (rc != Z_STREAM_END || z.total_in > 0) { /* a member cut short */
          snprintf(why, whylen,
                   "gzip member %d is cut short (truncated gzip data): its data was not read",
                   member);
          result = good;
        }
        break;
      }
      at += n;
      z.next_in = in;
      z.avail_in = (uInt)n;
    }
    if (rc == Z_STREAM_END) { /* between members: another one, or trailing bytes (ignored) */
      if (z.avail_in >= 1 && z.next_in[0] != 0x1f)
        break;
      inflateReset(&z);
      member++;
    }
    z.next_out = out;
    z.avail_out = OUT;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      good += (long long)z.total_out;
      z.total_in = 0;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      snprintf(why, whylen, "gzip member %d fails its check (%s): its data was not read",
               member, z.msg ? z.msg : "corrupt");
      result = good;
      break;
    }
  }
  inflateEnd(&z);
  free(in);
  free(out);
  return result;
}

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
  in->limit = -1;
  if (in->is_gzip && S_ISREG(st.st_mode))
    in->limit = good_gzip_bytes(fd, in->bad, sizeof in->bad);
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
  if (in->limit >= 0 && in->delivered + (long long)cap > in->limit)
    cap = (size_t)(in->limit - in->delivered);
  if (in->limit >= 0 && cap == 0) {
    snprintf(msg, msglen, "%s", in->bad);
    return -1;
  }
  int n = gzread(in->gz, buf, (unsigned)cap);
  if (n > 0)
    in->delivered += n;
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

gcw_err gcw_input_seek(gcw_input *in, long long off) {
  if (in->is_gzip || in->is_stdin)
    return GCW_EREAD;
  return gzseek(in->gz, (z_off_t)off, SEEK_SET) == (z_off_t)off ? GCW_OK : GCW_EREAD;
}

void gcw_input_close(gcw_input **pp) {
  if (!pp || !*pp)
    return;
  gzclose((*pp)->gz);
  free(*pp);
  *pp = NULL;
}

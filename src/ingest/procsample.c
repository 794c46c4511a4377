/* procsample.c: a process's memory as the kernel counts it. See procsample.h. */
#include "procsample.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A read of one /proc or cgroup file: status is ~1.5 KiB, smaps_rollup ~1 KiB. */
enum { READ_MAX = 4096, ENVIRON_MAX = 256 * 1024, PATH_MAX_GCW = 1024 };

struct gcw_procsample {
  int status_fd;       /* /proc/PID/status */
  int rollup_fd;       /* /proc/PID/smaps_rollup, -1: none (Linux < 4.14) */
  int current_fd;      /* cgroup v2 memory.current, -1: none */
  int max_fd;          /* cgroup v2 memory.max, -1: none */
  double start_s;      /* process start, seconds since boot */
  double gomemlimit_mb;
  double rollup_next_s; /* CLOCK_MONOTONIC time before which smaps_rollup is not read */
  char cgroup[PATH_MAX_GCW];
};

/* smaps_rollup walks the process's page tables: its cost grows with RSS (about 4 ms for
** 256 MiB resident, against 3 us for status). It is read at most this share of the time:
** after a read that took c seconds, the next one waits c / ROLLUP_SHARE. */
static const double ROLLUP_SHARE = 0.01;

static const double KB_PER_MB = 1024.0;

/* Read a whole small file from offset 0 into buf (NUL-terminated); bytes, or -1. */
static ssize_t read_at0(int fd, char *buf, size_t cap) {
  ssize_t n;
  do
    n = pread(fd, buf, cap - 1, 0);
  while (n < 0 && errno == EINTR);
  buf[n > 0 ? n : 0] = '\0';
  return n;
}

/* The same for a path opened once (at open time only). */
static ssize_t read_path(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read_at0(fd, buf, cap);
  close(fd);
  return n;
}

static double now_s(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Field 22 of /proc/PID/stat (starttime, clock ticks since boot), in seconds. The command
** name (field 2) may hold spaces and parentheses: count from the last ')'. */
static int start_time(pid_t pid, double *out) {
  char path[64], buf[READ_MAX];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if (read_path(path, buf, sizeof buf) <= 0)
    return -1;
  char *p = strrchr(buf, ')');
  if (!p)
    return -1;
  /* after ')': field 3 (state) is the first token; field 22 the twentieth */
  for (int field = 2; field < 22 && p; field++)
    p = strchr(p + 1, ' ');
  long ticks = sysconf(_SC_CLK_TCK);
  if (!p || ticks <= 0)
    return -1;
  *out = strtod(p + 1, NULL) / (double)ticks;
  return 0;
}

/* ---- GOMEMLIMIT ------------------------------------------------------------------ */

double gcw_gomemlimit_mb(const char *v) {
  static const struct {
    const char *suffix;
    double mb;
  } units[] = {{"TiB", 1024.0 * 1024}, {"GiB", 1024}, {"MiB", 1}, {"KiB", 1 / 1024.0},
               {"B", 1 / 1048576.0}, {"", 1 / 1048576.0}};
  if (!v || !*v || strcmp(v, "off") == 0)
    return -1;
  char *end;
  errno = 0;
  double n = strtod(v, &end);
  if (end == v || errno || n < 0 || (*v < '0' || *v > '9'))
    return -1;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcmp(end, units[i].suffix) == 0)
      return n * units[i].mb;
  return -1;
}

/* GOMEMLIMIT from the environment the process started with (NUL-separated). */
static double environ_memlimit(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
  char *buf = malloc(ENVIRON_MAX);
  double mb = -1;
  ssize_t n = buf ? read_path(path, buf, ENVIRON_MAX) : -1;
  for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(buf + i) + 1)
    if (strncmp(buf + i, "GOMEMLIMIT=", 11) == 0)
      mb = gcw_gomemlimit_mb(buf + i + 11);
  free(buf);
  return mb;
}

/* ---- cgroup v2 --------------------------------------------------------------------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo: undo it in place. */
static void unescape_octal(char *s) {
  char *w = s;
  for (char *r = s; *r; r++) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
        r[3] >= '0' && r[3] <= '7') {
      *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 3;
    } else {
      *w++ = *r;
    }
  }
  *w = '\0';
}

/* The cgroup2 mount of our mount namespace: its mount point and the cgroup path it shows
** as its root. 0, or -1 when there is none (a pure cgroup v1 host). */
static int cgroup2_mount(char *mnt, size_t mntlen, char *root, size_t rootlen) {
  FILE *f = fopen("/proc/self/mountinfo", "re");
  char line[2048];
  int found = -1;
  while (f && found < 0 && fgets(line, sizeof line, f)) {
    char *dash = strstr(line, " - cgroup2 ");
    char r[1024], m[1024];
    /* id parent major:minor root mount-point ... - fstype source options */
    if (dash && sscanf(line, "%*s %*s %*s %1023s %1023s", r, m) == 2) {
      unescape_octal(r);
      unescape_octal(m);
      snprintf(mnt, mntlen, "%s", m);
      snprintf(root, rootlen, "%s", r);
      found = 0;
    }
  }
  if (f)
    fclose(f);
  return found;
}

/* The "0::/path" line of /proc/PID/cgroup (the unified hierarchy). */
static int unified_path(pid_t pid, char *out, size_t n) {
  char path[64], buf[READ_MAX];
  snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
  if (read_path(path, buf, sizeof buf) <= 0)
    return -1;
  for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    if (strncmp(line, "0::", 3) == 0) {
      snprintf(out, n, "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
      return 0;
    }
  return -1;
}

/* Open memory.current and memory.max of pid's cgroup v2, where they exist (the root
** cgroup has neither; a host whose memory controller is on v1 has them nowhere). */
static void open_cgroup(gcw_procsample *ps, pid_t pid) {
  char mnt[1024], root[1024], rel[1024], file[2 * 1024 + 32];
  if (cgroup2_mount(mnt, sizeof mnt, root, sizeof root) < 0 ||
      unified_path(pid, rel, sizeof rel) < 0)
    return;
  /* a mount of a sub-tree (a container's view) shows paths below its root */
  size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
  const char *below = strncmp(rel, root, rl) == 0 ? rel + rl : rel;
  snprintf(ps->cgroup, sizeof ps->cgroup, "%s", *below ? below : "/");
  snprintf(file, sizeof file, "%s%s/memory.current", mnt, strcmp(below, "/") ? below : "");
  ps->current_fd = open(file, O_RDONLY | O_CLOEXEC);
  snprintf(file, sizeof file, "%s%s/memory.max", mnt, strcmp(below, "/") ? below : "");
  ps->max_fd = open(file, O_RDONLY | O_CLOEXEC);
}

const char *gcw_procsample_cgroup(const gcw_procsample *ps) { return ps->cgroup; }

/* ---- life cycle ---------------------------------------------------------------------- */

gcw_err gcw_procsample_open(gcw_procsample **out, pid_t pid, char *msg, size_t msglen) {
  char path[64];
  gcw_procsample *ps = calloc(1, sizeof *ps);
  *out = NULL;
  if (!ps)
    return GCW_ENOMEM;
  ps->rollup_fd = ps->current_fd = ps->max_fd = -1;
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  ps->status_fd = open(path, O_RDONLY | O_CLOEXEC);
  if (ps->status_fd < 0 || start_time(pid, &ps->start_s) < 0) {
    snprintf(msg, msglen, "process %d: %s", (int)pid,
             errno == ENOENT ? "no such process" : strerror(errno));
    gcw_procsample_close(&ps);
    return GCW_EREAD;
  }
  snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
  ps->rollup_fd = open(path, O_RDONLY | O_CLOEXEC);
  ps->gomemlimit_mb = environ_memlimit(pid);
  open_cgroup(ps, pid);
  *out = ps;
  return GCW_OK;
}

void gcw_procsample_close(gcw_procsample **pp) {
  gcw_procsample *ps = pp ? *pp : NULL;
  if (!ps)
    return;
  int fds[] = {ps->status_fd, ps->rollup_fd, ps->current_fd, ps->max_fd};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  free(ps);
  *pp = NULL;
}

/* ---- one sample ------------------------------------------------------------------------ */

/* "Key:   1234 kB" in text, in MB; -1 when the key is not there. */
static double kb_field(const char *text, const char *key) {
  size_t k = strlen(key);
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (strncmp(p, key, k) == 0)
      return strtod(p + k, NULL) / KB_PER_MB;
  return -1;
}

/* A cgroup file holding bytes ("max": no limit), in MB; -1 when not available. */
static double cgroup_bytes(int fd) {
  char buf[64];
  if (fd < 0 || read_at0(fd, buf, sizeof buf) <= 0 || buf[0] < '0' || buf[0] > '9')
    return -1;
  return strtod(buf, NULL) / (1024.0 * 1024.0);
}

static void stamp_wall(char *out, size_t n) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + k, n - k, ".%03ldZ", ts.tv_nsec / 1000000);
}

int gcw_procsample_read(gcw_procsample *ps, gcw_proc_sample *s) {
  char buf[READ_MAX];
  if (read_at0(ps->status_fd, buf, sizeof buf) <= 0)
    return -1;
  s->rss_mb = kb_field(buf, "VmRSS:");
  if (s->rss_mb < 0) /* a zombie has no memory left: the process has exited */
    return -1;
  s->t_s = now_s(CLOCK_BOOTTIME) - ps->start_s;
  stamp_wall(s->wall, sizeof s->wall);
  s->vsz_mb = kb_field(buf, "VmSize:");
  s->rss_anon_mb = kb_field(buf, "RssAnon:");
  s->rss_file_mb = kb_field(buf, "RssFile:");
  s->swap_mb = kb_field(buf, "VmSwap:");
  s->lazyfree_mb = -1;
  double t0 = now_s(CLOCK_MONOTONIC);
  if (ps->rollup_fd >= 0 && t0 >= ps->rollup_next_s) {
    if (read_at0(ps->rollup_fd, buf, sizeof buf) > 0)
      s->lazyfree_mb = kb_field(buf, "LazyFree:");
    ps->rollup_next_s = t0 + (now_s(CLOCK_MONOTONIC) - t0) / ROLLUP_SHARE;
  }
  s->cgroup_current_mb = cgroup_bytes(ps->current_fd);
  s->cgroup_max_mb = cgroup_bytes(ps->max_fd);
  s->gomemlimit_mb = ps->gomemlimit_mb;
  return 0;
}

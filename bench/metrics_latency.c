/*
** metrics_latency.c: pass-through latency of watch mode, with and without scrapes.
**
**   build/bench/metrics_latency BIN LOG LINES RATE SCRAPE_MS [--no-metrics]
**
** Starts `BIN --quiet --db <tmp> --metrics 127.0.0.1:<free port>` (or without --metrics),
** writes the first LINES lines of LOG to its stdin at RATE lines per second, one write()
** per line, and reads its stdout. A line's latency is the time from the write of its
** last byte to the read that brought its newline back (both CLOCK_MONOTONIC). A third
** thread GETs /metrics every SCRAPE_MS ms (0: never), reading each response whole.
** Prints p50, p99, p99.9 and max in microseconds, and the number of scrapes done.
** Loopback only; the child is killed with its process group at the end.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct shared {
  char **lines;
  size_t *lens;
  long n;
  double rate;
  int in_fd, out_fd, port, scrape_ms;
  double *sent, *got;
  volatile int done;
  long scrapes, scrape_fail;
  double scrape_max_ms;
} shared;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void *writer(void *arg) {
  shared *s = arg;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  double step_ns = 1e9 / s->rate;
  for (long i = 0; i < s->n; i++) {
    /* sleep until the line is due (no busy wait: the machine has few cores) */
    double at = (double)t0.tv_nsec + (double)i * step_ns;
    struct timespec due = {t0.tv_sec + (time_t)(at / 1e9), (long)((long long)at % 1000000000LL)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR)
      ;
    const char *p = s->lines[i];
    size_t left = s->lens[i];
    s->sent[i] = now_us(); /* before the write: the reader may see the line at once */
    while (left > 0) {
      ssize_t w = write(s->in_fd, p, left);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return NULL;
      p += w;
      left -= (size_t)w;
    }
  }
  return NULL;
}

static void *reader(void *arg) {
  shared *s = arg;
  char buf[65536];
  long k = 0;
  while (k < s->n) {
    ssize_t r = read(s->out_fd, buf, sizeof buf);
    if (r <= 0)
      break;
    double t = now_us();
    for (ssize_t i = 0; i < r; i++)
      if (buf[i] == '\n' && k < s->n)
        s->got[k++] = t;
  }
  s->done = 1;
  return NULL;
}

static int scrape(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  const char req[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  int ok = write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1);
  char buf[65536];
  ssize_t r, total = 0;
  while (ok && (r = read(fd, buf, sizeof buf)) > 0)
    total += r;
  close(fd);
  return ok && total > 0 && strncmp(buf, "HTTP/1.", 7) == 0 ? 0 : -1;
}

static void *scraper(void *arg) {
  shared *s = arg;
  while (!s->done) {
    poll(NULL, 0, s->scrape_ms);
    if (s->done)
      break;
    double t = now_us();
    if (scrape(s->port) == 0)
      s->scrapes++;
    else
      s->scrape_fail++;
    double ms = (now_us() - t) / 1e3;
    if (ms > s->scrape_max_ms)
      s->scrape_max_ms = ms;
  }
  return NULL;
}

static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  bind(fd, (struct sockaddr *)&a, sizeof a);
  getsockname(fd, (struct sockaddr *)&a, &len);
  close(fd);
  return ntohs(a.sin_port);
}

static long load(const char *path, long want, char ***lines, size_t **lens) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  *lines = calloc((size_t)want, sizeof **lines);
  *lens = calloc((size_t)want, sizeof **lens);
  long n = 0;
  char *l = NULL;
  size_t cap = 0;
  ssize_t r;
  while (n < want && (r = getline(&l, &cap, f)) > 0) {
    if (l[r - 1] != '\n')
      break;
    (*lines)[n] = malloc((size_t)r);
    memcpy((*lines)[n], l, (size_t)r);
    (*lens)[n++] = (size_t)r;
  }
  free(l);
  fclose(f);
  return n;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s BIN LOG LINES RATE SCRAPE_MS [--no-metrics]\n", argv[0]);
    return 2;
  }
  int metrics = !(argc > 6 && strcmp(argv[6], "--no-metrics") == 0);
  shared s;
  memset(&s, 0, sizeof s);
  s.n = load(argv[2], atol(argv[3]), &s.lines, &s.lens);
  s.rate = atof(argv[4]);
  s.scrape_ms = atoi(argv[5]);
  if (s.n <= 0 || s.rate <= 0) {
    fprintf(stderr, "metrics_latency: cannot read %s\n", argv[2]);
    return 2;
  }
  s.sent = calloc((size_t)s.n, sizeof *s.sent);
  s.got = calloc((size_t)s.n, sizeof *s.got);
  s.port = free_port();
  char db[] = "/tmp/gcw-latency-XXXXXX", dbfile[64], addr[64];
  if (!mkdtemp(db))
    return 2;
  snprintf(dbfile, sizeof dbfile, "%s/l.db", db);
  snprintf(addr, sizeof addr, "127.0.0.1:%d", s.port);
  int in[2], out[2];
  if (pipe(in) || pipe(out))
    return 2;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&at);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addclose(&fa, in[1]);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  char *cargv[] = {argv[1], "--quiet", "--db", dbfile, metrics ? "--metrics" : NULL, addr, NULL};
  pid_t pid;
  if (posix_spawn(&pid, argv[1], &fa, &at, cargv, environ) != 0) {
    perror("spawn");
    return 2;
  }
  close(in[0]);
  close(out[1]);
  s.in_fd = in[1];
  s.out_fd = out[0];
  poll(NULL, 0, 300); /* let it start (open the store, listen) */
  pthread_t tw, tr, ts;
  pthread_create(&tr, NULL, reader, &s);
  pthread_create(&tw, NULL, writer, &s);
  int scraping = metrics && s.scrape_ms > 0;
  if (scraping)
    pthread_create(&ts, NULL, scraper, &s);
  pthread_join(tw, NULL);
  pthread_join(tr, NULL);
  s.done = 1;
  if (scraping)
    pthread_join(ts, NULL);
  close(s.in_fd);
  int st;
  kill(-pid, SIGTERM);
  waitpid(pid, &st, 0);
  double *lat = malloc((size_t)s.n * sizeof *lat);
  long m = 0;
  for (long i = 0; i < s.n; i++)
    if (s.got[i] > 0 && s.sent[i] > 0)
      lat[m++] = s.got[i] - s.sent[i];
  qsort(lat, (size_t)m, sizeof *lat, cmp);
  printf("lines=%ld rate=%.0f/s metrics=%s scrape_every=%dms scrapes=%ld failed=%ld "
         "slowest_scrape=%.1fms  latency_us p50=%.0f p99=%.0f p99.9=%.0f max=%.0f\n",
         m, s.rate, metrics ? "on" : "off", s.scrape_ms, s.scrapes, s.scrape_fail,
         s.scrape_max_ms, lat[m / 2], lat[m * 99 / 100], lat[m * 999 / 1000], lat[m - 1]);
  char rm[200];
  snprintf(rm, sizeof rm, "%s/l.db", db);
  unlink(rm);
  strcat(rm, "-wal");
  unlink(rm);
  snprintf(rm, sizeof rm, "%s/l.db-shm", db);
  unlink(rm);
  rmdir(db);
  return m == s.n ? 0 : 1;
}

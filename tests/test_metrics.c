/*
** test_metrics.c: --metrics and export --format openmetrics against the real thing.
**   endpoint: a real corpus log watched through a pipe while /metrics is scraped over
**             loopback; the figures are checked against the log's own lines (counted and
**             read here, never taken from the program), the 0.0.4 text passes
**             `promtool check metrics`, the OpenMetrics text ends with # EOF.
**   prometheus: a real Prometheus (Debian's, from `make deps`) on 127.0.0.1 with a
**             temporary config and a free port scrapes the watched stream every second;
**             its HTTP API must return sum(gctrace_gc_cycles_total) = the log's gc lines
**             and the pause histogram's count the same; its metadata shows the unit that
**             only the OpenMetrics format carries (so it scraped OpenMetrics).
**   backfill: `export --format openmetrics` through `promtool tsdb create-blocks-from`,
**             then `promtool tsdb dump`: the last sample of each run's cycle counter is its
**             number of gc lines, and the timestamps are the log's own wall times.
**   misuse:   a malformed ADDR:PORT is a usage error; a port in use costs the watched
**             stream nothing; idle connections cannot stall the pass-through.
** Every process is started in its own process group and killed with it at the end; every
** wait is bounded. Only 127.0.0.1 is used.
*/
#include "testutil.h"

#include "limits.h"
#include "metrics.h"
#include "metrics_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>

static const char *LOG_03 = "03_pause_spikes/gctrace.log";
static const char *LOG_09A = "09a_kubectl_timestamps/kubectl_timestamps.log";

/* ---- time, files ------------------------------------------------------------------- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms) { poll(NULL, 0, ms); }

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *b = malloc((size_t)n + 1);
  assert_non_null(b);
  assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = '\0';
  fclose(f);
  if (len)
    *len = (size_t)n;
  return b;
}

/* What the log itself says: its "gc N @" lines (after an optional RFC 3339 prefix) and the
** live heap (the third figure of "A->B->C MB") of the last one. */
typedef struct log_facts {
  long gc_lines;
  long last_live_mb;
} log_facts;

static log_facts read_log(const char *path) {
  log_facts lf = {0, -1};
  char *b = slurp(path, NULL);
  for (char *line = b, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    char *p = line;
    if (p[0] >= '0' && p[0] <= '9' && strchr(p, ' ')) /* a kubectl --timestamps prefix */
      p = strchr(p, ' ') + 1;
    long n;
    char at;
    if (sscanf(p, "gc %ld %c", &n, &at) != 2 || at != '@')
      continue;
    lf.gc_lines++;
    char *a = strstr(p, "->");
    char *c = a ? strstr(a + 2, "->") : NULL;
    if (c)
      lf.last_live_mb = strtol(c + 2, NULL, 10);
  }
  free(b);
  return lf;
}

/* ---- processes -------------------------------------------------------------------- */

/* argv in a process group of its own; stdin from fd in (or /dev/null), stdout/stderr to
** files (NULL: /dev/null). */
static pid_t start(char *const argv[], int in, const char *out, const char *err) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  tu_spawnattr(&at); /* default signal dispositions, whatever the test inherited */
  short flags = 0;
  posix_spawnattr_getflags(&at, &flags);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnattr_setflags(&at, (short)(flags | POSIX_SPAWN_SETPGROUP));
  if (in >= 0)
    posix_spawn_file_actions_adddup2(&fa, in, 0);
  else
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err ? err : "/dev/null",
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  assert_int_equal(rc, 0);
  return pid;
}

/* Exit status within limit_s, else the group is killed and the test fails. */
static int finish(pid_t pid, double limit_s) {
  double end = now_s() + limit_s;
  int st;
  while (now_s() < end) {
    pid_t w = waitpid(pid, &st, WNOHANG);
    if (w == pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    sleep_ms(20);
  }
  kill(-pid, SIGKILL);
  waitpid(pid, &st, 0);
  fail_msg("process %d did not end within %.0f s", (int)pid, limit_s);
  return -1;
}

static void kill_group(pid_t pid) {
  int st;
  kill(-pid, SIGTERM);
  for (int i = 0; i < 100; i++) {
    if (waitpid(pid, &st, WNOHANG) == pid)
      return;
    sleep_ms(20);
  }
  kill(-pid, SIGKILL);
  waitpid(pid, &st, 0);
}

static int write_all(int fd, const char *b, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, b, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    b += w;
    n -= (size_t)w;
  }
  return 0;
}

/* ---- loopback HTTP ------------------------------------------------------------------- */

/* A port nobody listens on right now (the kernel's choice for an ephemeral bind). */
static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  close(fd);
  return ntohs(a.sin_port);
}

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

typedef struct http_resp {
  int status;
  char ctype[200];
  char *body; /* NUL-terminated */
  size_t len;
} http_resp;

static void resp_free(http_resp *r) {
  free(r->body);
  memset(r, 0, sizeof *r);
}

/* One request (HTTP/1.0, the connection closes after it); 0 on a complete response. */
static int http(int port, const char *method, const char *path, const char *accept,
                http_resp *r) {
  memset(r, 0, sizeof *r);
  int fd = connect_to(port);
  if (fd < 0)
    return -1;
  char req[2048];
  int n = snprintf(req, sizeof req, "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s%s%s\r\n", method,
                   path, accept ? "Accept: " : "", accept ? accept : "", accept ? "\r\n" : "");
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  assert_non_null(buf);
  int ok = write_all(fd, req, (size_t)n) == 0;
  double end = now_s() + 10;
  while (ok && now_s() < end) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0)
      continue;
    if (len + 1 >= cap)
      assert_non_null(buf = realloc(buf, cap *= 2));
    ssize_t got = read(fd, buf + len, cap - len - 1);
    if (got <= 0)
      break;
    len += (size_t)got;
  }
  close(fd);
  buf[len] = '\0';
  char *body = strstr(buf, "\r\n\r\n");
  if (!ok || !body || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1) {
    free(buf);
    return -1;
  }
  *body = '\0';
  char *ct = strcasestr(buf, "\r\nContent-Type: ");
  if (ct)
    snprintf(r->ctype, sizeof r->ctype, "%.*s", (int)strcspn(ct + 16, "\r"), ct + 16);
  r->len = len - (size_t)(body + 4 - buf);
  r->body = malloc(r->len + 1);
  memcpy(r->body, body + 4, r->len + 1);
  free(buf);
  return 0;
}

/* The value of the sample line that starts with `series ` in an exposition, or -1. */
static double sample_value(const char *text, const char *series) {
  size_t n = strlen(series);
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (strncmp(p, series, n) == 0 && p[n] == ' ')
      return strtod(p + n + 1, NULL);
  return -1;
}

/* Scrape until series has value want (or the time is up); returns the last value seen. */
static double scrape_until(int port, const char *series, double want, double limit_s) {
  double v = -1, end = now_s() + limit_s;
  while (now_s() < end) {
    http_resp r;
    if (http(port, "GET", "/metrics", NULL, &r) == 0 && r.status == 200)
      v = sample_value(r.body, series);
    resp_free(&r);
    if (v == want)
      break;
    sleep_ms(100);
  }
  return v;
}

/* ---- a watched stream ------------------------------------------------------------------ */

typedef struct watched {
  pid_t pid;
  int in;          /* our end of its stdin */
  int port;
  char db[300], out[300], err[300];
} watched;

/* gctrace-watch --metrics 127.0.0.1:PORT reading a pipe; extra: more options or NULL. */
static void watch_start(watched *w, const char *extra) {
  int pp[2];
  assert_int_equal(pipe2(pp, O_CLOEXEC), 0);
  w->in = pp[1];
  w->port = free_port();
  tu_tmp(w->db, sizeof w->db, "m.db");
  tu_tmp(w->out, sizeof w->out, "m.out");
  tu_tmp(w->err, sizeof w->err, "m.err");
  char addr[64];
  snprintf(addr, sizeof addr, "127.0.0.1:%d", w->port);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", w->db, "--metrics", addr,
                  (char *)extra, NULL};
  w->pid = start(argv, pp[0], w->out, w->err);
  close(pp[0]);
  /* the endpoint is up before anything is read: wait until it answers */
  http_resp r;
  double end = now_s() + 10;
  while (http(w->port, "GET", "/metrics", NULL, &r) != 0 && now_s() < end)
    sleep_ms(20);
  assert_int_equal(r.status, 200);
  resp_free(&r);
}

static void watch_feed(watched *w, const char *path) {
  size_t n;
  char *b = slurp(path, &n);
  assert_int_equal(write_all(w->in, b, n), 0);
  free(b);
}

static void watch_end(watched *w, const char *input_path) {
  close(w->in);
  assert_int_equal(finish(w->pid, 30), 0);
  if (input_path) { /* the stream came out byte for byte */
    size_t a, b;
    char *in = slurp(input_path, &a), *out = slurp(w->out, &b);
    assert_int_equal(a, b);
    assert_memory_equal(in, out, a);
    free(in);
    free(out);
  }
  tu_rm_db(w->db);
  unlink(w->out);
  unlink(w->err);
}

/* ---- pure parts: addresses, negotiation, labels ---------------------------------------- */

static void test_addresses(void **state) {
  (void)state;
  struct sockaddr_storage sa;
  socklen_t len;
  char msg[200];
  assert_int_equal(gcw_metrics_addr_parse("127.0.0.1:9100", &sa, &len, msg, sizeof msg), GCW_OK);
  assert_int_equal(sa.ss_family, AF_INET);
  assert_int_equal(ntohs(((struct sockaddr_in *)&sa)->sin_port), 9100);
  assert_int_equal(gcw_metrics_addr_parse("[::1]:65535", &sa, &len, msg, sizeof msg), GCW_OK);
  assert_int_equal(sa.ss_family, AF_INET6);
  assert_int_equal(ntohs(((struct sockaddr_in6 *)&sa)->sin6_port), 65535);
  assert_int_equal(gcw_metrics_addr_parse("0.0.0.0:1", &sa, &len, msg, sizeof msg), GCW_OK);
  static const char *const bad[] = {"localhost:9100", "127.0.0.1",     "127.0.0.1:0",
                                    "127.0.0.1:65536", ":9100",        "[::1:9100",
                                    "::1:9100",        "127.0.0.1:+80", "127.0.0.1:80x",
                                    "[]:80",           "1.2.3:80",      ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    msg[0] = '\0';
    assert_int_equal(gcw_metrics_addr_parse(bad[i], &sa, &len, msg, sizeof msg), GCW_EUSAGE);
    assert_non_null(strstr(msg, "--metrics takes ADDR:PORT"));
  }
}

static void test_negotiation(void **state) {
  (void)state;
  /* what Prometheus 2.42 sends */
  assert_int_equal(gcw_metrics_negotiate("application/openmetrics-text;version=1.0.0,application/"
                                         "openmetrics-text;version=0.0.1;q=0.75,text/plain;"
                                         "version=0.0.4;q=0.5,*/*;q=0.1"),
                   GCW_OM_OPENMETRICS);
  assert_int_equal(gcw_metrics_negotiate("text/plain; version=0.0.4"), GCW_OM_TEXT004);
  assert_int_equal(gcw_metrics_negotiate("text/plain"), GCW_OM_TEXT004);
  assert_int_equal(gcw_metrics_negotiate(NULL), GCW_OM_OPENMETRICS);
  assert_int_equal(gcw_metrics_negotiate("*/*"), GCW_OM_OPENMETRICS);
  assert_string_equal(gcw_metrics_content_type(GCW_OM_OPENMETRICS),
                      "application/openmetrics-text; version=1.0.0; charset=utf-8");
  assert_string_equal(gcw_metrics_content_type(GCW_OM_TEXT004),
                      "text/plain; version=0.0.4; charset=utf-8");
}

static void test_labels(void **state) {
  (void)state;
  char msg[300];
  gcw_metrics *m = NULL;
  const char *ok[] = {"app=web", "env=a \"quoted\" \\ value"};
  assert_int_equal(gcw_metrics_new(&m, ok, 2, msg, sizeof msg), GCW_OK);
  gcw_metrics_run_open(m, 7, 0);
  gcw_metrics_publish(m);
  gcw_metrics_text t = {0};
  assert_int_equal(gcw_metrics_scrape(m, GCW_OM_OPENMETRICS, &t), GCW_OK);
  assert_non_null(strstr(t.buf, "gctrace_gc_cycles_total{app=\"web\",env=\"a \\\"quoted\\\" "
                                "\\\\ value\",run=\"7\"} 0\n"));
  assert_non_null(strstr(t.buf, "gctrace_store_up{app=\"web\",env=\"a \\\"quoted\\\" \\\\ value\"} 1\n"));
  gcw_metrics_text_free(&t);
  gcw_metrics_free(&m);
  assert_null(m);
  static const char *const bad[] = {"run=1", "__name__=x", "1a=b", "no_value", "a-b=c", "le=1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(gcw_metrics_new(&m, &bad[i], 1, msg, sizeof msg), GCW_EUSAGE);
    assert_null(m);
    assert_non_null(strstr(msg, bad[i]));
  }
  const char *dup[] = {"app=a", "app=b"};
  assert_int_equal(gcw_metrics_new(&m, dup, 2, msg, sizeof msg), GCW_EUSAGE);
  char big[GCW_METRICS_LABELS_MAX + 8] = "app=";
  memset(big + 4, 'x', sizeof big - 5);
  big[sizeof big - 1] = '\0';
  const char *too_long[] = {big};
  assert_int_equal(gcw_metrics_new(&m, too_long, 1, msg, sizeof msg), GCW_EUSAGE);
  assert_null(m);
  assert_non_null(strstr(msg, "at most"));
}

/* Runs: an ended run stays until a new run opens; a run's series are its own. */
static void test_run_lifecycle(void **state) {
  (void)state;
  char msg[100];
  gcw_metrics *m = NULL;
  assert_int_equal(gcw_metrics_new(&m, NULL, 0, msg, sizeof msg), GCW_OK);
  gcw_event ev;
  memset(&ev, 0, sizeof ev);
  ev.family = GCW_FAM_GC; /* a cycle with no figures: counted, nothing else */
  gcw_metrics_run_open(m, 1, 1);
  gcw_metrics_run_open(m, 2, 1);
  gcw_metrics_event(m, 1, &ev, 1);
  gcw_metrics_event(m, 2, &ev, 1);
  gcw_metrics_event(m, 2, &ev, 1);
  gcw_metrics_run_end(m, 1);
  gcw_metrics_publish(m);
  gcw_metrics_text t = {0};
  assert_int_equal(gcw_metrics_scrape(m, GCW_OM_TEXT004, &t), GCW_OK);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"1\"}") == 1);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"2\"}") == 2);
  assert_true(sample_value(t.buf, "gctrace_lines_total{family=\"gc\"}") == 3);
  gcw_metrics_text_free(&t);
  gcw_metrics_run_open(m, 3, 2); /* replaces the ended run 1, not the live run 2 */
  gcw_metrics_publish(m);
  assert_int_equal(gcw_metrics_scrape(m, GCW_OM_TEXT004, &t), GCW_OK);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"1\"}") == -1);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"2\"}") == 2);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"3\"}") == 0);
  gcw_metrics_text_free(&t);
  /* run 2 silent for longer than GCW_METRICS_STALE_S: the next new run replaces it */
  gcw_metrics_run_open(m, 4, 2 + GCW_METRICS_STALE_S + 1);
  gcw_metrics_publish(m);
  assert_int_equal(gcw_metrics_scrape(m, GCW_OM_TEXT004, &t), GCW_OK);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"2\"}") == -1);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"4\"}") == 0);
  gcw_metrics_text_free(&t);
  /* every slot holds a live run: the least recently active one makes room */
  gcw_metrics_reset_runs(m);
  for (int id = 1; id <= GCW_METRICS_RUNS; id++)
    gcw_metrics_run_open(m, id, 10);
  for (int id = 1; id <= GCW_METRICS_RUNS; id++)
    if (id != 5)
      gcw_metrics_event(m, id, &ev, 10);
  gcw_metrics_run_open(m, 1000, 11);
  gcw_metrics_publish(m);
  assert_int_equal(gcw_metrics_scrape(m, GCW_OM_TEXT004, &t), GCW_OK);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"5\"}") == -1);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"1\"}") == 1);
  assert_true(sample_value(t.buf, "gctrace_gc_cycles_total{run=\"1000\"}") == 0);
  gcw_metrics_text_free(&t);
  gcw_metrics_free(&m);
}

/* ---- the endpoint on a watched real log ------------------------------------------------ */

static int promtool_check(const char *text_file, char *out_file) {
  char *argv[] = {"promtool", "check", "metrics", NULL};
  return tu_run(argv, text_file, out_file, out_file);
}

static void test_endpoint_watch(void **state) {
  (void)state;
  char log[600], f[300], chk[300];
  tu_corpus(log, sizeof log, LOG_03);
  log_facts lf = read_log(log);
  assert_int_equal(lf.gc_lines, 251); /* MANIFEST.md: 251 gc lines */
  watched w;
  watch_start(&w, NULL);
  watch_feed(&w, log);
  char want[64];
  snprintf(want, sizeof want, "gctrace_gc_cycles_total{run=\"1\"}");
  assert_true(scrape_until(w.port, want, (double)lf.gc_lines, 15) == (double)lf.gc_lines);

  /* OpenMetrics by default */
  http_resp r;
  assert_int_equal(http(w.port, "GET", "/metrics", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.ctype, "application/openmetrics-text; version=1.0.0; charset=utf-8");
  assert_true(r.len > 6 && strcmp(r.body + r.len - 6, "# EOF\n") == 0);
  assert_non_null(strstr(r.body, "# TYPE gctrace_gc_cycles counter\n"));
  assert_non_null(strstr(r.body, "# UNIT gctrace_gc_pause_seconds seconds\n"));
  assert_true(sample_value(r.body, "gctrace_gc_pause_seconds_count{run=\"1\"}") == lf.gc_lines);
  assert_true(sample_value(r.body, "gctrace_gc_pause_seconds_bucket{run=\"1\",le=\"+Inf\"}") ==
              lf.gc_lines);
  assert_true(sample_value(r.body, "gctrace_heap_live_bytes{run=\"1\"}") ==
              (double)lf.last_live_mb * 1048576.0);
  assert_true(sample_value(r.body, "gctrace_lines_total{family=\"gc\"}") == lf.gc_lines);
  /* MANIFEST.md: STW spikes of 42, 85, 69 and 97 ms; the detector opens pause_spike */
  assert_true(sample_value(r.body, "gctrace_gc_pause_seconds_bucket{run=\"1\",le=\"0.025\"}") ==
              lf.gc_lines - 4);
  assert_true(sample_value(r.body, "gctrace_findings_total{run=\"1\",kind=\"pause_spike\","
                                   "severity=\"warn\"}") >= 1);
  resp_free(&r);

  /* the 0.0.4 text format when asked for, and promtool finds nothing to complain about */
  assert_int_equal(http(w.port, "GET", "/metrics", "text/plain; version=0.0.4", &r), 0);
  assert_string_equal(r.ctype, "text/plain; version=0.0.4; charset=utf-8");
  assert_null(strstr(r.body, "# EOF"));
  assert_non_null(strstr(r.body, "# TYPE gctrace_gc_cycles_total counter\n"));
  tu_tmp(f, sizeof f, "m.txt");
  tu_tmp(chk, sizeof chk, "m.chk");
  FILE *o = fopen(f, "w");
  fwrite(r.body, 1, r.len, o);
  fclose(o);
  resp_free(&r);
  int rc = promtool_check(f, chk);
  size_t clen;
  char *said = slurp(chk, &clen);
  if (rc != 0 || clen != 0)
    fail_msg("promtool check metrics: status %d: %s", rc, said);
  free(said);
  unlink(f);
  unlink(chk);

  /* anything else */
  assert_int_equal(http(w.port, "GET", "/", NULL, &r), 0);
  assert_int_equal(r.status, 404);
  resp_free(&r);
  assert_int_equal(http(w.port, "POST", "/metrics", NULL, &r), 0);
  assert_int_equal(r.status, 405);
  resp_free(&r);
  assert_int_equal(http(w.port, "HEAD", "/metrics", NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.len, 0);
  resp_free(&r);
  watch_end(&w, log);
}

/* Connections that never send a request hold every slot: the stream still flows at once,
** and once they are gone the endpoint answers again. */
/* analyze --follow serves the same metrics (the DaemonSet of docs/fleet.md): every cycle of
** a followed file is counted; SIGTERM ends it with status 0. */
static void test_follow_metrics(void **state) {
  (void)state;
  char log[600], copy[300], db[300];
  tu_corpus(log, sizeof log, LOG_03);
  log_facts lf = read_log(log);
  tu_tmp(copy, sizeof copy, "follow.log");
  size_t n = 0;
  char *text = slurp(log, &n);
  assert_non_null(text);
  FILE *f = fopen(copy, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, n, f), n);
  fclose(f);
  free(text);
  tu_tmp(db, sizeof db, "follow.db");
  int port = free_port();
  char addr[64];
  snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
  char *argv[] = {(char *)tu_bin(), "analyze", "--follow", "--quiet", "--db", db,
                  "--metrics", addr, copy, NULL};
  pid_t pid = start(argv, -1, NULL, NULL);
  double got = scrape_until(port, "gctrace_gc_cycles_total{run=\"1\"}", (double)lf.gc_lines, 20);
  kill(-pid, SIGTERM);
  int st = finish(pid, 20);
  assert_true(got == (double)lf.gc_lines);
  assert_int_equal(st, 0);
  /* a bad address is fatal here (no program's output waits on us) */
  char *bad[] = {(char *)tu_bin(), "analyze", "--follow", "--db", db, "--metrics", "nohost",
                 copy, NULL};
  pid = start(bad, -1, NULL, NULL);
  assert_int_equal(finish(pid, 20), 2);
  unlink(copy);
  tu_rm_db(db);
}

static void test_idle_clients_cost_nothing(void **state) {
  (void)state;
  enum { HOGS = GCW_METRICS_CONNECTIONS * 4 };
  char log[600];
  tu_corpus(log, sizeof log, LOG_03);
  log_facts lf = read_log(log);
  watched w;
  watch_start(&w, NULL);
  int hog[HOGS];
  for (int i = 0; i < HOGS; i++) {
    hog[i] = connect_to(w.port); /* the kernel's backlog takes those over the limit */
    if (hog[i] >= 0 && i % 2)
      write_all(hog[i], "GET /metr", 9); /* half a request line, never finished */
  }
  double t0 = now_s();
  watch_feed(&w, log);
  size_t want = 0;
  free(slurp(log, &want));
  struct stat st;
  while (now_s() - t0 < 5 && (stat(w.out, &st) != 0 || (size_t)st.st_size < want))
    sleep_ms(10);
  assert_true(stat(w.out, &st) == 0 && (size_t)st.st_size == want);
  double took = now_s() - t0;
  if (took > 2)
    fail_msg("pass-through took %.2f s with idle clients holding the endpoint", took);
  for (int i = 0; i < HOGS; i++)
    if (hog[i] >= 0)
      close(hog[i]);
  assert_true(scrape_until(w.port, "gctrace_gc_cycles_total{run=\"1\"}", (double)lf.gc_lines,
                           15) == (double)lf.gc_lines);
  watch_end(&w, log);
}

/* [::1]:PORT binds IPv6 loopback only: the same port on 127.0.0.1 is not ours. */
static void test_ipv6_exact_bind(void **state) {
  (void)state;
  int port = free_port();
  char addr[64], db[300];
  snprintf(addr, sizeof addr, "[::1]:%d", port);
  tu_tmp(db, sizeof db, "v6.db");
  int pp[2];
  assert_int_equal(pipe2(pp, O_CLOEXEC), 0);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, "--metrics", addr, NULL};
  pid_t pid = start(argv, pp[0], NULL, NULL);
  close(pp[0]);
  int v6 = -1;
  for (int i = 0; i < 250 && v6 < 0; i++) {
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
                             .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
      v6 = fd;
    else {
      close(fd);
      sleep_ms(20);
    }
  }
  int v4 = connect_to(port);
  close(pp[1]);
  assert_int_equal(finish(pid, 30), 0);
  assert_true(v6 >= 0);
  assert_int_equal(v4, -1);
  close(v6);
  tu_rm_db(db);
}

static void test_bad_address_is_usage_error(void **state) {
  (void)state;
  char err[300];
  tu_tmp(err, sizeof err, "m.err");
  char *argv[] = {(char *)tu_bin(), "--db", ":memory:", "--metrics", "localhost:9100", NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, err), GCW_EXIT_USAGE);
  size_t n;
  char *said = slurp(err, &n);
  assert_non_null(strstr(said, "--metrics takes ADDR:PORT"));
  assert_int_equal(strchr(said, '\n') - said + 1, (long)n); /* one line */
  free(said);
  unlink(err);
}

/* Port in use: one line on stderr, and the stream still passes through and is stored. */
static void test_port_in_use(void **state) {
  (void)state;
  char log[600], out[300], err[300], db[300], addr[64];
  tu_corpus(log, sizeof log, LOG_03);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(fd, 1), 0);
  getsockname(fd, (struct sockaddr *)&a, &len);
  snprintf(addr, sizeof addr, "127.0.0.1:%d", ntohs(a.sin_port));
  tu_tmp(out, sizeof out, "m.out");
  tu_tmp(err, sizeof err, "m.err");
  tu_tmp(db, sizeof db, "m.db");
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, "--metrics", addr, NULL};
  assert_int_equal(tu_run(argv, log, out, err), 0);
  close(fd);
  size_t a_len, b_len, e_len;
  char *in = slurp(log, &a_len), *got = slurp(out, &b_len), *said = slurp(err, &e_len);
  assert_int_equal(a_len, b_len);
  assert_memory_equal(in, got, a_len);
  assert_non_null(strstr(said, "cannot listen: Address already in use; going on without metrics"));
  assert_int_equal(strchr(said, '\n') - said + 1, (long)e_len);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), read_log(log).gc_lines);
  free(in);
  free(got);
  free(said);
  unlink(out);
  unlink(err);
  tu_rm_db(db);
}

/* Child mode serves the same: PROG (here a shell that writes a real log to its stderr and
** stays a while) is watched, its stderr passes through, /metrics counts its cycles. */
static void test_child_mode(void **state) {
  (void)state;
  char log[600], db[300], err[300], addr[64], script[800];
  tu_corpus(log, sizeof log, LOG_09A);
  log_facts lf = read_log(log);
  assert_int_equal(lf.gc_lines, 60); /* MANIFEST.md */
  int port = free_port();
  snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
  tu_tmp(db, sizeof db, "c.db");
  tu_tmp(err, sizeof err, "c.err");
  snprintf(script, sizeof script, "cat '%s' >&2; sleep 30", log);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, "--metrics", addr,
                  "--input-format", "timestamp", "--", "sh", "-c", script, NULL};
  pid_t pid = start(argv, -1, NULL, err);
  double v = scrape_until(port, "gctrace_gc_cycles_total{run=\"1\"}", (double)lf.gc_lines, 15);
  kill_group(pid);
  assert_true(v == (double)lf.gc_lines);
  size_t a, b;
  char *in = slurp(log, &a), *got = slurp(err, &b);
  assert_int_equal(a, b);
  assert_memory_equal(in, got, a);
  free(in);
  free(got);
  unlink(err);
  tu_rm_db(db);
}

/* The database stops taking rows (the test holds its write lock): the failure shows in
** /metrics (gctrace_store_up 0, rows waiting in memory or dropped) while PROG's stderr still
** passes through; once the lock is released the waiting rows are written (up 1, none
** waiting, none dropped) and the database holds every cycle of both logs. */
static void test_store_failure_is_visible(void **state) {
  (void)state;
  char log1[600], log2[600], db[300], err[300], addr[64], script[2200];
  tu_corpus(log1, sizeof log1, LOG_09A);
  tu_corpus(log2, sizeof log2, LOG_03);
  int port = free_port();
  snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
  tu_tmp(db, sizeof db, "f.db");
  tu_tmp(err, sizeof err, "f.err");
  /* the second log comes once the test holds the lock (it waits for a file to appear) */
  char go[320];
  tu_tmp(go, sizeof go, "f.go");
  snprintf(script, sizeof script,
           "cat '%s' >&2; while [ ! -e '%s' ]; do sleep 0.05; done; cat '%s' >&2; sleep 30",
           log1, go, log2);
  char *argv[] = {(char *)tu_bin(), "--quiet", "--db", db, "--metrics", addr, "--", "sh", "-c",
                  script, NULL};
  pid_t pid = start(argv, -1, NULL, err);
  double first = scrape_until(port, "gctrace_gc_cycles_total{run=\"1\"}",
                              (double)read_log(log1).gc_lines, 15);
  sqlite3 *h;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  sqlite3_busy_timeout(h, 5000);
  int locked = sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
  FILE *g = fopen(go, "w");
  fclose(g);
  /* our writes wait out the store's busy timeout (5 s), then the store fails */
  double up = -1, end = now_s() + 20;
  while (now_s() < end && up != 0) {
    http_resp r;
    if (http(port, "GET", "/metrics", NULL, &r) == 0 && r.status == 200)
      up = sample_value(r.body, "gctrace_store_up");
    double dropped = up == 0 ? sample_value(r.body, "gctrace_store_dropped_rows_total") : -1;
    double waiting = up == 0 ? sample_value(r.body, "gctrace_store_waiting_rows") : -1;
    resp_free(&r);
    if (up == 0)
      assert_true(dropped + waiting >= 1);
    sleep_ms(100);
  }
  sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(h);
  /* the lock is gone: the store writes what waited (it retries on its own) */
  double back = -1, waiting = -1, dropped = -1, second = -1;
  end = now_s() + 20;
  while (now_s() < end && !(back == 1 && waiting == 0 && second >= 0)) {
    http_resp r;
    if (http(port, "GET", "/metrics", NULL, &r) == 0 && r.status == 200) {
      back = sample_value(r.body, "gctrace_store_up");
      waiting = sample_value(r.body, "gctrace_store_waiting_rows");
      dropped = sample_value(r.body, "gctrace_store_dropped_rows_total");
      /* the run opened while the lock was held: labelled with its stored id once written */
      second = sample_value(r.body, "gctrace_gc_cycles_total{run=\"2\"}");
    }
    resp_free(&r);
    sleep_ms(100);
  }
  kill_group(pid);
  assert_true(first == (double)read_log(log1).gc_lines);
  assert_true(locked);
  assert_true(up == 0);
  assert_true(back == 1);
  assert_true(waiting == 0);
  assert_true(dropped == 0);
  assert_true(second == (double)read_log(log2).gc_lines);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles WHERE run_id = 2"),
                   read_log(log2).gc_lines);
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"),
                   read_log(log1).gc_lines + read_log(log2).gc_lines);
  /* PROG's stderr: both logs, byte for byte, the failure notwithstanding (our own line about
  ** the database comes after the first log and is not PROG's) */
  size_t a, b, n;
  char *in1 = slurp(log1, &a), *in2 = slurp(log2, &b), *got = slurp(err, &n);
  assert_true(n > a + b);
  assert_memory_equal(got, in1, a);
  assert_non_null(memmem(got, n, in2, b));
  free(in1);
  free(in2);
  free(got);
  unlink(err);
  unlink(go);
  tu_rm_db(db);
}

/* ---- a real Prometheus ------------------------------------------------------------------- */

/* The value of an instant query's first result, or -1 (no result yet, or no answer). */
static double prom_query(int port, const char *query_urlenc) {
  char path[600];
  http_resp r;
  double v = -1;
  snprintf(path, sizeof path, "/api/v1/query?query=%s", query_urlenc);
  if (http(port, "GET", path, NULL, &r) == 0 && r.status == 200) {
    char *p = strstr(r.body, "\"value\":[");
    p = p ? strchr(p, ',') : NULL;
    if (p && p[1] == '"')
      v = strtod(p + 2, NULL);
  }
  resp_free(&r);
  return v;
}

static void test_prometheus_scrapes(void **state) {
  (void)state;
  char log[600], dir[300], cfg[400], data[400], perr[400], listen[64], cfgarg[500], dataarg[500];
  tu_corpus(log, sizeof log, LOG_03);
  log_facts lf = read_log(log);
  watched w;
  watch_start(&w, NULL);
  tu_tmp(dir, sizeof dir, "prom");
  assert_int_equal(mkdir(dir, 0700), 0);
  snprintf(cfg, sizeof cfg, "%s/prometheus.yml", dir);
  snprintf(data, sizeof data, "%s/data", dir);
  snprintf(perr, sizeof perr, "%s/prometheus.log", dir);
  FILE *f = fopen(cfg, "w");
  fprintf(f,
          "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
          "scrape_configs:\n  - job_name: gctrace\n    static_configs:\n"
          "      - targets: ['127.0.0.1:%d']\n",
          w.port);
  fclose(f);
  int pport = free_port();
  snprintf(listen, sizeof listen, "--web.listen-address=127.0.0.1:%d", pport);
  snprintf(cfgarg, sizeof cfgarg, "--config.file=%s", cfg);
  snprintf(dataarg, sizeof dataarg, "--storage.tsdb.path=%s", data);
  char *argv[] = {"prometheus", cfgarg, dataarg, listen, NULL};
  pid_t prom = start(argv, -1, NULL, perr);
  watch_feed(&w, log);
  double cycles = -1, pauses = -1, end = now_s() + 40;
  while (now_s() < end && (cycles != lf.gc_lines || pauses != lf.gc_lines)) {
    sleep_ms(500);
    cycles = prom_query(pport, "sum(gctrace_gc_cycles_total)");
    pauses = prom_query(pport, "sum(gctrace_gc_pause_seconds_count)");
  }
  /* and Prometheus saw the target up */
  double up = prom_query(pport, "up%7Bjob%3D%22gctrace%22%7D");
  /* the scrape was OpenMetrics: a unit only comes from its # UNIT lines */
  http_resp meta;
  int om = http(pport, "GET", "/api/v1/metadata?metric=gctrace_gc_pause_seconds", NULL,
                &meta) == 0 &&
           meta.status == 200 && strstr(meta.body, "\"unit\":\"seconds\"") != NULL;
  resp_free(&meta);
  kill_group(prom);
  watch_end(&w, log);
  if (cycles != lf.gc_lines) {
    char *said = slurp(perr, NULL);
    fail_msg("Prometheus: sum(gctrace_gc_cycles_total) = %g, the log has %ld gc lines\n%s",
             cycles, lf.gc_lines, said);
  }
  assert_true(pauses == lf.gc_lines);
  assert_true(up == 1);
  assert_true(om);
  char *rm[] = {"rm", "-rf", dir, NULL};
  assert_int_equal(tu_run(rm, NULL, NULL, NULL), 0);
}

/* ---- backfill ------------------------------------------------------------------------------- */

/* The last value and timestamp (ms) of a series in `promtool tsdb dump` output. */
static int dump_last(const char *dump, const char *series, double *v, long long *ts,
                     long long *first_ts) {
  int n = 0;
  size_t sl = strlen(series);
  for (const char *p = dump; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (strncmp(p, series, sl) == 0 && p[sl] == ' ') {
      char *e;
      *v = strtod(p + sl + 1, &e);
      *ts = strtoll(e, NULL, 10);
      if (n++ == 0)
        *first_ts = *ts;
    }
  return n;
}

/* Unix ms of "YYYY-MM-DDThh:mm:ss.mmm" (digits after the milliseconds are cut). */
static long long iso_ms(const char *s) {
  struct tm tm;
  int ms;
  memset(&tm, 0, sizeof tm);
  assert_int_equal(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                          &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms),
                   7);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return (long long)timegm(&tm) * 1000 + ms;
}

static void test_backfill(void **state) {
  (void)state;
  char l03[600], l09[600], db[300], om[300], blocks[300], dump[300], wal[400];
  tu_corpus(l03, sizeof l03, LOG_03);
  tu_corpus(l09, sizeof l09, LOG_09A);
  tu_tmp(db, sizeof db, "b.db");
  tu_tmp(om, sizeof om, "b.om");
  tu_tmp(blocks, sizeof blocks, "blocks");
  tu_tmp(dump, sizeof dump, "b.dump");
  char *a1[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, l03, NULL};
  char *a2[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, l09, NULL};
  assert_int_equal(tu_run(a1, NULL, NULL, NULL), 0);
  assert_int_equal(tu_run(a2, NULL, NULL, NULL), 0);
  char *ex[] = {(char *)tu_bin(), "export", "--db", db, "--format", "openmetrics", NULL};
  assert_int_equal(tu_run(ex, NULL, om, NULL), 0);
  char *cb[] = {"promtool", "tsdb", "create-blocks-from", "openmetrics", om, blocks, NULL};
  assert_int_equal(tu_run(cb, NULL, NULL, NULL), 0);
  snprintf(wal, sizeof wal, "%s/wal", blocks); /* dump opens a TSDB, which wants one */
  assert_int_equal(mkdir(wal, 0700), 0);
  char *du[] = {"promtool", "tsdb", "dump", blocks, NULL};
  assert_int_equal(tu_run(du, NULL, dump, NULL), 0);
  char *text = slurp(dump, NULL);
  double v;
  long long ts, first;
  /* run 1: the plain log (no wall time): its last cycle at the time it was read */
  assert_true(dump_last(text, "{__name__=\"gctrace_gc_cycles_total\", run=\"1\"}", &v, &ts,
                        &first) > 0);
  assert_true(v == read_log(l03).gc_lines);
  char added[64];
  tu_db_text(db, "SELECT added_at FROM sources WHERE id = 1", added, sizeof added);
  assert_true(ts == iso_ms(added));
  assert_true(dump_last(text, "{__name__=\"gctrace_gc_pause_seconds_count\", run=\"1\"}", &v,
                        &ts, &first) > 0);
  assert_true(v == read_log(l03).gc_lines);
  /* run 2: the kubectl --timestamps log: its first sample at its first gc line's time */
  assert_true(dump_last(text, "{__name__=\"gctrace_gc_cycles_total\", run=\"2\"}", &v, &ts,
                        &first) > 0);
  assert_true(v == read_log(l09).gc_lines);
  char *log = slurp(l09, NULL);
  char *gc1 = strstr(log, "Z gc 1 @");
  assert_non_null(gc1);
  while (gc1 > log && gc1[-1] != '\n')
    gc1--;
  assert_true(first == iso_ms(gc1));
  free(log);
  free(text);
  char *rm[] = {"rm", "-rf", blocks, NULL};
  assert_int_equal(tu_run(rm, NULL, NULL, NULL), 0);
  unlink(om);
  unlink(dump);
  tu_rm_db(db);
}

/* ---- the alert rules ----------------------------------------------------------------------- */

static void test_alert_rules(void **state) {
  (void)state;
  char rules[600], tests[600];
  tu_root(rules, sizeof rules, "docs/alerts.yml");
  tu_root(tests, sizeof tests, "docs/alerts_test.yml");
  char *check[] = {"promtool", "check", "rules", rules, NULL};
  assert_int_equal(tu_run(check, NULL, NULL, NULL), 0);
  char *unit[] = {"promtool", "test", "rules", tests, NULL};
  assert_int_equal(tu_run(unit, NULL, NULL, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_addresses),
      cmocka_unit_test(test_negotiation),
      cmocka_unit_test(test_labels),
      cmocka_unit_test(test_run_lifecycle),
      cmocka_unit_test(test_endpoint_watch),
      cmocka_unit_test(test_idle_clients_cost_nothing),
      cmocka_unit_test(test_follow_metrics),
      cmocka_unit_test(test_ipv6_exact_bind),
      cmocka_unit_test(test_bad_address_is_usage_error),
      cmocka_unit_test(test_port_in_use),
      cmocka_unit_test(test_child_mode),
      cmocka_unit_test(test_store_failure_is_visible),
      cmocka_unit_test(test_prometheus_scrapes),
      cmocka_unit_test(test_backfill),
      cmocka_unit_test(test_alert_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

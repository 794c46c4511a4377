/*
** plot.c: draw one run with gnuplot. See plot.h for the contract.
**
** One call: check the request (kind, size, output) -> measure the run with SQL (counts,
** x range, p99 and max pause: over every row) -> start gnuplot -> stream the datablocks
** ($gc and $win in one pass over the cycles, then $scav, $scvg, $find) -> the drawing
** commands -> close gnuplot's stdin, wait, judge its exit status and stderr.
**
** Windowed GC CPU estimate ($win). The run's time span is cut into windows of W seconds,
** W = the smallest 1, 2 or 5 x 10^k seconds that is at least span/60 and at least four
** mean intervals between cycles (at most ~60 windows, ~4 cycles in each on average). A
** cycle counts in the window where it starts, its CPU divided by its own GOMAXPROCS:
**
**   GC CPU % = 100 * sum over the window's cycles of
**              (cpu_sweep_term_ms + cpu_assist_ms + cpu_bg_ms + cpu_mark_term_ms) / procs
**              / (W * 1000)
**
** which is what the runtime adds to its cumulative figure (cpu_pct) per cycle, over a
** window instead of since the start. Idle mark CPU runs on Ps that had nothing else to
** do; like the runtime we leave it out of the estimate and draw it on top of it.
** cycles/s = cycles started in the window / W. The last window may be cut short by the
** end of the run and then reads low.
**
** Decimation. A block of more than GCW_PLOT_MAX_POINTS rows is drawn as GCW_PLOT_BUCKETS
** equal time buckets over the run's x range, each written as its centre and the min and
** the max of every column (a band from min to max: what a line through every point
** would cover at that width, spikes included). Empty buckets are left out.
*/
#include "plot.h"

#include "err.h"
#include "store_read.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Bytes of script gathered before a write to gnuplot (or to the stream). */
enum { SINK_BUF = 64 * 1024 };
/* Finding kinds labelled on the time axis (more are counted in the key). */
enum { MAX_MARKS = 8 };
/* Windows of $win: W is chosen so that the span holds at most about this many. */
enum { MAX_WINDOWS = 60 };

/* ---------------------------------------------------------------- what can be drawn */

enum panel { P_HEAP, P_PAUSE, P_INTERVAL, P_CPU, P_SCAV, NPANELS };

static const struct {
  const char *name;
  unsigned panels;
} kinds[] = {
    {"heap", 1u << P_HEAP},          {"pause", 1u << P_PAUSE},
    {"interval", 1u << P_INTERVAL}, {"cpu", 1u << P_CPU},
    {"scavenger", 1u << P_SCAV},     {"all", (1u << NPANELS) - 1},
};
enum { NKINDS = sizeof kinds / sizeof kinds[0] };

/* Relative heights of the panels of the dashboard: the heap is the headline. */
static const int panel_weight[NPANELS] = {2, 1, 1, 1, 1};

enum term { T_PNG, T_SVG, T_PDF, T_DUMB };

static const char *const block_name[GCW_PLOT_NBLOCKS] = {"$gc", "$win", "$scav", "$scvg",
                                                         "$find"};

/* The columns after x of each block, in order. */
enum { G_LIVE, G_START, G_GOAL, G_END, G_PAUSE, G_FORCED, G_CPU, G_INTERVAL, G_N };
enum { W_STW, W_ASSIST, W_BG, W_IDLE, W_RATE, W_N };
enum { S_RELEASED, S_WORK, S_UTIL, S_N };
enum { V_SYS, V_CONSUMED, V_RELEASED, V_INUSE, V_PASS, V_N };
enum { F_SEV, F_N };
enum { MAX_COLS = G_N }; /* the widest block */

/* Colours, one per quantity, the same in every panel. */
#define C_LIVE "#1f4e9c"
#define C_START "#8fb8de"
#define C_GOAL "#e08000"
#define C_FORCED "#c00000"
#define C_PAUSE "#6a3d9a"
#define C_P99 "#c00000"
#define C_RATE "#e08000"
#define C_STW "#404040"
#define C_ASSIST "#c0392b"
#define C_BG "#5b9bd5"
#define C_IDLE "#d9d9d9"
#define C_CUM "#000000"
#define C_RELEASED "#2e8b57"
#define C_WORK "#8cc084"
#define C_UTIL "#a0a0a0"
#define C_SYS "#7f7f7f"
#define C_CONSUMED "#e08000"

/* ---------------------------------------------------------------- state */

/* gnuplot, running. */
typedef struct child {
  pid_t pid;
  int in;                          /* its stdin (our end, non-blocking); -1 once closed */
  int err;                         /* its stderr (our end); -1 at end of file */
  char text[GCW_PLOT_STDERR_MAX];  /* the first bytes of its stderr, NUL-terminated */
  size_t kept, total;              /* bytes kept in text, bytes read in all */
} child;

/* Where the script goes: the child's stdin, or a stream (gcw_plot_script). */
typedef struct sink {
  FILE *f;     /* the stream; NULL: the child */
  child *gp;
  char *buf;   /* SINK_BUF bytes */
  size_t len;
  int err_no;  /* errno of the first failed write; 0 while none */
} sink;

/* One datablock being written: rows as they come, or time buckets. */
typedef struct block {
  enum gcw_plot_block id;
  int ncols;           /* values per line after x */
  int nb;              /* buckets; 0: each row is written as it comes */
  double x0, width;    /* bucket i covers [x0 + i*width, x0 + (i+1)*width) */
  long long *count;    /* rows per bucket */
  double *lo, *hi;     /* nb * ncols: min and max (NAN: no value yet) */
} block;

/* The first finding of one kind. */
typedef struct mark {
  char kind[48];
  double x;
  int sev;          /* 0 info or other, 1 warn, 2 error */
} mark;

/* What the run holds, measured with SQL over every row (never decimated). */
typedef struct shape {
  long long cycles;      /* gc_cycles rows */
  long long walls;       /* rows with wall */
  long long ts;          /* rows with t_s */
  long long live;        /* rows with heap_live_mb */
  long long pauses;      /* rows with pause_ms */
  long long forced;      /* forced cycles */
  long long cpu;         /* rows with cpu_assist_ms */
  long long scav, scvg;  /* scavenger rows of each family */
  long long findings;    /* findings rows */
  double xmin, xmax;     /* x range of the cycles */
  double t0;             /* @t of the first cycle, s (wall mode: to place findings' t_s) */
  double max_pause_ms;   /* -1: no pause */
  long long max_pause_gc;
  double p99_ms;         /* nearest-rank p99 of pause_ms; -1: no pause */
  char format[32];       /* runs.format */
  long long procs;       /* runs.procs; 0: unknown */
  char source[512];      /* sources.path (a longer one cut on the left) */
} shape;

typedef struct plot {
  /* configuration */
  gcw_db *db;
  long long run;
  unsigned panels;       /* 1 << P_* */
  enum term term;
  int width, height;     /* pixels, or characters on the dumb terminal */
  const char *output;    /* the file asked for; NULL: stdout */
  const char *target;    /* the file named in the script (script mode only; NULL: stdout) */
  int out_fd;            /* gnuplot's stdout: the temporary twin, or -1 for our stdout */
  char tmp[4200];        /* the temporary twin: OUTPUT.XXXXXX, created exclusively */
  /* measured */
  enum gcw_plot_x xmode;
  shape s;
  double window_s;       /* W, s */
  long long nwin;        /* windows of $win */
  mark marks[MAX_MARKS];
  int nmarks;
  long long more_kinds;  /* finding kinds beyond MAX_MARKS */
  long long zero_intervals; /* intervals of 0 ms (two cycles at the same @t) */
  double ymax[NPANELS];  /* largest value on each linear y axis (for its tic step) */
  double rate_max;       /* largest cycles/s of a window (the interval panel's y2) */
  /* moving */
  sink *out;
  gcw_plot_stats *st;
  char *err;
  size_t errlen;
} plot;

/* ---------------------------------------------------------------- errors */

static int fail(plot *p, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(plot *p, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (p->errlen)
    vsnprintf(p->err, p->errlen, fmt, ap);
  va_end(ap);
  return status;
}

static int db_fail(plot *p) {
  return fail(p, GCW_EXIT_IO, "cannot read database: %s", gcw_db_errmsg(p->db));
}

/* ---------------------------------------------------------------- gnuplot, the child */

/* fd onto target in the child (clearing close-on-exec when it already is target). */
static int move_fd(int fd, int target) {
  if (fd == target)
    return fcntl(fd, F_SETFD, 0);
  return dup2(fd, target) < 0 ? -1 : 0;
}

/* In the child, after fork: only async-signal-safe calls. Reports execvp's errno on the
** close-on-exec pipe `report` (nothing arrives there when the exec succeeds). */
static void child_exec(int in, int out, int err, int report) {
  char *const argv[] = {(char *)"gnuplot", (char *)"--default-settings", NULL};
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGPIPE, &dfl, NULL);
  if (move_fd(in, 0) == 0 && (out < 0 || move_fd(out, 1) == 0) && move_fd(err, 2) == 0)
    execvp(argv[0], argv);
  int e = errno;
  ssize_t w = write(report, &e, sizeof e);
  (void)w;
  _exit(127);
}

static void close_pair(int fd[2]) {
  for (int i = 0; i < 2; i++)
    if (fd[i] >= 0)
      close(fd[i]);
}

/* execvp's errno as reported by child_exec, or 0 when gnuplot is running. */
static int exec_result(int report) {
  int e = 0;
  ssize_t n;
  while ((n = read(report, &e, sizeof e)) < 0 && errno == EINTR)
    ;
  return n == (ssize_t)sizeof e ? e : 0;
}

/* Start gnuplot with its stdin and stderr on pipes. Returns 0, or an errno (ENOENT:
** no gnuplot on PATH). */
static int child_start(child *c, int out) {
  int in[2] = {-1, -1}, er[2] = {-1, -1}, rep[2] = {-1, -1};
  memset(c, 0, sizeof *c);
  c->in = c->err = -1;
  if (pipe2(in, O_CLOEXEC) || pipe2(er, O_CLOEXEC) || pipe2(rep, O_CLOEXEC)) {
    int e = errno;
    close_pair(in), close_pair(er), close_pair(rep);
    return e;
  }
  fflush(stdout); /* gnuplot may draw on our stdout: what we printed goes first */
  c->pid = fork();
  if (c->pid == 0)
    child_exec(in[0], out, er[1], rep[1]);
  int e = c->pid < 0 ? errno : 0;
  close(in[0]), close(er[1]), close(rep[1]);
  if (!e)
    e = exec_result(rep[0]);
  close(rep[0]);
  if (e) {
    close(in[1]), close(er[0]);
    if (c->pid > 0)
      while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return e;
  }
  c->in = in[1];
  c->err = er[0];
  fcntl(c->in, F_SETFL, fcntl(c->in, F_GETFL) | O_NONBLOCK);
  return 0;
}

/* Read what gnuplot wrote on stderr (once); keep the first bytes. */
static void child_read_err(child *c) {
  char buf[4096];
  ssize_t n = read(c->err, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return;
  if (n <= 0) {
    close(c->err);
    c->err = -1;
    return;
  }
  size_t room = sizeof c->text - 1 - c->kept;
  size_t k = (size_t)n < room ? (size_t)n : room;
  memcpy(c->text + c->kept, buf, k);
  c->kept += k;
  c->text[c->kept] = '\0';
  c->total += (size_t)n;
}

/* Write all of buf to gnuplot's stdin, reading its stderr meanwhile (so that neither of
** us waits for the other). Returns 0 or an errno (EPIPE: gnuplot has quit). */
static int child_write(child *c, const char *buf, size_t n) {
  while (n > 0) {
    struct pollfd fds[2] = {{c->in, POLLOUT, 0}, {c->err, POLLIN, 0}};
    if (poll(fds, c->err >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    if (c->err >= 0 && fds[1].revents)
      child_read_err(c);
    if (!fds[0].revents)
      continue;
    ssize_t w = write(c->in, buf, n);
    if (w < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (w < 0)
      return errno;
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Close gnuplot's stdin, read its stderr to the end, wait. Returns its exit status,
** 128+N when signal N ended it. */
static int child_finish(child *c) {
  int st = 0;
  if (c->in >= 0)
    close(c->in);
  c->in = -1;
  if (c->err >= 0)
    fcntl(c->err, F_SETFL, fcntl(c->err, F_GETFL) & ~O_NONBLOCK);
  while (c->err >= 0)
    child_read_err(c);
  while (waitpid(c->pid, &st, 0) < 0)
    if (errno != EINTR)
      return 128 + SIGKILL;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---------------------------------------------------------------- writing the script */

static void sink_flush(sink *o) {
  if (!o->err_no && o->len) {
    errno = 0;
    if (o->f)
      o->err_no = fwrite(o->buf, 1, o->len, o->f) == o->len ? 0 : errno ? errno : EIO;
    else
      o->err_no = child_write(o->gp, o->buf, o->len);
  }
  o->len = 0;
}

static void put(sink *o, const char *s, size_t n) {
  while (n > 0) {
    if (o->len == SINK_BUF)
      sink_flush(o);
    size_t k = SINK_BUF - o->len < n ? SINK_BUF - o->len : n;
    memcpy(o->buf + o->len, s, k);
    o->len += k;
    s += k;
    n -= k;
  }
}

static void say(plot *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(plot *p, const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n > 0)
    put(p->out, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Bytes of the valid UTF-8 sequence at c (overlong forms and surrogates refused), or 0. */
static int utf8_len(const unsigned char *c) {
  int n = *c >= 0xf0 && *c <= 0xf4 ? 4 : *c >= 0xe0 && *c <= 0xef ? 3 : *c >= 0xc2 && *c < 0xe0 ? 2 : 0;
  for (int i = 1; i < n; i++)
    if ((c[i] & 0xc0) != 0x80)
      return 0;
  if ((n == 3 && *c == 0xe0 && c[1] < 0xa0) || (n == 3 && *c == 0xed && c[1] >= 0xa0) ||
      (n == 4 && *c == 0xf0 && c[1] < 0x90) || (n == 4 && *c == 0xf4 && c[1] >= 0x90))
    return 0;
  return n;
}

/* text as a gnuplot single-quoted string. Why single quotes: gnuplot expands backquotes
** (`cmd` runs a shell command) and its own escapes inside double quotes, never inside
** single quotes, where the only special character is the quote itself (written twice).
** A newline cannot stand in such a string, so it is joined in as '...'."\n".'...'.
** Other control characters become '?', and so do bytes that are not UTF-8 unless raw (a
** file name must stay as it is; cairo would complain about them in a title). Nothing in
** the result can end the string or run anything. */
static void put_quoted(sink *o, const char *text, int raw) {
  put(o, "'", 1);
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
    int n = *c >= 0x80 && !raw ? utf8_len(c) : 1;
    if (*c == '\n')
      put(o, "'.\"\\n\".'", 8);
    else if (*c == '\'')
      put(o, "''", 2);
    else if (*c < 0x20 || *c == 0x7f || n == 0)
      put(o, "?", 1);
    else {
      put(o, (const char *)c, (size_t)n);
      c += n - 1;
    }
  }
  put(o, "'", 1);
}

static void put_str(sink *o, const char *text) { put_quoted(o, text, 0); }

/* `set WHAT "text"` with the text escaped. */
static void say_str(plot *p, const char *what, const char *text, const char *after) {
  say(p, "%s ", what);
  put_str(p->out, text);
  say(p, "%s\n", after ? after : "");
}

static void put_num(sink *o, double v, const char *fmt) {
  char b[48];
  int n = isfinite(v) ? snprintf(b, sizeof b, fmt, v) : snprintf(b, sizeof b, "NaN");
  put(o, b, (size_t)n);
}

/* Appends to a title buffer; a full buffer just stops growing. */
typedef struct text {
  char *buf;
  size_t n, len;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...) {
  if (t->len + 1 >= t->n)
    return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(t->buf + t->len, t->n - t->len, fmt, ap);
  va_end(ap);
  if (k > 0)
    t->len = t->len + (size_t)k < t->n ? t->len + (size_t)k : t->n - 1;
}

/* Seconds since the epoch as "2026-11-23 19:17:03" (UTC); fmt picks the parts. */
static const char *utc(double x, const char *fmt, char *buf, size_t n) {
  time_t t = (time_t)floor(x);
  struct tm tm;
  if (!gmtime_r(&t, &tm) || !strftime(buf, n, fmt, &tm))
    snprintf(buf, n, "?");
  return buf;
}

static const char *plural(long long n) { return n == 1 ? "" : "s"; }

/* ---------------------------------------------------------------- datablocks */

static int block_begin(plot *p, block *b, enum gcw_plot_block id, int ncols, long long rows) {
  memset(b, 0, sizeof *b);
  b->id = id;
  b->ncols = ncols;
  p->st->points[id] = 0;
  say(p, "%s << EOD\n", block_name[id]);
  if (rows <= GCW_PLOT_MAX_POINTS)
    return 0;
  b->nb = GCW_PLOT_BUCKETS;
  b->x0 = p->s.xmin;
  b->width = p->s.xmax > p->s.xmin ? (p->s.xmax - p->s.xmin) / b->nb : 1;
  b->count = calloc((size_t)b->nb, sizeof *b->count);
  b->lo = malloc((size_t)b->nb * (size_t)ncols * sizeof *b->lo);
  b->hi = malloc((size_t)b->nb * (size_t)ncols * sizeof *b->hi);
  if (!b->count || !b->lo || !b->hi)
    return fail(p, GCW_EXIT_INTERNAL, "out of memory");
  for (size_t i = 0; i < (size_t)b->nb * (size_t)ncols; i++)
    b->lo[i] = b->hi[i] = NAN;
  p->st->decimated[id] = 1;
  return 0;
}

static void write_line(plot *p, double x, const double *v, int n) {
  put_num(p->out, x, "%.4f");
  for (int i = 0; i < n; i++) {
    put(p->out, " ", 1);
    put_num(p->out, v[i], "%.6g");
  }
  put(p->out, "\n", 1);
}

static void bucket_add(block *b, double x, const double *v) {
  long i = (long)floor((x - b->x0) / b->width);
  i = i < 0 ? 0 : i >= b->nb ? b->nb - 1 : i;
  b->count[i]++;
  double *lo = b->lo + (size_t)i * (size_t)b->ncols, *hi = b->hi + (size_t)i * (size_t)b->ncols;
  for (int c = 0; c < b->ncols; c++) {
    if (isnan(v[c]))
      continue;
    if (isnan(lo[c]) || v[c] < lo[c])
      lo[c] = v[c];
    if (isnan(hi[c]) || v[c] > hi[c])
      hi[c] = v[c];
  }
}

/* One row of the block; a row without an x is counted but not drawn. */
static void block_row(plot *p, block *b, double x, const double *v) {
  p->st->rows[b->id]++;
  if (isnan(x))
    return;
  if (b->nb) {
    bucket_add(b, x, v);
    return;
  }
  write_line(p, x, v, b->ncols);
  p->st->points[b->id]++;
}

/* Write the buckets (centre, then min and max of each column) and the end marker. */
static void block_end(plot *p, block *b) {
  double v[2 * MAX_COLS];
  for (int i = 0; i < b->nb; i++) {
    if (!b->count[i])
      continue;
    for (int c = 0; c < b->ncols; c++) {
      v[2 * c] = b->lo[(size_t)i * (size_t)b->ncols + (size_t)c];
      v[2 * c + 1] = b->hi[(size_t)i * (size_t)b->ncols + (size_t)c];
    }
    write_line(p, b->x0 + (i + 0.5) * b->width, v, 2 * b->ncols);
    p->st->points[b->id]++;
  }
  say(p, "EOD\n");
}

static void block_free(block *b) {
  free(b->count);
  free(b->lo);
  free(b->hi);
  b->count = NULL;
  b->lo = b->hi = NULL;
}

/* gnuplot's column of a block's value: the value itself, or its min or max bucket. */
static int col(const plot *p, enum gcw_plot_block id, int c, int hi) {
  return p->st->decimated[id] ? 2 + 2 * c + hi : 2 + c;
}

/* ---------------------------------------------------------------- reading the store */

/* Open query q of the run (?2 = b); NULL on a database error. */
static gcw_rows *query(plot *p, enum gcw_query q, long long b) {
  gcw_rows *r = NULL;
  return gcw_rows_open(p->db, &r, q, p->run, b) == GCW_OK ? r : NULL;
}

static double real_or_nan(const gcw_rows *r, int c) { return gcw_rows_real_or_nan(r, c); }

/* "2026-11-23T19:17:03.282Z" as seconds since the epoch; NAN when it is not one. */
static double wall_seconds(const unsigned char *w) {
  struct tm tm;
  double sec;
  char z;
  memset(&tm, 0, sizeof tm);
  if (!w || sscanf((const char *)w, "%4d-%2d-%2dT%2d:%2d:%lf%c", &tm.tm_year, &tm.tm_mon,
                   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &sec, &z) != 7 || z != 'Z')
    return NAN;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return (double)timegm(&tm) + sec;
}

/* x of a cycle (or of a line placed at a cycle) by the run's x mode. */
static double x_of(const plot *p, const unsigned char *wall, double t_s, double gc) {
  switch (p->xmode) {
  case GCW_PLOT_X_WALL: return wall_seconds(wall);
  case GCW_PLOT_X_T: return t_s;
  case GCW_PLOT_X_GC: return gc;
  }
  return NAN;
}

/* One query whose single row fills some numbers: 0, -1 when there is no row, or the
** status of a database error. */
static int one_row(plot *p, enum gcw_query q, gcw_rows **out) {
  *out = query(p, q, 0);
  if (!*out)
    return db_fail(p);
  int rc = gcw_rows_next(*out);
  if (rc == 1)
    return 0;
  gcw_rows_close(out);
  return rc == 0 ? -1 : db_fail(p);
}

/* The runs row: format, procs, source; a run that is not there is an error. */
static int read_run(plot *p) {
  gcw_rows *st;
  int rc = one_row(p, GCW_Q_PLOT_RUN, &st);
  if (rc < 0)
    return fail(p, GCW_EXIT_IO, "no run %lld (see 'gctrace-watch runs')", p->run);
  if (rc)
    return rc;
  const unsigned char *f = gcw_rows_text(st, 0), *path = gcw_rows_text(st, 2);
  snprintf(p->s.format, sizeof p->s.format, "%s", f ? (const char *)f : "unknown");
  p->s.procs = gcw_rows_int(st, 1);
  const char *src = path ? (const char *)path : "?";
  size_t n = strlen(src), room = sizeof p->s.source - 1;
  snprintf(p->s.source, sizeof p->s.source, "%s%s", n > room ? "..." : "",
           n > room ? src + n - (room - 3) : src);
  gcw_rows_close(&st);
  return 0;
}

/* Counts and x range of the cycles; the x mode follows from them. */
static int read_cycles(plot *p) {
  gcw_rows *st;
  int rc = one_row(p, GCW_Q_PLOT_SHAPE, &st);
  if (rc)
    return rc < 0 ? db_fail(p) : rc;
  shape *s = &p->s;
  s->cycles = gcw_rows_int(st, GCW_PS_CYCLES);
  s->walls = gcw_rows_int(st, GCW_PS_WALLS);
  s->ts = gcw_rows_int(st, GCW_PS_TS);
  s->live = gcw_rows_int(st, GCW_PS_LIVE);
  s->pauses = gcw_rows_int(st, GCW_PS_PAUSES);
  s->forced = gcw_rows_int(st, GCW_PS_FORCED);
  s->cpu = gcw_rows_int(st, GCW_PS_CPU);
  p->xmode = s->cycles && s->walls == s->cycles ? GCW_PLOT_X_WALL
             : s->ts                            ? GCW_PLOT_X_T
                                                : GCW_PLOT_X_GC;
  s->t0 = real_or_nan(st, GCW_PS_MIN_T);
  int lo = p->xmode == GCW_PLOT_X_WALL ? GCW_PS_MIN_WALL
           : p->xmode == GCW_PLOT_X_T  ? GCW_PS_MIN_T
                                       : GCW_PS_MIN_GC; /* each max is the column after */
  s->xmin = p->xmode == GCW_PLOT_X_WALL ? wall_seconds(gcw_rows_text(st, lo))
                                        : real_or_nan(st, lo);
  s->xmax = p->xmode == GCW_PLOT_X_WALL ? wall_seconds(gcw_rows_text(st, lo + 1))
                                        : real_or_nan(st, lo + 1);
  gcw_rows_close(&st);
  if (!s->cycles)
    return fail(p, GCW_EXIT_IO, "run %lld has no GC cycles to plot", p->run);
  if (isnan(s->xmin) || isnan(s->xmax))
    return fail(p, GCW_EXIT_IO, "run %lld: its cycles carry no usable time", p->run);
  return 0;
}

/* Largest pause and the nearest-rank p99 (the value at rank ceil(0.99 n)), over every
** cycle: sorted from the top, so SQLite keeps only the top 1% while sorting. */
static int read_pauses(plot *p) {
  gcw_rows *st;
  p->s.max_pause_ms = p->s.p99_ms = -1;
  if (!p->s.pauses)
    return 0;
  int rc = one_row(p, GCW_Q_PLOT_MAX_PAUSE, &st);
  if (rc)
    return rc < 0 ? db_fail(p) : rc;
  p->s.max_pause_ms = gcw_rows_real(st, 0);
  p->s.max_pause_gc = gcw_rows_int(st, 1);
  gcw_rows_close(&st);
  long long n = p->s.pauses, rank = (long long)ceil(0.99 * (double)n);
  st = query(p, GCW_Q_PLOT_PAUSE_AT, n - rank);
  if (!st)
    return db_fail(p);
  rc = gcw_rows_next(st);
  if (rc == 1)
    p->s.p99_ms = gcw_rows_real(st, 0);
  gcw_rows_close(&st);
  return rc == 1 ? 0 : db_fail(p);
}

static int read_others(plot *p) {
  gcw_rows *st;
  int rc = one_row(p, GCW_Q_PLOT_OTHERS, &st);
  if (rc)
    return rc < 0 ? db_fail(p) : rc;
  p->s.scav = gcw_rows_int(st, 0);
  p->s.scvg = gcw_rows_int(st, 1);
  p->s.findings = gcw_rows_int(st, 2);
  gcw_rows_close(&st);
  return 0;
}

/* 1, 2 or 5 x 10^k: the smallest at least w. */
static double nice_up(double w) {
  double e = pow(10, floor(log10(w)));
  return w <= e ? e : w <= 2 * e ? 2 * e : w <= 5 * e ? 5 * e : 10 * e;
}

static void choose_window(plot *p) {
  double span = p->s.xmax - p->s.xmin;
  p->window_s = 0;
  p->nwin = 0;
  if (p->xmode == GCW_PLOT_X_GC)
    return;
  double w = span / MAX_WINDOWS;
  if (p->s.cycles > 1 && 4 * span / (double)(p->s.cycles - 1) > w)
    w = 4 * span / (double)(p->s.cycles - 1);
  p->window_s = nice_up(w > 0.001 ? w : 0.001);
  p->nwin = (long long)floor(span / p->window_s) + 1;
}

static int measure(plot *p) {
  int rc = read_run(p);
  if (!rc)
    rc = read_cycles(p);
  if (!rc)
    rc = read_pauses(p);
  if (!rc)
    rc = read_others(p);
  if (rc)
    return rc;
  choose_window(p);
  p->st->x = p->xmode;
  p->st->window_s = p->window_s;
  p->st->p99_pause_ms = p->s.p99_ms;
  return 0;
}

/* ---------------------------------------------------------------- $gc and $win */

static void grow(double *max, double v) {
  if (!isnan(v) && v > *max)
    *max = v;
}

/* Per window: CPU ms / procs of each kind, and cycles started. */
typedef struct windows {
  double (*sum)[W_N];
} windows;

static void window_add(plot *p, windows *w, double x, gcw_rows *st) {
  if (!w->sum || isnan(x))
    return;
  long long i = (long long)floor((x - p->s.xmin) / p->window_s);
  i = i < 0 ? 0 : i >= p->nwin ? p->nwin - 1 : i;
  double procs = gcw_rows_real(st, GCW_PC_PROCS);
  procs = procs >= 1 ? procs : 1;
  double stw = real_or_nan(st, GCW_PC_STW1) + real_or_nan(st, GCW_PC_STW2);
  double part[W_N] = {[W_STW] = stw, [W_ASSIST] = real_or_nan(st, GCW_PC_ASSIST),
                      [W_BG] = real_or_nan(st, GCW_PC_BG), [W_IDLE] = real_or_nan(st, GCW_PC_IDLE)};
  for (int c = W_STW; c <= W_IDLE; c++)
    if (!isnan(part[c]))
      w->sum[i][c] += part[c] / procs;
  w->sum[i][W_RATE] += 1;
}

/* $win: the sums as % of the window's CPU, and cycles/s. */
static void write_windows(plot *p, windows *w) {
  block b;
  block_begin(p, &b, GCW_PLOT_WIN, W_N, 0);
  for (long long i = 0; i < p->nwin; i++) {
    double v[W_N];
    for (int c = W_STW; c <= W_IDLE; c++)
      v[c] = w->sum[i][c] / (p->window_s * 1000) * 100;
    v[W_RATE] = w->sum[i][W_RATE] / p->window_s;
    grow(&p->ymax[P_CPU], v[W_STW] + v[W_ASSIST] + v[W_BG] + v[W_IDLE]);
    grow(&p->rate_max, v[W_RATE]);
    block_row(p, &b, p->s.xmin + ((double)i + 0.5) * p->window_s, v);
  }
  say(p, "EOD\n");
}

/* The time of a cycle for intervals: @t when it has one, else its x (wall). */
static double cycle_time(const plot *p, gcw_rows *st, double x) {
  double t = real_or_nan(st, GCW_PC_T);
  return isnan(t) && p->xmode == GCW_PLOT_X_WALL ? x : t;
}

static void cycle_row(plot *p, block *b, windows *w, gcw_rows *st, double *prev_t) {
  double x = x_of(p, gcw_rows_text(st, GCW_PC_WALL), real_or_nan(st, GCW_PC_T),
                  real_or_nan(st, GCW_PC_GC));
  double t = cycle_time(p, st, x);
  double v[G_N] = {
      [G_LIVE] = real_or_nan(st, GCW_PC_LIVE),     [G_START] = real_or_nan(st, GCW_PC_START),
      [G_GOAL] = real_or_nan(st, GCW_PC_GOAL),     [G_END] = real_or_nan(st, GCW_PC_END),
      [G_PAUSE] = real_or_nan(st, GCW_PC_PAUSE),   [G_FORCED] = real_or_nan(st, GCW_PC_FORCED),
      [G_CPU] = real_or_nan(st, GCW_PC_CPU),       [G_INTERVAL] = (t - *prev_t) * 1000};
  if (v[G_INTERVAL] == 0)
    p->zero_intervals++;
  *prev_t = t;
  for (int c = G_LIVE; c <= G_END; c++)
    grow(&p->ymax[P_HEAP], v[c]);
  grow(&p->ymax[P_SCAV], v[p->s.live ? G_LIVE : G_END]);
  grow(&p->ymax[P_CPU], v[G_CPU]);
  block_row(p, b, x, v);
  window_add(p, w, x, st);
}

static int write_cycles(plot *p) {
  block b = {.id = GCW_PLOT_GC};
  windows w = {NULL};
  double prev_t = NAN;
  gcw_rows *st = query(p, GCW_Q_PLOT_CYCLES, 0);
  int rc = st ? block_begin(p, &b, GCW_PLOT_GC, G_N, p->s.cycles) : db_fail(p);
  if (!rc && p->nwin && (p->panels & (1u << P_INTERVAL | 1u << P_CPU))) {
    w.sum = calloc((size_t)p->nwin, sizeof *w.sum);
    rc = w.sum ? 0 : fail(p, GCW_EXIT_INTERNAL, "out of memory");
  }
  int step = 0;
  while (!rc && (step = gcw_rows_next(st)) == 1)
    cycle_row(p, &b, &w, st, &prev_t);
  if (!rc && step != 0)
    rc = db_fail(p);
  if (!rc)
    block_end(p, &b);
  if (!rc && w.sum)
    write_windows(p, &w);
  gcw_rows_close(&st);
  block_free(&b);
  free(w.sum);
  return rc;
}

/* ---------------------------------------------------------------- placing other lines */

/* A cursor over the cycles in number order, to find the x of cycle `gc` while the lines
** that name cycles are read in the same order: memory stays flat for any run. */
typedef struct cursor {
  gcw_rows *st;
  int done;
  long long gc; /* the cycle under the cursor */
  double x;
} cursor;

static int cursor_open(plot *p, cursor *c) {
  memset(c, 0, sizeof *c);
  c->gc = -1;
  c->st = query(p, GCW_Q_PLOT_CYCLE_X, 0);
  return c->st ? 0 : db_fail(p);
}

/* x of cycle gc (NAN when the run has no such cycle); gc must not go down between calls
** (a lower one gives NAN). */
static double cursor_x(const plot *p, cursor *c, long long gc) {
  while (!c->done && c->gc < gc) {
    if (gcw_rows_next(c->st) != 1) {
      c->done = 1;
      break;
    }
    c->gc = gcw_rows_int(c->st, 0);
    c->x = x_of(p, gcw_rows_text(c->st, 1), real_or_nan(c->st, 2), (double)c->gc);
  }
  return c->gc == gc ? c->x : NAN;
}

/* x of a line that names cycle `gc` (NULL: before the first cycle) and may carry its own
** wall: its own wall in wall mode, else its cycle's x; before any cycle: the first x. */
static double line_x(const plot *p, cursor *c, gcw_rows *st, int q_gc, int q_wall) {
  if (p->xmode == GCW_PLOT_X_WALL && q_wall >= 0 && !gcw_rows_null(st, q_wall))
    return wall_seconds(gcw_rows_text(st, q_wall));
  if (gcw_rows_null(st, q_gc))
    return p->s.xmin;
  return cursor_x(p, c, gcw_rows_int(st, q_gc));
}

/* ---------------------------------------------------------------- $scav and $scvg */

static int write_scavenger(plot *p, enum gcw_plot_block id, enum gcw_query q, int ncols,
                           long long rows) {
  block b = {.id = id};
  cursor c;
  gcw_rows *st = query(p, q, 0);
  int rc = st ? cursor_open(p, &c) : db_fail(p), step = 0;
  if (!st)
    return rc;
  if (!rc)
    rc = block_begin(p, &b, id, ncols, rows);
  while (!rc && (step = gcw_rows_next(st)) == 1) {
    double v[V_N];
    for (int i = 0; i < ncols; i++) {
      v[i] = real_or_nan(st, GCW_PV_FIRST + i);
      if (id == GCW_PLOT_SCVG || i != S_UTIL) /* util % is on y2 */
        grow(&p->ymax[P_SCAV], v[i]);
    }
    block_row(p, &b, line_x(p, &c, st, GCW_PV_GC, GCW_PV_WALL), v);
  }
  if (!rc && step != 0)
    rc = db_fail(p);
  if (!rc)
    block_end(p, &b);
  block_free(&b);
  gcw_rows_close(&c.st);
  gcw_rows_close(&st);
  return rc;
}

/* ---------------------------------------------------------------- $find */

static int severity(const unsigned char *s) {
  if (!s)
    return 0;
  if (strcmp((const char *)s, "error") == 0 || strcmp((const char *)s, "critical") == 0)
    return 2;
  return strcmp((const char *)s, "warn") == 0 || strcmp((const char *)s, "warning") == 0;
}

/* Where a finding goes: its cycle's x; else its t_s (in wall mode placed relative to the
** first cycle, both being seconds). */
static double finding_x(const plot *p, cursor *c, gcw_rows *st) {
  double x = NAN, t = real_or_nan(st, GCW_PF_T);
  if (!gcw_rows_null(st, GCW_PF_GC))
    x = cursor_x(p, c, gcw_rows_int(st, GCW_PF_GC));
  if (!isnan(x) || isnan(t))
    return x;
  if (p->xmode == GCW_PLOT_X_T)
    return t;
  return p->xmode == GCW_PLOT_X_WALL ? p->s.xmin + (t - p->s.t0) : NAN;
}

/* Remember the first finding of each kind (rows come in time order). */
static void note_mark(plot *p, const unsigned char *kind, double x, int sev) {
  const char *k = kind ? (const char *)kind : "?";
  for (int i = 0; i < p->nmarks; i++)
    if (strncmp(p->marks[i].kind, k, sizeof p->marks[i].kind - 1) == 0) {
      if (sev > p->marks[i].sev)
        p->marks[i].sev = sev;
      return;
    }
  if (p->nmarks == MAX_MARKS) {
    p->more_kinds++;
    return;
  }
  mark *m = &p->marks[p->nmarks++];
  snprintf(m->kind, sizeof m->kind, "%s", k);
  m->x = x;
  m->sev = sev;
}

static int write_findings(plot *p) {
  block b = {.id = GCW_PLOT_FIND};
  cursor c;
  gcw_rows *st = query(p, GCW_Q_PLOT_FINDINGS, 0);
  int rc = st ? cursor_open(p, &c) : db_fail(p), step = 0;
  if (!st)
    return rc;
  if (!rc)
    rc = block_begin(p, &b, GCW_PLOT_FIND, F_N, 0);
  while (!rc && (step = gcw_rows_next(st)) == 1) {
    double x = finding_x(p, &c, st), v[F_N];
    v[F_SEV] = severity(gcw_rows_text(st, GCW_PF_SEVERITY));
    block_row(p, &b, x, v);
    if (!isnan(x))
      note_mark(p, gcw_rows_text(st, GCW_PF_KIND), x, (int)v[F_SEV]);
  }
  if (!rc && step != 0)
    rc = db_fail(p);
  if (!rc)
    block_end(p, &b);
  gcw_rows_close(&c.st);
  gcw_rows_close(&st);
  return rc;
}

static int write_data(plot *p) {
  int rc = write_cycles(p);
  if (!rc && (p->panels & 1u << P_SCAV) && p->s.scav)
    rc = write_scavenger(p, GCW_PLOT_SCAV, GCW_Q_PLOT_SCAV, S_N, p->s.scav);
  if (!rc && (p->panels & 1u << P_SCAV) && p->s.scvg)
    rc = write_scavenger(p, GCW_PLOT_SCVG, GCW_Q_PLOT_SCVG, V_N, p->s.scvg);
  if (!rc && p->s.findings)
    rc = write_findings(p);
  return rc;
}

/* ---------------------------------------------------------------- layout */

/* Space around the panels, in pixels (characters on the dumb terminal). */
typedef struct frame {
  double left, right;  /* plot area's left edge; width kept on the right (y2 + key) */
  double top, bottom;  /* main title; x tics and label */
  double gap;          /* above each panel: its title */
  double y2;           /* from the plot area's right edge to the key */
} frame;

static frame frame_of(const plot *p) {
  if (p->term == T_DUMB)
    return (frame){19, 32, 3, 2, 2, 8};
  return (frame){80, 290, 62, 48, 36, 72};
}

static double sx(const plot *p, double px) { return px / p->width; }
static double sy(const plot *p, double px) { return px / p->height; }

/* Vertical extent of panel i (top, bottom as screen fractions) among the drawn ones. */
static void panel_extent(const plot *p, int i, double *top, double *bottom) {
  frame f = frame_of(p);
  int total = 0, before = 0, n = 0;
  for (int k = 0; k < NPANELS; k++)
    if (p->panels & 1u << k) {
      total += panel_weight[k];
      before += k < i ? panel_weight[k] : 0;
      n++;
    }
  double avail = p->height - f.top - f.bottom - n * f.gap;
  int above = 0;
  for (int k = 0; k < i; k++)
    above += (p->panels & 1u << k) != 0;
  double y = f.top + (above + 1) * f.gap + avail * before / total;
  *top = 1 - sy(p, y);
  *bottom = 1 - sy(p, y + avail * panel_weight[i] / total);
}

static int last_panel(const plot *p) {
  int last = 0;
  for (int k = 0; k < NPANELS; k++)
    if (p->panels & 1u << k)
      last = k;
  return last;
}

/* Wall-time tics: the time of day, with the date when the run spans days. */
static int multi_day(const plot *p) { return p->s.xmax - p->s.xmin >= 20 * 3600; }

static const char *x_label(const plot *p, char *buf, size_t n) {
  char day[16];
  switch (p->xmode) {
  case GCW_PLOT_X_WALL:
    snprintf(buf, n, "wall time, UTC%s%s (when each line arrived)", multi_day(p) ? "" : ", ",
             multi_day(p) ? "" : utc(p->s.xmin, "%Y-%m-%d", day, sizeof day));
    return buf;
  case GCW_PLOT_X_T: return "time since the process started, s (the trace's @t)";
  case GCW_PLOT_X_GC: return "GC cycle number (this Go release prints no time)";
  }
  return "";
}

/* What every panel starts from: its box, its key in the right margin, x tics labelled
** only under the last panel. */
static void panel_begin(plot *p, int i, const char *title) {
  frame f = frame_of(p);
  double top, bottom;
  panel_extent(p, i, &top, &bottom);
  say(p, "\n# ---- panel: %s\n", kinds[i].name);
  say(p, "unset logscale y\nunset y2tics\nunset y2label\nunset label\nunset object\n");
  say(p, "set ytics autofreq nomirror\nset y2tics autofreq\nunset y2tics\n");
  say(p, "set yrange [*:*]\nset y2range [*:*]\nset format y '%%g'\n");
  say(p, "set tmargin at screen %.4f\nset bmargin at screen %.4f\n", top, bottom);
  say(p, "set key at screen %.4f, graph 1 left top reverse Left samplen %d spacing 1.1\n",
      1 - sx(p, f.right - f.y2), p->term == T_DUMB ? 1 : 2);
  say_str(p, "set title", title, p->term == T_DUMB ? "" : " offset 0,-0.3");
  int last = i == last_panel(p);
  char label[120];
  say_str(p, "set xlabel", last ? x_label(p, label, sizeof label) : "", "");
  if (!last)
    say(p, "set format x ''\n");
  else if (p->xmode == GCW_PLOT_X_WALL)
    say(p, "set format x '%s' timedate\n", multi_day(p) ? "%m-%d %H:%M" : "%H:%M:%S");
  else
    say(p, "set format x '%%g'\n");
}

/* A panel with nothing to draw: its axes and a note in the middle. */
static void panel_note(plot *p, const char *note) {
  say(p, "set yrange [0:1]\nset ytics format ''\n");
  say_str(p, "set label 100", note, " at graph 0.5, graph 0.5 center");
  say(p, "plot -1 notitle\nset ytics format '%%g'\n");
}

/* Tics on a linear axis from 0 to max: about one per 32 pixels (3 lines) of the panel, at
** 1, 2 or 5 x 10^k, so that small panels are not crowded. */
static double tic_step(const plot *p, int panel, double max) {
  double top, bottom;
  panel_extent(p, panel, &top, &bottom);
  double n = floor((top - bottom) * p->height / (p->term == T_DUMB ? 3 : 32));
  n = n < 2 ? 2 : n > 10 ? 10 : n;
  return max > 0 ? nice_up(max * 1.06 / n) : 0;
}

static void linear_ytics(plot *p, int panel) {
  double step = tic_step(p, panel, p->ymax[panel]);
  if (step > 0)
    say(p, "set ytics %g\n", step);
}

/* ---------------------------------------------------------------- the panels */

/* A series of $gc: a line through the values; when decimated, a band from min to max
** edged by a line along each (a flat series is then still a line). Small runs get a mark
** on every point. */
static void gc_series(plot *p, int c, const char *expr_fmt, const char *color, const char *lw,
                      const char *title) {
  char lo[64], hi[64];
  snprintf(lo, sizeof lo, expr_fmt, col(p, GCW_PLOT_GC, c, 0));
  snprintf(hi, sizeof hi, expr_fmt, col(p, GCW_PLOT_GC, c, 1));
  if (p->st->decimated[GCW_PLOT_GC])
    say(p, "$gc using 1:%s with lines lc rgb '%s' lw 1 notitle, \\\n  "
           "$gc using 1:%s with lines lc rgb '%s' lw 1 notitle, \\\n  "
           "$gc using 1:%s:%s with filledcurves fc rgb '%s' fs transparent solid 0.5 noborder "
           "title ", lo, color, hi, color, lo, hi, color);
  else
    say(p, "$gc using 1:%s with %s lc rgb '%s' lw %s title ", hi,
        p->s.cycles <= 120 ? "linespoints pt 7 ps 0.5" : "lines", color, lw);
  put_str(p->out, title);
}

/* Findings are drawn in the colour of their severity: error red, warn orange. */
static const char *mark_color(const mark *m) {
  return m->sev == 2 ? C_FORCED : m->sev ? C_GOAL : C_SYS;
}

/* Findings: a dashed line at the first finding of each kind, in every panel (arrows stay
** set across the panels of a multiplot). */
static void findings_setup(plot *p) {
  for (int i = 0; i < p->nmarks; i++)
    say(p, "set arrow %d from %.4f, graph 0 to %.4f, graph 1 nohead lc rgb '%s' dt 2 lw 1 back\n",
        i + 1, p->marks[i].x, p->marks[i].x, mark_color(&p->marks[i]));
}

/* In the heap panel: the number of each kind beside its line, in the headroom at the top
** (the key says which kind each number is), so no text lies on the data. */
static void findings_labels(plot *p) {
  for (int i = 0; i < p->nmarks; i++)
    say(p, "set label '%d' at %.4f, graph 0.965 left offset 0.9,0 tc rgb '%s' front\n", i + 1,
        p->marks[i].x, mark_color(&p->marks[i]));
}

/* A triangle at the top for every finding, and one key entry per kind. */
static void findings_plot(plot *p) {
  if (!p->st->points[GCW_PLOT_FIND])
    return;
  say(p, ", \\\n  $find using 1:(0.965):(sevrgb($2)) axes x1y2 with points pt 11 ps 1.2 "
         "lc rgb variable notitle");
  for (int i = 0; i < p->nmarks; i++) {
    char title[80];
    snprintf(title, sizeof title, "%d %.20s", i + 1, p->marks[i].kind);
    say(p, ", \\\n  NaN with points pt 11 ps 1.2 lc rgb '%s' title ", mark_color(&p->marks[i]));
    put_str(p->out, title);
  }
  if (p->more_kinds)
    say(p, ", \\\n  NaN with points pt 11 ps 1.2 lc rgb '" C_SYS "' title '+%lld more kinds'",
        p->more_kinds);
}

static void heap_panel(plot *p) {
  int live = p->s.live ? G_LIVE : G_END;
  panel_begin(p, P_HEAP, p->s.live ? "Heap: live after marking, heap at GC start, heap goal"
                                   : "Heap before and after each GC");
  say(p, "set ylabel 'heap, MiB'\nset yrange [0:*]\n");
  linear_ytics(p, P_HEAP);
  if (p->st->points[GCW_PLOT_FIND])
    say(p, "set y2range [0:1]\n");
  findings_labels(p);
  say(p, "plot ");
  gc_series(p, G_START, "%d", C_START, "1", p->s.live ? "heap at GC start" : "before GC");
  say(p, ", \\\n  ");
  gc_series(p, live, "%d", C_LIVE, "2", p->s.live ? "live heap" : "after GC");
  if (p->s.live) {
    say(p, ", \\\n  ");
    gc_series(p, G_GOAL, "%d", C_GOAL, "1.5 dt 2", "heap goal");
  }
  if (p->s.forced) {
    char title[64];
    snprintf(title, sizeof title, "forced GC (%lld)", p->s.forced);
    say(p, ", \\\n  $gc using 1:($%d > 0 ? $%d : NaN) with points pt 6 ps 1.2 lw 1.5 "
           "lc rgb '" C_FORCED "' title ", col(p, GCW_PLOT_GC, G_FORCED, 1),
        col(p, GCW_PLOT_GC, live, 1));
    put_str(p->out, title);
  }
  findings_plot(p);
  say(p, "\n");
}

static void pause_panel(plot *p) {
  char title[200];
  snprintf(title, sizeof title, "Stop-the-world pause per cycle (log scale); max %.3g ms at gc %lld",
           p->s.max_pause_ms, p->s.max_pause_gc);
  panel_begin(p, P_PAUSE, p->s.pauses ? title : "Stop-the-world pause per cycle");
  say(p, "set ylabel 'pause, ms'\n");
  if (!p->s.pauses) {
    panel_note(p, "no pauses in this trace");
    return;
  }
  say(p, "set logscale y\n");
  say(p, "plot ");
  gc_series(p, G_PAUSE, "(clamp($%d, 0.001))", C_PAUSE, "1", "STW pause");
  snprintf(title, sizeof title, "p99 %.3g ms", p->s.p99_ms);
  say(p, ", \\\n  %.6g with lines lc rgb '" C_P99 "' dt 2 lw 1.5 title ", p->s.p99_ms);
  put_str(p->out, title);
  say(p, "\n");
}

static void interval_panel(plot *p) {
  char title[200];
  snprintf(title, sizeof title, "Time between cycle starts (log scale)%s, and cycles per second "
           "in %g s windows", p->zero_intervals ? " (0 ms: same @t, drawn at 0.5 ms)" : "", p->window_s);
  panel_begin(p, P_INTERVAL, p->nwin ? title : "Time between cycle starts");
  say(p, "set ylabel 'interval, ms'\n");
  if (!p->nwin) {
    panel_note(p, "this Go release prints no time: no intervals");
    return;
  }
  double step = tic_step(p, P_INTERVAL, p->rate_max);
  say(p, "set logscale y\nset y2label 'cycles/s'\nset y2range [0:*]\n");
  if (step > 0)
    say(p, "set y2tics %g\n", step);
  else
    say(p, "set y2tics\n");
  say(p, "plot ");
  gc_series(p, G_INTERVAL, "(clamp($%d, 0.5))", C_LIVE, "1", "interval");
  say(p, ", \\\n  $win using 1:%d axes x1y2 with histeps lc rgb '" C_RATE "' lw 2 "
         "title 'cycles/s'\n", 2 + W_RATE);
}

static void cpu_panel(plot *p) {
  char title[200];
  snprintf(title, sizeof title, "GC CPU, %% of GOMAXPROCS x time: estimate per %g s window "
           "(bars), and the runtime's cumulative %%", p->window_s);
  panel_begin(p, P_CPU, p->nwin && p->s.cpu ? title : "GC CPU");
  say(p, "set ylabel 'GC CPU, %%'\n");
  if (!p->nwin || !p->s.cpu) {
    panel_note(p, "this Go release prints no GC CPU figures");
    return;
  }
  const int s = 2 + W_STW, a = 2 + W_ASSIST, b = 2 + W_BG, i = 2 + W_IDLE;
  say(p, "set yrange [0:*]\nset style fill solid 0.9 noborder\nset boxwidth %.6g absolute\n",
      p->window_s);
  linear_ytics(p, P_CPU);
  say(p, "plot $win using 1:($%d+$%d+$%d+$%d) with boxes lc rgb '" C_IDLE
         "' title 'idle mark (spare)', \\\n", s, a, b, i);
  say(p, "  $win using 1:($%d+$%d+$%d) with boxes lc rgb '" C_BG "' title 'background mark', \\\n",
      s, a, b);
  say(p, "  $win using 1:($%d+$%d) with boxes lc rgb '" C_ASSIST "' title 'assist', \\\n", s, a);
  say(p, "  $win using 1:%d with boxes lc rgb '" C_STW "' title 'STW phases', \\\n  ", s);
  gc_series(p, G_CPU, "%d", C_CUM, "1.5", "runtime cumulative");
  say(p, "\n");
}

static void scav_series(plot *p) {
  const int r = col(p, GCW_PLOT_SCAV, S_RELEASED, 1), w = col(p, GCW_PLOT_SCAV, S_WORK, 1);
  const int u = col(p, GCW_PLOT_SCAV, S_UTIL, 1);
  say(p, ", \\\n  $scav using 1:%d with steps lc rgb '" C_RELEASED "' lw 2 "
         "title 'released (now)', \\\n", r);
  say(p, "  $scav using 1:%d with impulses lc rgb '" C_WORK "' lw 2 title 'released by line', "
         "\\\n", w);
  say(p, "  $scav using 1:%d axes x1y2 with lines lc rgb '" C_UTIL "' dt 3 title 'util %%'", u);
}

static void scvg_series(plot *p) {
  const int sys = col(p, GCW_PLOT_SCVG, V_SYS, 1), con = col(p, GCW_PLOT_SCVG, V_CONSUMED, 1);
  const int rel = col(p, GCW_PLOT_SCVG, V_RELEASED, 1);
  say(p, ", \\\n  $scvg using 1:%d with steps lc rgb '" C_SYS "' dt 2 lw 1.5 "
         "title 'obtained (sys)', \\\n", sys);
  say(p, "  $scvg using 1:%d with steps lc rgb '" C_CONSUMED "' lw 2 title 'retained (consumed)', "
         "\\\n", con);
  say(p, "  $scvg using 1:%d with steps lc rgb '" C_RELEASED "' lw 2 title 'released to OS'", rel);
}

/* The note for a run without scavenger lines goes in the title: it covers no data. */
static void scav_panel(plot *p) {
  panel_begin(p, P_SCAV,
              p->s.scvg  ? "Scavenger: heap memory obtained, retained and released, and the live heap"
              : p->s.scav ? "Scavenger: heap memory released to the OS, and the live heap"
                          : "Scavenger: no scavenger lines (enable GODEBUG=scavtrace=1, Go 1.14+)");
  say(p, "set ylabel 'MiB'\nset yrange [0:*]\n");
  linear_ytics(p, P_SCAV);
  if (p->s.scav)
    say(p, "set y2label 'util, %%'\nset y2tics %g\nset y2range [0:100]\n",
        tic_step(p, P_SCAV, 94));
  say(p, "plot ");
  gc_series(p, p->s.live ? G_LIVE : G_END, "%d", C_LIVE, "1.5",
            p->s.live ? "live heap" : "heap after GC");
  if (p->s.scav)
    scav_series(p);
  if (p->s.scvg)
    scvg_series(p);
  say(p, "\n");
}

/* ---------------------------------------------------------------- the script */

static void terminal(plot *p) {
  static const char *const names[] = {"pngcairo", "svg", "pdfcairo", "dumb"};
  const char *t = names[p->term];
  say(p, "if (strstrt(GPVAL_TERMINALS, ' %s ') == 0) {\n", t);
  say(p, "  print 'gnuplot: this gnuplot has no %s terminal; install gnuplot-nox or gnuplot-qt'\n",
      t);
  say(p, "  exit status 3\n}\n");
  switch (p->term) {
  case T_PNG:
    say(p, "set terminal pngcairo size %d,%d noenhanced font 'sans,10' background '#ffffff'\n",
        p->width, p->height);
    break;
  case T_SVG:
    say(p, "set terminal svg size %d,%d noenhanced font 'sans,10' background '#ffffff'\n",
        p->width, p->height);
    break;
  case T_PDF: /* cairo sizes PDFs in inches: 96 pixels to the inch */
    say(p, "set terminal pdfcairo size %.3fin,%.3fin noenhanced font 'sans,8'\n",
        p->width / 96.0, p->height / 96.0);
    break;
  case T_DUMB: say(p, "set terminal dumb noenhanced size %d,%d\n", p->width, p->height); break;
  }
  if (p->target) {
    say(p, "set output ");
    put_quoted(p->out, p->target, 1);
    say(p, "\n");
  }
}

/* The title's first line: the source path is cut on the left ("...") so that the line
** fits the width (about 8.5 pixels a character at 12 points). */
static void title_head(const plot *p, text *t) {
  char tail[64];
  int k = p->s.procs > 0 ? snprintf(tail, sizeof tail, " (%s, GOMAXPROCS %lld)", p->s.format,
                                     p->s.procs)
                         : snprintf(tail, sizeof tail, " (%s)", p->s.format);
  int fit = (p->term == T_DUMB ? p->width : (int)(p->width / 8.5)) - k - 30;
  size_t room = fit < 16 ? 16 : (size_t)fit, n = strlen(p->s.source);
  add(t, "gctrace-watch: run %lld, %s%s%s", p->run, n > room ? "..." : "",
      n > room ? p->s.source + n - (room - 3) : p->s.source, tail);
}

static void main_title(plot *p, char *buf, size_t n) {
  text t = {buf, n, 0};
  char a[32], b[32];
  buf[0] = '\0';
  title_head(p, &t);
  add(&t, "\n%lld cycle%s", p->s.cycles, plural(p->s.cycles));
  if (p->xmode == GCW_PLOT_X_T)
    add(&t, " from @%.3f s to @%.3f s", p->s.xmin, p->s.xmax);
  if (p->xmode == GCW_PLOT_X_WALL)
    add(&t, " from %s to %s UTC", utc(p->s.xmin, "%Y-%m-%d %H:%M:%S", a, sizeof a),
        utc(p->s.xmax, p->s.xmax - p->s.xmin < 20 * 3600 ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S", b,
            sizeof b));
  if (p->s.forced)
    add(&t, ", %lld forced", p->s.forced);
  if (p->s.findings)
    add(&t, ", %lld finding%s", p->s.findings, plural(p->s.findings));
  if (p->st->decimated[GCW_PLOT_GC])
    add(&t, "; drawn as min-max of %lld time buckets, statistics over every cycle",
        p->st->points[GCW_PLOT_GC]);
}

static void settings(plot *p) {
  char title[600];
  say(p, "\n# ---- drawing\n");
  say(p, "set datafile missing NaN\n");
  say(p, "clamp(v, lo) = v < lo ? lo : v\n");
  say(p, "sevrgb(s) = s >= 2 ? 0xc00000 : s >= 1 ? 0xe08000 : 0x7f7f7f\n");
  say(p, "set border 11 lc rgb '#606060'\nset grid xtics ytics lc rgb '#e4e4e4' lw 1 dt 1\n");
  say(p, "set xtics nomirror\nset style data lines\nset offsets 0, 0, graph 0.06, 0\n");
  say(p, "set lmargin at screen %.4f\nset rmargin at screen %.4f\n", sx(p, frame_of(p).left),
      1 - sx(p, frame_of(p).right));
  double pad = p->s.xmax > p->s.xmin ? 0 : 1;
  say(p, "set xrange [%.4f:%.4f]\n", p->s.xmin - pad, p->s.xmax + pad);
  main_title(p, title, sizeof title);
  say(p, "set multiplot title ");
  put_str(p->out, title);
  say(p, "%s\n", p->term == T_DUMB ? "" : " font ',12'");
  findings_setup(p);
}

static int write_script(plot *p) {
  say(p, "# gctrace-watch plot of run %lld (the data is inline: $name << EOD ... EOD)\n",
      p->run);
  terminal(p);
  int rc = write_data(p);
  if (rc)
    return rc;
  settings(p);
  static void (*const panels[NPANELS])(plot *) = {heap_panel, pause_panel, interval_panel,
                                                  cpu_panel, scav_panel};
  for (int i = 0; i < NPANELS; i++)
    if (p->panels & 1u << i)
      panels[i](p);
  say(p, "unset multiplot\n");
  if (p->target)
    say(p, "set output\n");
  return 0;
}

/* ---------------------------------------------------------------- the request */

static int parse_kind(plot *p, const char *kind) {
  for (int i = 0; i < NKINDS; i++)
    if (strcmp(kind ? kind : "all", kinds[i].name) == 0) {
      p->panels = kinds[i].panels;
      return 0;
    }
  return fail(p, GCW_EXIT_USAGE, "unknown plot kind '%s' (heap, pause, interval, cpu, "
              "scavenger or all)", kind);
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcasecmp(s + n - k, suffix) == 0;
}

static int parse_output(plot *p, const char *output, int dumb) {
  p->output = output && strcmp(output, "-") != 0 ? output : NULL;
  for (const unsigned char *c = (const unsigned char *)p->output; c && *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      return fail(p, GCW_EXIT_USAGE, "output file name holds a control character");
  /* gnuplot takes `set output '|cmd'` as a pipe to a shell: such a name is refused even
  ** though only a printed script (--script) would ever name it. */
  if (p->output && p->output[strspn(p->output, " \t")] == '|')
    return fail(p, GCW_EXIT_USAGE, "%s: an output name may not begin with '|'", p->output);
  if (!p->output || dumb)
    p->term = T_DUMB;
  else if (has_suffix(p->output, ".png"))
    p->term = T_PNG;
  else if (has_suffix(p->output, ".svg"))
    p->term = T_SVG;
  else if (has_suffix(p->output, ".pdf"))
    p->term = T_PDF;
  else
    return fail(p, GCW_EXIT_USAGE, "%s: the output name must end in .png, .svg or .pdf "
                "(or use '-o -' or '--term dumb' for the terminal)", p->output);
  return 0;
}

/* Width of the terminal on stdout, when it is one. */
static int tty_columns(void) {
  struct winsize ws;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 60)
    return ws.ws_col > 300 ? 300 : ws.ws_col;
  return 120;
}

static int parse_size(plot *p, const char *size) {
  int all = p->panels == (1u << NPANELS) - 1;
  char extra;
  if (size && (sscanf(size, "%dx%d%c", &p->width, &p->height, &extra) != 2 ||
               p->width < 40 || p->height < 20 || p->width > 10000 || p->height > 10000))
    return fail(p, GCW_EXIT_USAGE, "size '%s' is not WxH", size);
  if (size)
    return 0;
  if (p->term == T_DUMB) {
    p->width = p->output ? 120 : tty_columns();
    p->height = all ? 100 : 30;
  } else {
    p->width = 1200;
    p->height = all ? 900 : 600;
  }
  return 0;
}

static int plot_init(plot *p, gcw_db *db, const gcw_plot_req *rq, gcw_plot_stats *st,
                     char *err, size_t errlen) {
  memset(p, 0, sizeof *p);
  memset(st, 0, sizeof *st);
  st->gnuplot_status = -1;
  st->p99_pause_ms = -1;
  p->db = db;
  p->out_fd = -1;
  p->run = rq->run_id;
  p->st = st;
  p->err = err;
  p->errlen = errlen;
  if (errlen)
    err[0] = '\0';
  int rc = parse_kind(p, rq->kind);
  if (!rc)
    rc = parse_output(p, rq->output, rq->dumb);
  if (!rc)
    rc = parse_size(p, rq->size);
  return rc ? rc : measure(p);
}

/* ---------------------------------------------------------------- running gnuplot */

/* gnuplot draws on its stdout, which is a temporary twin OUTPUT.XXXXXX created here with
** O_EXCL (mkostemp), so that a planted file or symlink is never opened or followed, and
** renamed over OUTPUT when gnuplot succeeded: a failed plot never leaves half an image,
** and a reader never sees one. No file name ever reaches gnuplot's script. */
static int open_target(plot *p) {
  p->out_fd = -1;
  if (!p->output)
    return 0;
  if ((size_t)snprintf(p->tmp, sizeof p->tmp, "%s.XXXXXX", p->output) >= sizeof p->tmp)
    return fail(p, GCW_EXIT_USAGE, "output file name is too long");
  int fd = mkostemp(p->tmp, O_CLOEXEC);
  if (fd < 0)
    return fail(p, GCW_EXIT_IO, "%s: %s", p->output, strerror(errno));
  if (fchmod(fd, 0644) != 0) { /* mkostemp makes 0600; an image is for others to read */
    int e = errno;
    close(fd);
    unlink(p->tmp);
    return fail(p, GCW_EXIT_IO, "%s: %s", p->output, strerror(e));
  }
  p->out_fd = fd;
  return 0;
}

static void trim(char *s) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
    s[--n] = '\0';
}

/* gnuplot's verdict: its status, what it said, whether the script reached it whole. */
static int judge(plot *p, child *c, int status, int write_err) {
  p->st->gnuplot_status = status;
  p->st->gnuplot_stderr = c->total;
  trim(c->text);
  if (status == 3 && c->kept)
    return fail(p, GCW_EXIT_IO, "%s", c->text); /* our own check: terminal missing */
  if (status >= 128)
    return fail(p, GCW_EXIT_INTERNAL, "gnuplot was killed by signal %d%s%s", status - 128,
                c->kept ? ": " : "", c->text);
  if (status != 0)
    return fail(p, GCW_EXIT_INTERNAL, "gnuplot failed (exit status %d)%s%s", status,
                c->kept ? ":\n" : "", c->text);
  if (write_err)
    return fail(p, GCW_EXIT_INTERNAL, "writing to gnuplot: %s", strerror(write_err));
  if (c->kept)
    fail(p, GCW_EXIT_OK, "gnuplot: %s%s", c->text, c->total > c->kept ? " [...]" : "");
  return GCW_EXIT_OK;
}

/* Put the image in place (or remove the temporary one after a failure). An empty file
** after a gnuplot that said it succeeded is a failure too. */
static int close_target(plot *p, int rc) {
  struct stat sb;
  if (p->out_fd < 0)
    return rc;
  if (rc == GCW_EXIT_OK && fstat(p->out_fd, &sb) == 0 && sb.st_size == 0)
    rc = fail(p, GCW_EXIT_INTERNAL, "gnuplot wrote nothing to %s", p->output);
  if (rc == GCW_EXIT_OK && rename(p->tmp, p->output) != 0)
    rc = fail(p, GCW_EXIT_IO, "%s: %s", p->output, strerror(errno));
  if (rc != GCW_EXIT_OK)
    unlink(p->tmp);
  close(p->out_fd);
  p->out_fd = -1;
  return rc;
}

/* Feed the script to a running gnuplot and wait for it. */
static int feed(plot *p, child *c) {
  sink o = {NULL, c, malloc(SINK_BUF), 0, 0};
  if (!o.buf) {
    child_finish(c);
    return fail(p, GCW_EXIT_INTERNAL, "out of memory");
  }
  p->out = &o;
  int rc = write_script(p);
  if (!rc)
    sink_flush(&o);
  int status = child_finish(c);
  free(o.buf);
  p->out = NULL;
  if (rc) /* our own error is the news: gnuplot saw only part of a script */
    return close_target(p, rc);
  return close_target(p, judge(p, c, status, o.err_no));
}

int gcw_plot_exec(gcw_db *db, const gcw_plot_req *rq, gcw_plot_stats *st, char *err,
                  size_t errlen) {
  plot p;
  gcw_plot_stats local;
  int rc = plot_init(&p, db, rq, st ? st : &local, err, errlen);
  if (rc)
    return rc;
  /* A gnuplot that quits early must not kill us with SIGPIPE (curl's sigpipe_ignore). */
  struct sigaction ign, old;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  child c;
  int e = 0;
  rc = open_target(&p);
  if (!rc)
    e = child_start(&c, p.out_fd);
  if (rc)
    ; /* the output could not be created: said already */
  else if (e == ENOENT)
    rc = fail(&p, GCW_EXIT_IO, "gnuplot not found; install it: apt-get install gnuplot-nox");
  else if (e)
    rc = fail(&p, GCW_EXIT_IO, "cannot start gnuplot: %s", strerror(e));
  else
    rc = feed(&p, &c);
  if (e)
    rc = close_target(&p, rc);
  sigaction(SIGPIPE, &old, NULL);
  return rc;
}

int gcw_plot_run(gcw_db *db, long long run_id, const char *kind, const char *output,
                 const char *size, int dumb, char *err, size_t errlen) {
  gcw_plot_req rq = {run_id, kind, output, size, dumb};
  return gcw_plot_exec(db, &rq, NULL, err, errlen);
}

int gcw_plot_script(gcw_db *db, const gcw_plot_req *rq, FILE *out, gcw_plot_stats *st,
                    char *err, size_t errlen) {
  plot p;
  gcw_plot_stats local;
  int rc = plot_init(&p, db, rq, st ? st : &local, err, errlen);
  if (rc)
    return rc;
  sink o = {out, NULL, malloc(SINK_BUF), 0, 0};
  if (!o.buf)
    return fail(&p, GCW_EXIT_INTERNAL, "out of memory");
  p.out = &o;
  p.target = p.output;
  p.out_fd = -1;
  rc = write_script(&p);
  sink_flush(&o);
  free(o.buf);
  if (!rc && o.err_no)
    rc = fail(&p, GCW_EXIT_IO, "writing the script: %s", strerror(o.err_no));
  return rc;
}

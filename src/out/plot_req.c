/*
** plot_req.c: a plot request checked: the kind (which panels), the output name (which
** gnuplot terminal), the size; then the run is measured (plot_data.c). See plot.h.
** Also the message of every failure of the plot (pl_fail).
*/
#include "plot_int.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* A panel each, in panel order (plot_layout.c names its panels by them), then "all". */
#define KIND_ROW_(id, name) {name, 1u << P_##id},
const pl_kind pl_kinds[NKINDS] = {GCW_PLOT_KINDS(KIND_ROW_){GCW_PLOT_KIND_ALL, (1u << NPANELS) - 1}};
#undef KIND_ROW_

/* The --kind names for cli.c, from the same rows (plot_kinds.h). */
#define KIND_NAME_(id, name) name,
const char *const gcw_plot_kind_names[] = {GCW_PLOT_KINDS(KIND_NAME_) GCW_PLOT_KIND_ALL, NULL};
#undef KIND_NAME_

gcw_err pl_fail(gcw_plot *p, gcw_err e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (p->errlen)
    vsnprintf(p->err, p->errlen, fmt, ap);
  va_end(ap);
  return e;
}

/* ---------------------------------------------------------------- the request */

static gcw_err parse_kind(gcw_plot *p, const char *kind) {
  for (int i = 0; i < NKINDS; i++)
    if (strcmp(kind ? kind : GCW_PLOT_KIND_ALL, pl_kinds[i].name) == 0) {
      p->panels = pl_kinds[i].panels;
      return 0;
    }
  return pl_fail(p, GCW_EUSAGE, "unknown plot kind '%s' (heap, pause, interval, cpu, "
                 "scavenger, rss or all)", kind);
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcasecmp(s + n - k, suffix) == 0;
}

static gcw_err parse_output(gcw_plot *p, const char *output, int dumb) {
  p->output = output && strcmp(output, "-") != 0 ? output : NULL;
  for (const unsigned char *c = (const unsigned char *)p->output; c && *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      return pl_fail(p, GCW_EUSAGE, "output file name holds a control character");
  /* gnuplot takes `set output '|cmd'` as a pipe to a shell: such a name is refused even
  ** though only a printed script (--script) would ever name it. */
  if (p->output && p->output[strspn(p->output, " \t")] == '|')
    return pl_fail(p, GCW_EUSAGE, "%s: an output name may not begin with '|'", p->output);
  if (!p->output || dumb)
    p->term = T_DUMB;
  else if (has_suffix(p->output, ".png"))
    p->term = T_PNG;
  else if (has_suffix(p->output, ".svg"))
    p->term = T_SVG;
  else if (has_suffix(p->output, ".pdf"))
    p->term = T_PDF;
  else
    return pl_fail(p, GCW_EUSAGE, "%s: the output name must end in .png, .svg or .pdf "
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

static gcw_err parse_size(gcw_plot *p, const char *size) {
  int all = p->panels == (1u << NPANELS) - 1;
  char extra;
  if (size && (sscanf(size, "%dx%d%c", &p->width, &p->height, &extra) != 2 ||
               p->width < 40 || p->height < 20 || p->width > 10000 || p->height > 10000))
    return pl_fail(p, GCW_EUSAGE, "size '%s' is not WxH", size);
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

gcw_err pl_init(gcw_plot *p, gcw_db *db, const gcw_plot_req *rq, gcw_plot_stats *st, char *err,
                size_t errlen) {
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
  gcw_err rc = parse_kind(p, rq->kind);
  if (!rc)
    rc = parse_output(p, rq->output, rq->dumb);
  if (!rc)
    rc = parse_size(p, rq->size);
  return rc ? rc : pl_measure(p);
}

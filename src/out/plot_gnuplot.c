/*
** plot_gnuplot.c: the entry points of plot.h, and gnuplot as a child.
**
** One call: check the request and measure the run (plot_req.c, plot_data.c) -> create
** the output's temporary twin -> start gnuplot (process.h: argv, never a shell; its
** stdout on the twin, its stderr kept) -> stream the script into its stdin
** (plot_layout.c, which writes the datablocks first) -> close its stdin, wait, judge its
** exit status and stderr -> rename the twin over the output, or remove it.
*/
#include "plot_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* gnuplot draws on its stdout, which is a temporary twin OUTPUT.XXXXXX created here with
** O_EXCL (mkostemp), so that a planted file or symlink is never opened or followed, and
** renamed over OUTPUT when gnuplot succeeded: a failed plot never leaves half an image,
** and a reader never sees one. No file name ever reaches gnuplot's script. */
static gcw_err open_target(gcw_plot *p) {
  p->out_fd = -1;
  if (!p->output)
    return 0;
  if ((size_t)snprintf(p->tmp, sizeof p->tmp, "%s.XXXXXX", p->output) >= sizeof p->tmp)
    return pl_fail(p, GCW_EUSAGE, "output file name is too long");
  int fd = mkostemp(p->tmp, O_CLOEXEC);
  if (fd < 0)
    return pl_fail(p, GCW_EOPEN, "%s: %s", p->output, strerror(errno));
  if (fchmod(fd, 0644) != 0) { /* mkostemp makes 0600; an image is for others to read */
    int e = errno;
    close(fd);
    unlink(p->tmp);
    return pl_fail(p, GCW_EOPEN, "%s: %s", p->output, strerror(e));
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
static gcw_err judge(gcw_plot *p, gcw_proc *c, int status, int write_err) {
  p->st->gnuplot_status = status;
  p->st->gnuplot_stderr = c->total;
  trim(c->text);
  if (status == 3 && c->kept) /* our own check (plot_layout.c): the terminal is missing */
    return pl_fail(p, GCW_ECHILD, "%s", c->text);
  if (status >= 128)
    return pl_fail(p, GCW_EGNUPLOT, "gnuplot was killed by signal %d%s%s", status - 128,
                c->kept ? ": " : "", c->text);
  if (status != 0)
    return pl_fail(p, GCW_EGNUPLOT, "gnuplot failed (exit status %d)%s%s", status,
                c->kept ? ":\n" : "", c->text);
  if (write_err)
    return pl_fail(p, GCW_EGNUPLOT, "writing to gnuplot: %s", strerror(write_err));
  if (c->kept) /* warnings: the message, but a success */
    pl_fail(p, GCW_OK, "gnuplot: %s%s", c->text, c->total > c->kept ? " [...]" : "");
  return GCW_OK;
}

/* Put the image in place (or remove the temporary one after a failure). An empty file
** after a gnuplot that said it succeeded is a failure too. */
static gcw_err close_target(gcw_plot *p, gcw_err rc) {
  struct stat sb;
  if (p->out_fd < 0)
    return rc;
  if (rc == GCW_OK && fstat(p->out_fd, &sb) == 0 && sb.st_size == 0)
    rc = pl_fail(p, GCW_EGNUPLOT, "gnuplot wrote nothing to %s", p->output);
  if (rc == GCW_OK && rename(p->tmp, p->output) != 0)
    rc = pl_fail(p, GCW_EWRITE, "%s: %s", p->output, strerror(errno));
  if (rc != GCW_OK)
    unlink(p->tmp);
  close(p->out_fd);
  p->out_fd = -1;
  return rc;
}

/* Feed the script to a running gnuplot and wait for it. */
static gcw_err feed(gcw_plot *p, gcw_proc *c) {
  pl_sink o = gcw_writer_to_fn(pl_to_proc, c, malloc(SINK_BUF), SINK_BUF);
  if (!o.buf) {
    gcw_proc_finish(c);
    return pl_fail(p, GCW_ENOMEM, "out of memory");
  }
  p->out = &o;
  gcw_err rc = pl_write_script(p);
  if (!rc)
    pl_sink_flush(&o);
  int status = gcw_proc_finish(c);
  free(o.buf);
  p->out = NULL;
  if (rc) /* our own error is the news: gnuplot saw only part of a script */
    return close_target(p, rc);
  return close_target(p, judge(p, c, status, o.err_no));
}

gcw_err gcw_plot_exec(gcw_db *db, const gcw_plot_req *rq, gcw_plot_stats *st, char *err,
                      size_t errlen) {
  gcw_plot p;
  gcw_plot_stats local;
  gcw_err rc = pl_init(&p, db, rq, st ? st : &local, err, errlen);
  if (rc)
    return rc;
  /* A gnuplot that quits early must not kill us with SIGPIPE (curl's sigpipe_ignore). */
  struct sigaction ign, old;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  char *const argv[] = {(char *)"gnuplot", (char *)"--default-settings", NULL};
  gcw_proc c = {.text = p.gp_text, .cap = sizeof p.gp_text};
  int e = 0;
  rc = open_target(&p);
  if (!rc)
    e = gcw_spawn(&c, &(gcw_spawn_opts){argv, NULL, 1, p.out_fd});
  if (rc)
    ; /* the output could not be created: said already */
  else if (e == ENOENT)
    rc = pl_fail(&p, GCW_ECHILD, "gnuplot not found; install it: apt-get install gnuplot-nox");
  else if (e)
    rc = pl_fail(&p, GCW_ECHILD, "cannot start gnuplot: %s", strerror(e));
  else
    rc = feed(&p, &c);
  if (e)
    rc = close_target(&p, rc);
  sigaction(SIGPIPE, &old, NULL);
  return rc;
}

gcw_err gcw_plot_run(gcw_db *db, long long run_id, const char *kind, const char *output,
                     const char *size, int dumb, char *err, size_t errlen) {
  gcw_plot_req rq = {run_id, kind, output, size, dumb};
  return gcw_plot_exec(db, &rq, NULL, err, errlen);
}

gcw_err gcw_plot_script(gcw_db *db, const gcw_plot_req *rq, FILE *out, gcw_plot_stats *st,
                        char *err, size_t errlen) {
  gcw_plot p;
  gcw_plot_stats local;
  gcw_err rc = pl_init(&p, db, rq, st ? st : &local, err, errlen);
  if (rc)
    return rc;
  pl_sink o = gcw_writer_to_file(out, malloc(SINK_BUF), SINK_BUF);
  if (!o.buf)
    return pl_fail(&p, GCW_ENOMEM, "out of memory");
  p.out = &o;
  p.target = p.output;
  p.out_fd = -1;
  rc = pl_write_script(&p);
  pl_sink_flush(&o);
  free(o.buf);
  if (!rc && o.err_no)
    rc = pl_fail(&p, GCW_EWRITE, "writing the script: %s", strerror(o.err_no));
  return rc;
}


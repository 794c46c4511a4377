/* cmd_analyze.c: `gctrace-watch analyze FILE...`: import archived logs as one stream in the
** order given (a logrotate set oldest first is one continuous stream), then summarize. */
#include "cmd.h"

#include "input.h"
#include "envelope.h"
#include "limits.h"
#include "pipeline.h"
#include "progress.h"
#include "recog.h"
#include "safetext.h"
#include "store.h"
#include "plot.h"
#include "report.h"
#include "severity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct import {
  const gcw_config *cfg;
  char **files;          /* cfg->files, each file once (read_once) */
  int nfiles;
  gcw_pipeline *p;
  gcw_progress progress;
  long long done_before; /* on-disk bytes of the files already read */
  char *buf;
  int status;            /* worst exit status so far */
  int fatal;             /* the store failed: stop */
} import;

/* What the sources row calls several files: "a.log.2.gz + a.log.1 + a.log". */
static void source_name(const import *im, char *out, size_t n) {
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < im->nfiles && used + 1 < n; i++)
    used += (size_t)snprintf(out + used, n - used, "%s%s", i ? " + " : "", im->files[i]);
}

static long long total_size(const import *im) {
  long long total = 0;
  struct stat st;
  for (int i = 0; i < im->nfiles; i++) {
    if (strcmp(im->files[i], "-") == 0 || stat(im->files[i], &st) != 0 || !S_ISREG(st.st_mode))
      return -1; /* unknown: no progress bar */
    total += (long long)st.st_size;
  }
  return total;
}

/* The same file named twice (by the same or another name, a link, "-" twice) is read
** once, where it first appears: reading it again would store every line twice. */
static int read_once(import *im) {
  const gcw_config *cfg = im->cfg;
  struct stat *seen = calloc((size_t)cfg->nfiles, sizeof *seen);
  im->files = calloc((size_t)cfg->nfiles, sizeof *im->files);
  if (!seen || !im->files) {
    free(seen);
    return -1;
  }
  for (int i = 0; i < cfg->nfiles; i++) {
    const char *f = cfg->files[i];
    struct stat st;
    int known = strcmp(f, "-") == 0 ? fstat(0, &st) == 0 : stat(f, &st) == 0;
    int dup = -1;
    for (int k = 0; known && k < im->nfiles && dup < 0; k++)
      if (seen[k].st_dev == st.st_dev && seen[k].st_ino == st.st_ino && seen[k].st_nlink)
        dup = k;
    if (dup >= 0) {
      gcw_warn("gctrace-watch: %s: the same file as %s, given before: read once\n", f,
               im->files[dup]);
      continue;
    }
    if (known)
      seen[im->nfiles] = st;
    im->files[im->nfiles++] = cfg->files[i];
  }
  free(seen);
  return 0;
}

/* Say what is odd about a file that contributed nothing, and mark the status. A file
** whose reading failed was reported already: it is not also called empty. */
static void judge_file(import *im, const char *path, const gcw_source_totals *f, int failed) {
  const char *why = NULL;
  if (!failed && f->bytes == 0)
    why = "empty file";
  else if (!failed && f->nul_bytes > 0 && f->events == 0)
    why = "binary data, no GC trace lines";
  else if (!failed && f->events == 0)
    why = "no GC trace lines found (the program prints them with GODEBUG=gctrace=1 in its "
          "environment; 'gctrace-watch -- PROG' sets it)";
  if (f->bad_records > 0)
    im->status = GCW_EXIT_IO; /* each was named (the first five) as it was read */
  if (f->bad_records > 5)
    gcw_warn("gctrace-watch: %s: %ld records did not decode (kept as plain text)\n",
            path, f->bad_records);
  if (!why)
    return;
  gcw_warn("gctrace-watch: %s: %s\n", path, why);
  im->status = GCW_EXIT_IO;
}

static void read_file(import *im, int ordinal, const char *path, long long start) {
  char msg[256];
  gcw_input *in;
  if (gcw_input_open(&in, path, msg, sizeof msg) ||
      (start > 0 && gcw_input_seek(in, start) && snprintf(msg, sizeof msg, "cannot seek"))) {
    gcw_warn("gctrace-watch: %s: %s\n", path, msg);
    im->status = GCW_EXIT_IO;
    return;
  }
  gcw_source_totals f;
  gcw_err e = GCW_OK;
  int failed = 0;
  gcw_pipeline_file_begin(im->p);
  for (long n; !e && (n = gcw_input_read(in, im->buf, GCW_READ_CHUNK, msg, sizeof msg)) != 0;) {
    if (n < 0) {
      gcw_warn("gctrace-watch: %s: %s (kept what was read before)\n", path, msg);
      im->status = GCW_EXIT_IO;
      failed = 1;
      break;
    }
    e = gcw_pipeline_feed(im->p, im->buf, (size_t)n);
    gcw_progress_update(&im->progress, im->done_before + gcw_input_offset(in),
                        gcw_pipeline_lines(im->p));
  }
  im->done_before += gcw_input_size(in) > 0 ? gcw_input_size(in) : 0;
  if (!e)
    e = gcw_pipeline_file_end(im->p, ordinal, path, gcw_input_kind(in), &f);
  if (!e && (failed || f.nul_bytes > 0))
    gcw_pipeline_end_line(im->p);
  if (e) {
    im->fatal = 1;
    im->status = GCW_EXIT_IO;
  } else {
    judge_file(im, path, &f, failed);
  }
  gcw_input_close(&in);
}

/* Importing content already in the store adds nothing: remove the copy, say so. */
static void drop_if_duplicate(import *im, gcw_store *s, long long id, const char *sha) {
  long long other = 0;
  if (gcw_store_find_duplicate(s, id, sha, &other) || other == 0)
    return;
  if (gcw_store_source_delete(s, id) == GCW_OK && !im->cfg->quiet)
    gcw_warn("gctrace-watch: same content (sha256 %.12s...) as source %lld, "
             "imported before: nothing added\n", sha, other);
}

/* After the import: the report (statistics of its runs are computed for it; with --quiet
** nothing is printed, and `report` computes them when first asked), --plot, --fail-on. */
static void finish_import(import *im, gcw_store *s, long long source_id) {
  enum { MAX_REPORTED = 1024 };
  long long ids[MAX_REPORTED];
  if (gcw_store_tick(s, 1) != GCW_OK) {
    im->status = GCW_EXIT_IO;
    return;
  }
  int n = gcw_store_run_ids(s, source_id, ids, MAX_REPORTED);
  gcw_db *db = gcw_store_reader(s);
  if (!im->cfg->quiet && n > 0 &&
      (gcw_cmd_stats(db, ids, n) < 0 || gcw_report_print(db, ids, n, 0, stdout) != GCW_OK))
    im->status = GCW_EXIT_IO;
  if (im->cfg->plot_file && n > 0) {
    char err[512] = "";
    int st = gcw_cmd_status(
        gcw_plot_run(db, ids[n - 1], "all", im->cfg->plot_file, NULL, 0, err, sizeof err));
    if (err[0])
      gcw_warn_lines("gctrace-watch: %s\n", err);
    if (st && im->status == GCW_EXIT_OK)
      im->status = st;
  }
  int worst = gcw_store_worst_finding(s, source_id); /* a rank of severity.h */
  if (im->cfg->fail_on && im->status == GCW_EXIT_OK &&
      worst >= gcw_severity_rank(im->cfg->fail_on))
    im->status = GCW_EXIT_FINDINGS;
}

/* An import of the same files that was killed before its end is replaced: its rows are
** deleted and the files read again from the start (exactly once in the end). */
static int replace_unfinished(import *im, gcw_store *s, const char *name) {
  long long ids[16];
  int n = gcw_store_unfinished(s, name, ids, 16);
  for (int i = 0; i < n; i++) {
    if (gcw_store_source_delete(s, ids[i]) != GCW_OK) {
      gcw_warn("gctrace-watch: %s: %s\n", im->cfg->db, gcw_store_errmsg(s));
      return -1;
    }
    if (!im->cfg->quiet)
      gcw_warn("gctrace-watch: %s: its import as source %lld did not finish: replaced\n",
               name, ids[i]);
  }
  return n < 0 ? -1 : 0;
}

/* A log that grew since its last import is read on from where that import stopped, into
** the same source: same digest of the bytes read then, which ended with a whole line. */
static int grown_since(const char *path, const gcw_import_info *prev, gcw_sha256 *sha) {
  struct stat st;
  char hex[65], buf[64 * 1024];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= prev->bytes) {
    if (fd >= 0)
      close(fd);
    return 0;
  }
  gcw_sha256_init(sha);
  long long left = prev->bytes;
  char last = 0;
  while (left > 0) {
    ssize_t n = read(fd, buf, left < (long long)sizeof buf ? (size_t)left : sizeof buf);
    if (n <= 0)
      break;
    gcw_sha256_update(sha, buf, (size_t)n);
    last = buf[n - 1];
    left -= n;
  }
  close(fd);
  if (left != 0 || last != '\n')
    return 0;
  gcw_sha256 copy = *sha;
  gcw_sha256_hex(&copy, hex);
  return strcmp(hex, prev->sha256) == 0;
}

/* 1 when the one file was continued (or failed trying: im->fatal), 0 to import it whole. */
static int try_continue(import *im, gcw_store *s, const char *name, long long *id) {
  gcw_import_info prev;
  gcw_resume r;
  gcw_source_totals t;
  if (im->nfiles != 1 || strcmp(name, "-") == 0 || gcw_store_last_import(s, name, &prev) != 1 ||
      !grown_since(name, &prev, &r.sha))
    return 0;
  r.source_id = prev.source_id;
  r.bytes = prev.bytes;
  r.lines = prev.lines;
  r.overlong = prev.overlong;
  r.ordinals = prev.ordinals;
  r.have_run = prev.have_run;
  r.run = prev.run;
  if (gcw_store_source_reopen(s, prev.source_id) != GCW_OK ||
      gcw_pipeline_source_resume(im->p, name, &r) != GCW_OK) {
    im->fatal = 1;
    return 1;
  }
  if (!im->cfg->quiet)
    gcw_warn("gctrace-watch: %s: grew since its import as source %lld: read on from byte %lld "
             "(line %ld)\n", name, prev.source_id, prev.bytes, prev.lines + 1);
  *id = prev.source_id;
  gcw_progress_start(&im->progress, total_size(im) - prev.bytes, im->cfg->quiet);
  read_file(im, prev.files + 1, name, prev.bytes);
  gcw_progress_end(&im->progress);
  if (gcw_pipeline_source_end(im->p, &t) != GCW_OK)
    im->fatal = 1;
  return 1;
}

static void import_all(import *im, gcw_store *s, long long *id) {
  char name[1024];
  gcw_source_totals t;
  source_name(im, name, sizeof name);
  if (replace_unfinished(im, s, name) != 0) {
    im->status = GCW_EXIT_IO;
    im->fatal = 2; /* said */
    return;
  }
  if (try_continue(im, s, name, id))
    return;
  if (gcw_pipeline_source_begin(im->p, name, im->nfiles > 1 ? "files" : "file", id)) {
    im->fatal = 1;
    return;
  }
  gcw_progress_start(&im->progress, total_size(im), im->cfg->quiet);
  for (int i = 0; i < im->nfiles && !im->fatal; i++)
    read_file(im, i + 1, im->files[i], 0);
  gcw_progress_end(&im->progress);
  if (gcw_pipeline_source_end(im->p, &t) != GCW_OK)
    im->fatal = 1;
  if (!im->fatal)
    drop_if_duplicate(im, s, *id, t.sha256);
}

int gcw_cmd_analyze(const gcw_config *cfg) {
  if (cfg->follow)
    return gcw_cmd_follow(cfg);
  if (cfg->metrics) { /* an import ends when its files do: nothing would be scraped */
    gcw_warn("gctrace-watch: analyze takes --metrics with --follow only (for archived "
                    "runs: export --format openmetrics); try 'gctrace-watch analyze --help'\n");
    return GCW_EXIT_USAGE;
  }
  gcw_recog *r = NULL;
  gcw_store *s = NULL;
  import im = {cfg, NULL, 0, NULL, {0, 0, 0, 0}, 0, NULL, GCW_EXIT_OK, 0};
  int status = gcw_cmd_open(cfg, &r, &s);
  if (status >= 0)
    return status;
  long long id = 0;
  gcw_run_meta meta = {cfg->labels, cfg->nlabels, NULL, {NULL, NULL, NULL, NULL}};
  gcw_pipeline_opts o = {GCW_PASS_NONE, stdout, 0, cfg->quiet,
                         gcw_envelope_kind_parse(cfg->input_format),
                         {cfg->thresholds, cfg->nthresholds, cfg->pause_slo_ms, 0, 0}, NULL,
                         &meta};
  im.buf = malloc(GCW_READ_CHUNK);
  gcw_err e = im.buf && read_once(&im) == 0 ? gcw_pipeline_new(&im.p, r, s, o) : GCW_ENOMEM;
  if (e) {
    gcw_warn("gctrace-watch: %s%s\n", e == GCW_EUSAGE ? gcw_pipeline_errmsg(im.p) : "out of memory",
            e == GCW_EUSAGE ? "; try 'gctrace-watch analyze --help'" : "");
    im.status = e == GCW_EUSAGE ? GCW_EXIT_USAGE : GCW_EXIT_INTERNAL;
    goto out;
  }
  import_all(&im, s, &id);
  if (im.fatal == 1)
    gcw_warn("gctrace-watch: %s: %s\n", cfg->db, gcw_pipeline_errmsg(im.p));
  else if (!im.fatal)
    finish_import(&im, s, id);
out:
  gcw_pipeline_free(&im.p);
  free(im.files);
  free(im.buf);
  gcw_recog_close(&r);
  return gcw_cmd_close(&s, im.status);
}

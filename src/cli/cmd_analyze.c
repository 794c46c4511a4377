/* cmd_analyze.c: `gctrace-watch analyze FILE...`: import archived logs as one stream in the
** order given (a logrotate set oldest first is one continuous stream), then summarize. */
#include "cmd.h"

#include "input.h"
#include "envelope.h"
#include "limits.h"
#include "pipeline.h"
#include "progress.h"
#include "recog.h"
#include "store.h"
#include "plot.h"
#include "report.h"
#include "severity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct import {
  const gcw_config *cfg;
  gcw_pipeline *p;
  gcw_progress progress;
  long long done_before; /* on-disk bytes of the files already read */
  char *buf;
  int status;            /* worst exit status so far */
  int fatal;             /* the store failed: stop */
} import;

/* What the sources row calls several files: "a.log.2.gz + a.log.1 + a.log". */
static void source_name(const gcw_config *cfg, char *out, size_t n) {
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < cfg->nfiles && used + 1 < n; i++)
    used += (size_t)snprintf(out + used, n - used, "%s%s", i ? " + " : "", cfg->files[i]);
}

static long long total_size(const gcw_config *cfg) {
  long long total = 0;
  struct stat st;
  for (int i = 0; i < cfg->nfiles; i++) {
    if (strcmp(cfg->files[i], "-") == 0 || stat(cfg->files[i], &st) != 0 || !S_ISREG(st.st_mode))
      return -1; /* unknown: no progress bar */
    total += (long long)st.st_size;
  }
  return total;
}

/* Say what is odd about a file that contributed nothing, and mark the status. */
static void judge_file(import *im, const char *path, const gcw_source_totals *f) {
  const char *why = NULL;
  if (f->bytes == 0)
    why = "empty file";
  else if (f->nul_bytes > 0 && f->events == 0)
    why = "binary data, no GC trace lines";
  else if (f->events == 0)
    why = "no GC trace lines found (the program prints them with GODEBUG=gctrace=1 in its "
          "environment; 'gctrace-watch -- PROG' sets it)";
  if (f->bad_records > 0)
    im->status = GCW_EXIT_IO; /* each was named (the first five) as it was read */
  if (f->bad_records > 5)
    fprintf(stderr, "gctrace-watch: %s: %ld records did not decode (kept as plain text)\n",
            path, f->bad_records);
  if (!why)
    return;
  fprintf(stderr, "gctrace-watch: %s: %s\n", path, why);
  im->status = GCW_EXIT_IO;
}

static void read_file(import *im, int ordinal, const char *path) {
  char msg[256];
  gcw_input *in;
  if (gcw_input_open(&in, path, msg, sizeof msg)) {
    fprintf(stderr, "gctrace-watch: %s: %s\n", path, msg);
    im->status = GCW_EXIT_IO;
    return;
  }
  gcw_source_totals f;
  gcw_err e = GCW_OK;
  int failed = 0;
  gcw_pipeline_file_begin(im->p);
  for (long n; !e && (n = gcw_input_read(in, im->buf, GCW_READ_CHUNK, msg, sizeof msg)) != 0;) {
    if (n < 0) {
      fprintf(stderr, "gctrace-watch: %s: %s (kept what was read before)\n", path, msg);
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
    judge_file(im, path, &f);
  }
  gcw_input_close(&in);
}

/* Importing content already in the store adds nothing: remove the copy, say so. */
static void drop_if_duplicate(import *im, gcw_store *s, long long id, const char *sha) {
  long long other = 0;
  if (gcw_store_find_duplicate(s, id, sha, &other) || other == 0)
    return;
  if (gcw_store_source_delete(s, id) == GCW_OK && !im->cfg->quiet)
    fprintf(stderr, "gctrace-watch: same content (sha256 %.12s...) as source %lld, "
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
      fprintf(stderr, "gctrace-watch: %s\n", err);
    if (st && im->status == GCW_EXIT_OK)
      im->status = st;
  }
  int worst = gcw_store_worst_finding(s, source_id); /* a rank of severity.h */
  if (im->cfg->fail_on && im->status == GCW_EXIT_OK &&
      worst >= gcw_severity_rank(im->cfg->fail_on))
    im->status = GCW_EXIT_FINDINGS;
}

static void import_all(import *im, gcw_store *s, long long *id) {
  char name[1024];
  gcw_source_totals t;
  source_name(im->cfg, name, sizeof name);
  if (gcw_pipeline_source_begin(im->p, name, im->cfg->nfiles > 1 ? "files" : "file", id)) {
    im->fatal = 1;
    return;
  }
  gcw_progress_start(&im->progress, total_size(im->cfg), im->cfg->quiet);
  for (int i = 0; i < im->cfg->nfiles && !im->fatal; i++)
    read_file(im, i + 1, im->cfg->files[i]);
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
    fprintf(stderr, "gctrace-watch: analyze takes --metrics with --follow only (for archived "
                    "runs: export --format openmetrics); try 'gctrace-watch analyze --help'\n");
    return GCW_EXIT_USAGE;
  }
  gcw_recog *r = NULL;
  gcw_store *s = NULL;
  import im = {cfg, NULL, {0, 0, 0, 0}, 0, NULL, GCW_EXIT_OK, 0};
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
  gcw_err e = im.buf ? gcw_pipeline_new(&im.p, r, s, o) : GCW_ENOMEM;
  if (e) {
    fprintf(stderr, "gctrace-watch: %s%s\n", e == GCW_EUSAGE ? gcw_pipeline_errmsg(im.p) : "out of memory",
            e == GCW_EUSAGE ? "; try 'gctrace-watch analyze --help'" : "");
    im.status = e == GCW_EUSAGE ? GCW_EXIT_USAGE : GCW_EXIT_INTERNAL;
    goto out;
  }
  import_all(&im, s, &id);
  if (im.fatal)
    fprintf(stderr, "gctrace-watch: %s: %s\n", cfg->db, gcw_pipeline_errmsg(im.p));
  else
    finish_import(&im, s, id);
out:
  gcw_pipeline_free(&im.p);
  free(im.buf);
  gcw_recog_close(&r);
  return gcw_cmd_close(&s, im.status);
}

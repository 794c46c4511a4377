/* cmd_analyze.c: `gctrace-watch analyze FILE...`: import archived logs, then summarize. */
#include "cmd.h"

#include "input.h"
#include "limits.h"
#include "pipeline.h"
#include "recog.h"
#include "store.h"
#include "summary.h"

#include <stdio.h>
#include <stdlib.h>

/* Import one file. Returns 0, or an exit status for a failure of this file. */
static int import_file(gcw_pipeline *p, const char *path, char *buf, long long *source_id,
                       int *fatal) {
  char msg[256];
  gcw_input *in;
  if (gcw_input_open(&in, path, msg, sizeof msg)) {
    fprintf(stderr, "gctrace-watch: %s: %s\n", path, msg);
    return GCW_EXIT_IO;
  }
  int status = 0;
  gcw_err e = gcw_pipeline_source_begin(p, path, gcw_input_kind(in), source_id);
  for (long n; !e && (n = gcw_input_read(in, buf, GCW_READ_CHUNK, msg, sizeof msg)) != 0;) {
    if (n < 0) {
      fprintf(stderr, "gctrace-watch: %s: %s (kept what was read before)\n", path, msg);
      status = GCW_EXIT_IO;
      break;
    }
    e = gcw_pipeline_feed(p, buf, (size_t)n);
  }
  if (!e)
    e = gcw_pipeline_source_end(p, NULL);
  if (e) {
    fprintf(stderr, "gctrace-watch: %s: %s\n", path, gcw_pipeline_errmsg(p));
    *fatal = 1;
    status = GCW_EXIT_IO;
  }
  gcw_input_close(&in);
  return status;
}

int gcw_cmd_analyze(const gcw_config *cfg) {
  gcw_recog *r = NULL;
  gcw_store *s = NULL;
  gcw_pipeline *p = NULL;
  int status = gcw_cmd_open(cfg, &r, &s);
  if (status >= 0)
    return status;
  status = GCW_EXIT_OK;
  char *buf = malloc(GCW_READ_CHUNK);
  long long *ids = calloc((size_t)cfg->nfiles, sizeof *ids);
  int nids = 0, fatal = 0;
  gcw_pipeline_opts o = {GCW_PASS_NONE, 0, cfg->quiet};
  if (!buf || !ids || gcw_pipeline_new(&p, r, s, o)) {
    fprintf(stderr, "gctrace-watch: out of memory\n");
    status = GCW_EXIT_INTERNAL;
    goto out;
  }
  for (int i = 0; i < cfg->nfiles && !fatal; i++) {
    long long id = 0;
    int st = import_file(p, cfg->files[i], buf, &id, &fatal);
    if (id > 0)
      ids[nids++] = id;
    if (st)
      status = st;
  }
  if (!fatal && gcw_store_tick(s, 1) == GCW_OK && !cfg->quiet)
    gcw_summary_print(s, ids, nids, stdout);
out:
  gcw_pipeline_free(&p);
  free(ids);
  free(buf);
  gcw_recog_close(&r);
  return gcw_cmd_close(&s, status);
}

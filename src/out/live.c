/* live.c: live findings and the exit summary on stderr. See live.h. */
#include "live.h"

#include "json.h"
#include "severity.h"
#include "writer.h"
#include "safetext.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How much of a database path the exit summary shows (longer paths are cut). */
#define GCW_LIVE_DB_SHOWN 1024

int gcw_live_colour(FILE *f) { return gcw_colour_wanted(f); }

/* ---- JSON ------------------------------------------------------------------------ */

/* A JSON string of n bytes of s (json.h: any bytes give valid JSON). */
static void json_strn(FILE *f, const char *s, size_t n) {
  gcw_writer w = gcw_writer_to_file(f, NULL, 0);
  gcw_json_string(&w, s, n);
  gcw_writer_flush(&w);
}

static void json_str(FILE *f, const char *s) { json_strn(f, s ? s : "", s ? strlen(s) : 0); }

/* A number, or null for "not known" (negative where only >= 0 makes sense). */
static void json_num(FILE *f, double v, int known) {
  if (!known || !isfinite(v))
    fputs("null", f);
  else
    fprintf(f, "%.10g", v);
}

static void json_labels(FILE *f, const gcw_live *l) {
  fputs("{", f);
  for (int i = 0; i < l->nlabels; i++) {
    const char *eq = strchr(l->labels[i], '=');
    size_t k = eq ? (size_t)(eq - l->labels[i]) : strlen(l->labels[i]);
    fputs(i ? "," : "", f);
    json_strn(f, l->labels[i], k);
    putc(':', f);
    json_str(f, eq ? eq + 1 : "");
  }
  fputs("}", f);
}

static void json_finding(const gcw_live *l, const char *event, long long run_id,
                         const gcw_finding *fd) {
  FILE *f = l->f;
  fputs("{\"type\":\"finding\",\"event\":", f);
  json_str(f, event);
  fputs(",\"kind\":", f);
  json_str(f, fd->kind);
  fputs(",\"severity\":", f);
  json_str(f, gcw_severity_name(fd->severity));
  if (run_id > 0)
    fprintf(f, ",\"run\":%lld,\"labels\":", run_id);
  else /* not stored yet: the database was unavailable (fail-open) */
    fputs(",\"run\":null,\"labels\":", f);
  json_labels(f, l);
  fputs(",\"gc\":", f);
  json_num(f, (double)fd->gc, fd->gc >= 0);
  fputs(",\"t_s\":", f);
  json_num(f, fd->t_s, fd->t_s >= 0);
  fputs(",\"wall\":", f);
  if (fd->wall[0])
    json_str(f, fd->wall);
  else
    fputs("null", f);
  fputs(",\"end_gc\":", f);
  json_num(f, (double)fd->end_gc, fd->end_gc >= 0);
  fputs(",\"end_t_s\":", f);
  json_num(f, fd->end_t_s, fd->end_t_s >= 0);
  fputs(",\"value\":", f);
  json_num(f, fd->value, 1);
  fputs(",\"threshold\":", f);
  json_num(f, fd->threshold, 1);
  fputs(",\"unit\":", f);
  json_str(f, fd->unit);
  fputs(",\"message\":", f);
  json_str(f, fd->message);
  fputs(",\"next_step\":", f);
  json_str(f, fd->next_step);
  fputs("}\n", f);
}

/* ---- text ------------------------------------------------------------------------ */

static void text_where(char *where, size_t n, const gcw_finding *fd) {
  char wall[4 * sizeof fd->wall]; /* the wall time comes from the input (an envelope's) */
  gcw_safe_text(wall, sizeof wall, fd->wall, strlen(fd->wall));
  if (fd->wall[0])
    snprintf(where, n, "gc %ld %s", fd->gc, wall);
  else if (fd->t_s >= 0)
    snprintf(where, n, "gc %ld @%.3fs", fd->gc, fd->t_s);
  else
    snprintf(where, n, "gc %ld", fd->gc);
}

static void text_finding(const gcw_live *l, const char *event, long long run_id,
                         const gcw_finding *fd) {
  const char *sev = gcw_severity_name(fd->severity), *unit = fd->unit ? fd->unit : "";
  char where[200], colour[16], msg[4 * sizeof fd->message];
  text_where(where, sizeof where, fd);
  gcw_safe_text(msg, sizeof msg, fd->message, strlen(fd->message));
  snprintf(colour, sizeof colour, "\033[%sm", gcw_severity_colour(sev));
  const char *on = l->colour ? colour : "", *off = l->colour ? "\033[0m" : "";
  char run[40] = "run not stored yet"; /* fail-open: the database was unavailable */
  if (run_id > 0)
    snprintf(run, sizeof run, "run %lld", run_id);
  if (strcmp(event, "close") == 0) {
    char span[64] = "";
    if (fd->end_t_s >= 0 && fd->t_s >= 0)
      snprintf(span, sizeof span, ", %.1f s", fd->end_t_s - fd->t_s);
    fprintf(l->f, "gctrace-watch: ended %s%s%s %s (%s, %s to gc %ld%s): worst %.4g %s "
                  "(threshold %.4g %s)\n",
            on, sev, off, fd->kind, run, where, fd->end_gc, span, fd->value, unit,
            fd->threshold, unit);
  } else {
    fprintf(l->f, "gctrace-watch: %s%s%s %s%s (%s, %s): %s [%.4g %s, threshold %.4g %s]\n",
            on, sev, off, fd->kind, strcmp(event, "open") ? " worse" : "", run, where,
            msg, fd->value, unit, fd->threshold, unit);
  }
}

void gcw_live_finding(const gcw_live *l, const char *event, long long run_id,
                      const gcw_finding *fd) {
  if (l->json)
    json_finding(l, event, run_id, fd);
  else
    text_finding(l, event, run_id, fd);
  fflush(l->f);
}

void gcw_live_summary_print(const gcw_live *l, const gcw_live_summary *s) {
  FILE *f = l->f;
  if (l->json) {
    fprintf(f, "{\"type\":\"summary\",\"cycles\":%ld,\"runs\":%ld,\"first_run\":", s->cycles,
            s->runs);
    json_num(f, (double)s->first_run, s->first_run > 0);
    fputs(",\"last_run\":", f);
    json_num(f, (double)s->last_run, s->last_run > 0);
    fputs(",\"labels\":", f);
    json_labels(f, l);
    fprintf(f, ",\"findings\":{\"error\":%ld,\"warn\":%ld,\"info\":%ld},\"joined\":%ld,"
               "\"db\":",
            s->findings[GCW_SEV_ERROR], s->findings[GCW_SEV_WARN], s->findings[GCW_SEV_INFO],
            s->joined);
    json_str(f, s->db);
    fputs("}\n", f);
  } else {
    char runs[64] = "";
    if (s->runs == 1)
      snprintf(runs, sizeof runs, " (run %lld)", s->first_run);
    else if (s->runs > 1)
      snprintf(runs, sizeof runs, " (runs %lld-%lld)", s->first_run, s->last_run);
    char run[32] = "";
    if (s->last_run > 0)
      snprintf(run, sizeof run, " --run %lld", s->last_run);
    char joined[64] = "";
    if (s->joined > 0)
      snprintf(joined, sizeof joined, " (+%ld symptom%s in memlimit_thrash)", s->joined,
               s->joined == 1 ? "" : "s");
    char db[4 * GCW_LIVE_DB_SHOWN]; /* a path of the user's */
    gcw_safe_text(db, sizeof db, s->db, strnlen(s->db, GCW_LIVE_DB_SHOWN));
    fprintf(f, "gctrace-watch: %ld cycles in %ld run%s%s; findings: %ld error, %ld warn, %ld "
               "info%s; stored in %s (gctrace-watch report --db %s%s)\n",
            s->cycles, s->runs, s->runs == 1 ? "" : "s", runs, s->findings[GCW_SEV_ERROR],
            s->findings[GCW_SEV_WARN], s->findings[GCW_SEV_INFO], joined, db, db, run);
  }
  fflush(f);
}

/*
** test_recog.c: unit tests of the recognizer (recog.h) on every line format of
** /work/shared/formats.md, one table of lines per format family.
**
** Every line says where it comes from: a corpus file and line (real output, checked
** byte for byte against the corpus by test_quotes_are_verbatim), a line quoted as real in
** formats.md (checked to appear there verbatim), or "synthesized"/"built by this test"
** with what it was built from. A synthesized line is never called real.
**
** For every line the whole event is compared: family, kind, unknown_parts, era_min,
** era_max, and every field of fields.h: a field listed in the table must be present with
** that value, every other field must be absent. Units are as the runtime printed them
** (phase times in ms, 0.015 -> 0.015), except the legacy "__us" fields (Go 1.3/1.4),
** which are ms (us / 1000), and the hex "0x.. MB released" (Go 1.0/1.1), read as hex.
** Flags follow docs/schema.md ("Flags"): 1 when the marker was printed, 0 on every other
** line of a family that prints the marker in some release, absent on families that never
** print it (so leak_check is 0 on every Go 1.5+ gc line without the infix; forced is
** absent on gcN(M) and scvgN: lines; scav controller_reset and pacer "end" are 0 or 1).
** Eras are the Go 1.x minor releases that print that exact shape (formats.md §1, §3):
** a table lists the true era, even where the grammar is known to give a wider one.
** All mismatches of a table are printed before the test fails, so one run shows them all.
*/
#include "testutil.h"

#include "event.h"
#include "fields.h"
#include "recog.h"

/* ---- expected events ----------------------------------------------------- */

typedef struct fv {
  const char *name; /* NULL ends the list */
  gcw_field f;
  double v;
} fv;
#define FV(n, val) {#n, GCW_F_##n, (double)(val)}

typedef enum origin {
  REAL_CORPUS,  /* verbatim line cfile:cline of the corpus */
  REAL_FORMATS, /* quoted as real output in formats.md (src says from where) */
  SYNTH         /* synthesized or built here; src says from what */
} origin;

enum { MAX_FV = 24 };

typedef struct want {
  const char *text;   /* the trace line, from its head to its end */
  const char *before; /* corpus lines only: what precedes the head on that line, or NULL */
  origin from;
  const char *cfile; /* REAL_CORPUS: file under the corpus directory */
  int cline;         /* REAL_CORPUS: 1-based line */
  const char *src;   /* the source in words (Go version, issue, or how it was built) */
  gcw_family family;
  const char *kind;
  int unknown_parts;
  int era_min, era_max;
  fv f[MAX_FV];
} want;

#define CORPUS(file, line) .from = REAL_CORPUS, .cfile = (file), .cline = (line)
#define ERA(a, b) .era_min = (a), .era_max = (b)
#define GC .family = GCW_FAM_GC, .kind = "gc"
#define GC_LEGACY .family = GCW_FAM_GC_LEGACY, .kind = "gc_legacy"
#define SCVG .family = GCW_FAM_SCVG, .kind = "scvg"
#define SCAV .family = GCW_FAM_SCAV, .kind = "scav"
#define PACER(k) .family = GCW_FAM_PACER, .kind = (k)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int same_double(double a, double b) {
  double d = a - b;
  return (d < 0 ? -d : d) < 1e-9;
}

/* One printed mismatch; returns 1 so callers can count. */
static int mismatch(const want *w, const char *what, const char *got, const char *expected) {
  if (w->from == REAL_CORPUS)
    print_error("MISMATCH %s: got %s, expected %s\n  line (corpus %s:%d, %s): %s\n", what, got,
                expected, w->cfile, w->cline, w->src ? w->src : "", w->text);
  else
    print_error("MISMATCH %s: got %s, expected %s\n  line (%s): %s\n", what, got, expected,
                w->src, w->text);
  return 1;
}

static int mismatch_int(const want *w, const char *what, long got, long expected) {
  char g[32], e[32];
  snprintf(g, sizeof g, "%ld", got);
  snprintf(e, sizeof e, "%ld", expected);
  return mismatch(w, what, g, e);
}

static int mismatch_real(const want *w, const char *what, double got, double expected) {
  char g[40], e[40];
  snprintf(g, sizeof g, "%.17g", got);
  snprintf(e, sizeof e, "%.17g", expected);
  return mismatch(w, what, g, e);
}

/* Compare a recognized event with w; returns the number of mismatches (all printed). */
static int compare_event(const want *w, const gcw_event *ev) {
  int bad = 0;
  uint8_t listed[GCW_NFIELDS] = {0};
  if (ev->family != w->family)
    bad += mismatch(w, "family", gcw_family_name(ev->family), gcw_family_name(w->family));
  if (!ev->kind || strcmp(ev->kind, w->kind) != 0)
    bad += mismatch(w, "kind", ev->kind ? ev->kind : "(null)", w->kind);
  if (ev->unknown_parts != w->unknown_parts)
    bad += mismatch_int(w, "unknown_parts", ev->unknown_parts, w->unknown_parts);
  if (ev->era_min != w->era_min)
    bad += mismatch_int(w, "era_min", ev->era_min, w->era_min);
  if (ev->era_max != w->era_max)
    bad += mismatch_int(w, "era_max", ev->era_max, w->era_max);
  for (const fv *p = w->f; p->name; p++) {
    listed[p->f] = 1;
    if (!ev->present[p->f])
      bad += mismatch(w, p->name, "absent", "present");
    else if (!same_double(ev->v[p->f], p->v))
      bad += mismatch_real(w, p->name, ev->v[p->f], p->v);
  }
  for (int i = 0; i < GCW_NFIELDS; i++)
    if (ev->present[i] && !listed[i]) {
      char g[64];
      snprintf(g, sizeof g, "present (%.17g)", ev->v[i]);
      bad += mismatch(w, gcw_field_infos[i].name, g, "absent");
    }
  return bad;
}

/* Offset of the first head in text[0,len) at which a whole line is recognized, or -1. */
static long first_line(gcw_recog *r, const char *text, size_t len, gcw_event *ev) {
  for (long off = gcw_recog_find_start(r, text, len, 0); off >= 0;
       off = gcw_recog_find_start(r, text, len, (size_t)off + 1))
    if (gcw_recog_line(r, text + off, len - (size_t)off, ev))
      return off;
  return -1;
}

/* Recognize w->text (behind w->before when there is one) and compare. */
static int check_want(gcw_recog *r, const want *w) {
  gcw_event ev;
  memset(&ev, 0xA5, sizeof ev); /* the recognizer must set everything it reports */
  ev.kind = NULL;
  if (w->before) {
    char full[4096];
    int n = snprintf(full, sizeof full, "%s%s", w->before, w->text);
    assert_true(n > 0 && (size_t)n < sizeof full);
    int bad = 0;
    if (gcw_recog_line(r, full, (size_t)n, &ev))
      bad += mismatch(w, "gcw_recog_line at offset 0 of the physical line", "recognized",
                      "not recognized");
    long off = first_line(r, full, (size_t)n, &ev);
    if (off != (long)strlen(w->before))
      return bad + mismatch_int(w, "offset of the first recognized head", off,
                                (long)strlen(w->before));
    return bad + compare_event(w, &ev);
  }
  if (!gcw_recog_line(r, w->text, strlen(w->text), &ev))
    return mismatch(w, "gcw_recog_line", "0 (not recognized)", "1");
  return compare_event(w, &ev);
}

static void check_table(void **state, const want *ws, size_t n) {
  gcw_recog *r = *state;
  int bad = 0;
  for (size_t i = 0; i < n; i++)
    bad += check_want(r, &ws[i]);
  if (bad)
    fail_msg("%d mismatch(es), listed above", bad);
}

/* ---- G1: Go 1.5, five phases (formats.md §5) ------------------------------ */

static const want g1_lines[] = {
    {.text = "gc 73 @9.070s 15%: 1.0+5.0+11+64+2.0 ms clock, 8.0+5.0+0+433/76/0+16 ms cpu, "
             "411->417->214 MB, 422 MB goal, 8 P",
     .from = REAL_FORMATS, .src = "formats.md §5, real, golang/go#12228, Go 1.5", GC, ERA(5, 5),
     .f = {FV(gc, 73), FV(t_s, 9.070), FV(cpu_pct, 15), FV(sweep_term_ms, 1.0), FV(scan_ms, 5.0),
           FV(install_wb_ms, 11), FV(mark_ms, 64), FV(mark_term_ms, 2.0),
           FV(cpu_sweep_term_ms, 8.0), FV(cpu_scan_ms, 5.0), FV(cpu_install_wb_ms, 0),
           FV(cpu_assist_ms, 433), FV(cpu_bg_ms, 76), FV(cpu_idle_ms, 0),
           FV(cpu_mark_term_ms, 16), FV(heap_start_mb, 411), FV(heap_end_mb, 417),
           FV(heap_live_mb, 214), FV(goal_mb, 422), FV(procs, 8), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "gc 3 @0.966s 0%: 0+1.0+1.0+0+1.0 ms clock, 0+1.0+0+1.0/0/0+3.0 ms cpu, 6->7->5 MB, "
             "7 MB goal, 8 P",
     .from = REAL_FORMATS, .src = "formats.md §5, real, golang/go#12228, Go 1.5", GC, ERA(5, 5),
     .f = {FV(gc, 3), FV(t_s, 0.966), FV(cpu_pct, 0), FV(sweep_term_ms, 0), FV(scan_ms, 1.0),
           FV(install_wb_ms, 1.0), FV(mark_ms, 0), FV(mark_term_ms, 1.0), FV(cpu_sweep_term_ms, 0),
           FV(cpu_scan_ms, 1.0), FV(cpu_install_wb_ms, 0), FV(cpu_assist_ms, 1.0),
           FV(cpu_bg_ms, 0), FV(cpu_idle_ms, 0), FV(cpu_mark_term_ms, 3.0), FV(heap_start_mb, 6),
           FV(heap_end_mb, 7), FV(heap_live_mb, 5), FV(goal_mb, 7), FV(procs, 8), FV(forced, 0), FV(leak_check, 0)}},
};

static void test_g1_go15(void **state) { check_table(state, g1_lines, NELEM(g1_lines)); }

/* ---- G2: Go 1.6-1.17, three phases, no stacks/globals (formats.md §6) ------ */

static const want g2_lines[] = {
    {.text = "gc 1 @0.011s 1%: 0.13+16+0.24 ms clock, 0.41+16/1.4/18+0.74 ms cpu, 16->16->16 MB, "
             "17 MB goal, 40 P",
     .from = REAL_FORMATS, .src = "formats.md §6, real, golang/go#18896, Go 1.8", GC, ERA(6, 17),
     .f = {FV(gc, 1), FV(t_s, 0.011), FV(cpu_pct, 1), FV(sweep_term_ms, 0.13), FV(mark_ms, 16),
           FV(mark_term_ms, 0.24), FV(cpu_sweep_term_ms, 0.41), FV(cpu_assist_ms, 16),
           FV(cpu_bg_ms, 1.4), FV(cpu_idle_ms, 18), FV(cpu_mark_term_ms, 0.74),
           FV(heap_start_mb, 16), FV(heap_end_mb, 16), FV(heap_live_mb, 16), FV(goal_mb, 17),
           FV(procs, 40), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "gc 283 @1.205s 0%: 1.0+0+0 ms clock, 3.0+0/0/0+0 ms cpu, 5->6->5 MB, 6 MB goal, 4 P",
     .from = REAL_FORMATS, .src = "formats.md §6, real, golang/go#22439, Windows", GC, ERA(6, 17),
     .f = {FV(gc, 283), FV(t_s, 1.205), FV(cpu_pct, 0), FV(sweep_term_ms, 1.0), FV(mark_ms, 0),
           FV(mark_term_ms, 0), FV(cpu_sweep_term_ms, 3.0), FV(cpu_assist_ms, 0),
           FV(cpu_bg_ms, 0), FV(cpu_idle_ms, 0), FV(cpu_mark_term_ms, 0), FV(heap_start_mb, 5),
           FV(heap_end_mb, 6), FV(heap_live_mb, 5), FV(goal_mb, 6), FV(procs, 4), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "gc 1 @0.006s 2%: 0.007+0.71+0.007 ms clock, 0.015+0.26/0.012/0.55+0.014 ms cpu, "
             "2->2->1 MB, 3 MB goal, 2 P",
     CORPUS("12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log", 1), .src = "go1.13.8", GC,
     ERA(6, 17),
     .f = {FV(gc, 1), FV(t_s, 0.006), FV(cpu_pct, 2), FV(sweep_term_ms, 0.007), FV(mark_ms, 0.71),
           FV(mark_term_ms, 0.007), FV(cpu_sweep_term_ms, 0.015), FV(cpu_assist_ms, 0.26),
           FV(cpu_bg_ms, 0.012), FV(cpu_idle_ms, 0.55), FV(cpu_mark_term_ms, 0.014),
           FV(heap_start_mb, 2), FV(heap_end_mb, 2), FV(heap_live_mb, 1), FV(goal_mb, 3),
           FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "gc 5 @0.073s 11%: 0.14+12+0.003 ms clock, 0.28+5.0/5.9/0+0.007 ms cpu, "
             "13->16->13 MB, 15 MB goal, 2 P",
     CORPUS("12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_stderr.log", 12), .src = "go1.16", GC,
     ERA(6, 17),
     .f = {FV(gc, 5), FV(t_s, 0.073), FV(cpu_pct, 11), FV(sweep_term_ms, 0.14), FV(mark_ms, 12),
           FV(mark_term_ms, 0.003), FV(cpu_sweep_term_ms, 0.28), FV(cpu_assist_ms, 5.0),
           FV(cpu_bg_ms, 5.9), FV(cpu_idle_ms, 0), FV(cpu_mark_term_ms, 0.007),
           FV(heap_start_mb, 13), FV(heap_end_mb, 16), FV(heap_live_mb, 13), FV(goal_mb, 15),
           FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
};

static void test_g2_go16_to_117(void **state) { check_table(state, g2_lines, NELEM(g2_lines)); }

/* ---- G3: Go 1.18+, with MB stacks and MB globals (formats.md §6) ---------- */

static const want g3_lines[] = {
    {.text = "gc 1 @0.007s 3%: 0.039+2.6+0.049 ms clock, 0.078+0.095/0.39/2.1+0.098 ms cpu, "
             "3->4->3 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     CORPUS("01_steady_state_web/gctrace.log", 1), .src = "go1.19.8", GC, ERA(18, 99),
     .f = {FV(gc, 1), FV(t_s, 0.007), FV(cpu_pct, 3), FV(sweep_term_ms, 0.039), FV(mark_ms, 2.6),
           FV(mark_term_ms, 0.049), FV(cpu_sweep_term_ms, 0.078), FV(cpu_assist_ms, 0.095),
           FV(cpu_bg_ms, 0.39), FV(cpu_idle_ms, 2.1), FV(cpu_mark_term_ms, 0.098),
           FV(heap_start_mb, 3), FV(heap_end_mb, 4), FV(heap_live_mb, 3), FV(goal_mb, 4),
           FV(stacks_mb, 0), FV(globals_mb, 0), FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "gc 1 @1.013s 19%: 0.014+250+0.055 ms clock, 0.029+368/130/0+0.11 ms cpu, "
             "850->851->518 MB, 720 MB goal, 18 MB stacks, 0 MB globals, 2 P",
     CORPUS("12d_esbuild_0.17.19_go1.20.4/esbuild_stderr.log", 1), .src = "go1.20.4", GC,
     ERA(18, 99),
     .f = {FV(gc, 1), FV(t_s, 1.013), FV(cpu_pct, 19), FV(sweep_term_ms, 0.014), FV(mark_ms, 250),
           FV(mark_term_ms, 0.055), FV(cpu_sweep_term_ms, 0.029), FV(cpu_assist_ms, 368),
           FV(cpu_bg_ms, 130), FV(cpu_idle_ms, 0), FV(cpu_mark_term_ms, 0.11),
           FV(heap_start_mb, 850), FV(heap_end_mb, 851), FV(heap_live_mb, 518), FV(goal_mb, 720),
           FV(stacks_mb, 18), FV(globals_mb, 0), FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "gc 22 @125.806s 0%: 0.028+1.6+0.004 ms clock, 0.056+0.037/0.088/0.097+0.008 ms cpu, "
             "0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     CORPUS("05b_seed_slice_append/gctrace.log", 44), .src = "go1.19.8, after GC forced", GC,
     ERA(18, 99),
     .f = {FV(gc, 22), FV(t_s, 125.806), FV(cpu_pct, 0), FV(sweep_term_ms, 0.028),
           FV(mark_ms, 1.6), FV(mark_term_ms, 0.004), FV(cpu_sweep_term_ms, 0.056),
           FV(cpu_assist_ms, 0.037), FV(cpu_bg_ms, 0.088), FV(cpu_idle_ms, 0.097),
           FV(cpu_mark_term_ms, 0.008), FV(heap_start_mb, 0), FV(heap_end_mb, 0),
           FV(heap_live_mb, 0), FV(goal_mb, 4), FV(stacks_mb, 0), FV(globals_mb, 0),
           FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "gc 1 @0.005s 1%: 0.052+1.1+0.12 ms clock, 3.3+0.093/0.92/0+7.7 ms cpu, 3->4->1 MB, "
             "4 MB goal, 0 MB stacks, 0 MB globals, 64 P",
     .from = REAL_FORMATS, .src = "formats.md §6, real, golang/go#73581, 2025", GC, ERA(18, 99),
     .f = {FV(gc, 1), FV(t_s, 0.005), FV(cpu_pct, 1), FV(sweep_term_ms, 0.052), FV(mark_ms, 1.1),
           FV(mark_term_ms, 0.12), FV(cpu_sweep_term_ms, 3.3), FV(cpu_assist_ms, 0.093),
           FV(cpu_bg_ms, 0.92), FV(cpu_idle_ms, 0), FV(cpu_mark_term_ms, 7.7),
           FV(heap_start_mb, 3), FV(heap_end_mb, 4), FV(heap_live_mb, 1), FV(goal_mb, 4),
           FV(stacks_mb, 0), FV(globals_mb, 0), FV(procs, 64), FV(forced, 0), FV(leak_check, 0)}},
};

static void test_g3_go118_on(void **state) { check_table(state, g3_lines, NELEM(g3_lines)); }

/* ---- G3': Go 1.26 goroutine-leak infix (formats.md §6, synthesized there) -- */

static const want g3_leak_lines[] = {
    {.text = "gc 12 @3.104s 2% (checking for goroutine leaks): 0.051+1.9+0.060 ms clock, "
             "0.10+0.2/3.1/0.5+0.12 ms cpu, 9->10->4 MB, 10 MB goal, 0 MB stacks, 0 MB globals, "
             "2 P (forced)",
     .from = SYNTH, .src = "formats.md §6, synthesized 1.26 leak-check line (no real one known)",
     GC, ERA(26, 99),
     .f = {FV(gc, 12), FV(t_s, 3.104), FV(cpu_pct, 2), FV(leak_check, 1),
           FV(sweep_term_ms, 0.051), FV(mark_ms, 1.9), FV(mark_term_ms, 0.060),
           FV(cpu_sweep_term_ms, 0.10), FV(cpu_assist_ms, 0.2), FV(cpu_bg_ms, 3.1),
           FV(cpu_idle_ms, 0.5), FV(cpu_mark_term_ms, 0.12), FV(heap_start_mb, 9),
           FV(heap_end_mb, 10), FV(heap_live_mb, 4), FV(goal_mb, 10), FV(stacks_mb, 0),
           FV(globals_mb, 0), FV(procs, 2), FV(forced, 1)}},
    {.text = "gc 12 @3.104s 2% (checking for goroutine leaks): 0.051+1.9+0.060 ms clock, "
             "0.10+0.20/3.1/0.50+0.12 ms cpu, 9->10->4 MB, 10 MB goal, 0 MB stacks, 0 MB globals, "
             "2 P",
     .from = SYNTH,
     .src = "built by this test from the formats.md §6 synthesized line: no (forced), and "
            "0.20/0.50 as fmtNSAsMS prints them",
     GC, ERA(26, 99),
     .f = {FV(gc, 12), FV(t_s, 3.104), FV(cpu_pct, 2), FV(leak_check, 1),
           FV(sweep_term_ms, 0.051), FV(mark_ms, 1.9), FV(mark_term_ms, 0.060),
           FV(cpu_sweep_term_ms, 0.10), FV(cpu_assist_ms, 0.20), FV(cpu_bg_ms, 3.1),
           FV(cpu_idle_ms, 0.50), FV(cpu_mark_term_ms, 0.12), FV(heap_start_mb, 9),
           FV(heap_end_mb, 10), FV(heap_live_mb, 4), FV(goal_mb, 10), FV(stacks_mb, 0),
           FV(globals_mb, 0), FV(procs, 2), FV(forced, 0)}},
};

static void test_g3_leak_infix_go126(void **state) {
  check_table(state, g3_leak_lines, NELEM(g3_leak_lines));
}

/* ---- " (forced)" suffix on gc lines (formats.md §5, §6) -------------------- */

static const want forced_suffix_lines[] = {
    {.text = "gc 10 @6.756s 1%: 0.017+5.3+0.008 ms clock, 0.035+0/0.24/5.2+0.016 ms cpu, "
             "1054->1054->19 MB, 1411 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)",
     CORPUS("05a_seed_map_freeosmemory/gctrace.log", 19), .src = "go1.19.8, debug.FreeOSMemory",
     GC, ERA(18, 99),
     .f = {FV(gc, 10), FV(t_s, 6.756), FV(cpu_pct, 1), FV(sweep_term_ms, 0.017), FV(mark_ms, 5.3),
           FV(mark_term_ms, 0.008), FV(cpu_sweep_term_ms, 0.035), FV(cpu_assist_ms, 0),
           FV(cpu_bg_ms, 0.24), FV(cpu_idle_ms, 5.2), FV(cpu_mark_term_ms, 0.016),
           FV(heap_start_mb, 1054), FV(heap_end_mb, 1054), FV(heap_live_mb, 19),
           FV(goal_mb, 1411), FV(stacks_mb, 0), FV(globals_mb, 0), FV(procs, 2), FV(forced, 1),
           FV(leak_check, 0)}},
    {.text = "gc 1 @0.124s 16%: 0.040+242+0.002 ms clock, 0.32+0.11/484/1447+0.020 ms cpu, "
             "1526->1526->1525 MB, 1526 MB goal, 0 MB stacks, 0 MB globals, 8 P (forced)",
     .from = REAL_FORMATS, .src = "formats.md §6, real, golang/go#52515, go1.19 devel", GC,
     ERA(18, 99),
     .f = {FV(gc, 1), FV(t_s, 0.124), FV(cpu_pct, 16), FV(sweep_term_ms, 0.040), FV(mark_ms, 242),
           FV(mark_term_ms, 0.002), FV(cpu_sweep_term_ms, 0.32), FV(cpu_assist_ms, 0.11),
           FV(cpu_bg_ms, 484), FV(cpu_idle_ms, 1447), FV(cpu_mark_term_ms, 0.020),
           FV(heap_start_mb, 1526), FV(heap_end_mb, 1526), FV(heap_live_mb, 1525),
           FV(goal_mb, 1526), FV(stacks_mb, 0), FV(globals_mb, 0), FV(procs, 8), FV(forced, 1),
           FV(leak_check, 0)}},
    {.text = "gc 283 @1.205s 0%: 1.0+0+0 ms clock, 3.0+0/0/0+0 ms cpu, 5->6->5 MB, 6 MB goal, "
             "4 P (forced)",
     .from = SYNTH,
     .src = "built by this test: the formats.md §6 golang/go#22439 line (Go 1.6-1.17 shape) "
            "plus \" (forced)\"",
     GC, ERA(6, 17),
     .f = {FV(gc, 283), FV(t_s, 1.205), FV(cpu_pct, 0), FV(sweep_term_ms, 1.0), FV(mark_ms, 0),
           FV(mark_term_ms, 0), FV(cpu_sweep_term_ms, 3.0), FV(cpu_assist_ms, 0),
           FV(cpu_bg_ms, 0), FV(cpu_idle_ms, 0), FV(cpu_mark_term_ms, 0), FV(heap_start_mb, 5),
           FV(heap_end_mb, 6), FV(heap_live_mb, 5), FV(goal_mb, 6), FV(procs, 4),
           FV(forced, 1), FV(leak_check, 0)}},
    {.text = "gc 3 @0.966s 0%: 1.0+0+0+0+1.0 ms clock, 8.0+0+0+0/0/0+8.0 ms cpu, 6->6->5 MB, "
             "6 MB goal, 8 P (forced)",
     .from = SYNTH,
     .src = "synthesized from formats.md §5: a Go 1.5 STW (forced) cycle, clock a+0+0+0+b, "
            "goal = heap at start",
     GC, ERA(5, 5),
     .f = {FV(gc, 3), FV(t_s, 0.966), FV(cpu_pct, 0), FV(sweep_term_ms, 1.0), FV(scan_ms, 0),
           FV(install_wb_ms, 0), FV(mark_ms, 0), FV(mark_term_ms, 1.0),
           FV(cpu_sweep_term_ms, 8.0), FV(cpu_scan_ms, 0), FV(cpu_install_wb_ms, 0),
           FV(cpu_assist_ms, 0), FV(cpu_bg_ms, 0), FV(cpu_idle_ms, 0), FV(cpu_mark_term_ms, 8.0),
           FV(heap_start_mb, 6), FV(heap_end_mb, 6), FV(heap_live_mb, 5), FV(goal_mb, 6),
           FV(procs, 8), FV(forced, 1), FV(leak_check, 0)}},
};

static void test_gc_forced_suffix(void **state) {
  check_table(state, forced_suffix_lines, NELEM(forced_suffix_lines));
}

/* ---- G0a-G0d: gcN(M): lines of Go 1.0-1.4 (formats.md §4) ------------------ */

static const want g0a_lines[] = {
    {.text = "gc5(2): 3+1+0 ms 12 -> 6 MB 130421 -> 60214 (1203545-1143331) objects 0 handoff",
     .from = SYNTH, .src = "formats.md §4 G0a, synthesized from the Go 1.0 format string",
     GC_LEGACY, ERA(0, 0),
     .f = {FV(gc, 5), FV(procs, 2), FV(legacy_a_ms, 3), FV(legacy_b_ms, 1), FV(legacy_c_ms, 0),
           FV(heap_start_mb, 12), FV(heap_end_mb, 6), FV(objects_before, 130421),
           FV(objects_live, 60214)}},
};

static const want g0b_lines[] = {
    {.text = "gc83(1): 8+0+0 ms, 62 -> 31 MB 19455 -> 3211 (1291202-1287991) objects, 0(0) "
             "handoff, 0(0) steal, 0/0/0 yields",
     .from = REAL_FORMATS, .src = "formats.md §4 G0b, real, public repository, go 1.1.1",
     GC_LEGACY, ERA(1, 2),
     .f = {FV(gc, 83), FV(procs, 1), FV(legacy_a_ms, 8), FV(legacy_b_ms, 0), FV(legacy_c_ms, 0),
           FV(heap_start_mb, 62), FV(heap_end_mb, 31), FV(objects_before, 19455),
           FV(objects_live, 3211)}},
    {.text = "gc13(8): 109+1+29 ms, 115 -> 115 MB 402531 -> 400355 (1203545-803190) objects, "
             "13(505) handoff, 108(8311) steal, 295/27/0 yields",
     .from = REAL_FORMATS, .src = "formats.md §4 G0b, real, public repository 2014-01, Go 1.2",
     GC_LEGACY, ERA(1, 2),
     .f = {FV(gc, 13), FV(procs, 8), FV(legacy_a_ms, 109), FV(legacy_b_ms, 1),
           FV(legacy_c_ms, 29), FV(heap_start_mb, 115), FV(heap_end_mb, 115),
           FV(objects_before, 402531), FV(objects_live, 400355)}},
};

static const want g0c_lines[] = {
    {.text = "gc4(1): 0+0+11941+0 us, 0 -> 30 MB, 529 (659-130) objects, 43/0/0 sweeps, 0(0) "
             "handoff, 0(0) steal, 0/0/0 yields",
     .from = REAL_FORMATS, .src = "formats.md §4 G0c, real, public repository, Go 1.3",
     GC_LEGACY, ERA(3, 3),
     .f = {FV(gc, 4), FV(procs, 1), FV(legacy_a_ms, 0), FV(legacy_b_ms, 0),
           FV(legacy_c_ms, 11.941), FV(legacy_d_ms, 0), FV(heap_start_mb, 0),
           FV(heap_end_mb, 30), FV(objects_live, 529)}},
};

static const want g0d_lines[] = {
    {.text = "gc1(1): 0+0+0+0 us, 0 -> 0 MB, 78 (78-0) objects, 2 goroutines, 18/0/0 sweeps, 0(0) "
             "handoff, 0(0) steal, 0/0/0 yields",
     .from = REAL_FORMATS, .src = "formats.md §4 G0d, real, golang/go#12228, Go 1.4.2",
     GC_LEGACY, ERA(4, 4),
     .f = {FV(gc, 1), FV(procs, 1), FV(legacy_a_ms, 0), FV(legacy_b_ms, 0), FV(legacy_c_ms, 0),
           FV(legacy_d_ms, 0), FV(heap_start_mb, 0), FV(heap_end_mb, 0), FV(objects_live, 78),
           FV(goroutines, 2)}},
    {.text = "gc6(5): 0+0+0+1000 us, 0 -> 0 MB, 2118 (2655-537) objects, 85 goroutines, 109/0/0 "
             "sweeps, 8(66) handoff, 11(38) steal, 103/4/0 yields",
     .from = REAL_FORMATS, .src = "formats.md §4 G0d, real, golang/go#12228, Go 1.4.2",
     GC_LEGACY, ERA(4, 4),
     .f = {FV(gc, 6), FV(procs, 5), FV(legacy_a_ms, 0), FV(legacy_b_ms, 0), FV(legacy_c_ms, 0),
           FV(legacy_d_ms, 1.0), FV(heap_start_mb, 0), FV(heap_end_mb, 0),
           FV(objects_live, 2118), FV(goroutines, 85)}},
};

static void test_g0a_go10(void **state) { check_table(state, g0a_lines, NELEM(g0a_lines)); }
static void test_g0b_go11_12(void **state) { check_table(state, g0b_lines, NELEM(g0b_lines)); }
static void test_g0c_go13(void **state) { check_table(state, g0c_lines, NELEM(g0c_lines)); }
static void test_g0d_go14(void **state) { check_table(state, g0d_lines, NELEM(g0d_lines)); }

/* ---- F1 "GC forced" (1.4+) and F0 "scvgN: GC forced" (1.0-1.3), formats.md §7 */

static const want forced_lines[] = {
    {.text = "GC forced", CORPUS("05a_seed_map_freeosmemory/gctrace.log", 22), .src = "go1.19.8",
     .family = GCW_FAM_FORCED, .kind = "forced", ERA(4, 99), .f = {FV(periodic, 1)}},
    {.text = "GC forced", CORPUS("05b_seed_slice_append/gctrace.log", 43), .src = "go1.19.8",
     .family = GCW_FAM_FORCED, .kind = "forced", ERA(4, 99), .f = {FV(periodic, 1)}},
};

static const want forced_old_lines[] = {
    {.text = "scvg2: GC forced", .from = SYNTH,
     .src = "formats.md §7 F0, synthesized from go1:src/pkg/runtime/mheap.c:374 "
            "\"scvg%d: GC forced\\n\" (no real one known)",
     .family = GCW_FAM_FORCED_OLD, .kind = "forced_old", ERA(0, 3),
     .f = {FV(round, 2), FV(periodic, 1)}},
};

static void test_gc_forced_line(void **state) {
  check_table(state, forced_lines, NELEM(forced_lines));
}

static void test_scvg_gc_forced_go10_13(void **state) {
  check_table(state, forced_old_lines, NELEM(forced_old_lines));
}

/* ---- S1/S2 scvgN: lines, Go 1.0-1.12 (formats.md §8) ---------------------- */

static const want scvg_numbered_lines[] = {
    {.text = "scvg0: inuse: 0, idle: 0, sys: 1, released: 0, consumed: 1 (MB)",
     .from = REAL_FORMATS, .src = "formats.md §8, real, golang/go#15212, Go 1.6", SCVG,
     ERA(0, 12),
     .f = {FV(round, 0), FV(inuse_mb, 0), FV(idle_mb, 0), FV(sys_mb, 1), FV(heap_released_mb, 0),
           FV(consumed_mb, 1)}},
    {.text = "scvg1: 0 MB released", .from = REAL_FORMATS,
     .src = "formats.md §8, real, golang/go#15212, Go 1.6", SCVG, ERA(2, 12),
     .f = {FV(round, 1), FV(released_mb, 0)}},
    {.text = "scvg1: inuse: 0, idle: 0, sys: 1, released: 0, consumed: 0 (MB)",
     .from = REAL_FORMATS, .src = "formats.md §8, real, golang/go#15212, Go 1.6", SCVG,
     ERA(0, 12),
     .f = {FV(round, 1), FV(inuse_mb, 0), FV(idle_mb, 0), FV(sys_mb, 1), FV(heap_released_mb, 0),
           FV(consumed_mb, 0)}},
};

/* scvg-1: is debug.FreeOSMemory(), printed only by Go 1.2-1.12 (1.0 has no FreeOSMemory,
** 1.1's printed nothing), so even the inuse line, which all of 1.0-1.12 print, is 2-12. */
static const want scvg_minus1_lines[] = {
    {.text = "scvg-1: 10 MB released", .from = REAL_FORMATS,
     .src = "formats.md §8, real FreeOSMemory, public repository, Go 1.2", SCVG, ERA(2, 12),
     .f = {FV(round, -1), FV(released_mb, 10)}},
    {.text = "scvg-1: inuse: 116, idle: 10, sys: 127, released: 10, consumed: 116 (MB)",
     .from = REAL_FORMATS, .src = "formats.md §8, real FreeOSMemory, public repository, Go 1.2",
     SCVG, ERA(2, 12),
     .f = {FV(round, -1), FV(inuse_mb, 116), FV(idle_mb, 10), FV(sys_mb, 127),
           FV(heap_released_mb, 10), FV(consumed_mb, 116)}},
};

static const want scvg_hex_lines[] = {
    {.text = "scvg4: 0x1a MB released", .from = SYNTH,
     .src = "formats.md §8 S1, synthesized from go1:src/pkg/runtime/mheap.c:398 "
            "\"scvg%d: %p MB released\" (%p prints 0x + lowercase hex)",
     SCVG, ERA(0, 1), .f = {FV(round, 4), FV(released_mb, 26)}},
    {.text = "scvg0: 0x5 MB released", .from = SYNTH,
     .src = "formats.md §8 S1, synthesized around its \"0x5 MB released\" example", SCVG,
     ERA(0, 1), .f = {FV(round, 0), FV(released_mb, 5)}},
};

static void test_scvg_numbered_go10_112(void **state) {
  check_table(state, scvg_numbered_lines, NELEM(scvg_numbered_lines));
}

static void test_scvg_minus1_freeosmemory(void **state) {
  check_table(state, scvg_minus1_lines, NELEM(scvg_minus1_lines));
}

static void test_scvg_hex_go10_11(void **state) {
  check_table(state, scvg_hex_lines, NELEM(scvg_hex_lines));
}

/* ---- S3 scvg: / forced scvg: of Go 1.13, and go1.14beta1's KB (formats.md §8) */

static const want scvg_113_lines[] = {
    {.text = "scvg: 0 MB released", CORPUS("12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log", 2),
     .src = "go1.13.8", SCVG, ERA(13, 13), .f = {FV(forced, 0), FV(released_mb, 0)}},
    {.text = "scvg: inuse: 1, idle: 62, sys: 63, released: 60, consumed: 2 (MB)",
     CORPUS("12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log", 3), .src = "go1.13.8", SCVG,
     ERA(13, 13),
     .f = {FV(forced, 0), FV(inuse_mb, 1), FV(idle_mb, 62), FV(sys_mb, 63),
           FV(heap_released_mb, 60), FV(consumed_mb, 2)}},
    {.text = "scvg: 1 MB released", .from = REAL_FORMATS,
     .src = "formats.md §8 S3, real, public repository, Go 1.13", SCVG, ERA(13, 13),
     .f = {FV(forced, 0), FV(released_mb, 1)}},
    {.text = "forced scvg: 1005 MB released", .from = REAL_FORMATS,
     .src = "formats.md §8 S3, real, public repository, Go 1.13", SCVG, ERA(13, 13),
     .f = {FV(forced, 1), FV(released_mb, 1005)}},
    {.text = "forced scvg: inuse: 0, idle: 1023, sys: 1023, released: 1023, consumed: 0 (MB)",
     .from = REAL_FORMATS, .src = "formats.md §8 S3, real, public repository, Go 1.13", SCVG,
     ERA(13, 13),
     .f = {FV(forced, 1), FV(inuse_mb, 0), FV(idle_mb, 1023), FV(sys_mb, 1023),
           FV(heap_released_mb, 1023), FV(consumed_mb, 0)}},
};

static const want scvg_kb_lines[] = {
    {.text = "scvg: 8 KB released", .from = REAL_FORMATS,
     .src = "formats.md §8 S3, real go1.14beta1/tip, public repository", SCVG, ERA(14, 14),
     .f = {FV(forced, 0), FV(released_kb, 8)}},
};

static void test_scvg_go113(void **state) {
  check_table(state, scvg_113_lines, NELEM(scvg_113_lines));
}

static void test_scvg_kb_go114beta1(void **state) {
  check_table(state, scvg_kb_lines, NELEM(scvg_kb_lines));
}

/* ---- T1-T4 scav lines, GODEBUG=scavtrace=1 (formats.md §8) ----------------- */

/* T1 (1.14) and T3 (1.19-1.20) have the same shape; 1.15-1.18 print a generation, so the
** true era {14, 19, 20} is, as a range, 14-20. */
static const want scav_t1_lines[] = {
    {.text = "scav 0 KiB work, 62344 KiB total, 100% util",
     CORPUS("12b_esbuild_0.1.26_go1.14.2/esbuild_stderr.log", 1), .src = "go1.14.2", SCAV,
     ERA(14, 20),
     .f = {FV(work_kib, 0), FV(released_kib, 62344), FV(util_pct, 100), FV(forced, 0), FV(controller_reset, 0)}},
    {.text = "scav 8 KiB work, 62192 KiB total, 99% util",
     CORPUS("12b_esbuild_0.1.26_go1.14.2/esbuild_stderr.log", 3), .src = "go1.14.2", SCAV,
     ERA(14, 20), .f = {FV(work_kib, 8), FV(released_kib, 62192), FV(util_pct, 99), FV(forced, 0), FV(controller_reset, 0)}},
    {.text = "scav 1049688 KiB work, 1060984 KiB total, 98% util (forced)",
     CORPUS("05a_seed_map_freeosmemory/gctrace.log", 21), .src = "go1.19.8 (T1/T3 shape)", SCAV,
     ERA(14, 20),
     .f = {FV(work_kib, 1049688), FV(released_kib, 1060984), FV(util_pct, 98), FV(forced, 1), FV(controller_reset, 0)}},
};

static const want scav_t2_lines[] = {
    {.text = "scav 0 0 KiB work, 60680 KiB total, 63% util",
     CORPUS("12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_stderr.log", 5), .src = "go1.16", SCAV,
     ERA(15, 18),
     .f = {FV(gen, 0), FV(work_kib, 0), FV(released_kib, 60680), FV(util_pct, 63), FV(forced, 0), FV(controller_reset, 0)}},
    {.text = "scav 1 16 KiB work, 58832 KiB total, 67% util",
     CORPUS("12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_stderr.log", 7), .src = "go1.16", SCAV,
     ERA(15, 18),
     .f = {FV(gen, 1), FV(work_kib, 16), FV(released_kib, 58832), FV(util_pct, 67), FV(forced, 0), FV(controller_reset, 0)}},
    {.text = "scav 3 1024 KiB work, 52480 KiB total, 88% util", .from = SYNTH,
     .src = "formats.md §8, synthesized 1.15-1.18 line", SCAV, ERA(15, 18),
     .f = {FV(gen, 3), FV(work_kib, 1024), FV(released_kib, 52480), FV(util_pct, 88),
           FV(forced, 0), FV(controller_reset, 0)}},
    {.text = "scav 7 0 KiB work, 4096 KiB total, 97% util [controller reset]", .from = SYNTH,
     .src = "formats.md §8, synthesized 1.18 line with [controller reset]", SCAV, ERA(18, 18),
     .f = {FV(gen, 7), FV(work_kib, 0), FV(released_kib, 4096), FV(util_pct, 97),
           FV(controller_reset, 1), FV(forced, 0)}},
    {.text = "scav 3 1024 KiB work, 52480 KiB total, 88% util (forced)", .from = SYNTH,
     .src = "built by this test: the formats.md §8 synthesized 1.15-1.18 line plus \" (forced)\"",
     SCAV, ERA(15, 18),
     .f = {FV(gen, 3), FV(work_kib, 1024), FV(released_kib, 52480), FV(util_pct, 88),
           FV(forced, 1), FV(controller_reset, 0)}},
};

/* T3 with [controller reset]: 1.18 prints the generation, so without one it is 1.19-1.20. */
static const want scav_t3_lines[] = {
    {.text = "scav 0 KiB work, 69496 KiB total, 90% util",
     CORPUS("12d_esbuild_0.17.19_go1.20.4/esbuild_stderr.log", 2), .src = "go1.20.4", SCAV,
     ERA(14, 20), .f = {FV(work_kib, 0), FV(released_kib, 69496), FV(util_pct, 90), FV(forced, 0), FV(controller_reset, 0)}},
    {.text = "scav 3944 KiB work, 34344 KiB total, 99% util (forced)",
     CORPUS("13_forced_gc_storm/gctrace.log", 53), .src = "go1.19.8", SCAV, ERA(14, 20),
     .f = {FV(work_kib, 3944), FV(released_kib, 34344), FV(util_pct, 99), FV(forced, 1), FV(controller_reset, 0)}},
    {.text = "scav 0 KiB work, 69496 KiB total, 90% util [controller reset]", .from = SYNTH,
     .src = "built by this test: corpus 12d esbuild_stderr.log:2 (go1.20.4) plus "
            "\" [controller reset]\" as go1.19:src/runtime/mgcscavenge.go:667-679 prints it",
     SCAV, ERA(19, 20),
     .f = {FV(work_kib, 0), FV(released_kib, 69496), FV(util_pct, 90), FV(controller_reset, 1),
           FV(forced, 0)}},
};

static const want scav_t4_lines[] = {
    {.text = "scav 0 KiB work (bg), 33120 KiB work (eager), 16072 KiB now, 94% util",
     CORPUS("12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log", 2), .src = "go1.22.5", SCAV,
     ERA(21, 99),
     .f = {FV(work_bg_kib, 0), FV(work_eager_kib, 33120), FV(released_kib, 16072),
           FV(util_pct, 94), FV(forced, 0), FV(controller_reset, 0)}},
    {.text = "scav 2176 KiB work (bg), 0 KiB work (eager), 31232 KiB now, 95% util",
     CORPUS("12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log", 6), .src = "go1.22.5", SCAV,
     ERA(21, 99),
     .f = {FV(work_bg_kib, 2176), FV(work_eager_kib, 0), FV(released_kib, 31232),
           FV(util_pct, 95), FV(forced, 0), FV(controller_reset, 0)}},
    {.text = "scav 0 KiB work (bg), 186960 KiB work (eager), 208712 KiB now, 9% util (forced)",
     .from = REAL_FORMATS, .src = "formats.md §8, real 1.21+, public repository", SCAV,
     ERA(21, 99),
     .f = {FV(work_bg_kib, 0), FV(work_eager_kib, 186960), FV(released_kib, 208712),
           FV(util_pct, 9), FV(forced, 1), FV(controller_reset, 0)}},
    {.text = "scav 1024 KiB work (bg), 0 KiB work (eager), 31504 KiB now, 97% util "
             "[controller reset]",
     .from = SYNTH,
     .src = "built by this test: corpus 12e esbuild_stderr.log:8 (go1.22.5) plus "
            "\" [controller reset]\"",
     SCAV, ERA(21, 99),
     .f = {FV(work_bg_kib, 1024), FV(work_eager_kib, 0), FV(released_kib, 31504),
           FV(util_pct, 97), FV(controller_reset, 1), FV(forced, 0)}},
};

static void test_scav_t1_go114(void **state) {
  check_table(state, scav_t1_lines, NELEM(scav_t1_lines));
}

static void test_scav_t2_generation_go115_118(void **state) {
  check_table(state, scav_t2_lines, NELEM(scav_t2_lines));
}

static void test_scav_t3_go119_120(void **state) {
  check_table(state, scav_t3_lines, NELEM(scav_t3_lines));
}

static void test_scav_t4_bg_eager_now_go121(void **state) {
  check_table(state, scav_t4_lines, NELEM(scav_t4_lines));
}

/* ---- P1-P4 pacer lines, GODEBUG=gcpacertrace=1 (formats.md §9) ------------- */
/* Float format fixes the era too (formats.md §3): "+d.dddddde±ddd" is Go <= 1.25, the
** shortest form ("0.25", no '+') is Go 1.26+. P1 workers: an integer fraction 1.5-1.9,
** "+<float>" 1.10-1.25 (hence "0++2.5e-001"), "0.25" from 1.26. */

static const want pacer_p1_lines[] = {
    {.text = "pacer: assist ratio=+5.303633e+001 (scan 301 MB in 413->418 MB) workers=2+0",
     .from = REAL_FORMATS, .src = "formats.md §9 P1, real, golang/go#12228, Go 1.5",
     PACER("start"), ERA(5, 9),
     .f = {FV(assist_ratio, 53.03633), FV(scan_mb, 301), FV(heap_start_mb, 413),
           FV(goal_mb, 418), FV(workers_dedicated, 2), FV(workers_fractional, 0)}},
    {.text = "pacer: assist ratio=+1.138265e+000 (scan 1 MB in 3->4 MB) workers=0++2.500000e-001",
     CORPUS("11_gcpacertrace/gctrace.log", 1), .src = "go1.19.8", PACER("start"), ERA(10, 25),
     .f = {FV(assist_ratio, 1.138265), FV(scan_mb, 1), FV(heap_start_mb, 3), FV(goal_mb, 4),
           FV(workers_dedicated, 0), FV(workers_fractional, 0.25)}},
    {.text = "pacer: assist ratio=+1.186462e+000 (scan 2 MB in 4->5 MB) workers=0++2.500000e-001",
     CORPUS("12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_gcpacertrace.log", 4), .src = "go1.16",
     PACER("start"), ERA(10, 25),
     .f = {FV(assist_ratio, 1.186462), FV(scan_mb, 2), FV(heap_start_mb, 4), FV(goal_mb, 5),
           FV(workers_dedicated, 0), FV(workers_fractional, 0.25)}},
    {.text = "pacer: assist ratio=1.1382652399135412 (scan 1 MB in 3->4 MB) workers=0+0.25",
     .from = SYNTH,
     .src = "built by this test from the print statement of master:src/runtime/mgcpacer.go:"
            "458-466 with Go 1.26 shortest floats (formats.md §3, §9)",
     PACER("start"), ERA(26, 99),
     .f = {FV(assist_ratio, 1.1382652399135412), FV(scan_mb, 1), FV(heap_start_mb, 3),
           FV(goal_mb, 4), FV(workers_dedicated, 0), FV(workers_fractional, 0.25)}},
};

/* goalΔ / actualΔ: Δ is U+0394 (CE 94). */
static const want pacer_p2_lines[] = {
    {.text = "pacer: H_m_prev=2236962 h_t=+8.750000e-001 H_T=4194304 h_a=+1.072754e+000 "
             "H_a=4636672 h_g=+1.362061e+000 H_g=5283840 u_a=+2.753837e-001 u_g=+3.000000e-001 "
             "W_a=1707080 goal\xce\x94=+4.870607e-001 actual\xce\x94=+1.977540e-001 "
             "u_a/u_g=+9.179457e-001",
     CORPUS("12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_gcpacertrace.log", 5), .src = "go1.16",
     PACER("end_old"), ERA(5, 18),
     .f = {FV(heap_marked_prev_b, 2236962), FV(trigger_ratio, 0.875), FV(trigger_b, 4194304),
           FV(actual_ratio, 1.072754), FV(heap_live_b, 4636672), FV(goal_ratio, 1.362061),
           FV(goal_b, 5283840), FV(util_actual, 0.2753837), FV(util_goal, 0.3),
           FV(scan_work_b, 1707080), FV(goal_delta, 0.4870607), FV(actual_delta, 0.1977540),
           FV(util_ratio, 0.9179457)}},
    {.text = "pacer: H_m_prev=238509512 h_t=+9.500000e-001 H_T=431954218 h_a=+8.341498e-001 "
             "H_a=437462176 h_g=+1.000000e+000 H_g=477019024 u_a=+9.265638e-001 "
             "u_g=+2.500000e-001 W_a=152566176 goal\xce\x94=+5.000000e-002 "
             "actual\xce\x94=-1.158502e-001 u_a/u_g=+3.706255e+000",
     .from = REAL_FORMATS, .src = "formats.md §9 P2, real, golang/go#12228, Go 1.5",
     PACER("end_old"), ERA(5, 18),
     .f = {FV(heap_marked_prev_b, 238509512), FV(trigger_ratio, 0.95), FV(trigger_b, 431954218),
           FV(actual_ratio, 0.8341498), FV(heap_live_b, 437462176), FV(goal_ratio, 1.0),
           FV(goal_b, 477019024), FV(util_actual, 0.9265638), FV(util_goal, 0.25),
           FV(scan_work_b, 152566176), FV(goal_delta, 0.05), FV(actual_delta, -0.1158502),
           FV(util_ratio, 3.706255)}},
};

/* ∆goal: ∆ is U+2206 (E2 88 86); "[controller reset]" follows with no space. */
static const want pacer_p3_lines[] = {
    {.text = "pacer: 26% CPU (25 exp.) for 1217664+2104+223792 B work (223792 B exp.) in "
             "3997696 B -> 5054464 B (\xe2\x88\x86goal 860160, cons/mark +0.000000e+000)",
     CORPUS("11_gcpacertrace/gctrace.log", 2), .src = "go1.19.8", PACER("end"), ERA(18, 25),
     .f = {FV(cpu_pct, 26), FV(cpu_exp_pct, 25), FV(work_heap_b, 1217664), FV(work_stack_b, 2104),
           FV(work_globals_b, 223792), FV(work_exp_b, 223792), FV(trigger_b, 3997696),
           FV(heap_live_b, 5054464), FV(goal_delta_b, 860160), FV(cons_mark, 0),
           FV(controller_reset, 0)}},
    {.text = "pacer: 25% CPU (25 exp.) for 13778976+3776+223792 B work (13911464 B exp.) in "
             "69091928 B -> 69556632 B (\xe2\x88\x86goal -11618384, cons/mark -5.254109e-001)",
     CORPUS("11_gcpacertrace/gctrace.log", 14), .src = "go1.19.8, negative ∆goal",
     PACER("end"), ERA(18, 25),
     .f = {FV(cpu_pct, 25), FV(cpu_exp_pct, 25), FV(work_heap_b, 13778976),
           FV(work_stack_b, 3776), FV(work_globals_b, 223792), FV(work_exp_b, 13911464),
           FV(trigger_b, 69091928), FV(heap_live_b, 69556632), FV(goal_delta_b, -11618384),
           FV(cons_mark, -0.5254109), FV(controller_reset, 0)}},
    {.text = "pacer: 96% CPU (25 exp.) for 442610176+23796144+286704 B work (286704 B exp.) in "
             "1009467392 B -> 1009475584 B (\xe2\x88\x86goal 43610496, cons/mark +0.000000e+000)",
     CORPUS("12d_esbuild_0.17.19_go1.20.4/esbuild_gcpacertrace.log", 2), .src = "go1.20.4",
     PACER("end"), ERA(18, 25),
     .f = {FV(cpu_pct, 96), FV(cpu_exp_pct, 25), FV(work_heap_b, 442610176),
           FV(work_stack_b, 23796144), FV(work_globals_b, 286704), FV(work_exp_b, 286704),
           FV(trigger_b, 1009467392), FV(heap_live_b, 1009475584), FV(goal_delta_b, 43610496),
           FV(cons_mark, 0), FV(controller_reset, 0)}},
    {.text = "pacer: 25% CPU (25 exp.) for 13778976+3776+223792 B work (13911464 B exp.) in "
             "69091928 B -> 69556632 B (\xe2\x88\x86goal -11618384, cons/mark -5.254109e-001)"
             "[controller reset]",
     .from = SYNTH,
     .src = "built by this test: corpus 11_gcpacertrace/gctrace.log:14 (go1.19.8) plus "
            "\"[controller reset]\" (no space, formats.md §9 P3)",
     PACER("end"), ERA(18, 25),
     .f = {FV(cpu_pct, 25), FV(cpu_exp_pct, 25), FV(work_heap_b, 13778976),
           FV(work_stack_b, 3776), FV(work_globals_b, 223792), FV(work_exp_b, 13911464),
           FV(trigger_b, 69091928), FV(heap_live_b, 69556632), FV(goal_delta_b, -11618384),
           FV(cons_mark, -0.5254109), FV(controller_reset, 1)}},
    {.text = "pacer: 26% CPU (25 exp.) for 1217664+2104+223792 B work (223792 B exp.) in "
             "3997696 B -> 5054464 B (\xe2\x88\x86goal 860160, cons/mark 0)",
     .from = SYNTH,
     .src = "built by this test: corpus 11_gcpacertrace/gctrace.log:2 with the Go 1.26 "
            "shortest float (cons/mark 0, formats.md §3)",
     PACER("end"), ERA(26, 99),
     .f = {FV(cpu_pct, 26), FV(cpu_exp_pct, 25), FV(work_heap_b, 1217664), FV(work_stack_b, 2104),
           FV(work_globals_b, 223792), FV(work_exp_b, 223792), FV(trigger_b, 3997696),
           FV(heap_live_b, 5054464), FV(goal_delta_b, 860160), FV(cons_mark, 0),
           FV(controller_reset, 0)}},
};

static const want pacer_p4_lines[] = {
    {.text = "pacer: sweep done at heap size 5MB; allocated 1MB of spans; swept 1204 pages",
     .from = SYNTH,
     .src = "synthesized from go1.6:src/runtime/mgcsweep.go:98 (formats.md §9 P4, Go 1.6)",
     PACER("sweep"), ERA(6, 6),
     .f = {FV(sweep_heap_mb, 5), FV(sweep_alloc_mb, 1), FV(swept_pages, 1204)}},
    {.text = "pacer: sweep done at heap size 5MB; allocated 1MB of spans; swept 1204 pages at "
             "+1.139124e-004 pages/byte",
     .from = SYNTH, .src = "synthesized from formats.md §9 P4' (Go 1.7-1.8)", PACER("sweep"),
     ERA(7, 8),
     .f = {FV(sweep_heap_mb, 5), FV(sweep_alloc_mb, 1), FV(swept_pages, 1204),
           FV(pages_per_byte, 1.139124e-4)}},
    {.text = "pacer: sweep done at heap size 2MB; allocated 0MB during sweep; swept 566 pages at "
             "+5.457757e-004 pages/byte",
     CORPUS("12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_gcpacertrace.log", 7),
     .src = "go1.16 (P4'', real, although formats.md knew none)", PACER("sweep"), ERA(9, 25),
     .f = {FV(sweep_heap_mb, 2), FV(sweep_alloc_mb, 0), FV(swept_pages, 566),
           FV(pages_per_byte, 5.457757e-4)}},
    {.text = "pacer: sweep done at heap size 5MB; allocated 1MB during sweep; swept 1204 pages at "
             "+1.139124e-004 pages/byte",
     .from = SYNTH, .src = "formats.md §9 P4'', synthesized there", PACER("sweep"), ERA(9, 25),
     .f = {FV(sweep_heap_mb, 5), FV(sweep_alloc_mb, 1), FV(swept_pages, 1204),
           FV(pages_per_byte, 1.139124e-4)}},
    {.text = "pacer: sweep done at heap size 2MB; allocated 0MB during sweep; swept 566 pages at "
             "0.0005457757201646 pages/byte",
     .from = SYNTH,
     .src = "built by this test: corpus 12c gcpacertrace.log:7 with a Go 1.26 shortest float",
     PACER("sweep"), ERA(26, 99),
     .f = {FV(sweep_heap_mb, 2), FV(sweep_alloc_mb, 0), FV(swept_pages, 566),
           FV(pages_per_byte, 0.0005457757201646)}},
};

static void test_pacer_p1_start(void **state) {
  check_table(state, pacer_p1_lines, NELEM(pacer_p1_lines));
}

static void test_pacer_p2_old_end(void **state) {
  check_table(state, pacer_p2_lines, NELEM(pacer_p2_lines));
}

static void test_pacer_p3_new_end(void **state) {
  check_table(state, pacer_p3_lines, NELEM(pacer_p3_lines));
}

static void test_pacer_p4_sweep_done(void **state) {
  check_table(state, pacer_p4_lines, NELEM(pacer_p4_lines));
}

/* ---- lines behind something: found by gcw_recog_find_start, not at offset 0 -- */

static const want behind_lines[] = {
    {.text = "gc 1 @0.103s 3%: 1.6+2.2+1.7 ms clock, 3.3+0.088/0.16/0+3.4 ms cpu, 3->3->0 MB, "
             "4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     .before = "2026-11-22T10:20:47.060684404Z ",
     CORPUS("09a_kubectl_timestamps/kubectl_timestamps.log", 1),
     .src = "go1.19.8 behind a kubectl RFC3339Nano prefix", GC, ERA(18, 99),
     .f = {FV(gc, 1), FV(t_s, 0.103), FV(cpu_pct, 3), FV(sweep_term_ms, 1.6), FV(mark_ms, 2.2),
           FV(mark_term_ms, 1.7), FV(cpu_sweep_term_ms, 3.3), FV(cpu_assist_ms, 0.088),
           FV(cpu_bg_ms, 0.16), FV(cpu_idle_ms, 0), FV(cpu_mark_term_ms, 3.4),
           FV(heap_start_mb, 3), FV(heap_end_mb, 3), FV(heap_live_mb, 0), FV(goal_mb, 4),
           FV(stacks_mb, 0), FV(globals_mb, 0), FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "scav 0 KiB work, 3920 KiB total, 30% util",
     .before = "2026-11-22T10:20:47.060899998Z ",
     CORPUS("09a_kubectl_timestamps/kubectl_timestamps.log", 2),
     .src = "go1.19.8 behind a kubectl RFC3339Nano prefix", SCAV, ERA(14, 20),
     .f = {FV(work_kib, 0), FV(released_kib, 3920), FV(util_pct, 30), FV(forced, 0), FV(controller_reset, 0)}},
    /* two Go processes on one stderr: "gc " of one, then the whole line of the other */
    {.text = "gc 1 @0.012s 3%: 0.023+5.8+0.070 ms clock, 0.047+0.11/0.86/1.2+0.14 ms cpu, "
             "3->5->4 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     .before = "gc ", CORPUS("07c_three_procs_one_stderr/gctrace.log", 3),
     .src = "go1.19.8, mid-line collision of two processes", GC, ERA(18, 99),
     .f = {FV(gc, 1), FV(t_s, 0.012), FV(cpu_pct, 3), FV(sweep_term_ms, 0.023), FV(mark_ms, 5.8),
           FV(mark_term_ms, 0.070), FV(cpu_sweep_term_ms, 0.047), FV(cpu_assist_ms, 0.11),
           FV(cpu_bg_ms, 0.86), FV(cpu_idle_ms, 1.2), FV(cpu_mark_term_ms, 0.14),
           FV(heap_start_mb, 3), FV(heap_end_mb, 5), FV(heap_live_mb, 4), FV(goal_mb, 4),
           FV(stacks_mb, 0), FV(globals_mb, 0), FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
};

static void test_line_behind_prefix(void **state) {
  gcw_recog *r = *state;
  /* corpus 09a_kubectl_timestamps/kubectl_timestamps.log:1 (go1.19.8), whole physical line */
  const char *line = "2026-11-22T10:20:47.060684404Z gc 1 @0.103s 3%: 1.6+2.2+1.7 ms clock, "
                     "3.3+0.088/0.16/0+3.4 ms cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB "
                     "globals, 2 P";
  size_t n = strlen(line);
  gcw_event ev;
  assert_int_equal(gcw_recog_line(r, line, n, &ev), 0);
  assert_int_equal(gcw_recog_at_start(r, line, n), 0);
  assert_int_equal(gcw_recog_find_start(r, line, n, 0), 31);
  assert_int_equal(gcw_recog_at_start(r, line + 31, n - 31), 1);
  /* "gc" inside a word is no head: "xgc 1 @..." (built by this test) */
  assert_int_equal(gcw_recog_find_start(r, "xgc 1 @0.103s", 13, 0), -1);
  check_table(state, behind_lines, NELEM(behind_lines));
}

static void test_docker_json_record_needs_unwrapping(void **state) {
  gcw_recog *r = *state;
  /* corpus 09b_docker_jsonfile/container-json.log:10 (go1.19.8): the head is found, but the
  ** record text ("-\u003e", the JSON tail) is no trace line until the envelope is undone. */
  const char *rec = "{\"log\":\"gc 1 @0.004s 3%: 0.090+0.56+0.003 ms clock, "
                    "0.18+0.046/0.090/0.11+0.006 ms cpu, 3-\\u003e4-\\u003e0 MB, 4 MB goal, 0 MB "
                    "stacks, 0 MB globals, 2 P\\n\",\"stream\":\"stderr\",\"time\":"
                    "\"2026-11-22T10:21:32.396486575Z\"}";
  size_t n = strlen(rec);
  gcw_event ev;
  assert_int_equal(gcw_recog_find_start(r, rec, n, 0), 8);
  assert_int_equal(gcw_recog_line(r, rec + 8, n - 8, &ev), 0);
}

/* ---- lines that are not trace lines --------------------------------------- */

static void test_inittrace_not_recognized(void **state) {
  gcw_recog *r = *state;
  int complete = -1;
  gcw_event ev;
  /* synthesized from the GODEBUG=inittrace=1 format of formats.md §10 (the corpus has none);
  ** it has "ms clock" but no gc head */
  const char *init = "init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs";
  size_t n = strlen(init);
  assert_int_equal(gcw_recog_line(r, init, n, &ev), 0);
  assert_int_equal(gcw_recog_find_start(r, init, n, 0), -1);
  assert_int_equal(gcw_recog_prefix(r, init, n, &complete), 0);
  assert_int_equal(complete, 0);
  /* corpus 07_go_build_std/gctrace.log:78 and :161 (go1.19.8): lines cut at process exit */
  assert_int_equal(gcw_recog_line(r, "gc 1 @", 6, &ev), 0);
  assert_int_equal(gcw_recog_line(r, "gc ", 3, &ev), 0);
  /* corpus 07c_three_procs_one_stderr/gctrace.log:5 (go1.19.8): the rest of a gc line whose
  ** head "gc " is on line 3: no head, not a line */
  const char *rest = "2 @0.010s 24%: 0.015+17+2.5 ms clock, 0.031+7.5/0.91/0.22+5.0 ms cpu, "
                     "6->13->12 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 2 P";
  assert_int_equal(gcw_recog_line(r, rest, strlen(rest), &ev), 0);
  assert_int_equal(gcw_recog_find_start(r, rest, strlen(rest), 0), -1);
}

/* ---- a part no pattern knows (a newer Go release) -------------------------- */

static const want unknown_part_lines[] = {
    {.text = "gc 1 @0.007s 3%: 0.039+2.6+0.049 ms clock, 0.078+0.095/0.39/2.1+0.098 ms cpu, "
             "3->4->3 MB, 4 MB goal, 5 MB frobs, 0 MB stacks, 0 MB globals, 2 P",
     .from = SYNTH,
     .src = "built by this test: corpus 01_steady_state_web/gctrace.log:1 (go1.19.8) with an "
            "invented part \", 5 MB frobs\" inserted after the goal",
     GC, .unknown_parts = 1, ERA(18, 99),
     .f = {FV(gc, 1), FV(t_s, 0.007), FV(cpu_pct, 3), FV(sweep_term_ms, 0.039), FV(mark_ms, 2.6),
           FV(mark_term_ms, 0.049), FV(cpu_sweep_term_ms, 0.078), FV(cpu_assist_ms, 0.095),
           FV(cpu_bg_ms, 0.39), FV(cpu_idle_ms, 2.1), FV(cpu_mark_term_ms, 0.098),
           FV(heap_start_mb, 3), FV(heap_end_mb, 4), FV(heap_live_mb, 3), FV(goal_mb, 4),
           FV(stacks_mb, 0), FV(globals_mb, 0), FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "scav 0 KiB work (bg), 33120 KiB work (eager), 7 KiB frobbed, 16072 KiB now, "
             "94% util",
     .from = SYNTH,
     .src = "built by this test: corpus 12e esbuild_stderr.log:2 (go1.22.5) with an invented "
            "part \", 7 KiB frobbed\"",
     SCAV, .unknown_parts = 1, ERA(21, 99),
     .f = {FV(work_bg_kib, 0), FV(work_eager_kib, 33120), FV(released_kib, 16072),
           FV(util_pct, 94), FV(forced, 0), FV(controller_reset, 0)}},
};

static void test_unknown_part_counted(void **state) {
  check_table(state, unknown_part_lines, NELEM(unknown_part_lines));
}

/* ---- gcw_recog_prefix on pieces of split lines ----------------------------- */
/* Physical lines of corpus 06_interleaved_applog/combined.log (go1.19.8): the runtime
** writes a gc line token by token, the application's whole lines land in between. */
static const char *const L84 = "gc 8 @0.0302026/11/22 10:18:29.312039 worker=2 req=17 method=GET "
                               "path=/api/v1/cart user=user2336 status=500 bytes=4659 "
                               "dur=3.756µs";
static const char *const L85 = "s 2%: 0.007+0.22+0.002 ms clock, 0.014+0/0.045/0.098+0.004 ms "
                               "cpu, 3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P";
static const char *const L675 = "gc 80 @0.286s 3%: 0.009+0.29+0.002 ms clock, 0.0182026/11/22 "
                                "10:18:29.568078 worker=1 req=130 method=GET path=/api/v1/users "
                                "user=user2528 status=200 bytes=2659 dur=7.422µs";
static const char *const L676 = "+0.088/0/0+2026/11/22 10:18:29.568090 worker=0 req=127 "
                                "method=GET path=/api/v1/users user=user4111 status=200 "
                                "bytes=8078 dur=3.135µs";
static const char *const L677 = "0.005 ms cpu, 3->32026/11/22 10:18:29.568095 worker=3 req=128 "
                                "method=GET path=/api/v1/users user=user1045 status=404 "
                                "bytes=4447 dur=2.464µs";
static const char *const L678 = "->0 MB, 4 MB goal, 02026/11/22 10:18:29.568100 worker=2 req=130 "
                                "method=GET path=/healthz user=user4717 status=304 bytes=3236 "
                                "dur=2.353µs";
static const char *const L679 = " MB stacks, 0 MB globals, 2 P";

static size_t prefix_of(gcw_recog *r, const char *text, int *complete) {
  *complete = -1;
  return gcw_recog_prefix(r, text, strlen(text), complete);
}

/* The rejoined lines, checked as whole events. */
static const want rejoined_lines[] = {
    {.text = "gc 8 @0.030s 2%: 0.007+0.22+0.002 ms clock, 0.014+0/0.045/0.098+0.004 ms cpu, "
             "3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     .from = SYNTH,
     .src = "rejoined by this test from corpus 06_interleaved_applog/combined.log:84 (its first "
            "11 bytes) and :85 (go1.19.8)",
     GC, ERA(18, 99),
     .f = {FV(gc, 8), FV(t_s, 0.030), FV(cpu_pct, 2), FV(sweep_term_ms, 0.007), FV(mark_ms, 0.22),
           FV(mark_term_ms, 0.002), FV(cpu_sweep_term_ms, 0.014), FV(cpu_assist_ms, 0),
           FV(cpu_bg_ms, 0.045), FV(cpu_idle_ms, 0.098), FV(cpu_mark_term_ms, 0.004),
           FV(heap_start_mb, 3), FV(heap_end_mb, 3), FV(heap_live_mb, 0), FV(goal_mb, 4),
           FV(stacks_mb, 0), FV(globals_mb, 0), FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
    {.text = "gc 80 @0.286s 3%: 0.009+0.29+0.002 ms clock, 0.018+0.088/0/0+0.005 ms cpu, "
             "3->3->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P",
     .from = SYNTH,
     .src = "rejoined by this test from the trace pieces of corpus "
            "06_interleaved_applog/combined.log:675-679 (go1.19.8)",
     GC, ERA(18, 99),
     .f = {FV(gc, 80), FV(t_s, 0.286), FV(cpu_pct, 3), FV(sweep_term_ms, 0.009),
           FV(mark_ms, 0.29), FV(mark_term_ms, 0.002), FV(cpu_sweep_term_ms, 0.018),
           FV(cpu_assist_ms, 0.088), FV(cpu_bg_ms, 0), FV(cpu_idle_ms, 0),
           FV(cpu_mark_term_ms, 0.005), FV(heap_start_mb, 3), FV(heap_end_mb, 3),
           FV(heap_live_mb, 0), FV(goal_mb, 4), FV(stacks_mb, 0), FV(globals_mb, 0),
           FV(procs, 2), FV(forced, 0), FV(leak_check, 0)}},
};

static void test_prefix_split_lines_84_85(void **state) {
  gcw_recog *r = *state;
  int complete;
  char buf[512];
  /* "gc 8 @0.030" is the longest valid beginning: "@0.0302" has four decimals */
  assert_int_equal(prefix_of(r, L84, &complete), 11);
  assert_int_equal(complete, 0);
  assert_memory_equal(L84, "gc 8 @0.030", 11);
  /* the continuation has no head */
  assert_int_equal(prefix_of(r, L85, &complete), 0);
  assert_int_equal(complete, 0);
  /* piece + continuation is one complete line */
  snprintf(buf, sizeof buf, "%.11s%s", L84, L85);
  assert_string_equal(buf, rejoined_lines[0].text);
  assert_int_equal(prefix_of(r, buf, &complete), strlen(buf));
  assert_int_equal(complete, 1);
  check_table(state, rejoined_lines, 1);
}

static void test_prefix_split_lines_675_679(void **state) {
  gcw_recog *r = *state;
  int complete;
  char buf[1024];
  const char *p675 = "gc 80 @0.286s 3%: 0.009+0.29+0.002 ms clock, 0.018";
  const char *p676 = "+0.088/0/0+", *p677 = "0.005 ms cpu, 3->3", *p678 = "->0 MB, 4 MB goal, 0";
  /* the head piece ends at "0.018": "0.0182" would be four decimals */
  assert_int_equal(prefix_of(r, L675, &complete), strlen(p675));
  assert_int_equal(complete, 0);
  assert_memory_equal(L675, p675, strlen(p675));
  /* the continuation lines have no head of their own */
  assert_int_equal(prefix_of(r, L676, &complete), 0);
  assert_int_equal(prefix_of(r, L677, &complete), 0);
  assert_int_equal(prefix_of(r, L678, &complete), 0);
  assert_int_equal(prefix_of(r, L679, &complete), 0);
  assert_int_equal(complete, 0);
  /* Glued pieces: inside a run of digits the grammar cannot tell where the trace ends
  ** ("+2026" is a valid 2026 ms, "3->32026" a valid 32026 MB, "02026" a valid count), so
  ** the longest valid beginning runs to the end of the digits; splice.c places the cut. */
  snprintf(buf, sizeof buf, "%s%s", p675, L676);
  assert_int_equal(prefix_of(r, buf, &complete), strlen(p675) + strlen("+0.088/0/0+2026"));
  assert_int_equal(complete, 0);
  snprintf(buf, sizeof buf, "%s%s%s", p675, p676, L677);
  assert_int_equal(prefix_of(r, buf, &complete),
                   strlen(p675) + strlen(p676) + strlen("0.005 ms cpu, 3->32026"));
  assert_int_equal(complete, 0);
  snprintf(buf, sizeof buf, "%s%s%s%s", p675, p676, p677, L678);
  assert_int_equal(prefix_of(r, buf, &complete),
                   strlen(p675) + strlen(p676) + strlen(p677) + strlen("->0 MB, 4 MB goal, 02026"));
  assert_int_equal(complete, 0);
  snprintf(buf, sizeof buf, "%s%s%s%s%s", p675, p676, p677, p678, L679);
  assert_string_equal(buf, rejoined_lines[1].text);
  assert_int_equal(prefix_of(r, buf, &complete), strlen(buf));
  assert_int_equal(complete, 1);
  check_table(state, rejoined_lines + 1, 1);
}

static void test_prefix_other_pieces(void **state) {
  gcw_recog *r = *state;
  int complete;
  char buf[512];
  /* corpus 06_interleaved_applog/combined.log:83 (go1.19.8): a whole scav line */
  assert_int_equal(prefix_of(r, "scav 384 KiB work, 3456 KiB total, 33% util", &complete), 43);
  assert_int_equal(complete, 1);
  /* corpus 05a_seed_map_freeosmemory/gctrace.log:22 (go1.19.8) */
  assert_int_equal(prefix_of(r, "GC forced", &complete), 9);
  assert_int_equal(complete, 1);
  /* corpus 07_go_build_std/gctrace.log:78 and :161 (go1.19.8): cut at process exit */
  assert_int_equal(prefix_of(r, "gc 1 @", &complete), 6);
  assert_int_equal(complete, 0);
  assert_int_equal(prefix_of(r, "gc ", &complete), 3);
  assert_int_equal(complete, 0);
  /* corpus 07c_three_procs_one_stderr/gctrace.log:3 (go1.19.8): "gc " then another head */
  assert_int_equal(prefix_of(r, behind_lines[2].before, &complete), 3);
  snprintf(buf, sizeof buf, "%s%s", behind_lines[2].before, behind_lines[2].text);
  assert_int_equal(prefix_of(r, buf, &complete), 3);
  assert_int_equal(complete, 0);
  /* corpus 05a_seed_map_freeosmemory/gctrace.log:19 (go1.19.8) cut by this test: complete
  ** at "2 P", but not while " (forced)" is half written */
  const char *g = forced_suffix_lines[0].text;
  size_t n = strlen(g) - strlen(" (forced)");
  snprintf(buf, sizeof buf, "%.*s", (int)n, g);
  assert_int_equal(prefix_of(r, buf, &complete), n);
  assert_int_equal(complete, 1);
  snprintf(buf, sizeof buf, "%.*s", (int)(n + 5), g);
  assert_int_equal(prefix_of(r, buf, &complete), n + 5);
  assert_int_equal(complete, 0);
  assert_int_equal(prefix_of(r, g, &complete), strlen(g));
  assert_int_equal(complete, 1);
  /* corpus 11_gcpacertrace/gctrace.log:1 (go1.19.8) cut by this test inside a float */
  assert_int_equal(prefix_of(r, "pacer: assist ratio=+1.1", &complete), 24);
  assert_int_equal(complete, 0);
}

/* ---- start literals ------------------------------------------------------- */

static void test_start_literals(void **state) {
  gcw_recog *r = *state;
  /* heads of lines quoted in the tables above */
  assert_int_equal(gcw_recog_start_len(r, "gc 1 @0.007s", 12), 3);
  assert_int_equal(gcw_recog_start_len(r, "gc83(1): ", 9), 2);
  assert_int_equal(gcw_recog_start_len(r, "scvg: 0 MB released", 19), 4);
  assert_int_equal(gcw_recog_start_len(r, "forced scvg: 1005 MB released", 29), 13);
  assert_int_equal(gcw_recog_start_len(r, "scav 0 KiB work", 15), 5);
  assert_int_equal(gcw_recog_start_len(r, "pacer: 26% CPU", 14), 7);
  assert_int_equal(gcw_recog_start_len(r, "GC forced", 9), 9);
  assert_int_equal(gcw_recog_start_len(r, "init internal/bytealg", 21), 0);
  assert_int_equal(gcw_recog_at_start(r, "GC forced", 9), 1);
  assert_int_equal(gcw_recog_at_start(r, "", 0), 0);
}

/* ---- every quote is what it claims to be ----------------------------------- */

typedef struct table {
  const want *w;
  size_t n;
} table;

static const table all_tables[] = {
    {g1_lines, NELEM(g1_lines)},
    {g2_lines, NELEM(g2_lines)},
    {g3_lines, NELEM(g3_lines)},
    {g3_leak_lines, NELEM(g3_leak_lines)},
    {forced_suffix_lines, NELEM(forced_suffix_lines)},
    {g0a_lines, NELEM(g0a_lines)},
    {g0b_lines, NELEM(g0b_lines)},
    {g0c_lines, NELEM(g0c_lines)},
    {g0d_lines, NELEM(g0d_lines)},
    {forced_lines, NELEM(forced_lines)},
    {forced_old_lines, NELEM(forced_old_lines)},
    {scvg_numbered_lines, NELEM(scvg_numbered_lines)},
    {scvg_minus1_lines, NELEM(scvg_minus1_lines)},
    {scvg_hex_lines, NELEM(scvg_hex_lines)},
    {scvg_113_lines, NELEM(scvg_113_lines)},
    {scvg_kb_lines, NELEM(scvg_kb_lines)},
    {scav_t1_lines, NELEM(scav_t1_lines)},
    {scav_t2_lines, NELEM(scav_t2_lines)},
    {scav_t3_lines, NELEM(scav_t3_lines)},
    {scav_t4_lines, NELEM(scav_t4_lines)},
    {pacer_p1_lines, NELEM(pacer_p1_lines)},
    {pacer_p2_lines, NELEM(pacer_p2_lines)},
    {pacer_p3_lines, NELEM(pacer_p3_lines)},
    {pacer_p4_lines, NELEM(pacer_p4_lines)},
    {behind_lines, NELEM(behind_lines)},
    {unknown_part_lines, NELEM(unknown_part_lines)},
    {rejoined_lines, NELEM(rejoined_lines)},
};

/* Physical line `no` (1-based) of a corpus file, without its newline, into buf. */
static int corpus_line(const char *rel, int no, char *buf, size_t cap) {
  char path[1024];
  FILE *f = fopen(tu_corpus(path, sizeof path, rel), "rb");
  int found = 0;
  if (!f)
    return -1;
  for (int i = 1; fgets(buf, (int)cap, f); i++) {
    size_t n = strlen(buf);
    int whole = n && buf[n - 1] == '\n';
    if (i == no) {
      if (whole)
        buf[n - 1] = '\0';
      found = 1;
      break;
    }
    while (!whole && fgets(buf, (int)cap, f)) { /* skip the rest of a long line */
      n = strlen(buf);
      whole = n && buf[n - 1] == '\n';
    }
  }
  fclose(f);
  return found;
}

static int check_corpus_quote(const char *rel, int no, const char *before, const char *text) {
  char got[8192], expect[8192];
  int rc = corpus_line(rel, no, got, sizeof got);
  if (rc < 0)
    return -1;
  snprintf(expect, sizeof expect, "%s%s", before ? before : "", text);
  if (rc == 1 && strcmp(got, expect) == 0)
    return 0;
  print_error("NOT VERBATIM: corpus %s:%d\n  corpus: %s\n  test:   %s\n", rel, no,
              rc == 1 ? got : "(no such line)", expect);
  return 1;
}

static void test_quotes_are_verbatim(void **state) {
  (void)state;
  char path[1024];
  char *formats = tu_slurp(tu_corpus(path, sizeof path, "../formats.md"), NULL);
  int bad = 0, missing = 0;
  if (!formats) {
    print_message("formats.md not found at %s: set GCW_CORPUS\n", path);
    skip();
  }
  for (size_t t = 0; t < NELEM(all_tables); t++)
    for (size_t i = 0; i < all_tables[t].n; i++) {
      const want *w = &all_tables[t].w[i];
      if (w->from == REAL_FORMATS && !strstr(formats, w->text)) {
        print_error("NOT IN formats.md (claimed: %s): %s\n", w->src, w->text);
        bad++;
      } else if (w->from == REAL_CORPUS) {
        int rc = check_corpus_quote(w->cfile, w->cline, w->before, w->text);
        missing += rc < 0;
        bad += rc > 0;
      } else if (w->from == SYNTH && !strstr(w->src, "synthesized") && !strstr(w->src, "built") &&
                 !strstr(w->src, "rejoined")) {
        print_error("a synthesized line must say so: %s\n", w->text);
        bad++;
      }
    }
  /* the split pieces of the prefix tests */
  static const struct {
    const char *const *text;
    int line;
  } pieces[] = {{&L84, 84}, {&L85, 85}, {&L675, 675}, {&L676, 676},
                {&L677, 677}, {&L678, 678}, {&L679, 679}};
  for (size_t i = 0; i < NELEM(pieces); i++) {
    int rc = check_corpus_quote("06_interleaved_applog/combined.log", pieces[i].line, NULL,
                                *pieces[i].text);
    missing += rc < 0;
    bad += rc > 0;
  }
  free(formats);
  if (missing)
    print_message("%d corpus quote(s) not checked: corpus files not found\n", missing);
  if (bad)
    fail_msg("%d quote(s) are not what they claim to be", bad);
}

/* ---- driver --------------------------------------------------------------- */

static int setup(void **state) {
  char msg[512] = "";
  gcw_recog *r = NULL;
  if (gcw_recog_open(&r, msg, sizeof msg) != GCW_OK) {
    print_error("gcw_recog_open: %s\n", msg);
    return -1;
  }
  *state = r;
  return 0;
}

static int teardown(void **state) {
  gcw_recog *r = *state;
  gcw_recog_close(&r);
  return 0;
}

/* The two ways of matching parts (all at once, then one by one as the fallback) give the
** same event for every trace line of these real logs. */
static void test_body_and_parts_agree(void **state) {
  (void)state;
  static const char *const files[] = {
      "01_steady_state_web/gctrace.log", "05a_seed_map_freeosmemory/gctrace.log",
      "11_gcpacertrace/gctrace.log", "12a_esbuild_0.0.16_go1.13.8/esbuild_stderr.log",
      "12b_esbuild_0.1.26_go1.14.2/esbuild_stderr.log",
      "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_stderr.log",
      "12c_esbuild_0.8.57_go1.16_serve/esbuild_serve_gcpacertrace.log",
      "12e_esbuild_0.23.1_go1.22.5/esbuild_stderr.log", "13_forced_gc_storm/gctrace.log"};
  gcw_recog *r;
  char msg[256];
  assert_int_equal(gcw_recog_open(&r, msg, sizeof msg), GCW_OK);
  long compared = 0;
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    char path[512];
    size_t n;
    char *buf = tu_slurp(tu_corpus(path, sizeof path, files[f]), &n);
    assert_non_null(buf);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
      gcw_event a, b;
      memset(&a, 0, sizeof a);
      memset(&b, 0, sizeof b);
      gcw_recog_use_body(r, 1);
      int ra = gcw_recog_line(r, line, strlen(line), &a);
      gcw_recog_use_body(r, 0);
      int rb = gcw_recog_line(r, line, strlen(line), &b);
      assert_int_equal(ra, rb);
      if (!ra)
        continue;
      compared++;
      assert_int_equal(a.family, b.family);
      assert_string_equal(a.kind, b.kind);
      assert_int_equal(a.unknown_parts, b.unknown_parts);
      assert_int_equal(a.era_min, b.era_min);
      assert_int_equal(a.era_max, b.era_max);
      for (int k = 0; k < GCW_NFIELDS; k++) {
        assert_int_equal(a.present[k], b.present[k]);
        if (a.present[k])
          assert_true(a.v[k] == b.v[k]);
      }
    }
    free(buf);
  }
  assert_true(compared > 1500);
  gcw_recog_close(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_body_and_parts_agree),
      cmocka_unit_test(test_g1_go15),
      cmocka_unit_test(test_g2_go16_to_117),
      cmocka_unit_test(test_g3_go118_on),
      cmocka_unit_test(test_g3_leak_infix_go126),
      cmocka_unit_test(test_gc_forced_suffix),
      cmocka_unit_test(test_g0a_go10),
      cmocka_unit_test(test_g0b_go11_12),
      cmocka_unit_test(test_g0c_go13),
      cmocka_unit_test(test_g0d_go14),
      cmocka_unit_test(test_gc_forced_line),
      cmocka_unit_test(test_scvg_gc_forced_go10_13),
      cmocka_unit_test(test_scvg_numbered_go10_112),
      cmocka_unit_test(test_scvg_minus1_freeosmemory),
      cmocka_unit_test(test_scvg_hex_go10_11),
      cmocka_unit_test(test_scvg_go113),
      cmocka_unit_test(test_scvg_kb_go114beta1),
      cmocka_unit_test(test_scav_t1_go114),
      cmocka_unit_test(test_scav_t2_generation_go115_118),
      cmocka_unit_test(test_scav_t3_go119_120),
      cmocka_unit_test(test_scav_t4_bg_eager_now_go121),
      cmocka_unit_test(test_pacer_p1_start),
      cmocka_unit_test(test_pacer_p2_old_end),
      cmocka_unit_test(test_pacer_p3_new_end),
      cmocka_unit_test(test_pacer_p4_sweep_done),
      cmocka_unit_test(test_line_behind_prefix),
      cmocka_unit_test(test_docker_json_record_needs_unwrapping),
      cmocka_unit_test(test_inittrace_not_recognized),
      cmocka_unit_test(test_unknown_part_counted),
      cmocka_unit_test(test_prefix_split_lines_84_85),
      cmocka_unit_test(test_prefix_split_lines_675_679),
      cmocka_unit_test(test_prefix_other_pieces),
      cmocka_unit_test(test_start_literals),
      cmocka_unit_test(test_quotes_are_verbatim),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}

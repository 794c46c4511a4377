/*
** fields.h: the one list of every figure a trace line can carry.
** Owns:   nothing; it is an X-macro list expanded where a per-field table is needed.
** Input:  -
** Output: the field enum (event.h), the store's columns and INSERTs (store.c), the
**         check against docs/schema.md (tests), the grammar's group names (recog.c).
** Never:  holds a field twice: a name shared by two tables is one field.
**
** X(name, type, unit, tables, description)
**   type   INT (integer), REAL (double), FLAG (0/1)
**   unit   what the runtime printed: "MB" is MiB truncated, "KiB", "ms", "s", "%", "B"
**   tables bits of GCW_T_GC, GCW_T_SCAV, GCW_T_PACER, GCW_T_FORCED
*/
#ifndef GCW_FIELDS_H
#define GCW_FIELDS_H

#include <stddef.h>

#define GCW_T_GC 1u
#define GCW_T_SCAV 2u
#define GCW_T_PACER 4u
#define GCW_T_FORCED 8u

#define GCW_FIELDS(X) \
  X(gc, INT, "", GCW_T_GC, "cycle number printed by the runtime (1-based, per process)") \
  X(t_s, REAL, "s", GCW_T_GC, "@t: start of the cycle, seconds since the process started") \
  X(cpu_pct, INT, "%", GCW_T_GC | GCW_T_PACER, "gc: cumulative GC CPU since start; pacer: this cycle's mark CPU") \
  X(leak_check, FLAG, "", GCW_T_GC, "1 on a Go 1.26+ goroutine-leak-checking cycle") \
  X(sweep_term_ms, REAL, "ms", GCW_T_GC, "sweep termination, stop-the-world (wall clock)") \
  X(scan_ms, REAL, "ms", GCW_T_GC, "Go 1.5 only: concurrent stack scan (wall clock)") \
  X(install_wb_ms, REAL, "ms", GCW_T_GC, "Go 1.5 only: synchronize Ps / install write barrier (wall clock)") \
  X(mark_ms, REAL, "ms", GCW_T_GC, "concurrent mark (wall clock)") \
  X(mark_term_ms, REAL, "ms", GCW_T_GC, "mark termination, stop-the-world (wall clock)") \
  X(cpu_sweep_term_ms, REAL, "ms", GCW_T_GC, "sweep termination CPU (estimated by the runtime)") \
  X(cpu_scan_ms, REAL, "ms", GCW_T_GC, "Go 1.5 only: stack scan CPU") \
  X(cpu_install_wb_ms, REAL, "ms", GCW_T_GC, "Go 1.5 only: install write barrier CPU (always 0)") \
  X(cpu_assist_ms, REAL, "ms", GCW_T_GC, "mark assist CPU (mutators helping the GC)") \
  X(cpu_bg_ms, REAL, "ms", GCW_T_GC, "background mark CPU (dedicated + fractional workers)") \
  X(cpu_idle_ms, REAL, "ms", GCW_T_GC, "idle mark CPU") \
  X(cpu_mark_term_ms, REAL, "ms", GCW_T_GC, "mark termination CPU (estimated by the runtime)") \
  X(heap_start_mb, INT, "MB", GCW_T_GC | GCW_T_PACER, "heap in use when the cycle started") \
  X(heap_end_mb, INT, "MB", GCW_T_GC, "heap in use when marking ended") \
  X(heap_live_mb, INT, "MB", GCW_T_GC, "marked live heap after the cycle") \
  X(goal_mb, INT, "MB", GCW_T_GC | GCW_T_PACER, "heap goal") \
  X(stacks_mb, INT, "MB", GCW_T_GC, "Go 1.18+: scannable stacks") \
  X(globals_mb, INT, "MB", GCW_T_GC, "Go 1.18+: scannable globals") \
  X(procs, INT, "", GCW_T_GC, "gc: GOMAXPROCS (P); Go <= 1.4: procs that took part in the GC") \
  X(forced, FLAG, "", GCW_T_GC | GCW_T_SCAV, "gc: (forced), a runtime.GC() cycle; scav/scvg: debug.FreeOSMemory()") \
  X(objects_before, INT, "", GCW_T_GC, "Go <= 1.2: live objects before the GC") \
  X(objects_live, INT, "", GCW_T_GC, "Go <= 1.4: live objects after the GC") \
  X(goroutines, INT, "", GCW_T_GC, "Go 1.4: goroutines") \
  X(legacy_a_ms, REAL, "ms", GCW_T_GC, "Go <= 1.4 first time field (1.0: stw+mark, 1.1-1.2: mark, 1.3-1.4: stw+setup)") \
  X(legacy_b_ms, REAL, "ms", GCW_T_GC, "Go <= 1.4 second time field (1.0-1.2: sweep, 1.3-1.4: sweep leftovers)") \
  X(legacy_c_ms, REAL, "ms", GCW_T_GC, "Go <= 1.4 third time field (1.0: finish, 1.1-1.2: other, 1.3-1.4: mark)") \
  X(legacy_d_ms, REAL, "ms", GCW_T_GC, "Go 1.3-1.4 fourth time field (wait for helpers + stats)") \
  X(round, INT, "", GCW_T_SCAV | GCW_T_FORCED, "scvgN round number (-1 for debug.FreeOSMemory)") \
  X(periodic, FLAG, "", GCW_T_FORCED, "1: a periodic (2-minute) forced GC announcement") \
  X(gen, INT, "", GCW_T_SCAV, "Go 1.15-1.18: scavenger generation") \
  X(controller_reset, FLAG, "", GCW_T_SCAV | GCW_T_PACER, "Go 1.18+: [controller reset]") \
  X(released_mb, INT, "MB", GCW_T_SCAV, "scvg: released to the OS in this pass") \
  X(released_kb, INT, "KiB", GCW_T_SCAV, "go1.14beta1 scvg: released in this pass") \
  X(inuse_mb, INT, "MB", GCW_T_SCAV, "scvg: heap_inuse") \
  X(idle_mb, INT, "MB", GCW_T_SCAV, "scvg: heap_idle") \
  X(sys_mb, INT, "MB", GCW_T_SCAV, "scvg: heap_sys, heap memory obtained from the OS") \
  X(heap_released_mb, INT, "MB", GCW_T_SCAV, "scvg: heap currently released to the OS") \
  X(consumed_mb, INT, "MB", GCW_T_SCAV, "scvg: heap_sys - heap_released (retained)") \
  X(work_kib, INT, "KiB", GCW_T_SCAV, "scav 1.14-1.20: released since the previous line") \
  X(work_bg_kib, INT, "KiB", GCW_T_SCAV, "scav 1.21+: released by the background scavenger") \
  X(work_eager_kib, INT, "KiB", GCW_T_SCAV, "scav 1.21+: released eagerly (growth, limit, FreeOSMemory)") \
  X(released_kib, INT, "KiB", GCW_T_SCAV, "scav: currently released to the OS (total / now)") \
  X(util_pct, INT, "%", GCW_T_SCAV, "scav: in-use share of retained heap memory") \
  X(assist_ratio, REAL, "", GCW_T_PACER, "start: scan work per allocated byte") \
  X(scan_mb, INT, "MB", GCW_T_PACER, "start: scannable heap estimate") \
  X(workers_dedicated, INT, "", GCW_T_PACER, "start: dedicated mark workers") \
  X(workers_fractional, REAL, "", GCW_T_PACER, "start: fractional worker goal (1.5-1.9: a count)") \
  X(heap_marked_prev_b, INT, "B", GCW_T_PACER, "old end: H_m_prev, marked heap of the previous cycle") \
  X(trigger_ratio, REAL, "", GCW_T_PACER, "old end: h_t") \
  X(trigger_b, INT, "B", GCW_T_PACER, "end: heap size at trigger (H_T / in # B)") \
  X(actual_ratio, REAL, "", GCW_T_PACER, "old end: h_a") \
  X(heap_live_b, INT, "B", GCW_T_PACER, "end: heap live at the end (H_a / -> # B)") \
  X(goal_ratio, REAL, "", GCW_T_PACER, "old end: h_g") \
  X(goal_b, INT, "B", GCW_T_PACER, "old end: H_g, heap goal") \
  X(util_actual, REAL, "", GCW_T_PACER, "old end: u_a, actual utilization") \
  X(util_goal, REAL, "", GCW_T_PACER, "old end: u_g, goal utilization") \
  X(scan_work_b, INT, "B", GCW_T_PACER, "old end: W_a, scan work") \
  X(goal_delta, REAL, "", GCW_T_PACER, "old end: goalΔ = h_g - h_t") \
  X(actual_delta, REAL, "", GCW_T_PACER, "old end: actualΔ = h_a - h_t") \
  X(util_ratio, REAL, "", GCW_T_PACER, "old end: u_a/u_g") \
  X(cpu_exp_pct, INT, "%", GCW_T_PACER, "new end: expected mark CPU") \
  X(work_heap_b, INT, "B", GCW_T_PACER, "new end: heap scan work") \
  X(work_stack_b, INT, "B", GCW_T_PACER, "new end: stack scan work") \
  X(work_globals_b, INT, "B", GCW_T_PACER, "new end: globals scan work") \
  X(work_exp_b, INT, "B", GCW_T_PACER, "new end: expected scan work") \
  X(goal_delta_b, INT, "B", GCW_T_PACER, "new end: ∆goal = heap live - heap goal") \
  X(cons_mark, REAL, "", GCW_T_PACER, "new end: cons/mark estimate") \
  X(sweep_heap_mb, INT, "MB", GCW_T_PACER, "sweep done: heap size") \
  X(sweep_alloc_mb, INT, "MB", GCW_T_PACER, "sweep done: allocated during sweep (1.6-1.8: of spans)") \
  X(swept_pages, INT, "", GCW_T_PACER, "sweep done: pages swept") \
  X(pages_per_byte, REAL, "", GCW_T_PACER, "sweep done: sweep pacing")

typedef enum gcw_field {
#define GCW_FIELD_ENUM(name, type, unit, tables, doc) GCW_F_##name,
  GCW_FIELDS(GCW_FIELD_ENUM)
#undef GCW_FIELD_ENUM
  GCW_NFIELDS
} gcw_field;

typedef enum gcw_field_type { GCW_INT, GCW_REAL, GCW_FLAG } gcw_field_type;

typedef struct gcw_field_info {
  const char *name;
  gcw_field_type type;
  const char *unit;
  unsigned tables;
  const char *doc;
} gcw_field_info;

extern const gcw_field_info gcw_field_infos[GCW_NFIELDS];

/* The field called NAME (exact, length LEN), or -1. */
int gcw_field_lookup(const char *name, size_t len);

#endif

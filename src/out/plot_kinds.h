/*
** plot_kinds.h: what `plot --kind` can draw, the one list of it.
** One row per panel: its id in plot.c and its --kind name, in the order the dashboard
** stacks them; "all" (GCW_PLOT_KIND_ALL, the default) draws every panel. cli.c checks
** --kind against gcw_plot_kind_names; plot.c draws from the same rows.
*/
#ifndef GCW_PLOT_KINDS_H
#define GCW_PLOT_KINDS_H

#define GCW_PLOT_KINDS(X)                                                                  \
  X(HEAP, "heap")                                                                          \
  X(PAUSE, "pause")                                                                        \
  X(INTERVAL, "interval")                                                                  \
  X(CPU, "cpu")                                                                            \
  X(SCAV, "scavenger")                                                                     \
  X(RSS, "rss") /* issue 15: only in the dashboard of a run with process samples */

#define GCW_PLOT_KIND_ALL "all"

/* Every --kind name, GCW_PLOT_KIND_ALL last, NULL-terminated (plot.c). */
extern const char *const gcw_plot_kind_names[];

#endif

/* rssgap.c: the part of RSS the GC trace does not explain. See rssgap.h. */
#include "rssgap.h"

#include <stdio.h>

static double or0(double v) { return v > 0 ? v : 0; }

double gcw_rss_next_goal(double live_mb, double goal_mb, double prev_live_mb) {
  if (prev_live_mb <= 0 || live_mb < 0)
    return goal_mb;
  double next = live_mb * (goal_mb / prev_live_mb);
  return next > 4 ? next : 4;
}

double gcw_rss_unexplained(const gcw_rss_gap *g) {
  if (g->heap_mb < 0 || g->rss_mb < 0)
    return -1;
  double gap = g->rss_mb - g->heap_mb - or0(g->stacks_mb) - or0(g->globals_mb);
  return gap > 0 ? gap : 0;
}

/* Does a part explain at least half of the gap? */
static int covers(double part, double gap) { return part > 0 && part >= gap / 2; }

const char *gcw_rss_explain(const gcw_rss_gap *g, char *buf, size_t n) {
  double gap = gcw_rss_unexplained(g);
  int madv_free_era = g->era_min >= 12 && g->era_max <= 15;
  if (gap < 0)
    snprintf(buf, n, "no cycle yet: the heap is not known");
  else if (gap < GCW_RSS_GAP_SMALL_MB)
    snprintf(buf, n,
             "the trace accounts for RSS: heap up to its goal, stacks and globals (the rest, "
             "%.0f MB, is the binary and the runtime's own structures)", gap);
  else if (covers(g->lazyfree_mb, gap))
    snprintf(buf, n,
             "freed lazily (MADV_FREE): %.0f MB of RSS is LazyFree, memory the runtime gave back "
             "that the kernel reclaims only under memory pressure. Go 1.12-1.15 free this way "
             "unless GODEBUG=madvdontneed=1; it is not in use and not a leak", g->lazyfree_mb);
  else if (covers(g->retained_mb, gap))
    snprintf(buf, n,
             "retained, not yet scavenged: the runtime keeps about %.0f MB of freed heap from the "
             "OS (%.0f MB released so far); the background scavenger returns it gradually. "
             "debug.FreeOSMemory() returns it at once; GOMEMLIMIT makes the scavenger keep RSS "
             "under the limit (Go 1.19+)", g->retained_mb, or0(g->released_mb));
  else if (madv_free_era)
    snprintf(buf, n,
             "likely freed lazily (MADV_FREE, Go 1.12-1.15): RSS falls only under memory "
             "pressure; run with GODEBUG=madvdontneed=1 to see the real figure (this kernel does "
             "not report LazyFree)");
  else if (covers(g->rss_file_mb, gap))
    snprintf(buf, n,
             "file-backed pages: %.0f MB of RSS maps files (the binary, mmap'd data files); the "
             "kernel can drop them at any time", g->rss_file_mb);
  else
    snprintf(buf, n,
             "off-heap memory the trace does not see: cgo/C allocations, mmap by the program or "
             "a library, or heap retained after fragmentation; compare "
             "runtime/metrics /memory/classes/total:bytes with RSS, and look at "
             "/proc/PID/smaps for large anonymous mappings");
  return buf;
}

#!/bin/sh
# metrics_latency.sh: p50/p99 pass-through latency of watch mode (bench/README.md).
# Each case writes the first 20,000 lines of corpus 06 (app log lines with trace lines
# between them) at 2,000 lines/s, one write per line, and times each line's way through.
set -eu
cd "$(dirname "$0")/.."
LOG=${CORPUS:?set CORPUS}/06_interleaved_applog/combined.log
B=build/bench/metrics_latency
N=${LAT_LINES:-20000}
R=${LAT_RATE:-2000}
$B ./gctrace-watch "$LOG" "$N" "$R" 0 --no-metrics
$B ./gctrace-watch "$LOG" "$N" "$R" 0
$B ./gctrace-watch "$LOG" "$N" "$R" 1000
$B ./gctrace-watch "$LOG" "$N" "$R" 10
# The reading thread's own cost of --metrics, with back-to-back scrapes on another thread.
build/bench/metrics_publish "${CORPUS}/03_pause_spikes/gctrace.log" 1000000

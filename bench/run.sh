#!/usr/bin/env bash
# bench/run.sh: throughput and peak memory of gctrace-watch on corpus 08 (see bench/README.md).
#   BENCH_RUNS=5 bench/run.sh      (or: make bench; CORPUS=DIR for another corpus folder)
# The project keeps corpus 08 gzipped (tests/corpus/08_large_throughput/gctrace.log.gz); it is
# decompressed into the bench's temporary folder first, so every figure is about the same
# plain 50 MB file (a plain gctrace.log beside the .gz is used as it is).
# Every row of issue 12's table, each run BENCH_RUNS times (at least 5), the median reported
# with its target and MET / NOT MET, and its ratio to grep -c measured in the same run:
#   analyze          ./gctrace-watch analyze --db NEW.db 08/gctrace.log     (with its report)
#   analyze, append  the same into a copy of a database that already holds runs
#   watch            ./gctrace-watch --db NEW.db < 08/gctrace.log > /dev/null
#   analyze --quiet  ./gctrace-watch analyze --quiet --db NEW.db 08/gctrace.log (no own target)
#   recognition      build/bench/bench_recog 08/gctrace.log  (read -> lines -> splice/recognize)
#   grep -c          LC_ALL=C grep -c '^gc ' 08/gctrace.log  (the baseline)
#   bound            sqlite3: the same rows copied row by row into a new database of the same
#                    schema and indexes (journal off, 16 KiB pages): SQLite's own cost
# and the peak RSS (GNU /usr/bin/time -f %M) of analyze on 08 and on 08 repeated 10 times.
# Wall time is the target; the CPU time (user + sys) is printed beside it because the
# machine may be shared: on a loaded machine the wall time is the CPU time plus waiting.
# A benchmark, not a test: missing targets print NOT MET and the exit status stays 0.
# Exit 1 only when the numbers would be meaningless: corpus or tools missing, the build
# fails, or an import did not store what the input holds (a failing run is not measured).
set -u
cd "$(dirname "$0")/.." || exit 1

CORPUS=${CORPUS:-$PWD/tests/corpus}
RUNS=${BENCH_RUNS:-5}
SRC="$CORPUS/08_large_throughput/gctrace.log"
BASE_LOGS="$CORPUS/04b_memlimit_thrash/gctrace.log $CORPUS/01_steady_state_web/gctrace.log"
WANT_GC=300000          # gc lines in corpus 08 (its notes.md): 300,000 gc + 300,000 scav lines
REPEAT=10               # the large input: 08 concatenated REPEAT times
T_ANALYZE=1000000       # analyze into a new database: >= 1,000,000 lines/s
T_APPEND=600000         # analyze into a database that holds runs: >= 600,000 lines/s
T_WATCH=600000          # watch mode: >= 600,000 lines/s
T_RECOG_X=2.5           # recognition within 2.5x the time of grep -c
T_RSS_KIB=16384         # peak RSS under 16 MB (16 MiB = 16384 KiB), same for both sizes
RSS_SAME_KIB=1024       # "same" peak RSS: differ by at most 1 MiB (allocator/page noise)

die() { echo "bench: ERROR: $*" >&2; exit 1; }

case $RUNS in '' | *[!0-9]*) die "BENCH_RUNS must be a positive integer (got '$RUNS')" ;; esac
[ "$RUNS" -ge 5 ] || die "BENCH_RUNS must be at least 5 (medians of >= 5 runs)"
[ -r "$SRC" ] || [ -r "$SRC.gz" ] || die "corpus file not found: $SRC(.gz) (set CORPUS)"
for f in $BASE_LOGS; do [ -r "$f" ] || die "corpus file not found: $f (set CORPUS)"; done
command -v sqlite3 >/dev/null || die "sqlite3 CLI not found (Debian package sqlite3; make deps)"
date +%s%N | grep -q '^[0-9]*$' || die "date +%s%N unsupported (GNU date needed)"
TIME=/usr/bin/time
[ -x $TIME ] || die "GNU time not found at $TIME (Debian package time; make deps)"

# ---- build ----------------------------------------------------------------------------
make -s gctrace-watch || die "make gctrace-watch failed"
[ -f build/grammar.c ] || die "build/grammar.c missing after make"
mkdir -p build/bench
PCRE_CFLAGS=$(pkg-config --cflags libpcre2-8 2>/dev/null)
PCRE_LIBS=$(pkg-config --libs libpcre2-8 2>/dev/null || echo -lpcre2-8)
# shellcheck disable=SC2086
cc -O2 -std=c11 -D_GNU_SOURCE -Isrc/base -Isrc/ingest -Ibuild $PCRE_CFLAGS bench/bench_recog.c \
  src/ingest/lines.c src/ingest/splice.c src/ingest/recog.c src/ingest/scan.c src/ingest/fields.c \
  src/base/err.c build/grammar.c $PCRE_LIBS \
  -o build/bench/bench_recog || die "building build/bench/bench_recog failed"

TMP=$(mktemp -d "$PWD/build/bench/tmp.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
LOG=$SRC
if [ ! -r "$LOG" ]; then
  LOG="$TMP/gctrace.log"
  gzip -dc "$SRC.gz" >"$LOG" || die "cannot decompress $SRC.gz"
fi

# ---- helpers --------------------------------------------------------------------------
now_ns() { date +%s%N; }
# median of numbers on stdin (mean of the two middle ones for an even count)
median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) printf "%.6f", a[(NR+1)/2];
                                          else printf "%.6f", (a[NR/2]+a[NR/2+1])/2 }'; }
fmt_int() { LC_ALL=C awk -v x="$1" 'BEGIN{ s=sprintf("%.0f",x); o="";
  while (length(s)>3) { o="," substr(s,length(s)-2) o; s=substr(s,1,length(s)-3) } print s o }'; }
calc() { awk "BEGIN{ printf \"$1\", $2 }"; }
verdict() { if [ "$1" = 1 ]; then echo MET; else echo "NOT MET"; fi; }
fresh_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }
runs_of() { tr '\n' ' ' <"$1" | sed 's/ $//'; }

# timed NAME STDIN STDOUT CMD...: run once; appends wall s to $TMP/NAME.wall, user+sys s to
# NAME.cpu and peak KiB to NAME.rss; returns the command's status.
timed() {
  local name=$1 in=$2 out=$3 t0 t1 rc
  shift 3
  t0=$(now_ns)
  $TIME -f "%U %S %M" -o "$TMP/$name.time" "$@" <"$in" >"$out" 2>"$TMP/$name.err"
  rc=$?
  t1=$(now_ns)
  calc "%.4f\n" "($t1-$t0)/1e9" >>"$TMP/$name.wall"
  awk '{ printf "%.4f\n", $1 + $2 }' "$TMP/$name.time" >>"$TMP/$name.cpu"
  awk '{ print $3 }' "$TMP/$name.time" >>"$TMP/$name.rss"
  return $rc
}

# check_db DB WANT LABEL: the import must have stored WANT gc cycles and nothing unparsed
check_db() {
  local got unp
  got=$(sqlite3 "$1" 'SELECT count(*) FROM gc_cycles' 2>&1)
  unp=$(sqlite3 "$1" 'SELECT count(*) FROM unparsed' 2>&1)
  echo "check      $3: gc_cycles=$got (want $2), unparsed=$unp (want 0)"
  [ "$got" = "$2" ] && [ "$unp" = 0 ]
}

LINES=$(wc -l <"$LOG")
BYTES=$(wc -c <"$LOG")
cat "$LOG" >/dev/null   # warm the page cache: every measurement reads from memory

echo "== gctrace-watch bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $(uname -srm)"
echo "input      $LOG"
echo "input      $(fmt_int "$LINES") lines, $(fmt_int "$BYTES") bytes; $RUNS runs each, median reported"
echo "load       $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (1/5/15 min) at the start"

# A database that already holds runs (its copy is the target of each append run).
BASE="$TMP/base.db"
for f in $BASE_LOGS; do
  ./gctrace-watch analyze --quiet --db "$BASE" "$f" 2>/dev/null || die "building the base database failed"
done
base_gc=$(sqlite3 "$BASE" 'SELECT count(*) FROM gc_cycles')

# The measurements interleave (one of each per round), so that a burst of load on a shared
# machine spreads over all rows instead of hitting one.
DB="$TMP/a.db"
for i in $(seq "$RUNS"); do
  fresh_db "$DB"
  timed analyze /dev/null "$TMP/report.out" ./gctrace-watch analyze --db "$DB" "$LOG" || {
    cat "$TMP/analyze.err" >&2; die "analyze run $i failed"; }
  if [ "$i" = 1 ]; then
    check_db "$DB" "$WANT_GC" "analyze 08" || die "analyze did not store the input: not benchmarking an error"
    grep -q '^  STW pause' "$TMP/report.out" || die "analyze printed no report"
  fi
  fresh_db "$DB"; cp "$BASE" "$DB"
  timed append /dev/null /dev/null ./gctrace-watch analyze --db "$DB" "$LOG" || {
    cat "$TMP/append.err" >&2; die "append run $i failed"; }
  [ "$i" = 1 ] && { check_db "$DB" $((WANT_GC + base_gc)) "analyze 08 into a database with runs" ||
    die "the append did not store the input"; }
  fresh_db "$DB"
  timed watch "$LOG" /dev/null ./gctrace-watch --db "$DB" || {
    cat "$TMP/watch.err" >&2; die "watch run $i failed"; }
  [ "$i" = 1 ] && { check_db "$DB" "$WANT_GC" "watch 08" || die "watch did not store the input"; }
  fresh_db "$DB"
  timed quiet /dev/null /dev/null ./gctrace-watch analyze --quiet --db "$DB" "$LOG" || {
    cat "$TMP/quiet.err" >&2; die "analyze --quiet run $i failed"; }
  timed recog /dev/null "$TMP/recog.out" build/bench/bench_recog "$LOG" || die "bench_recog failed"
  [ "$i" = 1 ] && { grep -q "^events=$LINES lines=$LINES " "$TMP/recog.out" ||
    die "bench_recog did not recognize every line"; }
  # grep's output goes to a file, not /dev/null: GNU grep stops at the first match when its
  # output is /dev/null, which would measure nothing.
  timed grep /dev/null "$TMP/grep.out" env LC_ALL=C grep -c '^gc ' "$LOG"
done
echo "check      bench_recog: $(sed 's/ seconds=.*//' "$TMP/recog.out") (want events=$LINES lines=$LINES)"
echo "check      grep -c '^gc ': $(cat "$TMP/grep.out") (want $WANT_GC)"

# The bound: SQLite alone writing the same rows (decoded and re-encoded row by row, the
# `WHERE 1` keeps SQLite from copying whole pages) into the same schema, journal off.
fresh_db "$DB"
./gctrace-watch analyze --quiet --db "$DB" "$LOG" 2>/dev/null || die "analyze for the bound failed"
cat >"$TMP/bound.sql" <<EOF
PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
$(sqlite3 "$DB" "SELECT sql || ';' FROM sqlite_master WHERE name IN ('gc_cycles','scavenger','gc_cycles_run','scavenger_run')")
ATTACH '$DB' AS src;
BEGIN;
INSERT INTO main.gc_cycles SELECT * FROM src.gc_cycles WHERE 1;
INSERT INTO main.scavenger SELECT * FROM src.scavenger WHERE 1;
COMMIT;
EOF
for i in $(seq "$RUNS"); do
  fresh_db "$TMP/bound.db"
  timed bound "$TMP/bound.sql" /dev/null sqlite3 "$TMP/bound.db" || die "the bound's sqlite3 failed"
done

# ---- the table ------------------------------------------------------------------------------
med() { median <"$TMP/$1.$2"; }
g_wall=$(med grep wall); g_cpu=$(med grep cpu)
row() { # row NAME LABEL TARGET_LPS|- TARGET_TEXT
  local name=$1 label=$2 tgt=$3 text=$4 w c lps clps xg v
  w=$(med "$name" wall); c=$(med "$name" cpu)
  lps=$(calc "%.0f" "$LINES/$w"); clps=$(calc "%.0f" "$LINES/$c")
  xg=$(calc "%.1f" "$w/$g_wall")
  if [ "$tgt" = - ]; then v="(no own target)"; else v=$(verdict "$(calc "%d" "($lps >= $tgt)")"); fi
  printf '%-26s %8.3f s %11s lines/s %7sx grep  %-22s %-8s| cpu %6.3f s %11s lines/s\n' \
    "$label" "$w" "$(fmt_int "$lps")" "$xg" "$text" "$v" "$c" "$(fmt_int "$clps")"
}
echo
printf '%-26s %10s %19s %12s  %-22s %-8s| %s\n' "row (median of $RUNS)" "wall" "" "" "target" "" "CPU (user+sys), same runs"
row analyze "analyze FILE, new DB" "$T_ANALYZE" ">= 1,000,000 lines/s"
row append "analyze FILE, DB w/ runs" "$T_APPEND" ">= 600,000 lines/s"
row watch "watch mode" "$T_WATCH" ">= 600,000 lines/s"
row quiet "analyze --quiet, new DB" - "(follows)"
w=$(med recog wall); c=$(med recog cpu)
xg=$(calc "%.2f" "$w/$g_wall"); ok=$(calc "%d" "($w <= $T_RECOG_X*$g_wall)")
printf '%-26s %8.3f s %11s lines/s %7sx grep  %-22s %-8s| cpu %6.3f s %11s lines/s\n' \
  "recognition (bench_recog)" "$w" "$(fmt_int "$(calc "%.0f" "$LINES/$w")")" "$xg" "<= ${T_RECOG_X}x grep" \
  "$(verdict "$ok")" "$c" "$(fmt_int "$(calc "%.0f" "$LINES/$c")")"
printf '%-26s %8.3f s %11s lines/s %7sx grep  %-22s %-8s| cpu %6.3f s %11s lines/s\n' \
  "grep -c '^gc ' (baseline)" "$g_wall" "$(fmt_int "$(calc "%.0f" "$LINES/$g_wall")")" "1.0" "" "" \
  "$g_cpu" "$(fmt_int "$(calc "%.0f" "$LINES/$g_cpu")")"
row bound "bound: SQLite alone" - "(the same rows)"
echo
for n in analyze append watch quiet recog grep bound; do
  echo "runs       $n: wall $(runs_of "$TMP/$n.wall") | cpu $(runs_of "$TMP/$n.cpu")"
done
echo "ratio      recognition CPU / grep CPU = $(calc "%.1f" "$(med recog cpu)/$g_cpu") (grep's CPU time is a few ms: rounding of GNU time's 10 ms ticks)"

# ---- peak RSS: 08 and 08 x REPEAT ---------------------------------------------------------------
echo
rss1=$(sort -n "$TMP/analyze.rss" | tail -1)
BIG="$TMP/gctrace-x$REPEAT.log"
for _ in $(seq $REPEAT); do cat "$LOG"; done >"$BIG"
big_lines=$((LINES * REPEAT))
fresh_db "$TMP/big.db"
timed big /dev/null /dev/null ./gctrace-watch analyze --db "$TMP/big.db" "$BIG" || {
  cat "$TMP/big.err" >&2; die "analyze of the x$REPEAT input failed"; }
check_db "$TMP/big.db" $((WANT_GC * REPEAT)) "analyze 08 x$REPEAT" ||
  die "the x$REPEAT import did not store the input: not benchmarking an error"
rss10=$(cat "$TMP/big.rss"); t=$(cat "$TMP/big.wall")
rm -f "$BIG"
echo "peak RSS   analyze 08 ($(fmt_int "$LINES") lines):        $rss1 KiB ($(calc "%.1f" "$rss1/1024") MiB; max of $RUNS runs: $(runs_of "$TMP/analyze.rss"))"
echo "peak RSS   analyze 08 x$REPEAT ($(fmt_int $big_lines) lines):    $rss10 KiB ($(calc "%.1f" "$rss10/1024") MiB; one run, $t s, $(fmt_int "$(calc "%.0f" "$big_lines/$t")") lines/s)"
echo "peak RSS   watch 08: $(sort -n "$TMP/watch.rss" | tail -1) KiB, analyze into a database with runs: $(sort -n "$TMP/append.rss" | tail -1) KiB"
diff=$((rss10 - rss1)); [ $diff -lt 0 ] && diff=$((-diff))
same=$([ $diff -le $RSS_SAME_KIB ] && echo 1 || echo 0)
echo "peak RSS   same for both sizes (differ by <= $RSS_SAME_KIB KiB): $([ "$same" = 1 ] && echo yes || echo no) (difference $diff KiB)"
ok=$([ "$rss1" -lt $T_RSS_KIB ] && [ "$rss10" -lt $T_RSS_KIB ] && echo 1 || echo 0)
echo "TARGET     peak RSS < 16 MB ($T_RSS_KIB KiB) for both sizes: $(verdict "$ok")"
echo "TARGET     peak RSS the same for both sizes: $(verdict "$same")"
echo "load       $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (1/5/15 min) at the end"
exit 0

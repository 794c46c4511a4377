#!/usr/bin/env bash
# bench/run.sh: throughput and peak memory of gctrace-watch on corpus 08 (see bench/README.md).
#   CORPUS=/path/to/corpus BENCH_RUNS=5 bench/run.sh      (or: make bench)
# Measures, each BENCH_RUNS times, median reported:
#   ingest       ./gctrace-watch analyze --quiet --db FRESH.db 08/gctrace.log
#   recognition  build/bench/bench_recog 08/gctrace.log  (read -> lines -> splice/recognize, no store)
#   grep -c      LC_ALL=C grep -c '^gc ' 08/gctrace.log   (baseline)
# and the peak RSS (GNU /usr/bin/time -f %M) of the ingest of 08 and of 08 repeated 10 times.
# A benchmark, not a test: missing targets print NOT MET and the exit status stays 0.
# Exit 1 only when the numbers would be meaningless: corpus or tools missing, the build
# fails, or the ingest did not store what the input holds (a failing ingest is not measured).
set -u
cd "$(dirname "$0")/.." || exit 1

CORPUS=${CORPUS:-$(cd .. && pwd)/shared/corpus}
RUNS=${BENCH_RUNS:-5}
LOG="$CORPUS/08_large_throughput/gctrace.log"
WANT_GC=300000          # gc lines in corpus 08 (notes.txt): 300,000 gc + 300,000 scav lines
REPEAT=10               # the large input: 08 concatenated REPEAT times
T_INGEST=1000000        # target: full ingest >= 1,000,000 lines/s
T_RECOG_X=2             # target: recognition within 2x of grep -c
T_RSS_KIB=16384         # target: peak RSS under 16 MB (16 MiB = 16384 KiB), same for both sizes
RSS_SAME_KIB=1024       # "same" peak RSS: differ by at most 1 MiB (allocator/page noise)

die() { echo "bench: ERROR: $*" >&2; exit 1; }

case $RUNS in '' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive integer (got '$RUNS')" ;; esac
[ -r "$LOG" ] || die "corpus file not found: $LOG (set CORPUS)"
command -v sqlite3 >/dev/null || die "sqlite3 CLI not found (Debian package sqlite3; make deps)"
date +%s%N | grep -q '^[0-9]*$' || die "date +%s%N unsupported (GNU date needed)"

# ---- build ----------------------------------------------------------------------------
make -s gctrace-watch || die "make gctrace-watch failed"
[ -f build/grammar.c ] || die "build/grammar.c missing after make"
mkdir -p build/bench
PCRE_CFLAGS=$(pkg-config --cflags libpcre2-8 2>/dev/null)
PCRE_LIBS=$(pkg-config --libs libpcre2-8 2>/dev/null || echo -lpcre2-8)
# shellcheck disable=SC2086
cc -O2 -std=c11 -D_GNU_SOURCE -Isrc/base -Isrc/ingest -Ibuild $PCRE_CFLAGS bench/bench_recog.c \
  src/ingest/lines.c src/ingest/splice.c src/ingest/recog.c src/ingest/fields.c src/base/err.c \
  build/grammar.c $PCRE_LIBS \
  -o build/bench/bench_recog || die "building build/bench/bench_recog failed"

TMP=$(mktemp -d "$PWD/build/bench/tmp.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT

TIME=/usr/bin/time
HAVE_TIME=0
if [ -x $TIME ] && $TIME -f %M -o "$TMP/probe" true 2>/dev/null && grep -q '^[0-9]' "$TMP/probe"; then
  HAVE_TIME=1
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

# ingest FILE DB RSSFILE: run the full ingest once; prints elapsed seconds; status of analyze
ingest() {
  local file=$1 db=$2 rss=$3 t0 t1 rc
  fresh_db "$db"
  t0=$(now_ns)
  if [ $HAVE_TIME = 1 ]; then
    $TIME -f %M -o "$rss" ./gctrace-watch analyze --quiet --db "$db" "$file" 2>"$TMP/ingest.err"
  else
    ./gctrace-watch analyze --quiet --db "$db" "$file" 2>"$TMP/ingest.err"
  fi
  rc=$?
  t1=$(now_ns)
  calc "%.4f" "($t1-$t0)/1e9"
  return $rc
}

# check_db DB WANT LABEL: the ingest must have stored WANT gc cycles and nothing unparsed
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

# ---- (a) full ingest --------------------------------------------------------------------
DB="$TMP/ingest.db"
: >"$TMP/t_ingest"; : >"$TMP/rss_ingest"
for i in $(seq "$RUNS"); do
  t=$(ingest "$LOG" "$DB" "$TMP/rss.$i") || {
    rc=$?; cat "$TMP/ingest.err" >&2; die "ingest run $i failed (exit status $rc)"; }
  echo "$t" >>"$TMP/t_ingest"
  [ $HAVE_TIME = 1 ] && cat "$TMP/rss.$i" >>"$TMP/rss_ingest"
  if [ "$i" = 1 ]; then
    check_db "$DB" "$WANT_GC" "ingest 08" || die "the ingest did not store the input: not benchmarking an error"
  fi
done

# ---- (b) recognition alone -----------------------------------------------------------------
: >"$TMP/t_recog"; : >"$TMP/t_recog_loop"
for i in $(seq "$RUNS"); do
  t0=$(now_ns)
  build/bench/bench_recog "$LOG" >"$TMP/recog.out" || die "bench_recog failed"
  t1=$(now_ns)
  calc "%.4f\n" "($t1-$t0)/1e9" >>"$TMP/t_recog"
  sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$TMP/recog.out" >>"$TMP/t_recog_loop"
done
echo "check      bench_recog: $(sed 's/ seconds=.*//' "$TMP/recog.out") (want events=$LINES lines=$LINES)"
grep -q "^events=$LINES lines=$LINES " "$TMP/recog.out" || die "bench_recog did not recognize every line"

# ---- (c) grep -c baseline ----------------------------------------------------------------------
# Output goes to a file, not /dev/null: GNU grep stops at the first match when its output
# is /dev/null, which would measure nothing.
: >"$TMP/t_grep"
for i in $(seq "$RUNS"); do
  t0=$(now_ns)
  LC_ALL=C grep -c '^gc ' "$LOG" >"$TMP/grep.out"
  t1=$(now_ns)
  calc "%.4f\n" "($t1-$t0)/1e9" >>"$TMP/t_grep"
done
echo "check      grep -c '^gc ': $(cat "$TMP/grep.out") (want $WANT_GC)"

# ---- throughput report ---------------------------------------------------------------------------
med_i=$(median <"$TMP/t_ingest"); med_r=$(median <"$TMP/t_recog")
med_l=$(median <"$TMP/t_recog_loop"); med_g=$(median <"$TMP/t_grep")
lps_i=$(calc "%.0f" "$LINES/$med_i"); lps_r=$(calc "%.0f" "$LINES/$med_r")
lps_l=$(calc "%.0f" "$LINES/$med_l"); lps_g=$(calc "%.0f" "$LINES/$med_g")
runs_of() { tr '\n' ' ' <"$1" | sed 's/ $//'; }
echo
printf '%-34s %10.4f s  %14s lines/s   (runs: %s)\n' "ingest (analyze --db file)" "$med_i" "$(fmt_int "$lps_i")" "$(runs_of "$TMP/t_ingest")"
printf '%-34s %10.4f s  %14s lines/s   (runs: %s)\n' "recognition (bench_recog)" "$med_r" "$(fmt_int "$lps_r")" "$(runs_of "$TMP/t_recog")"
printf '%-34s %10.4f s  %14s lines/s\n' "  of which read+recognize loop" "$med_l" "$(fmt_int "$lps_l")"
printf '%-34s %10.4f s  %14s lines/s   (runs: %s)\n' "grep -c '^gc ' (baseline)" "$med_g" "$(fmt_int "$lps_g")" "$(runs_of "$TMP/t_grep")"
r_ig=$(calc "%.4f" "$lps_i/$lps_g"); r_rg=$(calc "%.4f" "$lps_r/$lps_g")
x_ig=$(calc "%.1f" "$med_i/$med_g"); x_rg=$(calc "%.1f" "$med_r/$med_g")
echo "ratio      ingest/grep      = $r_ig  (ingest takes ${x_ig}x the time of grep -c)"
echo "ratio      recognition/grep = $r_rg  (recognition takes ${x_rg}x the time of grep -c)"
ok=$(calc "%d" "($lps_i >= $T_INGEST)")
echo "TARGET     full ingest >= $(fmt_int $T_INGEST) lines/s: $(verdict "$ok") ($(fmt_int "$lps_i") lines/s)"
ok=$(calc "%d" "($med_r <= $T_RECOG_X*$med_g)")
echo "TARGET     recognition within ${T_RECOG_X}x of grep -c: $(verdict "$ok") (${x_rg}x)"

# ---- peak RSS: 08 and 08 x REPEAT ---------------------------------------------------------------
echo
if [ $HAVE_TIME = 0 ]; then
  echo "peak RSS   NOT MEASURED: GNU /usr/bin/time missing (Debian package 'time')"
  echo "TARGET     peak RSS < 16 MB and the same for both sizes: NOT MEASURED"
  exit 0
fi
rss1=$(sort -n "$TMP/rss_ingest" | tail -1)
BIG="$TMP/gctrace-x$REPEAT.log"
for _ in $(seq $REPEAT); do cat "$LOG"; done >"$BIG"
big_lines=$((LINES * REPEAT))
t=$(ingest "$BIG" "$TMP/big.db" "$TMP/rss.big") || {
  cat "$TMP/ingest.err" >&2; die "ingest of the x$REPEAT input failed"; }
check_db "$TMP/big.db" $((WANT_GC * REPEAT)) "ingest 08 x$REPEAT" ||
  die "the x$REPEAT ingest did not store the input: not benchmarking an error"
rss10=$(cat "$TMP/rss.big")
rm -f "$BIG"
echo "peak RSS   ingest 08 ($(fmt_int "$LINES") lines):        $rss1 KiB ($(calc "%.1f" "$rss1/1024") MiB; max of $RUNS runs: $(runs_of "$TMP/rss_ingest"))"
echo "peak RSS   ingest 08 x$REPEAT ($(fmt_int $big_lines) lines):    $rss10 KiB ($(calc "%.1f" "$rss10/1024") MiB; one run, $t s, $(fmt_int "$(calc "%.0f" "$big_lines/$t")") lines/s)"
diff=$((rss10 - rss1)); [ $diff -lt 0 ] && diff=$((-diff))
same=$([ $diff -le $RSS_SAME_KIB ] && echo 1 || echo 0)
echo "peak RSS   same for both sizes (differ by <= $RSS_SAME_KIB KiB): $([ "$same" = 1 ] && echo yes || echo no) (difference $diff KiB)"
ok=$([ "$rss1" -lt $T_RSS_KIB ] && [ "$rss10" -lt $T_RSS_KIB ] && echo 1 || echo 0)
echo "TARGET     peak RSS < 16 MB ($T_RSS_KIB KiB) for both sizes: $(verdict "$ok")"
echo "TARGET     peak RSS the same for both sizes: $(verdict "$same")"
exit 0

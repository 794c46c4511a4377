#!/usr/bin/env bash
# tests/static.sh BIN: the static binary works with nothing else around it (make check-static).
# A fresh directory holds only BIN, a corpus log, its gzip form and a static Go child
# (tests/go/alloc, CGO_ENABLED=0); every command runs chrooted into it (as root; otherwise in
# a user namespace with unshare -r, which keeps the network). Checked: `file` says statically
# linked; analyze stores every gc cycle of the log (counted here with grep), also from the
# .gz; watch mode on stdin passes the bytes through identically and stores the cycles; watch
# mode with --metrics on a loopback port serves gctrace_gc_cycles_total = the log's gc lines
# (scraped with curl); child mode runs the Go child, stores its cycles and keeps its exit
# status; plot without gnuplot fails with a message naming gnuplot.
set -euo pipefail
BIN=${1:?usage: tests/static.sh ./gctrace-watch-static}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOG=$ROOT/tests/corpus/04b_memlimit_thrash/gctrace.log
GZ=$ROOT/tests/corpus/10_gzip_rotated/gctrace.log.1.gz   # the same bytes, gzip -9
fails=0
fail() { echo "static.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "static.sh: ok: $*"; }

desc=$(file -b "$BIN")
case $desc in *"statically linked"*) ok "file: $desc" ;; *) fail "file says: $desc" ;; esac

if [ "$(id -u)" = 0 ]; then
  CHROOT=(chroot)
elif unshare -r true 2>/dev/null; then
  CHROOT=(unshare -r chroot)
else
  echo "static.sh: FAIL: chroot needs root or unprivileged user namespaces (unshare -r)" >&2
  exit 1
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/gcw-static.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
cp "$BIN" "$DIR/gctrace-watch-static"
cp "$LOG" "$DIR/log"
cp "$GZ" "$DIR/log.gz"
in_root() { "${CHROOT[@]}" "$DIR" /gctrace-watch-static "$@"; }
cycles() { sqlite3 "$1" 'SELECT count(*) FROM gc_cycles'; }

# the child: the test program of test_child.c, built static (no cgo: no libc at all)
GOENV_SET=(GOCACHE="$ROOT/build/go/cache" GOPATH="$ROOT/build/go/path" GOTOOLCHAIN=local
           GOFLAGS=-mod=mod CGO_ENABLED=0 GOTELEMETRY=off HOME="${HOME:-/tmp}")
mkdir -p "$ROOT/build/go"
(cd "$ROOT/tests/go/alloc" && env "${GOENV_SET[@]}" go build -o "$DIR/alloc" main.go) ||
  { echo "static.sh: FAIL: go build of tests/go/alloc (make deps installs golang-go)" >&2; exit 1; }
case $(file -b "$DIR/alloc") in *"statically linked"*) ;; *) fail "the Go child is not static" ;; esac

want=$(grep -c '^gc [0-9]' "$LOG")
echo "static.sh: root $DIR holds: $(cd "$DIR" && echo *); the log has $want gc lines"

# analyze, plain and gzip
if in_root analyze --quiet --db /x.db /log; then
  got=$(cycles "$DIR/x.db")
  [ "$got" = "$want" ] && ok "analyze stored $got of $want cycles" || fail "analyze stored $got cycles, want $want"
else
  fail "analyze exited with status $?"
fi
if in_root analyze --quiet --db /z.db /log.gz; then
  got=$(cycles "$DIR/z.db")
  [ "$got" = "$want" ] && ok "analyze of the .gz stored $got cycles" || fail "analyze of the .gz stored $got cycles, want $want"
else
  fail "analyze of the .gz exited with status $?"
fi

# watch mode: stdin to stdout unchanged
if in_root --quiet --db /w.db <"$DIR/log" >"$DIR/out"; then
  cmp -s "$DIR/log" "$DIR/out" && ok "watch mode passed $(wc -c <"$DIR/log") bytes through unchanged" ||
    fail "watch mode output differs from its input"
  got=$(cycles "$DIR/w.db")
  [ "$got" = "$want" ] && ok "watch mode stored $got cycles" || fail "watch mode stored $got cycles, want $want"
else
  fail "watch mode exited with status $?"
fi

# watch mode with --metrics: the log arrives in two halves through a pipe held open, and
# /metrics (scraped with curl from outside the chroot: the same network) counts the cycles
# of each half while the stream is still open; at the end the bytes passed through unchanged.
metric_sum() { # metric_sum PORT: sum of the gctrace_gc_cycles_total samples, or empty
  curl -fsS --max-time 2 "http://127.0.0.1:$1/metrics" 2>/dev/null |
    awk '$1 ~ /^gctrace_gc_cycles_total([{]|$)/ { s += $2; n++ } END { if (n) print s }'
}
scrape_until() { # scrape_until PORT WANT SECONDS: the last sum seen (WANT once reached)
  local end=$((SECONDS + $3)) got=""
  while :; do
    got=$(metric_sum "$1")
    [ "$got" = "$2" ] || [ "$SECONDS" -ge "$end" ] && break
    sleep 0.2
  done
  echo "$got"
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
half=$(($(wc -l <"$LOG") / 2))
head -n "$half" "$LOG" >"$DIR/log.1"
tail -n +"$((half + 1))" "$LOG" >"$DIR/log.2"
want1=$(grep -c '^gc [0-9]' "$DIR/log.1")
mkfifo "$DIR/in"
port=""
for _ in 1 2 3 4 5 6 7 8; do
  p=$((20000 + RANDOM % 40000))
  port_free "$p" && { port=$p; break; }
done
[ -n "$port" ] || { echo "static.sh: FAIL: no free loopback port found" >&2; exit 1; }
in_root --quiet --db /m.db --metrics "127.0.0.1:$port" <"$DIR/in" >"$DIR/m.out" 2>"$DIR/m.err" &
mpid=$!
exec 3>"$DIR/in"
cat "$DIR/log.1" >&3
got=$(scrape_until "$port" "$want1" 20)
[ "$got" = "$want1" ] && ok "--metrics: /metrics counted $got cycles of the first half while the pipe was open" ||
  fail "--metrics: first half: /metrics said '${got}', want $want1 (stderr: $(head -c 300 "$DIR/m.err"))"
cat "$DIR/log.2" >&3
got=$(scrape_until "$port" "$want" 20)
[ "$got" = "$want" ] && ok "--metrics: gctrace_gc_cycles_total = $got = the log's gc lines" ||
  fail "--metrics: whole log: /metrics said '${got}', want $want"
exec 3>&-
set +e
timeout 20 tail --pid="$mpid" -f /dev/null
wait "$mpid"
st=$?
set -e
[ "$st" = 0 ] && cmp -s "$LOG" "$DIR/m.out" && ok "--metrics: watch mode exited 0 with the bytes unchanged" ||
  fail "--metrics: watch mode exited $st, output identical: $(cmp -s "$LOG" "$DIR/m.out" && echo yes || echo no)"
got=$(cycles "$DIR/m.db")
[ "$got" = "$want" ] && ok "--metrics: watch mode stored $got cycles" || fail "--metrics: stored $got cycles, want $want"

# child mode: the child's exit status comes back, its cycles are stored, its stdout passes
set +e
in_root --quiet --db /c.db -- /alloc -rounds 3 -exit 7 >"$DIR/c.out" 2>"$DIR/c.err"
st=$?
set -e
[ "$st" = 7 ] && ok "child mode kept the child's exit status 7" || fail "child mode exited $st, want 7"
[ "$(grep -c '^round [123] done$' "$DIR/c.out")" = 3 ] && ok "child stdout passed through" ||
  fail "child stdout: $(head -c 300 "$DIR/c.out")"
# every whole gc line on stderr is a stored cycle; the store may hold more (lines that the
# child's own writes cut are rejoined), and a line the child's exit cut short is not whole
seen=$(grep -cE '^gc [0-9]+ @.* P( \(forced\))?$' "$DIR/c.err" || true)
got=$(cycles "$DIR/c.db")
if [ "$got" -ge 1 ] && [ "$got" -ge "$seen" ]; then
  ok "child mode stored $got cycles ($seen whole gc lines on stderr)"
else
  fail "child mode stored $got cycles, stderr shows $seen whole gc lines"
fi

# plot needs gnuplot on PATH: a clear message, a nonzero status
set +e
in_root plot --db /x.db --run 1 -o /p.png 2>"$DIR/p.err"
st=$?
set -e
if [ "$st" != 0 ] && grep -q gnuplot "$DIR/p.err"; then
  ok "plot without gnuplot: status $st, \"$(head -1 "$DIR/p.err")\""
else
  fail "plot without gnuplot: status $st, stderr: $(cat "$DIR/p.err")"
fi

[ "$fails" = 0 ] || { echo "static.sh: $fails check(s) failed" >&2; exit 1; }
echo "static.sh: the static binary works in an empty root ($(wc -c <"$BIN") bytes)"

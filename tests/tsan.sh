#!/usr/bin/env bash
# tests/tsan.sh BINARY: the store's writer thread (src/store/store_async.c) under
# ThreadSanitizer, where the two threads meet: an import into a new database and into one
# that holds runs (the statistics on the reading thread, the rows on the writer), watch
# mode (the ticks through the ring), and watch mode while another process holds the
# database's write lock (the fail-open queue replayed by the writer). Any data race ends
# the binary with status 66; every run must also store exactly the log's gc lines.
# Real logs of tests/corpus; nothing here is built by hand.
set -u
BIN=${1:?usage: tests/tsan.sh BINARY}
cd "$(dirname "$0")/.." || exit 1
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gcw-tsan.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
fails=0
C=tests/corpus

fail() { echo "tsan.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
gc_lines() { zcat -f "$1" | LC_ALL=C grep -c '^gc '; }
cycles() { sqlite3 "$1" 'SELECT count(*) FROM gc_cycles'; }

# 1. an import into a new database, then two more into the same one (gzip and plain)
db=$TMP/import.db
"$BIN" analyze --quiet --db "$db" "$C/01_steady_state_web/gctrace.log" || fail "analyze 01: status $?"
"$BIN" analyze --quiet --db "$db" "$C/06_interleaved_applog/combined.log.gz" \
  "$C/03_pause_spikes/gctrace.log" || fail "analyze 06 03 into a database with runs: status $?"
want=$(($(gc_lines "$C/01_steady_state_web/gctrace.log") + \
  $(gc_lines "$C/06_interleaved_applog/combined.log.gz") + $(gc_lines "$C/03_pause_spikes/gctrace.log")))
[ "$(cycles "$db")" = "$want" ] || fail "imports stored $(cycles "$db") cycles, want $want"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM stats')" -gt 0 ] || fail "imports: no statistics"

# 2. watch mode: the input passes through whole, every cycle stored
log=$C/04b_memlimit_thrash/gctrace.log
db=$TMP/watch.db
"$BIN" --quiet --db "$db" < "$log" > "$TMP/watch.out" || fail "watch: status $?"
cmp -s "$log" "$TMP/watch.out" || fail "watch: output differs from input"
[ "$(cycles "$db")" = "$(gc_lines "$log")" ] || fail "watch stored $(cycles "$db") cycles, want $(gc_lines "$log")"

# 3. watch mode while another process holds the write lock for 3 s: the writer keeps the
# rows, retries, and writes them all once the lock is gone (the input stays open 6 s)
db=$TMP/locked.db
"$BIN" --quiet --db "$db" < /dev/null > /dev/null || fail "creating the locked database"
(echo 'BEGIN IMMEDIATE;'; sleep 3; echo 'ROLLBACK;') | sqlite3 "$db" &
locker=$!
sleep 0.5
log=$C/01_steady_state_web/gctrace.log
{ cat "$log"; sleep 6; } | "$BIN" --db "$db" > "$TMP/locked.out" 2> "$TMP/locked.err" ||
  fail "watch under a lock: status $?"
wait "$locker"
cmp -s "$log" "$TMP/locked.out" || fail "watch under a lock: output differs from input"
grep -q 'storing resumed' "$TMP/locked.err" || fail "watch under a lock: storing never resumed"
[ "$(cycles "$db")" = "$(gc_lines "$log")" ] ||
  fail "watch under a lock stored $(cycles "$db") cycles, want $(gc_lines "$log")"

if [ "$fails" -gt 0 ]; then
  echo "tsan.sh: $fails check(s) failed" >&2
  exit 1
fi
echo "tsan.sh: imports, watch mode and a replay after a lock: no data race, every cycle stored"

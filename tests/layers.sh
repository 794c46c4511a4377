#!/bin/sh
# layers.sh: the source tree tells the architecture, and this keeps it true (make check).
#   1. Stages, in the order data flows: base < ingest < detect < store < out < flow < cli
#      < main.c. A file may include headers of its own stage or of earlier ones only, so
#      every arrow points one way (ingest never knows the store, the store never knows
#      the report).
#   2. <sqlite3.h> appears only under src/store/: SQL has one home.
#   3. No source file is longer than 900 lines.
#   4. Every src/, tests/, docs/, grammar/ or bench/ path docs/HACKING.md names exists.
#   5. Every source file (src/....c or .h) the other documents name exists: README.md,
#      docs/*.md, grammar/README.md, bench/README.md (the Go runtime's own src/runtime/
#      and src/pkg/ paths, quoted in docs/formats.md, are not ours).
# Prints one line per violation and exits 1 if there was any.
set -u
cd "$(dirname "$0")/.." || exit 2
STAGES="base ingest detect store out flow cli"
bad=0
say() { echo "layers: $*"; bad=1; }

rank_of_stage() {
  r=0
  for s in $STAGES; do
    [ "$s" = "$1" ] && { echo $r; return; }
    r=$((r + 1))
  done
  echo 99 # main.c
}

# header name -> stage (headers are included by name; names are unique across stages)
headers=$(for s in $STAGES; do for h in src/$s/*.h; do [ -e "$h" ] && echo "$(basename "$h") $s"; done; done)
dups=$(echo "$headers" | awk '{print $1}' | sort | uniq -d)
[ -n "$dups" ] && say "header names used in two stages: $dups"

for f in src/main.c src/*/*.c src/*/*.h; do
  [ -e "$f" ] || continue
  stage=$(echo "$f" | awk -F/ 'NF == 3 {print $2} NF == 2 {print "main"}')
  mine=$(rank_of_stage "$stage")
  for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
    [ "$inc" = grammar.h ] && [ "$stage" = ingest ] && continue
    other=$(echo "$headers" | awk -v h="$inc" '$1 == h {print $2}')
    if [ -z "$other" ]; then
      say "$f includes \"$inc\", which no stage has"
      continue
    fi
    if [ "$(rank_of_stage "$other")" -gt "$mine" ]; then
      say "$f ($stage) includes $inc of a later stage ($other)"
    fi
  done
  if [ "$stage" != store ] && grep -q '^#include <sqlite3.h>' "$f"; then
    say "$f uses SQLite outside src/store/"
  fi
  n=$(wc -l < "$f")
  [ "$n" -gt 900 ] && say "$f has $n lines (at most 900)"
done

for p in $(grep -o '`\(src\|tests\|docs\|grammar\|bench\)/[A-Za-z0-9_./-]*`' docs/HACKING.md | tr -d '`' | sort -u); do
  [ -e "$p" ] || say "docs/HACKING.md names $p, which does not exist"
done

for p in $(grep -hoE '(^|[^A-Za-z0-9_/.-])src/[A-Za-z0-9_/.-]*\.[ch]' README.md docs/*.md \
             grammar/README.md bench/README.md | sed -E 's/^[^s]*//' | sort -u); do
  case "$p" in src/runtime/* | src/pkg/*) continue ;; esac
  [ -e "$p" ] || say "a document names $p, which does not exist"
done

[ $bad -eq 0 ] && echo "layers: stages, SQLite's home, file sizes and the documents' paths are as documented"
exit $bad

#!/usr/bin/env bash
# gen_cookbook.sh SRC OUT: copy SRC to OUT, replacing each block
#   ```run
#   COMMAND
#   ```
# by the command and its real output (stdout and stderr), run from the repository root with
# ./gctrace-watch on PATH as gctrace-watch. `make docs` writes docs/cookbook.md with it;
# `make check` writes build/cookbook.md and fails when docs/cookbook.md differs (stale).
set -euo pipefail
src=$1 out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root:$PATH" NO_COLOR=1
cd "$root"
rm -f build/cookbook.db build/cookbook.db-wal build/cookbook.db-shm \
      build/cookbook-live.db build/cookbook-live.db-wal build/cookbook-live.db-shm
mkdir -p build
{
  in_run=0
  while IFS= read -r line || [ -n "$line" ]; do
    if [ $in_run = 0 ] && [ "$line" = '```run' ]; then
      in_run=1
      continue
    fi
    if [ $in_run = 1 ]; then
      if [ "$line" = '```' ]; then
        in_run=0
        continue
      fi
      printf '```console\n$ %s\n' "$line"
      bash -c "$line" 2>&1 | sed -e "s|$root/||g" || true
      printf '```\n'
      continue
    fi
    printf '%s\n' "$line"
  done <"$src"
} >"$out.tmp"
mv "$out.tmp" "$out"

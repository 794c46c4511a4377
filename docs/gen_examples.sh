#!/usr/bin/env bash
# gen_examples.sh FILE...: regenerate, in place, every example block of the Markdown files:
#   <!-- example: COMMAND -->
#   ...whatever was there...
#   <!-- /example -->
# becomes the command and its real output (stdout and stderr) in a console block, run from
# the repository root with ./gctrace-watch on PATH as gctrace-watch. `make docs` runs it on
# docs/guide.md and docs/findings.md; `make check` runs it on copies and fails when a
# committed example no longer matches what the program prints (stale).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root:$PATH" NO_COLOR=1
cd "$root"
mkdir -p build
for f in "$@"; do
  out="$f.tmp.$$"
  in_example=0
  while IFS= read -r line || [ -n "$line" ]; do
    if [ $in_example = 1 ]; then
      if [ "$line" = '<!-- /example -->' ]; then
        printf '%s\n' "$line"
        in_example=0
      fi
      continue
    fi
    printf '%s\n' "$line"
    case $line in
    '<!-- example: '*' -->')
      cmd=${line#'<!-- example: '}
      cmd=${cmd%' -->'}
      rm -f build/examples.db build/examples.db-wal build/examples.db-shm
      printf '```console\n$ %s\n' "$cmd"
      bash -c "$cmd" 2>&1 | sed -e "s|$root/||g" || true
      printf '```\n'
      in_example=1
      ;;
    esac
  done <"$f" >"$out"
  if [ $in_example = 1 ]; then
    echo "gen_examples.sh: $f: an example block is not closed by <!-- /example -->" >&2
    rm -f "$out"
    exit 1
  fi
  mv "$out" "$f"
done

#!/usr/bin/env bash
# tests/standalone.sh: the project stands alone (make check-standalone). No tracked file may
# point into the reference folder that sat beside the first checkout (a relative path up and
# into that folder), nor name an absolute path of a build machine (the work, root or home
# folders at the top of the file system): a clone elsewhere has neither, and a doc or test
# that needs them is broken there. Text files are searched as they are, gzip files
# decompressed; other binary files are skipped. The patterns are assembled from parts so
# that this file does not spell them itself.
set -euo pipefail
cd "$(dirname "$0")/.."
up='\.\.' ref=shar top='/'
pattern="$up/${ref}ed|${top}work/|${top}root/|${top}home/"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files --cached --others --exclude-standard)
else
  files=$(find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||')
fi

bad=0 n=0
while IFS= read -r f; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  case $f in
    *.gz) hits=$(gzip -dc "$f" | grep -naE "$pattern" | head -3 || true) ;;
    *) hits=$(grep -nIE "$pattern" "$f" | head -3 || true) ;;
  esac
  if [ -n "$hits" ]; then
    printf '%s\n' "$hits" | sed "s|^|standalone.sh: $f:|" >&2
    bad=$((bad + 1))
  fi
done <<<"$files"

if [ "$bad" != 0 ]; then
  echo "standalone.sh: $bad file(s) point outside the project (see above)" >&2
  exit 1
fi
echo "standalone.sh: $n files, none points outside the project"

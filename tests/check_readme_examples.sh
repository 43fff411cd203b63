#!/bin/sh
# check_readme_examples.sh: every README block marked <!-- example --> starts
# with "$ gpusizer ARGS"; run it with the built binary and require the
# printed output to equal the rest of the block, so the README never shows
# stale numbers. Usage: check_readme_examples.sh GPUSIZER README [--update]
set -eu
bin=$1
readme=$2
update=${3:-}
tmp=$(mktemp -d)
# Examples run from the README's folder (so catalog/... paths work) on a
# fixed day (so an overlay's validity does not age the README).
cd "$(dirname "$readme")"
trap 'rm -rf "$tmp"' EXIT

# Split the README: each example becomes $tmp/N.cmd and $tmp/N.expected.
awk -v dir="$tmp" '
  /<!-- example -->/ { want = 1; next }
  want && /^```/ { want = 0; inblock = 1; n++; first = 1; next }
  inblock && /^```/ { inblock = 0; next }
  inblock && first { sub(/^\$ gpusizer /, ""); print > (dir "/" n ".cmd"); first = 0; next }
  inblock { print > (dir "/" n ".expected") }
' "$readme"

status=0
count=0
for cmd in "$tmp"/*.cmd; do
  [ -e "$cmd" ] || break
  count=$((count + 1))
  n=${cmd%.cmd}
  args=$(cat "$cmd")
  # shellcheck disable=SC2086
  # CSV lines end in CRLF (RFC 4180); the README keeps plain newlines.
  { LC_ALL=C GPUSIZER_DB= GPUSIZER_PRICING= GPUSIZER_TODAY=2026-11-30 "$bin" $args 2>/dev/null || true; } |
    tr -d '\r' > "$n.actual"
  touch "$n.expected"
  if ! cmp -s "$n.expected" "$n.actual"; then
    echo "README example is stale: gpusizer $args"
    diff -u "$n.expected" "$n.actual" | head -40 || true
    status=1
  fi
done
if [ "$count" -eq 0 ]; then
  echo "no <!-- example --> blocks found in $readme"
  exit 1
fi
if [ "$status" -ne 0 ] && [ "$update" = "--update" ]; then
  # Rewrite every example block with the actual output.
  awk -v dir="$tmp" '
    /<!-- example -->/ { print; want = 1; next }
    want && /^```/ { print; want = 0; inblock = 1; n++; first = 1; next }
    inblock && first { print; first = 0; while ((getline line < (dir "/" n ".actual")) > 0) print line; next }
    inblock && /^```/ { inblock = 0; print; next }
    inblock { next }
    { print }
  ' "$readme" > "$tmp/README.new"
  cp "$tmp/README.new" "$readme"
  echo "updated $count examples in $readme"
  exit 0
fi
[ "$status" -eq 0 ] && echo "$count README examples are current"
exit "$status"

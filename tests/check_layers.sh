#!/bin/sh
# check_layers.sh: the source tree follows the pipeline (docs/architecture.md):
# a file in src/<stage>/ includes only headers of its own stage and of
# earlier ones, public headers (include/gpusizer/) include only earlier or
# same-stage public headers, and no header includes itself through others.
# Usage: check_layers.sh SOURCE_DIR. Prints each violation; exit 1 if any.
set -eu
root=$1
cd "$root"

# The stage of a public header or a source folder, in pipeline order.
rank() {
  case $1 in
    util|error.h|alloc.h|version.h|parse.h|money.h|suggest.h|file.h|batch.h|records.h|output.h) echo 0 ;;
    catalog|catalog.h) echo 1 ;;
    sizing|model.h|memory.h|checkpoint.h|perf.h) echo 2 ;;
    pricing|pricing.h) echo 3 ;;
    match|match.h) echo 4 ;;
    request|request.h) echo 5 ;;
    report|report.h) echo 6 ;;
    cli|tools|gpusizer.h) echo 7 ;;
    *) echo 99 ;;
  esac
}

bad=0
check_file() { # FILE STAGE
  file=$1
  own=$(rank "$2")
  for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file"); do
    case $inc in
      gpusizer/*) target=$(basename "$inc") ;;
      */*) target=${inc%%/*} ;;
      *) continue ;; # a header beside it (cli's own)
    esac
    r=$(rank "$target")
    if [ "$r" -gt "$own" ]; then
      echo "$file: includes $inc, a later stage than $2"
      bad=1
    fi
  done
}

for dir in src/*/; do
  stage=$(basename "$dir")
  for f in "$dir"*.c "$dir"*.h; do
    [ -e "$f" ] && check_file "$f" "$stage"
  done
done
for f in include/gpusizer/*.h; do
  check_file "$f" "$(basename "$f")"
done

# No include cycles among headers: every header's includes as edges, then
# a depth-first search in awk (awk has local arrays; sh has no recursion
# with locals).
for h in include/gpusizer/*.h src/*/*.h; do
  for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$h"); do
    case $inc in
      gpusizer/*) echo "$h include/$inc" ;;
      */*) echo "$h src/$inc" ;;
      *) echo "$h $(dirname "$h")/$inc" ;;
    esac
  done
done | awk '
  { edges[$1] = edges[$1] " " $2; nodes[$1] = 1 }
  function dfs(n, path,    list, k, i) {
    if (state[n] == 1) { print "include cycle: " path " " n; bad = 1; return }
    if (state[n] == 2) return
    state[n] = 1
    k = split(edges[n], list, " ")
    for (i = 1; i <= k; i++) dfs(list[i], path " " n)
    state[n] = 2
  }
  END { for (n in nodes) dfs(n, ""); exit bad }' || bad=1
exit $bad

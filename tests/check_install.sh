#!/bin/sh
# check_install.sh: install the build into a temporary prefix, then use it
# as an outsider would: a CMake project with find_package(gpusizer), a
# compile with pkg-config, the installed program, its man pages and its
# bash completion. Usage: check_install.sh BUILD_DIR SOURCE_DIR.
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null

# 1. find_package(gpusizer) from an outside CMake project.
cmake -S "$src/tests/outside" -B "$tmp/outside" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/outside" >/dev/null
out=$("$tmp/outside/outside")
[ "$out" = "gpusizer 0.1.0: weights 16060522496" ] || { echo "find_package program: '$out'"; exit 1; }

# 2. pkg-config.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:${PKG_CONFIG_PATH:-}"
cc -o "$tmp/outside-pc" "$src/tests/outside/main.c" $(pkg-config --cflags --libs gpusizer)
out=$("$tmp/outside-pc")
[ "$out" = "gpusizer 0.1.0: weights 16060522496" ] || { echo "pkg-config program: '$out'"; exit 1; }

# 3. The installed program.
"$prefix/bin/gpusizer" --version | grep -q '^gpusizer 0.1.0' || { echo "installed gpusizer"; exit 1; }

# 4. Man pages: each command's page is installed and renders without warnings.
for page in gpusizer gpusizer-size gpusizer-quote gpusizer-batch gpusizer-catalog gpusizer-db; do
  file=$prefix/share/man/man1/$page.1
  [ -f "$file" ] || { echo "no man page $page"; exit 1; }
  warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$file" 2>&1 || true)
  [ -z "$warnings" ] || { echo "$page.1: $warnings"; exit 1; }
done
if command -v man >/dev/null 2>&1; then
  MANPATH="$prefix/share/man" man -P cat gpusizer-quote 2>/dev/null | grep -q -- '--max-nodes' ||
    { echo "man gpusizer-quote does not work"; exit 1; }
fi

# 5. Bash completion: the installed script completes commands and flags.
if command -v bash >/dev/null 2>&1; then
  got=$(PATH="$prefix/bin:$PATH" bash -c '
    . "$1"
    COMP_WORDS=(gpusizer qu); COMP_CWORD=1; _gpusizer; printf "%s\n" "${COMPREPLY[@]}"
    COMP_WORDS=(gpusizer quote --max-n); COMP_CWORD=2; _gpusizer; printf "%s\n" "${COMPREPLY[@]}"
  ' _ "$prefix/share/bash-completion/completions/gpusizer")
  echo "$got" | grep -qx quote || { echo "completion of 'qu': $got"; exit 1; }
  echo "$got" | grep -qx -- --max-nodes || { echo "completion of '--max-n': $got"; exit 1; }
fi
echo "installed, found and used from $prefix"

#!/bin/sh
# check_man_pages.sh: the man pages document every option each command
# knows, and no option it does not. For each command (size, quote, batch,
# catalog, db), every long option that `BINARY CMD --help` prints (a token
# --[a-z][a-z0-9-]*) must appear in man/gpusizer-CMD.1, where options are
# written \-\-name; and every --name the page writes (outside roff
# comments) must be one the --help prints, so a removed option does not
# live on in its page. gpusizer.1 must exist, name each command's page, and
# name only options some --help prints (or --version, when the binary
# accepts it).
# Usage: check_man_pages.sh BINARY SOURCE_DIR. Prints each problem; exit 1
# if any.
set -eu
if [ $# -ne 2 ]; then
  echo "usage: check_man_pages.sh BINARY SOURCE_DIR" >&2
  exit 2
fi
bin=$1
src=$2
LC_ALL=C
export LC_ALL
me=check_man_pages.sh

# The long options in the text on stdin, one per line, sorted, unique
# (what `grep -o -- '--[a-z][a-z0-9-]*'` would give; grep -o is not POSIX).
long_options() {
  awk '{
    s = $0
    while (match(s, /--[a-z][a-z0-9-]*/)) {
      print substr(s, RSTART, RLENGTH)
      s = substr(s, RSTART + RLENGTH)
    }
  }' | sort -u
}

# A man page as the reader sees its words: roff comments dropped, \- as -,
# and the escapes that may sit inside or around an option name (\%, \&, \:,
# \c, font changes) removed.
page_text() {
  sed -e '/^[.'"'"'][ 	]*\\"/d' \
      -e 's/\\".*$//' \
      -e 's/\\-/-/g' \
      -e 's/\\[%&:c]//g' \
      -e 's/\\f[A-Za-z0-9]//g' \
      -e 's/\\f([A-Za-z0-9][A-Za-z0-9]//g' \
      -e 's/\\f\[[^]]*\]//g' \
      "$1"
}

# Whether word $1 is one of the words of list $2 (one per line).
in_list() {
  case "
$2
" in
    *"
$1
"*) return 0 ;;
  esac
  return 1
}

bad=0
all_help=$("$bin" --help | long_options) || {
  echo "$me: '$bin --help' failed"
  exit 1
}
checked=0
for cmd in size quote batch catalog db; do
  page=man/gpusizer-$cmd.1
  if [ ! -f "$src/$page" ]; then
    echo "$me: $cmd: no man page $page"
    bad=1
    continue
  fi
  help=$("$bin" "$cmd" --help) || {
    echo "$me: $cmd: '$bin $cmd --help' failed"
    bad=1
    continue
  }
  help_opts=$(printf '%s\n' "$help" | long_options)
  if [ -z "$help_opts" ]; then
    echo "$me: $cmd: 'gpusizer $cmd --help' prints no long option"
    bad=1
    continue
  fi
  all_help=$(printf '%s\n%s\n' "$all_help" "$help_opts" | sort -u)
  page_opts=$(page_text "$src/$page" | long_options)
  for opt in $help_opts; do
    checked=$((checked + 1))
    if ! in_list "$opt" "$page_opts"; then
      roff=$(printf '%s\n' "$opt" | sed 's/-/\\-/g')
      echo "$me: $cmd: $opt is in 'gpusizer $cmd --help' but not in $page (written $roff)"
      bad=1
    fi
  done
  for opt in $page_opts; do
    if ! in_list "$opt" "$help_opts"; then
      echo "$me: $cmd: $page names $opt, which 'gpusizer $cmd --help' does not know (a removed option?)"
      bad=1
    fi
  done
done

# The overview page.
page=man/gpusizer.1
if [ ! -f "$src/$page" ]; then
  echo "$me: no man page $page"
  bad=1
else
  text=$(page_text "$src/$page")
  for cmd in size quote batch catalog db; do
    case $text in
      *"gpusizer-$cmd"*) ;;
      *)
        echo "$me: $page does not name gpusizer-$cmd(1)"
        bad=1
        ;;
    esac
  done
  known=$all_help
  if "$bin" --version >/dev/null 2>&1; then
    known=$(printf '%s\n--version\n' "$known")
  fi
  for opt in $(printf '%s\n' "$text" | long_options); do
    if ! in_list "$opt" "$known"; then
      echo "$me: $page names $opt, which no 'gpusizer ... --help' knows (a removed option?)"
      bad=1
    fi
  done
fi

if [ "$bad" -ne 0 ]; then
  exit 1
fi
echo "man pages: the $checked long options of 5 commands' --help are documented, and no other"

# bash completion for gpusizer                             -*- shell-script -*-
#
# Completes the command, each command's long options and their values.
# The options come from the command's own `gpusizer CMD --help`, read when
# first needed (once per command per shell), so this file does not go
# stale when an option is added or removed. Names (models, GPU SKUs,
# formats, runtimes) come from `gpusizer catalog ... --format csv`, from
# the catalog named by a --db earlier on the line, else $GPUSIZER_DB, else
# the built-in one. Needs bash 4 and nothing else: no bash-completion
# package functions are used.

# The gpusizer on PATH, quietly.
_gpusizer_run() {
    command gpusizer "$@" 2>/dev/null
}

# Column $1 (1-based; 0: the column named $2 in the header row) of every
# data row of the CSV on stdin, empty values left out. Quoted fields may
# hold commas and "".
_gpusizer_csv_column() {
    awk -v want="$1" -v name="${2-}" '
    function split_csv(line, out,    n, i, c, field, quoted) {
        n = 0; field = ""; quoted = 0
        for (i = 1; i <= length(line); i++) {
            c = substr(line, i, 1)
            if (quoted) {
                if (c == "\"") {
                    if (substr(line, i + 1, 1) == "\"") { field = field "\""; i++ }
                    else quoted = 0
                } else field = field c
            } else if (c == "\"") quoted = 1
            else if (c == ",") { out[++n] = field; field = "" }
            else field = field c
        }
        out[++n] = field
        return n
    }
    NR == 1 {
        sub(/\r$/, "")
        if (want == 0) {
            n = split_csv($0, head)
            for (i = 1; i <= n; i++) if (head[i] == name) want = i
            if (want == 0) exit
        }
        next
    }
    {
        sub(/\r$/, "")
        n = split_csv($0, f)
        if (want <= n && f[want] != "") print f[want]
    }'
}

# The options and the options that take a value, from `gpusizer CMD
# --help`, cached in _gpusizer_flags_CMD and _gpusizer_valued_CMD (words
# separated by spaces). An option is a line of --help that starts with
# spaces and then [-x, ]--name; it takes a value when one space and a
# placeholder follow its name ("  --model NAME   ...", "  --flash-attention
# on|off ..."), not when its description follows after several spaces.
_gpusizer_help_flags() {
    local cmd=$1 var=_gpusizer_flags_$1 vvar=_gpusizer_valued_$1
    [[ $cmd == [a-z]* && $cmd != *[!a-z]* ]] || return 1
    if [[ -z ${!var+set} ]]; then
        local parsed
        parsed=$(_gpusizer_run "$cmd" --help | awk '
            /^[ \t]+(-[a-zA-Z], )?--[a-z][a-z0-9-]*/ {
                line = $0
                sub(/^[ \t]+(-[a-zA-Z], )?/, "", line)
                match(line, /^--[a-z][a-z0-9-]*/)
                flag = substr(line, 1, RLENGTH)
                rest = substr(line, RLENGTH + 1)
                flags = flags " " flag
                if (rest ~ /^ [^ ]/) {
                    valued = valued " " flag
                    if ($0 ~ /^[ \t]+-[a-zA-Z], /) {
                        short = $0; sub(/^[ \t]+/, "", short)
                        valued = valued " " substr(short, 1, 2)
                    }
                }
            }
            END { print flags; print valued }')
        [[ -n $parsed ]] || return 1
        printf -v "$var" '%s' "${parsed%%$'\n'*}"
        printf -v "$vvar" '%s' "${parsed#*$'\n'}"
    fi
    return 0
}

# Add the words of $2 (one per line) that begin with $1 to COMPREPLY,
# ignoring case; a word that matches only when case is ignored is offered
# in the case of what was typed (all lower case: the word in lower case;
# else what was typed followed by the rest of the word), since gpusizer
# takes names in any case. A word with a space or another character the
# shell would take is offered quoted ("Inspur\ \(IEIT\ Systems\)").
_gpusizer_add_names() {
    local cur=${1//\\/} word
    local lcur=${cur,,}
    while IFS= read -r word; do
        [[ -n $word ]] || continue
        if [[ $word == "$cur"* ]]; then
            :
        elif [[ ${word,,} == "$lcur"* ]]; then
            if [[ $cur == "$lcur" ]]; then
                word=${word,,}
            else
                word=$cur${word:${#cur}}
            fi
        else
            continue
        fi
        [[ $word == *[!A-Za-z0-9._/+@%,-]* ]] && printf -v word '%q' "$word"
        COMPREPLY+=("$word")
    done <<<"$2"
}

# Files (and directories) for $1; with patterns $2..., only files that
# match one of them (all files when none does).
_gpusizer_files() {
    local cur=$1 f
    shift
    local -a files matched=()
    compopt -o filenames 2>/dev/null
    if [[ $cur == '~'* && $cur != *'/'* ]]; then
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -A user -P '~' -- "${cur#'~'}")
        return
    fi
    mapfile -t files < <(compgen -f -- "$cur")
    if (($# == 0)); then
        COMPREPLY+=("${files[@]}")
        return
    fi
    local pat
    for f in "${files[@]}"; do
        if [[ -d $f ]]; then
            matched+=("$f")
            continue
        fi
        for pat in "$@"; do
            # shellcheck disable=SC2053 # $pat is a pattern
            if [[ $f == $pat ]]; then
                matched+=("$f")
                break
            fi
        done
    done
    if ((${#matched[@]} == 0)); then
        matched=("${files[@]}")
    fi
    COMPREPLY+=("${matched[@]}")
}

# Add the words of the list $2 that begin with $1.
_gpusizer_add_words() {
    mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "$2" -- "$1")
}

_gpusizer() {
    COMPREPLY=()
    local cword=$COMP_CWORD
    local cur=${COMP_WORDS[cword]-} prev=''
    ((cword > 0)) && prev=${COMP_WORDS[cword - 1]-}
    local commands='size quote batch catalog db'

    # The command.
    if ((cword <= 1)); then
        if [[ $cur == -* ]]; then
            _gpusizer_add_words "$cur" '--help --version'
        else
            _gpusizer_add_words "$cur" "$commands"
        fi
        return 0
    fi
    local cmd=${COMP_WORDS[1]-}
    [[ " $commands " == *" $cmd "* ]] || return 0
    _gpusizer_help_flags "$cmd" || return 0
    local fvar=_gpusizer_flags_$cmd vvar=_gpusizer_valued_$cmd
    local flags=${!fvar} valued=${!vvar}

    # --flag=value: bash splits it at '=' (COMP_WORDBREAKS) into "--flag"
    # "=" "value"; without '=' in COMP_WORDBREAKS it is one word, and the
    # answers must then keep the "--flag=" in front.
    local opt='' prefix=''
    if [[ $cur == = && $prev == --* ]]; then
        opt=$prev cur=
    elif [[ $prev == = ]] && ((cword >= 3)) && [[ ${COMP_WORDS[cword - 2]} == --* ]]; then
        opt=${COMP_WORDS[cword - 2]}
    elif [[ $cur == --*=* ]]; then
        opt=${cur%%=*} prefix=${cur%%=*}= cur=${cur#*=}
    elif [[ " $valued " == *" $prev "* ]]; then
        opt=$prev
    fi

    # Walk the words before the current one: the catalog named by --db, and
    # the arguments that are neither options nor their values.
    local -a args=()
    local db='' want='' i w
    for ((i = 2; i < cword; i++)); do
        w=${COMP_WORDS[i]-}
        if [[ -n $want ]]; then
            [[ $w == = ]] && continue
            [[ $want == --db ]] && db=$w
            want=
            continue
        fi
        case $w in
            --db=?*) db=${w#--db=} ;;
            --*=*) ;;
            -*) [[ " $valued " == *" $w "* ]] && want=$w ;;
            *) args+=("$w") ;;
        esac
    done
    # shellcheck disable=SC2088 # a literal ~/ typed on the line
    [[ $db == '~/'* ]] && db=$HOME/${db#'~/'}
    local -a dbarg=()
    [[ -n $db ]] && dbarg=(--db "$db")

    # The value of an option.
    if [[ -n $opt ]]; then
        case $opt in
            --model)
                local models
                models=$(_gpusizer_run catalog models --format csv --csv-raw "${dbarg[@]}")
                _gpusizer_add_names "$cur" "$(_gpusizer_csv_column 1 <<<"$models")"
                _gpusizer_add_names "$cur" "$(_gpusizer_csv_column 0 hf_id <<<"$models")"
                ;;
            --gpu | --explain)
                _gpusizer_add_names "$cur" "$(_gpusizer_run catalog gpus --format csv --csv-raw "${dbarg[@]}" |
                    _gpusizer_csv_column 1)"
                ;;
            --exclude)
                _gpusizer_add_names "$cur" "$(_gpusizer_run catalog gpus --format csv --csv-raw "${dbarg[@]}" |
                    _gpusizer_csv_column 1)"
                _gpusizer_add_names "$cur" "$(_gpusizer_run catalog servers --format csv --csv-raw "${dbarg[@]}" |
                    _gpusizer_csv_column 1)"
                ;;
            --vendor)
                local listing=gpus
                [[ $cmd == catalog && ${args[0]-} == servers ]] && listing=servers
                _gpusizer_add_names "$cur" "$(_gpusizer_run catalog "$listing" --format csv --csv-raw "${dbarg[@]}" |
                    _gpusizer_csv_column 0 vendor | sort -u)"
                ;;
            --precision | --kv-precision)
                _gpusizer_add_names "$cur" "$(_gpusizer_run catalog formats --format csv --csv-raw "${dbarg[@]}" |
                    _gpusizer_csv_column 1)"
                ;;
            --runtime)
                _gpusizer_add_names "$cur" "$(_gpusizer_run catalog runtimes --format csv --csv-raw "${dbarg[@]}" |
                    _gpusizer_csv_column 1)"
                ;;
            --format)
                if [[ $cmd == batch ]]; then
                    _gpusizer_add_words "$cur" 'csv json'
                else
                    _gpusizer_add_words "$cur" 'table json csv markdown'
                fi
                ;;
            --mode) _gpusizer_add_words "$cur" 'inference train lora qlora' ;;
            --method) _gpusizer_add_words "$cur" 'full quick' ;;
            --optimizer) _gpusizer_add_words "$cur" 'adamw adam8bit sgd sgd-momentum' ;;
            --recipe) _gpusizer_add_words "$cur" 'mixed fp32 bf16' ;;
            --recompute) _gpusizer_add_words "$cur" 'none selective full' ;;
            --stock) _gpusizer_add_words "$cur" 'any prefer only' ;;
            --objective) _gpusizer_add_words "$cur" 'price tco cost-per-token' ;;
            --flash-attention) _gpusizer_add_words "$cur" 'on off' ;;
            --zero) _gpusizer_add_words "$cur" '0 1 2 3' ;;
            --form-factor) _gpusizer_add_names "$cur" $'SXM\nOAM\nPCIe' ;;
            --lora-targets) _gpusizer_add_words "$cur" 'all attn mlp q k v o gate up down' ;;
            --hf-config) _gpusizer_files "$cur" '*.json' ;;
            --pricing) _gpusizer_files "$cur" '*.yaml' '*.yml' ;;
            --db) _gpusizer_files "$cur" '*.db' '*.sqlite' '*.sqlite3' ;;
            --summary | --output | -o) _gpusizer_files "$cur" ;;
            *) ;; # a number or an amount: nothing to offer
        esac
        if [[ -n $prefix ]]; then
            for i in "${!COMPREPLY[@]}"; do
                COMPREPLY[i]=$prefix${COMPREPLY[i]}
            done
        fi
        return 0
    fi

    # An option.
    if [[ $cur == -* ]]; then
        _gpusizer_add_words "$cur" "$flags"
        return 0
    fi

    # The arguments.
    case $cmd in
        batch)
            if ((${#args[@]} == 0)); then
                _gpusizer_files "$cur" '*.csv' '*.yaml' '*.yml'
                return 0
            fi
            ;;
        catalog)
            if ((${#args[@]} == 0)); then
                _gpusizer_add_words "$cur" 'gpus servers models formats stock runtimes prices'
                return 0
            fi
            ;;
        db)
            if ((${#args[@]} == 0)); then
                _gpusizer_add_words "$cur" 'init migrate check'
                return 0
            fi
            if ((${#args[@]} == 1)); then
                _gpusizer_files "$cur" '*.db' '*.sqlite' '*.sqlite3'
                return 0
            fi
            ;;
    esac
    _gpusizer_add_words "$cur" "$flags"
    return 0
}

complete -F _gpusizer gpusizer

# tests/cli/common.sh - the set-up the end-to-end tests share, sourced by them
# (ctest runs only test_*.sh, so this file is no test of its own): checks the
# environment ctest passes in, gives the test an empty DP_WORK, and defines
# the counters, checks and helpers of the tests; `finish` reports the totals
# as "N passed, N failed".
: "${DAGPLAN:?DAGPLAN must point to the dagplan binary}"
: "${DP_SOURCE_DIR:?}" "${DP_GEN_INSTANCE:?}" "${DP_WORK:?}"
fails=0
passes=0
rm -rf "$DP_WORK"
mkdir -p "$DP_WORK"

fail() {
    echo "FAIL $*"
    fails=$((fails + 1))
}

pass() {
    passes=$((passes + 1))
}

expect() { # expect DESCRIPTION STATUS WANTED
    if [[ $2 -eq $3 ]]; then pass; else fail "$1: exit $2, expected $3"; fi
}

contains() { # contains DESCRIPTION TEXT NEEDLE
    if [[ $2 == *"$3"* ]]; then pass; else
        fail "$1: output lacks '$3'"
        echo "$2" | head -20
    fi
}

gen() { # gen NAME [gen-instance options...]: a generated centre in DP_WORK/NAME
    local name=$1
    shift
    python3 "$DP_GEN_INSTANCE" --out "$DP_WORK/$name" "$@" >/dev/null ||
        fail "gen-instance $name $*"
}

versions() { # versions DB: stored schedule versions (0 when there is no db)
    if [[ -f $1 ]]; then sqlite3 "$1" "SELECT count(*) FROM versions"; else echo 0; fi
}

finish() { # finish [LABEL]: the last command of a test, its totals and exit status
    echo "${1:+$1: }$passes passed, $fails failed"
    [[ $fails -eq 0 ]]
}

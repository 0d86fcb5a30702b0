# tests/cli/common.sh - the set-up the end-to-end tests share, sourced by them
# (ctest runs only test_*.sh, so this file is no test of its own): checks the
# environment ctest passes in, gives the test an empty DP_WORK, and defines
# the counters and checks whose totals `finish` reports as "N passed, N failed".
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

finish() { # the last command of a test: its totals and exit status
    echo "$passes passed, $fails failed"
    [[ $fails -eq 0 ]]
}

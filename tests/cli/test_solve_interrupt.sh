#!/usr/bin/env bash
# tests/cli/test_solve_interrupt.sh - Ctrl-C during `dagplan solve` (one
# search and --threads 2): the solve stops, says "interrupted; nothing was
# stored", exits 1, and the store keeps exactly what it had (a version stored
# before stays the latest, no new one).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

gen big --children 2000 --seed 5
db="$DP_WORK/big.db"
# A first, quick version: the interrupted solves must leave it alone.
"$DAGPLAN" solve "$DP_WORK/big" --db "$db" --max-moves 1000 --quiet ||
    fail "the first solve failed"

# sigint_caught PID: whether the process has its SIGINT handler installed
# (bit 1 of SigCgt in /proc), i.e. loading is over and the solve has begun.
sigint_caught() {
    local mask
    mask=$(awk '/^SigCgt:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
    [[ -n $mask ]] && (((16#$mask >> 1) & 1))
}

for threads in 1 2; do
    # From scratch: warm-started from the stored version, the search is a
    # short local repair that may end before the signal comes.
    "$DAGPLAN" solve "$DP_WORK/big" --db "$db" --time-limit 600 --threads $threads --from-scratch \
        >"$DP_WORK/out" 2>"$DP_WORK/err" &
    pid=$!
    for _ in $(seq 1 600); do
        sigint_caught $pid && break
        sleep 0.1
    done
    sleep 0.5 # into the search
    kill -INT $pid
    wait $pid
    expect "--threads $threads: exit status after Ctrl-C" $? 1
    contains "--threads $threads: message" "$(cat "$DP_WORK/err")" \
        "interrupted; nothing was stored"
    n=$(versions "$db")
    [[ $n == 1 ]] && pass || fail "--threads $threads: $n versions stored, expected 1"
done

finish test_solve_interrupt

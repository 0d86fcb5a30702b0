#!/usr/bin/env bash
# tests/cli/test_versions.sh - schedule versions end to end: `dagplan history`,
# `rollback` (a new version, nothing deleted; a missing version is an error
# and stores nothing), `diff` (per child, with the input files that changed
# and the reasons), usage errors, and a solve killed mid-run (SIGKILL and
# SIGTERM) leaving the current version intact.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

count() { sqlite3 "$1" "SELECT count(*) FROM versions"; }

C="$DP_WORK/c"
DB="$DP_WORK/c.db"
W=2027-W03
python3 "$DP_GEN_INSTANCE" --out "$C" --children 80 --seed 5 >/dev/null || fail "gen-instance"

"$DAGPLAN" solve "$C" --week $W --db "$DB" --quiet --seed 1
expect "solve 1" $? 0
"$DAGPLAN" solve "$C" --week $W --db "$DB" --quiet --seed 7
expect "solve 2" $? 0

out=$("$DAGPLAN" history "$C" --db "$DB")
expect "history" $? 0
contains "history lists version 2 as current" "$out" "$W        2*"
contains "history lists version 1" "$out" "$W        1 "
[[ $(echo "$out" | grep -c solve) -eq 2 ]] && pass || fail "history: expected 2 solve rows"
out=$("$DAGPLAN" history "$C" --db "$DB" --week 2027-W09)
contains "history of an empty week" "$out" "no stored versions of 2027-W09"

# Rolling back to a version that does not exist: error, nothing stored.
before=$(count "$DB")
out=$("$DAGPLAN" rollback "$C" --week $W --to 9 --db "$DB" 2>&1)
expect "rollback to a missing version" $? 1
contains "rollback error" "$out" "has no version 9 (it has versions 1-2)"
[[ $(count "$DB") -eq $before ]] && pass || fail "a failed rollback stored something"
out=$("$DAGPLAN" rollback "$C" --week 2027-W10 --to 1 --db "$DB" 2>&1)
expect "rollback in a week without versions" $? 1
contains "rollback error (empty week)" "$out" "2027-W10 has no stored versions"

# Rolling back: a new version 3 copying 1; 1 and 2 stay.
out=$("$DAGPLAN" rollback "$C" --week $W --to 1 --db "$DB")
expect "rollback" $? 0
contains "rollback message" "$out" "version 1 is current again, stored as version 3"
[[ $(count "$DB") -eq $((before + 1)) ]] && pass || fail "rollback did not add one version"
out=$("$DAGPLAN" history "$C" --week $W --db "$DB")
contains "history after rollback" "$out" "rollback to 1"
contains "version 2 kept" "$out" "$W        2 "
out=$("$DAGPLAN" diff "$C" --week $W --from 1 --to 3 --db "$DB")
expect "diff 1..3" $? 0
contains "a rollback copies exactly" "$out" "0 assignments changed for 0 children"

# A child's wishes removed and a section cancelled between two solves: the
# diff names the input file and says why.
"$DAGPLAN" solve "$C" --week 2027-W20 --db "$DP_WORK/tmp.db" --quiet --json "$DP_WORK/w20.json"
child=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["assignments"][0]["child"])' \
    "$DP_WORK/w20.json")
[[ -n $child ]] && pass || fail "no assigned child found"
grep -v "^$child," "$C/choices.csv" >"$C/choices.new" && mv "$C/choices.new" "$C/choices.csv"
"$DAGPLAN" solve "$C" --week $W --db "$DB" --quiet --seed 1
expect "solve after edit" $? 0
out=$("$DAGPLAN" diff "$C" --week $W --db "$DB")
expect "diff after edit" $? 0
contains "diff names the changed input" "$out" "inputs changed: choices.csv"
contains "diff names the child" "$out" "$child"
contains "diff gives the reason" "$out" "no longer one of the child's wishes"

# Usage errors.
"$DAGPLAN" rollback "$C" --week $W --db "$DB" 2>/dev/null
expect "rollback without --to" $? 2
"$DAGPLAN" rollback "$C" --week 2027-X1 --to 1 --db "$DB" 2>/dev/null
expect "rollback with a bad week" $? 2
"$DAGPLAN" diff "$C" --week $W --from zero --db "$DB" 2>/dev/null
expect "diff with a bad version" $? 2
"$DAGPLAN" diff "$C" --week $W --from 42 --db "$DB" 2>/dev/null
expect "diff from a missing version" $? 1
"$DAGPLAN" history 2>/dev/null
expect "history without DIR" $? 2

# A solve killed at any moment leaves the current version intact.
K="$DP_WORK/k"
KDB="$DP_WORK/k.db"
python3 "$DP_GEN_INSTANCE" --out "$K" --children 600 --seed 9 >/dev/null || fail "gen-instance k"
"$DAGPLAN" solve "$K" --week $W --db "$KDB" --quiet --max-moves 2000
expect "solve k" $? 0
cur=$(sqlite3 "$KDB" "SELECT count(*), max(number) FROM versions")
for delay in 0.05 0.2 0.5; do
    for sig in KILL TERM; do
        "$DAGPLAN" solve "$K" --week $W --db "$KDB" --quiet --seed 3 >/dev/null 2>&1 &
        pid=$!
        sleep $delay
        kill -$sig $pid 2>/dev/null
        wait $pid 2>/dev/null
        status=$?
        now=$(sqlite3 "$KDB" "SELECT count(*), max(number) FROM versions")
        # Either the solve stored its version before the signal (one more,
        # complete version: the signal may still land before the process
        # exits) or nothing was stored; never a broken store.
        next="$((${cur%|*} + 1))|$((${cur#*|} + 1))"
        if [[ $status -eq 0 || $now == "$next" ]]; then
            cur=$now
        elif [[ $now != "$cur" ]]; then
            fail "killed solve ($sig after $delay s) changed the versions: $cur -> $now"
        fi
        [[ $(sqlite3 "$KDB" "PRAGMA integrity_check") == ok ]] && pass ||
            fail "store damaged after $sig"
        "$DAGPLAN" diff "$K" --week $W --db "$KDB" --from 1 --to 1 >/dev/null
        expect "current version readable after $sig" $? 0
    done
done

finish

#!/usr/bin/env bash
# tests/cli/test_rules_unmet.sh - hard rules the schedule cannot meet
# (docs/rules.md, "Hard rules the data cannot meet"): `dagplan solve` exits 1
# with a centre.lua:LINE error naming the rule, stores nothing, and never
# reports an internal error.
#   * a hard rule.at_least_one (or rule.pin) that no schedule can meet for a
#     child (it chose the rule's activity, but no section of it fits its week)
#     fails at once, naming the child;
#   * one every child could meet alone, but not all together (one place for
#     two children), fails after the search, naming the rule and how often
#     the best schedule found breaks it.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

centre() { # centre NAME RULE: tests/data/tiny with RULE appended; prints its line
    local d="$DP_WORK/$1"
    cp -r "$DP_SOURCE_DIR/tests/data/tiny" "$d"
    rm "$d/rota.csv" # tiny's rota does not meet the childcare ratio
    echo "$2" >>"$d/centre.lua"
    wc -l <"$d/centre.lua"
}

solve_fails() { # solve_fails NAME WANTED [options...]: exit 1, WANTED on stderr, nothing stored
    local name=$1 wanted=$2 out st
    shift 2
    out=$("$DAGPLAN" solve "$DP_WORK/$name" --db "$DP_WORK/$name.db" --quiet "$@" 2>&1)
    st=$?
    expect "$name $*" "$st" 1
    contains "$name $*" "$out" "$wanted"
    [[ $out != *"no longer evaluates"* && $out != *"internal"* ]] && pass ||
        fail "$name $*: an internal error: $out"
    [[ $(versions "$DP_WORK/$name.db") == 0 ]] && pass || fail "$name $*: a version was stored"
}

# c03 and c05 chose techlab (Mondays 15:00-16:30); neither can come then.
line=$(centre never 'rule.at_least_one{name = "techniek", activities = "techlab", hard = true}')
solve_fails never "centre.lua:$line: error: hard rule 'techniek' cannot hold for child 'c03'"
solve_fails never "centre.lua:$line: error: hard rule 'techniek' cannot hold for child 'c03'" \
    --threads 2
line=$(centre pin 'rule.pin{name = "vast", child = "c05", section = "techlab-a", hard = true}')
solve_fails pin "centre.lua:$line: error: hard rule 'vast' cannot hold: child 'c05' can never have section 'techlab-a'"

# dagplan check reports both rules, every child of them, before any solve.
cp "$DP_WORK/never/centre.lua" "$DP_WORK/pin/centre.lua"
techniek=$(wc -l <"$DP_WORK/pin/centre.lua")
echo 'rule.pin{name = "vast", child = "c05", section = "techlab-a", hard = true}' \
    >>"$DP_WORK/pin/centre.lua"
out=$("$DAGPLAN" check "$DP_WORK/pin" 2>&1)
expect "check: unmeetable hard rules" "$?" 1
for c in c03 c05; do
    contains "check techniek $c" "$out" \
        "centre.lua:$techniek: error: hard rule 'techniek' cannot hold for child '$c'"
done
contains "check pin" "$out" "centre.lua:$((techniek + 1)): error: hard rule 'vast' cannot hold: child 'c05' can never have section 'techlab-a'"
contains "check count" "$out" "3 errors"
[[ $out != *"nothing was stored"* ]] && pass || fail "check says nothing was stored: $out"

# c06 and c08 chose voorlezen; with one place only one of them can have it.
line=$(centre full 'rule.at_least_one{name = "lezen", activities = "voorlezen", hard = true}')
sed -i 's/^voorlezen-a,voorlezen,bieb,s2,,$/voorlezen-a,voorlezen,bieb,s2,,1/' \
    "$DP_WORK/full/sections.csv"
grep -q '^voorlezen-a,.*,1$' "$DP_WORK/full/sections.csv" || fail "sections.csv changed"
solve_fails full "centre.lua:$line: error: hard rule 'lezen' is broken 1 time"
solve_fails full "centre.lua:$line: error: hard rule 'lezen' is broken 1 time" --threads 2
# Each reader could have it alone: check, which does not search, passes.
"$DAGPLAN" check "$DP_WORK/full" >/dev/null 2>"$DP_WORK/err" && pass ||
    fail "check of a rule only the search breaks: $(cat "$DP_WORK/err")"

# The same rules where the data allow them (checks that the failures above
# come from the data): soft, or with room for both readers.
centre soft 'rule.at_least_one{name = "techniek", activities = "techlab", weight = 10}' >/dev/null
"$DAGPLAN" solve "$DP_WORK/soft" --db "$DP_WORK/soft.db" --quiet 2>"$DP_WORK/err" &&
    [[ $(versions "$DP_WORK/soft.db") == 1 ]] && pass ||
    fail "a soft at_least_one: $(cat "$DP_WORK/err")"
centre room 'rule.at_least_one{name = "lezen", activities = "voorlezen", hard = true}' >/dev/null
"$DAGPLAN" solve "$DP_WORK/room" --db "$DP_WORK/room.db" --json "$DP_WORK/room.json" --quiet \
    2>"$DP_WORK/err" && pass || fail "a hard at_least_one the data allow: $(cat "$DP_WORK/err")"
python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))
held = {a["child"] for a in s["assignments"] if a["activity"] == "voorlezen"}
assert held == {"c06", "c08"}, held' "$DP_WORK/room.json" && pass ||
    fail "the hard at_least_one does not hold"
finish

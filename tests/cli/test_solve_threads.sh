#!/usr/bin/env bash
# tests/cli/test_solve_threads.sh - `dagplan solve DIR --threads N`: N
# searches at once, seeds S, S+1, ..., the best schedule kept. Checks that
# the result is reproducible, that it is exactly the better of the searches
# run alone (so each thread's search is the one its seed gives, untouched by
# the others), that it is never worse than one thread, that a centre with a
# custom Lua rule (one Lua state per search) solves the same way, and the
# usage errors.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
CHECK="$DP_SOURCE_DIR/tests/tools/check_schedule.py"

# Work budgets and a generous time cap: a search cut by the clock (ASan on a
# busy machine) would not be reproducible.
budget=(--max-moves 60000 --time-limit 600 --quiet)

# solve NAME JSON [options...]: solve DP_WORK/NAME into JSON, fresh store
solve() {
    local name=$1 json=$2
    shift 2
    rm -f "$json.db"
    "$DAGPLAN" solve "$DP_WORK/$name" --json "$json" --db "$json.db" "${budget[@]}" "$@" \
        2>"$DP_WORK/err" || fail "solve $name $*: $(cat "$DP_WORK/err")"
}

# same_as_best_alone NAME SEED: --threads 3 --seed SEED is byte for byte the
# best of seeds SEED..SEED+2 solved alone, apart from the two added keys.
same_as_best_alone() {
    local name=$1 seed=$2 w="$DP_WORK/$1"
    solve "$name" "$w-t3a.json" --seed "$seed" --threads 3
    solve "$name" "$w-t3b.json" --seed "$seed" --threads 3
    cmp -s "$w-t3a.json" "$w-t3b.json" && pass ||
        fail "$name: the same --seed and --threads gave different schedules"
    for i in 0 1 2; do
        solve "$name" "$w-s$i.json" --seed $((seed + i))
    done
    python3 - "$w-t3a.json" "$w-s0.json" "$w-s1.json" "$w-s2.json" <<'PY' && pass ||
import json, sys
par = open(sys.argv[1]).read()
alone = [open(f).read() for f in sys.argv[2:]]
scores = [json.loads(a)["score"] for a in alone]
# Fewest hard violations, then the highest total, then the lowest seed.
best = min(range(3), key=lambda i: (scores[i]["hard_violations"], -scores[i]["total"], i))
search = json.loads(par)["search"]
assert search["threads"] == 3 and search["thread"] == best, (search, scores)
key = ', "threads": 3, "thread": %d' % best
assert par.count(key) == 1, "the threads keys are missing"
assert par.replace(key, "") == alone[best], "not the schedule of the best search alone"
assert json.loads(par)["score"]["total"] >= scores[0]["total"], "worse than one thread"
PY
        fail "$name: --threads 3 is not the best of the three seeds alone"
    if out=$(python3 "$CHECK" "$DP_WORK/$name" "$w-t3a.json"); then pass; else
        fail "$name: the checker found violations: $(echo "$out" | head -5)"
    fi
}

gen ikc --children 200 --seed 4
same_as_best_alone ikc 7

# A custom rule runs in Lua: each search has its own Lua state (math.random
# follows each search's seed).
gen rules --children 150 --seed 2
cat >>"$DP_WORK/rules/centre.lua" <<'LUA'
rule.custom{name = "niet twee op dinsdag", scope = "child", weight = 7,
  check = function(ctx) return ctx:sessions_on("tue") > 1 and math.random(1, 3) or 0 end}
LUA
same_as_best_alone rules 1

# Candidate times (two phases per search).
gen cand --children 120 --seed 3 --candidates
same_as_best_alone cand 2

# The summary names the search that won.
out=$("$DAGPLAN" solve "$DP_WORK/ikc" --db "$DP_WORK/summary.db" --max-moves 20000 --seed 7 \
    --threads 2 2>&1)
contains "summary with --threads 2" "$out" "best of 2 searches run at once: search"

# --- usage errors: exit 2, nothing stored -----------------------------------
for bad in 0 65 abc -1 ""; do
    rm -f "$DP_WORK/bad.db"
    out=$("$DAGPLAN" solve "$DP_WORK/ikc" --db "$DP_WORK/bad.db" --threads "$bad" 2>&1)
    expect "--threads '$bad'" $? 2
    contains "--threads '$bad' message" "$out" "--threads expects 1 to 64"
    [[ ! -f $DP_WORK/bad.db ]] && pass || fail "--threads '$bad' created a store"
done

finish test_solve_threads

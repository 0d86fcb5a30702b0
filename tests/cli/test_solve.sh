#!/usr/bin/env bash
# tests/cli/test_solve.sh - `dagplan solve` end to end: schedules of generated
# centres (ikc, summer, candidate times) checked by the independent checker
# tests/tools/check_schedule.py (hard constraints from the raw files, score
# recomputed), determinism (same seed, byte-identical JSON), usage errors,
# construction only, a broken centre (exit 1, nothing stored) and an
# infeasible one (still solved, every choice explained). Also `dagplan export
# --lp` (refused on candidate times, and written for fixed times).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
CHECK="$DP_SOURCE_DIR/tests/tools/check_schedule.py"

json_score() { # json_score FILE KEY
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"][sys.argv[2]])' "$1" "$2"
}

# solve_and_check NAME [solve options...]: solve, check, compare scores.
solve_and_check() {
    local name=$1
    shift
    local dir="$DP_WORK/$name" json="$DP_WORK/$name.json" out
    "$DAGPLAN" solve "$dir" --json "$json" --db "$DP_WORK/$name.db" --quiet "$@"
    local status=$?
    if [[ $status -ne 0 ]]; then
        fail "$name: solve $* exited $status"
        return
    fi
    if ! out=$(python3 "$CHECK" "$dir" "$json"); then
        fail "$name: the checker found violations:"
        echo "$out" | head -20
        return
    fi
    local score=${out#ok score=}
    local total hard
    total=$(json_score "$json" total)
    hard=$(json_score "$json" hard_violations)
    if [[ $score != "$total" || $hard != 0 ]]; then
        fail "$name: JSON total $total, checker $score, hard_violations $hard"
    else
        pass
    fi
}

# --- valid schedules on generated centres -----------------------------------
# ikc1 and cand1 are compared below: their searches end on work, never on the
# clock (under ASan on a loaded machine the candidate-time solve takes ~20 s,
# and the default limit of 10 s cut it short below the fixed-time score).
for seed in 1 2; do
    gen "ikc$seed" --children 300 --seed "$seed"
    solve_and_check "ikc$seed" --seed "$seed" --time-limit 600
done
gen cand1 --children 300 --seed 1 --candidates
solve_and_check cand1 --time-limit 600
gen summer3 --children 300 --seed 3 --shape summer
solve_and_check summer3
# Children who chose many activities (all open to every group), free every
# afternoon, up to 8 at once: c0001 (every activity) has more options and
# c0002 (ten) more bundles than the Lagrangian bound enumerates
# (docs/solver.md, "The upper bound"), so they keep the price-free bound; the
# bound must still hold (tests/tools/check_schedule.py checks it).
cp -r "$DP_WORK/ikc2" "$DP_WORK/wide"
sed -i 's/max_activities = [0-9]*/max_activities = 8/' "$DP_WORK/wide/centre.lua"
awk -F, -v OFS=, 'NR > 1 {$5 = 0; $6 = 8} 1' "$DP_WORK/wide/activities.csv" >"$DP_WORK/wide.tmp" &&
    mv "$DP_WORK/wide.tmp" "$DP_WORK/wide/activities.csv"
for kid in c0001:99 c0002:10; do
    id=${kid%:*} more=${kid#*:}
    sed -i "/^$id,/d" "$DP_WORK/wide/availability.csv"
    for day in mon tue wed thu fri; do echo "$id,$day,12:00,19:00,0"; done \
        >>"$DP_WORK/wide/availability.csv"
    have=$(grep -c "^$id," "$DP_WORK/wide/choices.csv")
    tail -n +2 "$DP_WORK/wide/activities.csv" | cut -d, -f1 |
        grep -v -x -F -f <(grep "^$id," "$DP_WORK/wide/choices.csv" | cut -d, -f2) | head -n "$more" |
        awk -v id="$id" -v have="$have" '{print id "," $1 "," have + NR}' \
            >>"$DP_WORK/wide/choices.csv"
done
solve_and_check wide
fixed=$(json_score "$DP_WORK/ikc1.json" total)
cand=$(json_score "$DP_WORK/cand1.json" total)
echo "info: seed 1 fixed times $fixed, candidate times $cand"
# Issue 3: a candidate-time centre is never worse than the fixed-time centre
# of the same seed (whose times are among its candidates); with the second,
# fixed-time phase (docs/solver.md, step 7) seed 1 is 0.7% better.
((cand >= fixed)) && pass || fail "candidate times $cand below fixed times $fixed"

# --- a full location: a member of the child's own section makes room --------
# tests/data/full-room (see its centre.lua): the optimum is 544. Seeds 71,
# 77 and 78 stopped at 463 before ejection chains took that path.
for seed in 1 71 77 78; do
    json="$DP_WORK/full-room-$seed.json"
    if "$DAGPLAN" solve "$DP_SOURCE_DIR/tests/data/full-room" --json "$json" \
        --db "$DP_WORK/full-room-$seed.db" --seed "$seed" --quiet 2>/dev/null &&
        [[ $(json_score "$json" total) == 544 ]]; then
        pass
    else
        fail "full-room: seed $seed did not reach the optimum 544"
    fi
done

# --- determinism: same seed, byte-identical JSON ----------------------------
# A move budget (work) rather than the clock ends these solves, so a slow or
# loaded machine (ASan on shared cores) cannot cut one short; each has its
# own store, so neither starts from the other's schedule.
det() { # det NAME OUT [options]: solve NAME with a fixed move budget
    local name=$1 out=$2
    shift 2
    "$DAGPLAN" solve "$DP_WORK/$name" --json "$DP_WORK/$out.json" --db "$DP_WORK/$out.db" \
        --max-moves 60000 --time-limit 600 --quiet "$@" || fail "determinism: $out failed"
}
det ikc1 det-a --seed 1
det ikc1 det-b --seed 1
if cmp -s "$DP_WORK/det-a.json" "$DP_WORK/det-b.json"; then pass; else
    fail "determinism: seed 1 twice gave different JSON"
fi
det cand1 det-c
det cand1 det-d
if cmp -s "$DP_WORK/det-c.json" "$DP_WORK/det-d.json"; then pass; else
    fail "determinism: candidate instance twice gave different JSON"
fi

# --- every plugin's incremental score equals a full evaluation ---------------
# (every 37 moves, through every kind of move: ruin and recreate, chains,
# session times on the candidate instance)
for name in ikc1 cand1; do
    if "$DAGPLAN" solve "$DP_WORK/$name" --db "$DP_WORK/verify-$name.db" --verify-every 37 \
        --max-moves 40000 --time-limit 600 --quiet 2>"$DP_WORK/verify.err"; then
        pass
    else
        fail "verify-every on $name: $(cat "$DP_WORK/verify.err")"
    fi
done

# --- usage errors: exit 2, nothing stored -----------------------------------
for bad in "--time-limit -1" "--time-limit abc" "--time-limit 1e999" "--seed x" "--seed -3" \
    "--verify-every 0" "--max-moves x"; do
    # shellcheck disable=SC2086
    "$DAGPLAN" solve "$DP_WORK/ikc1" --db "$DP_WORK/usage.db" --quiet $bad 2>"$DP_WORK/usage.err"
    status=$?
    if [[ $status -ne 2 ]]; then
        fail "usage '$bad': exit $status, want 2"
    elif [[ $(versions "$DP_WORK/usage.db") != 0 ]]; then
        fail "usage '$bad': a version was stored"
    else
        pass
    fi
done
"$DAGPLAN" solve 2>/dev/null
[[ $? -eq 2 ]] && pass || fail "solve without DIR: want exit 2"

# --- --time-limit 0: construction only, still valid -------------------------
# (also on a larger centre, where filling one section below its minimum used
# to empty another that repair had already handled)
gen ikc1000 --children 1000 --seed 2
solve_and_check ikc1000 --time-limit 0
solve_and_check ikc2 --time-limit 0
if grep -q '"stopped": "construction_only"' "$DP_WORK/ikc2.json"; then pass; else
    fail "time limit 0: the JSON does not say construction_only"
fi

# --- a broken centre: exit 1, file:line:column, nothing stored --------------
cp -r "$DP_WORK/ikc1" "$DP_WORK/broken"
before=$(versions "$DP_WORK/ikc1.db")
sed -i '3s/,[0-9][0-9]:[0-9][0-9],/,25:99,/' "$DP_WORK/broken/sessions.csv"
"$DAGPLAN" solve "$DP_WORK/broken" --db "$DP_WORK/ikc1.db" --json "$DP_WORK/broken.json" \
    --quiet 2>"$DP_WORK/broken.err"
status=$?
if [[ $status -ne 1 ]]; then
    fail "broken centre: exit $status, want 1"
elif ! grep -qE 'sessions\.csv:3:[0-9]+' "$DP_WORK/broken.err"; then
    fail "broken centre: no sessions.csv:3:COLUMN in: $(cat "$DP_WORK/broken.err")"
elif [[ $(versions "$DP_WORK/ikc1.db") != "$before" || -e $DP_WORK/broken.json ]]; then
    fail "broken centre: something was stored or written"
else
    pass
fi

# --- an infeasible centre: every session outside every window ---------------
cp -r "$DP_WORK/ikc1" "$DP_WORK/never"
python3 - "$DP_WORK/never/sessions.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    w.writeheader()
    for r in rows:
        r["day"], r["start"] = "sun", "05:00"
        w.writerow(r)
EOF
solve_and_check never
if [[ -f $DP_WORK/never.json ]]; then
    python3 - "$DP_WORK/never.json" <<'EOF' && pass || fail "infeasible centre: see above"
import json, sys
s = json.load(open(sys.argv[1]))
bad = [u for u in s["unassigned"] if not u["reasons"]]
assert not s["assignments"], "children were assigned"
assert s["unassigned"], "no unassigned choices listed"
assert not bad, "choices without reasons: %r" % bad[:3]
assert all(x["cancelled"] for x in s["sessions"]), "a session is not cancelled"
assert s["score"]["total"] == 0, "score %r" % s["score"]
EOF
fi

# --- dagplan export --lp -----------------------------------------------------
"$DAGPLAN" export "$DP_WORK/cand1" --lp "$DP_WORK/cand1.lp" 2>"$DP_WORK/lp.err" >/dev/null
status=$?
if [[ $status -ne 1 || -e $DP_WORK/cand1.lp ]] || ! grep -qE 'sessions\.csv:[0-9]+.*candidate' "$DP_WORK/lp.err"; then
    fail "export --lp on candidate times: exit $status, stderr $(cat "$DP_WORK/lp.err")"
else
    pass
fi
if "$DAGPLAN" export "$DP_WORK/ikc1" --lp "$DP_WORK/ikc1.lp" >/dev/null &&
    grep -q '^Maximize' "$DP_WORK/ikc1.lp" && grep -q '^End' "$DP_WORK/ikc1.lp"; then
    pass
else
    fail "export --lp on a fixed-time centre"
fi
"$DAGPLAN" export "$DP_WORK/ikc1" 2>/dev/null
[[ $? -eq 2 ]] && pass || fail "export without a format: want exit 2"

finish test_solve

#!/usr/bin/env bash
# tests/cli/test_solve_ratio.sh - the childcare ratio in `dagplan solve`
# (FORMAT.md section 3 item 8, docs/ratio.md): with a tight rota the solver
# finds a schedule that keeps the ratio, recomputed minute by minute by the
# independent checker (tests/tools/check_ratio.py) and checked to bind (the
# empty schedule breaks it); a too-thin rota fails with when and where and
# stores nothing; without a rota the staffing plan is in the summary and the
# JSON and agrees with the checker's recomputation; daycare groups (Tabel 1);
# escort_ratio in centre.lua; explanations that name the ratio; named escorts
# (JSON, summary, explain; the checker fails on doctored names).
#
# Solves use --max-moves so that they stop on work, never on the clock.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TOOLS="$DP_SOURCE_DIR/tests/tools"
CHECK="$TOOLS/check_schedule.py"
WEEK=2026-W48 # the week gen-instance's ages refer to

solve() { # solve NAME [options]: solve into NAME.json, summary into NAME.out
    local name=$1
    shift
    "$DAGPLAN" solve "$DP_WORK/$name" --week "$WEEK" --json "$DP_WORK/$name.json" \
        --db "$DP_WORK/$name.db" --max-moves 20000 --time-limit 600 "$@" \
        >"$DP_WORK/$name.out" 2>"$DP_WORK/$name.err"
}

check() { # check NAME [CENTRE]: the independent checker on NAME.json
    local out
    if out=$(python3 "$CHECK" "$DP_WORK/${2:-$1}" "$DP_WORK/$1.json" 2>&1); then
        pass
    else
        fail "$1: the checker found violations:"
        echo "$out" | head -20
    fi
}

# The ratio problems of the empty schedule (every session at its first time,
# nobody away), recomputed by the checker: the rota binds when there are some.
empty_schedule_problems() { # empty_schedule_problems NAME
    python3 - "$DP_WORK/$1" "$WEEK" "$TOOLS" <<'EOF'
import sys
sys.path.insert(0, sys.argv[3])
import check_ratio, check_schedule
c = check_schedule.Centre(sys.argv[1])
running = []
for s, rows in c.sessions.items():
    for r in rows:
        start = check_schedule.minutes(r["start"].split("|")[0])
        running.append((s, r["day"].split("|")[0], start, start + int(r["minutes"])))
for p in check_ratio.check(sys.argv[1], running, {}, [], sys.argv[2]):
    print(p)
EOF
}

# --- a tight rota: only a solver that uses the ratio keeps it --------------
gen tight --children 150 --seed 1 --rota tight
if [[ -n $(empty_schedule_problems tight) ]]; then pass; else
    fail "tight: the empty schedule keeps the ratio, so the rota does not bind"
fi
if solve tight; then
    check tight
    if grep -q "childcare ratio: kept at every minute" "$DP_WORK/tight.out"; then pass; else
        fail "tight: the summary does not report the ratio"
        cat "$DP_WORK/tight.out"
    fi
else
    fail "tight: solve exited $?"
    cat "$DP_WORK/tight.err"
fi
if grep -q "would break the childcare ratio: at [0-2][0-9]:[0-5][0-9] on [a-z]* the [0-9]* children remaining in care at ikc need [0-9]* professional" "$DP_WORK/tight.json"; then
    pass
else
    fail "tight: no unassigned wish is explained by the childcare ratio"
fi
# --- escort duties named (issue 5 item 5) ------------------------------------
# The checker (check_ratio.check_escorts) verified above that every named
# escort is a professional rostered at home for the whole walk, on one walk
# at a time, and that the ratio holds with them away. Here: they are named,
# the summary and explain say so, and the checker fails on doctored names.
if python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); e=[x["escorts"] for x in s["sessions"] if x.get("escorts")]; sys.exit(not (len(e) > 1 and all(x["staff"] for x in e)))' "$DP_WORK/tight.json"; then
    pass
else
    fail "tight: escorted sessions without named escorts in the JSON"
fi
if grep -Eq "^  escorts: ([0-9]+) of \1 places named \([0-9]+ professionals" "$DP_WORK/tight.out"; then pass; else
    fail "tight: the summary does not name the escorts"
    cat "$DP_WORK/tight.out"
fi
read -r esc_child esc_name < <(python3 - "$DP_WORK/tight" "$DP_WORK/tight.json" <<'EOF'
import csv, json, sys
staff = {r["id"]: r["name"] for r in csv.DictReader(open(sys.argv[1] + "/staff.csv"))}
s = json.load(open(sys.argv[2]))
js = next(x for x in s["sessions"] if x.get("escorts") and x["escorts"]["staff"])
kid = next(a["child"] for a in s["assignments"] if a["section"] == js["section"])
print(kid, staff[js["escorts"]["staff"][0]])
EOF
)
"$DAGPLAN" explain "$DP_WORK/tight" --week "$WEEK" --db "$DP_WORK/tight.db" --child "$esc_child" \
    >"$DP_WORK/explain-escort.out" 2>&1
if grep -Eq "\(escorted [0-9:]+-[0-9:]+ by [^)]*$esc_name" "$DP_WORK/explain-escort.out"; then pass; else
    fail "explain $esc_child does not name the escort $esc_name"
    cat "$DP_WORK/explain-escort.out"
fi
doctor() { # doctor NAME PYTHON: a copy of tight.json with ss (sessions with escorts) edited
    python3 - "$DP_WORK/tight.json" "$DP_WORK/$1.json" "$2" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
ss = [x for x in s["sessions"] if x.get("escorts") and x["escorts"]["staff"]]
exec(sys.argv[3])
json.dump(s, open(sys.argv[2], "w"))
EOF
}
nonbkr=$(awk -F, 'NR > 1 && $4 == "0" {print $1; exit}' "$DP_WORK/tight/staff.csv")
doctor esc-nonbkr "ss[0]['escorts']['staff'][0] = '$nonbkr'"
doctor esc-needed "ss[0]['escorts']['needed'] += 1"
doctor esc-twice "ss[1]['escorts']['staff'] = ss[0]['escorts']['staff'][:1]; ss[1]['day'] = ss[0]['day']; ss[1]['escorts']['from'] = ss[0]['escorts']['from']; ss[1]['escorts']['to'] = ss[0]['escorts']['to']"
doctor esc-unnamed "ss[0]['escorts']['staff'].pop()"
for bad in nonbkr needed twice unnamed; do
    if python3 "$CHECK" "$DP_WORK/tight" "$DP_WORK/esc-$bad.json" 2>&1 | grep -q "^violation: escorts: "; then
        pass
    else
        fail "the checker accepts doctored escorts ($bad)"
    fi
done

# The same centre solved without its rota, checked against the rota: for
# information only (whether a ratio-blind schedule happens to keep it).
mkdir -p "$DP_WORK/blind"
cp "$DP_WORK"/tight/*.csv "$DP_WORK/tight/centre.lua" "$DP_WORK/blind/"
rm "$DP_WORK/blind/rota.csv"
if solve blind; then
    if python3 "$CHECK" "$DP_WORK/tight" "$DP_WORK/blind.json" >"$DP_WORK/blind.check"; then
        echo "info: the ratio-blind schedule happens to keep the tight rota"
    else
        echo "info: the ratio-blind schedule breaks the tight rota:" \
            "$(grep -c '^violation: ratio' "$DP_WORK/blind.check") day(s)"
    fi
    check blind # and it is a valid schedule of the centre without a rota
else
    fail "blind: solve exited $?"
fi

# --- a too-thin rota: exit 1 with when and where, nothing stored -----------
gen thin --children 150 --seed 1 --rota tight
python3 - "$DP_WORK/thin/rota.csv" <<'EOF'
import sys
rows = open(sys.argv[1]).read().splitlines()
keep = [rows[0]] + [r for i, r in enumerate(rows[1:]) if not (",tue," in r and i % 2 == 0)]
open(sys.argv[1], "w").write("\n".join(keep) + "\n")
EOF
solve thin
status=$?
if [[ $status -ne 1 ]]; then
    fail "thin: exit $status, want 1"
    cat "$DP_WORK/thin.err"
elif ! grep -q "rota.csv: the rota is too thin for the childcare ratio" "$DP_WORK/thin.err" ||
    ! grep -Eq "^  tue [0-9:]+-[0-9:]+ at ikc: [0-9]+ children in care need [0-9]+ professionals?; [0-9]+ (is|are) rostered" "$DP_WORK/thin.err" ||
    ! grep -q "^tue: [0-9]* minutes below the childcare ratio at ikc, the 3-hour rule allows 30" "$DP_WORK/thin.err"; then
    fail "thin: the report does not say when and where"
    cat "$DP_WORK/thin.err"
elif [[ $(versions "$DP_WORK/thin.db") != 0 || -e $DP_WORK/thin.json ]]; then
    fail "thin: something was stored or written"
else
    pass
fi

# --- no rota: the staffing plan ---------------------------------------------
gen plan --children 150 --seed 2
if solve plan; then
    check plan # includes the "staffing" steps, peak and professional-minutes
    if grep -q "staffing plan at ikc" "$DP_WORK/plan.out" &&
        grep -Eq "peak [0-9]+ professionals \((mon|tue|wed|thu|fri) [0-9:]+\); [0-9.]+ professional-hours" "$DP_WORK/plan.out"; then
        pass
    else
        fail "plan: the summary has no staffing plan"
        cat "$DP_WORK/plan.out"
    fi
    if python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["staffing"]; sys.exit(not (s["rota"] is False and s["peak"]["professionals"] > 0 and len(s["steps"]) > 10))' "$DP_WORK/plan.json"; then
        pass
    else
        fail "plan: the JSON has no staffing plan"
    fi
else
    fail "plan: solve exited $?"
fi

# --- daycare groups (Tabel 1) with a tight rota -----------------------------
gen daycare --children 300 --seed 6 --rota tight
if grep -q ",kdv-" "$DP_WORK/daycare/children.csv"; then pass; else
    fail "daycare: the generated centre has no daycare groups"
fi
if solve daycare; then check daycare; else fail "daycare: solve exited $?"; fi

# --- escort_ratio in centre.lua ----------------------------------------------
gen escort --children 150 --seed 3 --rota loose
sed -i 's/^  max_activities = \(.*\)/  max_activities = \1\n  escort_ratio = 4,/' "$DP_WORK/escort/centre.lua"
if solve escort; then
    check escort # check_ratio.py reads escort_ratio too
    if python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["staffing"]["escort_ratio"] != 4)' "$DP_WORK/escort.json"; then
        pass
    else
        fail "escort: escort_ratio 4 is not in the staffing plan"
    fi
else
    fail "escort: solve exited $?"
    cat "$DP_WORK/escort.err"
fi
sed -i 's/escort_ratio = 4/escort_ratio = 0/' "$DP_WORK/escort/centre.lua"
"$DAGPLAN" check "$DP_WORK/escort" >"$DP_WORK/escort0.out" 2>&1
status=$?
if [[ $status -eq 1 ]] && grep -q "'escort_ratio' must be a whole number from 1 to 100" "$DP_WORK/escort0.out"; then
    pass
else
    fail "escort_ratio = 0: exit $status, want 1 with a message"
    cat "$DP_WORK/escort0.out"
fi

# --- Flanders: the 2027 ratios by the week's date ----------------------------
# A summer centre whose daycare children are all babies in care: from 1
# January 2027 1 carer per 5 babies (1 per 7 mixed) instead of 1 for 8, so
# the same centre needs more professional-hours in 2027-W03 than in
# 2026-W48; the checker recomputes each week with the rules of its date.
gen flanders --children 200 --seed 1 --shape summer
python3 - "$DP_WORK/flanders" <<'EOF'
import csv, sys
d = sys.argv[1]
def rw(name, fix, keep=lambda r: True):
    rows = list(csv.DictReader(open(d + "/" + name)))
    head = list(rows[0].keys())
    rows = [fix(r) or r for r in rows if keep(r)]
    w = csv.DictWriter(open(d + "/" + name, "w", newline=""), fieldnames=head)
    w.writeheader()
    w.writerows(rows)
kids = {r["id"] for r in csv.DictReader(open(d + "/children.csv")) if r["group"] == "0"}
rw("children.csv", lambda r: r.update(birth_date="2026-08-01") if r["id"] in kids else None)
rw("availability.csv", lambda r: r.update(care="1") if r["child"] in kids else None)
rw("choices.csv", lambda r: None, lambda r: r["child"] not in kids)
EOF
grep -q 'country = "BE-VL"' "$DP_WORK/flanders/centre.lua" || fail "flanders: not a BE-VL centre"
hours=()
for wk in 2026-W48 2027-W03; do
    if WEEK=$wk solve flanders --db "$DP_WORK/flanders-$wk.db" &&
        cp "$DP_WORK/flanders.json" "$DP_WORK/flanders-$wk.json"; then
        check flanders-$wk flanders
        hours+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["staffing"]["professional_minutes"])' "$DP_WORK/flanders-$wk.json")")
    else
        fail "flanders $wk: solve exited $?"
        hours+=(0)
    fi
done
if [[ ${hours[1]} -gt ${hours[0]} ]]; then pass; else
    fail "flanders: 2027-W03 needs ${hours[1]} professional-minutes, 2026-W48 ${hours[0]}: the 2027 ratios were not applied"
fi

# --- the half rule per group, independently ------------------------------------
# tests/data/ratio (test_ratio_care.c works out the numbers): with 12
# children at lego and 8 at judo on monday, pm1 is alone 15:00-16:10 with 4
# children and one escort to give: whoever walks, the group has fewer than
# half its need. The checker must say so (the location's total, 1 of 2,
# would pass).
if python3 - "$DP_SOURCE_DIR/tests/data/ratio" "$TOOLS" <<'EOF'
import sys
sys.path.insert(0, sys.argv[2])
import check_ratio
granted = [("c%02d" % i, "lego", "lego-a") for i in range(1, 13)]
granted += [("c%02d" % i, "judo", "judo-a") for i in range(13, 21)]
running = [("lego-a", "mon", 900, 1020), ("judo-a", "mon", 900, 960)]
problems = check_ratio.check(sys.argv[1], running, {"lego-a": 12, "judo-a": 8}, granted, "2026-W48")
ok = any(p.startswith("ratio: mon 15:00 at ikc: a group left with fewer than half") for p in problems)
sys.exit(0 if ok else 1)
EOF
then pass; else fail "check_ratio.py does not see a group left below half its need"; fi

finish test_solve_ratio

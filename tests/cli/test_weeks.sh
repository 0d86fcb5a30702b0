#!/usr/bin/env bash
# tests/cli/test_weeks.sh - week after week (issue 7) end to end: pins and
# forbids obeyed and named in the reasons, a pin contradicting a hard rule
# reported with its pins.csv line (nothing stored), a re-solve after a small
# edit changing fewer assignments than a solve from scratch, and a series
# activity keeping its participants in its later weeks, taking no one new,
# letting a child leave by dropping the choice and not meeting after its weeks.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
py() { python3 -c "$@"; }
# rerank FILE: renumber each child's ranks 1..n in rank order after an edit
rerank() { py 'import csv, sys, collections
rows = list(csv.reader(open(sys.argv[1])))
h = rows[0]; ci, ri = h.index("child"), h.index("rank")
by = collections.defaultdict(list)
for r in rows[1:]: by[r[ci]].append(r)
for rs in by.values():
    rs.sort(key=lambda r: int(r[ri]))
    for i, r in enumerate(rs): r[ri] = str(i + 1)
csv.writer(open(sys.argv[1], "w", newline="")).writerows([h] + [r for rs in by.values() for r in rs])' "$1"; }

C="$DP_WORK/c"
DB="$DP_WORK/c.db"
python3 "$DP_GEN_INSTANCE" --out "$C" --children 150 --seed 11 >/dev/null || fail "gen-instance"
solve() { # solve WEEK JSON [options]
    local w=$1 j=$2
    shift 2
    "$DAGPLAN" solve "$C" --week "$w" --db "$DB" --json "$j" --quiet --max-moves 20000 "$@"
}

solve 2027-W03 "$DP_WORK/v1.json"
expect "first solve" $? 0

# --- pins ---
# A choice refused only because its section is full: pin it there.
read -r pchild psec < <(py 'import json, sys
d = json.load(open(sys.argv[1]))
for u in d["unassigned"]:
    full = [r.split(" ")[0] for r in u["reasons"] if " is full " in r]
    if full and len(u["reasons"]) == 1:
        print(u["child"], full[0]); break' "$DP_WORK/v1.json")
# An assigned child: forbid its section.
read -r fchild fsec fact < <(py 'import json, sys
d = json.load(open(sys.argv[1]))
a = d["assignments"][3]; print(a["child"], a["section"], a["activity"])' "$DP_WORK/v1.json")
[[ -n ${pchild:-} && -n ${fchild:-} ]] && pass || fail "no pin candidates found"
printf 'child,section,action,note\n%s,%s,pin,parents asked\n%s,%s,forbid,\n' \
    "$pchild" "$psec" "$fchild" "$fsec" >"$C/pins.csv"
solve 2027-W03 "$DP_WORK/v2.json"
expect "solve with pins" $? 0
py 'import json, sys
d = json.load(open(sys.argv[1]))
got = {(a["child"], a["section"]) for a in d["assignments"]}
assert (sys.argv[2], sys.argv[3]) in got, "pin not kept"
assert (sys.argv[4], sys.argv[5]) not in got, "forbid not kept"' \
    "$DP_WORK/v2.json" "$pchild" "$psec" "$fchild" "$fsec" && pass || fail "pins not obeyed"
out=$(py 'import json, sys
d = json.load(open(sys.argv[1]))
for u in d["unassigned"]:
    if u["child"] == sys.argv[2] and u["activity"] == sys.argv[3]: print(u["reasons"])' \
    "$DP_WORK/v2.json" "$fchild" "$fact")
if [[ -n $out ]]; then contains "reasons name the forbid" "$out" "pins.csv line 3"; fi

# A pin that contradicts a hard rule: reported at its line, nothing stored.
read -r bchild bsec < <(py 'import json, sys
d = json.load(open(sys.argv[1]))
for u in d["unassigned"]:
    for r in u["reasons"]:
        if "during school hours" in r or "outside the child" in r:
            print(u["child"], r.split(" ")[0]); raise SystemExit' "$DP_WORK/v1.json")
if [[ -n ${bchild:-} ]]; then
    before=$(sqlite3 "$DB" "SELECT count(*) FROM versions")
    printf 'child,section,action\n%s,%s,pin\n' "$bchild" "$bsec" >"$C/pins.csv"
    out=$(solve 2027-W03 "$DP_WORK/bad.json" 2>&1)
    expect "contradicting pin" $? 1
    contains "contradicting pin message" "$out" "pins.csv:2:1: error: pin of child '$bchild' in '$bsec' contradicts a hard rule"
    [[ $(sqlite3 "$DB" "SELECT count(*) FROM versions") -eq $before ]] && pass ||
        fail "a failed solve stored a version"
    [[ ! -e $DP_WORK/bad.json ]] && pass || fail "a failed solve wrote its JSON"
else
    fail "no child with a time conflict found"
fi
rm -f "$C/pins.csv"

# --- stability: a small edit repairs locally ---
solve 2027-W03 "$DP_WORK/base.json"
py 'import csv, sys, random
rows = list(csv.reader(open(sys.argv[1])))
random.seed(4)
keep = [rows[0]] + [r for r in rows[1:] if random.random() > 0.03]
csv.writer(open(sys.argv[1], "w", newline="")).writerows(keep)' "$C/choices.csv"
rerank "$C/choices.csv"
"$DAGPLAN" solve "$C" --week 2027-W03 --db "$DB" --json "$DP_WORK/warm.json" --max-moves 20000 >"$DP_WORK/warm.txt"
expect "warm re-solve" $? 0
contains "summary names the baseline" "$(cat "$DP_WORK/warm.txt")" "baseline: 2027-W03 version"
"$DAGPLAN" solve "$C" --week 2027-W03 --db "$DP_WORK/scratch.db" --json "$DP_WORK/scratch.json" \
    --quiet --from-scratch --max-moves 20000
expect "from scratch" $? 0
read -r warm scratch < <(py 'import json, sys
def asg(f): return {(a["child"], a["activity"]): a["section"] for a in json.load(open(f))["assignments"]}
b, w, s = asg(sys.argv[1]), asg(sys.argv[2]), asg(sys.argv[3])
wd = json.load(open(sys.argv[2]))
still = set(w) | {(u["child"], u["activity"]) for u in wd["unassigned"]}
def changed(x): return sum(1 for k, v in b.items() if k in still and x.get(k) != v)
print(changed(w), changed(s))' "$DP_WORK/base.json" "$DP_WORK/warm.json" "$DP_WORK/scratch.json")
if [[ $warm -lt $scratch ]]; then pass; else fail "warm start changed $warm, from scratch $scratch"; fi
stab=$(py 'import json, sys; print(json.load(open(sys.argv[1]))["score"]["stability"])' "$DP_WORK/warm.json")
[[ $stab -eq $((-20 * warm)) ]] && pass || fail "stability $stab for $warm changes (weight 20)"

# --- series ---
# The activity with the most participants becomes a series of 3 weeks from W10.
act=$(py 'import json, sys, collections
d = json.load(open(sys.argv[1]))
print(collections.Counter(a["activity"] for a in d["assignments"]).most_common(1)[0][0])' "$DP_WORK/warm.json")
py 'import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
rows[0] += ["weeks", "starts"]
for r in rows[1:]: r += (["3", "2027-W10"] if r[0] == sys.argv[2] else ["", ""])
csv.writer(open(sys.argv[1], "w", newline="")).writerows(rows)' "$C/activities.csv" "$act"
members() { py 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted(a["child"] + "@" + a["section"] for a in d["assignments"] if a["activity"] == sys.argv[2])))' "$1" "$act"; }
solve 2027-W10 "$DP_WORK/s10.json" --from-scratch
expect "series week 1" $? 0
# Week 2: add a wish for the series by a child without it, and change the seed.
newc=$(py 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
have = {r["child"] for r in rows if r["activity"] == sys.argv[2]}
a = next(r for r in csv.DictReader(open(sys.argv[3])) if r["id"] == sys.argv[2])
kids = csv.DictReader(open(sys.argv[4], encoding="utf-8-sig"))
print(next(k["id"] for k in kids if k["id"] not in have and
           int(a["min_group"]) <= int(k["group"]) <= int(a["max_group"])))' \
    "$C/choices.csv" "$act" "$C/activities.csv" "$C/children.csv")
[[ -n $newc && -n $act ]] && pass || fail "no newcomer for the series"
echo "$newc,$act,99" >>"$C/choices.csv"
rerank "$C/choices.csv"
solve 2027-W11 "$DP_WORK/s11.json" --seed 5
expect "series week 2" $? 0
[[ $(members "$DP_WORK/s10.json") == "$(members "$DP_WORK/s11.json")" ]] && pass ||
    fail "series participants changed in week 2"
[[ -n $(members "$DP_WORK/s11.json") ]] && pass || fail "series has no participants"
out=$(py 'import json, sys
d = json.load(open(sys.argv[1]))
print([u["reasons"] for u in d["unassigned"] if u["child"] == sys.argv[2] and u["activity"] == sys.argv[3]])' \
    "$DP_WORK/s11.json" "$newc" "$act")
contains "a newcomer is told the series is under way" "$out" "is a series under way (week 2 of 3"
# Week 3: one participant leaves (its choice removed); the others stay.
leaver=$(members "$DP_WORK/s11.json" | cut -d' ' -f1 | cut -d@ -f1)
grep -v "^$leaver,$act," "$C/choices.csv" >"$C/choices.new" && mv "$C/choices.new" "$C/choices.csv"
rerank "$C/choices.csv"
solve 2027-W12 "$DP_WORK/s12.json"
expect "series week 3" $? 0
[[ $(members "$DP_WORK/s11.json" | cut -d' ' -f2-) == "$(members "$DP_WORK/s12.json")" ]] && pass ||
    fail "series week 3: expected everyone but $leaver to stay"
# Week 4: the series is over and does not meet.
solve 2027-W13 "$DP_WORK/s13.json"
expect "after the series" $? 0
[[ -z $(members "$DP_WORK/s13.json") ]] && pass || fail "the series met after its weeks"

# --- centre.lua stability weight ---
sed -i 's/^}/  stability = 5,\n}/' "$C/centre.lua"
solve 2027-W13 "$DP_WORK/w5.json"
expect "stability weight 5" $? 0
sed -i 's/  stability = 5,/  stability = "high",/' "$C/centre.lua"
out=$("$DAGPLAN" check "$C" 2>&1)
expect "bad stability weight" $? 1
contains "bad stability message" "$out" "'stability' must be a whole number"

finish

#!/usr/bin/env bash
# tests/cli/test_summer.sh - summer and holiday programmes (issue 8) end to
# end: a generated summer centre (gen-instance --shape summer) made a
# two-week programme by tests/tools/summerize.py (sections.csv dates,
# choices.csv week, activities.csv overnight), solved week by week and
# checked with the independent checker (sessions only inside the dates, the
# week's own choices, no grant of a section that does not meet, overnight
# stays kept clear, the two-week camp keeping its children); the schedule
# JSON's overnight key; the family calendar (one event over the whole stay);
# a summer municipality solved per week and exported as the public overview
# with its "met overnachting" filter; the bundled example; and the failure
# paths: bad dates, weeks and overnight values, a checker that must catch a
# tampered schedule.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
CHECK="$DP_SOURCE_DIR/tests/tools/check_schedule.py"
SUMMERIZE="$DP_SOURCE_DIR/tests/tools/summerize.py"

C="$DP_WORK/c"
python3 "$DP_GEN_INSTANCE" --out "$C" --children 100 --seed 11 --shape summer >/dev/null ||
    fail "gen-instance"
python3 "$SUMMERIZE" "$C" || fail "summerize"

# Per week: the template counts no weeked choice; each week its own.
out=$("$DAGPLAN" check "$C" 2>&1)
expect "check template" $? 0
contains "check template" "$out" " 0 choices"
out=$("$DAGPLAN" check "$C" --week 2027-W27 2>&1)
expect "check W27" $? 0
n27=$(grep -c ',2027-W27$' "$C/choices.csv")
contains "check W27 counts the week's choices" "$out" " $n27 choices"
"$DAGPLAN" check "$C" --week 2027-W99 >/dev/null 2>&1
expect "check --week 2027-W99" $? 2

# Weeks 27, 28 (the two-week camp goes on) and 29 (nothing dated meets).
for w in 27 28 29; do
    "$DAGPLAN" solve "$C" --week 2027-W$w --seed 3 --max-moves 20000 --json "$DP_WORK/w$w.json" --quiet
    expect "solve W$w" $? 0
done
python3 "$CHECK" "$C" "$DP_WORK/w27.json" >"$DP_WORK/chk" 2>&1
expect "checker W27: $(tail -3 "$DP_WORK/chk")" $? 0
python3 "$CHECK" "$C" "$DP_WORK/w28.json" --previous "$DP_WORK/w27.json" >"$DP_WORK/chk" 2>&1
expect "checker W28 (camp kept): $(tail -3 "$DP_WORK/chk")" $? 0
python3 "$CHECK" "$C" "$DP_WORK/w29.json" >"$DP_WORK/chk" 2>&1
expect "checker W29: $(tail -3 "$DP_WORK/chk")" $? 0

# What the schedules hold: the facts the checker relies on, seen directly.
python3 - "$C" "$DP_WORK" <<'EOF' || fail "schedule facts"
import csv, json, sys
c, work = sys.argv[1], sys.argv[2]
acts = list(csv.DictReader(open(c + "/activities.csv")))
secs = list(csv.DictReader(open(c + "/sections.csv")))
order = {a["id"]: k for k, a in enumerate(acts)}
night = {a["id"] for a in acts if a["overnight"] == "1"}
w = {k: json.load(open("%s/w%d.json" % (work, k))) for k in (27, 28, 29)}
bad = []
def sections_of(j): return {s["section"] for s in j["sessions"]}
def children_in(j, s): return {a["child"] for a in j["assignments"] if a["section"] == s}
for s in secs:
    k = order[s["activity"]] % 4
    if k == 3 and s["id"] in sections_of(w[27]):
        bad.append("W27 lists %s, which meets only in W28" % s["id"])
    if k and s["id"] in sections_of(w[29]):
        bad.append("W29 lists dated %s" % s["id"])
    if k == 1 and children_in(w[27], s["id"]) != children_in(w[28], s["id"]):
        bad.append("two-week camp %s changed its children" % s["id"])
camps = [s["id"] for s in secs if order[s["activity"]] % 4 == 1]
if not any(children_in(w[27], s) for s in camps):
    bad.append("no child in a two-week camp: nothing was tested")
if not any(x["activity"] in night for x in w[27]["assignments"]):
    bad.append("no child at a camp with overnight stay: nothing was tested")
for k in (27, 28, 29):
    for x in w[k]["sessions"]:
        if ("overnight" in x) != (x["activity"] in night) or x.get("overnight") not in (None, True):
            bad.append("W%d: session of %s: overnight key %r" % (k, x["section"], x.get("overnight")))
if any(a["section"] for a in w[29]["assignments"]
       if order[a["activity"]] % 4):
    bad.append("W29: a dated section holds children")
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
EOF

# explain, for the week: the overnight stay and the camp under way as reasons.
for spec in "27|with overnight stay" "28|is a camp under way"; do
    w=${spec%%|*} what=${spec#*|}
    kid=$(python3 -c "
import json,sys
j=json.load(open(sys.argv[1]))
print(next((u['child'] for u in j['unassigned'] if any(sys.argv[2] in r for r in u['reasons'])), ''))
" "$DP_WORK/w$w.json" "$what")
    if [[ -z $kid ]]; then
        fail "W$w: no wish explained by '$what': nothing to test"
        continue
    fi
    out=$("$DAGPLAN" explain "$C" --child "$kid" --week 2027-W$w 2>&1)
    expect "explain $kid W$w" $? 0
    contains "explain $kid W$w" "$out" "$what"
done

# The checker is not a rubber stamp: a child moved into a section that does
# not meet, an overnight key dropped, a camp's children changed.
python3 - "$C" "$DP_WORK/w27.json" "$DP_WORK/t1.json" <<'EOF'
import csv, json, sys
c, src, dst = sys.argv[1:4]
acts = list(csv.DictReader(open(c + "/activities.csv")))
order = {a["id"]: k for k, a in enumerate(acts)}
secs = list(csv.DictReader(open(c + "/sections.csv")))
j = json.load(open(src))
late = [s for s in secs if order[s["activity"]] % 4 == 3][0]
a = j["assignments"][0]
a["activity"], a["section"] = late["activity"], late["id"]
json.dump(j, open(dst, "w"))
EOF
python3 "$CHECK" "$C" "$DP_WORK/t1.json" --max-report 1000 >"$DP_WORK/chk" 2>&1
expect "checker catches a grant of a section outside its dates" $? 1
grep -q "does not meet this week" "$DP_WORK/chk" && pass || fail "checker: no 'does not meet' line"
python3 - "$DP_WORK/w27.json" "$DP_WORK/t2.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
for s in j["sessions"]:
    s.pop("overnight", None)
json.dump(j, open(sys.argv[2], "w"))
EOF
python3 "$CHECK" "$C" "$DP_WORK/t2.json" >"$DP_WORK/chk" 2>&1
expect "checker catches a missing overnight key" $? 1
python3 - "$C" "$DP_WORK/w28.json" "$DP_WORK/t3.json" <<'EOF'
import csv, json, sys
c, src, dst = sys.argv[1:4]
acts = list(csv.DictReader(open(c + "/activities.csv")))
order = {a["id"]: k for k, a in enumerate(acts)}
j = json.load(open(src))
j["assignments"] = [a for a in j["assignments"] if order[a["activity"]] % 4 != 1]
json.dump(j, open(dst, "w"))
EOF
python3 "$CHECK" "$C" "$DP_WORK/t3.json" --previous "$DP_WORK/w27.json" --max-report 1000 \
    >"$DP_WORK/chk" 2>&1
expect "checker catches a two-week camp that lost its children" $? 1
grep -q "camp under way changed its children" "$DP_WORK/chk" && pass ||
    fail "checker: no 'camp under way' line"

# An overnight camp in the family calendar: one event over the whole stay.
"$DAGPLAN" export "$C" --ics "$DP_WORK/ics" --week 2027-W27 --weeks 2 >/dev/null
expect "export --ics" $? 0
python3 - "$C" "$DP_WORK/w27.json" "$DP_WORK/ics" <<'EOF' || fail "overnight in the family feeds"
import csv, glob, json, re, sys
c, w27, ics = sys.argv[1:4]
j = json.load(open(w27))
night = {x["section"] for x in j["sessions"] if x.get("overnight") and not x["cancelled"]}
text = "".join(open(f, encoding="utf-8", newline="").read()
               for f in glob.glob(ics + "/family-*.ics"))
text = text.replace("\r\n ", "")
events = re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, re.S)
stays = [e for e in events if "(met overnachting)" in e]
bad = []
if not night:
    bad.append("no overnight camp with children in W27")
if not stays:
    bad.append("no event 'met overnachting' in a family feed")
for e in stays:
    a = re.search(r"DTSTART;TZID=[^:]+:(\d{8})T(\d{4})", e)
    b = re.search(r"DTEND;TZID=[^:]+:(\d{8})T(\d{4})", e)
    if not a or not b or a.group(1) >= b.group(1):
        bad.append("a stay does not span days: %s / %s" % (a and a.group(0), b and b.group(0)))
        break
    if "kamp met overnachting: van" not in e:
        bad.append("no 'van ... tot ...' in the description")
        break
# every child at an overnight camp has exactly one stay event per week
kids = sum(1 for a in j["assignments"] if a["section"] in night)
w27stays = [e for e in stays if "DTSTART;TZID=Europe/Brussels:202707" in e and
            re.search(r"DTSTART;TZID=[^:]+:2027070[5-9]", e)]
if len(w27stays) != kids:
    bad.append("W27: %d stay events for %d children at overnight camps" % (len(w27stays), kids))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
if [[ -n ${DP_ICAL_LINT:-} && -x ${DP_ICAL_LINT:-} ]]; then
    "$DP_ICAL_LINT" "$DP_WORK/ics" >"$DP_WORK/lint" 2>&1 && pass ||
        fail "ical_lint: $(tail -3 "$DP_WORK/lint")"
fi

# Failure paths of the loader, each with file:line:column.
bad_case() { # bad_case NAME FILE SED-EXPR WANTED
    local d="$DP_WORK/bad-$1"
    rm -rf "$d"
    cp -r "$C" "$d"
    rm -f "$d/dagplan.db"*
    sed -i "$3" "$d/$2"
    out=$("$DAGPLAN" solve "$d" --week 2027-W27 --quiet 2>&1)
    expect "$1" $? 1
    contains "$1" "$out" "$4"
    [[ ! -e $d/dagplan.db ]] && pass || fail "$1: a store was created"
}
bad_case dates-order sections.csv '2s/,$/,2027-07-16..2027-07-05/' \
    "ends before it starts"
bad_case dates-bad sections.csv '2s/,$/,2027-07-05..2027-07-32/' \
    "sections.csv:2:"
bad_case dates-overlap sections.csv '2s/,$/,2027-07-05..2027-07-09|2027-07-08..2027-07-12/' \
    "date ranges overlap"
bad_case week-bad choices.csv '2s/,2027-W27$/,2027-27/' "choices.csv:2:"
bad_case overnight-bad activities.csv '2s/,[01]$/,ja/' "expected 0 or 1 in column 'overnight'"

# A summer municipality: solved per week, exported as the public overview.
M="$DP_WORK/m"
python3 "$DP_GEN_INSTANCE" --out "$M" --municipality 3 --children 60 --seed 5 --shape summer \
    >/dev/null || fail "gen-instance --municipality --shape summer"
for d in "$M"/*/; do python3 "$SUMMERIZE" "$d" || fail "summerize $d"; done
"$DAGPLAN" solve "$M" --week 2027-W27 --threads 2 --max-moves 20000 --quiet --json-dir "$DP_WORK/mj" >/dev/null
expect "solve municipality W27" $? 0
for d in "$M"/*/; do
    n=$(basename "$d")
    python3 "$CHECK" "$d" "$DP_WORK/mj/$n.json" >"$DP_WORK/chk" 2>&1
    expect "checker $n: $(tail -2 "$DP_WORK/chk")" $? 0
done
"$DAGPLAN" export "$M" --html "$DP_WORK/html" --week 2027-W27 >/dev/null 2>&1
expect "export --html" $? 0
python3 "$DP_SOURCE_DIR/tests/tools/check_overview.py" "$M" "$DP_WORK/mj" \
    "$DP_WORK/html/index.html" && pass || fail "overview differs from the schedules"
grep -q 'id="f-overnight"' "$DP_WORK/html/index.html" && pass || fail "no overnight filter"
grep -qE '>ma-vr [0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}<' "$DP_WORK/html/index.html" && pass ||
    fail "a camp's week is not one run 'ma-vr HH:MM-HH:MM'"
"$DAGPLAN" report "$M" --out "$DP_WORK/rep" --week 2027-W27 >/dev/null 2>&1
expect "report W27" $? 0
python3 "$DP_SOURCE_DIR/tests/tools/check_report.py" "$M" "$DP_WORK/mj" "$DP_WORK/rep" \
    >"$DP_WORK/chk" 2>&1
expect "check_report (per-week choices): $(tail -2 "$DP_WORK/chk")" $? 0

# The bundled example solves for both of its weeks.
E="$DP_WORK/example"
cp -r "$DP_SOURCE_DIR/examples/zomer-gent" "$E"
for w in 27 28; do
    "$DAGPLAN" solve "$E" --week 2027-W$w --max-moves 20000 --json "$DP_WORK/e$w.json" --quiet
    expect "example W$w" $? 0
done
python3 "$CHECK" "$E" "$DP_WORK/e28.json" --previous "$DP_WORK/e27.json" >"$DP_WORK/chk" 2>&1
expect "example checker: $(tail -2 "$DP_WORK/chk")" $? 0

finish

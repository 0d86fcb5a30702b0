#!/usr/bin/env bash
# tests/cli/test_closures.sh - closures (issue 7) end to end: `dagplan
# import-closures` from .ics files (good, repeated, overlapping, without
# dates, without events, not iCalendar: errors change nothing), and a solve
# of a week with a study day: no session on that day unless its activity
# runs on holidays, children in their holiday windows there.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

C="$DP_WORK/c"
python3 "$DP_GEN_INSTANCE" --out "$C" --children 120 --seed 4 >/dev/null || fail "gen-instance"

ics() { # ics FILE EVENT...: each EVENT is "SUMMARY|DTSTART-line|DTEND-line"
    local f=$1
    shift
    {
        printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dagplan test//NL\r\n'
        local i=0
        for e in "$@"; do
            IFS='|' read -r summary start end <<<"$e"
            printf 'BEGIN:VEVENT\r\nUID:%d@test\r\nSUMMARY:%s\r\n' $((i++)) "$summary"
            [[ -n $start ]] && printf '%s\r\n' "$start"
            [[ -n $end ]] && printf '%s\r\n' "$end"
            printf 'END:VEVENT\r\n'
        done
        printf 'END:VCALENDAR\r\n'
    } >"$f"
}

ics "$DP_WORK/holidays.ics" \
    "Voorjaarsvakantie|DTSTART;VALUE=DATE:20270215|DTEND;VALUE=DATE:20270222" \
    "Studiedag team|DTSTART;VALUE=DATE:20270310|" \
    "Meivakantie, Noord|DTSTART;VALUE=DATE:20270426|DTEND;VALUE=DATE:20270508"
out=$("$DAGPLAN" import-closures "$C" "$DP_WORK/holidays.ics")
expect "import" $? 0
contains "import message" "$out" "imported 3 closures"
want='date_from,date_to,kind,name
2027-02-15,2027-02-21,holiday,Voorjaarsvakantie
2027-03-10,2027-03-10,studyday,Studiedag team
2027-04-26,2027-05-07,holiday,"Meivakantie, Noord"'
[[ $(cat "$C/closures.csv") == "$want" ]] && pass || {
    fail "closures.csv after import"
    cat "$C/closures.csv"
}
"$DAGPLAN" check "$C" >/dev/null 2>&1
expect "check after import" $? 0

# Importing the same file again changes nothing.
out=$("$DAGPLAN" import-closures "$C" "$DP_WORK/holidays.ics")
expect "import twice" $? 0
contains "import twice message" "$out" "imported 0 closures"
[[ $(cat "$C/closures.csv") == "$want" ]] && pass || fail "closures.csv changed by a repeat"

bad() { # bad NAME NEEDLE [import options...]: the import fails and changes nothing
    local name=$1 needle=$2
    shift 2
    local out
    out=$("$DAGPLAN" import-closures "$C" "$DP_WORK/$name.ics" "$@" 2>&1)
    expect "import $name" $? 1
    contains "import $name message" "$out" "$needle"
    contains "import $name says nothing changed" "$out" "nothing was changed"
    [[ $(cat "$C/closures.csv") == "$want" ]] && pass || fail "import $name changed closures.csv"
}
ics "$DP_WORK/overlap.ics" "Krokus|DTSTART;VALUE=DATE:20270219|DTEND;VALUE=DATE:20270224"
bad overlap "overlap.ics:4:1: error: closure 'Krokus' overlaps 'Voorjaarsvakantie' (2027-02-15 to 2027-02-21, closures.csv line 2)"
ics "$DP_WORK/inner.ics" "A|DTSTART;VALUE=DATE:20270601|DTEND;VALUE=DATE:20270610" \
    "B|DTSTART;VALUE=DATE:20270605|"
bad inner "inner.ics:10:1: error: closure 'B' overlaps 'A'"
ics "$DP_WORK/nodate.ics" "Kerstvakantie||"
bad nodate "nodate.ics:4:1: error: event 'Kerstvakantie' has no DTSTART"
ics "$DP_WORK/none.ics"
bad none "expected at least one VEVENT with a DTSTART date"
echo "not a calendar" >"$DP_WORK/text.ics"
bad text "expected an iCalendar file"
ics "$DP_WORK/backwards.ics" "Omgekeerd|DTSTART;VALUE=DATE:20270701|DTEND;VALUE=DATE:20270601"
bad backwards "ends before it starts"
"$DAGPLAN" import-closures "$C" "$DP_WORK/holidays.ics" --kind summer 2>/dev/null
expect "bad --kind" $? 2
"$DAGPLAN" import-closures "$C" "$DP_WORK/missing.ics" 2>/dev/null
expect "missing file" $? 1

# A week with the study day (wed 2027-03-10): one activity runs on holidays.
act=$(awk -F, 'NR == 2 { print $1 }' "$C/activities.csv")
python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
rows[0].append("on_holiday")
for r in rows[1:]: r.append("run" if r[0] == sys.argv[2] else "")
csv.writer(open(sys.argv[1], "w", newline="")).writerows(rows)' "$C/activities.csv" "$act"
out=$("$DAGPLAN" solve "$C" --week 2027-W10 --db "$DP_WORK/c.db" --json "$DP_WORK/w10.json" \
    --max-moves 20000)
expect "solve with a study day" $? 0
contains "summary names the closure" "$out" "closures: wed study day"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for s in d["sessions"]:
    assert s["date"] != "2027-03-10" or s["activity"] == sys.argv[2], s' "$DP_WORK/w10.json" "$act" &&
    pass || fail "a session met on the study day"
# The holiday week: every session is cancelled.
out=$("$DAGPLAN" solve "$C" --week 2027-W07 --db "$DP_WORK/c.db" --json "$DP_WORK/w07.json" \
    --max-moves 20000)
expect "solve a holiday week" $? 0
contains "holiday week summary" "$out" "closures: mon holiday, tue holiday, wed holiday"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert all(s["activity"] == sys.argv[2] for s in d["sessions"]), "sessions in a holiday week"' \
    "$DP_WORK/w07.json" "$act" && pass || fail "sessions met in the holiday week"
# ... and no child is placed in a section that does not meet (the week has
# no earlier version to continue from); the reasons say why.
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
meets = {s["section"] for s in d["sessions"]}
assert all(a["section"] in meets for a in d["assignments"]), "placed in a section that does not meet"
assert any("does not meet this week" in r for u in d["unassigned"] for r in u["reasons"])' \
    "$DP_WORK/w07.json" && pass || fail "holiday week: children in sections that do not meet"

finish

#!/usr/bin/env bash
# tests/cli/test_ical.sh - `dagplan export DIR --ics OUTDIR` end to end: the
# feeds parse with libical (no X-LIC-ERROR; octets, folding, UTF-8, the
# VTIMEZONE against the tz database), with ical.js (against ICU's zone data;
# privacy) and with python3-icalendar (meetings and local times against the
# schedule JSON across the 2027 DST change); regeneration is byte-identical;
# moving one session raises exactly its events' SEQUENCE; a dropped booking
# turns into STATUS:CANCELLED and disappears once passed; escort duties in
# staff and family feeds (a generated centre with a tight rota); usage errors.
set -euo pipefail
: "${DAGPLAN:?}" "${DP_SOURCE_DIR:?}" "${DP_WORK:?}" "${DP_ICAL_LINT:?}" "${DP_NODE_DIR:?}"
rm -rf "$DP_WORK" && mkdir -p "$DP_WORK" && cd "$DP_WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }

# ical.js (npm) in the build tree, installed once.
if [ ! -f "$DP_NODE_DIR/node_modules/ical.js/package.json" ]; then
  command -v npm >/dev/null || fail "npm is missing (scripts/deps --test installs nodejs and npm)"
  mkdir -p "$DP_NODE_DIR"
  npm install --no-audit --no-fund --prefix "$DP_NODE_DIR" ical.js@2 >/dev/null
fi
PY=/usr/bin/python3
$PY -c 'import icalendar' || fail "python3-icalendar is missing (scripts/deps --test)"

c=centre
cp -r "$DP_SOURCE_DIR/tests/data/tiny" $c
# The tiny centre's rota is deliberately too thin for the childcare ratio
# (a test of its own); these tests are about the calendars, not staffing.
rm $c/rota.csv
# UTF-8 names long enough to be folded, with a run of two-octet characters.
sed -i 's/^bieb,DBieb Heechterp,bibliotheek,Bieblaan 2,/bieb,"Kunstkade Fryslân; lezen, luisteren \\ kijken",bibliotheek,"Fryslânplein 1, Ljouwert (ingang ëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëëë)",/' $c/locations.csv
grep -q Kunstkade $c/locations.csv || fail "fixture edit"

# Nothing solved yet: a clear error.
set +e
out=$("$DAGPLAN" export $c --ics feeds --week 2027-W12 2>&1); rc=$?
set -e
[ $rc -eq 1 ] && grep -q "no schedule" <<<"$out" || fail "export before solve: rc $rc: $out"
ok "export before any solve fails with a clear message"

# Weeks 12 and 13 of 2027: the clocks go forward on Sunday 28 March.
"$DAGPLAN" solve $c --week 2027-W12 --seed 1 --json w12.json --quiet
"$DAGPLAN" solve $c --week 2027-W13 --seed 1 --json w13.json --quiet
"$DAGPLAN" export $c --ics feeds --week 2027-W12 --weeks 2 > export.out
cat export.out
ls feeds/family-f01.ics feeds/staff-s2.ics feeds/location-bieb.ics feeds/activity-voorlezen.ics >/dev/null
"$DP_ICAL_LINT" feeds
ok "libical: no X-LIC-ERROR, CRLF, <= 75 octets, UTF-8 intact, VTIMEZONE = tz database"
node "$DP_SOURCE_DIR/tests/tools/ical_check.mjs" "$DP_NODE_DIR" feeds --children $c/children.csv --events ev1.tsv
ok "ical.js: parses, UID/DTSTAMP, VTIMEZONE = ICU, privacy"
$PY "$DP_SOURCE_DIR/tests/tools/ical_check.py" feeds w12.json w13.json
ok "python3-icalendar: the location feeds hold exactly the schedule's meetings at its local times"

# The same wall time on both sides of the change: 14:00 local on two Wednesdays.
grep -q 'DTSTART;TZID=Europe/Amsterdam:20270324T140000' feeds/location-bieb.ics || fail "W12 voorlezen"
grep -q 'DTSTART;TZID=Europe/Amsterdam:20270331T140000' feeds/location-bieb.ics || fail "W13 voorlezen"
grep -q '^TZID:Europe/Amsterdam' feeds/location-bieb.ics || fail "plain TZID"
! grep -q freeassociation feeds/*.ics || fail "libical's zone prefix leaked"
! grep -Eq '^(SOURCE|ORGANIZER|ATTENDEE|BEGIN:VALARM)' feeds/*.ics || fail "forbidden property"
grep -q 'Fryslân' feeds/location-bieb.ics || fail "UTF-8 name"
grep -q '^NAME:' feeds/family-f01.ics && grep -q '^REFRESH-INTERVAL;VALUE=DURATION:' feeds/family-f01.ics \
  && grep -q '^X-PUBLISHED-TTL:' feeds/family-f01.ics && grep -q '^X-WR-CALNAME:' feeds/family-f01.ics \
  || fail "calendar properties"
# (UIDs are random hex and may contain "c01" by chance: they are left out.)
! cat feeds/*.ics | grep -v '^UID:' | grep -q 'Sophie de Vries\|c01\|Daan de Vries' \
  || fail "a full name or child id in a feed"
ok "DST weeks, plain TZID, no forbidden properties, UTF-8, RFC 7986 names"

# Negative controls: the checkers do fail on a doctored feed.
mkdir -p bad && cp feeds/location-bieb.ics bad/
sed -i 's/^SUMMARY:Voorlezen/SUMMARY:Voorlezen met Daan/' bad/location-bieb.ics
! node "$DP_SOURCE_DIR/tests/tools/ical_check.mjs" "$DP_NODE_DIR" bad --children $c/children.csv 2>/dev/null \
  || fail "ical_check.mjs accepted a child's name in a location feed"
printf 'X-LONG:%080d\r\n' 0 > bad/long.ics
! "$DP_ICAL_LINT" bad >/dev/null 2>&1 || fail "ical_lint accepted an unfolded 88-octet line"
ok "negative controls fail"

# Regenerating an unchanged schedule writes the same bytes.
cp -r feeds feeds.1
"$DAGPLAN" export $c --ics feeds --week 2027-W12 --weeks 2 > /dev/null
diff -r feeds.1 feeds || fail "regeneration is not byte-identical"
ok "regeneration is byte-identical (state file included)"

# Move one session (voorlezen-a, wed 14:00 -> 14:15) and re-solve week 12.
sed -i 's/^voorlezen-a,wed,14:00,45/voorlezen-a,wed,14:15,45/' $c/sessions.csv
"$DAGPLAN" solve $c --week 2027-W12 --seed 1 --json w12b.json --quiet
$PY - w12.json w12b.json <<'PY' || fail "the re-solve changed assignments: the test needs the same ones"
import json, sys
a, b = (json.load(open(f))["assignments"] for f in sys.argv[1:])
sys.exit(0 if a == b else 1)
PY
"$DAGPLAN" export $c --ics feeds --week 2027-W12 --weeks 2 > /dev/null
node "$DP_SOURCE_DIR/tests/tools/ical_check.mjs" "$DP_NODE_DIR" feeds --children $c/children.csv --events ev2.tsv
$PY - ev1.tsv ev2.tsv <<'PY' || fail "SEQUENCE bump"
import sys
def load(f):
    return {(r[0], r[1]): r for r in (l.rstrip("\n").split("\t") for l in open(f)) if len(r) > 6}
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a.keys() == b.keys(), "the set of UIDs changed"
bumped = sorted(k for k in a if int(b[k][2]) != int(a[k][2]))
for k in bumped:
    assert int(b[k][2]) == int(a[k][2]) + 1, (k, a[k], b[k])
    assert b[k][4] == "2027-03-24T14:15:00", b[k]
moved = sorted(k for k in a if a[k][4] == "2027-03-24T14:00:00")
assert bumped == moved and moved, (bumped, moved)
feeds = sorted({k[0] for k in bumped})
# Both children's family feeds, the leader's, the location's and the activity's.
assert feeds == ["activity-voorlezen.ics", "family-f04.ics", "family-f05.ics",
                 "location-bieb.ics", "staff-s2.ics"], feeds
print(f"{len(bumped)} events raised to the next SEQUENCE: {feeds}")
PY
ok "moving one session raises exactly that meeting's events' SEQUENCE"

# A booking that goes away is published as cancelled, then dropped once passed.
sed -i '/^c08,voorlezen,/d' $c/choices.csv
"$DAGPLAN" solve $c --week 2027-W12 --seed 1 --quiet
"$DAGPLAN" export $c --ics feeds --week 2027-W12 --weeks 2 > export3.out
grep -q '1 cancelled' export3.out || { cat export3.out; fail "one event cancelled"; }
grep -q '^SUMMARY:Vervalt: Voorlezen groep 1-3 – Sem' feeds/family-f05.ics || fail "Vervalt: title"
grep -q '^STATUS:CANCELLED' feeds/family-f05.ics || fail "STATUS:CANCELLED"
"$DP_ICAL_LINT" feeds >/dev/null
"$DAGPLAN" export $c --ics feeds --week 2027-W13 --weeks 2 > /dev/null
! grep -q 'Vervalt' feeds/family-f05.ics || fail "a passed cancellation is still published"
ok "a dropped booking is STATUS:CANCELLED until it has passed"

# Escort duties (issue 5, docs/ratio.md): a generated centre with a tight
# rota. Each named escort's staff feed holds the walk (leaving home to the
# return), each child's family feed says who brings and picks up the group;
# all feeds pass libical and ical.js.
g=escorted
python3 "${DP_GEN_INSTANCE:?}" --out $g --children 150 --seed 1 --rota tight >/dev/null
"$DAGPLAN" solve $g --week 2027-W12 --json g.json --max-moves 20000 --time-limit 600 --quiet
"$DAGPLAN" export $g --ics gfeeds --week 2027-W12 --weeks 1 >/dev/null
"$DP_ICAL_LINT" gfeeds >/dev/null
node "$DP_SOURCE_DIR/tests/tools/ical_check.mjs" "$DP_NODE_DIR" gfeeds --children $g/children.csv \
  --staff $g/staff.csv --events gev.tsv
$PY - $g g.json gfeeds gev.tsv <<'PY'
import csv, json, sys
d, sched, feeds, tsv = sys.argv[1:]
staff = {r["id"]: r["name"] for r in csv.DictReader(open(d + "/staff.csv"))}
family = {r["id"]: r.get("family") or r["id"] for r in csv.DictReader(open(d + "/children.csv"))}
s = json.load(open(sched))
events = [l.split("\t") for l in open(tsv).read().splitlines() if l]
def unfolded(f):
    return open(feeds + "/" + f, encoding="utf-8", newline="").read().replace("\r\n ", "")
named = 0
for js in s["sessions"]:
    e = js.get("escorts")
    if not e or not e["staff"]:
        continue
    t0 = js["date"] + "T" + e["from"] + ":00"
    t1 = js["date"] + "T" + e["to"] + ":00"
    for p in e["staff"]:
        named += 1
        hit = [x for x in events if x[0] == "staff-%s.ics" % p and x[4] == t0 and x[5] == t1
               and x[6].startswith("Brengen en ophalen: ") and x[6].endswith("(%s)" % js["section"])]
        assert len(hit) == 1, (p, js["section"], js["day"], hit)
    kids = [a["child"] for a in s["assignments"] if a["section"] == js["section"]]
    for k in kids:
        text = unfolded("family-%s.ics" % family[k])
        assert "Brengen en ophalen: " in text and staff[e["staff"][0]] in text, (k, js["section"])
assert named > 0, "no escort was named"
print("%d escort duties in staff feeds, their families told who picks up" % named)
PY
ok "escort duties: in the escorts' staff feeds; families see who brings and picks up"

# Bad input and usage.
set +e
"$DAGPLAN" export $c --ics feeds --weeks 0 2>/dev/null; [ $? -eq 2 ] || fail "--weeks 0"
"$DAGPLAN" export $c --ics feeds --week 2027-13 2>/dev/null; [ $? -eq 2 ] || fail "--week malformed"
echo "garbage" > feeds/.dagplan-feeds.state
cp feeds/family-f05.ics keep.ics
out=$("$DAGPLAN" export $c --ics feeds --week 2027-W12 2>&1); rc=$?
set -e
[ $rc -eq 1 ] && grep -q '.dagplan-feeds.state:1:1: error' <<<"$out" || fail "corrupt state: $rc $out"
cmp keep.ics feeds/family-f05.ics || fail "a failed export changed a feed"
ok "usage errors exit 2; a corrupt state file is reported and changes nothing"
echo "$passed passed, 0 failed"

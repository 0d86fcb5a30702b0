#!/usr/bin/env bash
# tests/cli/test_serve_city.sh - `dagplan serve CITYDIR` (issue 8): the
# public overview of a municipality per week, end to end with curl on
# loopback (port 0): the served pages are byte for byte those of `dagplan
# export CITYDIR --html DIR --week W --weeks N`; a week a centre solved
# shows that schedule, other weeks its template; / redirects to
# /overview/; caching headers (ETag, Last-Modified, 304, gzip); no child
# data; unknown pages 404; an edit of a centre is picked up (solved again,
# the page changes), as is a planner's solve of a week; a broken edit keeps
# that centre's previous offering online and the others still update;
# usage errors; exit 0 on SIGTERM. Waits are bounded polls, never timing
# assertions. The pages are opened in Chromium by test_browser.sh.
set -euo pipefail
: "${DAGPLAN:?}" "${DP_SOURCE_DIR:?}" "${DP_WORK:?}" "${DP_GEN_INSTANCE:?}"
. "$(dirname "${BASH_SOURCE[0]}")/serve_common.sh"

python3 "$DP_GEN_INSTANCE" --out m --municipality 3 --children 60 --seed 9 >/dev/null
"$DAGPLAN" solve m --threads 2 --seed 1 --max-moves 4000 --quiet
# One centre also solves week 2027-W04 with another seed: that week's page
# shows its own schedule, W03 and W05 the template.
first=$(cd m && ls -d */ | head -1 | tr -d /)
"$DAGPLAN" solve m/$first --week 2027-W04 --seed 7 --max-moves 4000 --quiet --json w04.json

# Usage errors.
set +e
"$DAGPLAN" serve m --db x.db >/dev/null 2>err; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "is a municipality" err || fail "--db with CITYDIR: rc $rc: $(cat err)"
ok "usage: --db names one centre's store"

"$DAGPLAN" export m --html static --week 2027-W03 --weeks 3 >export.out
ls static/index.html static/2027-W03.html static/2027-W04.html static/2027-W05.html >/dev/null

"$DAGPLAN" serve m --listen 127.0.0.1:0 --week 2027-W03 --weeks 3 --debounce-ms 100 \
  > serve.out 2> serve.err &
pid=$!
poll grep -q '^listening on ' serve.out || fail "the server did not start"
base=$(sed -n 's|^listening on \(http://.*\)$|\1|p' serve.out)

mkdir served
for f in index.html 2027-W03.html 2027-W04.html 2027-W05.html; do
  [ "$(curl -s -o served/$f -w "%{http_code}" "$base/overview/$f")" = 200 ] || fail "GET /overview/$f"
done
diff -r static served >/dev/null || fail "served pages differ from 'export --weeks': $(diff -r static served | head -5)"
curl -s "$base/overview/" | cmp - static/index.html || fail "/overview/ is not the list of weeks"
ok "the served pages are byte for byte those of 'dagplan export CITYDIR --html DIR --weeks 3'"

grep -q 'href="2027-W04.html"' served/index.html && grep -q 'rel="next"' served/2027-W03.html ||
  fail "the pages link to each other"
rows() { grep -o "data-section=\"$first/[^\"]*\" data-left=\"[0-9]*\"" "$1" | sort; }
# W04 shows the week's own schedule: the rows of the strict one-week export
# (which reads only W04 versions; the other centres have none: exit 1).
"$DAGPLAN" export m --html w04 --week 2027-W04 >/dev/null 2>&1 && fail "strict W04 export: exit 0"
[ -n "$(rows w04/index.html)" ] && [ "$(rows w04/index.html)" = "$(rows served/2027-W04.html)" ] ||
  fail "W04 does not show the centre's W04 schedule"
[ "$(rows served/2027-W03.html)" = "$(rows served/2027-W05.html)" ] || fail "W03 and W05 both show the template"
ok "a week a centre solved shows that week's schedule, the other weeks its template"

hdr=$(curl -s -D - -o /dev/null "$base/overview/2027-W03.html")
grep -qi '^Content-Type: text/html; charset=utf-8' <<<"$hdr" || fail "Content-Type: $hdr"
grep -qi '^Cache-Control: public, no-cache' <<<"$hdr" || fail "Cache-Control: $hdr"
etag=$(sed -n 's/^ETag: \(".*"\)\r$/\1/p' <<<"$hdr")
lm=$(sed -n 's/^Last-Modified: \(.*\)\r$/\1/p' <<<"$hdr")
[ -n "$etag" ] && [ -n "$lm" ] || fail "ETag and Last-Modified: $hdr"
[ "$(code -H "If-None-Match: $etag" "$base/overview/2027-W03.html")" = 304 ] || fail "304 INM"
[ "$(code -H "If-Modified-Since: $lm" "$base/overview/2027-W03.html")" = 304 ] || fail "304 IMS"
curl -s --compressed -D gz.hdr -o gz.html "$base/overview/2027-W03.html"
grep -qi '^Content-Encoding: gzip' gz.hdr && cmp -s gz.html static/2027-W03.html || fail "gzip"
ok "caching headers: ETag, Last-Modified, 304, gzip"

loc=$(curl -s -D - -o /dev/null "$base/" | tr -d '\r' | sed -n 's/^Location: //p')
[ "$loc" = /overview/ ] || fail "/ redirects to /overview/, got '$loc'"
for u in /overview/2030-W01.html /overview/../m/dagplan.db /overview/x/index.html /feeds/abc.ics /nope; do
  [ "$(code "$base$u")" = 404 ] || fail "404 for $u"
done
[ "$(code "$base/healthz")" = 200 ] || fail "healthz"
[ "$(code "$base/favicon.ico")" = 204 ] || fail "favicon: 204"
ok "/ redirects to /overview/; unknown pages and feeds 404"

for c in $(cd m && ls -d */ | tr -d /); do
  while IFS=, read -r id name _; do
    [ "$id" = id ] && continue
    grep -qw -- "$name" served/*.html && fail "child name $name on a page"
  done < <(head -20 m/$c/children.csv)
done
ok "no child names on the pages"

# An edit: an activity renamed; the centre is solved again and the pages follow.
act=$(sed -n 2p m/$first/activities.csv | cut -d, -f2)
sed -i "2s/^\([^,]*\),[^,]*,/\1,Zomerkamp Zeilen,/" m/$first/activities.csv
poll sh -c "curl -s '$base/overview/2027-W03.html' | grep -q 'Zomerkamp Zeilen'" ||
  fail "the edit did not reach the page"
grep -q "weeks re-solved" serve.err || fail "no reload logged"
ok "an edit of a centre ('$act' renamed) reaches the served pages"

# A planner solves W05 for the second centre: the store changes, the page follows.
second=$(cd m && ls -d */ | sed -n 2p | tr -d /)
curl -s -o before.html "$base/overview/2027-W05.html"
before=$(grep -c "data-section=\"$second/" before.html || true)
"$DAGPLAN" solve m/$second --week 2027-W05 --seed 3 --max-moves 4000 --quiet
"$DAGPLAN" export m --html static2 --week 2027-W03 --weeks 3 >/dev/null
poll sh -c "curl -s '$base/overview/2027-W05.html' | cmp -s - static2/2027-W05.html" ||
  fail "the stored W05 did not reach the page (rows before: $before)"
ok "a planner's 'dagplan solve CENTRE --week' reaches the page"

# A broken edit keeps that centre online; another centre's edit still arrives.
cp m/$first/sections.csv sections.bak
echo "broken,nosuchactivity,,,," >> m/$first/sections.csv
poll grep -q "does not load; its previous offering stays online" serve.err || fail "broken edit not reported"
curl -s -o now.html "$base/overview/2027-W03.html"
grep -q "data-section=\"$first/" now.html || fail "the broken centre vanished"
sed -i "2s/^\([^,]*\),[^,]*,/\1,Nieuwe Naam Twee,/" m/$second/activities.csv
poll sh -c "curl -s '$base/overview/2027-W03.html' | grep -q 'Nieuwe Naam Twee'" ||
  fail "another centre's edit did not arrive while one is broken"
curl -s -o now.html "$base/overview/2027-W03.html"
grep -q "data-section=\"$first/" now.html || fail "the broken centre vanished after another edit"
ok "a broken edit keeps that centre's previous offering online; the others still update"

kill -TERM "$pid"
wait "$pid" && rc=0 || rc=$?
pid=
[ $rc -eq 0 ] || fail "exit status $rc after SIGTERM"
grep -q "stopped" serve.err || fail "no 'stopped' in the log"
ok "SIGTERM: exit 0"
echo "$passed passed, 0 failed"

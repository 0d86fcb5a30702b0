#!/usr/bin/env bash
# tests/cli/test_serve.sh - `dagplan serve` end to end with curl and raw
# sockets on loopback (port 0): 200 with the caching headers, 304 on
# If-None-Match and If-Modified-Since, HEAD, gzip, keep-alive, 404 for an
# unknown or long-revoked token and an empty calendar for a freshly revoked
# one, 405, 400 on garbage, 431 on a huge header, a slow client closed, no
# token in the access log, no child on the overview page, reload after an
# edit, no reload (old feeds, error shown) after a broken edit, and a
# graceful exit 0 on SIGTERM. Waits are bounded polls, never timing
# assertions.
set -euo pipefail
: "${DAGPLAN:?}" "${DP_SOURCE_DIR:?}" "${DP_WORK:?}"
. "$(dirname "${BASH_SOURCE[0]}")/serve_common.sh"
PY=python3

c=centre
cp -r "$DP_SOURCE_DIR/tests/data/tiny" $c
# The tiny centre's rota is deliberately too thin for the childcare ratio
# (a test of its own); these tests are about the calendars, not staffing.
rm $c/rota.csv
"$DAGPLAN" solve $c --week 2027-W12 --seed 1 --quiet
tok() { sed -n 's|^  /feeds/\(.*\)\.ics$|\1|p'; }
fam=$("$DAGPLAN" feeds $c add family f04 | tok)
loc=$("$DAGPLAN" feeds $c add location bieb | tok)
fresh=$("$DAGPLAN" feeds $c add family f01 | tok)
old=$("$DAGPLAN" feeds $c add family f05 | tok)
"$DAGPLAN" feeds $c revoke 3 >/dev/null
"$DAGPLAN" feeds $c revoke 4 >/dev/null
# Token 4 was revoked long ago (past the 28 days of empty calendar).
sqlite3 $c/dagplan.db "UPDATE feed_tokens SET revoked_at = revoked_at - 40 * 86400 WHERE id = 4"

"$DAGPLAN" serve $c --listen 127.0.0.1:0 --week 2027-W12 --weeks 1 --request-timeout-ms 300 \
  --debounce-ms 100 > serve.out 2> serve.err &
pid=$!
poll grep -q '^listening on ' serve.out || fail "the server did not start"
base=$(sed -n 's|^listening on \(http://.*\)$|\1|p' serve.out)
port=${base##*:}
F=$base/feeds/$fam.ics

hdr=$(curl -s -D - -o body.ics "$F")
grep -q '^HTTP/1.1 200' <<<"$hdr" || fail "200: $hdr"
grep -qi '^Content-Type: text/calendar; charset=utf-8' <<<"$hdr" || fail "Content-Type"
grep -qi '^Cache-Control: private, no-cache' <<<"$hdr" || fail "Cache-Control"
etag=$(sed -n 's/^ETag: \(".*"\)\r$/\1/p' <<<"$hdr")
lm=$(sed -n 's/^Last-Modified: \(.*\)\r$/\1/p' <<<"$hdr")
[ -n "$etag" ] && [ -n "$lm" ] || fail "ETag and Last-Modified: $hdr"
cmp body.ics $c/feeds/family-f04.ics || fail "the body is not the exported feed"
grep -q 'BEGIN:VEVENT' body.ics || fail "the family feed has events"
ok "200 with Content-Type, Cache-Control, a strong ETag and Last-Modified"

[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$F")" = 304 ] || fail "304 INM"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: "other", '"$etag" "$F")" = 304 ] || fail "304 INM list"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: "other"' "$F")" = 200 ] || fail "200 INM other"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-Modified-Since: $lm" "$F")" = 304 ] || fail "304 IMS"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT' "$F")" = 200 ] || fail "200 IMS old"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-Modified-Since: garbage' "$F")" = 200 ] || fail "200 IMS garbage"
ok "304 on If-None-Match and If-Modified-Since (compared as dates)"

head=$(curl -s -I "$F")
grep -q '^HTTP/1.1 200' <<<"$head" && grep -q "^Content-Length: $(stat -c %s body.ics)" <<<"$head" || fail "HEAD: $head"
curl -s --compressed -D gz.hdr -o gz.ics "$F"
grep -qi '^Content-Encoding: gzip' gz.hdr && grep -qi '^Vary: Accept-Encoding' gz.hdr || fail "gzip headers"
cmp gz.ics body.ics || fail "gzip body differs"
gzetag=$(sed -n 's/^ETag: \(".*"\)\r$/\1/p' gz.hdr)
[ "$gzetag" != "$etag" ] || fail "the gzip variant needs its own strong ETag"
[ "$(curl -s -o /dev/null -w '%{num_connects}' "$F" "$F" | tail -c 1)" = 0 ] || fail "keep-alive"
ok "HEAD, gzip (own ETag), keep-alive"

[ "$(code "$base/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")" = 404 ] || fail "unknown token"
[ "$(code "$base/feeds/$old.ics")" = 404 ] || fail "long-revoked token"
curl -s -o revoked.ics "$base/feeds/$fresh.ics"
grep -q '^BEGIN:VCALENDAR' revoked.ics && ! grep -q 'BEGIN:VEVENT' revoked.ics || fail "revoked: empty calendar"
[ "$(code "$base/feeds/$loc.ics")" = 200 ] || fail "location token"
[ "$(code "$base/nothing")" = 404 ] || fail "404 path"
[ "$(code -X POST -d x "$F")" = 405 ] || fail "405"
curl -s -D - -o /dev/null -X DELETE "$F" | grep -q '^Allow: GET, HEAD' || fail "Allow"
[ "$(curl -s "$base/healthz")" = ok ] || fail "healthz"
ok "404 unknown and expired tokens, empty calendar while revoked, 405 with Allow, /healthz"

$PY - "$port" "/feeds/$fam.ics" <<'PY' || fail "raw socket checks"
import socket, sys
port, feed = int(sys.argv[1]), sys.argv[2].encode()
def talk(data, read_all=True):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(data)
    out = b""
    while True:
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            break
        if not b:
            break
        out += b
    s.close()
    return out
r = talk(b"HEAD " + feed + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
assert r.startswith(b"HTTP/1.1 200 ") and r.endswith(b"\r\n\r\n"), r[-80:]
r = talk(b"GARBAGE\r\n\r\n")
assert r.startswith(b"HTTP/1.1 400 "), r[:80]
r = talk(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
assert r.startswith(b"HTTP/1.1 431 "), r[:80]
# Header smuggling with a bare CR is rejected in strict mode.
r = talk(b"GET / HTTP/1.1\rHost: x\r\n\r\n")
assert r.startswith(b"HTTP/1.1 400 "), r[:80]
# Pipelined requests are answered in order, then the connection closes.
r = talk(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
assert r.count(b"HTTP/1.1 ") == 2 and r.index(b" 200 ") < r.index(b" 404 "), r
# A slow client (an unfinished request) is closed by the server.
s = socket.create_connection(("127.0.0.1", port), timeout=30)
s.sendall(b"GET / HTTP/1.1\r\nHo")
closed = s.recv(100) == b""
s.close()
assert closed, "slow client not closed"
print("raw: HEAD without a body, 400, 431, bare CR, pipelining, slow client")
PY
ok "HEAD has no body; 400 on garbage and a bare CR, 431 on a huge header, pipelining, slow client closed"

! grep -q -e "$fam" -e "$loc" -e "$fresh" -e "$old" serve.err || fail "a token in the access log"
grep -q '"GET /feeds/#1.ics" 200' serve.err || fail "access log line"
curl -s "$base/" > overview.html
grep -q 'Voorlezen groep 1-3' overview.html || fail "overview lists the offering"
for name in Sophie Daan Ids Noor Lars Emma Mila Sem Yara Finn Lotte Bram; do
  ! grep -q "$name" overview.html || fail "the overview names a child ($name)"
done
ok "access log without tokens; overview page without child data"

# An edit reloads: centre.lua's name shows in the feed.
sed -i 's/name = "IKC De Kleine Vlinder"/name = "IKC De Grote Vlinder"/' $c/centre.lua
poll sh -c "curl -s '$F' | grep -q 'Grote Vlinder'" || fail "no reload after editing centre.lua"
grep -q 'serve reload' <<<"$(sqlite3 $c/dagplan.db 'SELECT note FROM versions')" || fail "re-solve stored"
etag2=$(curl -s -D - -o /dev/null "$F" | sed -n 's/^ETag: \(".*"\)\r$/\1/p')
ok "reload after editing centre.lua (re-solved and stored)"

# A broken edit keeps the old feeds and shows the error.
cp $c/sessions.csv sessions.good
echo "voorlezen-a,wed,25:00,45" >> $c/sessions.csv
poll sh -c "curl -s '$base/' | grep -q 'sessions.csv:8:17: error'" || fail "the error is not on the overview page"
grep -q 'sessions.csv:8:17: error' serve.err || fail "the error is not in the log"
[ "$(curl -s -D - -o /dev/null "$F" | sed -n 's/^ETag: \(".*"\)\r$/\1/p')" = "$etag2" ] || fail "the feed changed after a broken edit"
cp sessions.good $c/sessions.csv
poll sh -c "! curl -s '$base/' | grep -q 'class=\"error\"'" || fail "the error stays after the fix"
ok "a broken edit keeps the old feeds online and shows the error; the fix clears it"

kill -TERM $pid
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
set +e; wait $pid; rc=$?; set -e
pid=
[ $rc -eq 0 ] || fail "SIGTERM: exit $rc"
grep -q 'dagplan serve: stopped' serve.err || fail "graceful stop message"
ok "SIGTERM: graceful exit 0"

set +e
"$DAGPLAN" serve $c --listen nowhere 2>/dev/null; [ $? -eq 2 ] || fail "--listen usage"
rm -f $c/dagplan.db*
"$DAGPLAN" serve $c --listen 127.0.0.1:0 2>/dev/null; [ $? -eq 1 ] || fail "no schedule: exit 1"
set -e
ok "usage and start-up errors"
echo "$passed passed, 0 failed"

#!/usr/bin/env bash
# tests/cli/test_feeds.sh - `dagplan feeds DIR list|add|rotate|revoke`: tokens
# are 192-bit base64url, only their SHA-256 is stored, URLs use --base-url or
# centre.lua's base_url, revoking and rotating work once, bad input fails.
set -euo pipefail
: "${DAGPLAN:?}" "${DP_SOURCE_DIR:?}" "${DP_WORK:?}"
rm -rf "$DP_WORK" && mkdir -p "$DP_WORK" && cd "$DP_WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
c=centre
cp -r "$DP_SOURCE_DIR/tests/data/tiny" $c

out=$("$DAGPLAN" feeds $c add family f01 --base-url https://kalender.example.nl/)
echo "$out"
tok=$(sed -n 's|^  https://kalender.example.nl/feeds/\([A-Za-z0-9_-]*\)\.ics$|\1|p' <<<"$out")
[ ${#tok} -eq 32 ] || fail "expected a 32-character base64url token, got '$tok'"
grep -q "^  webcal://kalender.example.nl/feeds/$tok.ics$" <<<"$out" || fail "webcal URL"
hash=$(printf %s "$tok" | sha256sum | cut -d' ' -f1)
[ "$(sqlite3 $c/dagplan.db 'SELECT token_hash FROM feed_tokens WHERE id = 1')" = "$hash" ] \
  || fail "the stored hash is not the token's SHA-256"
! grep -q "$tok" $c/dagplan.db* || fail "the token itself is in the store"
ok "add: 192-bit base64url token, webcal:// and https:// URLs, only the hash stored"

# Two tokens never coincide.
tok2=$("$DAGPLAN" feeds $c add family f01 --base-url https://k.example | sed -n 's|^  https://k.example/feeds/\(.*\)\.ics$|\1|p')
[ -n "$tok2" ] && [ "$tok2" != "$tok" ] || fail "second token"
# base_url from centre.lua; a lone child's own family feed.
sed -i 's|^  max_activities = 2,|  max_activities = 2,\n  base_url = "https://ikc.example.org/kalender",|' $c/centre.lua
"$DAGPLAN" feeds $c add family c04 | grep -q '^  webcal://ikc.example.org/kalender/feeds/.*\.ics$' \
  || fail "base_url from centre.lua"
ok "base URL from centre.lua; a child without a family has its own feed"

"$DAGPLAN" feeds $c revoke 1 | grep -q "revoked" || fail "revoke"
set +e
"$DAGPLAN" feeds $c revoke 1 2>/dev/null; [ $? -eq 1 ] || fail "revoking twice"
"$DAGPLAN" feeds $c revoke 99 2>/dev/null; [ $? -eq 1 ] || fail "revoking an unknown id"
"$DAGPLAN" feeds $c add family nobody 2>/dev/null; [ $? -eq 1 ] || fail "unknown subject"
"$DAGPLAN" feeds $c add parent f01 2>/dev/null; [ $? -eq 2 ] || fail "unknown kind"
"$DAGPLAN" feeds $c frob 2>/dev/null; [ $? -eq 2 ] || fail "unknown action"
"$DAGPLAN" feeds $c add family f01 --base-url ftp://x 2>/dev/null; [ $? -eq 2 ] || fail "bad base URL"
set -e
ok "revoke once; unknown ids, subjects, kinds and actions fail"

out=$("$DAGPLAN" feeds $c rotate 2)
grep -q "token 2 (family feed of f01) revoked" <<<"$out" && grep -q "^token 4 for the family feed of f01:" <<<"$out" \
  || fail "rotate: $out"
list=$("$DAGPLAN" feeds $c list)
echo "$list"
grep -Eq '^1 +family +f01 .*revoked .*empty calendar until' <<<"$list" || fail "list revoked"
grep -Eq '^4 +family +f01 .*valid$' <<<"$list" || fail "list valid"
grep -q '^4 tokens$' <<<"$list" || fail "count"
ok "rotate revokes and adds; list shows every token and its state"
echo "$passed passed, 0 failed"

#!/usr/bin/env bash
# tests/cli/test_check.sh - `dagplan check`: a valid centre (exit 0), a broken
# copy (exit 1 with the expected file:line:column lines on stderr), wrong
# usage (exit 2), and generated centres and a municipality (exit 0).
set -u
fail=0
note() { echo "FAIL: $*" >&2; fail=1; }
work="${DP_WORK:?}/check"
rm -rf "$work"
mkdir -p "$work"
tiny="$DP_SOURCE_DIR/tests/data/tiny"

"$DAGPLAN" check "$tiny" >"$work/out" 2>"$work/err"
[ $? -eq 0 ] || note "tiny: expected exit 0"
grep -q "ok: 12 children, 4 activities, 5 sections, 6 sessions, 16 choices (0 warnings)" \
    "$work/out" || note "tiny: summary line missing"
[ -s "$work/err" ] && note "tiny: unexpected stderr: $(cat "$work/err")"

# A broken copy: two errors in two files and one warning, reported sorted.
cp -r "$tiny" "$work/broken"
sed -i 's/^judo-a,tue,15:30,60$/judo-a,tue,25:00,60/' "$work/broken/sessions.csv"
sed -i 's/^c07,judo,1$/c07,voorlezen,1/' "$work/broken/choices.csv"
sed -i 's/^c02,Daan de Vries,4,/c02,Daan de Vries,12,/' "$work/broken/children.csv"
"$DAGPLAN" check "$work/broken" >"$work/out" 2>"$work/err"
[ $? -eq 1 ] || note "broken: expected exit 1"
cat >"$work/want" <<'WANT'
children.csv:3:19: error: expected a school group between 0 and 8, got '12'
choices.csv:12:5: warning: child 'c07' in group 7 chose 'voorlezen' for groups 1-3: the choice cannot be granted
sessions.csv:2:12: error: expected a time HH:MM between 00:00 and 24:00, got '25:00'
WANT
echo "$work/broken: 2 errors, 1 warnings" >>"$work/want"
diff -u "$work/want" "$work/err" >&2 || note "broken: stderr differs"

# Wrong usage.
"$DAGPLAN" check >/dev/null 2>"$work/err"
[ $? -eq 2 ] || note "no argument: expected exit 2"
grep -q "Usage: dagplan check DIR" "$work/err" || note "no argument: usage not printed"
"$DAGPLAN" check "$work/does-not-exist" >/dev/null 2>"$work/err"
[ $? -eq 1 ] || note "missing dir: expected exit 1"

# Generated centres check clean.
if command -v python3 >/dev/null && [ -f "${DP_GEN_INSTANCE:-}" ]; then
    for opts in "--children 300 --seed 1" "--children 300 --seed 2 --candidates" \
        "--children 300 --seed 3 --shape summer" "--children 300 --seed 4 --rota tight" \
        "--children 1000 --seed 5 --rota loose --candidates"; do
        rm -rf "$work/g"
        python3 "$DP_GEN_INSTANCE" --out "$work/g" $opts >/dev/null || note "gen $opts"
        "$DAGPLAN" check "$work/g" >"$work/out" 2>"$work/err"
        [ $? -eq 0 ] || note "generated $opts: expected exit 0: $(head -5 "$work/err")"
        [ -s "$work/err" ] && note "generated $opts: unexpected diagnostics: $(head -5 "$work/err")"
    done
    rm -rf "$work/m"
    python3 "$DP_GEN_INSTANCE" --out "$work/m" --children 200 --seed 7 --municipality 3 \
        >/dev/null || note "gen municipality"
    "$DAGPLAN" check "$work/m" >"$work/out" 2>"$work/err"
    [ $? -eq 0 ] || note "municipality: expected exit 0: $(head -5 "$work/err")"
    [ "$(grep -c ': ok: ' "$work/out")" -eq 3 ] || note "municipality: expected 3 ok centres"
else
    echo "skipping generated instances (no python3 or gen-instance)"
fi

[ $fail -eq 0 ] && echo "test_check: ok"
exit $fail

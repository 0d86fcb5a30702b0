#!/usr/bin/env bash
# tests/cli/test_solve_city.sh - `dagplan solve CITYDIR` (issue 8): every
# centre of a generated municipality solved in parallel and stored in its own
# store; each centre's schedule identical to solving it alone with the same
# seed and identical with 1 or 2 threads; a broken centre reported with its
# errors (exit 1) while the others are still stored; wrong usage (exit 2).
set -u
fail=0
note() { echo "FAIL: $*" >&2; fail=1; }
work="${DP_WORK:?}/solve_city"
rm -rf "$work"
mkdir -p "$work"
if ! command -v python3 >/dev/null || [ ! -f "${DP_GEN_INSTANCE:-}" ]; then
    echo "skipped: needs python3 and gen-instance"
    exit 0
fi
python3 "$DP_GEN_INSTANCE" --out "$work/m" --municipality 3 --children 100 --seed 5 \
    >/dev/null || { echo "FAIL: gen-instance" >&2; exit 1; }
centres=$(cd "$work/m" && ls -d */ | tr -d / | tr '\n' ' ')
[ "$(echo $centres | wc -w)" -eq 3 ] || note "expected 3 centres, got: $centres"
cp -r "$work/m" "$work/alone"
cp -r "$work/m" "$work/one"
opts="--seed 3 --max-moves 8000"

# Two threads, all centres.
mkdir -p "$work/ja"
"$DAGPLAN" solve "$work/m" --threads 2 $opts --from-scratch --json-dir "$work/j2" \
    >"$work/out" 2>"$work/err"
[ $? -eq 0 ] || note "2 threads: expected exit 0: $(head -5 "$work/err")"
grep -q "3 of 3 centres stored" "$work/out" || note "2 threads: summary total missing"
for c in $centres; do
    grep -q "^  $c .*stored as version" "$work/out" || note "2 threads: no table row for $c"
    [ -f "$work/m/$c/dagplan.db" ] || note "2 threads: no store for $c"
done

# One thread, fresh copy: the same schedules.
"$DAGPLAN" solve "$work/one" --threads 1 $opts --json-dir "$work/j1" --quiet \
    >"$work/out1" 2>"$work/err"
[ $? -eq 0 ] || note "1 thread: expected exit 0: $(head -5 "$work/err")"
[ -s "$work/out1" ] && note "--quiet printed: $(head -3 "$work/out1")"

# Each centre alone, fresh copy.
for c in $centres; do
    "$DAGPLAN" solve "$work/alone/$c" $opts --json "$work/ja/$c.json" --quiet 2>>"$work/err" ||
        note "alone $c: solve failed"
done
python3 - "$work" $centres <<'PY' || note "schedules differ (see above)"
import json, sys
work, centres = sys.argv[1], sys.argv[2:]
bad = 0
for c in centres:
    runs = {d: json.load(open(f"{work}/{d}/{c}.json")) for d in ("j2", "j1", "ja")}
    if not runs["ja"]["assignments"]:
        print(f"{c}: no assignments at all", file=sys.stderr); bad = 1
    for d in ("j2", "j1"):
        for k in ("assignments", "sessions", "unassigned", "score"):
            if runs[d][k] != runs["ja"][k]:
                print(f"{c}: {d} differs from the solve alone in {k}", file=sys.stderr); bad = 1
sys.exit(bad)
PY

# A broken centre: its errors reported, the others still solved and stored.
cp -r "$work/one" "$work/b"
first=$(echo $centres | cut -d' ' -f1)
echo "nosuchsection,mon,15:00,60" >>"$work/b/$first/sessions.csv"
rm -f "$work/b/$first/dagplan.db"
"$DAGPLAN" solve "$work/b" --threads 2 $opts >"$work/out" 2>"$work/err"
[ $? -eq 1 ] || note "broken: expected exit 1"
grep -q "^$first/sessions.csv:[0-9]*:[0-9]*: error: unknown section" "$work/err" ||
    note "broken: no file:line:column error: $(head -3 "$work/err")"
grep -q "^  $first .*FAILED" "$work/out" || note "broken: no FAILED row for $first"
grep -q "2 of 3 centres stored" "$work/out" || note "broken: expected 2 of 3 stored"
grep -q "stored as version 2" "$work/out" || note "broken: others not stored as version 2"
[ -e "$work/b/$first/dagplan.db" ] && note "broken: a store was created for $first"

# Wrong usage.
"$DAGPLAN" solve "$work/m" --threads 0 >/dev/null 2>"$work/err"
[ $? -eq 2 ] || note "--threads 0: expected exit 2"
"$DAGPLAN" solve "$work/m" --json x.json >/dev/null 2>"$work/err"
[ $? -eq 2 ] || note "--json with a municipality: expected exit 2"
grep -q "json-dir" "$work/err" || note "--json: message does not point to --json-dir"
"$DAGPLAN" solve "$work/m" --help >"$work/out" 2>&1
[ $? -eq 0 ] && grep -q "Usage: dagplan solve CITYDIR" "$work/out" || note "city --help"
exit $fail

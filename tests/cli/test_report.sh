#!/usr/bin/env bash
# tests/cli/test_report.sh - `dagplan report CITYDIR --out DIR` and the public
# overview `dagplan export CITYDIR --html DIR` (issue 8): on a
# solved generated municipality every figure of the CSV files is recomputed
# independently from the schedule JSONs and the centres' CSVs
# (tests/tools/check_report.py); the HTML opens offline (no external assets,
# no scripts) and holds the charts and the gap table; a centre without a
# stored schedule is listed as not reported (exit 1) while the others are;
# nothing solved: nothing written (exit 1); wrong usage (exit 2).
set -u
fail=0
note() { echo "FAIL: $*" >&2; fail=1; }
work="${DP_WORK:?}/report"
rm -rf "$work"
mkdir -p "$work"
if ! command -v python3 >/dev/null || [ ! -f "${DP_GEN_INSTANCE:-}" ]; then
    echo "skipped: needs python3 and gen-instance"
    exit 0
fi
python3 "$DP_GEN_INSTANCE" --out "$work/m" --municipality 3 --children 120 --seed 9 \
    >/dev/null || { echo "FAIL: gen-instance" >&2; exit 1; }
cp -r "$work/m" "$work/unsolved"
"$DAGPLAN" solve "$work/m" --threads 2 --seed 1 --max-moves 8000 --quiet \
    --json-dir "$work/json" 2>"$work/err" || note "solve failed: $(head -3 "$work/err")"

"$DAGPLAN" report "$work/m" --out "$work/r" >"$work/out" 2>"$work/err"
[ $? -eq 0 ] || note "report: expected exit 0: $(head -3 "$work/err")"
grep -q "3 of 3 centres reported" "$work/out" || note "report: summary line: $(cat "$work/out")"
for f in index.html priority.csv neighbourhood.csv theme.csv theme_band.csv gaps.csv centres.csv; do
    [ -s "$work/r/$f" ] || note "report: $f missing or empty"
done
python3 "$DP_SOURCE_DIR/tests/tools/check_report.py" "$work/m" "$work/json" "$work/r" >&2 ||
    note "report figures differ from the independent recomputation"
[ "$(wc -l <"$work/r/gaps.csv")" -gt 1 ] || note "gaps.csv has no gap (the test would prove little)"
html="$work/r/index.html"
grep -qi -E "<script|<link|src=|https?://|@import|url\(" "$html" && note "index.html loads something"
[ "$(grep -o "<svg" "$html" | wc -l)" -ge 4 ] || note "index.html: expected at least 4 charts"
grep -q "Gap analysis" "$html" || note "index.html: no gap analysis"
rows=$(($(wc -l <"$work/r/gaps.csv") - 1))
[ "$(grep -c "^<tr><td>[0-9]" "$html")" -eq "$rows" ] || note "index.html: gap rows != gaps.csv rows"
python3 -c "import html.parser,sys; html.parser.HTMLParser().feed(open(sys.argv[1]).read())" \
    "$html" || note "index.html does not parse"
for c in $(cd "$work/m" && ls -d */ | tr -d /); do
    # no child ids or names in any output
    id=$(sed -n 2p "$work/m/$c/children.csv" | cut -d, -f1)
    grep -rqw -- "$id" "$work/r" && note "report contains child id $id"
done

# The public overview: `dagplan export CITYDIR --html DIR`.
"$DAGPLAN" export "$work/m" --html "$work/o" >"$work/out" 2>"$work/err"
[ $? -eq 0 ] || note "export --html: expected exit 0: $(head -3 "$work/err")"
python3 "$DP_SOURCE_DIR/tests/tools/check_overview.py" "$work/m" "$work/json" \
    "$work/o/index.html" >&2 || note "overview page differs from the schedules"

# One centre not solved: the others are reported, exit 1.
first=$(cd "$work/unsolved" && ls -d */ | head -1 | tr -d /)
cp -r "$work/m" "$work/part"
rm "$work/part/$first/dagplan.db"
"$DAGPLAN" report "$work/part" --out "$work/rp" >"$work/out" 2>"$work/err"
[ $? -eq 1 ] || note "one unsolved: expected exit 1"
grep -q "$first: not reported: no stored schedule" "$work/err" || note "one unsolved: message"
grep -q "2 of 3 centres reported" "$work/out" || note "one unsolved: summary"
grep -q "^$first,.*,no stored schedule" "$work/rp/centres.csv" || note "one unsolved: centres.csv"
[ -e "$work/part/$first/dagplan.db" ] && note "report created a store"
"$DAGPLAN" export "$work/part" --html "$work/op" >/dev/null 2>"$work/err"
[ $? -eq 1 ] || note "export, one unsolved: expected exit 1"
grep -q "$first: left out: no stored schedule" "$work/err" || note "export: left-out message"
[ -s "$work/op/index.html" ] || note "export, one unsolved: the others not written"

# Nothing solved: nothing written.
"$DAGPLAN" report "$work/unsolved" --out "$work/ru" >/dev/null 2>"$work/err"
[ $? -eq 1 ] || note "unsolved: expected exit 1"
[ -e "$work/ru/index.html" ] && note "unsolved: index.html written"
"$DAGPLAN" export "$work/unsolved" --html "$work/ou" >/dev/null 2>"$work/err"
[ $? -eq 1 ] || note "export unsolved: expected exit 1"
[ -e "$work/ou/index.html" ] && note "export unsolved: index.html written"

# Wrong usage.
"$DAGPLAN" report "$work/m" >/dev/null 2>&1
[ $? -eq 2 ] || note "no --out: expected exit 2"
"$DAGPLAN" report "$work/m" --out "$work/r" --week 2027-53x >/dev/null 2>&1
[ $? -eq 2 ] || note "bad --week: expected exit 2"
exit $fail

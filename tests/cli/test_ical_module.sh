#!/usr/bin/env bash
# tests/cli/test_ical_module.sh - the calendar code is a module loaded on
# first use (dagplan-ical.so, core/cli/ical_load.c): the dagplan command
# does not load libical (and through it ICU and libstdc++) at start-up; a
# calendar command finds the module next to the executable; without the
# module a calendar command fails with a clear message while the others
# still work. (test_ical.sh, test_closures.sh and test_serve*.sh exercise
# the module's functions themselves.)
set -u
source "$(dirname "$0")/common.sh"

if command -v readelf >/dev/null; then
    if readelf -d "$DAGPLAN" | grep -q 'NEEDED.*libical'; then
        fail "dagplan loads libical at start-up: $(readelf -d "$DAGPLAN" | grep NEEDED)"
    else
        pass
    fi
fi
[[ -f "$(dirname "$DAGPLAN")/dagplan-ical.so" ]] && pass || fail "no dagplan-ical.so next to dagplan"

gen c --children 40 --seed 3
"$DAGPLAN" solve "$DP_WORK/c" --week 2026-W48 --max-moves 2000 --quiet >/dev/null 2>&1
expect "solve" $? 0
"$DAGPLAN" export "$DP_WORK/c" --ics "$DP_WORK/feeds" --week 2026-W48 >/dev/null 2>&1
expect "export --ics with the module" $? 0
ls "$DP_WORK/feeds"/*.ics >/dev/null 2>&1 && pass || fail "export --ics wrote no feed"

# A copy of the command without its module (and none installed, as long as
# the installed module directory has none): ratio works, calendars fail.
mkdir -p "$DP_WORK/solo"
cp "$DAGPLAN" "$DP_WORK/solo/dagplan"
out=$("$DP_WORK/solo/dagplan" ratio --country NL --ages 0,1,2 2>&1)
expect "ratio without the module" $? 0
contains "ratio without the module" "$out" "Required: 1 professional"
if ! ls /usr/local/lib/dagplan/dagplan-ical.so /usr/lib/*/dagplan/dagplan-ical.so \
    >/dev/null 2>&1; then
    out=$("$DP_WORK/solo/dagplan" export "$DP_WORK/c" --ics "$DP_WORK/feeds2" \
        --week 2026-W48 2>&1)
    expect "export --ics without the module" $? 1
    contains "export --ics without the module" "$out" "cannot load the calendar module"
    [[ -z "$(ls -A "$DP_WORK/feeds2" 2>/dev/null)" ]] && pass ||
        fail "export --ics without the module wrote files"
fi
finish

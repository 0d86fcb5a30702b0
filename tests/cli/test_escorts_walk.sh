#!/usr/bin/env bash
# tests/cli/test_escorts_walk.sh - a walk to an escorted session takes ONE
# professional from the walk out to the return (docs/ratio.md, "Escort
# duties"). The regression: the ratio plugin used to count escorts as a
# number per interval, so the search accepted schedules in which different
# people would have had to cover one walk at different moments; the named
# escorts then left the centre below the ratio. gen-instance --rota tight
# seed 6 with 300 children, solved with --seed 2 and a budget of 15,000
# moves, was such a schedule (check_schedule.py: "escorts: fri: with the
# named escorts away, 36 minutes below the childcare ratio ... more than the
# budget of 30"). Now the plugin's hard count is the verdict of the very
# naming that goes into the JSON, so the independent checker must accept
# every solve of a tight rota, and the summary has no naming warning.
#
# Solves use --max-moves so that they stop on work, never on the clock.
set -u
source "$(dirname "$0")/common.sh"
CHECK="$DP_SOURCE_DIR/tests/tools/check_schedule.py"
WEEK=2026-W48

gen tight --children 300 --seed 6 --rota tight
for seed in 2 3; do
    name=seed$seed
    if ! "$DAGPLAN" solve "$DP_WORK/tight" --week "$WEEK" --seed $seed --max-moves 15000 \
        --time-limit 600 --from-scratch --json "$DP_WORK/$name.json" --db "$DP_WORK/$name.db" \
        >"$DP_WORK/$name.out" 2>&1; then
        fail "$name: the solve failed"
        cat "$DP_WORK/$name.out"
        continue
    fi
    if out=$(python3 "$CHECK" "$DP_WORK/tight" "$DP_WORK/$name.json" 2>&1); then
        pass
    else
        fail "$name: the checker found violations:"
        echo "$out" | head -10
    fi
    if grep -q "warning: with the named escorts away" "$DP_WORK/$name.out"; then
        fail "$name: the summary warns that the named escorts break the ratio"
    else
        pass
    fi
    if grep -Eq "^  escorts: ([0-9]+) of \1 places named" "$DP_WORK/$name.out"; then
        pass
    else
        fail "$name: not every escort place is named"
        grep escorts "$DP_WORK/$name.out"
    fi
done

finish

#!/usr/bin/env bash
# tests/cli/test_ratio.sh - `dagplan ratio`: exact --json output, the human
# form, usage errors (exit 2) and the answer time.
set -u
: "${DAGPLAN:?DAGPLAN must point to the dagplan binary}"
fails=0
passes=0

# expect NAME WANT_STATUS WANT_STDOUT [args...]: exact stdout and exit status.
expect() {
    local name=$1 want_status=$2 want_out=$3
    shift 3
    local out status
    out=$("$DAGPLAN" ratio "$@" 2>/dev/null)
    status=$?
    if [[ $status -ne $want_status || $out != "$want_out" ]]; then
        echo "FAIL $name: status $status (want $want_status)"
        echo "  got:  $out"
        echo "  want: $want_out"
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}

# expect_err NAME WANT_STATUS STDERR_PATTERN [args...]: status and a stderr grep.
expect_err() {
    local name=$1 want_status=$2 pattern=$3
    shift 3
    local err status
    err=$("$DAGPLAN" ratio "$@" 2>&1 >/dev/null)
    status=$?
    if [[ $status -ne $want_status ]] || ! grep -qE -- "$pattern" <<<"$err"; then
        echo "FAIL $name: status $status (want $want_status), stderr: $err"
        fails=$((fails + 1))
    else
        passes=$((passes + 1))
    fi
}

expect json_daycare 0 '{"required": 1, "allowed": true, "max_group": 16, "explanation": "Daycare (NL, Besluit kwaliteit kinderopvang, Bijlage 1): 4 children (aged 0: 2, 1: 1, 2: 0, 3: 1), age band 0-4. Tabel 1 asks 1 professional. Babies present: (48*2 + 24*1 + 20*0 + 15*1)/144 = 135/144, rounded up 1. Required: 1 professional."}' \
    --country NL --ages 0,0,1,3 --json

expect json_too_many_babies 0 '{"required": null, "allowed": false, "max_group": 12, "explanation": "Daycare (NL, Besluit kwaliteit kinderopvang, Bijlage 1): 13 children, age band 0-1. Not allowed: a group of only 0-year-olds may have at most 12 children (Tabel 1); this one has 13."}' \
    --country NL --ages 0,0,0,0,0,0,0,0,0,0,0,0,0 --json

expect json_footnote 0 '{"required": null, "allowed": false, "max_group": 16, "explanation": "Daycare (NL, Besluit kwaliteit kinderopvang, Bijlage 1): 16 children, age band 0-4. Not allowed: with 16 children in band 0-4 Tabel 1 allows at most 8 children aged 0 (footnotes), and 9 are present."}' \
    --country NL --ages 0,0,0,0,0,0,0,0,0,3,3,3,3,3,3,3 --json

expect json_bso_2024 0 '{"required": 2, "allowed": true, "max_group": 30, "explanation": "Out-of-school care (NL, rules since 1 July 2024): 2 children aged 4-6 and 11 aged 7 or older; 2/10 + 11/12 = 67/60, rounded up 2 professionals."}' \
    --country NL --ages 4,6,7,7,8,8,9,9,10,10,11,11,12 --json

expect json_bso_2019 0 '{"required": 1, "allowed": true, "max_group": 22, "explanation": "Out-of-school care (NL, Tabel 2 of 2019, per group): 2 children aged 4-6 and 1 aged 7 or older, row 4-13 (mixed). Required: 1 professional."}' \
    --country NL --ages 4,6,9 --rules 2019 --json

expect json_rules_equals_form 0 '{"required": 1, "allowed": true, "max_group": 30, "explanation": "Out-of-school care (NL, rules since 1 July 2024): 2 children aged 4-6 and 1 aged 7 or older; 2/10 + 1/12 = 17/60, rounded up 1 professional."}' \
    --country=NL --ages=4,6,9 --rules=2024 --json

expect json_be_nap 0 '{"required": 2, "allowed": true, "max_group": 18, "explanation": "Care for babies and toddlers (BE-VL): 15 children during nap time. While they sleep one carer may watch 14: 2 carers."}' \
    --country BE-VL --ages 0,0,0,1,1,1,1,1,2,2,2,2,2,2,2 --nap --date 2026-12-31 --json
# From 1 January 2027 the announced Flemish ratios (docs/ratio.md): 6 babies
# need 2 carers (1 before), 8 mixed need 2 (1 before).
expect json_be_2026 0 '{"required": 1, "allowed": true, "max_group": 18, "explanation": "Care for babies and toddlers (BE-VL): 6 children. One carer for at most 8, two for at most 18: 1 carer."}' \
    --country BE-VL --ages 0,0,0,0,0,0 --date 2026-12-31 --json
expect json_be_2027 0 '{"required": 2, "allowed": true, "max_group": 18, "explanation": "Care for babies and toddlers (BE-VL, from 1 January 2027): 6 children, 6 of them under 1. Babies only: one carer per 5: 2 carers."}' \
    --country BE-VL --ages 0,0,0,0,0,0 --date 2027-01-01 --json
expect json_be_2027_mixed 0 '{"required": 2, "allowed": true, "max_group": 18, "explanation": "Care for babies and toddlers (BE-VL, from 1 January 2027): 8 children, 1 of them under 1. Babies with older children: one carer per 7: 2 carers."}' \
    --country BE-VL --ages 0,1,1,1,2,2,2,2 --date 2027-03-01 --json

expect json_be_bso 0 '{"required": 1, "allowed": true, "max_group": null, "explanation": "Out-of-school care (BE-VL): 3 children, one carer per 14: 1 carer."}' \
    --country BE-VL --ages 3,6,11 --json

expect text_one_child_fewer 0 'Required: 3 professionals (daycare).
Largest group: 16 children.
Daycare (NL, Besluit kwaliteit kinderopvang, Bijlage 1): 10 children (aged 0: 1, 1: 8, 2: 0, 3: 1), age band 0-4. Tabel 1 asks 2 professionals. Babies present: (48*1 + 24*8 + 20*0 + 15*1)/144 = 255/144, rounded up 2. One child fewer may never need more: the 9 children of band 0-2 alone need 3. Required: 3 professionals.' \
    --country NL --ages 0,1,1,1,1,1,1,1,1,3

expect text_not_allowed 0 'Not allowed (out-of-school care).
Largest group: 30 children.
Out-of-school care (NL, rules since 1 July 2024): 0 children aged 4-6 and 31 aged 7 or older; 0/10 + 31/12 = 155/60, rounded up 3 professionals. Not allowed: a group (basisgroep) may have at most 30 children; this one has 31.' \
    --country NL --ages "$(printf '9,%.0s' {1..30})9"

# Usage errors: exit 2 with a message that says what was expected.
expect_err bad_age_text 2 "^dagplan ratio: --ages:1:3: error: expected an age in whole years from 0 to 12, got 'x'" --country NL --ages 3,x
expect_err negative_age 2 "--ages:1:3: error: .*negative" --country NL --ages 3,-1
expect_err too_old 2 "--ages:1:1: error: .*got 13" --country NL --ages 13
expect_err empty_ages 2 "--ages:1:1: error: .*empty list" --country NL --ages ''
expect_err empty_item 2 "--ages:1:3: error: .*got ','" --country NL --ages 1,,2
expect_err missing_ages 2 "missing --ages" --country NL
expect_err missing_country 2 "missing --country" --ages 1,2
expect_err unknown_country 2 "expected --country NL or BE-VL, got FR" --country FR --ages 1
expect_err bad_rules 2 "expected --rules 2024 or 2019, got 2020" --country NL --ages 5 --rules 2020
expect_err rules_be 2 "--rules applies to --country NL only" --country BE-VL --ages 5 --rules 2019
expect_err nap_nl 2 "--nap applies to --country BE-VL only" --country NL --ages 1 --nap
expect_err date_nl 2 "--date applies to --country BE-VL only" --country NL --ages 1 --date 2027-01-01
expect_err date_bad 2 "expected --date YYYY-MM-DD, got 2027-13-01" --country BE-VL --ages 1 --date 2027-13-01
expect_err unknown_option 2 "unknown option '--foo'" --country NL --ages 1 --foo
expect_err positional 2 "unexpected argument extra" --country NL --ages 1 extra

# --help describes every option and exits 0.
help=$("$DAGPLAN" ratio --help)
if [[ $? -eq 0 && $help == *--country* && $help == *--ages* && $help == *--json* &&
      $help == *--rules* && $help == *--nap* ]]; then
    passes=$((passes + 1))
else
    echo "FAIL help"
    fails=$((fails + 1))
fi

# Answer time is a benchmark, not a test (timed tests fail on loaded
# machines): the average is printed for the record only.
start=$(date +%s%N)
for _ in $(seq 20); do
    "$DAGPLAN" ratio --country NL --ages 0,0,1,1,2,2,3,3,0,1,2,3,1,1,2,2 --json >/dev/null
done
end=$(date +%s%N)
echo "average dagplan ratio run: $(((end - start) / 20000)) us (process start included; not checked)"

echo "$passes passed, $fails failed"
[[ $fails -eq 0 ]]

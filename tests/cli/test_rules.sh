#!/usr/bin/env bash
# tests/cli/test_rules.sh - centre.lua's local rules end to end (docs/rules.md):
#   * a generated centre with rules of every declarative kind (and a custom
#     rule) is solved; tests/tools/check_schedule.py checks the standard
#     constraints and tests/tools/check_rules.py recomputes every rule from the
#     raw files: hard rules hold, each soft rule's penalty is right;
#   * the summary lists each rule; explain names a blocking rule;
#   * `dagplan check` reports every invalid rule argument at its line;
#   * bad scripts (the issue's list): exit 1, a clear centre.lua error, no
#     crash, and nothing stored.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
TOOLS="$DP_SOURCE_DIR/tests/tools"

# --- A generated centre with rules of every kind ----------------------------
c="$DP_WORK/centre"
python3 "$DP_GEN_INSTANCE" --out "$c" --children 300 --seed 11 --candidates >/dev/null ||
    fail "gen-instance"
# The rules once, as Python data: written to centre.lua (Lua) and rules.json
# (for the checker). The pin and reserve name ids of this instance.
python3 - "$c" <<'PY' || fail "writing the rules"
import csv, json, sys
d = sys.argv[1]
rows = lambda f: list(csv.DictReader(open(f"{d}/{f}", encoding="utf-8-sig")))
choices, sections = rows("choices.csv"), rows("sections.csv")
first = next(r for r in choices if r["rank"] == "1")
pin_sec = next(s["id"] for s in sections if s["activity"] == first["activity"])
second = next(r for r in choices if r["rank"] == "1" and r["child"] != first["child"])
forbid_sec = next(s["id"] for s in sections if s["activity"] == second["activity"])
rules = [
    {"kind": "not_after", "name": "groepen 1-3 niet na 16:15", "groups": [1, 2, 3],
     "time": "16:15", "hard": True},
    {"kind": "not_before", "name": "wo en vr niet voor 15:00", "days": ["wed", "fri"],
     "time": "15:00", "weight": 3},
    {"kind": "max_activities", "name": "een per dag", "max": 1, "per": "day", "weight": 50},
    {"kind": "max_minutes", "name": "hoogstens 100 minuten", "max": 100, "weight": 2},
    {"kind": "max_minutes", "name": "dinsdag kort", "max": 60, "per": "day", "days": "tue",
     "hard": True},
    {"kind": "theme_once", "name": "breed", "weight": 30},
    {"kind": "at_least_one", "name": "taal voor voorrang", "min_priority": 1,
     "themes": ["taal", "lezen"], "weight": 40},
    {"kind": "siblings", "name": "samen", "weight": 20},
    {"kind": "siblings", "name": "zelfde dagen", "together": "day", "weight": 5},
    {"kind": "mix", "name": "wijken mengen", "by": "neighbourhood", "max_share": 0.6,
     "weight": 10},
    {"kind": "mix", "name": "voorrang mengen", "by": "priority", "weight": 4},
    {"kind": "only_for", "name": "sport vanaf groep 3", "themes": "sport",
     "groups": [3, 4, 5, 6, 7, 8], "hard": True},
    {"kind": "apart", "name": "uit elkaar", "children": ["c0001", "c0002", "c0003"],
     "hard": True},
    {"kind": "pin", "name": "vast", "child": first["child"], "section": pin_sec, "hard": True},
    {"kind": "forbid", "name": "niet daar", "child": second["child"], "section": forbid_sec,
     "hard": True},
    {"kind": "reserve", "name": "plekken voor voorrang", "activity": sections[0]["activity"],
     "places": 2, "min_priority": 1, "hard": True},
    {"kind": "reserve", "name": "verlopen", "activity": sections[0]["activity"], "places": 1,
     "priority": 3, "until_date": "2027-01-01", "hard": True},
]
def lua(v):
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, (int, float)): return repr(v)
    if isinstance(v, list): return "{" + ", ".join(lua(x) for x in v) + "}"
    return '"' + v + '"'
with open(f"{d}/centre.lua", "a", encoding="utf-8") as f:
    for r in rules:
        args = ", ".join(f"{k} = {lua(v)}" for k, v in r.items() if k != "kind")
        f.write(f"rule.{r['kind']}{{{args}}}\n")
    f.write("""rule.custom{name = "niet twee op dinsdag", scope = "child", weight = 7,
  check = function(ctx) return ctx:sessions_on("tue") > 1 and 1 or 0 end}
""")
rules.append({"kind": "custom", "name": "niet twee op dinsdag", "weight": 7})
json.dump(rules, open(f"{d}/rules.json", "w"))
PY

"$DAGPLAN" check "$c" >"$DP_WORK/out" 2>"$DP_WORK/err" && pass || {
    fail "check of the centre with rules: $(cat "$DP_WORK/err")"
}
"$DAGPLAN" solve "$c" --week 2027-W03 --json "$DP_WORK/s.json" >"$DP_WORK/out" 2>"$DP_WORK/err"
if [[ $? -ne 0 ]]; then
    fail "solve with rules: $(cat "$DP_WORK/err")"
else
    pass
    python3 "$TOOLS/check_schedule.py" "$c" "$DP_WORK/s.json" >"$DP_WORK/chk" ||
        fail "check_schedule: $(head -5 "$DP_WORK/chk")"
    python3 "$TOOLS/check_rules.py" "$c" "$DP_WORK/s.json" "$c/rules.json" >"$DP_WORK/chk" &&
        pass || fail "check_rules: $(head -10 "$DP_WORK/chk")"
    grep -q "wijken mengen .*centre.lua:.*weight 10, [0-9]* violations, penalty" "$DP_WORK/out" &&
        pass || fail "summary lacks the per-rule penalty line"
    grep -q "groepen 1-3 niet na 16:15 .*hard, 0 violations" "$DP_WORK/out" && pass ||
        fail "summary lacks the hard rule line"
fi

# rule.forbid: a child placed in a section without the rule is kept out of it
# with the rule (the Lua form of a forbid row in pins.csv).
f="$DP_WORK/forbid"
cp -r "$DP_SOURCE_DIR/tests/data/tiny" "$f"
rm "$f/rota.csv" # tiny's rota does not meet the childcare ratio
"$DAGPLAN" solve "$f" --json "$DP_WORK/f1.json" --db "$DP_WORK/f1.db" >/dev/null 2>&1 ||
    fail "solve tiny for forbid"
read -r fc fs < <(python3 -c 'import json,sys
a = json.load(open(sys.argv[1]))["assignments"][0]
print(a["child"], a["section"])' "$DP_WORK/f1.json")
echo "rule.forbid{name = \"niet hier\", child = \"$fc\", section = \"$fs\", hard = true}" \
    >>"$f/centre.lua"
"$DAGPLAN" solve "$f" --json "$DP_WORK/f2.json" --db "$DP_WORK/f2.db" >/dev/null 2>"$DP_WORK/err" ||
    fail "solve tiny with rule.forbid: $(cat "$DP_WORK/err")"
python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))
assert not any(a["child"] == sys.argv[2] and a["section"] == sys.argv[3] for a in s["assignments"])' \
    "$DP_WORK/f2.json" "$fc" "$fs" && pass || fail "rule.forbid: $fc is still in $fs"

# math.random in a custom rule follows --seed: the same seed gives the same
# JSON (draws included); another seed other draws. A watched rule
# (weight = 0) is reported but leaves the schedule as it was.
r="$DP_WORK/random"
cp -r "$DP_SOURCE_DIR/tests/data/tiny" "$r"
rm "$r/rota.csv" # tiny's rota does not meet the childcare ratio
# A move budget and a generous time cap: a solve cut short by time (asan on a
# busy machine) would not be reproducible.
budget=(--max-moves 20000 --time-limit 600)
"$DAGPLAN" solve "$r" "${budget[@]}" --seed 5 --json "$DP_WORK/r0.json" --db "$DP_WORK/r0.db" >/dev/null 2>&1 ||
    fail "solve tiny without rules"
cat >>"$r/centre.lua" <<'LUA'
rule.custom{name = "los", scope = "section", weight = 0,
  check = function(ctx) return math.random(0, 1000) end}
rule.theme_once{name = "kijk", weight = 0}
LUA
for run in 1 2; do
    "$DAGPLAN" solve "$r" "${budget[@]}" --seed 5 --json "$DP_WORK/r5-$run.json" --db "$DP_WORK/r5-$run.db" \
        >/dev/null 2>"$DP_WORK/err" || fail "solve with a random rule: $(cat "$DP_WORK/err")"
done
"$DAGPLAN" solve "$r" "${budget[@]}" --seed 6 --json "$DP_WORK/r6.json" --db "$DP_WORK/r6.db" >/dev/null 2>&1 ||
    fail "solve with a random rule, seed 6"
cmp -s "$DP_WORK/r5-1.json" "$DP_WORK/r5-2.json" && pass ||
    fail "the same --seed gave different results with math.random in a rule"
python3 - "$DP_WORK/r0.json" "$DP_WORK/r5-1.json" "$DP_WORK/r6.json" <<'PY' && pass ||
import json, sys
none, five, six = (json.load(open(f)) for f in sys.argv[1:])
los = lambda s: next(r for r in s["rule_results"] if r["name"] == "los")
assert los(five)["violations"] > 0 and los(five)["penalty"] == 0, los(five)
assert los(five)["violations"] != los(six)["violations"], "seed 6 drew the same numbers"
assert five["assignments"] == none["assignments"], "a watched rule changed the schedule"
assert five["score"]["rules"] == 0
PY
    fail "math.random does not follow --seed, or a watched rule changed the schedule"

# A rule that blocks a wish shows in the reasons and in explain.
b="$DP_WORK/blocked"
cp -r "$DP_SOURCE_DIR/tests/data/tiny" "$b"
rm "$b/rota.csv" # tiny's rota does not meet the childcare ratio
echo 'rule.not_after{name = "judo te laat", activities = "judo", time = "16:00", hard = true}' \
    >>"$b/centre.lua"
"$DAGPLAN" solve "$b" --json "$DP_WORK/b.json" >/dev/null 2>"$DP_WORK/err" ||
    fail "solve tiny with a blocking rule: $(cat "$DP_WORK/err")"
grep -q "judo-b would break rule 'judo te laat' (centre.lua:10: no session after 16:00)" \
    "$DP_WORK/b.json" && pass || fail "the JSON reasons do not name the blocking rule"
child=$(python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))
print(next(u["child"] for u in s["unassigned"] if any("judo te laat" in r for r in u["reasons"])))' \
    "$DP_WORK/b.json" 2>/dev/null)
if [[ -n $child ]]; then
    "$DAGPLAN" explain "$b" --child "$child" >"$DP_WORK/out" 2>&1
    grep -q "rule 'judo te laat' (centre.lua:10" "$DP_WORK/out" && pass ||
        fail "explain does not name the rule: $(cat "$DP_WORK/out")"
else
    fail "no child was blocked by the rule"
fi

# --- dagplan check: every bad argument, at its line, all at once --------------
k="$DP_WORK/badargs"
cp -r "$DP_SOURCE_DIR/tests/data/tiny" "$k"
cat >>"$k/centre.lua" <<'LUA'
rule.not_after{name = "kleuters", groups = {1, 9}, time = "25:00", hard = true}
rule.only_for{name = "x", activities = {"karate"}, groups = 7, weight = "veel"}
rule.max_activities{name = "y", max = 1, wieght = 3}
rule.siblings{name = "z", neighbourhoods = "Nergens", weight = 1}
LUA
"$DAGPLAN" check "$k" >/dev/null 2>"$DP_WORK/err"
[[ $? -eq 1 ]] && pass || fail "check of bad rule arguments: expected exit 1"
for want in \
    "centre.lua:10: error: rule.not_after 'kleuters': 'groups' must be a whole number from 0 to 8, got 9" \
    "centre.lua:10: error: rule.not_after 'kleuters': 'time' must be a time HH:MM between 00:00 and 24:00" \
    "centre.lua:11: error: rule.only_for 'x': 'weight' must be a number, such as weight = 10; got \"veel\"" \
    "centre.lua:11: error: rule.only_for 'x': unknown activity 'karate' in 'activities' (not in activities.csv)" \
    "centre.lua:12: error: rule.max_activities 'y': unknown setting 'wieght'" \
    "centre.lua:12: error: rule.max_activities 'y': say how much it matters" \
    "centre.lua:13: error: rule.siblings 'z': unknown neighbourhood 'Nergens'"; do
    grep -qF "$want" "$DP_WORK/err" && pass || fail "check: missing '$want'"
done

# --- Bad scripts: exit 1, a clear error, no crash, nothing stored -------------
bad="$DP_WORK/bad"
cp -r "$DP_SOURCE_DIR/tests/data/tiny" "$bad"
rm "$bad/rota.csv"
cp "$bad/centre.lua" "$DP_WORK/good.lua"
"$DAGPLAN" solve "$bad" --quiet 2>"$DP_WORK/err" || fail "the good script: $(cat "$DP_WORK/err")"
stored=$(versions "$bad/dagplan.db")

try_bad() { # try_bad LABEL EXPECTED-TEXT  (centre.lua already written)
    "$DAGPLAN" solve "$bad" --quiet --json "$DP_WORK/bad.json" >/dev/null 2>"$DP_WORK/err"
    local rc=$?
    if [[ $rc -ne 1 ]]; then
        fail "$1: exit $rc, expected 1: $(head -3 "$DP_WORK/err")"
    elif ! grep -qF -- "$2" "$DP_WORK/err"; then
        fail "$1: expected '$2' in: $(head -3 "$DP_WORK/err")"
    elif grep -qiE "stack traceback|\[string|lua_|sanitizer|core dumped" "$DP_WORK/err"; then
        fail "$1: Lua internals or a crash in: $(head -3 "$DP_WORK/err")"
    elif [[ -e $DP_WORK/bad.json || $(versions "$bad/dagplan.db") != "$stored" ]]; then
        fail "$1: something was stored"
    else
        pass
    fi
    rm -f "$DP_WORK/bad.json"
}

bad_script() { # bad_script LABEL EXPECTED-TEXT LUA-LINES
    { cat "$DP_WORK/good.lua"; printf '%s\n' "$3"; } >"$bad/centre.lua"
    try_bad "$1" "$2"
}

bad_script "syntax error" "centre.lua:10: error: syntax error" 'rule.pin{name = "x",, }'
bad_script "endless loop" "centre.lua:10: error: the script ran more than 1000000 instructions" \
    'while true do end'
bad_script "string.rep" "centre.lua" 'local s = string.rep("x", 1e10)'
bad_script "growing table" "more than 64 MiB" \
    'local t, s = {}, string.rep("x", 65536) while true do t[#t + 1] = s .. #t end'
bad_script "os.execute" "centre.lua:10: error: 'os' is not available" 'os.execute("touch /tmp/x")'
bad_script "io.open" "centre.lua:10: error: 'io' is not available" 'io.open("/etc/passwd")'
bad_script "require" "centre.lua:10: error: 'require' is not" 'require("os")'
bad_script "bytecode load" "centre.lua:10: error:" \
    'assert(load("\27Lua\84\0\25\147\13\10\26\10\4\8\8\120\86"))()'
bad_script "debug.sethook" "centre.lua:10: error: 'debug' is not available" 'debug.sethook()'
bad_script "setmetatable(_G)" "centre.lua:10: error:" \
    'setmetatable(_G, {__index = function() return 1 end})'
bad_script "pcall swallowing the stop" "instructions" \
    'for i = 1, 100 do pcall(function() while true do end end) end'
bad_script "runtime error in a rule while solving" \
    "centre.lua:11: error: rule.custom 'kapot' (line 10) failed while solving" \
    'rule.custom{name = "kapot", scope = "child", weight = 1, check = function(ctx)
  return ctx.n + nil end}'
# dagplan check judges every child's options with the rules: the same error.
out=$("$DAGPLAN" check "$bad" 2>&1)
expect "check: runtime error in a rule" "$?" 1
contains "check: runtime error in a rule" "$out" \
    "centre.lua:11: error: rule.custom 'kapot' (line 10) failed"
bad_script "a rule returning a string" "check returned a string" \
    'rule.custom{name = "tekst", scope = "section", weight = 1, check = function(ctx) return "veel" end}'
bad_script "an endless loop in a rule" "instructions" \
    'rule.custom{name = "lus", scope = "child", hard = true, check = function(ctx) while true do end end}'
bad_script "a rule setting a global" "cannot be set" \
    'rule.custom{name = "g", scope = "child", weight = 1, check = function(ctx) teller = 1 return 0 end}'
{
    cat "$DP_WORK/good.lua"
    head -c 10485760 /dev/zero | tr '\0' '-'
} >"$bad/centre.lua"
try_bad "a script of 10 MB" "centre.lua: error: the script is larger than 1 MiB"

[[ $(versions "$bad/dagplan.db") == "$stored" ]] && pass || fail "versions changed"
finish

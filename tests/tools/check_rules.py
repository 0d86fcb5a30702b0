#!/usr/bin/env python3
"""check_rules.py - an independent checker of centre.lua's declarative rules.

Usage: check_rules.py CENTRE_DIR SCHEDULE_JSON RULES_JSON

RULES_JSON lists the rules the test wrote into centre.lua, with the same keys
(docs/rules.md) plus "kind": [{"kind": "not_after", "name": "...", "groups":
[1, 2], "time": "16:00", "hard": true}, ...], in the order of centre.lua.
Without any of dagplan's code, from the raw CSV files and the schedule JSON,
this recomputes every rule's violations (units) as docs/rules.md defines
them, and checks that:

  * every hard rule has no violation;
  * the schedule's "rule_results" report the same violations and penalty
    (weight x violations) for every rule, in order, with the right names;
  * score.rules is minus the sum of the soft rules' penalties.

Rules of kind "custom" are skipped (their Lua is not interpreted here); their
reported penalty still counts in the sum. Prints "ok rules=N penalty=P" and
exits 0, or lists the problems and exits 1. Python 3 standard library only.
"""

import datetime
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from check_schedule import DAYS, Centre, fits_child, minutes, read_csv  # noqa: E402


def as_list(v):
    if v is None:
        return None
    return v if isinstance(v, list) else [v]


class Data:
    def __init__(self, d, sched):
        self.dir = d
        self.centre = None  # check_schedule's view of the centre, for rule.mix pools
        self.children = {r["id"]: r for r in read_csv(d + "/children.csv")}
        self.activities = {r["id"]: r for r in read_csv(d + "/activities.csv")}
        self.sections = {r["id"]: r for r in read_csv(d + "/sections.csv")}
        self.choices = {}
        for r in read_csv(d + "/choices.csv"):
            self.choices.setdefault(r["child"], []).append(r["activity"])
        self.grants = {}  # child -> [(activity, section)]
        for a in sched["assignments"]:
            self.grants.setdefault(a["child"], []).append((a["activity"], a["section"]))
        self.meets = {}  # section -> [(day, start, end)]
        for s in sched["sessions"]:
            self.meets.setdefault(s["section"], []).append(
                (s["day"], minutes(s["start"]), minutes(s["end"])))
        week = sched.get("week")
        if week:
            self.ref = datetime.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
        else:
            self.ref = datetime.datetime.now(datetime.timezone.utc).date()

    def age(self, c):
        b = self.children[c].get("birth_date")
        if not b:
            return None
        b = datetime.date.fromisoformat(b)
        return self.ref.year - b.year - ((self.ref.month, self.ref.day) < (b.month, b.day))

    def could_attend(self, c, s):
        """rule.mix pools: child c's group is eligible for section s's activity and
        each of s's sessions has a candidate time the child can attend
        (check_schedule.fits_child: windows, walks, school hours)."""
        if self.centre is None:
            self.centre = Centre(self.dir)
        act = self.activities[self.sections[s]["activity"]]
        group = int(self.children[c]["group"])
        if not int(act["min_group"]) <= group <= int(act["max_group"]):
            return False
        rows = self.centre.sessions.get(s, [])
        if not rows:
            return False
        for row in rows:
            if not any(fits_child(self.centre, c, s, day, minutes(t), minutes(t) + int(row["minutes"]))
                       is None
                       for day in row["day"].split("|") for t in row["start"].split("|")):
                return False
        return True

    def max_size(self, s):
        return int(self.sections[s].get("max_size") or
                   self.activities[self.sections[s]["activity"]]["max_size"])


def selects(r, d, c):
    row = d.children[c]
    checks = [
        ("groups", lambda v: int(row["group"]) in v),
        ("priority", lambda v: int(row.get("priority") or 0) in v),
        ("neighbourhoods", lambda v: row.get("neighbourhood") in v),
        ("families", lambda v: row.get("family") in v),
        ("children", lambda v: c in v),
        ("ages", lambda v: d.age(c) in v),
    ]
    for key, ok in checks:
        v = as_list(r.get(key))
        if v is not None and not ok(v):
            return False
    if "min_priority" in r and int(row.get("priority") or 0) < r["min_priority"]:
        return False
    return True


def act_sel(r, d):
    acts, themes = as_list(r.get("activities")), as_list(r.get("themes"))
    if acts is None and themes is None:
        return None
    sel = set(acts or [])
    for a, row in d.activities.items():
        if themes and row["theme"] in themes:
            sel.add(a)
    return sel


def units(r, d):
    kind = r["kind"]
    acts = act_sel(r, d)
    days = set(as_list(r.get("days")) or DAYS)
    in_acts = (lambda a: True) if acts is None else (lambda a: a in acts)
    total = 0
    if kind in ("max_activities", "max_minutes", "not_before", "not_after", "theme_once",
                "at_least_one"):
        for c in d.children:
            if not selects(r, d, c):
                continue
            g = [(a, s) for a, s in d.grants.get(c, []) if in_acts(a)]
            if kind in ("max_activities", "max_minutes"):
                per, week = {x: 0 for x in DAYS}, 0
                for a, s in g:
                    met = [m for m in d.meets[s] if m[0] in days]
                    if kind == "max_minutes":
                        for m in met:
                            per[m[0]] += m[2] - m[1]
                            week += m[2] - m[1]
                    else:
                        for day in {m[0] for m in met}:
                            per[day] += 1
                        week += 1 if met else 0
                if r.get("per", "week") == "week":
                    total += max(0, week - r["max"])
                else:
                    total += sum(max(0, n - r["max"]) for n in per.values())
            elif kind in ("not_before", "not_after"):
                t = minutes(r["time"])
                for a, s in g:
                    for day, start, end in d.meets[s]:
                        if day in days and (start < t if kind == "not_before" else end > t):
                            total += 1
            elif kind == "theme_once":
                themes = [d.activities[a]["theme"] for a, s in g]
                total += len(themes) - len(set(themes))
            elif kind == "at_least_one":
                if any(in_acts(a) for a in d.choices.get(c, [])) and not g:
                    total += 1
    elif kind == "only_for":
        for c in d.children:
            if not selects(r, d, c):
                total += sum(1 for a, s in d.grants.get(c, []) if in_acts(a))
    elif kind == "reserve":
        until = r.get("until_date")
        if until is None or d.ref < datetime.date.fromisoformat(until):
            cap = sum(d.max_size(s) for s, row in d.sections.items()
                      if row["activity"] == r["activity"])
            outside = sum(1 for c in d.children if not selects(r, d, c) and
                          any(a == r["activity"] for a, s in d.grants.get(c, [])))
            total += max(0, outside - (cap - r["places"]))
    elif kind == "siblings":
        fam = {}
        for c, row in d.children.items():
            if row.get("family") and selects(r, d, c):
                fam.setdefault(row["family"], []).append(c)
        for kids in fam.values():
            for i in range(len(kids)):
                for j in range(i + 1, len(kids)):
                    gb = dict(d.grants.get(kids[j], []))
                    for a, s in d.grants.get(kids[i], []):
                        if not in_acts(a) or a not in gb:
                            continue
                        if r.get("together", "section") == "day":
                            da = {m[0] for m in d.meets[s]}
                            db = {m[0] for m in d.meets[gb[a]]}
                            total += da != db
                        else:
                            total += s != gb[a]
    elif kind == "apart":
        kids = r["children"]
        for i in range(len(kids)):
            for j in range(i + 1, len(kids)):
                sb = {s for a, s in d.grants.get(kids[j], [])}
                total += sum(1 for a, s in d.grants.get(kids[i], []) if in_acts(a) and s in sb)
    elif kind == "pin":
        total += 0 if any(s == r["section"] for a, s in d.grants.get(r["child"], [])) else 1
    elif kind == "forbid":
        total += 1 if any(s == r["section"] for a, s in d.grants.get(r["child"], [])) else 0
    elif kind == "mix":
        share = int(r.get("max_share", 0.5) * 1000 + 0.5)
        members = {}
        for c, g in d.grants.items():
            for a, s in g:
                if in_acts(a):
                    members.setdefault(s, []).append(c)
        def category(c):
            row = d.children[c]
            return (row.get("priority") or "0") if r["by"] == "priority" \
                else row.get("neighbourhood")

        for s, kids in members.items():
            n = len(kids)
            if n < 2:
                continue
            count = {}
            for c in kids:
                cat = category(c)
                if cat:
                    count[cat] = count.get(cat, 0) + 1
            top = max(count.values(), default=0)
            # The pool: children who chose the activity and could attend s.
            act = d.sections[s]["activity"]
            pool = [c for c, acts in d.choices.items() if act in acts and d.could_attend(c, s)]
            if n > len(pool):
                continue  # more children than the pool holds: no penalty
            k, none = {}, 0
            for c in pool:
                cat = category(c)
                if cat:
                    k[cat] = k.get(cat, 0) + 1
                else:
                    none += 1
            best = 0  # the least largest category n children of the pool can have
            while none + sum(min(x, best) for x in k.values()) < n:
                best += 1
            total += max(0, top - max(n * share // 1000, best))
    else:
        return None
    return total


def main(argv):
    if len(argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    with open(argv[2], encoding="utf-8") as f:
        sched = json.load(f)
    with open(argv[3], encoding="utf-8") as f:
        rules = json.load(f)
    d = Data(argv[1], sched)
    problems = []
    results = sched.get("rule_results", [])
    if len(results) != len(rules):
        problems.append("rule_results has %d entries, centre.lua has %d rules" %
                        (len(results), len(rules)))
    penalty = 0
    for i, r in enumerate(rules):
        got = results[i] if i < len(results) else {}
        if got.get("name") != r["name"] or got.get("kind") != r["kind"]:
            problems.append("rule %d: reported as %r (%r), expected %r (%r)" %
                            (i + 1, got.get("name"), got.get("kind"), r["name"], r["kind"]))
        u = units(r, d)
        if u is None:  # custom: trust the reported units, check the arithmetic
            u = got.get("violations", 0)
        elif got.get("violations") != u:
            problems.append("rule '%s': dagplan reports %r violations, recomputed %d" %
                            (r["name"], got.get("violations"), u))
        if r.get("hard"):
            if u:
                problems.append("hard rule '%s' is broken %d times" % (r["name"], u))
        else:
            if got.get("penalty") != r["weight"] * u:
                problems.append("rule '%s': penalty %r, expected %d x %d" %
                                (r["name"], got.get("penalty"), r["weight"], u))
            penalty += r["weight"] * u
    if sched["score"]["rules"] != -penalty:
        problems.append("score.rules is %r, expected -%d" % (sched["score"]["rules"], penalty))
    if problems:
        for p in problems:
            print(p)
        return 1
    print("ok rules=%d penalty=%d" % (len(rules), penalty))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""check_schedule.py - an independent checker of a dagplan schedule.

Usage: check_schedule.py CENTRE_DIR SCHEDULE_JSON [--max-report N] [--previous JSON]

Reads the centre directory's raw files (the CSV files of FORMAT.md section 1
and centre.lua's id, home and max_activities) and a schedule JSON (FORMAT.md
section 5) and verifies, without any of dagplan's code:

  * the JSON shape: format, centre, week; every session of every section once
    (matched to sessions.csv, at one of its candidate days and starts, with
    the right activity, location, staff and end), cancelled iff the section
    has no children; every choice either assigned or unassigned (with at
    least one reason), never both;
  * hard constraints 1-6 of FORMAT.md section 3: chosen activities only, one
    section each, at most max_activities; group eligibility; every session
    inside one availability window with the walk from and to home, and clear
    of the group's school hours (walks included; dagplan forbids that too);
    no two sessions of a child overlapping or too close for the walk between
    them; section max and min sizes; location rooms and capacity over time;
    a staff member at one running session at a time;
  * with rota.csv, item 8: the childcare ratio recomputed minute by minute
    (check_ratio.py, next to this file); the "staffing" plan (professionals
    needed per 15 minutes, peak, professional-minutes) when the JSON has one;
    the named escorts ("escorts" of each escorted session): rostered for the
    whole walk, on one walk at a time, and the ratio kept with them away;
  * the score: coverage, breadth and rank recomputed (FORMAT.md section 2),
    stability 0 (this checker knows no history), rules equal to minus the
    soft rules' penalties the JSON reports in "rule_results" (0 without
    rules; tests/tools/check_rules.py recomputes those from the raw files),
    the total, and hard_violations 0; the solver's search.upper_bound, when
    the JSON has one, is not below that score.

Summer and holiday programmes (issue 8), for a schedule of a week:

  * choices.csv `week`: only the choices of that week count (those without a
    week count in every week; a choice whose week and the planned week lie in
    one date range of a section of its activity counts in both); the weekly
    template counts only the choices without a week;
  * sections.csv `dates`: a section meets only on days inside its ranges (its
    other candidate days are dropped, a session without one does not meet),
    and a section with dates that does not meet this week holds nobody;
  * activities.csv `overnight`: the JSON marks its sessions "overnight": true
    (and only its), and no other session of a child falls between the first
    start and the last end of the child's overnight camp (nor two overnight
    camps' stretches overlap);
  * with --previous JSON (the schedule of the week before): a section whose
    date range started before this week and runs into it keeps exactly the
    children it had.

Prints "ok score=N" and exits 0, or lists the violations and exits 1 (2 when
the files cannot be read at all). Python 3 standard library only.
"""

import csv
import datetime
import io
import json
import os
import re
import sys

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Problems:
    def __init__(self):
        self.items = []

    def add(self, msg):
        self.items.append(msg)


def read_csv(path, required=True):
    """Rows of a CSV file as dicts (lower-case keys), with their line numbers."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except FileNotFoundError:
        if required:
            raise
        return []
    first = text.split("\n", 1)[0]
    delim = ";" if "," not in first and ";" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    rows = []
    header = None
    for rec in reader:
        if not rec or all(not c.strip() for c in rec):
            continue
        if header is None:
            header = [h.strip().lower() for h in rec]
            continue
        row = {header[i]: rec[i].strip() for i in range(min(len(header), len(rec)))}
        row["_line"] = reader.line_num
        rows.append(row)
    return rows


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def fmt(mins):
    return "%02d:%02d" % (mins // 60, mins % 60)


def lua_setting(text, key, default=None):
    m = re.search(r"\b%s\s*=\s*(\"([^\"]*)\"|'([^']*)'|(-?\d+))" % key, text)
    if not m:
        return default
    if m.group(4) is not None:
        return int(m.group(4))
    return m.group(2) if m.group(2) is not None else m.group(3)


class Centre:
    """The raw data of one centre directory."""

    def __init__(self, d, week=None):
        with open(d + "/centre.lua", encoding="utf-8") as f:
            lua = f.read()
        self.id = lua_setting(lua, "id")
        self.home = lua_setting(lua, "home")
        self.max_activities = lua_setting(lua, "max_activities", 2)
        self.children = {r["id"]: r for r in read_csv(d + "/children.csv")}
        self.windows = {}
        for r in read_csv(d + "/availability.csv"):
            self.windows.setdefault((r["child"], r["day"]), []).append(
                (minutes(r["from"]), minutes(r["to"])))
        self.school = {}
        for r in read_csv(d + "/school.csv"):
            self.school.setdefault((int(r["group"]), r["day"]), []).append(
                (minutes(r["start"]), minutes(r["end"])))
        self.locations = {r["id"]: r for r in read_csv(d + "/locations.csv")}
        self.travel = {}
        for r in read_csv(d + "/travel.csv"):
            self.travel[(r["from"], r["to"])] = int(r["minutes"])
        for (a, b), v in list(self.travel.items()):
            self.travel.setdefault((b, a), v)
        self.activities = {r["id"]: r for r in read_csv(d + "/activities.csv")}
        self.sections = {r["id"]: r for r in read_csv(d + "/sections.csv")}
        self.monday = monday_of(week)
        self.ranges = {s: parse_dates(r.get("dates", "")) for s, r in self.sections.items()}
        self.sessions = {}
        for r in read_csv(d + "/sessions.csv"):
            if self.monday and self.ranges[r["section"]]:
                days = [x for x in r["day"].split("|")
                        if self.in_dates(r["section"], self.monday
                                         + datetime.timedelta(days=DAYS.index(x)))]
                if not days:
                    continue  # no candidate day inside the section's dates
                r = dict(r, day="|".join(days))
            self.sessions.setdefault(r["section"], []).append(r)
        self.staff = {r["id"]: r for r in read_csv(d + "/staff.csv", required=False)}
        self.choices = {}
        for r in read_csv(d + "/choices.csv"):
            if self.choice_counts(r["activity"], r.get("week", "")):
                self.choices[(r["child"], r["activity"])] = int(r["rank"])

    def in_dates(self, s, day):
        return any(a <= day <= b for a, b in self.ranges[s])

    def choice_counts(self, act, week):
        if not week:
            return True
        if not self.monday:
            return False
        w = monday_of(week)
        if w == self.monday:
            return True
        end = datetime.timedelta(days=6)
        return any(a <= w + end and b >= w and a <= self.monday + end and b >= self.monday
                   for s, sec in self.sections.items() if sec["activity"] == act
                   for a, b in self.ranges[s])

    def overnight(self, s):
        return (self.activities[self.sections[s]["activity"]].get("overnight") or "0") == "1"

    def walk(self, a, b):
        """Walking minutes from a to b, or None when they cannot be travelled."""
        if a == b:
            return 0
        return self.travel.get((a, b))

    def section_size(self, s):
        sec = self.sections[s]
        act = self.activities[sec["activity"]]
        lo = sec.get("min_size") or act.get("min_size") or "1"
        hi = sec.get("max_size") or act["max_size"]
        return int(lo), int(hi)

    def weight(self, child):
        return 1 + int(self.children[child].get("priority") or 0)


def monday_of(week):
    if not week:
        return None
    return datetime.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def parse_dates(text):
    out = []
    for part in filter(None, text.split("|")):
        a, _, b = part.partition("..")
        out.append((datetime.date.fromisoformat(a), datetime.date.fromisoformat(b or a)))
    return out


def check_summer(c, sched, granted, running, previous, p):
    """Dated sections, overnight camps and camps over several weeks."""
    meets = {s for s, _, _, _ in running}
    for ch, act, s in granted:
        if c.ranges[s] and s not in c.sessions:
            p.add("%s: granted %s, which has dates and does not meet this week" % (ch, s))
    for i, js in enumerate(sched.get("sessions", [])):
        s = js.get("section")
        if s in c.sections and bool(js.get("overnight")) != c.overnight(s):
            p.add("json: sessions[%d] of %s: overnight is %r, activities.csv says %s" %
                  (i, s, js.get("overnight"), "1" if c.overnight(s) else "0"))
    by_child = {}
    for ch, act, s in granted:
        by_child.setdefault(ch, []).append(s)
    at = {}
    for s, day, start, end in running:
        at.setdefault(s, []).append((DAYS.index(day) * 1440 + start, DAYS.index(day) * 1440 + end))
    for ch, secs in sorted(by_child.items()):
        for x in secs:
            if not c.overnight(x) or x not in at:
                continue
            lo, hi = min(a for a, _ in at[x]), max(b for _, b in at[x])
            for y in secs:
                if y == x or y not in at:
                    continue
                if c.overnight(y):
                    lo2, hi2 = min(a for a, _ in at[y]), max(b for _, b in at[y])
                    bad = lo < hi2 and lo2 < hi
                else:
                    bad = any(a < hi and b > lo for a, b in at[y])
                if bad:
                    p.add("%s: %s meets while the child stays at the overnight camp %s" %
                          (ch, y, x))
    if previous is None or not c.monday:
        return
    if monday_of(previous.get("week")) != c.monday - datetime.timedelta(days=7):
        p.add("--previous: its week %r is not the week before" % previous.get("week"))
        return
    before, now = {}, {}
    for a in previous.get("assignments", []):
        before.setdefault(a["section"], set()).add(a["child"])
    for ch, act, s in granted:
        now.setdefault(s, set()).add(ch)
    for s in sorted(c.sections):
        underway = any(a < c.monday <= b for a, b in c.ranges[s])
        if underway and s in meets and before.get(s, set()) != now.get(s, set()):
            p.add("%s: a camp under way changed its children: %s before, %s now" %
                  (s, sorted(before.get(s, set())), sorted(now.get(s, set()))))


def check_header(c, sched, p):
    if sched.get("format") != "dagplan-schedule/1":
        p.add("json: format is %r, expected \"dagplan-schedule/1\"" % sched.get("format"))
    if sched.get("centre") != c.id:
        p.add("json: centre is %r, expected %r" % (sched.get("centre"), c.id))
    week = sched.get("week")
    if week is not None and not re.fullmatch(r"\d{4}-W\d{2}", str(week)):
        p.add("json: week is %r, expected null or YYYY-Www" % (week,))
    for key in ("sessions", "assignments", "unassigned", "score"):
        if key not in sched:
            p.add("json: missing key %r" % key)
    return week


def session_matches(c, row, js, week):
    """Whether JSON session js is a possible meeting of sessions.csv row."""
    try:
        start, end = minutes(js["start"]), minutes(js["end"])
    except (KeyError, ValueError, AttributeError):
        return False
    if js.get("day") not in row["day"].split("|"):
        return False
    if start not in [minutes(t) for t in row["start"].split("|")]:
        return False
    if end - start != int(row["minutes"]):
        return False
    if week is not None:
        y, w = int(week[:4]), int(week[6:])
        date = datetime.date.fromisocalendar(y, w, DAYS.index(js["day"]) + 1)
        return js.get("date") == date.isoformat()
    return js.get("date") is None


def match_sessions(c, rows, entries, week):
    """A one-to-one matching of the section's JSON entries to its CSV rows."""
    used = [False] * len(rows)

    def place(i):
        if i == len(entries):
            return True
        for j, row in enumerate(rows):
            if not used[j] and session_matches(c, row, entries[i], week):
                used[j] = True
                if place(i + 1):
                    return True
                used[j] = False
        return False

    return len(rows) == len(entries) and place(0)


def check_sessions(c, sched, counts, week, p):
    """Matches JSON sessions to sessions.csv; returns the running meetings as
    (section, day, start, end)."""
    by_section = {}
    for i, js in enumerate(sched.get("sessions", [])):
        s = js.get("section")
        if s not in c.sections:
            p.add("json: sessions[%d]: unknown section %r" % (i, s))
            continue
        by_section.setdefault(s, []).append(js)
        sec = c.sections[s]
        staff = sec.get("staff") or None
        for key, want in (("activity", sec["activity"]), ("location", sec["location"]),
                          ("staff", staff)):
            if js.get(key) != want:
                p.add("json: sessions[%d] of %s: %s is %r, expected %r" %
                      (i, s, key, js.get(key), want))
        if js.get("cancelled") is not (counts.get(s, 0) == 0):
            p.add("json: sessions[%d] of %s: cancelled is %r but the section has %d children"
                  % (i, s, js.get("cancelled"), counts.get(s, 0)))
        if "children" in js and js["children"] != counts.get(s, 0):
            p.add("json: sessions[%d] of %s: children is %r, the assignments give %d" %
                  (i, s, js["children"], counts.get(s, 0)))
    running = []
    for s, rows in c.sessions.items():
        entries = by_section.get(s, [])
        if not match_sessions(c, rows, entries, week):
            p.add("json: the %d meetings of section %s do not match its %d rows of "
                  "sessions.csv (lines %s) at one of their candidate times" %
                  (len(entries), s, len(rows), ", ".join(str(r["_line"]) for r in rows)))
            continue
        for js in entries:
            running.append((s, js["day"], minutes(js["start"]), minutes(js["end"])))
    for s in by_section:
        if s not in c.sessions:
            p.add("json: section %s has meetings in the JSON but no row in sessions.csv" % s)
    return running


def check_choices(c, sched, p):
    """Checks assignments against choices (items 1, 2); returns the granted
    (child, activity, section) triples and the section sizes."""
    granted, counts, seen = [], {}, {}
    for i, a in enumerate(sched.get("assignments", [])):
        ch, act, s = a.get("child"), a.get("activity"), a.get("section")
        if ch not in c.children or act not in c.activities or s not in c.sections:
            p.add("json: assignments[%d]: unknown child, activity or section %r" % (i, a))
            continue
        if c.sections[s]["activity"] != act:
            p.add("%s: section %s is not a section of %s" % (ch, s, act))
        if (ch, act) not in c.choices:
            p.add("%s: assigned to %s, which the child did not choose" % (ch, act))
        if (ch, act) in seen:
            p.add("%s: assigned to %s more than once" % (ch, act))
            continue
        seen[(ch, act)] = s
        group = int(c.children[ch]["group"])
        lo, hi = int(c.activities[act]["min_group"]), int(c.activities[act]["max_group"])
        if not lo <= group <= hi:
            p.add("%s: group %d is not in %s's groups %d-%d" % (ch, group, act, lo, hi))
        granted.append((ch, act, s))
        counts[s] = counts.get(s, 0) + 1
    per_child = {}
    for ch, act, s in granted:
        per_child[ch] = per_child.get(ch, 0) + 1
    for ch, n in sorted(per_child.items()):
        if n > c.max_activities:
            p.add("%s: %d activities, more than max_activities %d" % (ch, n, c.max_activities))
    check_unassigned(c, sched, seen, p)
    return granted, counts


def check_unassigned(c, sched, seen, p):
    listed = set()
    for i, u in enumerate(sched.get("unassigned", [])):
        key = (u.get("child"), u.get("activity"))
        if key not in c.choices:
            p.add("json: unassigned[%d] %r is not a choice in choices.csv" % (i, key))
            continue
        if key in seen:
            p.add("json: %s/%s is both assigned and unassigned" % key)
        if key in listed:
            p.add("json: %s/%s is unassigned twice" % key)
        listed.add(key)
        if u.get("rank") != c.choices[key]:
            p.add("json: unassigned %s/%s has rank %r, choices.csv says %d" %
                  (key + (u.get("rank"), c.choices[key])))
        reasons = u.get("reasons")
        if not isinstance(reasons, list) or not reasons or \
                not all(isinstance(r, str) and r for r in reasons):
            p.add("json: unassigned %s/%s carries no reason" % key)
    for key in c.choices:
        if key not in seen and key not in listed:
            p.add("json: the choice %s/%s is neither assigned nor unassigned" % key)


def fits_child(c, ch, s, day, start, end):
    """Item 3 for one meeting: a reason it does not fit, or None."""
    loc = c.sections[s]["location"]
    to, back = c.walk(c.home, loc), c.walk(loc, c.home)
    if to is None or back is None:
        return "%s meets at %s, which cannot be reached from home %s" % (s, loc, c.home)
    group = int(c.children[ch]["group"])
    for s0, s1 in c.school.get((group, day), []):
        if s1 > s0 and start - to < s1 and end + back > s0:
            return "%s meets %s %s-%s (walks %d+%d min) during school hours %s-%s of group " \
                   "%d" % (s, day, fmt(start), fmt(end), to, back, fmt(s0), fmt(s1), group)
    for w0, w1 in c.windows.get((ch, day), []):
        if w0 <= start - to and end + back <= w1:
            return None
    return "%s meets %s %s-%s, with walks of %d and %d min outside every window of the child" \
        % (s, day, fmt(start), fmt(end), to, back)


def clash(c, a, b):
    """Item 4: whether meetings a and b (section, day, start, end) clash."""
    if a[1] != b[1]:
        return False
    la, lb = c.sections[a[0]]["location"], c.sections[b[0]]["location"]
    if a[3] <= b[2]:
        t = c.walk(la, lb)
        return t is None or a[3] + t > b[2]
    if b[3] <= a[2]:
        t = c.walk(lb, la)
        return t is None or b[3] + t > a[2]
    return True


def check_children(c, granted, running, p):
    meets = {}
    for m in running:
        meets.setdefault(m[0], []).append(m)
    by_child = {}
    for ch, act, s in granted:
        by_child.setdefault(ch, []).append(s)
        for m in meets.get(s, []):
            why = fits_child(c, ch, s, m[1], m[2], m[3])
            if why:
                p.add("%s: %s" % (ch, why))
    for ch, secs in sorted(by_child.items()):
        for i in range(len(secs)):
            for j in range(i + 1, len(secs)):
                for a in meets.get(secs[i], []):
                    for b in meets.get(secs[j], []):
                        if clash(c, a, b):
                            p.add("%s: %s %s %s-%s and %s %s-%s clash (walk included)" %
                                  (ch, a[0], a[1], fmt(a[2]), fmt(a[3]), b[0], fmt(b[2]),
                                   fmt(b[3])))


def check_sizes(c, counts, p):
    for s in sorted(counts):
        lo, hi = c.section_size(s)
        if counts[s] > hi:
            p.add("section %s holds %d children, more than max_size %d" % (s, counts[s], hi))
        if 0 < counts[s] < lo:
            p.add("section %s holds %d children, fewer than min_size %d" % (s, counts[s], lo))


def peak(meetings, weight):
    """The most weight(m) summed over meetings at one time, and when."""
    best, when = 0, None
    for m in meetings:
        t = m[2]
        total = sum(weight(o) for o in meetings if o[2] <= t < o[3])
        if total > best:
            best, when = total, m
    return best, when


def check_resources(c, running, counts, p):
    """Item 6: rooms and capacity of locations, staff one session at a time."""
    live = [m for m in running if counts.get(m[0], 0) > 0]
    by_loc, by_staff = {}, {}
    for m in live:
        sec = c.sections[m[0]]
        by_loc.setdefault((sec["location"], m[1]), []).append(m)
        if sec.get("staff"):
            by_staff.setdefault((sec["staff"], m[1]), []).append(m)
    for (loc, day), ms in sorted(by_loc.items()):
        row = c.locations.get(loc, {})
        rooms = int(row.get("rooms") or 1)
        n, when = peak(ms, lambda m: 1)
        if n > rooms:
            p.add("location %s hosts %d sessions at once on %s %s, more than its %d rooms" %
                  (loc, n, day, fmt(when[2]), rooms))
        if row.get("capacity"):
            kids, when = peak(ms, lambda m: counts[m[0]])
            if kids > int(row["capacity"]):
                p.add("location %s holds %d children at once on %s %s, capacity %s" %
                      (loc, kids, day, fmt(when[2]), row["capacity"]))
    for (st, day), ms in sorted(by_staff.items()):
        n, when = peak(ms, lambda m: 1)
        if n > 1:
            p.add("staff %s leads %d sessions at once on %s %s" % (st, n, day, fmt(when[2])))


def score(c, granted, sched):
    rules = -sum(r.get("penalty", 0) for r in sched.get("rule_results", []) if not r.get("hard"))
    themes, rank = {}, 0
    for ch, act, s in granted:
        themes.setdefault(ch, set()).add(c.activities[act]["theme"])
        rank += c.weight(ch) * (10 - min(c.choices.get((ch, act), 9), 9))
    coverage = sum(100 * c.weight(ch) for ch in themes)
    breadth = sum(20 * c.weight(ch) * (len(t) - 1) for ch, t in themes.items())
    return {"coverage": coverage, "breadth": breadth, "rank": rank, "rules": rules,
            "stability": 0, "total": coverage + breadth + rank + rules, "hard_violations": 0}


def check_score(sched, want, p):
    got = sched.get("score") or {}
    for key in ("total", "coverage", "breadth", "rank", "rules", "stability",
                "hard_violations"):
        if got.get(key) != want[key]:
            p.add("json: score.%s is %r, recomputed %d" % (key, got.get(key), want[key]))
    # The solver's upper bound: no schedule scores more, this one included.
    # It bounds coverage + breadth + rank (rules and stability are never
    # positive), so it is at least the total recomputed here.
    bound = (sched.get("search") or {}).get("upper_bound")
    if bound is not None and bound < want["total"]:
        p.add("json: search.upper_bound %d is below the recomputed score %d" %
              (bound, want["total"]))


def check(centre_dir, schedule_path, previous_path=None):
    with open(schedule_path, encoding="utf-8") as f:
        sched = json.load(f)
    week = sched.get("week") if isinstance(sched.get("week"), str) else None
    c = Centre(centre_dir, week)
    previous = None
    if previous_path:
        with open(previous_path, encoding="utf-8") as f:
            previous = json.load(f)
    p = Problems()
    week = check_header(c, sched, p)
    granted, counts = check_choices(c, sched, p)
    running = check_sessions(c, sched, counts, week, p)
    check_children(c, granted, running, p)
    check_sizes(c, counts, p)
    check_resources(c, running, counts, p)
    check_summer(c, sched, granted, running, previous, p)
    want = score(c, granted, sched)
    check_score(sched, want, p)
    import check_ratio  # item 8, recomputed minute by minute
    if os.path.exists(centre_dir + "/rota.csv"):
        for msg in check_ratio.check(centre_dir, running, counts, granted, week):
            p.add(msg)
        for msg in check_ratio.check_escorts(centre_dir, sched.get("sessions") or [], running,
                                             counts, granted, week):
            p.add(msg)
    if sched.get("staffing") is not None:
        for msg in check_ratio.check_staffing(centre_dir, running, counts, granted, week,
                                              sched["staffing"]):
            p.add(msg)
    return p.items, want["total"]


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    limit = 50
    if "--max-report" in argv:
        limit = int(argv[argv.index("--max-report") + 1])
        args.remove(str(limit))
    previous = None
    if "--previous" in argv:
        previous = argv[argv.index("--previous") + 1]
        args.remove(previous)
    if len(args) != 2:
        print("usage: check_schedule.py CENTRE_DIR SCHEDULE_JSON [--max-report N] "
              "[--previous JSON]",
              file=sys.stderr)
        return 2
    try:
        problems, total = check(args[0], args[1], previous)
    except (OSError, ValueError, KeyError) as e:
        print("check_schedule: cannot read the input: %s" % e, file=sys.stderr)
        return 2
    if problems:
        for msg in problems[:limit]:
            print("violation: " + msg)
        if len(problems) > limit:
            print("... and %d more" % (len(problems) - limit))
        print("%d violations" % len(problems))
        return 1
    print("ok score=%d" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""check_ratio.py - an independent recomputation of the childcare ratio of a
dagplan schedule (FORMAT.md section 3 item 8; the reading in docs/ratio.md,
"The ratio in the solve"). Python 3 standard library only; shares no code
with dagplan, and counts minute by minute where dagplan uses event intervals.

Used by check_schedule.py when the centre has rota.csv:

    problems = check_ratio.check(centre_dir, running, counts, granted, week)

running: (section, day, start, end) of every meeting; counts: children per
section; granted: (child, activity, section); week: "YYYY-Www" or None.
Returns a list of problem sentences (empty: the ratio is kept).
"""

import csv
import datetime
import io
import re
from functools import lru_cache

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# Tabel 1 (Besluit kwaliteit kinderopvang, Bijlage 1), encoded as rows of
# (band, [(max children, max babies or None) for 1..4 professionals]).
# Classes: 0 = 0-1, 1 = 1-2, 2 = 2-3, 3 = 3-4 years.
TABEL1 = {
    (0, 0): [(3, None), (6, None), (9, None), (12, None)],
    (1, 1): [(5, None), (10, None), (15, None), (16, None)],
    (2, 2): [(8, None), (16, None)],
    (3, 3): [(8, None), (16, None)],
    (2, 3): [(8, None), (16, None)],
    (0, 1): [(4, None), (8, None), (14, 8), (16, 8)],
    (0, 2): [(5, None), (10, None), (15, 3), (16, 8)],
    (0, 3): [(5, None), (12, None), (16, 3), (16, 8)],
    (1, 2): [(6, None), (11, None), (16, None)],
    (1, 3): [(7, None), (13, None), (16, None)],
}
# Alternative cells with fewer children and a looser baby cap (footnotes):
# 0-3 with 3 professionals: 13 (8 babies), 14 (4 babies), 15 (3 babies);
# 0-4 with 3: 14 (8), 15 (5), 16 (3).
TABEL1_ALT = {
    (0, 2): {3: [(13, 8), (14, 4), (15, 3)]},
    (0, 3): {3: [(14, 8), (15, 5), (16, 3)]},
}


def tabel1(n):
    """Professionals by Tabel 1 alone for class counts n, or None."""
    present = [k for k in range(4) if n[k]]
    total = sum(n)
    if not present:
        return 0
    band = (present[0], present[-1])
    row = TABEL1[band]
    for pros in range(1, len(row) + 1):
        cells = TABEL1_ALT.get(band, {}).get(pros, [row[pros - 1]])
        for most, babies in cells:
            if total <= most and (babies is None or n[0] <= babies):
                return pros
    return None


def baby_formula(n):
    # n0/3 + (n1/5 + n2/6 + n3/8) / 1.2 rounded up = ceil((48 n0 + 24 n1 + 20 n2 + 15 n3)/144)
    num = 48 * n[0] + 24 * n[1] + 20 * n[2] + 15 * n[3]
    return -(-num // 144)


@lru_cache(maxsize=None)
def daycare(n):
    """Required professionals for class counts n (a tuple), or None."""
    if sum(n) == 0:
        return 0
    t = tabel1(n)
    if t is None:
        return None
    req = t
    if n[0] > 0 and sum(n) > n[0] and n[0] > 8:
        return None
    if n[0]:
        f = baby_formula(n)
        if f > 4:
            return None
        req = max(req, f)
    for k in range(4):
        if n[k]:
            sub = list(n)
            sub[k] -= 1
            r = daycare(tuple(sub))
            if r is not None:
                req = max(req, r)
    # The required number must have a cell that fits the group.
    row = TABEL1[tuple((min(k for k in range(4) if n[k]), max(k for k in range(4) if n[k])))]
    if req > len(row):
        return None
    return req


def nl_bso_2024(young, old, location):
    if not location and young + old > 30:
        return None
    return -(-(6 * young + 5 * old) // 60)


def nl_bso_2019(young, old):
    n = young + old
    if n == 0:
        return 0
    if old == 0:
        return next((p for p, most in ((1, 10), (2, 20)) if n <= most), None)
    if young == 0:
        return next((p for p, most in ((1, 12), (2, 24), (3, 30)) if n <= most), None)
    for p, most, most_young in ((1, 11, 9), (2, 22, 18)):
        if n <= most and young <= most_young:
            return p
    return None


def required(rules, ages, location, be2027=False):
    """ages: dict age -> count. rules: (country, bso_rules). be2027: the
    Flemish ratios announced from 1 January 2027 (docs/ratio.md)."""
    country, bso = rules
    split = 3 if country == "BE-VL" else 4
    n = sum(ages.values())
    if n == 0:
        return 0
    young_kids = sum(v for a, v in ages.items() if a < split)
    if young_kids:  # daycare rules (mixed groups too, older ones as the oldest class)
        if country == "BE-VL":
            babies = ages.get(0, 0)
            if n > 18:
                return None
            if be2027 and babies == n:
                return -(-n // 5)
            if be2027 and babies:
                return -(-n // 7)
            return 1 if n <= 8 else 2
        cls = [0, 0, 0, 0]
        for a, v in ages.items():
            cls[min(a, 3)] += v
        return daycare(tuple(cls))
    if country == "BE-VL":
        return -(-n // 14)
    young = sum(v for a, v in ages.items() if a <= 6)
    old = n - young
    if bso == "2019":
        return nl_bso_2019(young, old)
    return nl_bso_2024(young, old, location)


def read_csv(path, required_file=True):
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            text = f.read()
    except FileNotFoundError:
        if required_file:
            raise
        return []
    first = text.split("\n", 1)[0]
    delim = ";" if "," not in first and ";" in first else ","
    rows, header = [], None
    for rec in csv.reader(io.StringIO(text), delimiter=delim):
        if not rec or all(not x.strip() for x in rec):
            continue
        if header is None:
            header = [h.strip().lower() for h in rec]
            continue
        rows.append({header[i]: rec[i].strip() for i in range(min(len(header), len(rec)))})
    return rows


def hm(s):
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def fmt(m):
    return "%02d:%02d" % (m // 60, m % 60)


def setting(lua, key, default):
    m = re.search(r"\b%s\s*=\s*(\"([^\"]*)\"|'([^']*)'|(-?\d+))" % key, lua)
    if not m:
        return default
    if m.group(4) is not None:
        return int(m.group(4))
    return m.group(2) if m.group(2) is not None else m.group(3)


def monday_of(week):
    if week is None:
        today = datetime.date.today()
        return today - datetime.timedelta(days=today.weekday())
    return datetime.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def age_on(birth, group, day):
    if not birth:
        return 0 if group == 0 else group + 3
    b = datetime.date.fromisoformat(birth)
    a = day.year - b.year - ((day.month, day.day) < (b.month, b.day))
    return max(0, min(12, a))


class Ratio:
    def __init__(self, d, week):
        with open(d + "/centre.lua", encoding="utf-8") as f:
            lua = f.read()
        self.home = setting(lua, "home", None)
        self.rules = (setting(lua, "country", "NL"), str(setting(lua, "ratio_rules", "2024")))
        self.escort_ratio = int(setting(lua, "escort_ratio", 8))
        self.children = {r["id"]: r for r in read_csv(d + "/children.csv")}
        self.care = {}  # (child, day) -> [(from, to)]
        for r in read_csv(d + "/availability.csv"):
            if (r.get("care") or "0") == "1":
                self.care.setdefault((r["child"], r["day"]), []).append((hm(r["from"]), hm(r["to"])))
        self.travel = {}
        for r in read_csv(d + "/travel.csv"):
            self.travel[(r["from"], r["to"])] = int(r["minutes"])
        for (a, b), v in list(self.travel.items()):
            self.travel.setdefault((b, a), v)
        self.activities = {r["id"]: r for r in read_csv(d + "/activities.csv")}
        self.sections = {r["id"]: r for r in read_csv(d + "/sections.csv")}
        self.staff = {r["id"]: r for r in read_csv(d + "/staff.csv", False)}
        self.rota = read_csv(d + "/rota.csv", False)
        self.school_days = set()
        for r in read_csv(d + "/school.csv"):
            if int(r["group"]) >= 1 and hm(r["end"]) > hm(r["start"]):
                self.school_days.add(r["day"])
        self.monday = monday_of(week)
        # Flanders: a week reaching into 2027 is checked by the 2027 ratios.
        self.be2027 = self.monday + datetime.timedelta(days=6) >= datetime.date(2027, 1, 1)
        self.unit_of = {}
        for cid, ch in self.children.items():
            if any(k[0] == cid for k in self.care):
                self.unit_of[cid] = self.unit(ch)
        self.group_unit = {}
        for cid, u in self.unit_of.items():
            g = self.children[cid].get("care_group") or ""
            if g:
                self.group_unit.setdefault(g, [])
                self.group_unit[g].append(u)

    def kind(self, ch):
        return "daycare" if int(ch["group"]) == 0 else "bso"

    def unit(self, ch):
        k = self.kind(ch)
        if k == "bso" and self.rules == ("NL", "2024"):
            return ("bso-location", "bso")
        return (ch.get("care_group") or "(none)", k)

    def walk(self, a, b):
        return 0 if a == b else max(0, self.travel.get((a, b), 0))

    def staff_unit(self, g):
        units = self.group_unit.get(g)
        if not units:
            return None
        kinds = sorted(set(units), key=lambda u: u[1] != "daycare")
        return kinds[0]

    def budget(self, day):
        dc = [w for (cid, d), ws in self.care.items() if d == day and cid in self.unit_of
              and self.unit_of[cid][1] == "daycare" for w in ws]
        bso = [w for (cid, d), ws in self.care.items() if d == day and cid in self.unit_of
               and self.unit_of[cid][1] == "bso" for w in ws]
        if self.rules[0] == "BE-VL":
            return 0
        budgets = []
        if dc:
            opening = max(t for _, t in dc) - min(f for f, _ in dc)
            budgets.append(180 if opening >= 600 else 0)
        if bso:
            opening = max(t for _, t in bso) - min(f for f, _ in bso)
            long_free_day = day not in self.school_days and opening >= 600
            budgets.append(180 if long_free_day else 30)
        return min(budgets) if budgets else 0

    def day_problems(self, day, away, escorts, staff_away=None, unnamed=None):
        """away: child -> set of minutes; escorts: [minute] -> count.
        With staff_away (staff -> set of minutes on escort duty) and unnamed
        ([minute] -> escort places nobody was named for), the named escorts
        are taken out of the rota and only the unnamed places remain to be
        covered by professionals to spare."""
        date = self.monday + datetime.timedelta(days=DAYS.index(day))
        units = {}  # unit -> [minute] -> {age: n}
        for (cid, d), ws in self.care.items():
            if d != day or cid not in self.unit_of:
                continue
            ch = self.children[cid]
            u = self.unit_of[cid]
            a = age_on(ch.get("birth_date"), int(ch["group"]), date)
            per = units.setdefault(u, [None] * 1440)
            gone = away.get(cid, set())
            for f, t in ws:
                for mi in range(f, t):
                    if mi in gone:
                        continue
                    if per[mi] is None:
                        per[mi] = {}
                    per[mi][a] = per[mi].get(a, 0) + 1
        ded = {}
        flo = [0] * 1440
        for r in self.rota:
            if r["day"] != day or (r.get("location") or self.home) != self.home:
                continue
            if (self.staff.get(r["staff"], {}).get("bkr") or "0") != "1":
                continue
            u = self.staff_unit(r.get("care_group") or "") if r.get("care_group") else None
            gone = (staff_away or {}).get(r["staff"], ())
            for mi in range(hm(r["from"]), hm(r["to"])):
                if mi in gone:
                    continue
                if u is None:
                    flo[mi] += 1
                else:
                    ded.setdefault(u, [0] * 1440)[mi] += 1
        below, bad, needs = [], [], [0] * 1440
        for mi in range(1440):
            deficit = surplus = req = 0
            half_deficit = half_surplus = 0  # the half rule per group
            not_allowed = False
            for u in set(units) | set(ded):
                ages = (units.get(u) or [None] * 1440)[mi] or {}
                r = required(self.rules, ages, u[0] == "bso-location", self.be2027)
                dd = ded.get(u, [0] * 1440)[mi]
                if r is None:
                    not_allowed = True
                    surplus += dd
                    half_surplus += dd
                    continue
                req += r
                deficit += max(0, r - dd)
                surplus += max(0, dd - r)
                h = -(-r // 2)
                half_deficit += max(0, h - dd)
                half_surplus += max(0, dd - h)
            e = escorts[mi]
            pending = e if unnamed is None else unnamed[mi]
            short = max(0, deficit + max(0, pending - surplus) - flo[mi])
            need = req + e
            needs[mi] = need
            if short > 0:
                below.append((mi, need, need - short + (flo[mi] and 0)))
            if not_allowed:
                bad.append((mi, "a group the ratio rules do not allow"))
            elif need > 0 and need - short < (need + 1) // 2:
                bad.append((mi, "fewer than half of the %d professionals needed" % need))
            elif half_deficit + max(0, pending - half_surplus) > flo[mi]:
                bad.append((mi, "a group left with fewer than half its professionals"))
        return below, bad, needs

    def needs(self, running, counts, granted):
        """(day, minute) -> professionals needed (units + escorts)."""
        self.need_map = {}
        self.check(running, counts, granted)
        return self.need_map

    def check(self, running, counts, granted):
        problems = []
        where = {}  # section -> [(day, start, end)]
        for s, day, start, end in running:
            where.setdefault(s, []).append((day, start, end))
        for day in DAYS:
            away = {}
            for cid, _act, s in granted:
                loc = self.sections[s]["location"]
                for d, start, end in where.get(s, []):
                    if d == day:
                        lo = max(0, start - self.walk(self.home, loc))
                        hi = min(1440, end + self.walk(loc, self.home))
                        away.setdefault(cid, set()).update(range(lo, hi))
            escorts = [0] * 1440
            for s, n in counts.items():
                sec = self.sections[s]
                if not n or (self.activities[sec["activity"]].get("escort") or "0") != "1":
                    continue
                if sec["location"] == self.home:
                    continue
                for d, start, end in where.get(s, []):
                    if d == day:
                        lo = max(0, start - self.walk(self.home, sec["location"]))
                        hi = min(1440, end + self.walk(sec["location"], self.home))
                        for mi in range(lo, hi):
                            escorts[mi] += -(-n // self.escort_ratio)
            below, bad, needs = self.day_problems(day, away, escorts)
            if hasattr(self, "need_map"):
                for mi, n in enumerate(needs):
                    if n:
                        self.need_map[(day, mi)] = n
            budget = self.budget(day)
            if len(below) > budget:
                problems.append("ratio: %s: %d minutes below the childcare ratio at %s (first at "
                                "%s), more than the budget of %d" %
                                (day, len(below), self.home, fmt(below[0][0]), budget))
            if bad:
                problems.append("ratio: %s %s at %s: %s (%d minutes)" %
                                (day, fmt(bad[0][0]), self.home, bad[0][1], len(bad)))
        return problems


    def check_escorts(self, sessions, running, counts, granted):
        """The named escorts of the JSON's sessions ("escorts"): the places
        and away spans are right; each named person is a professional
        (bkr 1) rostered at home for every minute of the walk, on no other
        duty and leading no session then; and with them away (and the
        unnamed places still needed) the ratio and the 3-hour rule hold."""
        problems = []
        duty = {}  # staff -> [(day, from, to, section)]
        for js in sessions:
            s, day = js["section"], js["day"]
            sec = self.sections[s]
            n = counts.get(s, 0)
            escorted = (self.activities[sec["activity"]].get("escort") or "0") == "1"
            if not n or not escorted or sec["location"] == self.home:
                if js.get("escorts") is not None:
                    problems.append("escorts: %s %s: escorts given, but it needs none" % (s, day))
                continue
            lo = max(0, hm(js["start"]) - self.walk(self.home, sec["location"]))
            hi = min(1440, hm(js["end"]) + self.walk(sec["location"], self.home))
            e = js.get("escorts")
            want = -(-n // self.escort_ratio)
            if e is None or e.get("needed") != want or hm(e["from"]) != lo or hm(e["to"]) != hi:
                problems.append("escorts: %s %s: expected %d escorts %s-%s, got %r" %
                                (s, day, want, fmt(lo), fmt(hi), e))
                continue
            if len(e["staff"]) > want or len(set(e["staff"])) != len(e["staff"]):
                problems.append("escorts: %s %s: %r" % (s, day, e["staff"]))
            elif len(e["staff"]) < want:
                # with a rota every walk needs its professionals by name: a
                # place nobody is free for means children walking without one
                problems.append("escorts: %s %s: %d of %d escort places have nobody named" %
                                (s, day, want - len(e["staff"]), want))
            for p in e["staff"]:
                duty.setdefault(p, []).append((day, lo, hi, s))
        for p, ds in duty.items():
            if (self.staff.get(p, {}).get("bkr") or "0") != "1":
                problems.append("escorts: %s is not a professional (bkr 1)" % p)
            for day, lo, hi, s in ds:
                on = set()
                for r in self.rota:
                    if r["staff"] == p and r["day"] == day and \
                            (r.get("location") or self.home) == self.home:
                        on.update(range(hm(r["from"]), hm(r["to"])))
                if not set(range(lo, hi)) <= on:
                    problems.append("escorts: %s escorts %s on %s %s-%s but is not rostered "
                                    "at %s for all of it" % (p, s, day, fmt(lo), fmt(hi),
                                                             self.home))
            ds = sorted(ds)
            for a, b in zip(ds, ds[1:]):
                if a[0] == b[0] and b[1] < a[2]:
                    problems.append("escorts: %s is on two walks at once: %s and %s on %s" %
                                    (p, a[3], b[3], a[0]))
            for s, day, start, end in running:
                sec = self.sections[s]
                if sec.get("staff") != p or not counts.get(s):
                    continue
                lo = max(0, start - self.walk(self.home, sec["location"]))
                hi = min(1440, end + self.walk(sec["location"], self.home))
                for d, a, b, x in ds:
                    if d == day and a < hi and lo < b:
                        problems.append("escorts: %s escorts %s on %s while leading %s" %
                                        (p, x, day, s))
        for day in DAYS:
            away = self.children_away(day, running, granted)
            escorts = self.escorts_of(day, running, counts)
            staff_away, unnamed = {}, [0] * 1440
            for js in sessions:
                e = js.get("escorts")
                if js["day"] != day or not e:
                    continue
                for mi in range(hm(e["from"]), hm(e["to"])):
                    unnamed[mi] += e["needed"] - len(e["staff"])
                for p in e["staff"]:
                    staff_away.setdefault(p, set()).update(range(hm(e["from"]), hm(e["to"])))
            below, bad, _ = self.day_problems(day, away, escorts, staff_away, unnamed)
            budget = self.budget(day)
            if len(below) > budget:
                problems.append("escorts: %s: with the named escorts away, %d minutes below the "
                                "childcare ratio (first at %s), more than the budget of %d" %
                                (day, len(below), fmt(below[0][0]), budget))
            if bad:
                problems.append("escorts: %s %s with the named escorts away: %s (%d minutes)" %
                                (day, fmt(bad[0][0]), bad[0][1], len(bad)))
        return problems

    def children_away(self, day, running, granted):
        where = {}
        for s, d, start, end in running:
            where.setdefault(s, []).append((d, start, end))
        away = {}
        for cid, _act, s in granted:
            loc = self.sections[s]["location"]
            for d, start, end in where.get(s, []):
                if d == day:
                    lo = max(0, start - self.walk(self.home, loc))
                    hi = min(1440, end + self.walk(loc, self.home))
                    away.setdefault(cid, set()).update(range(lo, hi))
        return away

    def escorts_of(self, day, running, counts):
        escorts = [0] * 1440
        for s, d, start, end in running:
            n = counts.get(s, 0)
            sec = self.sections[s]
            if d != day or not n or sec["location"] == self.home:
                continue
            if (self.activities[sec["activity"]].get("escort") or "0") != "1":
                continue
            lo = max(0, start - self.walk(self.home, sec["location"]))
            hi = min(1440, end + self.walk(sec["location"], self.home))
            for mi in range(lo, hi):
                escorts[mi] += -(-n // self.escort_ratio)
        return escorts


def check_escorts(centre_dir, sessions, running, counts, granted, week):
    return Ratio(centre_dir, week).check_escorts(sessions, running, counts, granted)


def check(centre_dir, running, counts, granted, week):
    return Ratio(centre_dir, week).check(running, counts, granted)


def check_staffing(centre_dir, running, counts, granted, week, staffing):
    """Compares the schedule JSON's "staffing" steps with the professionals
    needed, recomputed minute by minute: every 15-minute step in which anyone
    is needed is listed, with the most any of its minutes needs."""
    problems = []
    need = Ratio(centre_dir, week).needs(running, counts, granted)
    want = {}
    for (day, mi), n in need.items():
        key = (day, mi // 15 * 15)
        want[key] = max(want.get(key, 0), n)
    got = {}
    for st in staffing.get("steps", []):
        got[(st["day"], hm(st["start"]))] = st["required"]
    for key in sorted(set(want) | set(got), key=lambda k: (DAYS.index(k[0]), k[1])):
        w, g = want.get(key, 0), got.get(key, 0)
        if w != g:
            problems.append("staffing: %s %s: the JSON says %s professionals needed, "
                            "recomputed %d" % (key[0], fmt(key[1]), g, w))
    peak = max(want.values(), default=0)
    if staffing.get("peak", {}).get("professionals") != peak:
        problems.append("staffing: peak is %r, recomputed %d" %
                        (staffing.get("peak", {}).get("professionals"), peak))
    minutes_total = sum(want.values()) * 15
    if staffing.get("professional_minutes") != minutes_total:
        problems.append("staffing: professional_minutes is %r, recomputed %d" %
                        (staffing.get("professional_minutes"), minutes_total))
    return problems

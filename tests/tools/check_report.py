#!/usr/bin/env python3
"""tests/tools/check_report.py CITYDIR JSONDIR REPORTDIR - recomputes every
figure of `dagplan report` independently (standard library only) from the
centres' CSV files and their schedule JSONs (JSONDIR/CENTRE.json, FORMAT.md
section 5) and compares with the CSV files the report wrote. Prints each
difference; exit status 1 when there is any."""
import csv
import json
import os
import sys

BANDS = [("1-2", 1, 2), ("3-5", 3, 5), ("6-8", 6, 8)]


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:
        text = f.read()
    lines = text.splitlines()
    delim = ";" if lines and "," not in lines[0] and ";" in lines[0] else ","
    return [r for r in csv.DictReader(text.splitlines(), delimiter=delim)
            if any((v or "").strip() for v in r.values())]


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def band_of(group):
    for i, (_, lo, hi) in enumerate(BANDS):
        if lo <= group <= hi:
            return i
    return None


def ratio(a, b):
    return a / b if b else 0.0


def tally_fields(t):
    return {"children": str(t["children"]), "priority_children": str(t["prio"]),
            "choosing": str(t["choosing"]), "placed": str(t["placed"]),
            "coverage": f"{ratio(t['placed'], t['choosing']):.3f}",
            "wishes": str(t["wishes"]), "granted": str(t["granted"]),
            "mean_granted": f"{ratio(t['granted'], t['choosing']):.3f}",
            "mean_minutes": f"{ratio(t['minutes'], t['choosing']):.1f}"}


def new_tally():
    return dict(children=0, prio=0, choosing=0, placed=0, wishes=0, granted=0, minutes=0)


def main(city, jsondir, out):
    centres = sorted(d for d in os.listdir(city)
                     if os.path.exists(os.path.join(city, d, "children.csv")))
    prio = [new_tally() for _ in range(4)]
    nb = {}
    theme = {}
    tb = {}            # (band, theme) -> [places, wishing, granted]
    cells = {}         # (nb, band, theme) -> [places, wishing, wishing_prio, granted, granted_prio]
    nbb = {}           # (nb, band) -> [children, prio]
    themes = set()
    for c in centres:
        d = os.path.join(city, c)
        sched = json.load(open(os.path.join(jsondir, c + ".json")))
        acts = {a["id"]: a for a in rows(os.path.join(d, "activities.csv"))}
        meets = {s["section"] for s in sched["sessions"]}
        # a section with dates (issue 8) that does not meet in the week offers nothing
        secs = [s for s in rows(os.path.join(d, "sections.csv"))
                if not s.get("dates") or s["id"] in meets]
        sec_size = {}
        for s in secs:
            a = acts[s["activity"]]
            sec_size[s["id"]] = int(s.get("max_size") or a["max_size"])
        sec_min = {}
        for s in sched["sessions"]:
            sec_min[s["section"]] = sec_min.get(s["section"], 0) + minutes(s["end"]) - minutes(s["start"])
        wishes, got = {}, {}
        for x in sched["assignments"]:
            wishes.setdefault(x["child"], []).append(x["activity"])
            got.setdefault(x["child"], []).append((x["activity"], x["section"]))
        for x in sched["unassigned"]:
            wishes.setdefault(x["child"], []).append(x["activity"])
        # the centre's offering per band and theme
        places = {}
        for s in secs:
            a = acts[s["activity"]]
            themes.add(a["theme"])
            for bi, (_, lo, hi) in enumerate(BANDS):
                if int(a["max_group"]) >= lo and int(a["min_group"]) <= hi:
                    places[(bi, a["theme"])] = places.get((bi, a["theme"]), 0) + sec_size[s["id"]]
                    tb.setdefault((bi, a["theme"]), [0, 0, 0])[0] += sec_size[s["id"]]
        for a in acts.values():
            themes.add(a["theme"])
            t = theme.setdefault(a["theme"], dict(activities=0, sections=0, places=0, wishes=0,
                                                   granted=0, cw=0, cg=0))
            t["activities"] += 1
            for s in secs:
                if s["activity"] == a["id"]:
                    t["sections"] += 1
                    t["places"] += sec_size[s["id"]]
        seen = set()
        for ch in rows(os.path.join(d, "children.csv")):
            p = int(ch.get("priority") or 0)
            n = ch.get("neighbourhood") or "(none)"
            g = int(ch["group"])
            w = wishes.get(ch["id"], [])
            gr = got.get(ch["id"], [])
            mins = sum(sec_min.get(sec, 0) for _, sec in gr)
            for t in (prio[p], nb.setdefault(n, new_tally())):
                t["children"] += 1
                t["prio"] += p > 0
                t["choosing"] += len(w) > 0
                t["placed"] += len(gr) > 0
                t["wishes"] += len(w)
                t["granted"] += len(gr)
                t["minutes"] += mins
            wth = {acts[a]["theme"] for a in w}
            gth = {acts[a]["theme"] for a, _ in gr}
            for a in w:
                theme[acts[a]["theme"]]["wishes"] += 1
            for a, _ in gr:
                theme[acts[a]["theme"]]["granted"] += 1
            for t in wth:
                theme[t]["cw"] += 1
            for t in gth:
                theme[t]["cg"] += 1
            b = band_of(g)
            if b is None:
                continue
            k = nbb.setdefault((n, b), [0, 0])
            k[0] += 1
            k[1] += p > 0
            if (n, b) not in seen:
                seen.add((n, b))
                for (bi, th), pl in places.items():
                    if bi == b:
                        cells.setdefault((n, b, th), [0, 0, 0, 0, 0])[0] += pl
            for th in wth:
                x = cells.setdefault((n, b, th), [0, 0, 0, 0, 0])
                x[1] += 1
                x[2] += p > 0
                tb.setdefault((b, th), [0, 0, 0])[1] += 1
            for th in gth:
                x = cells.setdefault((n, b, th), [0, 0, 0, 0, 0])
                x[3] += 1
                x[4] += p > 0
                tb.setdefault((b, th), [0, 0, 0])[2] += 1
    bad = []

    def compare(name, want, key):
        got = {r[key] if isinstance(key, str) else tuple(r[k] for k in key): r
               for r in rows(os.path.join(out, name))}
        if set(got) != set(want):
            bad.append(f"{name}: rows {sorted(set(got) ^ set(want))[:5]} differ")
        for k, w in want.items():
            for col, v in w.items():
                if k in got and got[k].get(col) != v:
                    bad.append(f"{name}: {k} {col}: report {got[k].get(col)!r}, recomputed {v!r}")

    compare("priority.csv", {str(p): tally_fields(prio[p]) for p in range(4)}, "priority")
    compare("neighbourhood.csv", {n: tally_fields(t) for n, t in nb.items()}, "neighbourhood")
    compare("theme.csv", {t: {"activities": str(x["activities"]), "sections": str(x["sections"]),
                              "places": str(x["places"]), "wishes": str(x["wishes"]),
                              "granted": str(x["granted"]), "children_wishing": str(x["cw"]),
                              "children_granted": str(x["cg"]),
                              "coverage": f"{ratio(x['cg'], x['cw']):.3f}"}
                          for t, x in theme.items()}, "theme")
    compare("theme_band.csv", {(BANDS[b][0], t): {"places": str(tb.get((b, t), [0] * 3)[0]),
                                                  "children_wishing": str(tb.get((b, t), [0] * 3)[1]),
                                                  "children_granted": str(tb.get((b, t), [0] * 3)[2])}
                               for b in range(3) for t in themes}, ("band", "theme"))
    gaps = []
    for (n, b), (kids, kp) in nbb.items():
        for t in themes:
            pl, wi, wp, gr, gp = cells.get((n, b, t), [0, 0, 0, 0, 0])
            if pl == 0:
                gaps.append((-kp, -kids, n, b, t, "no-offering", kp, kids, pl, wi, gr))
            elif wi > gr:
                gaps.append((-(wp - gp), -(wi - gr), n, b, t, "demand-above-places", wp - gp,
                             wi - gr, pl, wi, gr))
    gaps.sort(key=lambda g: (g[0], g[1], g[2].encode(), g[3], g[4].encode()))
    got = rows(os.path.join(out, "gaps.csv"))
    if len(got) != len(gaps):
        bad.append(f"gaps.csv: {len(got)} rows, recomputed {len(gaps)}")
    for i, (g, r) in enumerate(zip(gaps, got)):
        want = {"rank": str(i + 1), "neighbourhood": g[2], "band": BANDS[g[3]][0], "theme": g[4],
                "kind": g[5], "priority_affected": str(g[6]), "children_affected": str(g[7]),
                "places": str(g[8]), "wishing": str(g[9]), "granted": str(g[10])}
        for col, v in want.items():
            if r.get(col) != v:
                bad.append(f"gaps.csv row {i + 1} {col}: report {r.get(col)!r}, recomputed {v!r}")
    for line in bad[:30]:
        print(line)
    if not gaps:
        print("note: no gaps at all")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

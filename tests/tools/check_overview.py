#!/usr/bin/env python3
"""tests/tools/check_overview.py CITYDIR JSONDIR PAGE - checks the public
overview page of `dagplan export CITYDIR --html` against the schedule JSONs
(JSONDIR/CENTRE.json) and the centres' CSVs, standard library only: one row
per section with children in each schedule, its places left = max_size -
children assigned, its groups, theme and overnight stay (data-overnight,
issue 8) those of activities.csv; every filter control labelled (a fourth
filter, by overnight stay, when some row is a camp with overnight stay); no child id or name anywhere; nothing loaded from
outside. Prints each problem; exit status 1 when there is any."""
import csv
import html.parser
import json
import os
import re
import sys


def rows(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.selects, self.in_label, self.labelled, self.external = [], [], 0, [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-section" in a:
            self.rows.append(a)
        if tag == "label":
            self.in_label += 1
        if tag == "select":
            self.selects.append(a.get("id"))
            if self.in_label:
                self.labelled.append(a.get("id"))
        if tag in ("script", "img", "link", "iframe") and ("src" in a or "href" in a):
            self.external.append(tag)

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


def main(city, jsondir, page):
    text = open(page, encoding="utf-8").read()
    p = Page()
    p.feed(text)
    bad = []
    want = {}
    for c in sorted(os.listdir(city)):
        d = os.path.join(city, c)
        if not os.path.exists(os.path.join(d, "children.csv")):
            continue
        sched = json.load(open(os.path.join(jsondir, c + ".json")))
        acts = {a["id"]: a for a in rows(os.path.join(d, "activities.csv"))}
        count = {}
        for x in sched["assignments"]:
            count[x["section"]] = count.get(x["section"], 0) + 1
        for s in rows(os.path.join(d, "sections.csv")):
            a = acts[s["activity"]]
            size = int(s.get("max_size") or a["max_size"])
            if count.get(s["id"]):
                want[sched["centre"] + "/" + s["id"]] = {
                    "data-left": str(size - count[s["id"]]), "data-min": a["min_group"],
                    "data-max": a["max_group"], "data-theme": a["theme"],
                    "data-overnight": "1" if (a.get("overnight") or "0") == "1" else "0"}
        for ch in rows(os.path.join(d, "children.csv")):
            for token in (ch["id"], ch["name"]):
                if re.search(r"(?<![\w-])" + re.escape(token) + r"(?![\w-])", text):
                    bad.append(f"child data on the page: {token!r}")
    got = {r["data-section"]: r for r in p.rows}
    if set(got) != set(want):
        bad.append(f"rows differ: {sorted(set(got) ^ set(want))[:5]}")
    for k, w in want.items():
        for col, v in w.items():
            if k in got and got[k].get(col) != v:
                bad.append(f"{k} {col}: page {got[k].get(col)!r}, schedule {v!r}")
    overnight = any(w["data-overnight"] == "1" for w in want.values())
    if overnight and ("met overnachting" not in text or "with overnight stay" not in text):
        bad.append("no 'met overnachting' / 'with overnight stay' label")
    if sorted(p.selects) != sorted(p.labelled) or len(p.selects) != 3 + overnight:
        bad.append(f"filters not all labelled: {p.selects} vs {p.labelled}")
    if p.external:
        bad.append(f"external assets: {p.external}")
    if '<html lang="nl"' not in text:
        bad.append("no lang=nl")
    for line in bad[:30]:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))

#!/usr/bin/env python3
"""summerize.py - turns a generated summer centre (gen-instance --shape summer)
into a two-week summer programme, for tests of issue 8.

Usage: summerize.py CENTRE_DIR

Rewrites, deterministically (by file order):

  * activities.csv: adds `overnight`, 1 for every third activity;
  * sections.csv: adds `dates` by the activity's place k in the file:
      k % 4 == 0  no dates (meets every week);
      k % 4 == 1  one camp over two weeks, 2027-07-05..2027-07-16;
      k % 4 == 2  the same camp twice, 2027-07-05..2027-07-09|2027-07-12..2027-07-16;
      k % 4 == 3  only the second week, 2027-07-12..2027-07-16;
  * choices.csv: adds `week`: every choice is made for 2027-W27 and again
    for 2027-W28 (ranks renumbered per week), except that a two-week camp is
    chosen once, for 2027-W27 (the choice counts in both weeks);
  * centre.lua: stability = 0, so an independent checker that knows no
    history can recompute the score of a warm-started week.

Python 3 standard library only.
"""

import csv
import sys

WEEKS = ("2027-W27", "2027-W28")
DATES = ("", "2027-07-05..2027-07-16", "2027-07-05..2027-07-09|2027-07-12..2027-07-16",
         "2027-07-12..2027-07-16")


def rewrite(path, fn):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = fn(rows[0], [r for r in rows[1:] if r])
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(body)


def main(d):
    order = {}

    def activities(h, rows):
        for k, r in enumerate(rows):
            order[r[h.index("id")]] = k
        return h + ["overnight"], [r + ["1" if k % 3 == 0 else "0"] for k, r in enumerate(rows)]

    def sections(h, rows):
        a = h.index("activity")
        return h + ["dates"], [r + [DATES[order[r[a]] % 4]] for r in rows]

    def choices(h, rows):
        c, a, rk = h.index("child"), h.index("activity"), h.index("rank")
        body = []
        for week in WEEKS:
            per_child = {}
            for r in sorted(rows, key=lambda r: (r[c], int(r[rk]))):
                if week != WEEKS[0] and order[r[a]] % 4 == 1:
                    continue  # the two-week camp: chosen once, in its first week
                per_child[r[c]] = per_child.get(r[c], 0) + 1
                out = list(r)
                out[rk] = str(per_child[r[c]])
                body.append(out + [week])
        return h + ["week"], body

    rewrite(d + "/activities.csv", activities)
    rewrite(d + "/sections.csv", sections)
    rewrite(d + "/choices.csv", choices)
    with open(d + "/centre.lua", encoding="utf-8") as f:
        lua = f.read()
    with open(d + "/centre.lua", "w", encoding="utf-8") as f:
        f.write(lua.replace("max_activities = 3,", "max_activities = 3,\n  stability = 0,"))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: summerize.py CENTRE_DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))

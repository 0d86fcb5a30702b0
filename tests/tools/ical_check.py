#!/usr/bin/python3
"""tests/tools/ical_check.py - reads every feed with Debian's python3-icalendar
and checks that the meetings in the location feeds are exactly the schedule's
running meetings, in the schedule's local times (across a DST change too).

Usage: ical_check.py FEEDS_DIR SCHEDULE.json [SCHEDULE.json ...]
Each schedule JSON is `dagplan solve --week W --json FILE` output."""
import json
import os
import sys

import icalendar

feeds, schedules = sys.argv[1], sys.argv[2:]
problems = 0


def problem(msg):
    global problems
    print(msg, file=sys.stderr)
    problems += 1


want = set()
for path in schedules:
    s = json.load(open(path, encoding="utf-8"))
    for m in s["sessions"]:
        if not m["cancelled"]:
            want.add((m["location"], m["date"], m["start"], m["end"]))

got = set()
n_files = n_events = 0
for name in sorted(os.listdir(feeds)):
    if not name.endswith(".ics"):
        continue
    n_files += 1
    cal = icalendar.Calendar.from_ical(open(os.path.join(feeds, name), "rb").read())
    tzids = {str(c["TZID"]) for c in cal.walk("VTIMEZONE")}
    for ev in cal.walk("VEVENT"):
        n_events += 1
        if "UID" not in ev or "DTSTAMP" not in ev:
            problem(f"{name}: VEVENT without UID or DTSTAMP")
        for key in ("DTSTART", "DTEND"):
            tzid = ev[key].params.get("TZID")
            if tzid and tzid not in tzids:
                problem(f"{name}: TZID={tzid} has no VTIMEZONE")
        if name.startswith("location-") and str(ev.get("STATUS")) != "CANCELLED":
            start, end = ev["DTSTART"].dt, ev["DTEND"].dt
            got.add((name[len("location-"):-4], start.strftime("%Y-%m-%d"),
                     start.strftime("%H:%M"), end.strftime("%H:%M")))
for m in sorted(want - got):
    problem(f"meeting {m} of the schedule is not in its location feed")
for m in sorted(got - want):
    problem(f"location feed event {m} is not a meeting of the schedule")
print(f"ical_check.py (icalendar {icalendar.__version__}): {n_files} files, {n_events} events, "
      f"{len(want)} meetings compared, {problems} problems")
sys.exit(1 if problems or n_files == 0 else 0)

#!/usr/bin/env python3
"""to-scriptindex.py: converts events (JSON Lines, docs/schema.md) into
the input format of Xapian's scriptindex, for bench/events.script.

Each record is "name=value" lines and a blank line; a newline inside a
value is written as a newline followed by "=". List fields give one line
per item (participant=, organiser=, tag=). Dates are derived as evsearch
derives them: start_utc (YYYYMMDDhhmmss, the UTC instant; plain dates
and floating times taken as UTC), start_day and end_day (the local
dates as written, YYYYMMDD), year and month of the local start date.

Usage: to-scriptindex.py IN.jsonl [OUT]
SPDX-License-Identifier: GPL-3.0-or-later
"""

import datetime
import json
import re
import sys

_DT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})"
                 r"(?::(\d{2})(?:[.,]\d+)?)?"
                 r"(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$")


def utc_key(s):
    m = _DT.match(s)
    if not m:
        return ""
    y, mo, d, h, mi, sec, off = m.groups()
    t = datetime.datetime(int(y), int(mo), int(d), int(h or 0),
                          int(mi or 0), min(int(sec or 0), 59))
    if off and off not in ("Z", "z"):
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        mins = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2
                                       else 0)
        t -= sign * datetime.timedelta(minutes=mins)
    return t.strftime("%Y%m%d%H%M%S")


def line(out, name, value):
    if value is None:
        return
    value = str(value).replace("\r\n", "\n").replace("\n", "\n=")
    out.write("%s=%s\n" % (name, value))


def convert(inp, out):
    for raw in inp:
        if not raw.strip():
            continue
        ev = json.loads(raw)
        line(out, "id", ev["id"])
        line(out, "title", ev["title"])
        line(out, "description", ev.get("description"))
        for p in ev.get("participants") or []:
            line(out, "participant", p["name"] if isinstance(p, dict) else p)
        for o in ev.get("organisers") or []:
            line(out, "organiser", o)
        line(out, "location", ev.get("location"))
        for t in ev.get("tags") or []:
            line(out, "tag", t)
        start, end = ev["start"], ev.get("end")
        line(out, "start", start)
        line(out, "end", end)
        for k in ("timezone", "url", "language"):
            line(out, k, ev.get(k))
        line(out, "start_utc", utc_key(start))
        line(out, "start_day", start[:10].replace("-", ""))
        line(out, "end_day", (end or start)[:10].replace("-", ""))
        line(out, "year", start[:4])
        line(out, "month", start[:7])
        out.write("\n")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[-1].split("\n")[0])
    with open(sys.argv[1], encoding="utf-8") as inp:
        if len(sys.argv) == 3:
            with open(sys.argv[2], "w", encoding="utf-8",
                      newline="\n") as out:
                convert(inp, out)
        else:
            convert(inp, sys.stdout)


if __name__ == "__main__":
    main()

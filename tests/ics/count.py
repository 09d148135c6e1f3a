#!/usr/bin/env python3
# An independent count of what evindex should make of iCalendar files: no
# libical, no evsearch code, only RFC 5545's rules written out again.
# For each file it prints: file, records (events handed on plus events
# lost), distinct ids, events lost (errors). tests/ics/expected.tsv is its
# output over ../shared/data/ics, checked against evindex by
# tests/cli/ics-shared.sh.
#
# The rules: a UTF-8 BOM is dropped; lines end at CRLF, LF or a lone CR; a
# line that begins with a space or tab continues the one before. Inside a
# VEVENT, END:VEVENT ends it (alarms left open or not), BEGIN:VEVENT,
# BEGIN:VCALENDAR, BEGIN:VTIMEZONE or END:VCALENDAR mean it never ended,
# and another END without its BEGIN is ignored. A VEVENT
# is lost when a line of its own (not of an alarm inside it) has bytes that
# are not UTF-8 or a NUL, when it has no END:VEVENT, or no DTSTART that is
# a valid date or date-time. An override (RECURRENCE-ID) whose UID has a recurring master
# (RRULE or RDATE) in the same file is part of that event; otherwise it is
# an event of its own. A file whose first line is not a BEGIN line is not
# iCalendar: one more record lost. VEVENTs without RECURRENCE-ID that
# share a UID are sorted as docs/schema.md says: the same DTSTART and
# SUMMARY as one before is a repeat, another SEQUENCE than one before with
# the same DTSTART or SUMMARY (or than the only one before) a version of
# it (neither is a record of its own), anything else a different event
# with an id of its own.
# Usage: count.py FILE...
# SPDX-License-Identifier: GPL-3.0-or-later
import datetime
import re
import sys

DATE = re.compile(r"^(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)Z?)?$")


def valid_when(value):
    m = DATE.match(value.strip())
    if not m:
        return False
    y, mo, d, h, mi, s = m.groups()
    try:
        datetime.date(int(y), int(mo), int(d))
    except ValueError:
        return False
    if int(y) < 1:
        return False
    return h is None or (int(h) < 24 and int(mi) < 60 and int(s) <= 60)


def logical_lines(data):
    lines = re.split(rb"\r\n|\n|\r", data)
    out = []
    for raw in lines:
        if raw[:1] in (b" ", b"\t") and out:
            out[-1] += raw[1:]
        elif raw:
            out.append(raw)
    return out


def name_value(line):
    text = line.decode("utf-8", "replace")
    q = False
    for i, ch in enumerate(text):
        if ch == '"':
            q = not q
        elif ch == ":" and not q:
            head, value = text[:i], text[i + 1:]
            return head.split(";")[0].upper(), value
    return text.split(";")[0].upper(), None


def count(path):
    data = open(path, "rb").read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = logical_lines(data)
    lost = 0
    events = []  # (uid, recurrence-id, recurs)
    if lines and not lines[0].upper().startswith(b"BEGIN:"):
        lost += 1
    cur = None  # the VEVENT being read: dict, or None
    depth = 0
    for line in lines:
        upper = line.strip().upper()
        if cur is None:
            if upper == b"BEGIN:VEVENT":
                cur = {"bad": False, "props": {}}
                depth = 1
            continue
        if upper.startswith(b"BEGIN:"):
            if upper in (b"BEGIN:VEVENT", b"BEGIN:VCALENDAR",
                         b"BEGIN:VTIMEZONE"):
                lost += 1  # never ended
                cur = {"bad": False, "props": {}} if upper == b"BEGIN:VEVENT" else None
                depth = 1
                continue
            depth += 1
            continue
        if upper.startswith(b"END:"):
            if upper == b"END:VCALENDAR":
                lost += 1  # never ended
                cur = None
                continue
            if upper == b"END:VEVENT":
                depth = 1  # closes alarms left open, too
            elif depth == 1:
                continue  # a stray END: ignored
            depth -= 1
            if depth == 0:
                props = cur["props"]
                starts = props.get("DTSTART", [])
                ok = starts and any(v is not None and valid_when(v)
                                    for v in starts)
                uid = (props.get("UID") or [""])[0] or ""
                rid = (props.get("RECURRENCE-ID") or [None])[0]
                recurs = "RRULE" in props or "RDATE" in props
                if cur["bad"]:
                    lost += 1
                else:
                    # An override needs no DTSTART of its own when it
                    # joins its master (decided below).
                    seq = (props.get("SEQUENCE") or ["0"])[0] or "0"
                    key = ((starts or [None])[0],
                           (props.get("SUMMARY") or [None])[0],
                           int(seq) if seq.strip().isdigit() else 0)
                    events.append((uid, rid, recurs, bool(ok), key))
                cur = None
            continue
        if depth == 1:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                cur["bad"] = True
            cur["bad"] |= b"\0" in line
            name, value = name_value(line)
            cur["props"].setdefault(name, []).append(value)
    if cur is not None:
        lost += 1
    masters = {uid for uid, rid, recurs, ok, _ in events
               if rid is None and recurs and uid and ok}
    handed = 0
    ids = set()
    seen = {}  # uid -> [[start, summary, seq], ...]
    for i, (uid, rid, recurs, ok, key) in enumerate(events):
        if rid is not None and uid in masters:
            continue
        if not ok:
            lost += 1
            continue
        if uid and rid is None and uid in seen:
            start, summary, seq = key
            kept = seen[uid]
            same = [k for k in kept if k[0] == start and k[1] == summary]
            version = [k for k in kept if k[2] != seq and
                       (k[0] == start or k[1] == summary)]
            if not same and not version and len(kept) == 1 and \
                    kept[0][2] != seq:
                version = kept
            match = (same or version or [None])[0]
            if match is not None:
                if seq > match[2]:
                    handed += 1  # replaces it: read, and no new id
                    match[:] = [start, summary, seq]
                continue
            kept.append(list(key))
            handed += 1
            ids.add((uid, len(kept)))
            continue
        handed += 1
        if not uid:
            ids.add(("derived", i))
        elif rid is not None:
            ids.add(uid + "/" + rid)
        else:
            seen[uid] = [list(key)]
            ids.add(uid)
    return handed + lost, len(ids), lost


def main():
    for path in sys.argv[1:]:
        records, distinct, lost = count(path)
        print("%s\t%d\t%d\t%d" % (path, records, distinct, lost))


if __name__ == "__main__":
    main()

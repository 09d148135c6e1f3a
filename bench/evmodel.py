"""evmodel: the text model behind the benchmark's synthetic events.

gen-corpus.py and gen-queries.py both import it, so that the query log is
drawn from the very vocabulary, organisers and text the corpus has.

What it learns from real event listings (../shared/data/events/*.jsonl
and corpus/events.jsonl): the unigram and bigram frequencies of the
words of titles and descriptions, the lengths of titles, the organiser
names, the first and last names of participants (many non-ASCII), the
rooms, and syllables to make up rare words with.

Event i of a corpus is drawn from its own generator, seeded with
(seed, i), so the output depends only on the seed, i and the learnt
sources: a 10k corpus is the first 10k events of the 100k one, and a
phrase taken from event 12 matches in every corpus size.

Python's random module is used for its documented reproducibility: the
same seed gives the same sequence on every platform and version that
keeps the Mersenne Twister and random() (Python 3.2+).

SPDX-License-Identifier: GPL-3.0-or-later
"""

import bisect
import glob
import json
import os
import random
import re
from collections import Counter
from itertools import accumulate

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_SOURCES = [
    os.path.join(REPO, "..", "shared", "data", "events"),
    os.path.join(REPO, "corpus", "events.jsonl"),
]

# Probability, at each word of generated text, of leaving the bigram
# chain for a word drawn from the whole unigram distribution: lower
# copies longer runs of the sources, higher reads like a word salad.
P_JUMP = 0.25
# Probability that a word is a rare made-up one instead (the long tail
# that makes the vocabulary grow with the corpus, as real text does).
P_TAIL = 0.03
# Tail word k is drawn with P(K > k) = k^-TAIL_ALPHA: a Zipf-like law
# whose number of distinct values keeps growing with the number of
# draws (about n^(1/(1+alpha))), like Heaps' law. With these settings the
# vocabulary is about 34k words at 10k events, 105k at 100k, 570k at 1M.
TAIL_ALPHA = 0.2
TAIL_MAX = 10**12

TAGS = [
    "devroom", "talk", "online", "workshop", "panel", "bof", "keynote",
    "lightningtalk", "maintrack", "webinar", "hackathon", "junior",
    "training", "meetup", "policy", "security", "opendata", "cybercrime",
]

CITIES = [
    "Brussels (BE)", "Geneva (CH)", "Vienna (AT)", "New York (US)",
    "Berlin (DE)", "Paris (FR)", "Lisbon (PT)", "Warszawa (PL)",
    "Praha (CZ)", "København (DK)", "Zürich (CH)", "Montréal (CA)",
    "São Paulo (BR)", "Tōkyō (JP)", "Nairobi (KE)", "Singapore (SG)",
    "Washington, DC (US)", "London (GB)", "The Hague (NL)", "Tallinn (EE)",
    "Helsinki (FI)", "Kraków (PL)", "Málaga (ES)", "Bogotá (CO)",
    "Cape Town (ZA)", "New Delhi (IN)", "Seoul (KR)", "Sydney (AU)",
]

# (IANA name, standard offset, summer offset or None), in minutes.
ZONES = [
    ("Europe/Brussels", 60, 120), ("Europe/Brussels", 60, 120),
    ("Europe/Brussels", 60, 120), ("Europe/London", 0, 60),
    ("Europe/Lisbon", 0, 60), ("Europe/Helsinki", 120, 180),
    ("America/New_York", -300, -240), ("America/Los_Angeles", -480, -420),
    ("America/Sao_Paulo", -180, None), ("Asia/Tokyo", 540, None),
    ("Asia/Kolkata", 330, None), ("Asia/Kathmandu", 345, None),
    ("Australia/Sydney", 600, 660), ("Africa/Nairobi", 180, None),
    ("UTC", 0, None),
]

ORG_PATTERNS = [
    "{A} Foundation", "{A} {B} Working Group", "{A} Devroom",
    "{A} Users Group", "Institute for {A} {B}", "{A} {B} Alliance",
    "Ministry of {A} Affairs", "{A} Research Centre", "{A} Community",
    "Friends of {A}", "{A} & {B} Network", "{A} Lab",
]

OPERATOR_WORDS = {"and", "or", "not", "xor", "near", "adj"}

_WORD_RE = re.compile(r"^[^\W\d_]+$")
_SYL_RE = re.compile(r"[bcdfghjklmnpqrstvwxz]*[aeiouy]+")


class Dist:
    """A discrete distribution over items, drawn with bisect."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, counter_items):
        items = [w for w, _ in counter_items]
        self.items = items
        self.cum = list(accumulate(c for _, c in counter_items))
        self.total = self.cum[-1] if self.cum else 0

    def draw(self, rng):
        return self.items[bisect.bisect_right(self.cum,
                                              rng.random() * self.total)]


def zipf_dist(items, s=1.0):
    """Items in the given order with weights 1/(rank+1)^s (scaled)."""
    return Dist([(w, max(1, int(1e6 / (r + 1) ** s)))
                 for r, w in enumerate(items)])


class Chain:
    """Unigram + bigram model of a body of text, as whitespace tokens."""

    def __init__(self, seqs):
        uni = Counter()
        big = {}
        starts = Counter()
        for seq in seqs:
            prev = None
            for t in seq:
                uni[t] += 1
                if prev is None or prev.endswith((".", "!", "?")):
                    starts[t] += 1
                if prev is not None:
                    big.setdefault(prev, Counter())[t] += 1
                prev = t
        # most_common() breaks ties by first occurrence: deterministic
        # for the same sources read in the same order.
        self.uni_counts = uni
        self.uni = Dist(uni.most_common())
        self.starts = Dist(starts.most_common())
        self.succ = {p: Dist(c.most_common()) for p, c in big.items()}

    def words(self, rng, n, tail, first=None):
        out = []
        prev = first
        rand = rng.random
        for _ in range(n):
            r = rand()
            if r < P_TAIL:
                w = tail(rng)
            else:
                d = None
                if prev is None:
                    d = self.starts
                elif r < P_TAIL + (1 - P_TAIL) * (1 - P_JUMP):
                    d = self.succ.get(prev)
                w = (d or self.uni).draw(rng)
            out.append(w)
            prev = w
        return out


def _read_events(sources):
    files = []
    for s in sources:
        if os.path.isdir(s):
            files.extend(sorted(glob.glob(os.path.join(s, "*.jsonl"))))
        elif os.path.exists(s):
            files.append(s)
    events = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    events.append(json.loads(line))
    if not events:
        raise SystemExit("evmodel: no source events found in %s"
                         % ", ".join(sources))
    return files, events


class Model:
    def __init__(self, sources=None):
        self.sources, events = _read_events(sources or DEFAULT_SOURCES)
        self.n_source_events = len(events)
        self.desc = Chain([(e.get("description") or "").split()
                           for e in events])
        self.title = Chain([e["title"].split() for e in events])
        tl = Counter(len(e["title"].split()) for e in events)
        self.title_len = Dist(sorted((n, c) for n, c in tl.items()
                                     if 3 <= n <= 12))

        # Syllables of the learnt lowercase words: the bricks of the
        # made-up rare words.
        syl = Counter()
        for w, c in self.desc.uni_counts.items():
            if w.isalpha() and w.isascii() and w.islower():
                for s in _SYL_RE.findall(w):
                    syl[s] += c
        self.syllables = [s for s, _ in syl.most_common(64)]

        # Organisers: the real ones, then made-up ones from capitalised
        # words of the titles, a few hundred in all, Zipf-weighted in a
        # shuffled order so that real and made-up ones mix at every rank.
        orgs = []
        seen = set()
        for e in events:
            for o in e.get("organisers") or []:
                if o not in seen:
                    seen.add(o)
                    orgs.append(o)
        caps = [w for w, c in self.title.uni_counts.most_common()
                if _WORD_RE.match(w) and w[0].isupper() and len(w) > 3
                and c >= 2][:400]
        rng = random.Random("evmodel-organisers")
        while len(orgs) < 360:
            name = rng.choice(ORG_PATTERNS).format(A=rng.choice(caps),
                                                   B=rng.choice(caps))
            if name not in seen:
                seen.add(name)
                orgs.append(name)
        rng.shuffle(orgs)
        self.organisers = orgs
        self.org_dist = zipf_dist(orgs, 1.0)

        first, last = Counter(), Counter()
        for e in events:
            for p in e.get("participants") or []:
                name = p if isinstance(p, str) else p.get("name", "")
                parts = name.split()
                if len(parts) >= 2 and '"' not in name:
                    first[parts[0]] += 1
                    last[" ".join(parts[1:])] += 1
        self.first_names = Dist(first.most_common())
        self.last_names = Dist(last.most_common())

        rooms = Counter(e.get("location") for e in events
                        if e.get("location"))
        self.rooms = Dist(rooms.most_common())
        self.tag_dist = zipf_dist(TAGS, 1.2)
        self.city_dist = zipf_dist(CITIES, 0.8)

    # -- rare words ------------------------------------------------------
    def tail_word_k(self, k):
        """The k-th made-up word (k >= 1): a syllable picked by k, then k
        in base 64 written in syllables (two syllables at least)."""
        syl = self.syllables
        b = len(syl)
        parts = []
        while k:
            k, d = divmod(k, b)
            parts.append(syl[d])
        parts.append(syl[(len(parts) * 7919 + hash_digits(parts)) % b])
        return "".join(reversed(parts))

    def tail_word(self, rng):
        k = int((1.0 - rng.random()) ** (-1.0 / TAIL_ALPHA))
        return self.tail_word_k(min(k, TAIL_MAX))

    # -- events ----------------------------------------------------------
    def event_rng(self, seed, i):
        return random.Random(seed * 1000003 + i)

    def event(self, seed, i):
        rng = self.event_rng(seed, i)
        tail = self.tail_word
        ntitle = self.title_len.draw(rng)
        title = " ".join(self.title.words(rng, ntitle, tail))
        title = title[0].upper() + title[1:]
        ndesc = int(rng.triangular(80, 281, 130))
        words = self.desc.words(rng, ndesc, tail)
        # Paragraph breaks after some sentence ends, as in the sources.
        desc = []
        for w in words:
            desc.append(w)
            if w.endswith(".") and rng.random() < 0.2:
                desc.append("\n\n")
            else:
                desc.append(" ")
        description = "".join(desc).rstrip()

        start, end, zone = self._dates(rng)

        n_org = 1 + (rng.random() > 0.6) + (rng.random() > 0.85)
        orgs = []
        while len(orgs) < n_org:
            o = self.org_dist.draw(rng)
            if o not in orgs:
                orgs.append(o)
        n_part = rng.choices((1, 2, 3, 4, 5), (55, 25, 10, 6, 4))[0]
        parts = []
        for _ in range(n_part):
            name = "%s %s" % (self.first_names.draw(rng),
                              self.last_names.draw(rng))
            if rng.random() < 0.2:
                parts.append({"name": name, "role": "Speaker"})
            else:
                parts.append(name)
        n_tag = rng.choices((0, 1, 2, 3), (15, 55, 22, 8))[0]
        tags = []
        while len(tags) < n_tag:
            t = self.tag_dist.draw(rng)
            if t not in tags:
                tags.append(t)
        r = rng.random()
        if r < 0.3:
            location = "Online"
        elif r < 0.65:
            location = self.rooms.draw(rng)
        elif r < 0.85:
            location = self.city_dist.draw(rng)
        else:
            location = self.city_dist.draw(rng) + " & Online"

        slug = "-".join(re.sub(r"[^a-z0-9]+", "", w.lower())
                        for w in title.split()[:5])
        slug = re.sub(r"-+", "-", slug).strip("-") or "event"
        ev = {
            "id": "%s-%s-%d" % (start[:10], slug, i),
            "title": title,
            "description": description,
            "start": start,
        }
        if end:
            ev["end"] = end
        ev["timezone"] = zone
        ev["location"] = location
        ev["organisers"] = orgs
        ev["participants"] = parts
        ev["tags"] = tags
        ev["language"] = "en"
        if rng.random() < 0.7:
            ev["url"] = "https://events.example.org/%d" % i
        return ev

    def _dates(self, rng):
        # 2014-01-01 .. 2026-12-31: 13 years.
        year = 2014 + rng.randrange(13)
        month = 1 + rng.randrange(12)
        mdays = [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31,
                 30, 31, 30, 31][month - 1]
        day = 1 + rng.randrange(mdays)
        zone, std, dst = rng.choice(ZONES)
        r = rng.random()
        if r < 0.06:
            # A multi-day event: local dates only.
            n = 1 + rng.randrange(6)
            y2, m2, d2 = _add_days(year, month, day, n)
            return ("%04d-%02d-%02d" % (year, month, day),
                    "%04d-%02d-%02d" % (y2, m2, d2), zone)
        if r < 0.08:
            return "%04d-%02d-%02d" % (year, month, day), None, zone
        hour = 8 + rng.randrange(12)
        minute = rng.choice((0, 0, 0, 15, 30, 30, 45))
        off = dst if dst is not None and 4 <= month <= 10 else std
        dur = rng.choice((20, 25, 30, 45, 50, 60, 60, 90, 120, 180))
        eh, em = divmod(hour * 60 + minute + dur, 60)
        if r < 0.10:
            suffix = "Z"
            zone = "UTC"
        else:
            sign = "-" if off < 0 else "+"
            suffix = "%s%02d:%02d" % (sign, abs(off) // 60, abs(off) % 60)
        start = "%04d-%02d-%02dT%02d:%02d:00%s" % (year, month, day, hour,
                                                   minute, suffix)
        if eh >= 24 or rng.random() < 0.1:
            return start, None, zone
        end = "%04d-%02d-%02dT%02d:%02d:00%s" % (year, month, day, eh, em,
                                                 suffix)
        return start, end, zone


def hash_digits(parts):
    """A small deterministic hash of a list of strings (not hash(): that
    one changes with PYTHONHASHSEED)."""
    h = 0
    for p in parts:
        for ch in p:
            h = (h * 31 + ord(ch)) % 1000003
    return h


def _leap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def _add_days(y, m, d, n):
    for _ in range(n):
        mdays = [31, 29 if _leap(y) else 28, 31, 30, 31, 30, 31, 31, 30,
                 31, 30, 31][m - 1]
        d += 1
        if d > mdays:
            d = 1
            m += 1
            if m > 12:
                m = 1
                y += 1
    return y, m, d


def dumps(ev):
    """One JSON Lines record, as corpus/events.jsonl writes them."""
    return json.dumps(ev, ensure_ascii=False)

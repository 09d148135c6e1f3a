#!/usr/bin/env python3
"""gen-queries.py: writes the benchmark's query log, a TSV file that both
drivers (evs-query, fts5-bench) read:

    # query<TAB>organiser<TAB>year<TAB>is_phrase
    open source<TAB><TAB><TAB>0
    core team<TAB>Kernel devroom<TAB>2019<TAB>1

query is one to three lowercase words (ORed by both drivers) or, when
is_phrase is 1, a phrase (matched as such); organiser (an exact name) and
year (a calendar year; events overlapping it match) are optional
filters.

Words come from the model's vocabulary (evmodel.py), common stopwords
left out and weighted towards the middle of the frequency range, a few
from the rare made-up tail. Phrases are cut from the text of the first
1000 generated events, which every corpus holds (they are the same
events whatever N), so that every phrase matches somewhere.

Usage: gen-queries.py [--seed S] [--count N] [OUT]
SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import os
import random
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evmodel  # noqa: E402

PHRASE_EVENTS = 1000  # the smallest corpus scripts/bench generates


def clean(tok):
    return bool(evmodel._WORD_RE.match(tok))


def main():
    ap = argparse.ArgumentParser(description="Write the query log (TSV).")
    ap.add_argument("out", nargs="?", default="-")
    ap.add_argument("--seed", type=int, default=42,
                    help="the corpus seed (phrases come from its events)")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--sources", nargs="+", default=None)
    a = ap.parse_args()

    m = evmodel.Model(a.sources)
    rng = random.Random("queries-%d" % a.seed)

    # Query words: lowercase letter-only words of 3+ letters, without the
    # 150 most frequent (stopwords and the like), weighted by count^0.75.
    counts = {}
    for chain in (m.desc, m.title):
        for w, c in chain.uni_counts.items():
            if clean(w):
                lw = w.lower()
                counts[lw] = counts.get(lw, 0) + c
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    stop = {w for w, _ in ranked[:150]}
    ranked = [(w, c) for w, c in ranked[150:]
              if len(w) >= 3 and w not in evmodel.OPERATOR_WORDS]
    words = evmodel.Dist([(w, max(1, int(c ** 0.75 * 100)))
                          for w, c in ranked])

    def word():
        if rng.random() < 0.1:
            return m.tail_word(rng)
        return words.draw(rng)

    def phrase(n):
        while True:
            ev = m.event(a.seed, rng.randrange(PHRASE_EVENTS))
            text = ev["title"] if rng.random() < 0.2 else ev["description"]
            toks = text.split()
            if len(toks) < n:
                continue
            for _ in range(20):
                i = rng.randrange(len(toks) - n + 1)
                run = toks[i:i + n]
                # Letter-only words tokenise alike in both systems; a run
                # of stopwords only ("from our") says little about a
                # phrase engine, so it needs one word that is not one.
                if all(clean(t) for t in run) and \
                        any(t.lower() not in stop for t in run):
                    return " ".join(t.lower() for t in run)

    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8",
                                              newline="\n")
    out.write("# query\torganiser\tyear\tis_phrase\n")
    for _ in range(a.count):
        if rng.random() < 0.25:
            q = phrase(rng.choice((2, 2, 3)))
            is_phrase = 1
        else:
            n = rng.choices((1, 2, 3), (45, 35, 20))[0]
            ws = []
            while len(ws) < n:
                w = word()
                if w not in ws:
                    ws.append(w)
            q = " ".join(ws)
            is_phrase = 0
        org = m.org_dist.draw(rng) if rng.random() < 0.2 else ""
        year = str(2014 + rng.randrange(13)) if rng.random() < 0.2 else ""
        out.write("%s\t%s\t%s\t%d\n" % (q, org, year, is_phrase))
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""gen-corpus.py: writes N synthetic events as JSON Lines (docs/schema.md).

The text is drawn from a model learnt from real event listings (see
evmodel.py). The output depends only on --seed, N and the learnt
sources: the same arguments give byte-identical files, and a corpus of N
events is the first N lines of any larger one.

Usage: gen-corpus.py [--seed S] [--jobs J] [--sources PATH...] N [OUT]
SPDX-License-Identifier: GPL-3.0-or-later
"""

import argparse
import os
import sys
from multiprocessing import Pool

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evmodel  # noqa: E402

_model = None


def _init(sources):
    global _model
    _model = evmodel.Model(sources)


def _chunk(args):
    seed, lo, hi = args
    return "".join(evmodel.dumps(_model.event(seed, i)) + "\n"
                   for i in range(lo, hi))


def main():
    ap = argparse.ArgumentParser(
        description="Write N synthetic events as JSON Lines.")
    ap.add_argument("n", type=int, help="number of events")
    ap.add_argument("out", nargs="?", default="-",
                    help="output file (default: standard output)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes (the output does not depend "
                    "on it)")
    ap.add_argument("--sources", nargs="+", default=None,
                    help="JSON Lines files or directories to learn from "
                    "(default: ../shared/data/events and corpus/)")
    a = ap.parse_args()

    out = (sys.stdout if a.out == "-"
           else open(a.out + ".tmp", "w", encoding="utf-8", newline="\n"))
    step = 2000
    chunks = [(a.seed, lo, min(lo + step, a.n))
              for lo in range(0, a.n, step)]
    if a.jobs > 1 and len(chunks) > 1:
        with Pool(a.jobs, _init, (a.sources,)) as pool:
            # imap keeps the order of the chunks.
            for text in pool.imap(_chunk, chunks):
                out.write(text)
    else:
        _init(a.sources)
        for c in chunks:
            out.write(_chunk(c))
    if out is not sys.stdout:
        out.close()
        os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()

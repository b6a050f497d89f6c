"""Candidate recall of the parse: how much of a split's gold the candidates reach.

A gold claim is reached when some candidate's evidence lies within similarity
0.5 of it (the harness's own `similarity`), before any decision is made.

    python benchmarks/candidate_recall.py [--split dev test] [--misses]
"""

from __future__ import annotations

import argparse
import time

from common import split_docs

from claimtrace import candidates, parse
from claimtrace.harness.reader import read_gold
from claimtrace.harness.run import split_gold
from claimtrace.harness.similarity import similarity
from claimtrace.load import DocumentStore


def recall(split: str, show_misses: bool) -> None:
    gold, texts = read_gold(split_gold(split), DocumentStore())
    split_docs(split)  # the same refusal of an unknown split as the other benchmarks
    reached = total = proposed = 0
    started = time.monotonic()
    for record in gold:
        text = texts[record.doc_id]
        found = candidates.find(parse.parse(text))
        spans = [text[c.start : c.end] for c in found]
        proposed += len(found)
        for claim in record.claims:
            total += 1
            if max((similarity(claim.evidence, s) for s in spans), default=0.0) >= 0.5:
                reached += 1
            elif show_misses:
                print(f"  missed {record.doc_id} {claim.kind}: {claim.evidence[:100]}")
    print(
        f"{split}: recall {reached / total:.3f} ({reached}/{total}), "
        f"{proposed / total:.2f} candidates per gold claim, {time.monotonic() - started:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", nargs="+", default=["dev", "test"])
    parser.add_argument("--misses", action="store_true", help="list the gold claims not reached")
    args = parser.parse_args()
    for split in args.split:
        recall(split, args.misses)


if __name__ == "__main__":
    main()

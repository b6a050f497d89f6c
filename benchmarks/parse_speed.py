"""Speed of the parse strategy under the settings worth choosing between, on this machine.

Each configuration gets a fresh llama-server of its own (benchmarks/common.py)
and extracts the same dev articles with the cache off: speculative decoding
on against off, 1 slot against 2, the 1.5B against the 0.5B model as the
judge; and, in the default configuration, the `sentence` strategy on the same
articles for the speed ratio. Prints a table and writes benchmarks/results/parse-speed.json.

    python benchmarks/parse_speed.py [--limit 6]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass

from common import ROOT, local_server, machine, split_docs

from claimtrace import Extractor, candidates, judge, parse, sources
from claimtrace.schema import DocumentRecord


@dataclass(frozen=True)
class Config:
    name: str
    model: str
    parallel: int
    speculate: bool
    strategy: str = "parse"


CONFIGS = (
    Config("parse, 1.5B, 2 slots, no speculation (default)", "qwen2.5-coder-1.5b", 2, False),
    Config("parse, 1.5B, 2 slots, ngram speculation", "qwen2.5-coder-1.5b", 2, True),
    Config("parse, 1.5B, 1 slot", "qwen2.5-coder-1.5b", 1, False),
    Config("parse, 0.5B, 2 slots", "qwen2.5-coder-0.5b", 2, False),
    Config("sentence, 1.5B, 2 slots", "qwen2.5-coder-1.5b", 2, False, "sentence"),
)


def _asked(text: str) -> int:
    """Statements the judge is asked about in one article."""
    doc = parse.parse(text)
    found = candidates.find(doc)
    return sum(len(g.members) for g in judge.groups(doc, found, sources.attribute(doc, found)))


def rules_row(docs: list[tuple[str, str]]) -> dict[str, object]:
    """The rules strategy: no server, no model."""
    extractor = Extractor(strategy="rules", cache=False)
    extractor.extract_many(docs[:1])  # load the pipeline before timing
    started = time.monotonic()
    records = extractor.extract_many(docs)
    wall = time.monotonic() - started
    return {
        "config": "rules (no model)",
        "articles": len(docs),
        "failed": sum(not isinstance(r, DocumentRecord) for r in records),
        "s_per_article": round(wall / len(docs), 3),
        "completion_tokens": 0,
        "judged_candidates": None,
        "tokens_per_candidate": None,
        "calls": 0,
    }


def run(config: Config, docs: list[tuple[str, str]]) -> dict[str, object]:
    with local_server(config.model, config.parallel, config.speculate) as endpoint:
        extractor = Extractor(endpoint=endpoint, cache=False, strategy=config.strategy)  # type: ignore[arg-type]
        started = time.monotonic()
        records = extractor.extract_many(docs)
        wall = time.monotonic() - started
    done = [r for r in records if isinstance(r, DocumentRecord)]
    judged = sum(_asked(text) for _, text in docs)
    completion = sum(r.usage.completion_tokens for r in done)
    return {
        "config": config.name,
        "articles": len(docs),
        "failed": len(records) - len(done),
        "s_per_article": round(wall / len(docs), 1),
        "completion_tokens": completion,
        "judged_candidates": judged if config.strategy == "parse" else None,
        "tokens_per_candidate": round(completion / judged, 1)
        if config.strategy == "parse" and judged
        else None,
        "calls": sum(r.stats.calls for r in done),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=6, help="dev articles (default 6)")
    parser.add_argument("--only", nargs="*", help="run only configs whose name starts so")
    args = parser.parse_args()
    docs = split_docs("dev", args.limit)
    rows = [rules_row(docs)]
    print(json.dumps(rows[0]), flush=True)
    for config in CONFIGS:
        if args.only and not any(config.name.startswith(o) for o in args.only):
            continue
        row = run(config, docs)
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = ROOT / "benchmarks" / "results" / "parse-speed.json"
    out.write_text(
        json.dumps({"machine": machine("qwen2.5-coder-1.5b"), "rows": rows}, indent=2) + "\n"
    )
    print(f"-> {out}")


if __name__ == "__main__":
    main()

"""Every speed benchmark in one command; figures to benchmarks/results/<date>.json and the README.

    python benchmarks/run.py                      # all of them, dev split, default model
    python benchmarks/run.py --only overhead --limit 2
    python benchmarks/run.py --split test --slots 1 2 4 --concurrency-docs 6

- overhead: claimtrace against the same requests sent straight to llama-server,
  with the prompt-cache and output-economy figures of the same pass
  (`overhead.py`);
- concurrency: throughput and p95 latency at 1, 2 and 4 slots
  (`concurrency.py`);
- warm: the whole eval (seeds, dev, test) re-run from the response cache
  (`warm.py`).

It builds llama-server and pulls the model if they are missing, runs its own
server on port 18096, and stops it at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import concurrency
import overhead
import warm
from common import ROOT, local_server, machine, split_docs

from claimtrace.llm import build, models, server

RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
ALL = ("overhead", "concurrency", "warm")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", help="documents for overhead and concurrency")
    ap.add_argument("--limit", type=int, default=None, help="only the first N of the split")
    ap.add_argument("--model", default=models.DEFAULT_MODEL)
    ap.add_argument("--slots", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--concurrency-docs", type=int, default=6, help="documents per slot count")
    ap.add_argument("--only", nargs="+", choices=ALL, default=list(ALL))
    ap.add_argument("--out", type=Path, default=None, help="results JSON (default: by date)")
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite the README table")
    args = ap.parse_args()

    if build.find_server() is None:
        print("building llama-server (a few minutes, once)", file=sys.stderr)
        build.build()
    if not models.get(args.model).present():
        print(f"pulling {args.model}", file=sys.stderr)
        models.pull(args.model)
    docs = split_docs(args.split, args.limit)
    started = time.time()
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "command": " ".join(["python", "benchmarks/run.py", *sys.argv[1:]]),
        "machine": machine(args.model),
        "split": args.split,
        "documents": len(docs),
        "server": {"port": 18096, "ctx_per_slot": server.DEFAULT_CTX, "spec": "ngram-simple"},
    }
    if "overhead" in args.only or "warm" in args.only:
        with local_server(args.model, parallel=server.DEFAULT_PARALLEL) as endpoint:
            if "overhead" in args.only:
                print(f"overhead: {len(docs)} documents of {args.split}", file=sys.stderr)
                results["overhead"] = overhead.run(endpoint, docs, server.DEFAULT_PARALLEL)
            if "warm" in args.only:
                print("warm cache: seeds, dev, test", file=sys.stderr)
                results["warm"] = warm.run(endpoint)
    if "concurrency" in args.only:
        subset = docs[: args.concurrency_docs]
        print(f"concurrency: {len(subset)} documents at {args.slots} slots", file=sys.stderr)
        results["concurrency"] = concurrency.run(args.model, subset, args.slots)
    results["elapsed_s"] = round(time.time() - started, 1)

    out = args.out or RESULTS / f"{results['date']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    table = render(results)
    print(table)
    if not args.no_readme:
        update_readme(table)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def render(results: dict[str, Any]) -> str:
    """The README section for one results file."""
    m = results["machine"]
    lines = [
        f"Run {results['date']} (`{results['command']}`, {results['elapsed_s'] / 60:.0f} min), "
        f"commit `{m['commit']}`{' (dirty)' if m['dirty'] else ''}, {m['cpu']}, "
        f"{m['cores']} cores, {m['memory_gib']} GiB; model `{m['model']}` ({m['model_file']}); "
        f"split `{results['split']}`, {results['documents']} documents.",
        "",
    ]
    if "overhead" in results:
        s = results["overhead"]["summary"]
        lines += [
            "| overhead and economy | value |",
            "| --- | ---: |",
            f"| floor (bare requests), total | {s['floor_total_s']} s |",
            f"| `claimtrace extract --no-cache`, total | {s['claimtrace_total_s']} s |",
            f"| ratio claimtrace / floor | **{s['ratio']}** |",
            f"| ratio, floor ran first / claimtrace ran first | "
            f"{s['ratio_floor_first']} / {s['ratio_claimtrace_first']} |",
            f"| ratio in-process (no process start) | {s['in_process_ratio']} |",
            f"| process start and endpoint check, per document | {s['process_start_s_mean']} s |",
            f"| requests per document | {s['requests_per_document']} |",
            f"| prompt tokens per document, sent | {s['prompt_tokens_per_document']:,} |",
            f"| prompt tokens per document, evaluated (rest from llama-server's cache) | "
            f"{s['prompt_tokens_evaluated_per_document']:,} |",
            f"| prompt-cache share | {s['prompt_cache_share']:.1%} |",
            f"| generated tokens per document / per claim | "
            f"{s['completion_tokens_per_document']} / {s['completion_tokens_per_claim']} |",
            f"| the same claims as full records, tokens per claim | "
            f"{s['full_record_tokens_per_claim']} |",
            "",
        ]
    if "concurrency" in results:
        lines += [
            "| slots = documents in flight | articles/min | p50 | p95 | wall |",
            "| ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in results["concurrency"]:
            lines.append(
                f"| {row['slots']} | {row['articles_per_min']} | {row['p50_s']} s | "
                f"{row['p95_s']} s | {row['wall_s']} s ({row['documents']} docs) |"
            )
        lines.append("")
    if "warm" in results:
        w = results["warm"]
        lines += [
            f"Warm cache, {w['documents']} eval documents ({', '.join(w['splits'])}): extraction "
            f"{w['extract_s']} s ({w['extract_ms_per_document']} ms a document); the whole eval "
            f"(extract, score with bootstrap intervals, write reports) {w['eval_s']} s in one process; "
            f"from the shell, `claimtrace eval --split NAME` for the three splits took "
            f"{w['cli_eval_s']} s in all (importing the CLI: {w['cli_import_s']} s a process). "
            f"Filling the cache first "
            f"took {w['fill_calls']} model calls, {w['fill_s']} s.",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def update_readme(table: str) -> None:
    """Replace the section between the markers in benchmarks/README.md."""
    text = README.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = f"{head}{START}\n{table}{END}{tail}"
    else:
        text = f"{text.rstrip()}\n\n## Latest run\n\n{START}\n{table}{END}\n"
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

"""claimtrace, LangExtract and plain instructor on one split, one endpoint, one model, one session.

    python benchmarks/peers/compare.py --split test            # runs all three, then scores
    python benchmarks/peers/compare.py --split test --reuse    # score outputs already there

Each tool writes `benchmarks/results/peers/<split>/<tool>.jsonl` and its wall
time to `<tool>.time.json` (if that file is missing, the sum of the records'
`timings.total_s` stands in); `claimtrace eval` scores every file against the
same gold, and the table (F1 with 95% bootstrap intervals at the headline
threshold, seconds per article) goes to `benchmarks/results/peers/<split>.md`
and `.json`. Seconds per article is the wall time of
the whole run divided by its documents: what a user waits per article. The
peers take documents one after another (LangExtract sends a document's
chunks two at a time); claimtrace runs with its cache off and its defaults
(model calls up to the server's two slots, from any document).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from runner import doc_ids

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "peers"
# claimtrace's strategies, then the peers (`claimtrace-sentence` is the earlier design).
STRATEGY_TOOLS = ("claimtrace-rules", "claimtrace-parse", "claimtrace-sentence")
TOOLS = (*STRATEGY_TOOLS, "langextract", "instructor")
# claimtrace's CLI through this interpreter, the one the peers run with.
CLAIMTRACE = (sys.executable, "-c", "from claimtrace.cli import main; main()")
FIGURES = (("L1", "L1"), ("L2", "L2"), ("L3", "L3"))


def command(tool: str, split: str, out: Path, extra: list[str], cache: bool = False) -> list[str]:
    """The command that makes `out` for one tool."""
    if tool in STRATEGY_TOOLS:
        strategy = tool.removeprefix("claimtrace-")
        split_ids = doc_ids(split, None)
        ids = [i.removeprefix("fakes-") for i in split_ids if i.startswith("fakes-")]
        if len(ids) != len(split_ids):
            raise SystemExit("error: compare.py runs claimtrace on FA-KES splits (dev, test)")
        return [
            *CLAIMTRACE, "extract",
            *([] if cache else ["--no-cache"]), "--corpus", str(ROOT / "evals/corpus/fa-kes.csv"),
            *[a for i in ids for a in ("--ids", i)], "--out", str(out),
            "--strategy", strategy, *extra,
        ]  # fmt: skip
    script = HERE / f"{tool}_run.py"
    return [sys.executable, str(script), "--split", split, "--out", str(out), *extra]


def run_tool(tool: str, split: str, folder: Path, extra: list[str], cache: bool) -> None:
    out = folder / f"{tool}.jsonl"
    print(f"{tool}: running", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run(command(tool, split, out, extra, cache), cwd=ROOT)
    wall = time.perf_counter() - started
    (folder / f"{tool}.time.json").write_text(
        json.dumps({"wall_s": round(wall, 1), "exit": done.returncode, "date": _today()}) + "\n"
    )
    print(f"{tool}: {wall:.0f} s (exit {done.returncode})", file=sys.stderr, flush=True)


def score(tool: str, split: str, folder: Path) -> dict[str, Any]:
    """`claimtrace eval` on one tool's output; the headline figures and time per article."""
    out_dir = folder / f"eval-{tool}"
    subprocess.run(
        [
            *CLAIMTRACE, "eval",
            "--gold", str(ROOT / "evals" / "gold" / f"{split}.jsonl"),
            "--pred", str(folder / f"{tool}.jsonl"), "--out", str(out_dir),
        ],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    metrics = json.loads((out_dir / "metrics.json").read_text())
    levels = metrics["levels"][str(metrics["headline_threshold"])]
    records = [json.loads(line) for line in (folder / f"{tool}.jsonl").read_text().splitlines()]
    timing_file = folder / f"{tool}.time.json"
    if timing_file.is_file():
        timing = json.loads(timing_file.read_text())
    else:
        timing = {"wall_s": round(sum(r.get("timings", {}).get("total_s", 0) for r in records), 1)}
    hits = sum(r.get("stats", {}).get("cache_hits", 0) for r in records)
    if hits:
        raise SystemExit(
            f"error: {tool}: {hits} answers came from the response cache, so its time is "
            "not a model run; run it again without --claimtrace-cache"
        )
    row: dict[str, Any] = {
        "tool": tool,
        "documents": metrics["n_docs"],
        "failed": sum(1 for r in records if "error" in r),
        "pred_claims": metrics["n_pred_claims"],
        "gold_claims": metrics["n_gold_claims"],
        "s_per_article": round(timing["wall_s"] / max(metrics["n_docs"], 1), 2),
        "wall_s": timing["wall_s"],
        "date": timing.get("date", ""),
    }
    for key, _ in FIGURES:
        row[key] = _figure(levels[key])
    row["casualty"] = _figure(metrics["casualty"])
    return row


def _figure(block: dict[str, Any]) -> dict[str, Any]:
    return {
        "p": round(block["p"], 3),
        "r": round(block["r"], 3),
        "f1": round(block["f1"], 3),
        "f1_ci": [round(x, 3) for x in block["f1_ci"]],
    }


def render(split: str, rows: list[dict[str, Any]], model: str) -> str:
    lines = [
        f"Split `{split}` ({rows[0]['documents']} articles, {rows[0]['gold_claims']} gold "
        f"claims), model `{model}` on the local llama-server (2 cores), each tool run on the "
        "date given (`--reuse` re-scores earlier outputs). F1 at similarity >= 0.5 with 95% "
        "bootstrap intervals over documents.",
        "",
        "| tool | L1 F1 | L2 F1 | L3 F1 | casualty F1 | claims | failed docs | s/article | run |",
        "| --- | --- | --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        cells = [
            f"{row[k]['f1']:.3f} [{row[k]['f1_ci'][0]:.2f}, {row[k]['f1_ci'][1]:.2f}]"
            for k in ("L1", "L2", "L3", "casualty")
        ]
        lines.append(
            f"| {row['tool']} | {' | '.join(cells)} | {row['pred_claims']} | {row['failed']} | "
            f"{row['s_per_article']} | {row['date']} |"
        )
    return "\n".join(lines) + "\n"


def _today() -> str:
    return dt.date.today().isoformat()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test")
    ap.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    ap.add_argument("--reuse", action="store_true", help="score existing outputs, run nothing")
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument(
        "--claimtrace-cache",
        action="store_true",
        help="let claimtrace write its answers to the response cache (for a later warm "
        "re-run); scoring refuses the run if any answer was read from it",
    )
    args = ap.parse_args()
    folder = RESULTS / args.split
    folder.mkdir(parents=True, exist_ok=True)
    for tool in args.tools:
        if not args.reuse or not (folder / f"{tool}.time.json").is_file():
            extra = ["--model", args.model]
            run_tool(tool, args.split, folder, extra, args.claimtrace_cache)
    rows = [score(tool, args.split, folder) for tool in args.tools]
    table = render(args.split, rows, args.model)
    (RESULTS / f"{args.split}.json").write_text(json.dumps(rows, indent=2) + "\n")
    (RESULTS / f"{args.split}.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

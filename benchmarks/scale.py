"""How splitting and the whole `rules` extraction scale with article length.

Builds realistic articles of 10 K, 100 K, 1 M and 5 M characters by repeating
the five seed articles (`seeds/*.txt`) with paragraph breaks, and times
(a) `sentences.segment` and (b) `Extractor(strategy="rules").extract(text)`
(parse, candidates, sources, rules, records) on each. Every measurement runs
in a fresh subprocess, so its peak RSS (`resource.getrusage`) is its own and
the parser's first load is not in the figure (it is loaded before the clock
starts). Both should grow linearly: time per million characters roughly
constant from 100 K up.

    python benchmarks/scale.py [--sizes 10000,100000,1000000,5000000] [--timeout 900]

The extractor runs with `max_chars` raised past the largest size: at the
default (`load.DEFAULT_MAX_CHARS`, 500,000) the 1 M and 5 M articles are
refused before any work with "document has N characters, over the limit".
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000, 1_000_000, 5_000_000)
STAGES = ("segment", "rules")


def article(size: int) -> str:
    """The seed articles, repeated with paragraph breaks, cut at a space to `size` characters."""
    seeds = [p.read_text(encoding="utf-8").strip() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    parts: list[str] = []
    total = 0
    while total < size:
        for seed in seeds:
            parts.append(seed)
            total += len(seed) + 2
    text = "\n\n".join(parts)[:size]
    cut = text.rfind(" ")
    return text[:cut] if cut > size * 0.9 else text


def measure(stage: str, size: int) -> dict[str, float | int]:
    """One stage on one size, in this process."""
    from claimtrace import Extractor, parse, sentences

    text = article(size)
    if stage == "rules":
        parse.pipeline()  # loaded outside the clock
        extractor = Extractor(strategy="rules", cache=False, max_chars=len(text) + 1)
        started = time.perf_counter()
        record = extractor.extract(text)
        count = len(record.claims)
    else:
        started = time.perf_counter()
        count = len(sentences.segment(text))
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"chars": len(text), "seconds": seconds, "items": count, "peak_mb": peak_kb / 1024}


def run_child(stage: str, size: int, timeout: float) -> dict[str, float | int] | None:
    """`measure` in a fresh interpreter; None when it did not finish within `timeout`."""
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", stage, str(size)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    result: dict[str, float | int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per measurement")
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'stage':8} {'chars':>10} {'seconds':>9} {'s per M chars':>14} {'items':>8} {'peak MB':>8}"
    )
    for stage in args.stages.split(","):
        for size in sizes:
            row = run_child(stage, size, args.timeout)
            if row is None:
                print(f"{stage:8} {size:>10,} {'> ' + format(args.timeout, 'g'):>9}", flush=True)
                continue
            per_m = float(row["seconds"]) / (int(row["chars"]) / 1e6)
            print(
                f"{stage:8} {int(row['chars']):>10,} {float(row['seconds']):>9.2f} {per_m:>14.2f} "
                f"{int(row['items']):>8,} {float(row['peak_mb']):>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""Documents per minute of `claimtrace batch`: local vs Ray, one and two endpoints.

Two workloads on the same dev-pool FA-KES articles (only rows whose unit_id is
in `evals/corpus/dev_pool.txt` are read):

* `rules` (no model): the parse stage's scaling. The local engine runs the
  parse in threads of one process (the GIL bounds it to about one core); Ray
  runs one actor per CPU (`--actors`).
* `article` against fake OpenAI-compatible endpoints on loopback answering
  each call after `--latency` s, with `--slots` documents in flight per
  endpoint (what a GPU server's slots would allow): the endpoint scaling. The
  fake answers `{"claims": []}`, so this measures the pool, not a model.
* `parse` against real llama-servers with gemma-3-270m (one slot, one thread
  each) on the first `--llama` articles (0: skipped): what two model endpoints
  give on the same machine. On 2 cores they share the CPU with the parse and
  with each other, so they cannot scale as the fake endpoints do.

Ray is started once before the Ray rows (its start, ~5 s, is not in them);
each row includes its actors' start (spaCy's load). The response cache is off.

    python benchmarks/batch.py [--docs 100] [--latency 0.5] [--slots 2] [--llama 24]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimtrace.batch.inputs import read_input  # noqa: E402
from claimtrace.batch.options import BatchOptions  # noqa: E402
from claimtrace.batch.run import EngineChoice, run_batch  # noqa: E402
from claimtrace.llm import server  # noqa: E402
from tests.batch.conftest import dev_articles, write_jsonl  # noqa: E402
from tests.faults.upstream import SlowUpstream  # noqa: E402


def measure(
    source: Path, engine: EngineChoice, urls: list[str], options: BatchOptions
) -> tuple[float, int]:
    """Seconds for one fresh run, and the documents it wrote."""
    documents = read_input(str(source)).documents
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        summary = run_batch(str(source), documents, Path(out), urls, options, engine)
        return time.monotonic() - started, summary.written


def add_row(
    rows: list[dict[str, object]], labels: tuple[str, str, str], measured: tuple[float, int]
) -> None:
    """One table row (workload, engine, endpoints), also printed as it is measured."""
    seconds, docs = measured
    workload, engine, endpoints = labels
    rows.append(
        {
            "workload": workload,
            "engine": engine,
            "endpoints": endpoints,
            "docs": docs,
            "seconds": round(seconds, 1),
            "docs_per_min": round(docs / seconds * 60),
        }
    )
    print(json.dumps(rows[-1]), file=sys.stderr, flush=True)


def llama_rows(rows: list[dict[str, object]], work: Path, count: int) -> None:
    """`parse` on real gemma-3-270m llama-servers: one and two endpoints, local and Ray.

    Two servers of one thread each are set against one of one thread and one
    of two threads (the same cores as the pair), so the rows show what the
    second endpoint adds beyond the second core.
    """
    source = work / "llama.jsonl"
    write_jsonl(source, dev_articles(count))
    model = "gemma-3-270m"
    options = BatchOptions(strategy="parse", model=model, no_cache=True)
    workload = f"parse, {model} llama-server"
    for label, threads in (
        ("1 (1 thread)", [1]),
        ("2 (1 thread each)", [1, 1]),
        ("1 (2 threads)", [2]),
    ):
        ports = [18251 + i for i in range(len(threads))]
        try:
            urls = [
                server.start(model, port=port, parallel=1, ctx=4096, threads=n).base_url
                for port, n in zip(ports, threads, strict=True)
            ]
            local = EngineChoice("local", progress=False)
            add_row(rows, (workload, "local", label), measure(source, local, urls, options))
            engine = EngineChoice("ray", batch_size=4, progress=False)
            add_row(rows, (workload, "ray", label), measure(source, engine, urls, options))
        finally:
            for port in ports:
                server.stop(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--llama", type=int, default=24, help="Articles for the llama rows.")
    parser.add_argument("--json", type=Path, help="Also write the rows here.")
    args = parser.parse_args()

    import ray

    work = Path(tempfile.mkdtemp())
    source = work / "in.jsonl"
    write_jsonl(source, dev_articles(args.docs))
    rules = BatchOptions(strategy="rules")
    fake = BatchOptions(strategy="article", model="fake", no_cache=True, concurrency=args.slots)
    rows: list[dict[str, object]] = []

    local = EngineChoice("local", progress=False)
    add_row(rows, ("rules", "local", "-"), measure(source, local, [], rules))
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    for actors in (1, 2):
        engine = EngineChoice("ray", actors=actors, batch_size=8, progress=False)
        label = f"ray ({actors} actor{'s' * (actors > 1)})"
        add_row(rows, ("rules", label, "-"), measure(source, engine, [], rules))
    workload = f"article, fake {args.latency:g} s"
    with SlowUpstream(args.latency) as first, SlowUpstream(args.latency) as second:
        for count, urls in ((1, [first.base_url]), (2, [first.base_url, second.base_url])):
            add_row(rows, (workload, "local", str(count)), measure(source, local, urls, fake))
            engine = EngineChoice("ray", batch_size=8, progress=False)
            add_row(rows, (workload, "ray", str(count)), measure(source, engine, urls, fake))
    if args.llama:
        llama_rows(rows, work, args.llama)
    ray.shutdown()

    print("| workload | engine | endpoints | docs | s | docs/min |\n|---|---|---|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['workload']} | {r['engine']} | {r['endpoints']} | {r['docs']} "
            f"| {r['seconds']} | {r['docs_per_min']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()

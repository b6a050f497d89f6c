"""What both peer scripts share: arguments, the documents of a split, and the JSONL loop.

Kept apart from the peers so that everything except the extraction itself
(which documents, how they are resolved, how a failure and the time are
written) is identical for both, and identical to what `claimtrace eval` reads.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from claimtrace.llm.endpoint import Endpoint, resolve_endpoint
from claimtrace.load import DocumentStore

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT / "evals" / "gold"

Record = dict[str, Any]
Extract = Callable[[str, str], Record]


def parser(description: str) -> argparse.ArgumentParser:
    """The options every peer takes; each peer adds its own."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--split", required=True, help="gold split: seeds, dev or test")
    ap.add_argument("--out", required=True, type=Path, help="output JSONL (one document a line)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint (default: local)")
    ap.add_argument("--api-key", default=None)
    ap.add_argument("--model", default=None, help="model name (default: claimtrace's)")
    ap.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="documents in flight (default: the server's slots, as claimtrace uses)",
    )
    return ap


def endpoint(args: argparse.Namespace) -> Endpoint:
    """The endpoint claimtrace itself would use, so peers run the same server and model."""
    return resolve_endpoint(base_url=args.base_url, api_key=args.api_key, model=args.model)


def concurrency(args: argparse.Namespace, ep: Endpoint) -> int:
    """Documents in flight: `--concurrency`, else the server's slots."""
    return args.concurrency or ep.parallel or 1


def doc_ids(split: str, limit: int | None) -> list[str]:
    """The split's doc_ids in gold file order, so `--limit N` means the same N for every peer."""
    path = GOLD_DIR / f"{split}.jsonl"
    if not path.is_file():
        raise SystemExit(f"error: {path}: no such gold split")
    ids = [json.loads(line)["doc_id"] for line in path.read_text().splitlines() if line.strip()]
    return ids if limit is None else ids[:limit]


def run(ids: list[str], extract: Extract, out: Path, concurrency: int = 1) -> int:
    """Extract the documents, `concurrency` at a time, one JSON line each in input order.

    A failure is recorded and skipped. `timings.total_s` is the wall time of
    `extract` for that document (model calls and adapter; with concurrency
    above 1 it includes waiting for a free server slot).
    """
    store = DocumentStore()
    texts = {doc_id: store.get(doc_id) for doc_id in ids}
    out.parent.mkdir(parents=True, exist_ok=True)

    def one(doc_id: str) -> Record:
        started = time.perf_counter()
        try:
            record = extract(doc_id, texts[doc_id])
            summary = f"{len(record['claims'])} claims"
        except Exception as err:  # any failure of one document: record it, go on
            message = " ".join(f"{type(err).__name__}: {err}".split())[:500]
            record = {"doc_id": doc_id, "error": message}
            summary = f"error: {message[:120]}"
        seconds = round(time.perf_counter() - started, 2)
        record["timings"] = {"total_s": seconds}
        print(f"{doc_id}: {seconds:.1f} s, {summary}", file=sys.stderr, flush=True)
        return record

    with ThreadPoolExecutor(max_workers=max(concurrency, 1)) as pool:
        records = list(pool.map(one, ids))
    with out.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    failed = sum(1 for r in records if "error" in r)
    print(f"wrote {len(ids)} documents ({failed} failed) to {out}", file=sys.stderr)
    return 1 if failed else 0

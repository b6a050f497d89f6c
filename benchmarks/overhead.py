"""claimtrace against the floor: the same requests sent straight to llama-server.

For each document: the request bodies claimtrace sends are captured without
the model (the extractor runs against a transport that answers every call
with an empty claim list), then two timed runs hit the same llama-server:

- **floor**: those bodies POSTed with a plain `httpx` client, as many at a time
  as the server has slots, nothing else done with the answers;
- **claimtrace**: `claimtrace extract --no-cache` on the document in a fresh
  process (start-up, endpoint check, calls, validation, grounding, writing).

The order alternates from one document to the next (floor first on even
documents), because whichever runs second finds its prompts in llama-server's
RAM prompt cache. The same pass yields the prompt-cache and output-economy
figures: llama-server's `timings` for every floor request, claimtrace's
`usage`, and the tokens the model would have written for the same claims in
the full record format (counted by llama-server's `/tokenize`).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from common import claimtrace_command, percentile

from claimtrace.extractor import Extractor
from claimtrace.llm.endpoint import Endpoint, resolve_endpoint
from claimtrace.schema import Claim

EMPTY_ANSWER = '{"claims": []}'
GUIDE_FIELDS = tuple(Claim.model_fields)


def _canned(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    return httpx.Response(
        200,
        json={
            "id": "capture",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", ""),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": EMPTY_ANSWER},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        },
    )


def capture(endpoint: Endpoint, doc_id: str, text: str) -> list[dict[str, Any]]:
    """The request bodies claimtrace sends for one document (first attempts)."""
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return _canned(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    Extractor(cache=False, endpoint=endpoint, http_client=client, say=lambda _m: None).extract(
        text, doc_id
    )
    return bodies


async def _floor(base_url: str, bodies: list[dict[str, Any]], slots: int) -> list[dict[str, Any]]:
    gate = asyncio.Semaphore(slots)
    async with httpx.AsyncClient(timeout=1800) as client:

        async def one(body: dict[str, Any]) -> dict[str, Any]:
            async with gate:
                response = await client.post(f"{base_url}/chat/completions", json=body)
                response.raise_for_status()
                answer: dict[str, Any] = response.json()
                return answer

        return list(await asyncio.gather(*(one(b) for b in bodies)))


def floor(base_url: str, bodies: list[dict[str, Any]], slots: int) -> tuple[float, dict[str, int]]:
    """Wall time of the bare requests, and llama-server's token counts for them."""
    started = time.perf_counter()
    answers = asyncio.run(_floor(base_url, bodies, slots))
    wall = time.perf_counter() - started
    totals = {"prompt_evaluated": 0, "prompt_cached": 0, "generated": 0}
    for answer in answers:
        timings = answer.get("timings") or {}
        totals["prompt_evaluated"] += int(timings.get("prompt_n") or 0)
        totals["prompt_cached"] += int(timings.get("cache_n") or 0)
        totals["generated"] += int(timings.get("predicted_n") or 0)
    return wall, totals


def claimtrace_cli(endpoint: Endpoint, path: Path, out: Path) -> tuple[float, dict[str, Any]]:
    """Wall time of `claimtrace extract --no-cache` on one file, and the record it wrote."""
    command = [
        *claimtrace_command(),
        "extract", "--no-cache", "--base-url", endpoint.base_url,
        "--model", endpoint.model, str(path), "--out", str(out),
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"error: claimtrace extract failed on {path.name}: {done.stderr.strip()}")
    record: dict[str, Any] = json.loads(out.read_text().splitlines()[0])
    return wall, record


def full_record_tokens(server_root: str, record: dict[str, Any]) -> int:
    """Tokens of the record's claims written out in the guide's full format."""
    claims = [{k: c.get(k) for k in GUIDE_FIELDS} for c in record.get("claims", [])]
    content = json.dumps({"claims": claims}, ensure_ascii=False)
    response = httpx.post(f"{server_root}/tokenize", json={"content": content}, timeout=60)
    response.raise_for_status()
    return len(response.json()["tokens"])


def run(endpoint: Endpoint, docs: list[tuple[str, str]], slots: int) -> dict[str, Any]:
    """Per-document and total figures for overhead, prompt cache and output economy."""
    server_root = endpoint.base_url.removesuffix("/v1")
    # The CLI probes a new endpoint once (then caches the result): not part of any document.
    resolve_endpoint(base_url=endpoint.base_url, model=endpoint.model, say=lambda _m: None)
    # Warm-up, not timed: the fixed prompt prefix is evaluated once per slot, so
    # neither side pays it for the first document.
    warm_id, warm_text = docs[0]
    floor(endpoint.base_url, capture(endpoint, warm_id, warm_text) * slots, slots)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="claimtrace-bench-") as tmp:
        for index, (doc_id, text) in enumerate(docs):
            path = Path(tmp) / f"{doc_id}.txt"
            path.write_text(text, encoding="utf-8")
            bodies = capture(endpoint, doc_id, text)
            if index % 2 == 0:
                floor_s, tokens = floor(endpoint.base_url, bodies, slots)
                cli_s, record = claimtrace_cli(endpoint, path, Path(tmp) / "out.jsonl")
            else:
                cli_s, record = claimtrace_cli(endpoint, path, Path(tmp) / "out.jsonl")
                floor_s, tokens = floor(endpoint.base_url, bodies, slots)
            usage, stats = record.get("usage", {}), record.get("stats", {})
            row = {
                "doc_id": doc_id,
                "chars": len(text),
                "order": "floor first" if index % 2 == 0 else "claimtrace first",
                "requests": len(bodies),
                "claimtrace_calls": stats.get("calls"),
                "claimtrace_reasks": stats.get("reasks"),
                "floor_s": round(floor_s, 2),
                "claimtrace_s": round(cli_s, 2),
                "claimtrace_in_process_s": record.get("timings", {}).get("total_s"),
                "ratio": round(cli_s / floor_s, 3) if floor_s else None,
                "claims": len(record.get("claims", [])),
                "prompt_tokens": usage.get("prompt_tokens", 0),
                "prompt_tokens_cached": usage.get("cached_prompt_tokens", 0),
                "completion_tokens": usage.get("completion_tokens", 0),
                "floor_prompt_evaluated": tokens["prompt_evaluated"],
                "floor_prompt_cached": tokens["prompt_cached"],
                "floor_generated": tokens["generated"],
                "full_record_tokens": full_record_tokens(server_root, record),
            }
            rows.append(row)
            print(
                f"  {doc_id}: floor {floor_s:.1f} s, claimtrace {cli_s:.1f} s "
                f"(x{row['ratio']}), {row['claims']} claims, {row['completion_tokens']} tokens out",
                file=sys.stderr,
                flush=True,
            )
    return {"documents": rows, "summary": summarise(rows)}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals and ratios over the documents."""
    n = len(rows) or 1
    floor_total = sum(r["floor_s"] for r in rows)
    cli_total = sum(r["claimtrace_s"] for r in rows)
    in_process = sum(r["claimtrace_in_process_s"] or 0 for r in rows)
    prompt = sum(r["prompt_tokens"] for r in rows)
    cached = sum(r["prompt_tokens_cached"] for r in rows)
    out = sum(r["completion_tokens"] for r in rows)
    claims = sum(r["claims"] for r in rows)
    full = sum(r["full_record_tokens"] for r in rows)

    def ratio_of(order: str) -> float | None:
        chosen = [r for r in rows if r["order"] == order]
        base = sum(r["floor_s"] for r in chosen)
        return round(sum(r["claimtrace_s"] for r in chosen) / base, 3) if base else None

    return {
        "documents": len(rows),
        "floor_total_s": round(floor_total, 1),
        "claimtrace_total_s": round(cli_total, 1),
        "ratio": round(cli_total / floor_total, 3) if floor_total else None,
        "ratio_floor_first": ratio_of("floor first"),
        "ratio_claimtrace_first": ratio_of("claimtrace first"),
        "in_process_ratio": round(in_process / floor_total, 3) if floor_total else None,
        "process_start_s_mean": round((cli_total - in_process) / n, 2),
        "ratio_p95_per_document": round(percentile([r["ratio"] or 0 for r in rows], 95), 3),
        "requests_per_document": round(sum(r["requests"] for r in rows) / n, 1),
        "prompt_tokens_per_document": round(prompt / n),
        "prompt_tokens_evaluated_per_document": round((prompt - cached) / n),
        "prompt_cache_share": round(cached / prompt, 3) if prompt else None,
        "completion_tokens_per_document": round(out / n),
        "completion_tokens_per_claim": round(out / claims, 1) if claims else None,
        "claims_per_document": round(claims / n, 1),
        "full_record_tokens_per_claim": round(full / claims, 1) if claims else None,
    }

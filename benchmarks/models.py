"""Prompt and generation speed of each installed model on this machine.

For every registered model that is present: start llama-server (one slot, the
same flags claimtrace uses), send the extraction request for one seed article
cold (empty prompt cache), read llama-server's own per-request timings, stop
it. Prints a table; `--json FILE` also writes the figures.

    python benchmarks/models.py [--models NAME ...] [--max-tokens 256] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import httpx
from common import ROOT, local_server

from claimtrace import prompting
from claimtrace.llm import build, models
from claimtrace.schema import ModelAnswer


def measure(name: str, max_tokens: int) -> dict[str, object]:
    """One cold extraction request against `name`; llama-server's timings for it."""
    text = (ROOT / "seeds" / "004_edab79c1a45cfe29.txt").read_text(encoding="utf-8")
    messages = prompting.load("claims").render(article=text)
    started = time.monotonic()
    with local_server(name, parallel=1) as endpoint:
        load_s = time.monotonic() - started
        body = {
            "model": name,
            "messages": messages,
            "temperature": 0,
            "max_tokens": max_tokens,
            "cache_prompt": False,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": ModelAnswer.model_json_schema()},
            },
        }
        response = httpx.post(f"{endpoint.base_url}/chat/completions", json=body, timeout=1800)
        response.raise_for_status()
        timings = response.json()["timings"]
    drafted = timings.get("draft_n") or 0
    return {
        "model": name,
        "load_s": round(load_s, 1),
        "prompt_tokens": timings["prompt_n"],
        "prompt_tok_s": round(timings["prompt_per_second"], 1),
        "generated_tokens": timings["predicted_n"],
        "gen_tok_s": round(timings["predicted_per_second"], 1),
        "draft_accept": round((timings.get("draft_n_accepted") or 0) / drafted, 2)
        if drafted
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=None)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    build.build()
    names = args.models or [s.name for s in models.all_models() if s.present()]
    rows = [measure(name, args.max_tokens) for name in names]
    print(
        f"{'model':22} {'load s':>7} {'prompt tok':>10} {'prompt tok/s':>12} "
        f"{'gen tok':>8} {'gen tok/s':>9} {'draft acc':>9}"
    )
    for r in rows:
        print(
            f"{r['model']!s:22} {r['load_s']!s:>7} {r['prompt_tokens']!s:>10} "
            f"{r['prompt_tok_s']!s:>12} {r['generated_tokens']!s:>8} {r['gen_tok_s']!s:>9} "
            f"{r['draft_accept']!s:>9}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()

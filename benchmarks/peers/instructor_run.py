"""Peer: plain instructor, one call per article, answering in the guide's claim schema.

The baseline a developer would write first: instructor over the OpenAI SDK in
`Mode.JSON_SCHEMA` (llama-server turns the schema into a grammar), the guide's
`Claim` model with its validators as the response model, temperature 0, the
rules of the guide as the system prompt and the article as the user turn. No
sentence selection, chunking, grounding, derivation or response cache:
whatever the model writes as evidence is scored as it is.

    python benchmarks/peers/instructor_run.py --split dev --out FILE.jsonl [--limit N]
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from typing import Any

import instructor
import openai
from pydantic import BaseModel
from runner import Record, concurrency, doc_ids, endpoint, parser, run
from task import EXAMPLES, FIELDS, RULES

from claimtrace.schema import Claim

SYSTEM = f"""{RULES}

Answer with JSON {{"claims": [...]}}: one object per claim, in article order, each with the fields evidence, statement (the claim as one self-contained sentence, pronouns resolved), source ({{"name": ..., "type": ...}}), cue, mode, kind, certainty and casualty (for kind "casualty" an object with count, qualifier, outcome, victims, location and period; otherwise null).

{FIELDS}"""


class Answer(BaseModel):
    """The whole answer for one article: the guide's claims, nothing else."""

    claims: list[Claim]


def messages(text: str, fewshot: bool) -> list[dict[str, str]]:
    """System rules, optionally the three labelled articles as turns, then the article."""
    turns = [{"role": "system", "content": SYSTEM}]
    if fewshot:
        for example, claims in EXAMPLES:
            turns.append({"role": "user", "content": example})
            turns.append({"role": "assistant", "content": json.dumps({"claims": claims})})
    turns.append({"role": "user", "content": text})
    return turns


def main() -> int:
    ap = parser(__doc__.splitlines()[0])
    ap.add_argument(
        "--max-tokens",
        type=int,
        default=4096,
        help="answer budget; whole evidence and statements need more than claimtrace's 1536",
    )
    ap.add_argument(
        "--max-retries",
        type=int,
        default=1,
        help="instructor re-asks on a validation error (claimtrace allows 1)",
    )
    ap.add_argument(
        "--fewshot",
        action="store_true",
        help="add the three labelled few-shot articles as chat turns (off: plain)",
    )
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per HTTP request")
    args = ap.parse_args()
    ids = doc_ids(args.split, args.limit)  # a wrong split fails before any server starts

    ep = endpoint(args)
    raw = openai.OpenAI(base_url=ep.base_url, api_key=ep.api_key, timeout=args.timeout)
    client = instructor.from_openai(raw, mode=instructor.Mode.JSON_SCHEMA)
    counts = {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0, "reasks": 0}

    def on_response(response: Any, **_: Any) -> None:
        counts["calls"] += 1
        usage = getattr(response, "usage", None)
        if usage is not None:
            counts["prompt_tokens"] += int(usage.prompt_tokens or 0)
            counts["completion_tokens"] += int(usage.completion_tokens or 0)

    def on_parse_error(*_: Any, **__: Any) -> None:
        counts["reasks"] += 1

    client.on("completion:response", on_response)
    client.on("parse:error", on_parse_error)

    def extract(doc_id: str, text: str) -> Record:
        for key in counts:
            counts[key] = 0
        answer = client.chat.completions.create(
            model=ep.model,
            response_model=Answer,
            messages=messages(text, args.fewshot),  # type: ignore[arg-type]
            max_retries=args.max_retries,
            temperature=0,
            max_tokens=args.max_tokens,
        )
        return {
            "doc_id": doc_id,
            "claims": [claim.model_dump(mode="json") for claim in answer.claims],
            "model": ep.model,
            "usage": {
                "prompt_tokens": counts["prompt_tokens"],
                "completion_tokens": counts["completion_tokens"],
            },
            "stats": {"calls": counts["calls"], "reasks": counts["reasks"], "chunks": 1},
        }

    print(
        f"instructor {version('instructor')} -> {ep.base_url} ({ep.model}), "
        f"mode {instructor.Mode.JSON_SCHEMA.value}",
        file=sys.stderr,
    )
    return run(ids, extract, args.out, concurrency(args, ep))


if __name__ == "__main__":
    sys.exit(main())

"""`POST /v1/ledger`: the casualty ledger of posted records, the JSON `claimtrace ledger` writes.

No model is called: the ledger groups figures already extracted. The body is
JSON (the service only takes JSON): a list of document records, or one
string holding their JSON Lines (an OUT.jsonl file as it is).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.concurrency import run_in_threadpool

from ..ledger.build import build, ledger_json
from ..ledger.cli import default_sources
from ..ledger.records import parse_jsonl, parse_records
from .routes_native import declared

router = APIRouter(tags=["ledger"])

EXAMPLE_RECORD = {
    "doc_id": "a1",
    "meta": {"outlet": "reuters", "date": "2017-04-05"},
    "claims": [
        {
            "evidence": "at least 58 people were killed in Khan Sheikhoun on Tuesday",
            "statement": "SOHR said at least 58 people were killed in Khan Sheikhoun on Tuesday.",
            "source": {"name": "Syrian Observatory for Human Rights", "type": "ngo"},
            "cue": "said", "mode": "indirect", "kind": "casualty", "certainty": "asserted",
            "casualty": {"count": 58, "qualifier": "at_least", "outcome": "killed",
                         "victims": "unspecified", "location": "Khan Sheikhoun",
                         "period": "on Tuesday"},
        }
    ],
}  # fmt: skip
EXAMPLES: dict[str, Any] = {
    "records": {"summary": "A list of document records", "value": [EXAMPLE_RECORD]},
    "jsonl": {
        "summary": "JSON Lines text (an OUT.jsonl file) as one JSON string",
        "value": '{"doc_id": "a1", "claims": []}\n{"doc_id": "a2", "claims": []}\n',
    },
}
LEDGER_SCHEMA = {
    "type": "object",
    "description": "summary, documents, views (tallies of one place and window) and tallies "
    "(each with its figures, count range, flag and why): see docs/ledger.md",
    "required": ["ledger_version", "summary", "documents", "views", "tallies"],
}


def _ledger(body: list[Any] | str) -> dict[str, Any]:
    records = parse_jsonl(body, "body") if isinstance(body, str) else parse_records(body, "body")
    return ledger_json(build(records, default_sources(None, None)))


@router.post(
    "/v1/ledger",
    summary="Group casualty figures across documents into tallies",
    responses={
        200: {
            "description": "The ledger, as `claimtrace ledger` writes ledger.json",
            "content": {"application/json": {"schema": LEDGER_SCHEMA}},
        },
        **declared(400, 401, 413, 415, 422),
    },
)
async def post_ledger(
    body: Annotated[
        list[dict[str, Any]] | str,
        Body(
            description="Document records (gold format or extraction output), or their "
            "JSON Lines as one string",
            openapi_examples=EXAMPLES,
        ),
    ],
) -> dict[str, Any]:
    """Tallies with every source's figure, the count range and a conflict/agreement flag."""
    return await run_in_threadpool(_ledger, body)

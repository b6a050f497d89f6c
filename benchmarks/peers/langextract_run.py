"""Peer: LangExtract 1.7.1 over the same llama-server, mapped to the guide's gold format.

Configured as LangExtract's README says for an OpenAI-compatible endpoint:
`ModelConfig(provider="openai", provider_kwargs={"api_key", "base_url"})`,
with `fence_output` and `use_schema_constraints` left to the library (it
derives a `json_schema` response format from the examples, which llama-server
enforces as a grammar). Its own chunking (`max_char_buffer`, default 1000
characters), alignment and filtering of ungrounded extractions are kept; the
adapter only renames fields.

    python benchmarks/peers/langextract_run.py --split dev --out FILE.jsonl [--limit N]
"""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from importlib.metadata import version
from typing import Any, get_args

import langextract as lx
from runner import Record, doc_ids, endpoint, parser, run
from task import EXAMPLES, FIELDS, RULES, statement

from claimtrace.schema import Certainty, Kind, Outcome, Qualifier, SourceType, Victims

CLASS = "claim"
CASUALTY_KEYS = ("count", "qualifier", "outcome", "victims", "location", "period")

PROMPT = f"""{RULES}

Extract each claim as one "{CLASS}" whose text is its evidence: exact text from the article, not paraphrased, and give it these attributes:
{FIELDS.replace("- source name:", "- source_name:").replace("- source type:", "- source_type:")}
The casualty-only attributes are null for the other kinds."""


def attributes(claim: dict[str, Any]) -> dict[str, Any]:
    """A gold claim's fields as flat LangExtract attributes (one schema variant for all claims)."""
    casualty = claim["casualty"] or {}
    flat: dict[str, Any] = {
        "kind": claim["kind"],
        "source_name": claim["source"]["name"],
        "source_type": claim["source"]["type"],
        "cue": claim["cue"],
        "mode": claim["mode"],
        "certainty": claim["certainty"],
    }
    flat.update({key: casualty.get(key) for key in CASUALTY_KEYS})
    return flat


def examples() -> list[lx.data.ExampleData]:
    """The three few-shot articles, each gold evidence as an extraction in article order."""
    return [
        lx.data.ExampleData(
            text=text,
            extractions=[
                lx.data.Extraction(
                    extraction_class=CLASS,
                    extraction_text=claim["evidence"],
                    attributes=attributes(claim),
                )
                for claim in claims
            ],
        )
        for text, claims in EXAMPLES
    ]


# --- adapter: LangExtract extraction -> gold claim ---------------------------


def _text(value: Any) -> str | None:
    """A non-blank string attribute, else None (models write "", "null" or "N/A" for none)."""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if value is None or isinstance(value, bool):
        return None
    text = " ".join(str(value).split())
    return None if text.lower() in {"", "null", "none", "n/a", "unknown"} else text


def _enum(value: Any, allowed: tuple[str, ...]) -> str | None:
    """The enum value written loosely ("At least", "state media"), or None if it is none."""
    text = _text(value)
    if text is None:
        return None
    key = re.sub(r"[\s-]+", "_", text.lower())
    return key if key in allowed else None


def _count(value: Any) -> int | None:
    """An integer count: an int, an integral float or a digit string ("2,000"); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = (_text(value) or "").replace(",", "")
    return int(text) if text.isdigit() else None


def to_claim(extraction: lx.data.Extraction, text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """One gold claim (or None when LangExtract could not locate it) and what was repaired.

    Evidence is the article text at LangExtract's `char_interval`, so it is
    exactly what the library aligned. Repairs keep a record in the schema the
    harness reads: an enum the model misspelled gets the guide's default
    (kind `other`, certainty `asserted`, qualifier `exact`, outcome `killed`,
    victims `unspecified`), source and mode are made consistent the way the
    guide defines them, and a casualty without an integer count has `casualty`
    null.
    """
    interval = extraction.char_interval
    if interval is None or interval.start_pos is None or interval.end_pos is None:
        return None, []
    attrs: dict[str, Any] = dict(extraction.attributes or {})
    repairs: list[str] = []

    def pick(key: str, allowed: tuple[str, ...], default: str) -> str:
        value = _enum(attrs.get(key), allowed)
        if value is None:
            repairs.append(f"{key}={attrs.get(key)!r}->{default}")
            return default
        return value

    name = _text(attrs.get("source_name"))
    type_ = _enum(attrs.get("source_type"), get_args(SourceType))
    if type_ is None:
        type_ = "author" if name is None else "anonymous"
        repairs.append(f"source_type={attrs.get('source_type')!r}->{type_}")
    if type_ == "author":
        name = None
    elif name is None:
        type_ = "author"
        repairs.append("source_name=null->type author")
    cue = None if type_ == "author" else _text(attrs.get("cue"))
    mode = "unattributed" if type_ == "author" else pick("mode", ("direct", "indirect"), "indirect")
    kind = pick("kind", get_args(Kind), "other")
    casualty = None
    if kind == "casualty":
        count = _count(attrs.get("count"))
        if count is None:
            repairs.append(f"count={attrs.get('count')!r}->casualty null")
        else:
            casualty = {
                "count": count,
                "qualifier": pick("qualifier", get_args(Qualifier), "exact"),
                "outcome": pick("outcome", get_args(Outcome), "killed"),
                "victims": pick("victims", get_args(Victims), "unspecified"),
                "location": _text(attrs.get("location")),
                "period": _text(attrs.get("period")),
            }
    evidence = text[interval.start_pos : interval.end_pos]
    status = extraction.alignment_status
    claim = {
        "evidence": evidence,
        "statement": statement(name, cue, evidence),
        "source": {"name": name, "type": type_},
        "cue": cue,
        "mode": mode,
        "kind": kind,
        "certainty": pick("certainty", get_args(Certainty), "asserted"),
        "casualty": casualty,
        "span": {"start": interval.start_pos, "end": interval.end_pos},
        "grounding": "exact" if status == lx.data.AlignmentStatus.MATCH_EXACT else "fuzzy",
    }
    return claim, repairs


class _Collect(logging.Handler):
    """LangExtract logs dropped chunks (parse or schema errors) as warnings and goes on."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if f"{os.sep}langextract{os.sep}" in record.pathname:  # the library, not this script
            self.messages.append(" ".join(record.getMessage().split())[:300])


def main() -> int:
    ap = parser(__doc__.splitlines()[0])
    ap.add_argument(
        "--max-char-buffer",
        type=int,
        default=1000,
        help="LangExtract chunk size in characters (its default)",
    )
    ap.add_argument(
        "--max-workers",
        type=int,
        default=None,
        help="chunks in flight (default: the server's slots)",
    )
    ap.add_argument("--max-output-tokens", type=int, default=2048, help="answer budget per chunk")
    args = ap.parse_args()
    ids = doc_ids(args.split, args.limit)  # a wrong split fails before any server starts

    ep = endpoint(args)
    workers = args.max_workers or ep.parallel or 1
    config = lx.factory.ModelConfig(
        model_id=ep.model,
        provider="openai",
        provider_kwargs={
            "api_key": ep.api_key,
            "base_url": ep.base_url,
            "temperature": 0.0,
            "max_workers": workers,
            "max_output_tokens": args.max_output_tokens,
        },
    )
    shots = examples()
    collect = _Collect()
    logging.getLogger().addHandler(collect)
    # extract() warns that with `config` the schema still comes from the examples: intended.
    warnings.filterwarnings("ignore", message="With 'config', schema constraints")

    def extract(doc_id: str, text: str) -> Record:
        collect.messages.clear()
        result = lx.extract(
            text_or_documents=text,
            prompt_description=PROMPT,
            examples=shots,
            config=config,
            max_char_buffer=args.max_char_buffer,
            max_workers=workers,
            show_progress=False,
        )
        document = result[0] if isinstance(result, list) else result
        claims: list[dict[str, Any]] = []
        dropped = 0
        notes = list(collect.messages)
        for extraction in document.extractions or []:
            if extraction.extraction_class != CLASS:
                continue
            claim, repairs = to_claim(extraction, text)
            if claim is None:
                dropped += 1
                continue
            claims.append(claim)
            notes.extend(f"repaired {r}" for r in repairs)
        return {
            "doc_id": doc_id,
            "claims": claims,
            "model": ep.model,
            "stats": {"dropped_ungrounded": dropped},
            "warnings": notes,
        }

    print(
        f"langextract {version('langextract')} -> {ep.base_url} ({ep.model}), "
        f"{workers} workers, max_char_buffer {args.max_char_buffer}",
        file=sys.stderr,
    )
    # One document at a time: its chunks already fill the slots (`workers`), and the
    # log warnings collected for a document must not mix with another's.
    return run(ids, extract, args.out, args.concurrency or 1)


if __name__ == "__main__":
    sys.exit(main())

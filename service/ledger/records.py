"""Read extraction records for the ledger: JSONL files, JSONL text, or a list of objects.

Lines are read with the harness's lenient record view, so gold-format files
(without offsets or provenance) and pipeline output both load. Error records
(failed documents) carry no claims; they are counted and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError
from ..harness.records import DocRecord


def parse_records(items: Iterable[Any], where: str = "input") -> list[DocRecord]:
    """Validate each object as a document record; a bad one fails naming its position."""
    records: list[DocRecord] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{where}: item {number} is not a JSON object")
        try:
            records.append(DocRecord.model_validate(item))
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(p) for p in first["loc"]) or "record"
            raise InputError(f"{where}: item {number}: {loc}: {first['msg']}") from err
    return records


def parse_jsonl(text: str, where: str = "input") -> list[DocRecord]:
    """Records from JSON Lines text (blank lines skipped)."""
    items: list[Any] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as err:
            raise InputError(f"{where}:{lineno}: not valid JSON ({err.msg})") from err
    return parse_records(items, where)


def read_records(paths: Sequence[Path]) -> list[DocRecord]:
    """Records of every file in order; a doc_id seen again replaces nothing (first wins)."""
    records: list[DocRecord] = []
    seen: set[str] = set()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as err:
            raise InputError(f"{path}: no such file") from err
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"{path}: cannot read ({err})") from err
        for record in parse_jsonl(text, str(path)):
            if record.doc_id not in seen:
                seen.add(record.doc_id)
                records.append(record)
    return records

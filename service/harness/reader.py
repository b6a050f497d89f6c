"""Read gold and pred JSONL files, refusing bad lines with one-line errors naming file:line.

Gold is held to the whole guide (every evidence verbatim in its document, a
casualty object exactly when kind is `casualty`, a null source name and mode
`unattributed` exactly for type `author`); pred only to the schema,
since an extractor may legitimately emit ungrounded or inconsistent claims
that scoring should count as wrong rather than refuse.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError
from ..load import DocumentStore
from .records import DocRecord


def _describe(err: ValidationError) -> str:
    """The first validation problem as `loc: message`, squeezed onto one line."""
    first = err.errors()[0]
    loc = ".".join(str(part) for part in first["loc"])
    msg = " ".join(str(first["msg"]).split())
    if first["type"] == "missing":
        msg = "field is missing"
    elif first["type"] == "value_error":
        msg = msg.removeprefix("Value error, ")
    more = len(err.errors()) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{loc}: {msg}{suffix}" if loc else f"{msg}{suffix}"


def _parse_lines(path: Path) -> list[tuple[int, DocRecord]]:
    """(line number, record) for each non-blank line; duplicates of a doc_id are refused."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (offset {err.start})") from err
    records: list[tuple[int, DocRecord]] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{lineno}: not valid JSON ({err.msg})") from err
        if not isinstance(data, dict):
            raise InputError(f"{path}:{lineno}: expected a JSON object, got {type(data).__name__}")
        try:
            record = DocRecord.model_validate(data)
        except ValidationError as err:
            raise InputError(f"{path}:{lineno}: {_describe(err)}") from err
        if record.doc_id in seen:
            first = seen[record.doc_id]
            raise InputError(f"{path}:{lineno}: doc_id {record.doc_id!r} already on line {first}")
        seen[record.doc_id] = lineno
        records.append((lineno, record))
    return records


def read_gold(path: Path, store: DocumentStore) -> tuple[list[DocRecord], dict[str, str]]:
    """Gold records in file order and their documents' texts; any guide violation is refused."""
    texts: dict[str, str] = {}
    records: list[DocRecord] = []
    for lineno, record in _parse_lines(path):
        where = f"{path}:{lineno}"
        if record.error is not None or record.claims is None:
            raise InputError(f"{where}: gold line is an error record, not a labelled document")
        try:
            text = store.get(record.doc_id)
        except InputError as err:
            raise InputError(f"{where}: {err}") from err
        for number, claim in enumerate(record.claim_list, start=1):
            label = f"{where}: claim {number}"
            if not claim.evidence.strip():
                raise InputError(f"{label}: evidence is empty")
            if claim.evidence not in text:
                shown = claim.evidence if len(claim.evidence) <= 60 else claim.evidence[:57] + "..."
                raise InputError(
                    f"{label}: evidence not found verbatim in {record.doc_id}: {shown!r}"
                )
            if claim.kind == "casualty" and claim.casualty is None:
                raise InputError(f"{label}: kind is 'casualty' but casualty is null")
            if claim.kind != "casualty" and claim.casualty is not None:
                raise InputError(f"{label}: casualty is given but kind is {claim.kind!r}")
            author = claim.source.type == "author"
            if author != (claim.source.name is None):
                raise InputError(f"{label}: source.name must be null exactly for type 'author'")
            if author != (claim.mode == "unattributed"):
                raise InputError(f"{label}: mode must be 'unattributed' exactly for type 'author'")
        texts[record.doc_id] = text
        records.append(record)
    if not records:
        raise InputError(f"{path}: gold file has no documents")
    return records, texts


def read_pred(path: Path) -> list[DocRecord]:
    """Pred records in file order (schema-checked; evidence need not be verbatim)."""
    return [record for _, record in _parse_lines(path)]

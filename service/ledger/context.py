"""What the ledger knows about each article: outlet, date (and from where), location, text.

The outlet is the record's own `meta`, else the corpus row its doc_id names
(`fakes-<unit_id>` in a FA-KES CSV: `source`, `date`, `location`). The date
is a dateline at the top of the text when there is one (the article's own
statement: FA-KES's `date` column is sometimes the crawl date, a week or
more off, see evals/ledger/README.md), else `meta`, else the corpus row,
else what the text gives away (`dates.text_date`). The text is the corpus
row's or a file DOC_ID.txt in a documents folder. What none of them gives
stays unknown.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from ..errors import InputError
from ..load import FAKES_PREFIX, Unreadable, read_corpus, read_txt
from ..schema import DocumentMeta
from .dates import dateline, parse_meta_date, text_date
from .places import governorate_of


@dataclass(frozen=True)
class Article:
    """One article's context for the ledger."""

    doc_id: str
    outlet: str | None = None
    day: date | None = None
    date_basis: str | None = None  # "meta", "corpus", "dateline", "text: ..."
    governorate: str | None = None  # the corpus row's location, as a governorate key
    location: str | None = None  # that cell as written
    text: str | None = None


@dataclass(frozen=True)
class Sources:
    """Where article context is looked up: folders of DOC_ID.txt and FA-KES-shaped CSVs."""

    docs: Sequence[Path] = ()
    corpora: Sequence[Path] = ()

    def corpus_row(self, doc_id: str) -> tuple[DocumentMeta | None, str | None, str | None]:
        """(metadata, text, location cell) of the row `fakes-<id>` names, else Nones."""
        if not doc_id.startswith(FAKES_PREFIX):
            return None, None, None
        key = doc_id.removeprefix(FAKES_PREFIX)
        for corpus in self.corpora:
            row = read_corpus(corpus).get(key)
            if row is not None:
                return row.meta, row.text, corpus_locations(corpus).get(key)
        return None, None, None

    def file_text(self, doc_id: str) -> str | None:
        """The text of DOC_ID.txt in the first folder that has it, else None."""
        for folder in self.docs:
            path = folder / f"{doc_id}.txt"
            if path.is_file():
                loaded = read_txt(path)
                return None if isinstance(loaded, Unreadable) else loaded.text
        return None


@cache
def corpus_locations(csv_path: Path) -> dict[str, str]:
    """unit_id -> `location` cell of a FA-KES-shaped CSV (empty when it has no such column)."""
    csv.field_size_limit(sys.maxsize)
    try:
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if "location" not in (reader.fieldnames or []) or "unit_id" not in (
                reader.fieldnames or []
            ):
                return {}
            found: dict[str, str] = {}
            for row in reader:
                found.setdefault((row["unit_id"] or "").strip(), (row["location"] or "").strip())
            return found
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(f"{csv_path}: cannot read locations ({err})") from err


def article(doc_id: str, meta: DocumentMeta | None, sources: Sources) -> Article:
    """The context of one document (see the module docstring for the order)."""
    row_meta, row_text, location = sources.corpus_row(doc_id)
    text = row_text if row_text is not None else sources.file_text(doc_id)
    outlet = (meta.outlet if meta else None) or (row_meta.outlet if row_meta else None)
    day, basis = (dateline(text), "dateline") if text is not None else (None, None)
    for candidate, origin in ((meta, "meta"), (row_meta, "corpus")):
        if day is not None:
            break
        if candidate is not None and (parsed := parse_meta_date(candidate.date)) is not None:
            day, basis = parsed, origin
    if day is None and text is not None and (found := text_date(text)) is not None:
        day, basis = found.day, found.basis
    basis = basis if day is not None else None
    return Article(doc_id, outlet, day, basis, governorate_of(location), location or None, text)


def articles(
    documents: Iterable[tuple[str, DocumentMeta | None]], sources: Sources
) -> dict[str, Article]:
    """doc_id -> context for each (doc_id, meta)."""
    return {doc_id: article(doc_id, meta, sources) for doc_id, meta in documents}

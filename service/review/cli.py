"""`claimtrace report`: write the review page for a records file.

Paths are checked before anything is read, and every failure is a
ClaimtraceError, which the CLI prints as one `error: ...` line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..config import CORPUS_CSV, SEEDS_DIR
from ..errors import InputError
from ..load import DocumentStore, read_corpus
from .data import load_review, page_data
from .page import render_page


def text_store(docs: list[Path] | None, corpus: list[Path] | None) -> DocumentStore:
    """The given text sources, checked now; else the checkout's seeds and corpus if present."""
    for folder in docs or []:
        if not folder.is_dir():
            raise InputError(f"{folder}: no such directory")
    for csv_path in corpus or []:
        read_corpus(csv_path)  # a missing or malformed CSV is one error, not one per document
    return DocumentStore(
        docs or [d for d in (SEEDS_DIR,) if d.is_dir()],
        corpus or [c for c in (CORPUS_CSV,) if c.is_file()],
    )


def report(
    records: Annotated[
        Path, typer.Argument(metavar="OUT.jsonl", help="Records from `claimtrace extract`.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="Page to write.")],
    docs: Annotated[
        list[Path] | None,
        typer.Option(metavar="DIR", help="DOC_ID.txt files; repeatable (default: seeds/)."),
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="CSV",
            help="FA-KES-shaped CSV for fakes-ID documents; repeatable "
            "(default: evals/corpus/fa-kes.csv).",
        ),
    ] = None,
) -> None:
    """Write one offline page to review OUT.jsonl and export it as gold JSONL."""
    store = text_store(docs, corpus)
    review = load_review(records, store)
    page = render_page(page_data(review), f"claimtrace review: {records.name}")
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as err:
        raise InputError(f"{out}: cannot write ({err.strerror})") from err
    claims = sum(len(d.claims) for d in review.docs)
    typer.echo(f"{out}: {len(review.docs)} documents, {claims} claims, {len(review.failed)} failed")

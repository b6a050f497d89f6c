"""`claimtrace ledger`: group the casualty figures of extraction output into tallies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..config import CORPUS_CSV, SEEDS_DIR
from .build import build, ledger_json
from .context import Sources
from .records import read_records
from .write import write_outputs

DEFAULT_OUT = Path("claimtrace-ledger")


def default_sources(docs: list[Path] | None, corpus: list[Path] | None) -> Sources:
    """The given folders and CSVs, else seeds/ and the shipped FA-KES copy when present."""
    return Sources(
        docs=tuple(docs if docs is not None else [d for d in (SEEDS_DIR,) if d.is_dir()]),
        corpora=tuple(corpus if corpus is not None else [c for c in (CORPUS_CSV,) if c.is_file()]),
    )


def make_ledger(paths: list[Path], sources: Sources) -> dict[str, Any]:
    """The ledger JSON of the records in `paths`."""
    return ledger_json(build(read_records(paths), sources))


def ledger(
    records: Annotated[
        list[Path], typer.Argument(metavar="OUT.jsonl...", help="Extraction records (JSONL).")
    ],
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="CSV",
            help="FA-KES-shaped CSV giving fakes-ID documents' outlet, date, location and "
            "text; repeatable (default: evals/corpus/fa-kes.csv when present).",
        ),
    ] = None,
    docs: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="DIR",
            help="Folder of DOC_ID.txt texts, read for datelines; repeatable "
            "(default: seeds/ when present).",
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="Where to write the ledger files.")
    ] = DEFAULT_OUT,
) -> None:
    """Group casualty figures across documents into tallies; flag conflicts (docs/ledger.md).

    Writes DIR/ledger.json, ledger.csv, ledger.md and ledger.html (one offline page).
    """
    result = make_ledger(records, default_sources(docs, corpus))
    paths = write_outputs(result, out)
    summary = result["summary"]
    typer.echo(
        f"{summary['figures']} figures from {summary['documents']} documents: "
        f"{summary['tallies']} tallies in {summary['views']} views "
        f"({summary['conflict']} conflict, {summary['agreement']} agreement, "
        f"{summary['single_source']} single source)"
    )
    for kind, path in paths.items():
        typer.echo(f"{kind}: {path}")

"""Extract a list of documents into a JSON Lines file, in input order.

Shared by `claimtrace extract` and the eval harness (which only needs the
output file). Records are written as soon as every earlier document is done,
so an interrupted run keeps a clean prefix; a failed document writes an error
record and the others go on.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .extractor import Extractor, Record
from .load import Loaded
from .schema import ErrorRecord
from .write import JsonlWriter


@dataclass
class RunSummary:
    documents: int = 0
    failed: int = 0
    claims: int = 0
    cache_hits: int = 0


def extract_to_jsonl(
    documents: Sequence[Loaded],
    out_path: Path | None,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
    no_cache: bool = False,
    cache_dir: Path | None = None,
    concurrency: int | None = None,
    passes: int = 1,
    keep_ungrounded: bool = False,
    progress: bool | None = None,
    **extra: Any,
) -> RunSummary:
    """Run the extractor over `documents` and write one line per document."""
    extractor = Extractor(
        base_url,
        api_key,
        model,
        cache=not no_cache,
        cache_dir=cache_dir,
        concurrency=concurrency,
        passes=passes,
        keep_ungrounded=keep_ungrounded,
        **extra,
    )
    summary = RunSummary(documents=len(documents))
    pending: dict[int, Record] = {}
    next_index = 0
    show = len(documents) > 1 if progress is None else progress
    console = Console(stderr=True, soft_wrap=True)
    with (
        JsonlWriter(out_path) as writer,
        Progress(
            TextColumn("extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            disable=not show,
            transient=False,
        ) as bar,
    ):
        task = bar.add_task("", total=len(documents))

        def on_done(index: int, record: Record) -> None:
            nonlocal next_index
            pending[index] = record
            if isinstance(record, ErrorRecord):
                summary.failed += 1
                console.print(f"error: {record.error}", highlight=False, markup=False)
            else:
                summary.claims += len(record.claims)
                summary.cache_hits += int(record.cache_hit)
            bar.update(task, advance=1, description=record.doc_id)
            while next_index in pending:
                writer.write(pending.pop(next_index))
                next_index += 1

        extractor.extract_many(documents, on_done)
    sys.stderr.flush()
    return summary

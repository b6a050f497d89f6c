"""Extract a list of documents into a JSON Lines or CSV file, in input order.

Shared by `claimtrace extract` and the eval harness (which only needs the
output file). A failed document writes an error record and the others go on;
a run that fails or is interrupted keeps every finished document and never
replaces a finished output (`write`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from . import events
from .errors import ClaimtraceError, InputError, Interrupted
from .extractor import Extractor, Record
from .load import Document, Loaded
from .schema import DocumentRecord, ErrorRecord
from .write import FileOutput, Sink, StreamOutput


@dataclass
class RunSummary:
    documents: int = 0
    resumed: int = 0  # already done in an earlier run's output, not extracted again
    failed: int = 0
    claims: int = 0
    cache_hits: int = 0


@dataclass
class Tracker:
    """Documents and the model calls inside them, counted from the extractor's events.

    `completed` counts a document in flight as the share of its planned calls
    that ended, so the bar (and its ETA) moves with every call, not only per
    document; the `rules` strategy plans no calls and moves per document.
    """

    documents: int
    finished: int = 0
    calls_planned: int = 0
    calls_done: int = 0
    _planned: dict[str, int] = field(default_factory=dict)
    _done: dict[str, int] = field(default_factory=dict)

    def hear(self, event: events.Event) -> None:
        """The extractor's listener: a document planned its calls, or one call ended."""
        if isinstance(event, events.CallsPlanned):
            self._planned[event.doc_id] = self._planned.get(event.doc_id, 0) + event.calls
            self.calls_planned += event.calls
        elif isinstance(event, events.CallDone):
            self._done[event.doc_id] = self._done.get(event.doc_id, 0) + 1
            self.calls_done += 1

    def finish(self, doc_id: str) -> None:
        """A document ended (record or error); its calls no longer count as partial."""
        self.finished += 1
        self._planned.pop(doc_id, None)
        self._done.pop(doc_id, None)

    @property
    def completed(self) -> float:
        """Finished documents plus the finished share of each one in flight."""
        partial = sum(
            min(self._done.get(doc_id, 0), planned) / planned
            for doc_id, planned in self._planned.items()
            if planned
        )
        return self.finished + partial

    def label(self) -> str:
        """`3/10 docs`, and `12/30 calls` once any document planned a model call."""
        docs = f"{self.finished}/{self.documents} docs"
        if not self.calls_planned:
            return docs
        return f"{docs} · {self.calls_done}/{self.calls_planned} calls"


def progress_bar(console: Console, show: bool) -> Progress:
    """Documents, calls, elapsed time and an ETA, on stderr (off when not shown)."""
    return Progress(
        TextColumn("extracting"),
        BarColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=console,
        disable=not show,
        transient=False,
    )


def with_meta(record: Record, document: Loaded) -> Record:
    """The record with its document's corpus metadata (outlet, date, title) added."""
    if isinstance(record, DocumentRecord) and isinstance(document, Document) and document.meta:
        return record.model_copy(update={"meta": document.meta})
    return record


def open_output(out_path: Path | None, fmt: str, documents: Sequence[Loaded], resume: bool) -> Sink:
    """stdout, or a file that only a finished run replaces (see `write`)."""
    if out_path is None:
        if resume:
            raise InputError("--resume needs --out FILE: there is nothing to resume on stdout")
        return StreamOutput(fmt)
    return FileOutput(out_path, fmt, [d.doc_id for d in documents], resume)


class Run:
    """One extraction run's bookkeeping: progress, summary, and where records go."""

    def __init__(
        self, documents: Sequence[Loaded], sink: Sink, console: Console, bar: Progress
    ) -> None:
        self.documents = documents
        self.sink = sink
        self.console = console
        self.bar = bar
        self.todo = [i for i, d in enumerate(documents) if d.doc_id not in sink.kept]
        self.summary = RunSummary(documents=len(documents), resumed=len(documents) - len(self.todo))
        self.tracker = Tracker(len(self.todo))
        self.task = bar.add_task(self.tracker.label(), total=len(self.todo))

    def hear(self, event: events.Event) -> None:
        """The extractor's listener: calls planned and done move the bar."""
        self.tracker.hear(event)
        self._refresh()

    def done(self, position: int, record: Record) -> None:
        """A document of `todo` ended: count it, show it, write it."""
        index = self.todo[position]
        self.tracker.finish(record.doc_id)
        self._refresh()
        count(self.summary, record, self.console)
        self.sink.write(index, with_meta(record, self.documents[index]))

    def _refresh(self) -> None:
        self.bar.update(
            self.task, completed=self.tracker.completed, description=self.tracker.label()
        )


def extract_to_file(
    documents: Sequence[Loaded],
    out_path: Path | None,
    *,
    fmt: str = "jsonl",
    resume: bool = False,
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
    """Run the extractor over `documents` and write them as `fmt` (`jsonl` or `csv`).

    `progress` None shows the bar when stderr is a terminal. A run that fails or is
    interrupted keeps its finished documents in OUT.partial and leaves OUT as it was.
    """
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
    console = Console(stderr=True, soft_wrap=True)
    sink = open_output(out_path, fmt, documents, resume)
    if isinstance(sink, FileOutput) and sink.discarded:
        console.print(
            f"note: {sink.partial} held {sink.discarded} documents of an unfinished run; "
            "starting over (--resume keeps them)",
            highlight=False,
        )
    show = console.is_terminal if progress is None else progress
    with progress_bar(console, show) as bar:
        run = Run(documents, sink, console, bar)
        try:
            extractor.extract_many([documents[i] for i in run.todo], run.done, run.hear)
        except BaseException as error:
            _keep(sink, error)
    sink.finish()
    sys.stderr.flush()
    return run.summary


def _keep(sink: Sink, error: BaseException) -> None:
    """A run that did not finish: keep its finished documents, say where, and stop."""
    kept = sink.abort()
    where = f"{sink.partial}" if isinstance(sink, FileOutput) else "stdout"
    saved = f"{kept} finished documents kept in {where}" if kept else "no document finished"
    if isinstance(error, KeyboardInterrupt):
        resume = (
            "; run again with --resume to go on" if kept and isinstance(sink, FileOutput) else ""
        )
        raise Interrupted(f"interrupted: {saved}{resume}") from None
    if isinstance(error, ClaimtraceError) and isinstance(sink, FileOutput):
        raise type(error)(f"{error} ({saved}; the output file was left as it was)") from error
    raise error


def extract_to_jsonl(
    documents: Sequence[Loaded], out_path: Path | None, **options: Any
) -> RunSummary:
    """JSON Lines output: the harness's entry point (`extract_to_file` with `fmt="jsonl"`)."""
    return extract_to_file(documents, out_path, fmt="jsonl", **options)


def count(summary: RunSummary, record: Record, console: Console) -> None:
    """Add a finished record to the summary; an error is also one line on stderr."""
    if isinstance(record, ErrorRecord):
        summary.failed += 1
        where = "" if record.error.startswith(record.doc_id) else f"{record.doc_id}: "
        console.print(f"error: {where}{record.error}", highlight=False, markup=False)
    else:
        summary.claims += len(record.claims)
        summary.cache_hits += int(record.cache_hit)

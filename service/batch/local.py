"""The local engine: today's asyncio extractor on one machine, over the endpoint pool.

`pool.capacity` workers pull documents from one iterator, so each endpoint has
as many documents in flight as it has slots; finished records go to the shard
writer and the console shows done, failed, remaining and documents per minute.
Never imports Ray.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..load import Loaded
from ..pipeline import with_meta
from .options import BatchOptions
from .pool import Pool, Record, members
from .writer import ShardWriter


class LocalRun:
    """One machine's run: workers, the pool, the writer and the progress line."""

    def __init__(
        self,
        documents: Sequence[Loaded],
        pool: Pool,
        writer: ShardWriter,
        bar: Progress,
    ) -> None:
        self.documents: Iterator[Loaded] = iter(documents)
        self.total = len(documents)
        self.pool = pool
        self.writer = writer
        self.bar = bar
        self.task: TaskID = bar.add_task("", total=self.total)
        self.started = time.monotonic()
        self.finished = 0
        self._show()

    async def main(self) -> None:
        try:
            await self.pool.start()
            workers = max(1, min(self.pool.capacity, self.total))
            await asyncio.gather(*(self._worker() for _ in range(workers)))
        finally:
            await self.pool.close()

    async def _worker(self) -> None:
        """Take the next document until none is left (asyncio: `next` is never raced)."""
        while (document := next(self.documents, None)) is not None:
            record = await self.pool.run(document)
            self._done(document, record)

    def _done(self, document: Loaded, record: Record) -> None:
        self.writer.add(with_meta(record, document))
        self.finished += 1
        self._show()

    def _show(self) -> None:
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        label = (
            f"done {self.finished - self.writer.failed} · failed {self.writer.failed} · "
            f"remaining {self.total - self.finished} · {self.finished / minutes:,.0f} docs/min"
        )
        self.bar.update(self.task, completed=self.finished, description=label)


def run_local(
    documents: Sequence[Loaded],
    urls: Sequence[str],
    options: BatchOptions,
    writer: ShardWriter,
    progress: bool,
) -> None:
    """Extract `documents` into `writer`; on any exit the finished records are flushed."""
    console = Console(stderr=True, soft_wrap=True)
    bar = Progress(
        TextColumn("batch"),
        BarColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=not progress,
    )
    pool = Pool(members(urls, options), options)
    try:
        with bar:
            asyncio.run(LocalRun(documents, pool, writer, bar).main())
    finally:
        writer.flush()

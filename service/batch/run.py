"""A batch run from start to end: read INPUT, skip what DIR holds, run an engine, fold.

Exactly once across runs: the ids DIR already holds (only its successes with
`retry_errors`) are not run again; this run's records go to new shards that
supersede older ones by the rule in `shards`; `fold` then leaves each id in DIR
once. A run killed at any point leaves complete shards only, and the next run
does the rest.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InputError
from ..load import Loaded
from . import ray_env
from .formats import shard_format
from .options import BatchOptions
from .shards import OutputDir, new_run_id
from .writer import ShardWriter

ENGINES = ("local", "ray")


@dataclass
class BatchSummary:
    """What a run did, for the summary line and the manifest."""

    documents: int
    skipped: int
    written: int = 0
    failed: int = 0
    claims: int = 0
    folded: int = 0
    seconds: float = 0.0

    @property
    def per_minute(self) -> float:
        return self.written / max(self.seconds, 1e-6) * 60


@dataclass(frozen=True)
class EngineChoice:
    """Which engine runs the documents, and the Ray settings when it is Ray."""

    name: str = "local"
    address: str | None = None
    actors: int | None = None
    batch_size: int = 16
    progress: bool = True


def run_batch(
    source: str,
    documents: Sequence[Loaded],
    out_dir: Path,
    urls: Sequence[str],
    options: BatchOptions,
    engine: EngineChoice = EngineChoice(),
    retry_errors: bool = False,
) -> BatchSummary:
    """Run the documents DIR does not hold yet; return what was done."""
    out = OutputDir(out_dir, shard_format(options.shard_format))
    with out.lock():
        out.prepare(options.strategy, source)
        done = out.read().done(retry_errors)
        todo = [d for d in documents if d.doc_id not in done]
        summary = BatchSummary(documents=len(documents), skipped=len(documents) - len(todo))
        run_id = new_run_id()
        writer = ShardWriter(out, run_id, options.shard_size)
        entry = {"run": run_id, "engine": engine.name, "started": _now(), "todo": len(todo)}
        out.record_run(entry)
        started = time.monotonic()
        try:
            _run_engine(todo, urls, options, writer, engine)
        finally:
            summary.seconds = time.monotonic() - started
            summary.written, summary.failed, summary.claims = (
                writer.written,
                writer.failed,
                writer.claims,
            )
            out.record_run({**entry, "written": writer.written, "finished": _now()})
        summary.folded = out.fold()
    return summary


def _run_engine(
    todo: Sequence[Loaded],
    urls: Sequence[str],
    options: BatchOptions,
    writer: ShardWriter,
    engine: EngineChoice,
) -> None:
    if not todo:
        return
    if engine.name == "ray":
        ray_env.prepare(engine.address)  # before Ray is imported: its core reads it then
        try:  # only here: the local engine never imports Ray
            from .ray_engine import run_ray
        except ImportError as error:
            raise InputError(
                f"--engine ray needs the ray extra ({error.name} not installed): "
                "pip install 'claimtrace[ray]'"
            ) from error

        run_ray(
            todo,
            urls,
            options,
            writer,
            address=engine.address,
            actors=engine.actors,
            batch_size=engine.batch_size,
            progress=engine.progress,
        )
    else:
        from .local import run_local

        run_local(todo, urls, options, writer, engine.progress)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

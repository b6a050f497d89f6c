"""The Ray engine: Ray Data runs the extractor in a pool of actors, the driver writes shards.

The driver turns the documents still to do into a dataset; `map_batches` runs
`ExtractBatch` actors (`ActorPoolStrategy`), each holding an endpoint pool whose
first endpoint is its own (handed out round-robin by a small `Assigner` actor),
so each actor is bound to one endpoint and moves documents elsewhere only while
that endpoint is down. Records come back to the driver, which is the only
writer: a task Ray re-runs after an actor died cannot write a record twice.
Ray Data restarts a dead actor and retries its batch (its defaults for
actor pools: `max_restarts=-1`, `max_task_retries=-1`); a killed driver loses
only the records it had not yet written as a shard.

Imported only for `--engine ray`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import ray
import ray.data

from ..errors import BackendError
from ..load import Document, Loaded, Unreadable
from ..pipeline import with_meta
from ..schema import DocumentMeta, DocumentRecord, ErrorRecord
from .join_noise import Kept, retries_held
from .options import BatchOptions
from .pool import Pool, Record, members
from .writer import ShardWriter

ENV_PREFIX = "CLAIMTRACE_"
DEFAULT_BATCH = 16  # documents per actor call: Ray's unit of retry


@ray.remote(num_cpus=0)
class Assigner:
    """Hands each new actor the next index, so actors spread over the endpoints."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> int:
        self.count += 1
        return self.count - 1


class ExtractBatch:
    """A Ray Data actor: an endpoint pool bound to one endpoint, and an event loop of its own."""

    def __init__(self, urls: list[str], options: BatchOptions, assigner: Any) -> None:
        index = ray.get(assigner.next.remote())
        start = index % len(urls) if urls else 0
        self.loop = asyncio.new_event_loop()
        self.pool = Pool(members(urls[start:] + urls[:start], options), options, bound=True)
        self.loop.run_until_complete(self.pool.start())

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        documents = [
            Document(str(doc_id), str(text), _meta(str(meta)))
            for doc_id, text, meta in zip(
                batch["doc_id"], batch["text"], batch["meta"], strict=True
            )
        ]
        records = self.loop.run_until_complete(run_all(self.pool, documents))
        lines = [with_meta(r, d).model_dump_json() for r, d in zip(records, documents, strict=True)]
        return {
            "doc_id": np.array([d.doc_id for d in documents], dtype=object),
            "record": np.array(lines, dtype=object),
        }


async def run_all(pool: Pool, documents: list[Document]) -> list[Record]:
    """A batch's documents, concurrently, bounded by the pool's capacity."""
    return list(await asyncio.gather(*(pool.run(d) for d in documents)))


def run_ray(
    documents: Sequence[Loaded],
    urls: Sequence[str],
    options: BatchOptions,
    writer: ShardWriter,
    *,
    address: str | None = None,
    actors: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: bool = True,
) -> None:
    """Extract `documents` on Ray into `writer`; the finished records are flushed on any exit."""
    started = start_ray(address)
    try:
        runnable = [d for d in documents if isinstance(d, Document)]
        for doc in documents:
            if isinstance(doc, Unreadable):
                writer.add(ErrorRecord(doc_id=doc.doc_id, error=doc.error))
        if runnable:
            for raw in _results(runnable, list(urls), options, actors, batch_size, progress):
                writer.add(parse_record(raw))
    finally:
        writer.flush()
        if started:
            ray.shutdown()


def start_ray(address: str | None) -> bool:
    """Join `address`, or start a local Ray sized to this machine; False if already running."""
    if ray.is_initialized():
        return False
    if address:
        _reachable(address)
        options: dict[str, Any] = {"address": address}
    else:
        options = {"num_cpus": os.cpu_count() or 2, "include_dashboard": False}
    # Joining holds Ray's retry lines back; a local start spawns Ray's daemons, which
    # must not inherit that pipe as their stderr.
    with retries_held() if address else contextlib.nullcontext(Kept()) as kept:
        try:
            ray.init(logging_level=logging.WARNING, **options)
        except (ConnectionError, RuntimeError, ValueError) as error:
            failure: Exception | None = error
        else:
            failure = None
    if failure is not None:
        raise BackendError(_cannot_start(address, f"{failure} {kept.text}")) from failure
    return True


def _cannot_start(address: str | None, why: str) -> str:
    """One line on why Ray did not start or join, with the fix for a missing token."""
    where = f"join the Ray cluster at {address}" if address else "start a local Ray"
    if "InvalidAuthToken" in why or "AuthenticationError" in why:
        return (
            f"cannot {where}: it wants Ray's token authentication; put the cluster's token "
            "in ~/.ray/auth_token or RAY_AUTH_TOKEN (and set RAY_AUTH_MODE=token)"
        )
    first = " ".join(why.split())
    return f"cannot {where} ({first[:200]})"


def _reachable(address: str) -> None:
    """Fail at once, in one line, on a `host:port` nothing listens on.

    Ray itself retries a wrong GCS address for minutes before it gives up.
    `auto` and `ray://` addresses are left to Ray.
    """
    host, _, port = address.rpartition(":")
    if address == "auto" or "://" in address or not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as error:
        raise BackendError(
            f"cannot join the Ray cluster at {address} ({error.strerror or error}); "
            "check --address (the head node's GCS address, port 6379 by default)"
        ) from error


def _results(
    documents: list[Document],
    urls: list[str],
    options: BatchOptions,
    actors: int | None,
    batch_size: int,
    progress: bool,
) -> Iterator[str]:
    """The records as JSON lines, streamed to the driver as the actors finish batches."""
    ray.data.DataContext.get_current().enable_progress_bars = progress
    if not progress:  # -q: Ray Data's own start and finish lines too
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    size = actors or _default_actors(urls, options)
    table = pa.table(
        {
            "doc_id": [d.doc_id for d in documents],
            "text": [d.text for d in documents],
            "meta": [d.meta.model_dump_json() if d.meta else "" for d in documents],
        }
    )
    blocks = max(1, min(len(documents) // batch_size, 1000))
    dataset = ray.data.from_arrow(table, override_num_blocks=blocks).map_batches(
        ExtractBatch,
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(size=size),
        fn_constructor_kwargs={"urls": urls, "options": options, "assigner": _assigner()},
        num_cpus=1 if not options.needs_model else 0.5,
        runtime_env={"env_vars": _claimtrace_env()},
    )
    for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
        yield from (str(raw) for raw in batch["record"])


def _assigner() -> Any:
    """A fresh Assigner actor (ray.remote classes are untyped)."""
    return Assigner.remote()  # type: ignore[attr-defined]


def _default_actors(urls: list[str], options: BatchOptions) -> int:
    """One actor per endpoint; without a model, one per CPU of the cluster."""
    if options.needs_model and urls:
        return len(urls)
    cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
    return max(1, int(cpus))


def _claimtrace_env() -> dict[str, str]:
    """The driver's CLAIMTRACE_* settings (cache directory, API key) for the actors."""
    return {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}


def _meta(raw: str) -> DocumentMeta | None:
    return DocumentMeta.model_validate_json(raw) if raw else None


def parse_record(raw: str) -> Record:
    """One record line from an actor back into its model."""
    if "error" in json.loads(raw):
        return ErrorRecord.model_validate_json(raw)
    return DocumentRecord.model_validate_json(raw)

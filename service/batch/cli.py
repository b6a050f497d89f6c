"""`claimtrace batch INPUT --out DIR` and `claimtrace batch --check DIR --input INPUT`."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from .. import cli_options
from ..call import CallSettings
from ..cli_extract import corpus_columns
from ..config import ENV_BASE_URL
from ..errors import InputError, Interrupted
from ..extractor import STRATEGIES, Strategy
from ..pool import pool_urls
from .check import check
from .formats import shard_format
from .inputs import Columns, Input, kind_of, read_input
from .options import DEFAULT_SHARD_SIZE, BatchOptions
from .run import EngineChoice, run_batch
from .shards import OutputDir

err = Console(stderr=True, soft_wrap=True)
POOL = "Endpoints and engine"
MODEL = cli_options.MODEL


class EngineName(StrEnum):
    local = "local"
    ray = "ray"


class ShardFormatName(StrEnum):
    jsonl = "jsonl"
    parquet = "parquet"


def batch(
    source: str | None = typer.Argument(
        None, metavar="INPUT", help="JSON Lines, CSV or Parquet of articles (local or a URI)."
    ),
    out: Path | None = typer.Option(None, "--out", "-o", metavar="DIR", help="Output directory."),
    input_opt: str | None = typer.Option(
        None, "--input", metavar="INPUT", help="The input, for --check (or instead of INPUT)."
    ),
    check_dir: Path | None = typer.Option(
        None, "--check", metavar="DIR", help="Verify DIR holds every input id exactly once."
    ),
    retry_errors: bool = typer.Option(
        False, "--retry-errors", help="Run again the documents DIR holds as errors."
    ),
    id_col: str | None = typer.Option(None, metavar="COL", help="Id field (default: doc_id)."),
    text_col: str | None = typer.Option(None, metavar="COL", help="Text field (default: text)."),
    id_prefix: str | None = typer.Option(None, metavar="TEXT", help="CSV: put before each id."),
    shard_size: int = typer.Option(
        DEFAULT_SHARD_SIZE, min=1, metavar="N", help="Records per output shard."
    ),
    fmt: ShardFormatName | None = typer.Option(
        None,
        "--format",
        help="Shards as jsonl (a record a line) or parquet (a record a row; needs pyarrow); "
        "default: what DIR holds, else jsonl.",
    ),
    quiet: bool = cli_options.QUIET,
    engine: EngineName = typer.Option(
        EngineName.local,
        "--engine",
        help="local: asyncio here; ray: Ray actors.",
        rich_help_panel=POOL,
    ),
    endpoints: list[str] | None = typer.Option(
        None,
        "--endpoint",
        metavar="URL",
        help="An endpoint of the pool (repeat).",
        rich_help_panel=POOL,
    ),
    endpoints_file: Path | None = typer.Option(
        None, metavar="FILE", help="Endpoint URLs, one a line.", rich_help_panel=POOL
    ),
    address: str | None = typer.Option(
        None,
        metavar="ADDR",
        help="Ray cluster to join (default: start one here).",
        rich_help_panel=POOL,
    ),
    actors: int | None = typer.Option(
        None,
        min=1,
        metavar="N",
        help="Ray actors (default: one per endpoint).",
        rich_help_panel=POOL,
    ),
    batch_size: int = typer.Option(
        16, min=1, metavar="N", help="Documents per Ray actor call.", rich_help_panel=POOL
    ),
    strategy: str = cli_options.STRATEGY,
    passes: int = cli_options.PASSES,
    model: str | None = cli_options.MODEL_NAME,
    api_key: str | None = cli_options.API_KEY,
    concurrency: int | None = typer.Option(
        None,
        min=1,
        metavar="N",
        help="Documents in flight per endpoint (default: slots).",
        rich_help_panel=MODEL,
    ),
    no_cache: bool = cli_options.NO_CACHE,
    cache_dir: Path | None = cli_options.CACHE_DIR,
    timeout: float = cli_options.TIMEOUT,
    doc_timeout: float = cli_options.DOC_TIMEOUT,
    max_chars: int = cli_options.MAX_CHARS,
) -> None:
    """Extract a corpus into DIR in shards, resumably and exactly once (local or on Ray)."""
    given = source or input_opt
    if source and input_opt and source != input_opt:
        raise InputError("give the input once: INPUT or --input")
    if given is None:
        raise InputError(
            "no input: claimtrace batch INPUT --out DIR (or --check DIR --input INPUT)"
        )
    chosen = fmt.value if fmt else _held_format(out)
    if check_dir is None:
        shard_format(chosen)  # Parquet without pyarrow: refused before reading INPUT
    documents = _read(given, id_col, text_col, id_prefix)
    if check_dir is not None:
        _check(check_dir, documents)
        return
    if out is None:
        raise InputError("--out DIR is needed: the directory the shards go to")
    if strategy not in STRATEGIES:
        raise InputError(f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    options = BatchOptions(
        strategy=_strategy(strategy),
        model=model,
        api_key=api_key,
        passes=passes,
        concurrency=concurrency,
        no_cache=no_cache,
        cache_dir=cache_dir,
        max_chars=max_chars,
        doc_timeout_s=doc_timeout,
        settings=CallSettings(timeout_s=timeout),
        shard_size=shard_size,
        shard_format=chosen,
    )
    urls = _urls(endpoints or [], endpoints_file, options, engine)
    choice = EngineChoice(engine.value, address, actors, batch_size, progress=not quiet)
    try:
        summary = run_batch(given, documents.documents, out, urls, options, choice, retry_errors)
    except KeyboardInterrupt:
        held = len(OutputDir(out).read().winners)
        raise Interrupted(
            f"interrupted: {held} documents are in {out}; run the same command again to go on"
        ) from None
    if not quiet:
        err.print(
            f"{summary.written - summary.failed}/{summary.written} documents written "
            f"({summary.failed} errors, {summary.claims} claims), {summary.skipped} already in "
            f"{out}, {summary.seconds:.1f}s, {summary.per_minute:,.0f} docs/min",
            highlight=False,
        )
    if summary.failed:
        raise typer.Exit(1)


def _read(source: str, id_col: str | None, text_col: str | None, prefix: str | None) -> Input:
    """The input's documents, with the column options read as the input's kind reads them."""
    if kind_of(source) == "csv":
        corpus = corpus_columns(id_col, prefix, text_col, None, None, None)
        found = read_input(source, corpus=corpus)
    else:
        if prefix is not None:
            raise InputError("--id-prefix is for CSV input")
        found = read_input(source, Columns(id_col or "doc_id", text_col or "text"))
    if found.repeated:
        err.print(f"note: {source}: {found.repeated} repeated ids; the first row of each is used")
    return found


def _check(out_dir: Path, documents: Input) -> None:
    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: no such directory")
    result = check(out_dir, documents.ids)
    for line in result.lines():
        print(line)
    if not result.ok:
        raise typer.Exit(1)


def _held_format(out: Path | None) -> str:
    """Without --format: go on in the format DIR was started in (a new DIR: jsonl)."""
    held = OutputDir(out).held_format() if out is not None else None
    return held or ShardFormatName.jsonl.value


def _urls(
    given: list[str], path: Path | None, options: BatchOptions, engine: EngineName
) -> list[str]:
    """The pool: --endpoint URLs, then the file's, then CLAIMTRACE_BASE_URL (model strategies)."""
    urls = pool_urls(given, path, "--endpoint")
    if not options.needs_model:
        return []
    if not urls and os.environ.get(ENV_BASE_URL):
        urls = [os.environ[ENV_BASE_URL].rstrip("/")]
    if not urls and engine is EngineName.ray:
        raise InputError(
            f"--engine ray with --strategy {options.strategy} needs --endpoint URL "
            "(or CLAIMTRACE_BASE_URL): each actor is bound to an endpoint"
        )
    return urls


def _strategy(name: str) -> Strategy:
    for known in ("parse", "rules", "sentence", "article"):
        if name == known:
            return known
    raise InputError(f"unknown strategy {name!r}")

"""`claimtrace extract` and `claimtrace cache ...`."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from . import cli_options
from .cache import ResponseCache
from .call import CallSettings
from .errors import InputError
from .load import (
    FAKES_COLUMNS,
    CorpusColumns,
    Loaded,
    iter_corpus,
    iter_paths,
)
from .pipeline import extract_to_file

err = Console(stderr=True, soft_wrap=True)
cache_app = typer.Typer(help="The on-disk response cache: stats and clear.")

CORPUS = "Corpus CSV"
MODEL = cli_options.MODEL


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def extract(
    paths: list[str] | None = typer.Argument(
        None, metavar="PATH", help="`.txt` files, directories of them, or `-` for stdin."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", metavar="FILE", help="Output file (default: stdout)."
    ),
    fmt: OutputFormat = typer.Option(
        OutputFormat.jsonl, "--format", help="jsonl: a document per line; csv: a row per claim."
    ),
    quiet: bool = cli_options.QUIET,
    resume: bool = typer.Option(
        False, "--resume", help="Skip documents --out (or its .partial) already holds."
    ),
    max_chars: int = cli_options.MAX_CHARS,
    corpus: Path | None = typer.Option(
        None,
        metavar="FILE",
        help="CSV of articles (FA-KES columns by default).",
        rich_help_panel=CORPUS,
    ),
    ids: list[str] | None = typer.Option(
        None,
        "--ids",
        metavar="ID,...",
        help="Row ids: comma-separated, or repeat --ids.",
        rich_help_panel=CORPUS,
    ),
    all_rows: bool = typer.Option(
        False, "--all", help="Every row of --corpus.", rich_help_panel=CORPUS
    ),
    id_col: str | None = typer.Option(
        None,
        metavar="COL",
        help="Id column, used as doc_id as is (default: unit_id, as fakes-ID).",
        rich_help_panel=CORPUS,
    ),
    id_prefix: str | None = typer.Option(
        None,
        metavar="TEXT",
        help="Put before each id (default: fakes- without --id-col).",
        rich_help_panel=CORPUS,
    ),
    text_col: str | None = typer.Option(
        None,
        metavar="COL",
        help="Article column (default: article_content).",
        rich_help_panel=CORPUS,
    ),
    title_col: str | None = typer.Option(
        None, metavar="COL", help="Title column (default: article_title).", rich_help_panel=CORPUS
    ),
    date_col: str | None = typer.Option(
        None, metavar="COL", help="Date column (default: date).", rich_help_panel=CORPUS
    ),
    outlet_col: str | None = typer.Option(
        None, metavar="COL", help="Outlet column (default: source).", rich_help_panel=CORPUS
    ),
    strategy: str = cli_options.STRATEGY,
    passes: int = cli_options.PASSES,
    concurrency: int | None = typer.Option(
        None,
        min=1,
        metavar="N",
        help="Documents in flight (default: slots).",
        rich_help_panel=MODEL,
    ),
    keep_ungrounded: bool = typer.Option(
        False,
        "--keep-ungrounded",
        help="Keep claims whose quote is not found.",
        rich_help_panel=MODEL,
    ),
    base_url: str | None = typer.Option(
        None,
        envvar="CLAIMTRACE_BASE_URL",
        metavar="URL",
        help="OpenAI-compatible endpoint.",
        rich_help_panel=MODEL,
    ),
    api_key: str | None = cli_options.API_KEY,
    model: str | None = cli_options.MODEL_NAME,
    no_cache: bool = cli_options.NO_CACHE,
    cache_dir: Path | None = cli_options.CACHE_DIR,
    timeout: float = cli_options.TIMEOUT,
    max_calls: int = cli_options.MAX_CALLS,
    doc_timeout: float = cli_options.DOC_TIMEOUT,
) -> None:
    """Extract claims from articles into JSON Lines or CSV."""
    columns = corpus_columns(id_col, id_prefix, text_col, title_col, date_col, outlet_col)
    documents = load_documents(paths or [], corpus, ids or [], all_rows, columns)
    started = time.monotonic()
    summary = extract_to_file(
        documents,
        out,
        fmt=fmt.value,
        resume=resume,
        progress=False if quiet else None,
        base_url=base_url,
        api_key=api_key,
        model=model,
        no_cache=no_cache,
        cache_dir=cache_dir,
        concurrency=concurrency,
        passes=passes,
        keep_ungrounded=keep_ungrounded,
        max_chars=max_chars,
        strategy=strategy,
        settings=CallSettings(timeout_s=timeout),
        doc_timeout_s=doc_timeout,
        max_calls_per_doc=max_calls,
    )
    if not quiet:
        err.print(
            f"{summary.documents - summary.failed}/{summary.documents} documents, "
            f"{summary.claims} claims, {summary.cache_hits} from cache, "
            + (f"{summary.resumed} kept from before, " if summary.resumed else "")
            + f"{time.monotonic() - started:.1f}s"
            + (f" -> {out}" if out else ""),
            highlight=False,
        )
    if summary.failed:
        raise typer.Exit(1)


def corpus_columns(
    id_col: str | None,
    id_prefix: str | None,
    text_col: str | None,
    title_col: str | None,
    date_col: str | None,
    outlet_col: str | None,
) -> CorpusColumns | None:
    """The columns to read, or None when no column option was given (FA-KES defaults).

    `fakes-` is FA-KES's prefix (the gold files' ids); a user's own id column
    is taken as it is unless --id-prefix says otherwise.
    """
    named = {"title": title_col, "date": date_col, "outlet": outlet_col}
    if id_col is None and text_col is None and id_prefix is None and not any(named.values()):
        return None
    base = FAKES_COLUMNS
    default_prefix = base.prefix if id_col is None else ""
    return CorpusColumns(
        id=id_col or base.id,
        text=text_col or base.text,
        title=title_col or base.title,
        date=date_col or base.date,
        outlet=outlet_col or base.outlet,
        prefix=default_prefix if id_prefix is None else id_prefix,
        required=frozenset(column for column in named.values() if column),
    )


def load_documents(
    paths: list[str],
    corpus: Path | None,
    ids: list[str],
    all_rows: bool,
    columns: CorpusColumns | None,
) -> list[Loaded]:
    """The documents the command line names, or one InputError saying what is missing."""
    documents: list[Loaded] = list(iter_paths(paths)) if paths else []
    wanted = [i.strip() for value in ids for i in value.split(",") if i.strip()]
    if corpus is not None:
        if not wanted and not all_rows:
            raise InputError(
                f"{corpus}: give --ids ID,ID... or --all to extract every row of the corpus"
            )
        documents.extend(iter_corpus(corpus, wanted or None, columns or FAKES_COLUMNS))
    elif wanted or all_rows:
        raise InputError("--ids and --all need --corpus FILE.csv")
    elif columns is not None:
        raise InputError("--id-col, --text-col and the other column options need --corpus FILE.csv")
    if not documents:
        raise InputError("nothing to extract: give PATH..., `-`, or --corpus FILE --ids ID...")
    return documents


@cache_app.command("stats")
def cache_stats(
    cache_dir: Path | None = typer.Option(None, metavar="DIR", help="Response cache directory."),
) -> None:
    """Entries and size of the response cache."""
    stats = ResponseCache(cache_dir).stats()
    print(
        f"{stats['directory']}: {stats['entries']} entries, {stats['size_bytes'] / 2**20:.1f} MiB"
    )


@cache_app.command("clear")
def cache_clear(
    cache_dir: Path | None = typer.Option(None, metavar="DIR", help="Response cache directory."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Remove every cached response (asks first, unless --yes)."""
    cache = ResponseCache(cache_dir)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("cache clear: no terminal to ask; pass --yes to remove every entry")
        question = f"remove all {cache.stats()['entries']} cached responses in {cache.directory}?"
        if not typer.confirm(question):
            raise InputError("cache clear: not confirmed; nothing removed")
    removed = cache.clear()
    print(f"removed {removed} cached responses")

"""`claimtrace extract` and `claimtrace cache ...`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.console import Console

from .cache import ResponseCache
from .errors import InputError
from .extractor import DEFAULT_STRATEGY
from .load import DEFAULT_MAX_CHARS, Loaded, iter_corpus, iter_paths
from .pipeline import extract_to_jsonl

err = Console(stderr=True, soft_wrap=True)
cache_app = typer.Typer(help="The on-disk response cache: stats and clear.")


def extract(
    paths: list[str] = typer.Argument(
        None, help="`.txt` files, directories of them, or `-` for stdin."
    ),
    out: Path = typer.Option(None, "--out", "-o", help="Output JSON Lines file (default stdout)."),
    corpus: Path = typer.Option(None, help="A FA-KES-shaped CSV to read rows from."),
    ids: list[str] = typer.Option(
        None,
        "--ids",
        help="unit_ids of --corpus rows: a comma list, or the option repeated.",
    ),
    all_rows: bool = typer.Option(False, "--all", help="Every row of --corpus (no --ids)."),
    concurrency: int = typer.Option(
        None, min=1, help="Documents in flight (default: server slots)."
    ),
    passes: int = typer.Option(1, min=1, max=3, help="Extraction passes; 2 adds a recall pass."),
    strategy: str = typer.Option(
        DEFAULT_STRATEGY,
        help="`parse`: code finds candidates, the model judges them; `rules`: code "
        "alone, no model; `sentence`: the model lists each sentence's claims; "
        "`article`: one call per article (chunked if long).",
    ),
    keep_ungrounded: bool = typer.Option(
        False, help="Keep claims whose quote is not found, as grounding 'none'."
    ),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, help="Refuse longer documents."),
    base_url: str = typer.Option(None, envvar="CLAIMTRACE_BASE_URL", help="OpenAI-compatible URL."),
    api_key: str = typer.Option(None, envvar="CLAIMTRACE_API_KEY", help="API key for --base-url."),
    model: str = typer.Option(None, envvar="CLAIMTRACE_MODEL", help="Model name."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    cache_dir: Path = typer.Option(None, help="Response cache directory."),
) -> None:
    """Extract claims from articles into JSON Lines (one document per line)."""
    documents: list[Loaded] = []
    if paths:
        documents.extend(iter_paths(paths))
    wanted = [i.strip() for value in ids or [] for i in value.split(",") if i.strip()]
    if corpus is not None:
        if not wanted and not all_rows:
            raise InputError(
                f"{corpus}: give --ids ID,ID... or --all to extract every row of the corpus"
            )
        documents.extend(iter_corpus(corpus, wanted or None))
    elif wanted or all_rows:
        raise InputError("--ids and --all need --corpus FILE.csv")
    if not documents:
        raise InputError("nothing to extract: give PATH..., `-`, or --corpus FILE --ids ID...")
    started = time.monotonic()
    summary = extract_to_jsonl(
        documents,
        out,
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
    )
    elapsed = time.monotonic() - started
    err.print(
        f"{summary.documents - summary.failed}/{summary.documents} documents, "
        f"{summary.claims} claims, {summary.cache_hits} from cache, {elapsed:.1f}s"
        + (f" -> {out}" if out else ""),
        highlight=False,
    )
    if summary.failed:
        raise typer.Exit(1)


@cache_app.command("stats")
def cache_stats(cache_dir: Path = typer.Option(None, help="Response cache directory.")) -> None:
    """Entries and size of the response cache."""
    stats = ResponseCache(cache_dir).stats()
    print(
        f"{stats['directory']}: {stats['entries']} entries, {stats['size_bytes'] / 2**20:.1f} MiB"
    )


@cache_app.command("clear")
def cache_clear(
    cache_dir: Path = typer.Option(None, help="Response cache directory."),
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

"""Options that `extract` and `batch` share, defined once so their flags and help agree.

Each constant is a typer option used as a parameter default; typer only reads it.
"""

from __future__ import annotations

import typer

from .call import CallSettings
from .extractor import DEFAULT_DOC_TIMEOUT_S, DEFAULT_MAX_CALLS_PER_DOC, DEFAULT_STRATEGY
from .load import DEFAULT_MAX_CHARS

MODEL = "Model"

MAX_CHARS = typer.Option(DEFAULT_MAX_CHARS, metavar="N", help="Refuse longer documents.")
QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar, no summary line.")
STRATEGY = typer.Option(
    DEFAULT_STRATEGY,
    metavar="NAME",
    help="rules: code alone; parse: the model judges what code is unsure of; "
    "sentence, article: the model lists the claims.",
    rich_help_panel=MODEL,
)
PASSES = typer.Option(
    1, min=1, max=3, metavar="N", help="2 adds a recall pass (article).", rich_help_panel=MODEL
)
API_KEY = typer.Option(
    None,
    envvar="CLAIMTRACE_API_KEY",
    metavar="KEY",
    help="API key for --base-url.",
    rich_help_panel=MODEL,
)
MODEL_NAME = typer.Option(
    None, envvar="CLAIMTRACE_MODEL", metavar="NAME", help="Model name.", rich_help_panel=MODEL
)
NO_CACHE = typer.Option(
    False, "--no-cache", help="Neither read nor write the cache.", rich_help_panel=MODEL
)
CACHE_DIR = typer.Option(
    None, metavar="DIR", help="Response cache directory.", rich_help_panel=MODEL
)
TIMEOUT = typer.Option(
    CallSettings.timeout_s,
    min=1,
    metavar="S",
    help="Seconds one model call may take.",
    rich_help_panel=MODEL,
)
MAX_CALLS = typer.Option(
    DEFAULT_MAX_CALLS_PER_DOC,
    min=1,
    metavar="N",
    help="Model calls one document may make.",
    rich_help_panel=MODEL,
)
DOC_TIMEOUT = typer.Option(
    DEFAULT_DOC_TIMEOUT_S,
    min=1,
    metavar="S",
    help="Seconds one document may take, retries included.",
    rich_help_panel=MODEL,
)

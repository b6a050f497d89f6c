"""The `claimtrace` command: one Typer app, errors as one line and an exit code."""

from __future__ import annotations

import sys

import typer

from .cli_extract import cache_app, extract
from .cli_llm import llm_app, models_app
from .errors import ClaimtraceError
from .harness.cli import eval_app
from .http.serve import serve

app = typer.Typer(
    help="Extract grounded claims, attributions and casualty figures from news articles.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("extract")(extract)
app.command("serve")(serve)
app.add_typer(cache_app, name="cache")
app.add_typer(models_app, name="models")
app.add_typer(llm_app, name="llm")
app.add_typer(eval_app, name="eval")


def main() -> None:
    """Console entry point: a ClaimtraceError becomes `error: ...` and its exit code."""
    try:
        app()
    except ClaimtraceError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)

"""The `claimtrace` command: one Typer app, errors as one line and an exit code."""

from __future__ import annotations

import sys

import typer

from .cli_llm import llm_app, models_app
from .errors import ClaimtraceError

app = typer.Typer(
    help="Extract grounded claims, attributions and casualty figures from news articles.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(models_app, name="models")
app.add_typer(llm_app, name="llm")


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

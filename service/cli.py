"""The `claimtrace` command: one Typer app, errors as one line and an exit code."""

from __future__ import annotations

import sys

import click
import typer

from . import logs
from .batch.cli import batch
from .cli_extract import cache_app, extract
from .cli_llm import llm_app, models_app
from .errors import ClaimtraceError
from .harness.cli import eval_app
from .http.serve import serve
from .ledger.cli import ledger
from .review.cli import report

app = typer.Typer(
    help="Extract grounded claims, attributions and casualty figures from news articles.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _global(
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Also show the libraries' log lines."
    ),
) -> None:
    """Extract grounded claims, attributions and casualty figures from news articles."""
    logs.configure(verbose)


app.command("extract")(extract)
app.command("batch")(batch)
app.command("serve")(serve)
app.command("ledger")(ledger)
app.command("report")(report)
app.add_typer(cache_app, name="cache")
app.add_typer(models_app, name="models")
app.add_typer(llm_app, name="llm")
app.add_typer(eval_app, name="eval")


def _click_errors() -> tuple[type[Exception], ...]:
    """Click's exception base, and typer's vendored copy of it (typer >= 0.20 ships one)."""
    classes: list[type[Exception]] = [click.ClickException]
    try:
        from typer._click.exceptions import ClickException as VendoredClickException
    except ImportError:
        pass
    else:
        classes.append(VendoredClickException)
    return tuple(classes)


CLICK_ERRORS = _click_errors()


def main() -> None:
    """Console entry point: every user error is one `error: ...` line and an exit code."""
    try:
        code = app(standalone_mode=False)
    except CLICK_ERRORS as error:  # bad option, missing argument, value out of range
        if type(error).__name__ == "NoArgsIsHelpError":
            error.show()  # type: ignore[attr-defined]  # a bare group: its help, as usual
            sys.exit(0)
        message = error.format_message()  # type: ignore[attr-defined]
        ctx = getattr(error, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        print(f"error: {' '.join(message.split())}{hint}", file=sys.stderr)
        sys.exit(int(getattr(error, "exit_code", 2)))
    except ClaimtraceError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, click.Abort):
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()

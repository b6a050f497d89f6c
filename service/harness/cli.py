"""`claimtrace eval`: score predictions against gold, and compare two runs.

Every ClaimtraceError surfaces as one `error: ...` line on stderr with the
error's exit code (2 for bad input), never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from ..config import CORPUS_CSV, PROJECT_ROOT, SEEDS_DIR
from ..errors import ClaimtraceError, InputError
from ..extras import require
from ..load import DocumentStore
from .compare import compare_metrics, load_metrics, row_cells
from .metrics import shown_path
from .reports import check, committed_reports, regenerate
from .run import EvalResult, default_out_dir, evaluate, split_gold
from .score import HEADLINE, LEVELS, threshold_key

eval_app = typer.Typer(
    help="Score extractor output against hand-labelled gold (see evals/GUIDE.md).",
    no_args_is_help=False,
    add_completion=False,
)

T = TypeVar("T")


def _guarded(action: Callable[[], T]) -> T:
    """Run `action`, turning a ClaimtraceError into `error: ...` and its exit code."""
    try:
        return action()
    except ClaimtraceError as err:
        typer.echo(f"error: {' '.join(str(err).split())}", err=True)
        raise typer.Exit(err.exit_code) from None


def _fmt_ci(block: dict[str, Any], key: str) -> str:
    interval = block[f"{key}_ci"]
    return f"{block[key]:.3f}" + (f" [{interval[0]:.2f}, {interval[1]:.2f}]" if interval else "")


def _print_summary(result: EvalResult) -> None:
    metrics = result.metrics
    console = Console()
    table = Table(title=f"{metrics['n_docs']} documents, similarity ≥ {HEADLINE:g}")
    for column in ("", "P", "R", "F1 [95% CI]", "tp/pred/gold"):
        table.add_column(column, justify="right" if column else "left", no_wrap=True)
    blocks = metrics["levels"][threshold_key(HEADLINE)]
    for name, block in [(lv, blocks[lv]) for lv in LEVELS] + [("casualty", metrics["casualty"])]:
        table.add_row(
            name,
            f"{block['p']:.3f}",
            f"{block['r']:.3f}",
            _fmt_ci(block, "f1"),
            f"{block['tp']}/{block['n_pred']}/{block['n_gold']}",
        )
    console.print(table)
    docs = metrics["documents"]
    console.print(
        f"failed {len(docs['failed'])} · missing from pred {len(docs['missing_in_pred'])} · "
        f"pred docs not in gold {docs['extra_in_pred']}",
        highlight=False,
    )
    for label, path in (
        ("pred", result.pred_path),
        ("metrics", result.metrics_path),
        ("markdown", result.markdown_path),
        ("html", result.html_path),
    ):
        console.print(f"{label}: {path}", highlight=False, soft_wrap=True)


@eval_app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    gold: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Gold JSONL (GUIDE section 3).")
    ] = None,
    pred: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Predictions JSONL; without it the gold documents are first extracted "
            "into OUT/pred.jsonl.",
        ),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Use evals/gold/NAME.jsonl (when --gold is not given); names the report.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Report directory (default: ./claimtrace-eval/NAME/)."),
    ] = None,
    docs: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="DIR", help="Directory of DOC_ID.txt files; repeatable (default: seeds/)."
        ),
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="FILE",
            help="FA-KES-shaped CSV for fakes-ID documents; repeatable "
            "(default: evals/corpus/fa-kes.csv).",
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(metavar="URL", help="Extraction: model endpoint.")
    ] = None,
    api_key: Annotated[str | None, typer.Option(metavar="KEY", help="Extraction: API key.")] = None,
    model: Annotated[str | None, typer.Option(metavar="NAME", help="Extraction: model.")] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Extraction: bypass the response cache.")
    ] = False,
    concurrency: Annotated[
        int | None, typer.Option(metavar="N", help="Extraction: parallel requests.")
    ] = None,
    strategy: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Extraction: parse, rules, sentence or article."),
    ] = None,
) -> None:
    """Score predictions against gold; writes metrics.json, report.md and report.html."""
    if ctx.invoked_subcommand is not None:
        return

    def run() -> EvalResult:
        require("eval", "claimtrace eval")
        if gold is None and split is None:
            raise InputError("give --gold FILE or --split NAME (or use `eval compare A B`)")
        gold_path = gold if gold is not None else split_gold(str(split))
        name = split or gold_path.stem
        store = DocumentStore(
            docs or [d for d in (SEEDS_DIR,) if d.is_dir()],
            corpus or [c for c in (CORPUS_CSV,) if c.is_file()],
        )
        return evaluate(
            gold_path,
            pred,
            out or default_out_dir(name),
            store,
            title=f"claimtrace eval: {name}",
            base_url=base_url,
            api_key=api_key,
            model=model,
            no_cache=no_cache,
            concurrency=concurrency,
            **({"strategy": strategy} if strategy else {}),
        )

    _print_summary(_guarded(run))


@eval_app.command("compare")
def compare(
    a: Annotated[Path, typer.Argument(help="Baseline metrics.json.")],
    b: Annotated[Path, typer.Argument(help="New metrics.json.")],
) -> None:
    """Print each headline figure for A and B, B-A, and whether either leaves the other's CI."""
    rows = _guarded(lambda: compare_metrics(load_metrics(a), load_metrics(b)))
    table = Table(title=f"A = {a}   B = {b}")
    for column in ("figure", "A", "B", "B-A", "B outside A's CI", "A outside B's CI"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for row in rows:
        table.add_row(*row_cells(row))
    Console().print(table)


def _rescore(names: Sequence[str], check_only: bool) -> int:
    """Rewrite (or only check) each committed report, one line each; how many differ."""
    require("eval", "claimtrace eval reports")
    store = DocumentStore()
    differing = 0
    for report in committed_reports(names):
        if not check_only:
            regenerate(report, store)
            typer.echo(f"{report.name}: rewritten (gold {shown_path(report.gold)})")
            continue
        found = check(report, store)
        differing += bool(found)
        typer.echo(f"{report.name}: " + ("differs" if found else "reproduces"))
        for line in found:
            typer.echo(f"  {line}")
    return differing


@eval_app.command("reports")
def reports(
    names: Annotated[
        list[str] | None, typer.Argument(metavar="NAME", help="Only these reports.")
    ] = None,
    check_only: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 naming each metrics.json figure that differs."
        ),
    ] = False,
) -> None:
    """Rescore every committed report in evals/reports/ from its own pred.jsonl (no model)."""
    differing = _guarded(lambda: _rescore(names or (), check_only))
    if differing:
        typer.echo(f"error: {differing} report(s) do not reproduce", err=True)
        raise typer.Exit(1)


LEDGER_GOLD = PROJECT_ROOT / "evals" / "ledger"


@eval_app.command("ledger")
def ledger(
    claims: Annotated[
        Path, typer.Option(metavar="FILE", help="Gold casualty claims (GUIDE section 3).")
    ] = LEDGER_GOLD / "claims.jsonl",
    tallies: Annotated[
        Path, typer.Option(metavar="FILE", help="Gold tallies, one JSON line per tally.")
    ] = LEDGER_GOLD / "tallies.jsonl",
    corpus: Annotated[
        Path, typer.Option(metavar="CSV", help="FA-KES CSV: texts, outlets, dates, locations.")
    ] = CORPUS_CSV,
    pred: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Predicted records; without it the gold articles are extracted with the "
            "rules strategy into OUT/pred.jsonl.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Report directory (default: ./claimtrace-eval/ledger/)."),
    ] = None,
) -> None:
    """Score the ledger's grouping: pairwise and B-cubed F1 on gold and on predicted claims."""
    from .ledger_eval import LedgerEvalResult, evaluate_ledger

    def run() -> LedgerEvalResult:
        require("eval", "claimtrace eval ledger")
        return evaluate_ledger(claims, tallies, corpus, out or default_out_dir("ledger"), pred)

    result = _guarded(run)
    table = Table(title="ledger grouping")
    for column in ("claims", "pairwise P", "R", "F1", "B-cubed P", "R", "F1"):
        table.add_column(column, justify="left" if column == "claims" else "right")
    for name, key in (("gold", "gold_claims"), ("predicted", "predicted_claims")):
        pw, b3 = result.metrics[key]["pairwise"], result.metrics[key]["bcubed"]
        values = (pw["p"], pw["r"], pw["f1"], b3["p"], b3["r"], b3["f1"])
        table.add_row(name, *(f"{v:.3f}" for v in values))
    console = Console()
    console.print(table)
    block = result.metrics["predicted_claims"]
    console.print(
        f"predicted: {block['matched']} of {block['n_pred_claims']} claims paired; unpaired "
        f"{block['unmatched_pred']} predicted, {block['unmatched_gold']} gold",
        highlight=False,
    )
    for label, path in (("metrics", result.metrics_path), ("markdown", result.markdown_path)):
        console.print(f"{label}: {path}", highlight=False, soft_wrap=True)

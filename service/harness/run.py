"""Run an evaluation end to end: read gold, extract when no pred is given, score, write reports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import GOLD_DIR
from ..errors import ClaimtraceError, InputError
from ..load import Document, DocumentStore
from .metrics import build_metrics
from .reader import read_gold, read_pred
from .records import DocRecord
from .report_html import render_html
from .report_md import render_markdown
from .score import ScoredDoc, score_documents


def split_gold(name: str) -> Path:
    """The gold file of a named split: evals/gold/NAME.jsonl of the source checkout."""
    path = GOLD_DIR / f"{name}.jsonl"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in GOLD_DIR.glob("*.jsonl"))) or "none here"
        raise InputError(
            f"split {name!r}: no evals/gold/{name}.jsonl (splits come with the source "
            f"checkout; known: {known}); pass --gold FILE"
        )
    return path


def default_out_dir(name: str) -> Path:
    """claimtrace-eval/NAME/ under the working directory: a run never overwrites the
    committed reports in evals/reports/ unless `--out` says so."""
    return Path.cwd() / "claimtrace-eval" / name


@dataclass(frozen=True)
class EvalResult:
    """What one evaluation produced and where it wrote it."""

    metrics: dict[str, Any]
    docs: list[ScoredDoc]
    pred_path: Path
    metrics_path: Path
    markdown_path: Path
    html_path: Path


def score_files(
    gold_path: Path, pred_path: Path, store: DocumentStore
) -> tuple[list[ScoredDoc], dict[str, Any]]:
    """Scored documents and the metrics.json content for a gold and a pred file."""
    gold, texts = read_gold(gold_path, store)
    return _score(gold, texts, gold_path, pred_path)


def _score(
    gold: Sequence[DocRecord], texts: dict[str, str], gold_path: Path, pred_path: Path
) -> tuple[list[ScoredDoc], dict[str, Any]]:
    docs, extra = score_documents(gold, texts, read_pred(pred_path))
    return docs, build_metrics(docs, extra, gold_path, pred_path)


def extract_predictions(documents: list[Document], out_path: Path, **options: Any) -> None:
    """Run the lead's pipeline over the gold documents (imported late: optional at test time)."""
    try:
        from ..pipeline import extract_to_jsonl  # type: ignore[import-not-found,unused-ignore]
    except ImportError as err:
        raise ClaimtraceError(
            f"extraction pipeline unavailable ({err}); pass --pred FILE to score existing output"
        ) from err
    out_path.parent.mkdir(parents=True, exist_ok=True)
    extract_to_jsonl(documents, out_path, **options)


def evaluate(
    gold_path: Path,
    pred_path: Path | None,
    out_dir: Path,
    store: DocumentStore | None = None,
    title: str | None = None,
    **extract_options: Any,
) -> EvalResult:
    """Score `pred_path` (or, when None, fresh extraction into OUT/pred.jsonl) against gold.

    Writes OUT/metrics.json, OUT/report.md and OUT/report.html. `extract_options`
    (base_url, api_key, model, no_cache, concurrency) go to `extract_to_jsonl`.
    """
    store = store or DocumentStore()
    gold, texts = read_gold(gold_path, store)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{out_dir}: cannot create output directory ({err.strerror})") from err
    if pred_path is None:
        pred_path = out_dir / "pred.jsonl"
        documents = [Document(g.doc_id, texts[g.doc_id]) for g in gold]
        extract_predictions(documents, pred_path, **extract_options)
    docs, metrics = _score(gold, texts, gold_path, pred_path)
    title = title or f"claimtrace eval: {gold_path.stem}"
    metrics_path = out_dir / "metrics.json"
    markdown_path = out_dir / "report.md"
    html_path = out_dir / "report.html"
    metrics_path.write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", "utf-8")
    markdown_path.write_text(render_markdown(metrics, title) + "\n", "utf-8")
    html_path.write_text(render_html(docs, metrics, title), "utf-8")
    return EvalResult(metrics, docs, pred_path, metrics_path, markdown_path, html_path)

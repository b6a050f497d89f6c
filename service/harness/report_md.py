"""report.md: the figures of metrics.json as Markdown tables, for reading and for diffs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .error_breakdown import ERRORS_NOTE, error_rows
from .score import LEVELS, threshold_key


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _ci(interval: Sequence[float] | None) -> str:
    return f"[{interval[0]:.3f}, {interval[1]:.3f}]" if interval else "–"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _prf_row(name: str, b: dict[str, Any]) -> list[str]:
    return [
        name,
        f"{_num(b['p'])} {_ci(b['p_ci'])}",
        f"{_num(b['r'])} {_ci(b['r_ci'])}",
        f"{_num(b['f1'])} {_ci(b['f1_ci'])}",
        str(b["tp"]),
        str(b["n_pred"]),
        str(b["n_gold"]),
    ]


PRF_HEADER = ("", "P [95% CI]", "R [95% CI]", "F1 [95% CI]", "tp", "pred", "gold")


def _breakdown(title: str, block: dict[str, Any]) -> list[str]:
    rows = [
        [value]
        + [_num(b[level][k]) for level in ("L1", "L2") for k in ("p", "r", "f1")]
        + [str(b["L1"]["n_pred"]), str(b["L1"]["n_gold"])]
        for value, b in block.items()
        if b["L1"]["n_pred"] or b["L1"]["n_gold"]
    ]
    header = ("", "L1 P", "L1 R", "L1 F1", "L2 P", "L2 R", "L2 F1", "pred", "gold")
    return [f"## {title}", "", *_table(header, rows)]


def _trust(t: dict[str, Any]) -> list[str]:
    grounding = ", ".join(
        f"{name} {g['count']} ({_num(g['share'])})" for name, g in t["grounding"].items()
    )
    tokens, wall = t["tokens"], t["wall_s"]
    rows = [
        ["predicted documents", str(t["pred_docs"])],
        ["failed documents", str(t["failed_docs"])],
        ["documents missing from pred", str(t["missing_docs"])],
        ["predicted claims", str(t["pred_claims"])],
        ["grounding (count, share)", grounding],
        ["dropped ungrounded", str(t["dropped_ungrounded"])],
        ["merged duplicates", str(t["merged_duplicates"])],
        ["transport retries", str(t["retries"])],
        ["validation re-asks", str(t["reasks"])],
        ["model calls / chunks", f"{t['calls']} / {t['chunks']}"],
        ["cache hits (documents)", str(t["cache_hits"])],
        ["tokens in / out (total)", f"{tokens['prompt']} / {tokens['completion']}"],
        [
            "tokens in / out (per document)",
            f"{_num(tokens['prompt_per_doc'])} / {_num(tokens['completion_per_doc'])}",
        ],
        [
            "wall time per document, s (mean / p50 / max)",
            f"{_num(wall['mean'])} / {_num(wall['p50'])} / {_num(wall['max'])}",
        ],
        ["warnings", str(t["warnings"])],
        ["models", ", ".join(t["models"]) or "–"],
        ["prompt versions", ", ".join(t["prompt_versions"]) or "–"],
    ]
    return ["## Trust", "", *_table(("figure", "value"), rows)]


def _missed_by(title: str, block: dict[str, Any]) -> list[str]:
    rows = [
        [value, str(b["missed_near"]), str(b["missed"]), str(b["n_gold"])]
        for value, b in block.items()
        if b["n_gold"]
    ]
    return [f"### {title}", "", *_table(("", "missed_near", "missed", "gold"), rows)]


def _errors(errors: dict[str, Any]) -> list[str]:
    rows = [
        [label, str(n), _num(share), meaning] for label, n, share, meaning in error_rows(errors)
    ]
    return [
        f"## Errors by category (≥ {errors['threshold']:g})",
        "",
        f"{ERRORS_NOTE} Gold claims: {errors['n_gold']}; predicted claims: {errors['n_pred']}.",
        "",
        *_table(("category", "count", "share", "meaning"), rows),
        *_missed_by("Missed gold claims by kind", errors["missed_by_kind"]),
        *_missed_by("Missed gold claims by source type", errors["missed_by_source_type"]),
    ]


def render_markdown(metrics: dict[str, Any], title: str) -> str:
    """The whole report.md."""
    out = [
        f"# {title}",
        "",
        f"- gold: `{metrics['gold']}`",
        f"- pred: `{metrics['pred']}`",
        f"- documents: {metrics['n_docs']}, gold claims: {metrics['n_gold_claims']}, "
        f"predicted claims: {metrics['n_pred_claims']}",
        f"- intervals: {metrics['bootstrap']['confidence']:.0%} percentile bootstrap over "
        f"documents, {metrics['bootstrap']['resamples']} resamples, seed "
        f"{metrics['bootstrap']['seed']}",
        "",
    ]
    for threshold in metrics["thresholds"]:
        key = threshold_key(threshold)
        marker = " (headline)" if threshold == metrics["headline_threshold"] else ""
        rows = [_prf_row(level, metrics["levels"][key][level]) for level in LEVELS]
        out += [f"## Claims, similarity ≥ {key}{marker}", "", *_table(PRF_HEADER, rows)]
    out += ["## Casualty tuples (count, outcome, victims)", ""]
    out += _table(PRF_HEADER, [_prf_row("casualty", metrics["casualty"])])
    macro_rows = [
        [level] + [_num(metrics["macro"][level][k]) for k in ("p", "r", "f1")] for level in LEVELS
    ]
    out += ["## Macro (mean over documents, ≥ 0.5)", "", *_table(("", "P", "R", "F1"), macro_rows)]
    field_rows = [
        [name, _num(f["accuracy"]), f"{f['correct']}/{f['total']}"]
        for name, f in metrics["fields"].items()
    ]
    out += ["## Field accuracy on matched pairs (≥ 0.5)", ""]
    out += _table(("field", "accuracy", "correct/total"), field_rows)
    out += _breakdown("By kind (≥ 0.5)", metrics["by_kind"])
    out += _breakdown("By source type (≥ 0.5)", metrics["by_source_type"])
    out += _errors(metrics["errors"])
    out += _trust(metrics["trust"])
    docs = metrics["documents"]
    out += ["## Documents", ""]
    out += [f"- failed: {len(docs['failed'])}"]
    out += [f"  - `{d['doc_id']}`: {d['error']}" for d in docs["failed"]]
    out += [f"- missing from pred (scored as empty): {len(docs['missing_in_pred'])}"]
    out += [f"  - `{doc_id}`" for doc_id in docs["missing_in_pred"]]
    out += [f"- pred documents not in gold (ignored): {docs['extra_in_pred']}", ""]
    per_doc = [
        [
            f"`{d['doc_id']}`",
            d["status"],
            str(d["n_gold"]),
            str(d["n_pred"]),
            str(d["L1_tp"]),
            str(d["L2_tp"]),
            str(d["L3_tp"]),
        ]
        for d in metrics["per_document"]
    ]
    out += ["## Per document (≥ 0.5)", ""]
    out += _table(("doc", "status", "gold", "pred", "L1", "L2", "L3"), per_doc)
    return "\n".join(out)

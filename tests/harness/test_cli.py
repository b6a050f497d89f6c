"""The `claimtrace eval` typer app: main form, one-line errors, extraction hand-off, compare."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from claimtrace.load import Document

from .conftest import Workspace, claim


def _simple(ws: Workspace) -> None:
    ws.doc("a", "Activists said 27 civilians were shot dead. Officials denied it.")
    ws.doc("b", "Troops said the town fell.")
    ws.gold(
        [
            {
                "doc_id": "a",
                "claims": [
                    claim("27 civilians were shot dead", casualty=(27, "killed", "civilians")),
                    claim("Officials denied it", name="officials", type="government"),
                ],
            },
            {"doc_id": "b", "claims": [claim("the town fell", name="troops", type="military")]},
        ]
    )


def _one_line_error(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_main_writes_reports_and_prints_summary(ws: Workspace) -> None:
    _simple(ws)
    ws.pred([{"doc_id": "a", "claims": [claim("27 civilians were shot dead")]}])
    result = ws.cli(
        "--gold",
        str(ws.root / "gold.jsonl"),
        "--pred",
        str(ws.root / "pred.jsonl"),
        "--docs",
        str(ws.docs),
        "--out",
        str(ws.out),
    )
    assert result.exit_code == 0, result.output
    for name in ("metrics.json", "report.md", "report.html"):
        assert (ws.out / name).is_file()
        assert str(ws.out / name) in result.stdout
    assert "L1" in result.stdout and "casualty" in result.stdout
    metrics = json.loads((ws.out / "metrics.json").read_text())
    # gold 3, pred 1, matched 1 -> R 1/3; b is missing from pred
    assert metrics["levels"]["0.5"]["L1"]["r"] == pytest.approx(1 / 3)
    assert metrics["documents"]["missing_in_pred"] == ["b"]
    md = (ws.out / "report.md").read_text()
    assert "## Claims, similarity ≥ 0.5 (headline)" in md and "| L3 |" in md


def test_no_gold_is_a_one_line_error(ws: Workspace) -> None:
    _one_line_error(ws.cli(), "--gold")


def test_unknown_split_names_the_file(ws: Workspace) -> None:
    _one_line_error(ws.cli("--split", "no-such-split", "--out", str(ws.out)), "no-such-split.jsonl")


def test_bad_gold_line_exits_2_with_file_and_line(ws: Workspace) -> None:
    ws.doc("a", "Activists said 27 civilians were shot dead.")
    ws.gold(
        [
            {"doc_id": "a", "claims": [claim("27 civilians were shot dead")]},
            {"doc_id": "a2", "claims": []},
        ]
    )
    ws.doc("a2", "Nothing.")
    lines = (ws.root / "gold.jsonl").read_text().splitlines()
    lines[1] = lines[1].replace('"claims": []', '"claims": [{"evidence": "27 civilians"}]')
    (ws.root / "gold.jsonl").write_text("\n".join(lines) + "\n")
    ws.pred([])
    result = ws.cli(
        "--gold",
        str(ws.root / "gold.jsonl"),
        "--pred",
        str(ws.root / "pred.jsonl"),
        "--docs",
        str(ws.docs),
        "--out",
        str(ws.out),
    )
    _one_line_error(result, "gold.jsonl:2:", "claims.0.statement: field is missing")


def test_missing_docs_dir_or_pred_file(ws: Workspace) -> None:
    _simple(ws)
    result = ws.cli(
        "--gold",
        str(ws.root / "gold.jsonl"),
        "--pred",
        str(ws.root / "nope.jsonl"),
        "--docs",
        str(ws.docs),
        "--out",
        str(ws.out),
    )
    _one_line_error(result, "nope.jsonl: no such file")
    result = ws.cli(
        "--gold",
        str(ws.root / "gold.jsonl"),
        "--pred",
        str(ws.root / "nope.jsonl"),
        "--docs",
        str(ws.root / "elsewhere"),
        "--out",
        str(ws.out),
    )
    _one_line_error(result, "gold.jsonl:1:", "a: document not found")


def test_without_pred_extracts_first(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    _simple(ws)
    gold = {
        r["doc_id"]: r for r in map(json.loads, (ws.root / "gold.jsonl").read_text().splitlines())
    }
    calls: list[dict[str, Any]] = []

    def extract_to_jsonl(documents: list[Document], out_path: Path, **options: Any) -> None:
        calls.append({"ids": [d.doc_id for d in documents], "out": out_path, **options})
        assert all(isinstance(d, Document) and d.text for d in documents)
        # a perfect extractor: echo the gold
        out_path.write_text("".join(json.dumps(gold[d.doc_id]) + "\n" for d in documents))

    fake = types.ModuleType("claimtrace.pipeline")
    fake.extract_to_jsonl = extract_to_jsonl  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "claimtrace.pipeline", fake)
    result = ws.cli(
        "--gold",
        str(ws.root / "gold.jsonl"),
        "--docs",
        str(ws.docs),
        "--out",
        str(ws.out),
        "--model",
        "tiny",
        "--no-cache",
        "--concurrency",
        "3",
    )
    assert result.exit_code == 0, result.output
    assert calls == [
        {"ids": ["a", "b"], "out": ws.out / "pred.jsonl", "base_url": None, "api_key": None,
         "model": "tiny", "no_cache": True, "concurrency": 3},
    ]  # fmt: skip
    metrics = json.loads((ws.out / "metrics.json").read_text())
    assert metrics["pred"] == str(ws.out / "pred.jsonl")
    assert metrics["levels"]["0.5"]["L3"]["f1"] == 1.0


def test_without_pred_and_without_pipeline(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    _simple(ws)
    monkeypatch.setitem(sys.modules, "claimtrace.pipeline", None)  # import now fails
    result = ws.cli(
        "--gold", str(ws.root / "gold.jsonl"), "--docs", str(ws.docs), "--out", str(ws.out)
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: extraction pipeline unavailable")


def _metrics_pair(ws: Workspace) -> tuple[Path, Path]:
    """A: nothing predicted (all figures 0, intervals [0, 0]); B: gold echoed (all 1)."""
    _simple(ws)
    ws.pred([])
    a = ws.evaluate("run_a").metrics_path
    (ws.root / "pred.jsonl").write_text((ws.root / "gold.jsonl").read_text())
    b = ws.evaluate("run_b").metrics_path
    return a, b


def test_compare_prints_differences_and_flags(ws: Workspace) -> None:
    a, b = _metrics_pair(ws)
    result = ws.cli("compare", str(a), str(b))
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    # L1 F1: A 0 [0, 0], B 1 [1, 1]: each point lies outside the other's interval
    cells = [c.strip() for c in rows["L1 F1"].split("│")[1:-1]]
    assert cells == ["L1 F1", "0.000", "1.000", "+1.000", "yes", "yes"]
    for name in ("L2 P", "L3 R", "casualty F1", "macro L2 F1"):
        assert name in rows
    # macro figures have no interval and are never flagged
    assert [c.strip() for c in rows["macro L1 F1"].split("│")[1:-1]][4:] == ["", ""]


def test_compare_same_run_flags_nothing(ws: Workspace) -> None:
    a, _ = _metrics_pair(ws)
    result = ws.cli("compare", str(a), str(a))
    assert result.exit_code == 0
    assert "yes" not in result.stdout and "+0.000" in result.stdout


def test_compare_refuses_a_non_metrics_file(ws: Workspace) -> None:
    a, _ = _metrics_pair(ws)
    (ws.root / "x.json").write_text('{"hello": 1}')
    _one_line_error(ws.cli("compare", str(a), str(ws.root / "x.json")), "x.json", "metrics.json")
    _one_line_error(
        ws.cli("compare", str(a), str(ws.root / "none.json")), "none.json: no such file"
    )

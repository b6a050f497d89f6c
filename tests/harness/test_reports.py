"""Every committed report in evals/reports/ reproduces from its own pred.jsonl (`eval reports`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtrace.config import PROJECT_ROOT
from claimtrace.harness.reports import (
    Report,
    check,
    committed_reports,
    differences,
    regenerate,
)
from claimtrace.load import DocumentStore

from .conftest import Workspace, claim

COMMITTED = committed_reports()


def test_the_committed_reports_are_found() -> None:
    splits = {r.name: r.split for r in COMMITTED}
    assert {"seeds", "dev", "test", "test-rules", "test-parse"} <= set(splits)
    assert (splits["dev-rules"], splits["test-rules-v1"]) == ("dev", "test")


@pytest.mark.parametrize("report", COMMITTED, ids=lambda r: r.name)
def test_committed_report_reproduces(report: Report) -> None:
    assert check(report, DocumentStore()) == []


@pytest.mark.parametrize("report", COMMITTED, ids=lambda r: r.name)
def test_metrics_name_files_relative_to_the_checkout(report: Report) -> None:
    metrics = json.loads((report.folder / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["pred"] == f"evals/reports/{report.name}/pred.jsonl"
    assert not Path(metrics["gold"]).is_absolute()
    assert (PROJECT_ROOT / metrics["gold"]).resolve() == report.gold.resolve()


def test_differences_name_each_figure() -> None:
    old = {"levels": {"0.5": {"L1": {"f1": 0.5, "f1_ci": [0.4, 0.6]}}}, "rows": [{"n": 1}]}
    new = {"levels": {"0.5": {"L1": {"f1": 0.6, "f1_ci": [0.4, 0.7]}}}, "rows": [{"n": 2}], "x": 1}
    assert differences(old, new) == [
        "levels.0.5.L1.f1: 0.5 -> 0.6",
        "levels.0.5.L1.f1_ci: [0.4, 0.6] -> [0.4, 0.7]",
        "rows[0].n: 1 -> 2",
        "x: '<absent>' -> 1",
    ]
    assert differences(old, old) == []


def _tmp_report(ws: Workspace) -> Report:
    """A report folder under ws.root/reports/test-x pinning its own gold.jsonl."""
    ws.doc("a", "Activists said 27 civilians were shot dead.")
    folder = ws.root / "reports" / "test-x"
    folder.mkdir(parents=True)
    gold = [{"doc_id": "a", "claims": [claim("27 civilians were shot dead")]}]
    (folder / "gold.jsonl").write_text(json.dumps(gold[0]) + "\n", encoding="utf-8")
    pred = {"doc_id": "a", "claims": [claim("27 civilians")]}
    (folder / "pred.jsonl").write_text(json.dumps(pred) + "\n", encoding="utf-8")
    return Report(folder)


def test_regenerate_then_check_and_a_changed_figure_is_named(ws: Workspace) -> None:
    report = _tmp_report(ws)
    assert committed_reports(root=ws.root / "reports") == [report]
    assert report.gold == report.folder / "gold.jsonl" and report.split == "test"
    regenerate(report, ws.store())
    assert {p.name for p in report.folder.iterdir()} >= {"metrics.json", "report.md", "report.html"}
    assert check(report, ws.store()) == []
    metrics_path = report.folder / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    metrics["levels"]["0.5"]["L1"]["tp"] = 7
    metrics_path.write_text(json.dumps(metrics), encoding="utf-8")
    assert check(report, ws.store()) == ["levels.0.5.L1.tp: 7 -> 1"]


def test_check_command_passes_on_the_committed_reports(ws: Workspace) -> None:
    result = ws.cli("reports", "--check", "seeds", "test")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["seeds: reproduces", "test: reproduces"]


def test_unknown_report_is_a_one_line_error(ws: Workspace) -> None:
    result = ws.cli("reports", "--check", "no-such-report")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no report no-such-report in ")

"""Regenerate the committed reports in evals/reports/ from their own pred.jsonl: rescoring, no model.

A report folder NAME holds the pred.jsonl it was scored from. Its gold is
evals/gold/SPLIT.jsonl, SPLIT being NAME up to the first '-' (test-rules-v1
is scored on test), unless the folder pins its own gold.jsonl: a report made
before its split grew (dev, scored on dev's first 12 articles) keeps the gold
its figures were made on. Checking instead of writing names every metrics.json
figure that moved, so a harness change cannot shift a committed score unseen.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import GOLD_DIR, PROJECT_ROOT
from ..errors import InputError
from ..load import DocumentStore
from .run import EvalResult, evaluate, score_files

REPORTS_DIR = PROJECT_ROOT / "evals" / "reports"


@dataclass(frozen=True)
class Report:
    """One committed report folder and the files it is scored from."""

    folder: Path

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def split(self) -> str:
        return self.name.split("-", 1)[0]

    @property
    def pred(self) -> Path:
        return self.folder / "pred.jsonl"

    @property
    def gold(self) -> Path:
        pinned = self.folder / "gold.jsonl"
        return pinned if pinned.is_file() else GOLD_DIR / f"{self.split}.jsonl"

    @property
    def title(self) -> str:
        return f"claimtrace eval: {self.split}"


def committed_reports(names: Sequence[str] = (), root: Path = REPORTS_DIR) -> list[Report]:
    """The report folders under `root` that hold a pred.jsonl, by name (only `names` if given)."""
    found = {p.parent.name: Report(p.parent) for p in sorted(root.glob("*/pred.jsonl"))}
    unknown = [n for n in names if n not in found]
    if unknown:
        known = ", ".join(found) or "none"
        raise InputError(f"no report {', '.join(unknown)} in {root} (known: {known})")
    return [found[n] for n in names] if names else list(found.values())


def regenerate(report: Report, store: DocumentStore) -> EvalResult:
    """Rewrite the report's metrics.json, report.md and report.html from its pred.jsonl."""
    return evaluate(report.gold, report.pred, report.folder, store, title=report.title)


ABSENT = "<absent>"


def differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Each leaf of two JSON values that differs, as `dotted.key: old -> new`."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = list(old) + [k for k in new if k not in old]
        return [
            line
            for k in keys
            for line in differences(old.get(k, ABSENT), new.get(k, ABSENT), _key(where, k))
        ]
    if _same_length_lists(old, new) and any(isinstance(v, dict | list) for v in old + new):
        pairs = enumerate(zip(old, new, strict=True))
        return [line for i, (a, b) in pairs for line in differences(a, b, f"{where}[{i}]")]
    return [] if old == new else [f"{where or '(whole file)'}: {old!r} -> {new!r}"]


def _same_length_lists(old: Any, new: Any) -> bool:
    return isinstance(old, list) and isinstance(new, list) and len(old) == len(new)


def _key(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def check(report: Report, store: DocumentStore) -> list[str]:
    """Rescore without writing; the figures that differ from the committed metrics.json."""
    try:
        committed = json.loads((report.folder / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"{report.folder}/metrics.json: unreadable ({err})") from err
    _, metrics = score_files(report.gold, report.pred, store)
    return differences(committed, json.loads(json.dumps(metrics)))

"""Compare two metrics.json files: headline figures, their difference, and interval checks.

A difference is flagged when B's point estimate lies outside A's bootstrap
interval (or A's outside B's): a cheap, conservative sign that it is more than
resampling noise. Macro figures have no interval and are never flagged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .metrics import SCHEMA
from .score import HEADLINE, LEVELS, threshold_key


@dataclass(frozen=True)
class Row:
    """One headline figure in both runs."""

    name: str
    a: float | None
    b: float | None
    a_ci: tuple[float, float] | None
    b_ci: tuple[float, float] | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def b_outside_a(self) -> bool:
        return _outside(self.b, self.a_ci)

    @property
    def a_outside_b(self) -> bool:
        return _outside(self.a, self.b_ci)


def _outside(value: float | None, interval: tuple[float, float] | None) -> bool:
    return value is not None and interval is not None and not interval[0] <= value <= interval[1]


def load_metrics(path: Path) -> dict[str, Any]:
    """A metrics.json written by this harness, or InputError saying why not."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InputError(f"{path}: no such file") from err
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read ({err})") from err
    except json.JSONDecodeError as err:
        raise InputError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from err
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(f"{path}: not a claimtrace metrics.json (schema {SCHEMA!r} expected)")
    return data


def _ci(block: dict[str, Any], key: str) -> tuple[float, float] | None:
    interval = block.get(f"{key}_ci")
    return (float(interval[0]), float(interval[1])) if interval else None


def _blocks(metrics: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    level = metrics["levels"][threshold_key(HEADLINE)]
    return [(name, level[name]) for name in LEVELS] + [("casualty", metrics["casualty"])]


def compare_metrics(a: dict[str, Any], b: dict[str, Any]) -> list[Row]:
    """Headline rows: L1-L3 and casualty P/R/F1 at 0.5 with intervals, then macro F1."""
    rows: list[Row] = []
    try:
        for (name, block_a), (_, block_b) in zip(_blocks(a), _blocks(b), strict=True):
            for key in ("p", "r", "f1"):
                rows.append(
                    Row(
                        f"{name} {key.upper()}",
                        block_a[key],
                        block_b[key],
                        _ci(block_a, key),
                        _ci(block_b, key),
                    )
                )
        for level in LEVELS:
            rows.append(
                Row(
                    f"macro {level} F1",
                    a["macro"][level]["f1"],
                    b["macro"][level]["f1"],
                    None,
                    None,
                )
            )
    except (KeyError, TypeError, IndexError) as err:
        raise InputError(f"metrics file lacks an expected figure ({err})") from err
    return rows


def row_cells(row: Row) -> Sequence[str]:
    """Printable cells: figure, A, B, B-A, flags."""

    def fmt(value: float | None) -> str:
        return "–" if value is None else f"{value:.3f}"

    delta = "–" if row.delta is None else f"{row.delta:+.3f}"
    return (
        row.name,
        fmt(row.a),
        fmt(row.b),
        delta,
        "yes" if row.b_outside_a else "",
        "yes" if row.a_outside_b else "",
    )

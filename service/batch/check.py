"""`claimtrace batch --check DIR --input INPUT`: is every input id in DIR exactly once?

Reads only the shards' ids, line by line or (Parquet) two columns, and
validates no record, so a large DIR checks fast; counts, against the input's
ids: records, errors, ids missing, ids written more than once (a run that
stopped before its fold; the next run folds them), ids not in the input, and
lines that are not records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .shards import OutputDir


@dataclass(frozen=True)
class CheckResult:
    inputs: int
    records: int
    errors: int
    missing: int
    duplicated: int
    unexpected: int
    unreadable: int
    shards: int

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.unreadable)

    def lines(self) -> list[str]:
        verdict = "ok" if self.ok else "NOT exactly once"
        return [
            f"{self.inputs} input ids; {self.records} records, {self.errors} errors "
            f"in {self.shards} shards",
            f"missing {self.missing}, duplicated {self.duplicated}, "
            f"not in the input {self.unexpected}, unreadable lines {self.unreadable}: {verdict}",
        ]


def check(out_dir: Path, ids: Sequence[str]) -> CheckResult:
    """Count DIR's records against the input ids (each must appear exactly once)."""
    out = OutputDir(out_dir)
    contents = out.read()
    copies: Counter[str] = Counter()
    for line in contents.losers:
        copies[line.doc_id] += 1
    wanted = set(ids)
    present = [i for i in wanted if i in contents.winners]
    errors = sum(1 for i in present if contents.winners[i].error)
    return CheckResult(
        inputs=len(wanted),
        records=len(present) - errors,
        errors=errors,
        missing=len(wanted) - len(present),
        duplicated=sum(1 for i in copies if i in wanted),
        unexpected=sum(1 for i in contents.winners if i not in wanted),
        unreadable=contents.unreadable,
        shards=len(out.shards()),
    )

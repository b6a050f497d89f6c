"""evals/GUIDE.md stays honest: its gold example and seed evidence pass the harness's checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

from claimtrace.config import PROJECT_ROOT, SEEDS_DIR
from claimtrace.harness.reader import read_gold
from claimtrace.load import DocumentStore

GUIDE = PROJECT_ROOT / "evals" / "GUIDE.md"


def test_gold_example_is_valid_gold(tmp_path: Path) -> None:
    block = re.search(r"```json\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert block is not None
    path = tmp_path / "example.jsonl"
    path.write_text(json.dumps(json.loads(block.group(1))) + "\n", encoding="utf-8")
    records, _ = read_gold(path, DocumentStore([SEEDS_DIR], []))
    assert len(records[0].claim_list) == 1


def test_seed_evidence_in_tables_is_verbatim() -> None:
    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS_DIR.glob("*.txt")}
    rows = re.findall(r"^\| `([^`]+)` \((\d{3})\) \|", GUIDE.read_text(encoding="utf-8"), re.M)
    assert len(rows) >= 10
    for evidence, seed in rows:
        assert evidence in seeds[seed], (seed, evidence)

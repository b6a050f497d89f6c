"""The parse strategy end to end, replaying the judge calls recorded from llama-server.

Record with a server on 8091 (see tests/README.md): `CLAIMTRACE_RECORD=1 python -m
pytest tests/test_judge_replay.py`. `tests/test_live.py` sends the recorded first
judge request to a real server and checks that its answer still validates.
"""

from __future__ import annotations

from pathlib import Path

from claimtrace import Extractor, candidates, judge, parse, sources
from claimtrace.llm.endpoint import Endpoint

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "004_edab79c1a45cfe29.txt"


def test_parse_strategy_replays_judge_calls(recorder, recorded_endpoint: Endpoint) -> None:
    text = SEED.read_text(encoding="utf-8")
    with recorder.use_cassette("seed_004_judge.yaml") as cassette:
        record = Extractor(endpoint=recorded_endpoint, cache=False, strategy="parse").extract(
            text, "004"
        )
    doc = parse.parse(text)
    found = candidates.find(doc)
    groups = judge.groups(doc, found, sources.attribute(doc, found))
    assert record.stats.calls == len(groups) == len(cassette.requests) > 0
    for claim in record.claims:
        assert text[claim.span.start : claim.span.end] == claim.evidence
    figures = {c.casualty.count for c in record.claims if c.casualty}
    assert {27, 34, 12} <= figures
    # the judge writes a name per asked statement, not claims
    judged = sum(len(g.members) for g in groups)
    assert record.usage.completion_tokens <= 20 * judged

"""Trust figures from the extractor's optional extras: how grounded, how costly, how reliable.

Computed over the scored documents (pred documents outside gold are ignored).
Figures a pred file does not report stay 0 (sums) or null (means), and
`docs_reporting` says how many documents each mean rests on.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .records import GROUNDINGS, DocRecord, reported
from .score import ScoredDoc

# The run's counters summed into the block: named, as metrics.json keys are a stable interface.
STAT_FIELDS: tuple[str, ...] = (
    "retries",
    "reasks",
    "dropped_ungrounded",
    "merged_duplicates",
    "calls",
    "chunks",
)


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def trust_figures(docs: Sequence[ScoredDoc]) -> dict[str, Any]:
    """The `trust` block of metrics.json."""
    records: list[DocRecord] = [d.record for d in docs if d.record is not None]
    answered = [r for r in records if not r.failed]
    claims = [c for r in answered for c in r.claim_list]

    grounding: Counter[str] = Counter(c.grounding or "unreported" for c in claims)
    shares = {
        name: {
            "count": grounding.get(name, 0),
            "share": grounding.get(name, 0) / len(claims) if claims else None,
        }
        for name in (*GROUNDINGS, "unreported")
    }

    given = [r.stats for r in records if reported(r, "stats")]
    stats = {
        name: sum(getattr(s, name) for s in given if reported(s, name)) for name in STAT_FIELDS
    }

    usages = [r.usage for r in records if reported(r, "usage")]
    prompt = [u.prompt_tokens for u in usages]
    completion = [u.completion_tokens for u in usages]

    timings = [r.timings for r in records if reported(r, "timings")]
    walls = [t.total_s for t in timings if reported(t, "total_s")]

    return {
        "pred_docs": len(records),
        "failed_docs": sum(d.status == "failed" for d in docs),
        "missing_docs": sum(d.status == "missing" for d in docs),
        "pred_claims": len(claims),
        "grounding": shares,
        **stats,
        "cache_hits": sum(r.cache_hit for r in records),
        "tokens": {
            "prompt": sum(prompt),
            "completion": sum(completion),
            "prompt_per_doc": _mean(prompt),
            "completion_per_doc": _mean(completion),
            "docs_reporting": len(usages),
        },
        "wall_s": {
            "total": sum(walls),
            "mean": _mean(walls),
            "p50": statistics.median(walls) if walls else None,
            "max": max(walls) if walls else None,
            "docs_reporting": len(walls),
        },
        "warnings": sum(len(r.warnings) for r in records),
        "models": sorted({r.model for r in records if r.model}),
        "prompt_versions": sorted({r.prompt_version for r in records if r.prompt_version}),
    }

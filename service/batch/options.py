"""What a batch run passes to every worker: plain, picklable settings.

Ray actors are built from these on other machines, so they hold no clients,
caches or loops, only what is needed to build an `Extractor` there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..call import CallSettings
from ..extractor import DEFAULT_DOC_TIMEOUT_S, DEFAULT_STRATEGY, Extractor, Strategy
from ..load import DEFAULT_MAX_CHARS

DEFAULT_SHARD_SIZE = 100  # records a shard holds: small enough that a kill loses little
RULES_IN_FLIGHT = 4  # documents in flight without a model: the parse runs in threads
RECHECK_S = 5.0  # how often a down endpoint is asked whether it is back
DOWN_TIMEOUT_S = 300.0  # how long documents wait when every endpoint is down


@dataclass(frozen=True)
class BatchOptions:
    """The extractor's settings, the pool's timings and the shards', the same for every worker."""

    strategy: Strategy = DEFAULT_STRATEGY
    model: str | None = None
    api_key: str | None = None
    passes: int = 1
    concurrency: int | None = None  # documents in flight per endpoint (default: its slots)
    no_cache: bool = False
    cache_dir: Path | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    doc_timeout_s: float = DEFAULT_DOC_TIMEOUT_S
    settings: CallSettings = field(default_factory=CallSettings)
    shard_size: int = DEFAULT_SHARD_SIZE
    shard_format: str = "jsonl"  # or "parquet" (`formats`)
    recheck_s: float = RECHECK_S
    down_timeout_s: float = DOWN_TIMEOUT_S

    @property
    def needs_model(self) -> bool:
        return self.strategy != "rules"

    def extractor(self, base_url: str | None, concurrency: int | None) -> Extractor:
        """An extractor bound to one endpoint (None: the environment's or the local server)."""
        return Extractor(
            base_url,
            self.api_key,
            self.model,
            cache=not self.no_cache,
            cache_dir=self.cache_dir,
            concurrency=concurrency,
            passes=self.passes,
            max_chars=self.max_chars,
            strategy=self.strategy,
            settings=self.settings,
            doc_timeout_s=self.doc_timeout_s,
        )

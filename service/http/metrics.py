"""Prometheus text exposition, written by hand (no client library needed for a few series).

Everything runs on one event loop, so plain counters suffice. Routes are
labelled by their template (`/v1/extract`), never the raw path, so a scan of
random URLs cannot blow up the series count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ..schema import DocumentRecord

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
Gauge = Callable[[], float]
LabelledGauge = Callable[[], list[tuple[dict[str, str], float]]]  # (labels, value) per series


class Histogram:
    def __init__(self, buckets: tuple[float, ...] = LATENCY_BUCKETS) -> None:
        self.buckets = buckets
        self.counts = [0] * len(buckets)
        self.total = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.total += value
        self.count += 1
        for index, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[index] += 1


class Metrics:
    """What /metrics exposes: requests, latency, errors, cache and upstream tokens."""

    def __init__(self) -> None:
        self.requests: Counter[tuple[str, str, str]] = Counter()  # route, method, status
        self.latency: dict[str, Histogram] = {}  # by route
        self.errors: Counter[str] = Counter()  # by kind
        self.documents: Counter[str] = Counter()  # ok / error
        self.cache_hits = 0  # model answers served from the response cache
        self.model_calls = 0  # answers the upstream computed
        self.tokens: Counter[str] = Counter()  # prompt / completion, spent upstream
        self.gauges: dict[str, tuple[str, Gauge]] = {}
        self.labelled: dict[str, tuple[str, LabelledGauge]] = {}

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests[(route, method, str(status))] += 1
        self.latency.setdefault(route, Histogram()).observe(seconds)

    def count_error(self, kind: str) -> None:
        self.errors[kind] += 1

    def observe_record(self, record: DocumentRecord) -> None:
        self.documents["ok"] += 1
        self.cache_hits += record.stats.cache_hits
        self.model_calls += record.stats.calls
        if record.stats.calls:  # a cached answer's usage was paid for by an earlier run
            self.tokens["prompt"] += record.usage.prompt_tokens
            self.tokens["completion"] += record.usage.completion_tokens

    def gauge(self, name: str, help_text: str, read: Gauge) -> None:
        self.gauges[name] = (help_text, read)

    def labelled_gauge(self, name: str, help_text: str, read: LabelledGauge) -> None:
        """A gauge with one series per label set (the pool's upstreams, by URL)."""
        self.labelled[name] = (help_text, read)

    def render(self) -> str:
        out: list[str] = []

        def family(name: str, kind: str, help_text: str) -> None:
            out.append(f"# HELP {name} {help_text}")
            out.append(f"# TYPE {name} {kind}")

        family("claimtrace_http_requests_total", "counter", "HTTP requests by route and status.")
        for (route, method, status), n in sorted(self.requests.items()):
            labels = _labels(route=route, method=method, status=status)
            out.append(f"claimtrace_http_requests_total{labels} {n}")
        name = "claimtrace_http_request_duration_seconds"
        family(name, "histogram", "Time from request to the end of the response.")
        for route, hist in sorted(self.latency.items()):
            for bound, n in zip(hist.buckets, hist.counts, strict=True):
                out.append(f"{name}_bucket{_labels(route=route, le=_num(bound))} {n}")
            out.append(f"{name}_bucket{_labels(route=route, le='+Inf')} {hist.count}")
            out.append(f"{name}_sum{_labels(route=route)} {_num(hist.total)}")
            out.append(f"{name}_count{_labels(route=route)} {hist.count}")
        family("claimtrace_errors_total", "counter", "Errors answered, by kind.")
        for kind, n in sorted(self.errors.items()):
            out.append(f"claimtrace_errors_total{_labels(kind=kind)} {n}")
        family("claimtrace_documents_total", "counter", "Documents extracted, by outcome.")
        for outcome, n in sorted(self.documents.items()):
            out.append(f"claimtrace_documents_total{_labels(outcome=outcome)} {n}")
        family("claimtrace_cache_hits_total", "counter", "Model answers served from the cache.")
        out.append(f"claimtrace_cache_hits_total {self.cache_hits}")
        family("claimtrace_model_calls_total", "counter", "Model answers computed upstream.")
        out.append(f"claimtrace_model_calls_total {self.model_calls}")
        family("claimtrace_upstream_tokens_total", "counter", "Tokens spent upstream, by type.")
        for kind in ("prompt", "completion"):
            out.append(f"claimtrace_upstream_tokens_total{_labels(type=kind)} {self.tokens[kind]}")
        for name, (help_text, read) in sorted(self.gauges.items()):
            family(name, "gauge", help_text)
            out.append(f"{name} {_num(read())}")
        for name, (help_text, series) in sorted(self.labelled.items()):
            family(name, "gauge", help_text)
            out.extend(f"{name}{_labels(**labels)} {_num(value)}" for labels, value in series())
        return "\n".join(out) + "\n"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _labels(**labels: str) -> str:
    def escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    return "{" + ",".join(f'{k}="{escape(v)}"' for k, v in labels.items()) + "}"

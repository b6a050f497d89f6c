"""Request and response bodies of the native API (the records themselves are `claimtrace.schema`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..schema import DocumentRecord, ErrorRecord
from .engine import ExtractOptions, UpstreamHealth

DOC_ID = Field(
    None,
    min_length=1,
    max_length=200,
    description="Your id for the document, echoed in its record.",
)


class ExtractRequest(BaseModel):
    """One article to extract from."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description="The article; offsets in the record index it.")
    doc_id: str | None = DOC_ID
    options: ExtractOptions = Field(default_factory=lambda: ExtractOptions())


class BatchDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The article (an empty one fails alone, as its own record).")
    doc_id: str | None = DOC_ID


class BatchRequest(BaseModel):
    """Several articles, extracted concurrently; `options` apply to all of them."""

    model_config = ConfigDict(extra="forbid")
    documents: list[BatchDocument] = Field(min_length=1)
    options: ExtractOptions = Field(default_factory=lambda: ExtractOptions())


class BatchResponse(BaseModel):
    """One record per document, in request order; a failed document is an ErrorRecord."""

    records: list[DocumentRecord | ErrorRecord]


class QueueHealth(BaseModel):
    running: int
    waiting: int
    slots: int
    capacity: int


class Health(BaseModel):
    """`degraded` when the upstream model cannot be reached (cached answers still work)."""

    status: Literal["ok", "degraded"]
    version: str
    uptime_s: float
    queue: QueueHealth
    upstream: UpstreamHealth


class HealthBrief(BaseModel):
    """What /healthz tells a caller without the key: ok or not, nothing about the upstream."""

    ok: bool

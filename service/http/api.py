"""Request and response bodies of the native API (the records themselves are `claimtrace.schema`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from ..schema import DocumentRecord, ErrorRecord
from .engine import ExtractOptions
from .upstreams import UpstreamHealth, UpstreamState

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
    """`degraded` when the upstream model cannot be reached (cached answers still work).

    With a pool (`serve --upstream` repeated), `upstream` sums it up (`ok` while
    any upstream is in rotation) and `upstreams` has each; without one, there is
    no `upstreams` key.
    """

    status: Literal["ok", "degraded"]
    version: str
    uptime_s: float
    queue: QueueHealth
    upstream: UpstreamHealth
    upstreams: list[UpstreamState] | None = None

    # Unannotated on purpose: pydantic would take a return annotation as the schema.
    @model_serializer(mode="wrap")
    def _pool_only(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data = handler(self)
        if self.upstreams is None:
            del data["upstreams"]
        return data


class HealthBrief(BaseModel):
    """What /healthz tells a caller without the key: ok or not, nothing about the upstream."""

    ok: bool

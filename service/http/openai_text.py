"""The text of an answer: the record's JSON, or a list of claims, written claim by claim.

`Writer` writes the record or list text as claims become final; the same
code writes a whole answer, so a streamed answer is byte for byte the
unstreamed one. `Pieces` turns that text into stream deltas: content, one
tool call's arguments, or one tool call per claim; `Budget` cuts it at
`max_tokens`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import to_json

from ..chunking import CHARS_PER_TOKEN
from ..schema import ClaimRecord, DocumentRecord
from .openai_models import Delta, FunctionCall, FunctionCallDelta, ToolCall, ToolCallDelta
from .openai_shapes import Shape, Target


@dataclass
class Writer:
    """The record's or the list's JSON text, written as claims become final."""

    shape: Shape
    doc_id: str
    written: list[ClaimRecord] = field(default_factory=list)

    def opening(self) -> str:
        if self.shape.kind == "list":
            return "{" + _json(self.shape.key) + ":["
        return '{"doc_id":' + _json(self.doc_id) + ',"claims":['

    def claims(self, claims: list[ClaimRecord]) -> str:
        """These claims, after those written before them."""
        text = ",".join(c.model_dump_json() for c in claims)
        if self.written and claims:
            text = "," + text
        self.written.extend(claims)
        return text

    def closing(self, record: DocumentRecord) -> str:
        """The claims not written yet, then the rest of the JSON."""
        if record.claims[: len(self.written)] != self.written:
            raise RuntimeError("streamed claims are not the record's (a claimtrace bug)")
        rest = self.claims(record.claims[len(self.written) :])
        if self.shape.kind == "list":
            return rest + "]}"
        head = self.opening() + ",".join(c.model_dump_json() for c in record.claims)
        full = record.model_dump_json()
        if not full.startswith(head):
            raise RuntimeError("the record's JSON does not start as streamed (a claimtrace bug)")
        return rest + full[len(head) :]

    def whole(self, record: DocumentRecord) -> str:
        return self.opening() + self.closing(record)


@dataclass
class Budget:
    """`max_tokens` as characters of answer text (claimtrace's estimate of a token)."""

    max_tokens: int | None
    used: int = 0
    cut: bool = False

    def take(self, text: str) -> str:
        """What of `text` still fits; past the limit, nothing, and the answer is cut."""
        if self.max_tokens is None:
            return text
        room = max(int(self.max_tokens * CHARS_PER_TOKEN) - self.used, 0)
        if len(text) > room:
            self.cut = True
        kept = text[:room]
        self.used += len(kept)
        return kept


class Pieces:
    """The deltas of one streamed answer: content, one call's arguments, or a call per claim."""

    def __init__(self, target: Target, doc_id: str, budget: Budget) -> None:
        self.target = target
        self.writer = Writer(target.shape, doc_id)
        self.budget = budget
        self.opened = False
        self.calls = 0 if self.each else 1  # tool calls begun (content counts as one)

    @property
    def each(self) -> bool:
        return self.target.tool is not None and self.target.shape.kind == "each"

    def first(self) -> Delta:
        """The role, and for a single tool call its id and name."""
        if self.target.tool is None:
            return Delta(role="assistant", content="")
        if self.each:
            return Delta(role="assistant")
        call = _call_delta(0, self.target.tool, "")
        return Delta(role="assistant", tool_calls=[call])

    def claims(self, claims: list[ClaimRecord]) -> Iterator[Delta]:
        """One delta per claim (the JSON's opening goes with the first)."""
        if self.each:
            for arguments in per_claim(claims, self.budget):
                yield Delta(tool_calls=[_call_delta(self.calls, self.target.tool, arguments)])
                self.calls += 1
            return
        for claim in claims:
            opening = "" if self.opened else self.writer.opening()
            self.opened = True
            if text := self.budget.take(opening + self.writer.claims([claim])):
                yield self._text(text)

    def closing(self, record: DocumentRecord) -> Iterator[Delta]:
        """What the record holds past the streamed claims (checked to follow on from them)."""
        if self.each:
            yield from self.claims(record.claims[self.calls :])
            return
        opening = "" if self.opened else self.writer.opening()
        if text := self.budget.take(opening + self.writer.closing(record)):
            yield self._text(text)

    def _text(self, text: str) -> Delta:
        if self.target.tool is None:
            return Delta(content=text)
        return Delta(
            tool_calls=[ToolCallDelta(index=0, function=FunctionCallDelta(arguments=text))]
        )


def per_claim(claims: list[ClaimRecord], budget: Budget) -> Iterator[str]:
    """One claim's JSON per call, while the budget lasts (the last one maybe cut)."""
    for claim in claims:
        arguments = budget.take(claim.model_dump_json())
        if not arguments:
            return
        yield arguments


def tool_call(name: str, arguments: str) -> ToolCall:
    return ToolCall(id=_call_id(), function=FunctionCall(name=name, arguments=arguments))


def _call_delta(index: int, name: str | None, arguments: str) -> ToolCallDelta:
    function = FunctionCallDelta(name=name, arguments=arguments)
    return ToolCallDelta(index=index, id=_call_id(), type="function", function=function)


def _call_id() -> str:
    return f"call_{uuid.uuid4().hex[:24]}"


def _json(value: Any) -> str:
    return to_json(value).decode()

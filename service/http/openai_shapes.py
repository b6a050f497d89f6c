"""What JSON a request asks for, where it goes, and writing it claim by claim.

Clients describe the answer with a schema, in `response_format` or as a
tool's `parameters`. Three shapes of ours can fit one: the document record
itself (a client's mirror of it), an object holding the claims in one list
(instructor's `IterableModel`: `{"tasks": [...]}`), or a single claim, which
is then answered once per claim (one tool call each, as OpenAI's parallel
tool calls). The record is always tried first, so a schema that takes
anything gets the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .openai_models import ChatCompletionRequest, NamedToolChoice
from .problems import Problem
from .schema_match import (
    Schema,
    claim_schema,
    claims_schema,
    deref,
    mismatch,
    mismatch_within,
)

ShapeKind = Literal["record", "list", "each"]


@dataclass(frozen=True)
class Shape:
    """The record, a list of its claims under `key`, or one claim per tool call."""

    kind: ShapeKind = "record"
    key: str = ""


@dataclass(frozen=True)
class Target:
    """Where the answer goes: the message content, or calls of the function `tool`."""

    shape: Shape = Shape()
    tool: str | None = None


def target_of(body: ChatCompletionRequest) -> Target:
    """The answer's place and shape for this request, or a 400 saying why none fits."""
    choice = body.tool_choice
    if body.tools and choice != "none":
        return _tool_target(body, choice)
    fmt = body.response_format
    if fmt is None or fmt.type != "json_schema":
        return Target()
    schema = fmt.json_schema.schema_ if fmt.json_schema else None
    if schema is None:
        raise _invalid("response_format json_schema needs a schema", "response_format")
    shape = shape_of(schema)
    if isinstance(shape, str) or shape.kind == "each":
        reason = shape if isinstance(shape, str) else "it describes one claim, not a document"
        raise _invalid(
            f"response_format json_schema is not claimtrace's document record ({reason}); "
            "send json_object, a schema the record fits, or one with a list of claims",
            "response_format",
        )
    return Target(shape)


def _tool_target(body: ChatCompletionRequest, choice: object) -> Target:
    """The named function, or with `auto`/`required` the first whose parameters we fit."""
    tools = body.tools or []
    if isinstance(choice, NamedToolChoice):
        named = [t for t in tools if t.function.name == choice.function.name]
        if not named:
            raise _invalid(f"tool_choice names {choice.function.name!r}, not in tools", "tools")
        tools = named
    reasons = []
    for tool in tools:
        shape = shape_of(tool.function.parameters or {})
        if isinstance(shape, Shape):
            return Target(shape, tool.function.name)
        reasons.append(f"{tool.function.name}: {shape}")
    raise _invalid(
        "no tool takes claimtrace's document record, a list of its claims or one claim "
        f"({'; '.join(reasons)})",
        "tools",
    )


def shape_of(schema: Schema) -> Shape | str:
    """The first of our shapes the schema fits, or why the record does not fit it."""
    reason = mismatch(schema)
    if reason is None:
        return Shape("record")
    if key := _claims_key(schema):
        return Shape("list", key)
    if mismatch_within(schema, schema, claim_schema()) is None:
        return Shape("each")
    return reason


def _claims_key(schema: Schema) -> str | None:
    """The property holding a list of claims, when it is the only one required."""
    root = deref(schema, schema)
    if not isinstance(root, dict):
        return None
    properties: Schema = root.get("properties") or {}
    for key, node in properties.items():
        node = deref(node, schema)
        if not isinstance(node, dict) or not ("items" in node or _is_array(node)):
            continue
        if set(root.get("required", [])) - {key}:
            return None
        if mismatch_within(node, schema, claims_schema()) is None:
            return str(key)
    return None


def _is_array(node: Schema) -> bool:
    kind = node.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _invalid(message: str, param: str) -> Problem:
    return Problem(400, "invalid_request", message, param=param)

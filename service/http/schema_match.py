"""Is a client's `json_schema` response format one our document record satisfies?

The content is always the record, so a schema is "ours" when every record
validates against it: it may leave fields out or loosen them (a client's
mirror of the record), but it must not require a field we lack, type one
differently, forbid one we send, or narrow an enum. A structural check (types,
properties, required, enums, arrays, unions, `$ref`), not a full JSON Schema
inclusion test: good enough to tell a mirror of the record from another schema.
"""

from __future__ import annotations

from typing import Any

from ..schema import ClaimRecord, DocumentRecord

Schema = dict[str, Any]


def record_schema() -> Schema:
    return DocumentRecord.model_json_schema(mode="serialization")


def claim_schema() -> Schema:
    return ClaimRecord.model_json_schema(mode="serialization")


def claims_schema() -> Schema:
    """A list of claim records (their `$defs` kept at the root, where `$ref`s point)."""
    claim = claim_schema()
    defs = claim.pop("$defs", {})
    return {"type": "array", "items": claim, "$defs": defs}


def mismatch(theirs: Schema, ours: Schema | None = None) -> str | None:
    """Why a record would fail `theirs`, or None when it fits."""
    ours = ours or record_schema()
    return _check(theirs, theirs, ours, ours, "$")


def mismatch_within(node: Any, root: Schema, ours: Schema, at: str = "$") -> str | None:
    """Why our object would fail `node`, a part of the client's schema `root` (its `$ref`s)."""
    return _check(node, root, ours, ours, at)


def deref(node: Any, root: Schema) -> Any:
    """`node` with its `$ref` into `root` followed (an outside reference gives `{}`)."""
    return _deref(node, root)


def _deref(node: Any, root: Schema) -> Any:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        ref = str(node["$ref"])
        if not ref.startswith("#/"):
            return {}  # an outside reference: cannot check, do not block on it
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node


def _types(node: Schema) -> set[str] | None:
    kind = node.get("type")
    if kind is None:
        return None
    return {kind} if isinstance(kind, str) else set(kind)


def _branches(node: Schema) -> list[Any] | None:
    return node.get("anyOf") or node.get("oneOf")


def _check(theirs: Any, t_root: Schema, ours: Any, o_root: Schema, at: str) -> str | None:
    theirs, ours = _deref(theirs, t_root), _deref(ours, o_root)
    if theirs is True or theirs == {} or not isinstance(theirs, dict):
        return None if theirs is not False else f"{at}: the schema allows nothing"
    if (our_branches := _branches(ours)) is not None:  # each of our alternatives must fit
        for branch in our_branches:
            if reason := _check(theirs, t_root, branch, o_root, at):
                return reason
        return None
    if (their_branches := _branches(theirs)) is not None:  # ours must fit one of theirs
        reasons = [_check(b, t_root, ours, o_root, at) for b in their_branches]
        if all(reasons):
            return next(r for r in reasons if r)
        return None
    wanted, ours_are = _types(theirs), _types(ours)
    if wanted is not None and ours_are is not None:
        for kind in ours_are:
            if kind not in wanted and not (kind == "integer" and "number" in wanted):
                return f"{at}: the record has {kind}, the schema wants {'/'.join(sorted(wanted))}"
    our_values = ours.get("enum", [ours["const"]] if "const" in ours else None)
    their_values = theirs.get("enum", [theirs["const"]] if "const" in theirs else None)
    if their_values is not None and (
        our_values is None or not set(map(str, our_values)) <= set(map(str, their_values))
    ):
        return f"{at}: the schema narrows the values the record may hold"
    if "properties" in theirs or "required" in theirs or "additionalProperties" in theirs:
        return _check_object(theirs, t_root, ours, o_root, at)
    if "items" in theirs and "items" in ours:
        return _check(theirs["items"], t_root, ours["items"], o_root, f"{at}[]")
    return None


def _check_object(
    theirs: Schema, t_root: Schema, ours: Schema, o_root: Schema, at: str
) -> str | None:
    our_props: Schema = ours.get("properties", {})
    their_props: Schema = theirs.get("properties", {})
    for name in theirs.get("required", []):
        if name not in our_props:
            return f"{at}.{name}: required by the schema, not in the record"
    for name, sub in their_props.items():
        if name not in our_props:
            return f"{at}.{name}: not a field of the record"
        if reason := _check(sub, t_root, our_props[name], o_root, f"{at}.{name}"):
            return reason
    if theirs.get("additionalProperties") is False:
        extra = [n for n in our_props if n not in their_props]
        if extra:
            return f"{at}.{extra[0]}: sent in the record, forbidden by the schema"
    return None

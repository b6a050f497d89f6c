"""A pydantic model's fixed Arrow type, and its JSON-mode values in and out of it.

Parquet shards must share one schema whatever their records leave null, or a
reader of `DIR/*.parquet` (DuckDB, `pyarrow.dataset`) sees tables that do not
unify; so the schema is derived from the model's annotations, never inferred
from a shard's data. str, int, float and bool map to their Arrow types,
Literal and Enum to the type of their values, `X | None` to a nullable X,
`list[X]` to a list and a nested model to a struct (null, as every field here
may be); anything else (dicts, unions of several types, Any, ...) is stored as
a JSON string, so it still round-trips. Values go in as `model_dump(mode="json")`
gives them and come out ready for `model_validate`.
"""

from __future__ import annotations

import json
import types
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel

STRING = pa.string()
SCALARS: dict[Any, Any] = {str: STRING, int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


@dataclass(frozen=True)
class Column:
    """A value stored as itself (a scalar, or lists and structs of scalars)."""

    type: Any  # a pyarrow DataType (pyarrow ships no type hints)

    @property
    def plain(self) -> bool:
        """Stored exactly as JSON mode dumps it: no walk over the value is needed."""
        return True

    def encode(self, value: Any) -> Any:
        return value

    def decode(self, value: Any) -> Any:
        return value


@dataclass(frozen=True)
class JsonText(Column):
    """A value Arrow has no fixed type for, kept as its JSON text."""

    type: Any = STRING

    @property
    def plain(self) -> bool:
        return False

    def encode(self, value: Any) -> Any:
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def decode(self, value: Any) -> Any:
        return None if value is None else json.loads(value)


@dataclass(frozen=True)
class ListOf(Column):
    item: Column

    @property
    def plain(self) -> bool:
        return self.item.plain

    def encode(self, value: Any) -> Any:
        if value is None or self.plain:
            return value
        return [self.item.encode(v) for v in value]

    def decode(self, value: Any) -> Any:
        if value is None or self.plain:
            return value
        return [self.item.decode(v) for v in value]


@dataclass(frozen=True)
class StructOf(Column):
    fields: tuple[tuple[str, Column], ...]

    @property
    def plain(self) -> bool:
        return all(c.plain for _, c in self.fields)

    def encode(self, value: Any) -> Any:
        if value is None or self.plain:
            return value
        return {name: c.encode(value.get(name)) for name, c in self.fields}

    def decode(self, value: Any) -> Any:
        if value is None or self.plain:
            return value
        return {name: c.decode(value.get(name)) for name, c in self.fields}


def struct_of(fields: Sequence[tuple[str, Column]]) -> StructOf:
    return StructOf(pa.struct([(name, c.type) for name, c in fields]), tuple(fields))


def model_columns(
    model: type[BaseModel], _within: frozenset[type] = frozenset()
) -> list[tuple[str, Column]]:
    """One column per model field, by alias, in the model's order."""
    within = _within | {model}
    return [
        (info.alias or name, column(info.annotation, within))
        for name, info in model.model_fields.items()
    ]


def model_struct(model: type[BaseModel], _within: frozenset[type] = frozenset()) -> Column:
    """The model as an Arrow struct (JSON text when it recurses or has no fields)."""
    if model in _within or not model.model_fields:
        return JsonText()
    return struct_of(model_columns(model, _within))


def column(annotation: Any, _within: frozenset[type] = frozenset()) -> Column:
    """How a value of `annotation` is stored."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return column(args[0], _within)
    if origin in (Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        return column(present[0], _within) if len(present) == 1 else JsonText()
    if origin is Literal:
        return _of_values([a for a in args if a is not None])
    if origin is list and args:
        item = column(args[0], _within)
        return ListOf(pa.list_(item.type), item)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _of_values([m.value for m in annotation])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_struct(annotation, _within)
    if annotation in SCALARS:
        return Column(SCALARS[annotation])
    return JsonText()


def _of_values(values: list[Any]) -> Column:
    """Literal and Enum values: their one scalar type, or JSON when they mix types."""
    kinds = {type(v) for v in values}
    if len(kinds) == 1 and (kind := kinds.pop()) in SCALARS:
        return Column(SCALARS[kind])
    return JsonText()

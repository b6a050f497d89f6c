"""Make the generated OpenAPI schema say what the service really does.

FastAPI documents a 422 with its own error model on every route with a
body; the OpenAI face answers 400 instead, and every error here is one of
our two error bodies, so those entries go. The SSE chunk model is added,
since no JSON response refers to it, and the Bearer scheme is declared
when the service has a key.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI

from .openai_models import ChatCompletionChunk
from .problems import openai_face

Schema = dict[str, Any]
UNUSED = ("HTTPValidationError", "ValidationError")


def install(app: FastAPI, bearer: bool) -> None:
    build = app.openapi

    def openapi() -> Schema:
        if app.openapi_schema is None:
            app.openapi_schema = _adjust(build(), bearer)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _adjust(schema: Schema, bearer: bool) -> Schema:
    components: Schema = schema.setdefault("components", {})
    schemas: Schema = components.setdefault("schemas", {})
    chunk = ChatCompletionChunk.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(chunk.pop("$defs", {}))
    schemas["ChatCompletionChunk"] = chunk
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses: Schema = operation.get("responses", {})
            if openai_face(path):
                responses.pop("422", None)
            stream = responses.get("200", {}).get("content", {}).get("text/event-stream")
            if stream is not None:
                stream["x-sse-data"] = {"$ref": "#/components/schemas/ChatCompletionChunk"}
            if bearer and path != "/healthz":
                operation["security"] = [{"bearer": []}]
    if bearer:
        components.setdefault("securitySchemes", {})["bearer"] = {
            "type": "http",
            "scheme": "bearer",
        }
    text = json.dumps(schema["paths"])
    for name in UNUSED:
        if f"/{name}" not in text:
            schemas.pop(name, None)
    return schema

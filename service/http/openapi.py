"""Make the generated OpenAPI schema say what the service really does.

FastAPI documents a 422 with its own error model on every route with a
body; the OpenAI face answers 400 instead, and every error here is one of
our two error bodies, so those entries go. The SSE chunk model is added,
since no JSON response refers to it, and the Bearer scheme is declared
when the service has a key.

`/docs` is Swagger UI served from the `swagger_ui_bundle` package, so it
renders with no network (no CDN); ReDoc, which has no such package, is off.
"""

from __future__ import annotations

import json
from typing import Any

import swagger_ui_bundle
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .openai_models import ChatCompletionChunk
from .problems import openai_face

Schema = dict[str, Any]
UNUSED = ("HTTPValidationError", "ValidationError")
DOCS = "/docs"
ASSETS = "/docs/assets"  # swagger-ui-bundle.js, swagger-ui.css, favicons


def install_docs(app: FastAPI) -> None:
    """Swagger UI at `/docs` from the packaged assets (the app is built with docs_url=None)."""
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get(DOCS, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - API",
            swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS}/favicon-32x32.png",
        )


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

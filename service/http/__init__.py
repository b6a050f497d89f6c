"""The HTTP service: claimtrace's extractor behind a native API and an OpenAI-compatible face.

`create_app(extractor, config)` builds the FastAPI app; `claimtrace serve`
(`serve.py`) runs it under uvicorn. Both need the `serve` extra, so nothing
here imports the web stack until it is asked for.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ServiceConfig", "create_app"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(name)
    from ..extras import require

    require("serve", "the HTTP service")
    from . import app, settings

    return {"create_app": app.create_app, "ServiceConfig": settings.ServiceConfig}[name]

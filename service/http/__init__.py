"""The HTTP service: claimtrace's extractor behind a native API and an OpenAI-compatible face.

`create_app(extractor, config)` builds the FastAPI app; `claimtrace serve`
(`serve.py`) runs it under uvicorn.
"""

from .app import create_app
from .config import ServiceConfig

__all__ = ["ServiceConfig", "create_app"]

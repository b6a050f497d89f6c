"""report.html: the review page as one file, its script, style and data inlined.

The data goes in a `<script type="application/json">` block with `<`, `>` and
`&` written as JSON escapes, so no article text can close the block (a
`</script>` or `<!--` in an article stays inert) and `JSON.parse` reads it back
unchanged. The page loads nothing from the network.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import Any

ASSETS = resources.files("claimtrace.review")

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                   "\u2029": "\\u2029"}  # fmt: skip


def script_json(data: Any) -> str:
    """`data` as JSON that is inert inside a <script> element and parses back equal."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return "".join(_SCRIPT_ESCAPES.get(char, char) for char in text)


def _asset(name: str) -> str:
    return ASSETS.joinpath(name).read_text(encoding="utf-8")


def render_page(data: dict[str, Any], title: str) -> str:
    """The whole page: a static shell that review.js fills from the embedded data."""
    parts = {
        "title": html.escape(title, quote=True),
        "style": _asset("review.css"),
        "data": script_json(data),
        "script": _asset("review-core.js") + "\n" + _asset("review.js"),
    }
    # One pass, so a `{{...}}` inside article text is never substituted.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m[1]], _asset("shell.html"))

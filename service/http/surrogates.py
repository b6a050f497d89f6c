"""Find a lone UTF-16 surrogate in a JSON body, before it reaches the model client.

JSON may escape a half of a surrogate pair on its own (`"\\ud800"`); Python
decodes it into a `str` that cannot be encoded as UTF-8, so the failure would
come much later, from the upstream client's own encoder, as a confusing 502.
The body gate refuses such a request at once with a 400 naming the field.
"""

from __future__ import annotations

import json
import re

# A \uD800-\uDFFF escape, in either case: without one, no decoded string can hold a surrogate.
_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")


def lone_surrogate(body: bytes) -> str | None:
    """Where in `body` a string holds a lone surrogate (`messages.0.content`), else None.

    None too for a body that is not JSON: the route answers that in its own words.
    """
    if not _ESCAPE.search(body):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return _find(data, "")


def _find(value: object, where: str) -> str | None:
    if isinstance(value, str):
        return None if _encodable(value) else (where or "body")
    if isinstance(value, dict):
        items: list[tuple[str, object]] = [(str(k), v) for k, v in value.items()]
        for key, _ in items:  # a key can hold one too
            if not _encodable(key):
                return _join(where, key.encode("utf-8", "backslashreplace").decode())
    elif isinstance(value, list):
        items = [(str(i), v) for i, v in enumerate(value)]
    else:
        return None
    for key, item in items:
        found = _find(item, _join(where, key))
        if found is not None:
            return found
    return None


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

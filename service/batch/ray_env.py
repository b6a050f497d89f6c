"""Ray's environment for a driver, set before Ray is imported (its core reads it at import).

Imported by `run` ahead of the Ray engine, and without Ray itself, so the local
engine still never imports Ray.
"""

from __future__ import annotations

import os
from pathlib import Path


def prepare(address: str | None) -> None:
    """Send a held token when joining by address."""
    if address:
        _send_held_token()


def _send_held_token() -> None:
    """Join with Ray's token authentication when a token is at hand and no mode was chosen.

    `ray start --head` (Ray 2.60) turns token authentication on when a token is
    at hand (`~/.ray/auth_token`), and a driver joining by `host:port` sends
    its token only when RAY_AUTH_MODE is `token` (`auto` learns it from the
    head's session; an address does not). A cluster without authentication
    accepts a driver in token mode too.
    """
    if "RAY_AUTH_MODE" in os.environ:
        return
    path = Path(os.environ.get("RAY_AUTH_TOKEN_PATH", "~/.ray/auth_token")).expanduser()
    if os.environ.get("RAY_AUTH_TOKEN") or path.is_file():
        os.environ["RAY_AUTH_MODE"] = "token"

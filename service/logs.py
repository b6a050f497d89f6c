"""stderr carries claimtrace's own lines; the libraries' log lines only with `-v`.

instructor logs every failed attempt (with the whole validation error), httpx
every request, and Python prints those on stderr when nothing is configured.
claimtrace reports each failure once, in one line, so those are hidden unless
asked for.
"""

from __future__ import annotations

import logging

CHATTY = ("instructor", "httpx", "httpcore", "openai", "pydantic")


def configure(verbose: bool = False) -> None:
    """Quiet the libraries (or, verbose, show their INFO lines) on stderr."""
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
        for name in CHATTY:
            logging.getLogger(name).setLevel(logging.INFO)
        return
    for name in CHATTY:
        library = logging.getLogger(name)
        library.setLevel(logging.CRITICAL)
        library.propagate = False

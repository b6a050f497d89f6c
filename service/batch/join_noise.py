"""Ray's retry lines kept off the console while a driver joins a cluster.

Ray's C++ core logs each failed attempt of a join straight to fd 2, one line a
second for about 20 s, where Python's logging cannot reach it; a join that
fails must still end in one `error:` line. So while joining, fd 2 runs through
a pipe: lines that are a retry notice are kept aside (they say why the join
failed), and every other line goes on to the real stderr at once, so a crash
message is never lost.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from collections.abc import Iterator

RETRY_LINE = re.compile(rb"\] gcs_client\.cc:\d+: Failed to")  # "[time W pid tid] gcs_client..."


class Kept:
    """The retry lines held back while joining."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.lines)


@contextlib.contextmanager
def retries_held() -> Iterator[Kept]:
    """fd 2 through the filter for the `with` block; restored before anything else on exit."""
    kept = Kept()
    sys.stderr.flush()
    saved = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    relay = threading.Thread(target=_relay, args=(read_end, saved, kept), daemon=True)
    relay.start()
    try:
        yield kept
    finally:
        os.dup2(saved, 2)  # first: what follows (the error line) must reach the console
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        relay.join(timeout=5)  # the pipe's last writer is gone: the relay reads to its end
        if not relay.is_alive():  # else a process started meanwhile holds the pipe
            os.close(saved)


def _relay(read_end: int, out: int, kept: Kept) -> None:
    with os.fdopen(read_end, "rb") as pipe:
        for line in pipe:
            if RETRY_LINE.search(line):
                kept.lines.append(line.decode("utf-8", errors="replace"))
            else:
                with contextlib.suppress(OSError):
                    os.write(out, line)

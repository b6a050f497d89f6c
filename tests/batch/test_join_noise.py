"""Ray's join retry lines are held back; anything else written to fd 2 still shows."""

from __future__ import annotations

import os

import pytest

from claimtrace.batch.join_noise import retries_held


def test_retry_lines_are_kept_and_other_lines_pass(capfd: pytest.CaptureFixture[str]) -> None:
    retry = b"[2026-11-30 03:30:34,957 W 1 1] gcs_client.cc:210: Failed to get cluster ID\n"
    with retries_held() as kept:
        os.write(2, retry)
        os.write(2, b"*** SIGABRT received: the core died\n")
        os.write(2, retry)
    os.write(2, b"error: cannot join\n")
    assert kept.lines == [retry.decode()] * 2
    assert capfd.readouterr().err == "*** SIGABRT received: the core died\nerror: cannot join\n"

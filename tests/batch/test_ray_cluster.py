"""`--address`: joining a Ray cluster that is already running, and one that is not there.

The join test starts a head node with `ray start --head --block` (in a session of
its own, so the test kills it and nothing else) under a temp dir of its own,
with a HOME of its own holding a generated token, so the head wants Ray's token
authentication whatever this machine's `~/.ray` holds, and nothing is written
there. The driver's log in that temp dir shows the run joined this cluster
rather than starting a local Ray. It is `slow`; the refusal is fast (no Ray starts).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from claimtrace.batch.check import check
from tests.http.http_support import free_port

from .conftest import cli, dev_articles, kill_session, wait_for, write_jsonl

pytest.importorskip("ray")


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _head_ready(temp: Path, port: int) -> bool:
    """The GCS answers and the head's raylet socket is there (a driver needs both)."""
    return _listening(port) and bool(list(temp.glob("session_*/sockets/raylet")))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_address_joins_a_running_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # the head's token and the driver's: ours only
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    subprocess.run(["ray", "get-auth-token", "--generate"], capture_output=True, check=True)
    assert (tmp_path / ".ray" / "auth_token").is_file()
    port = free_port()
    temp = Path("/tmp") / f"ray-join-{port}"  # Ray's socket paths must stay short
    command = ["ray", "start", "--head", "--block", f"--port={port}", "--num-cpus=2"]
    command += ["--include-dashboard=false", f"--temp-dir={temp}", "--disable-usage-stats"]
    head = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        wait_for(lambda: _head_ready(temp, port), timeout=120)
        docs = dev_articles(20)
        source = write_jsonl(tmp_path / "in.jsonl", docs)
        out = tmp_path / "out"
        done = cli(
            str(source),
            "--out",
            str(out),
            "--engine",
            "ray",
            "-q",
            "--address",
            f"127.0.0.1:{port}",
        )
        assert done.returncode == 0, done.stderr
        assert check(out, [d for d, _ in docs]).ok
        drivers = list(temp.glob("session_*/logs/python-core-driver-*.log"))
        assert drivers, "the run did not connect to the running head node"
        again = [str(source), "--out", str(tmp_path / "again"), "--engine", "ray"]
        refused = subprocess.run(  # the head wants a token; a driver told not to send one
            [
                sys.executable,
                "-m",
                "claimtrace.cli",
                "batch",
                *again,
                "--address",
                f"127.0.0.1:{port}",
            ],
            env={**os.environ, "RAY_AUTH_MODE": "disabled"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert refused.returncode == 3
        assert refused.stderr.strip().splitlines() == [
            f"error: cannot join the Ray cluster at 127.0.0.1:{port}: it wants Ray's token "
            "authentication; put the cluster's token in ~/.ray/auth_token or RAY_AUTH_TOKEN "
            "(and set RAY_AUTH_MODE=token)"
        ]
    finally:
        kill_session(head)  # type: ignore[arg-type]
        shutil.rmtree(temp, ignore_errors=True)


def test_an_address_nothing_listens_on_is_one_line(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [("a", "Rebels killed 3 soldiers, SANA said.")])
    out = tmp_path / "out"
    done = cli(str(source), "--out", str(out), "--engine", "ray", "--address", "127.0.0.1:9")
    assert done.returncode == 3  # a backend that cannot be reached, as for a model endpoint
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "error: cannot join the Ray cluster at 127.0.0.1:9"
    )
    assert not list(out.glob("part-*"))

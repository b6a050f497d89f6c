"""`claimtrace serve`: the HTTP service under uvicorn.

Loopback by default; any other address must come with `--api-key`, because
the service spends a CPU-minute per request and holds what it was sent. On
SIGINT/SIGTERM uvicorn stops accepting, lets in-flight requests finish for
`--grace` seconds, then cancels the rest (their model calls included).
Connections are bounded too (`limits`): how many, how long idle, how long a
request's headers may take and how large they may be. `--upstream URL`
repeated puts a pool of endpoints behind the service (`upstreams`); one URL,
by either flag, is served as it always was.
"""

from __future__ import annotations

import errno
import functools
import ipaddress
import logging
import socket
from pathlib import Path

import typer

from ..call import CallSettings
from ..errors import InputError
from ..extractor import DEFAULT_STRATEGY, Extractor
from ..extras import require
from ..load import DEFAULT_MAX_CHARS
from ..pool import Pool, pool_urls
from .settings import (
    DEFAULT_CONCURRENCY,
    DEFAULT_HEADER_TIMEOUT_S,
    DEFAULT_KEEP_ALIVE_S,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_HEADER_BYTES,
    DEFAULT_QUEUE,
    DEFAULT_TIMEOUT_S,
    UPSTREAM_DOWN_WAIT_S,
    UPSTREAM_RECHECK_S,
    ServerLimits,
    ServiceConfig,
)
from .upstreams import upstream_pool

log = logging.getLogger("claimtrace.http")


def is_loopback(host: str) -> bool:
    """Only loopback addresses (and `localhost`) are safe without a key."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a hostname: it may resolve to anything


def check_bind(host: str, port: int, api_key: str | None) -> None:
    """Refuse, in one line, what would fail or be unsafe once uvicorn starts."""
    if not is_loopback(host) and not api_key:
        raise InputError(
            f"refusing to listen on {host} without --api-key (or CLAIMTRACE_SERVE_API_KEY): "
            "only loopback addresses may go without one"
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as err:
            reason = "in use" if err.errno == errno.EADDRINUSE else err.strerror
            raise InputError(f"cannot listen on {host}:{port}: {reason}") from err


def upstream_urls(
    upstreams: list[str], path: Path | None, base_url: str | None, base_url_given: bool
) -> list[str]:
    """The endpoints to serve from: --upstream's and the file's, else --base-url's.

    None at all: the local server. --upstream overrides CLAIMTRACE_BASE_URL, as
    a flag does; with --base-url as a flag too, which one was meant is unclear,
    so that is refused.
    """
    if (upstreams or path) and base_url_given:
        raise InputError(
            "--base-url and --upstream both name the upstream: "
            "give every endpoint as --upstream URL (repeat it for a pool)"
        )
    urls = pool_urls(upstreams, path, "--upstream")
    return urls or ([base_url] if base_url else [])


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", metavar="ADDR", help="Listen address."),
    port: int = typer.Option(8008, min=1, max=65535, metavar="N", help="Listen port."),
    api_key: str = typer.Option(
        None,
        envvar="CLAIMTRACE_SERVE_API_KEY",
        metavar="KEY",
        help="Client token, needed off loopback (env CLAIMTRACE_SERVE_API_KEY).",
        show_envvar=False,
    ),
    base_url: str = typer.Option(
        None, envvar="CLAIMTRACE_BASE_URL", metavar="URL", help="Upstream endpoint."
    ),
    upstreams: list[str] | None = typer.Option(
        None,
        "--upstream",
        metavar="URL",
        help="An upstream endpoint; repeat it to spread documents over a pool.",
    ),
    upstreams_file: Path = typer.Option(
        None,
        "--upstreams-file",
        metavar="FILE",
        help="More upstreams, a URL a line (# comments).",
    ),
    model: str = typer.Option(
        None, envvar="CLAIMTRACE_MODEL", metavar="NAME", help="Upstream model."
    ),
    upstream_api_key: str = typer.Option(
        None, envvar="CLAIMTRACE_API_KEY", metavar="KEY", help="Key for the upstream(s)."
    ),
    max_body: int = typer.Option(DEFAULT_MAX_BODY, min=1, metavar="BYTES", help="Largest body."),
    queue: int = typer.Option(
        DEFAULT_QUEUE, min=0, metavar="N", help="Documents waiting; beyond, 429."
    ),
    concurrency: int | None = typer.Option(
        None,
        min=1,
        metavar="N",
        help=f"Documents in the model at once (default {DEFAULT_CONCURRENCY}; "
        "with a pool, its slots).",
    ),
    timeout: float = typer.Option(
        DEFAULT_TIMEOUT_S, min=1, metavar="S", help="A document's time; then 504."
    ),
    grace: int = typer.Option(30, min=0, metavar="S", help="Shutdown grace for requests."),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, metavar="N", help="Refuse longer documents."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Neither read nor write the cache."),
    cache_dir: Path = typer.Option(None, metavar="DIR", help="Response cache directory."),
    log_level: str = typer.Option("info", metavar="LEVEL", help="uvicorn log level."),
    strategy: str = typer.Option(
        DEFAULT_STRATEGY, metavar="NAME", help="parse, rules, sentence or article."
    ),
    max_connections: int = typer.Option(
        DEFAULT_MAX_CONNECTIONS, min=1, metavar="N", help="Open connections; beyond, 503."
    ),
    keep_alive: int = typer.Option(
        DEFAULT_KEEP_ALIVE_S, min=1, metavar="S", help="Idle connection lifetime."
    ),
    header_timeout: float = typer.Option(
        DEFAULT_HEADER_TIMEOUT_S, min=0.1, metavar="S", help="Time to send the headers."
    ),
    max_header_bytes: int = typer.Option(
        DEFAULT_MAX_HEADER_BYTES, min=1024, metavar="BYTES", help="Buffer for an unfinished head."
    ),
) -> None:
    """Serve extraction over HTTP: a native API and an OpenAI-compatible face."""
    given = ctx.get_parameter_source("base_url")
    from_flag = getattr(given, "name", "") == "COMMANDLINE"
    urls = upstream_urls(upstreams or [], upstreams_file, base_url, from_flag)
    check_bind(host, port, api_key)
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s:     %(message)s")
    build = functools.partial(
        Extractor,
        api_key=upstream_api_key,
        model=model,
        cache=not no_cache,
        cache_dir=cache_dir,
        max_chars=max_chars,
        strategy=strategy,  # type: ignore[arg-type]
        settings=CallSettings(timeout_s=timeout),
        say=log.info,
        lazy_start=False,  # a service starts its model with its first request, not mid-call
    )
    pool: Pool | None = None
    if len(urls) > 1:
        pool = upstream_pool(urls, build, UPSTREAM_RECHECK_S, UPSTREAM_DOWN_WAIT_S)
        extractor = pool.members[0].extractor
    else:
        extractor = build(urls[0] if urls else None)
    config = ServiceConfig(
        api_key=api_key,
        max_body=max_body,
        concurrency=concurrency or (pool.capacity if pool else DEFAULT_CONCURRENCY),
        queue=queue,
        timeout_s=timeout,
        resolve_at_startup=bool(urls),
        upstream_base_url=urls[0] if len(urls) == 1 else None,
    )
    # The web stack is imported here, not at the top: every other command starts faster,
    # and the core install (without the serve extra) still has every other command.
    require("serve", "claimtrace serve")
    import uvicorn

    from .app import create_app
    from .graceful import GracefulServer
    from .limits import uvicorn_options

    app = create_app(extractor, config, pool)
    limits = ServerLimits(max_connections, keep_alive, header_timeout, max_header_bytes)
    server_config = uvicorn.Config(
        app,
        host=host.strip("[]"),
        port=port,
        log_level=log_level,
        timeout_graceful_shutdown=grace,
        server_header=False,
        **uvicorn_options(limits),
    )
    GracefulServer(server_config, app.state.service.engine).run()

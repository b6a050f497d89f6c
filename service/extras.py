"""Optional extras: say in one line which one to install when a command needs it.

The core install is what the Python API needs; the HTTP service (`serve`) and
the eval harness's assignment step (`eval`) pull in large packages that a
library user should not pay for.
"""

from __future__ import annotations

from importlib.util import find_spec

from .errors import ClaimtraceError

EXTRAS: dict[str, tuple[str, ...]] = {
    "serve": ("fastapi", "uvicorn", "swagger_ui_bundle"),
    "eval": ("scipy",),
    "ray": ("ray",),
}


class MissingExtra(ClaimtraceError):
    """A feature's optional dependencies are not installed."""


def require(extra: str, feature: str) -> None:
    """Raise MissingExtra naming `claimtrace[extra]` when its modules are not importable."""
    missing = [name for name in EXTRAS[extra] if find_spec(name) is None]
    if missing:
        raise MissingExtra(
            f"{feature} needs the {extra} extra ({', '.join(missing)} not installed): "
            f"pip install 'claimtrace[{extra}]'"
        )

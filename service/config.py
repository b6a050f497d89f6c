"""Where claimtrace keeps things, and the environment variables it reads.

Everything machine-local (llama-server builds, model files, the response cache,
the running server's state) lives under one per-user cache directory, so a
fresh clone reuses what an earlier one built or pulled.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

# The source checkout's data (seeds, gold, the FA-KES corpus) are defaults for the eval
# harness when run from a clone; an installed wheel has none of them, and its
# commands then ask for explicit paths.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"
CORPUS_CSV = PROJECT_ROOT / "evals" / "corpus" / "fa-kes.csv"
GOLD_DIR = PROJECT_ROOT / "evals" / "gold"

ENV_BASE_URL = "CLAIMTRACE_BASE_URL"
ENV_API_KEY = "CLAIMTRACE_API_KEY"
ENV_MODEL = "CLAIMTRACE_MODEL"
ENV_CACHE_DIR = "CLAIMTRACE_CACHE_DIR"


def cache_dir() -> Path:
    """The per-user cache root (`CLAIMTRACE_CACHE_DIR` overrides it)."""
    override = os.environ.get(ENV_CACHE_DIR)
    root = Path(override) if override else Path(platformdirs.user_cache_dir("claimtrace"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def write_json(path: Path, data: object) -> None:
    """Write JSON under a temporary name, then rename: a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.replace(path)

"""Write the ledger's four files: JSON, CSV, markdown and the offline HTML page."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError
from .html import to_html
from .tables import to_csv, to_markdown

NAMES = {"json": "ledger.json", "csv": "ledger.csv", "markdown": "ledger.md", "html": "ledger.html"}


def write_outputs(ledger: Mapping[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write OUT/ledger.{json,csv,md,html}; the paths by kind."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{out_dir}: cannot create output directory ({err.strerror})") from err
    texts = {
        "json": json.dumps(ledger, indent=2, ensure_ascii=False) + "\n",
        "csv": to_csv(ledger),
        "markdown": to_markdown(ledger),
        "html": to_html(ledger),
    }
    paths = {kind: out_dir / NAMES[kind] for kind in texts}
    for kind, text in texts.items():
        paths[kind].write_text(text, encoding="utf-8")
    return paths

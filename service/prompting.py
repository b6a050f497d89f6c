"""Prompt templates: load by name, version by content hash, render to messages.

A template is a file `prompts/<name>.md` (package data `claimtrace.prompts`) of sections headed `=== role ===`.
The instructions and few-shot turns come first and never vary, so llama-server
reuses their evaluated prefix from its prompt cache across articles; only the
last user turn carries the article.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from .errors import InputError

# Package data: prompts/ in a checkout, claimtrace/prompts in an installed wheel.
_BUNDLED = resources.files("claimtrace.prompts")
Message = dict[str, str]
_SECTION = re.compile(r"^=== (system|user|assistant) ===$", re.MULTILINE)
_SLOT = re.compile(r"\{(\w+)\}")
_DELIMITER = re.compile(r"</?\s*article\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Template:
    """A parsed prompt: fixed prefix messages and the final user turn's template."""

    name: str
    version: str
    prefix: tuple[tuple[str, str], ...]
    final: str

    def render(self, **fields: str) -> list[Message]:
        """Messages for one call: the fixed prefix, then the filled final turn."""
        messages = [{"role": role, "content": content} for role, content in self.prefix]
        # One pass over the template: a value (the article) is never scanned for slots,
        # so an article containing "{sentence}" stays as written.
        content = _SLOT.sub(lambda m: _data(fields.get(m.group(1), m.group(0))), self.final)
        messages.append({"role": "user", "content": content})
        return messages


def _data(value: str) -> str:
    """A value as data: an article cannot close the `<article>` block it is put in."""
    return _DELIMITER.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), value)


def parse(name: str, text: str) -> Template:
    """Split a template file into role sections; the last one must be a user turn."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    marks = list(_SECTION.finditer(text))
    if not marks:
        raise InputError(f"prompt {name}: no `=== role ===` sections")
    sections = []
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        sections.append((mark.group(1), text[mark.end() : end].strip("\n")))
    if sections[-1][0] != "user":
        raise InputError(f"prompt {name}: the last section must be `=== user ===`")
    version = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Template(name, version, tuple(sections[:-1]), sections[-1][1])


def bundled() -> list[str]:
    """The names of the templates that ship with the package."""
    return sorted(p.name[:-3] for p in _BUNDLED.iterdir() if p.name.endswith(".md"))


@cache
def load(name: str) -> Template:
    """The bundled template `name`, or the template file `name` names (a path)."""
    given = Path(name)
    if given.suffix == ".md" or len(given.parts) > 1:
        if not given.is_file():
            raise InputError(f"prompt {name}: no such file")
        return parse(given.stem, given.read_text(encoding="utf-8"))
    path = _BUNDLED / f"{name}.md"
    if not path.is_file():
        raise InputError(f"prompt {name!r} is not bundled (known: {', '.join(bundled())})")
    return parse(name, path.read_text(encoding="utf-8"))

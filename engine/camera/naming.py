"""Names: file-name slugs and names that do not clash with those already taken."""

from __future__ import annotations

import re
from collections.abc import Iterable

SLUG_MAX = 60


def slug(text: str, max_len: int = SLUG_MAX) -> str:
    """A file-name-safe form of ``text``: letters, digits, ``_`` and ``-`` (never empty, never a dot first)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")[:max_len] or "shot"


def unique_name(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)`` … whichever is first not in ``taken``."""
    taken = set(taken)
    out, n = name, 2
    while out in taken:
        out, n = f"{name} ({n})", n + 1
    return out

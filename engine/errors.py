"""The one error type users see for bad input: it names the file and the field."""

from __future__ import annotations

from pathlib import Path


class ShotlineError(ValueError):
    """Bad input: a file or value Shotline cannot accept.

    ``source`` is the file (or another origin such as "request"), ``field`` the path to the
    offending value inside it (``shots[2].keys[0].orientation``); both may be empty.
    ``str()`` gives the one-line message the command line prints.
    """

    def __init__(self, message: str, source: str | Path | None = None, field: str = ""):
        self.message = message
        self.source = str(source) if source is not None else ""
        self.field = field
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = [p for p in (self.source, self.field) if p]
        return _printable(": ".join(parts + [self.message]))


def _printable(text: str) -> str:
    """``text`` on one line: a control character (a newline in a file's key, a path, a message it
    quotes) is shown escaped, as repr shows it, rather than breaking the line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class FieldError(ValueError):
    """Raised inside a model's validator to name a field below the model being validated; the
    project loader turns it into a ShotlineError whose field path ends in ``field``."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message

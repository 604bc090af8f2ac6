"""Errors the core raises for conditions the UI explains to the user."""

from __future__ import annotations

from pathlib import Path


class FnoxTuiError(Exception):
    """Base class: the message is meant for the user and never carries a secret value."""


class ConfigNotFoundError(FnoxTuiError):
    def __init__(self, start: Path, explicit: Path | None = None) -> None:
        self.start = start
        self.explicit = explicit
        if explicit is not None and explicit.is_dir():
            inside = explicit / "fnox.toml"
            message = f"{explicit} is a directory; -c takes a configuration file" + (
                f", such as {inside}." if inside.is_file() else "."
            )
        elif explicit is not None:
            message = f"The configuration file {explicit} does not exist."
        else:
            message = f"No fnox.toml found in {start} or any parent directory."
        super().__init__(message)


class ConfigSyntaxError(FnoxTuiError):
    """A file that is not valid TOML: where, and what the parser said."""

    def __init__(self, path: Path, line: int, column: int, message: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.reason = message
        super().__init__(f"{path}:{line}:{column}: {message}")


class ConfigReadError(FnoxTuiError):
    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Cannot read {path}: {reason}")

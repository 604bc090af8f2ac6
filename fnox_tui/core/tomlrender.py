"""TOML text for keys and values, rendered by tomlkit (quoting and escaping are its job).

Strings are always basic strings on one line (``"..."``), with ``\\n``, ``\\"``, ``\\\\`` and
``\\uXXXX`` escapes where TOML requires them, so a description holding quotes, backslashes,
newlines or control characters stays one line in the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import tomlkit
from tomlkit.items import SingleKey


def render_key(name: str) -> str:
    """A bare key when TOML allows it (``API_KEY``), else a quoted one (``"my key"``)."""
    return SingleKey(name).as_string()


def render_value(value: object, *, multiline_array: str | None = None) -> str:
    """TOML text for a str, bool, int, list/tuple or mapping (an inline table).

    ``multiline_array``: the indent to write a list one item per line with (as it was written
    before), else a list is written on one line.
    """
    if isinstance(value, str):
        return tomlkit.string(value).as_string()
    if isinstance(value, bool | int):
        return tomlkit.item(value).as_string()
    if isinstance(value, list | tuple):
        items = [render_value(item) for item in value]
        if multiline_array is not None and items:
            inner = "".join(f"{multiline_array}{item},\n" for item in items)
            return f"[\n{inner}]"
        return "[" + ", ".join(items) + "]"
    if isinstance(value, Mapping):
        return render_inline_table(value.items())
    raise TypeError(f"cannot write a {type(value).__name__} into a fnox file")


def render_inline_table(fields: Iterable[tuple[str, object]]) -> str:
    """``{ provider = "kms", value = "..." }`` (``{}`` when there are no fields)."""
    parts = [f"{render_key(name)} = {render_value(value)}" for name, value in fields]
    if not parts:
        return "{}"
    return "{ " + ", ".join(parts) + " }"


def render_entry(name: str, fields: Mapping[str, object]) -> str:
    """One new entry line (without its line ending): ``NAME = { ... }``."""
    return f"{render_key(name)} = {render_inline_table(fields.items())}"

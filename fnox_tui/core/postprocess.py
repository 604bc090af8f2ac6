"""``json_path`` and ``line``: what fnox does to a secret's value after it is found."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.wording import plural


def apply_post_processing(value: str, fields: Mapping[str, Any], name: str) -> str:
    """Extract the JSON path or the line a secret asks for (they are mutually exclusive)."""
    json_path = fields.get("json_path")
    line = fields.get("line")
    if json_path is not None and line is not None:
        raise ProviderError(
            f"Secret {name} sets both `json_path` and `line`; fnox allows only one.",
            hint="Remove one of them.",
            code=ErrorCode.CONFIG,
        )
    if json_path is not None:
        if not isinstance(json_path, str) or not json_path:
            raise ProviderError(
                f"`json_path` of secret {name} must be a non-empty string.",
                hint='Write the path to a value, such as json_path = "db.password".',
                code=ErrorCode.CONFIG,
            )
        return extract_json_path(value, json_path, name)
    if line is not None:
        if not isinstance(line, int) or isinstance(line, bool) or line < 1:
            raise ProviderError(
                f"`line` of secret {name} must be a line number from 1.",
                hint="Lines are counted from 1.",
                code=ErrorCode.CONFIG,
            )
        return extract_line(value, line, name)
    return value


def split_key_path(path: str) -> list[str]:
    r"""Split on unescaped dots; ``\.`` is a literal dot, ``\\`` a backslash."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(path)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == ".":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def extract_json_path(text: str, path: str, name: str) -> str:
    try:
        current: Any = json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "invalid JSON"
        where = (
            f" at line {error.lineno} column {error.colno}"
            if isinstance(error, json.JSONDecodeError)
            else ""
        )
        raise ProviderError(
            f"The value of secret {name} is not JSON ({reason}{where}), so `json_path` "
            "cannot be applied.",
            hint="Remove `json_path`, or store a JSON object.",
            code=ErrorCode.JSON_PATH,
        ) from None
    for part in split_key_path(path):
        if not isinstance(current, dict) or part not in current:
            raise ProviderError(
                f"JSON path {path!r} was not found in secret {name}.",
                hint="Check `json_path`: dots separate keys, `\\.` is a dot inside a key.",
                code=ErrorCode.JSON_PATH,
            )
        current = current[part]
    if isinstance(current, str):
        return current
    return json.dumps(current, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def rust_lines(text: str) -> list[str]:
    """``str::lines`` in Rust: split on ``\\n``, drop one ``\\r`` before it, no empty tail."""
    parts = text.split("\n")
    last = parts.pop()  # the text after the last newline: no newline, so no "\r" to drop
    lines = [part[:-1] if part.endswith("\r") else part for part in parts]
    return [*lines, last] if last else lines


def extract_line(text: str, line: int, name: str) -> str:
    lines = rust_lines(text)
    if line > len(lines):
        raise ProviderError(
            f"`line = {line}` of secret {name} is out of range: the value has "
            f"{plural(len(lines), 'line')}.",
            hint="Fix `line`.",
            code=ErrorCode.LINE,
        )
    return lines[line - 1]

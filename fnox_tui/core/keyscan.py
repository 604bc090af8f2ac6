"""Find the line and column of every key in a TOML document, fast.

``tomllib`` parses quickly but forgets positions, and ``tomlkit`` keeps no line numbers at all.
This scanner walks the text once, tracking multi-line strings and bracket depth, and records
where each table header and each ``key = value`` line starts. Keys inside inline tables are
not recorded: they share the line of the key that holds the inline table.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

KeyPath = tuple[str, ...]

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\\n]|\\.)*"'
_LITERAL = r"'[^'\n]*'"
_KEY = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_KEY_PATH = rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*"
_HEADER_RE = re.compile(rf"[ \t]*(\[\[?)[ \t]*({_KEY_PATH})[ \t]*\]\]?")
_KEYVAL_RE = re.compile(rf"[ \t]*({_KEY_PATH})[ \t]*=")
_KEY_PART_RE = re.compile(_KEY)
_TOKEN_RE = re.compile(r'"""|\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|[\[\]{}#]')


def split_key_path(text: str) -> KeyPath:
    """``a."b c".'d'`` -> ``("a", "b c", "d")``."""
    parts: list[str] = []
    for match in _KEY_PART_RE.finditer(text):
        part = match.group(0)
        if part.startswith('"'):
            parts.append(json.loads(part))
        elif part.startswith("'"):
            parts.append(part[1:-1])
        else:
            parts.append(part)
    return tuple(parts)


@dataclass(slots=True)
class KeyMap:
    """Positions of keys: ``positions[path] = (line, column)``, both 1-based."""

    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    headers: set[KeyPath] = field(default_factory=set)

    def line(self, path: KeyPath) -> int:
        """The line of ``path``, else of its nearest recorded ancestor, else 0."""
        while path:
            found = self.positions.get(path)
            if found is not None:
                return found[0]
            path = path[:-1]
        return 0

    def column(self, path: KeyPath) -> int:
        found = self.positions.get(path)
        return found[1] if found else 0


def scan_keys(text: str) -> KeyMap:
    keymap = KeyMap()
    positions = keymap.positions
    table: KeyPath = ()
    in_multiline: str | None = None
    depth = 0
    # TOML ends lines only at LF (or CRLF); str.splitlines would also split at U+2028, U+0085
    # and other characters that may appear unescaped inside strings and comments.
    for number, raw_line in enumerate(text.split("\n"), start=1):
        line = raw_line.removesuffix("\r")
        start = 0
        if in_multiline is not None:
            end = _find_closing(line, 0, in_multiline)
            if end < 0:
                continue
            in_multiline = None
            start = end
        elif depth == 0:
            header = _HEADER_RE.match(line)
            if header is not None:
                table = split_key_path(header.group(2))
                where = (number, header.start(2) + 1)
                for end in range(1, len(table) + 1):
                    positions.setdefault(table[:end], where)
                keymap.headers.add(table)
                start = header.end()
            else:
                keyval = _KEYVAL_RE.match(line)
                if keyval is not None:
                    path = table + split_key_path(keyval.group(1))
                    where = (number, keyval.start(1) + 1)
                    for end in range(len(table) + 1, len(path) + 1):
                        positions.setdefault(path[:end], where)
                    start = keyval.end()
        if '"' not in line and "'" not in line and "[" not in line and "{" not in line:
            code = line.split("#", 1)[0]  # without quotes, "#" always starts a comment
            if "]" in code or "}" in code:
                depth = max(0, depth - code.count("]") - code.count("}"))
            continue
        in_multiline, depth = _scan_rest(line, start, depth)
    return keymap


def _find_closing(line: str, start: int, delimiter: str) -> int:
    """The index just past the closing delimiter of a multi-line string, or -1."""
    index = start
    while True:
        found = line.find(delimiter, index)
        if found < 0:
            return -1
        if delimiter == '"""' and _escaped(line, found):
            index = found + 1
            continue
        # A closing delimiter may be followed by up to two more quotes that belong to the string.
        end = found + 3
        while end < len(line) and line[end] == delimiter[0] and end - found < 5:
            end += 1
        return end


def _escaped(line: str, index: int) -> bool:
    backslashes = 0
    index -= 1
    while index >= 0 and line[index] == "\\":
        backslashes += 1
        index -= 1
    return backslashes % 2 == 1


def _scan_rest(line: str, start: int, depth: int) -> tuple[str | None, int]:
    position = start
    while True:
        match = _TOKEN_RE.search(line, position)
        if match is None:
            return None, depth
        token = match.group(0)
        if token == "#":
            return None, depth
        if token in ('"""', "'''"):
            end = _find_closing(line, match.end(), token)
            if end < 0:
                return token, depth
            position = end
            continue
        if token in ("[", "{"):
            depth += 1
        elif token in ("]", "}"):
            depth = max(0, depth - 1)
        position = match.end()

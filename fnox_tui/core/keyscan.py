"""Find the line and column of every key in a TOML document, fast.

The TOML parser forgets positions, and ``tomlkit`` keeps no line numbers at all. This scanner
walks the text once, tracking multi-line strings and bracket depth, and records where each table
header and each ``key = value`` line starts. Keys inside inline tables are not recorded: they
share the line of the key that holds the inline table.

It works on offsets into the one text and never copies a line: a file may hold a single string
of many megabytes. Every pattern uses possessive repeats, so matching a long string needs no
backtracking state (a plain ``(?:a|b)*`` keeps one entry per character it repeats over).
"""

from __future__ import annotations

import re

from fnox_tui.core.keypositions import BOM, MAX_KEY_PARTS, MAX_NESTING, KeyPath
from fnox_tui.core.record import Record

__all__ = ["BOM", "MAX_KEY_PARTS", "MAX_NESTING", "KeyMap", "KeyPath", "scan_keys"]

_BARE = r"[A-Za-z0-9_-]++"
_BASIC = r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
_LITERAL = r"'[^'\n]*+'"
_KEY = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_KEY_PATH = rf"{_KEY}(?:[ \t]*+\.[ \t]*+{_KEY})*+"
_HEADER_RE = re.compile(rf"[ \t]*+(\[\[?)[ \t]*+({_KEY_PATH})[ \t]*+\]\]?")
_KEYVAL_RE = re.compile(rf"[ \t]*+({_KEY_PATH})[ \t]*+=")
_KEY_PART_RE = re.compile(_KEY)
_TOKEN_RE = re.compile(rf'"""|\'\'\'|{_BASIC}|{_LITERAL}|[\[\]{{}}#]')
# A whole ``key = value`` line that opens nothing that outlives it: one-line strings, scalars
# and at most one flat array or inline table, then maybe a comment. Most lines of a fnox.toml
# are like that, and one match records each of them.
_ONE_LINE_BASIC = rf'(?!""")(?:{_BASIC})(?!")'
_ONE_LINE_LITERAL = rf"(?!''')(?:{_LITERAL})(?!')"
_FLAT = rf"(?:[^\"'\[\]{{}}#\n]++|{_ONE_LINE_BASIC}|{_ONE_LINE_LITERAL})*+"
_SIMPLE_LINE_RE = re.compile(
    rf"[ \t]*+({_KEY_PATH})[ \t]*+={_FLAT}(?:[\[{{]{_FLAT}[\]}}]{_FLAT})?+(?:#.*+)?+(\n|\Z)"
)
# The body of a multi-line basic string up to its closing quotes (escapes and lone quotes).
_ML_BASIC_BODY_RE = re.compile(r'[^"\\]*+(?:(?:\\.|"(?!""))[^"\\]*+)*+', re.DOTALL)
_ESCAPE_RE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2})|(.))")
_SIMPLE_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    '"': '"',
    "\\": "\\",
}


def _unescape(match: re.Match[str]) -> str:
    hex_digits = match.group(1) or match.group(2) or match.group(3)
    if hex_digits is not None:
        code = int(hex_digits, 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else ""
    char = match.group(4)
    return _SIMPLE_ESCAPES.get(char, char)


def unquote_basic(quoted: str) -> str:
    """The text of a TOML basic string as written (with its quotes): escapes resolved."""
    body = quoted[1:-1]
    return _ESCAPE_RE.sub(_unescape, body) if "\\" in body else body


def split_key_path(text: str) -> KeyPath:
    """``a."b c".'d'`` -> ``("a", "b c", "d")``."""
    parts: list[str] = []
    for match in _KEY_PART_RE.finditer(text):
        part = match.group(0)
        if part.startswith('"'):
            parts.append(unquote_basic(part))
        elif part.startswith("'"):
            parts.append(part[1:-1])
        else:
            parts.append(part)
    return tuple(parts)


def _key_path(text: str) -> KeyPath:
    if '"' in text or "'" in text or "." in text:
        return split_key_path(text)
    return (text,)  # a bare key: the usual case


class KeyMap(Record):
    """Positions of keys: ``positions[path] = (line, column)``, both 1-based."""

    __slots__ = ("headers", "positions", "too_deep")
    _fields = ("positions", "headers", "too_deep")

    def __init__(
        self,
        positions: dict[KeyPath, tuple[int, int]] | None = None,
        headers: set[KeyPath] | None = None,
        too_deep: tuple[int, int] | None = None,
    ) -> None:
        self.positions: dict[KeyPath, tuple[int, int]] = {} if positions is None else positions
        self.headers: set[KeyPath] = set() if headers is None else headers
        # Where an array or inline table first opens deeper than MAX_NESTING, or a key first
        # has more than MAX_KEY_PARTS parts, if anywhere: fnox refuses such a file.
        self.too_deep = too_deep

    def record(self, path: KeyPath, where: tuple[int, int], first: int) -> None:
        """``where`` for ``path`` and each of its prefixes from ``first`` parts that is new.

        The parts from ``first`` on are the ones written at ``where``.
        """
        positions = self.positions
        for stop in range(first, len(path) + 1):
            positions.setdefault(path[:stop], where)
        if len(path) - first + 1 > MAX_KEY_PARTS and self.too_deep is None:
            self.too_deep = where

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

    def position(self, path: KeyPath) -> tuple[int, int]:
        """(line, column) of ``path``; else its nearest recorded ancestor's line and column 0;
        else (0, 0)."""
        found = self.positions.get(path)
        return found if found is not None else (self.line(path), 0)


def scan_keys(text: str) -> KeyMap:
    keymap = KeyMap()
    positions = keymap.positions
    table: KeyPath = ()
    in_multiline: str | None = None
    depth = 0
    find = text.find
    simple_line = _SIMPLE_LINE_RE.match
    size = len(text)
    number = 0
    line_start = 1 if text.startswith(BOM) else 0  # columns of line 1 count from after it
    # TOML ends lines only at LF (or CRLF); str.splitlines would also split at U+2028, U+0085
    # and other characters that may appear unescaped inside strings and comments.
    while line_start <= size:
        number += 1
        if depth == 0 and in_multiline is None:
            simple = simple_line(text, line_start)
            if simple is not None:
                path = table + _key_path(simple.group(1))
                where = (number, simple.start(1) - line_start + 1)
                if len(path) == len(table) + 1:
                    positions.setdefault(path, where)  # the usual case, inlined
                else:
                    keymap.record(path, where, len(table) + 1)
                line_start = simple.end() if simple.group(2) else size + 1
                continue
        newline = find("\n", line_start)
        if newline < 0:
            newline = size
        end = newline - 1 if newline > line_start and text[newline - 1] == "\r" else newline
        begin = start = line_start
        line_start = newline + 1
        if in_multiline is not None:
            closed = _find_closing(text, start, end, in_multiline)
            if closed < 0:
                continue
            in_multiline = None
            start = closed
        elif depth == 0:
            header = _HEADER_RE.match(text, start, end)
            if header is not None:
                table = split_key_path(header.group(2))
                keymap.record(table, (number, header.start(2) - begin + 1), 1)
                keymap.headers.add(table)
                start = header.end()
            else:
                keyval = _KEYVAL_RE.match(text, start, end)
                if keyval is not None:
                    path = table + _key_path(keyval.group(1))
                    keymap.record(path, (number, keyval.start(1) - begin + 1), len(table) + 1)
                    start = keyval.end()
        if (
            find('"', start, end) < 0
            and find("'", start, end) < 0
            and find("[", start, end) < 0
            and find("{", start, end) < 0
        ):
            comment = find("#", start, end)  # without quotes, "#" always starts a comment
            code_end = end if comment < 0 else comment
            closers = text.count("]", start, code_end) + text.count("}", start, code_end)
            depth = max(0, depth - closers)
            continue
        in_multiline, depth = _scan_rest(text, start, end, depth, keymap, number, begin)
    return keymap


def _find_closing(text: str, start: int, end: int, delimiter: str) -> int:
    """The index just past the closing delimiter of a multi-line string, or -1."""
    if delimiter == '"""':
        body = _ML_BASIC_BODY_RE.match(text, start, end)
        found = body.end() if body is not None else start
        if not text.startswith('"""', found, end):
            return -1
    else:
        found = text.find(delimiter, start, end)
        if found < 0:
            return -1
    # A closing delimiter may be followed by up to two more quotes that belong to the string.
    stop = found + 3
    quote = delimiter[0]
    while stop < end and text[stop] == quote and stop - found < 5:
        stop += 1
    return stop


def _scan_rest(
    text: str, start: int, end: int, depth: int, keymap: KeyMap, number: int, line_begin: int
) -> tuple[str | None, int]:
    """Depth and open multi-line string after the rest of one line (``line_begin``: its start)."""
    position = start
    search = _TOKEN_RE.search
    while True:
        match = search(text, position, end)
        if match is None:
            return None, depth
        first = text[match.start()]  # not match.group(0): a string token may be megabytes
        position = match.end()
        if first == "#":
            return None, depth
        if first in "\"'":
            if position - match.start() == 3 and text[position - 1] == first == text[position - 2]:
                delimiter = first * 3
                closed = _find_closing(text, position, end, delimiter)
                if closed < 0:
                    return delimiter, depth
                position = closed
            continue
        if first in "[{":
            depth += 1
            if depth > MAX_NESTING and keymap.too_deep is None:
                keymap.too_deep = (number, match.start() - line_begin + 1)
        else:
            depth = max(0, depth - 1)

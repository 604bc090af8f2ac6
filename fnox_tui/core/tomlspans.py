"""Where each statement of a TOML document starts and ends, by line: the span finder for edits.

The editor changes a file by replacing a few line ranges, so it needs to know which lines each
table header and each ``key = value`` statement occupies (a value can run over several lines: a
multi-line string, an array). ``scan_layout`` finds that in one pass without parsing values:
strings and comments are first blanked out by one regular expression (a C loop), leaving a
skeleton with the same lines, whose brackets are then counted line by line.

The text is assumed to be valid TOML (the file was loaded with ``tomllib``); on text that is not,
the result is unspecified, and the editor's fragment checks catch it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Literal, NamedTuple

KeyPath = tuple[str, ...]
StatementKind = Literal["table", "array", "keyval"]

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\\n]|\\[^\n])*"'
_LITERAL = r"'[^'\n]*'"
_KEY = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_KEY_PATH = rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*"
_HEADER_RE = re.compile(rf"[ \t]*(\[\[?)[ \t]*({_KEY_PATH})[ \t]*\]")
_KEYVAL_RE = re.compile(rf"[ \t]*({_KEY_PATH})[ \t]*=")
_KEY_PART_RE = re.compile(_KEY)
_BARE_RE = re.compile(_BARE)

# Strings (multi-line first) and comments, leftmost first: a quote inside a comment and a "#"
# inside a string are consumed by the token that holds them.
_TOKENS_RE = re.compile(
    r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""(?:""?)?'
    r"|'''[^']*(?:'(?!'')[^']*)*'''(?:''?)?"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    rf"|{_LITERAL}|#[^\n]*"
)
# Without multi-line strings, one line at a time: a string becomes its opening quote and a
# comment disappears.
_LINE_TOKENS_RE = re.compile(r'(")[^"\\\n]*(?:\\.[^"\\\n]*)*"|(\')[^\'\n]*\'|#[^\n]*')
CONTINUATION = "\x01"  # starts a skeleton line that lies inside a multi-line string


def _skeleton_token(match: re.Match[str]) -> str:
    token = match.group(0)
    if token[0] == "#":
        return ""
    newlines = token.count("\n")
    if not newlines:
        return token[0]
    return token[0] + ("\n" + CONTINUATION) * newlines


def _skeleton_line(line: str) -> str:
    if '"' not in line and "'" not in line:
        return line.split("#", 1)[0] if "#" in line else line
    if "\\" in line or "'" in line or "#" in line:
        return _LINE_TOKENS_RE.sub(r"\1\2", line)
    # Only double-quoted strings without escapes: every other piece is a string's content.
    return '"'.join(line.split('"')[0::2])


def skeleton_lines(text: str) -> list[str]:
    """The lines of ``text`` with every string reduced to its opening quote, comments removed.

    A line that starts inside a multi-line string starts with ``CONTINUATION`` instead.
    """
    if '"""' in text or "'''" in text:
        return _TOKENS_RE.sub(_skeleton_token, text).split("\n")
    return [_skeleton_line(line) for line in text.split("\n")]


def unquote_key_part(part: str) -> str:
    if part.startswith('"'):
        # TOML's escapes (\U0001F600, \e ...) are not JSON's: let tomllib read the key.
        return next(iter(tomllib.loads(f"{part} = 0")))
    if part.startswith("'"):
        return part[1:-1]
    return part


def split_key(text: str) -> KeyPath:
    """``a."b c".'d'`` -> ``("a", "b c", "d")``."""
    if _BARE_RE.fullmatch(text):
        return (text,)
    return tuple(unquote_key_part(m.group(0)) for m in _KEY_PART_RE.finditer(text))


class Statement(NamedTuple):
    """A header or a ``key = value`` statement on lines ``start`` .. ``end`` (0-based, inclusive).

    ``table`` is the header's path for a header, and the enclosing header's path (``()`` at the
    top) for a key/value; ``key`` is the key as written (dotted keys give several parts).
    """

    kind: StatementKind
    table: KeyPath
    key: KeyPath
    start: int
    end: int

    @property
    def path(self) -> KeyPath:
        return self.table + self.key

    @property
    def is_header(self) -> bool:
        return self.kind != "keyval"


@dataclass(frozen=True, slots=True)
class Section:
    """A header (None for the top of the file, before any header) and its key/values."""

    header: Statement | None
    keyvals: tuple[Statement, ...]

    @property
    def path(self) -> KeyPath:
        return self.header.path if self.header is not None else ()

    @property
    def end(self) -> int:
        """The last line of the section's last statement (-1 for an empty top section)."""
        if self.keyvals:
            return self.keyvals[-1].end
        return self.header.end if self.header is not None else -1


class LayoutError(ValueError):
    """A line the span finder cannot read (the text is probably not valid TOML)."""


@dataclass(frozen=True, slots=True)
class Layout:
    """The lines of a document (``text.split("\\n")``) and its statements by section."""

    lines: list[str]
    sections: tuple[Section, ...]

    def statements(self) -> list[Statement]:
        result: list[Statement] = []
        for section in self.sections:
            if section.header is not None:
                result.append(section.header)
            result.extend(section.keyvals)
        return result

    def is_comment_line(self, index: int) -> bool:
        return self.lines[index].lstrip(" \t").startswith("#")

    def is_blank_line(self, index: int) -> bool:
        return not self.lines[index].strip(" \t\r")


def scan_layout(text: str) -> Layout:
    lines = text.split("\n")
    skel = skeleton_lines(text)
    if len(skel) != len(lines):  # pragma: no cover - the skeleton keeps every line break
        raise LayoutError("the skeleton lost a line")
    new = tuple.__new__
    sections: list[Section] = []
    header: Statement | None = None
    keyvals: list[Statement] = []
    table: KeyPath = ()
    key: KeyPath = ()
    start = end = -1  # the key/value statement being read (start < 0: none)
    depth = 0
    for index, line in enumerate(skel):
        if depth > 0 or line.startswith(CONTINUATION):
            if start < 0:
                raise LayoutError(f"line {index + 1} continues no statement")
            end = index
            if "[" in line or "{" in line or "]" in line or "}" in line:
                depth += line.count("[") + line.count("{") - line.count("]") - line.count("}")
                depth = max(depth, 0)
            continue
        code = line.strip(" \t\r")
        if not code:
            continue
        if start >= 0:
            keyvals.append(new(Statement, ("keyval", table, key, start, end)))
            start = -1
        if code[0] == "[":
            match = _HEADER_RE.match(lines[index])
            if match is None:
                raise LayoutError(f"line {index + 1}: cannot read the table header")
            sections.append(Section(header, tuple(keyvals)))
            table = split_key(match.group(2))
            kind: StatementKind = "array" if match.group(1) == "[[" else "table"
            header = new(Statement, (kind, table, (), index, index))
            keyvals = []
            continue
        key_text, equals, _value = code.partition("=")
        key_text = key_text.rstrip(" \t")
        if not equals or not key_text:
            raise LayoutError(f"line {index + 1}: not a key = value line")
        if '"' in key_text or "'" in key_text or "." in key_text:
            match = _KEYVAL_RE.match(lines[index])
            if match is None:
                raise LayoutError(f"line {index + 1}: cannot read the key")
            key = split_key(match.group(1))
        else:
            key = (key_text,)
        start = end = index
        if "[" in code or "{" in code:
            depth = code.count("[") + code.count("{") - code.count("]") - code.count("}")
    if start >= 0:
        keyvals.append(new(Statement, ("keyval", table, key, start, end)))
    sections.append(Section(header, tuple(keyvals)))
    return Layout(lines, tuple(sections))

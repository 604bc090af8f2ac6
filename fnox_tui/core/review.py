"""The review of a save: per file, a unified diff of the lines that change, ciphertexts shortened.

A ciphertext is a long base64 run (KMS and age values are hundreds of characters); the review
shows its first 12 and last 6 characters (``AQICAHh1x2Yz…Q0tA==``), enough to tell two apart.
Strings in ``hide`` (for example the values of ``plain`` secrets, which are stored as they are)
are replaced by ``•••``. The lines are data, not markup: the UI shows them through its
sanitizing function like any other text from a file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fnox_tui.core.tomlrender import render_value

HIDDEN = "•••"
ELLIPSIS = "…"
_BASE64_RUN_RE = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")

DiffKind = Literal["header", "hunk", "context", "removed", "added", "note"]


def shorten_ciphertexts(line: str, head: int = 12, tail: int = 6, min_length: int = 40) -> str:
    """Every base64 run of ``min_length`` characters or more, as ``head…tail``.

    A run counts as ciphertext only when it mixes upper- and lower-case letters, so an age
    recipient (lower-case bech32) or a hex digest stays whole.
    """

    def shorten(match: re.Match[str]) -> str:
        run = match.group(0)
        if len(run) < min_length or run.islower() or run.isupper() or run.isdigit():
            return run
        return run[:head] + ELLIPSIS + run[-tail:]

    return _BASE64_RUN_RE.sub(shorten, line)


def _hidden_forms(hide: Collection[str]) -> list[str]:
    """Each value to hide as written in a file: as it is, and inside a TOML basic string;
    longest first (a value that holds another is hidden whole)."""
    forms: set[str] = set()
    for value in hide:
        if not value:
            continue
        forms.add(value)
        if not (value.isascii() and value.isprintable()) or '"' in value or "\\" in value:
            forms.add(render_value(value)[1:-1])  # only then can the escaped form differ
    return sorted(forms, key=len, reverse=True)


def _hide(line: str, forms: list[str]) -> str:
    for form in forms:
        if form in line:
            line = line.replace(form, HIDDEN)
    return line


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of the review: its kind and its text without the line ending.

    ``old_line``/``new_line``: 1-based line numbers in the old and new file (0 when none).
    """

    kind: DiffKind
    text: str
    old_line: int = 0
    new_line: int = 0

    @property
    def prefix(self) -> str:
        return {"removed": "-", "added": "+", "context": " "}.get(self.kind, "")


@dataclass(frozen=True, slots=True)
class FileReview:
    path: Path
    lines: tuple[DiffLine, ...]
    added: int
    removed: int

    def unified(self) -> str:
        """The review as unified-diff text (ciphertexts already shortened)."""
        return "\n".join(line.prefix + line.text for line in self.lines) + "\n"


def _split(text: str) -> list[str]:
    return [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]


def review_file(
    path: Path,
    old_text: str,
    new_text: str,
    *,
    context: int = 2,
    hide: Collection[str] = (),
) -> FileReview:
    """The diff of ``old_text`` -> ``new_text`` for ``path``, ready to show."""
    old_lines = _split(old_text)
    new_lines = _split(new_text)
    old_final = old_text.endswith("\n") or not old_text
    new_final = new_text.endswith("\n") or not new_text
    if old_final:
        old_lines.pop()
    if new_final:
        new_lines.pop()

    forms = _hidden_forms(hide)

    def show(text: str) -> str:
        return shorten_ciphertexts(_hide(text, forms) if forms else text)

    lines: list[DiffLine] = [
        DiffLine("header", f"--- {path}"),
        DiffLine("header", f"+++ {path}"),
    ]
    added = removed = 0
    for group in _grouped_opcodes(old_lines, new_lines, context):
        first, last = group[0], group[-1]
        lines.append(
            DiffLine(
                "hunk",
                f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@",
            )
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset in range(i2 - i1):
                    lines.append(
                        DiffLine("context", show(old_lines[i1 + offset]), i1 + offset + 1,
                                 j1 + offset + 1)
                    )  # fmt: skip
                continue
            for index in range(i1, i2):
                lines.append(DiffLine("removed", show(old_lines[index]), index + 1, 0))
                removed += 1
            for index in range(j1, j2):
                lines.append(DiffLine("added", show(new_lines[index]), 0, index + 1))
                added += 1
    if old_final != new_final:
        state = "now ends" if new_final else "no longer ends"
        lines.append(DiffLine("note", f"(the file {state} with a newline)"))
    return FileReview(path, tuple(lines), added, removed)


def _grouped_opcodes(
    old: list[str], new: list[str], context: int
) -> list[list[tuple[str, int, int, int, int]]]:
    """difflib's grouped opcodes, computed on the lines between the common head and tail
    (kept ``context`` lines wide): the same hunks, without matching thousands of equal lines."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    start = max(0, head - context)
    tail = max(0, tail - context)
    middle_old, middle_new = old[start : len(old) - tail], new[start : len(new) - tail]
    matcher = difflib.SequenceMatcher(None, middle_old, middle_new, autojunk=False)
    return [
        [(tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in group]
        for group in matcher.get_grouped_opcodes(context)
    ]


def _range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    if length == 0:
        return f"{start},0"
    return f"{start + 1},{length}"

"""Edit one ``KEY = { ... }`` statement in place, keeping every byte that is not edited.

tomlkit re-spaces an inline table it edits (``{  value = "x"}`` after a removal), so the fields
are located here instead: the text between the braces is cut at its top-level commas, a field
that is set gets a new value (rendered by tomlkit) after its own ``key =``, a removed field goes
with one separator, a new field is appended with the separator the table already uses. The
other fields, their order and spacing, and a comment after the closing brace stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from fnox_tui.core.tomlrender import render_key, render_value
from fnox_tui.core.tomlspans import split_key


class InlineEditError(ValueError):
    """The statement is not one whose fields can be edited here (the caller falls back)."""


_KEY_TEXT_RE = re.compile(
    r"""[ \t]*((?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\[^\n])*"|'[^'\n]*')"""
    r"""(?:[ \t]*\.[ \t]*(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\[^\n])*"|'[^'\n]*'))*)[ \t]*="""
)


@dataclass(frozen=True, slots=True)
class _Field:
    key: tuple[str, ...]
    start: int  # the field's first non-blank character
    value_start: int  # first character of its value
    end: int  # just past its value (trailing blanks excluded)


def _skip_string(text: str, index: int) -> int:
    """The index just past the string that starts at ``index``."""
    if text.startswith('"""', index) or text.startswith("'''", index):
        quote = text[index : index + 3]
        position = index + 3
        while True:
            found = text.find(quote, position)
            if found < 0:
                raise InlineEditError("unterminated multi-line string")
            if quote == '"""' and _escaped(text, found):
                position = found + 1
                continue
            end = found + 3
            while end < len(text) and text[end] == quote[0] and end - found < 5:
                end += 1
            return end
    quote = text[index]
    position = index + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and quote == '"':
            position += 2
            continue
        if char == quote:
            return position + 1
        if char == "\n":
            break
        position += 1
    raise InlineEditError("unterminated string")


def _escaped(text: str, index: int) -> bool:
    count = 0
    index -= 1
    while index >= 0 and text[index] == "\\":
        count += 1
        index -= 1
    return count % 2 == 1


def _split_fields(text: str, open_brace: int) -> tuple[list[_Field], int]:
    """The top-level fields of the inline table opening at ``open_brace``, and its ``}``."""
    fields: list[_Field] = []
    depth = 0
    position = open_brace + 1
    segment_start = position
    while position < len(text):
        char = text[position]
        if char in "\"'":
            position = _skip_string(text, position)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            if depth == 0:
                if char == "]":
                    raise InlineEditError("unbalanced brackets")
                _add_field(text, segment_start, position, fields)
                return fields, position
            depth -= 1
        elif char == "," and depth == 0:
            _add_field(text, segment_start, position, fields)
            segment_start = position + 1
        elif char == "#":
            raise InlineEditError("a comment inside an inline table")
        position += 1
    raise InlineEditError("unterminated inline table")


def _add_field(text: str, start: int, end: int, fields: list[_Field]) -> None:
    segment = text[start:end]
    if not segment.strip(" \t"):
        if fields or text[end] == ",":
            raise InlineEditError("an empty field in an inline table")
        return
    match = _KEY_TEXT_RE.match(segment)
    if match is None:
        raise InlineEditError("cannot read a key in the inline table")
    first = start + len(segment) - len(segment.lstrip(" \t"))
    value_start = start + match.end()
    while value_start < end and text[value_start] in " \t":
        value_start += 1
    value_end = end
    while value_end > value_start and text[value_end - 1] in " \t":
        value_end -= 1
    fields.append(_Field(split_key(match.group(1)), first, value_start, value_end))


def edit_inline_statement(
    statement: str,
    set_fields: Mapping[str, object],
    remove: Collection[str] = (),
    *,
    replace_all: bool = False,
) -> str:
    """``statement`` (``KEY = { ... }`` plus an optional comment) with fields set and removed.

    ``replace_all``: the entry gets exactly ``set_fields`` (fields not named there go).
    Raises InlineEditError when the value is not an inline table this can edit.
    """
    match = _KEY_TEXT_RE.match(statement)
    if match is None:
        raise InlineEditError("cannot read the key of the statement")
    open_brace = match.end()
    while open_brace < len(statement) and statement[open_brace] in " \t":
        open_brace += 1
    if open_brace >= len(statement) or statement[open_brace] != "{":
        raise InlineEditError("the value is not an inline table")
    fields, close_brace = _split_fields(statement, open_brace)
    names = [field.key[0] for field in fields if len(field.key) == 1]
    touched = set(set_fields).union(remove)
    for field in fields:
        if len(field.key) > 1 and (replace_all or field.key[0] in touched):
            raise InlineEditError("a dotted key inside the inline table")
    removed = set(remove)
    if replace_all:
        removed = {name for name in names if name not in set_fields}

    # The text between the braces: lead, field 1, separator 1, ..., field N, trail.
    items: list[str] = []
    item_names: list[str | None] = []
    separators: list[str] = []
    cursor = open_brace + 1
    lead = trail = " "
    for number, field in enumerate(fields):
        between = statement[cursor : field.start]
        if number == 0:
            lead = between
        else:
            separators.append(between)
        name = field.key[0] if len(field.key) == 1 else None
        text = statement[field.start : field.end]
        if name is not None and name in set_fields:
            text = statement[field.start : field.value_start] + render_value(set_fields[name])
        items.append(text)
        item_names.append(name)
        cursor = field.end
    if fields:
        trail = statement[cursor:close_brace]

    usual_separator = _usual_separator(separators)
    index = 0
    while index < len(items):  # a removed field goes with the separator after it (or before)
        if item_names[index] is not None and item_names[index] in removed:
            del items[index], item_names[index]
            if separators:
                del separators[min(index, len(separators) - 1)]
            continue
        index += 1
    new_items = [
        f"{render_key(name)} = {render_value(value)}"
        for name, value in set_fields.items()
        if name not in names
    ]
    if new_items:
        separators += [usual_separator] * (len(new_items) - (0 if items else 1))
        items += new_items
    if not items:
        inner = "" if fields else statement[open_brace + 1 : close_brace]
    else:
        inner = lead + items[0] + "".join(map(str.__add__, separators, items[1:])) + trail
    return statement[: open_brace + 1] + inner + statement[close_brace:]


def _usual_separator(separators: list[str]) -> str:
    if not separators:
        return ", "
    return max(set(separators), key=separators.count)

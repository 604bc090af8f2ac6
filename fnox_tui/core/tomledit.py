"""Apply staged changes to one file's text, changing only the lines they concern.

The file is not parsed again as a whole (tomlkit takes about half a second on a 5,000-secret
file): ``tomlspans`` finds the lines of the entries and tables the changes touch, each of those
fragments is edited on its own (tomlkit for a ``[secrets.K]`` table, ``tomlinline`` for a
``K = { ... }`` line, ``tomlrender`` for new lines), checked with ``tomllib`` against what the
change means, and spliced back; every other line is copied as it was. Only when a fragment
cannot be isolated safely (a table written as an inline value or through dotted keys, an entry
with sub-tables, ...) is the whole document edited through tomlkit, and then the whole result
is checked.

What is written, and where:
- A new entry is ``KEY = { provider = "...", value = "..." }`` (fields in the order given) after
  the last key/value line of its table. A missing table is created: ``[T]`` before the first
  ``[T.X]`` table when the file only has those; ``[profiles.P.secrets]`` after the last table of
  ``[profiles.P...]`` (else of ``[profiles...]``), as fnox places it; otherwise at the end of the
  file. A blank line separates a new table from its neighbours. (fnox also writes an empty
  ``[profiles.P]`` header and no space before ``=``; we do not.)
- An inline entry is edited in place: its other fields, their order and spacing and a comment
  after it stay. A ``[secrets.K]`` table is edited field by field, comments kept.
- A deleted entry goes with the comment lines directly above it (as ``fnox remove``), and with
  one blank line when it would otherwise leave two in a row. Unlike ``fnox remove``, a comment
  separated from the entry by a blank line stays: it usually heads a group of entries.
- CRLF files stay CRLF, a byte-order mark stays, a file without a final newline keeps none
  (unless a line is added at its very end).
"""

from __future__ import annotations

import bisect
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import tomlkit
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.items import Array, InlineTable, Table

from fnox_tui.core.changes import Change, NetChange, net_changes, thaw_fields, thaw_value
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.identity import EntryId
from fnox_tui.core.tomlinline import InlineEditError, edit_inline_statement
from fnox_tui.core.tomlrender import render_entry, render_key, render_value
from fnox_tui.core.tomlspans import KeyPath, Layout, LayoutError, Section, Statement, scan_layout

BOM = "\ufeff"


class EditError(FnoxTuiError):
    """A change that cannot be applied to the file as it is (the entry is gone, exists, ...)."""

    def __init__(self, entry: EntryId, message: str) -> None:
        self.entry = entry
        super().__init__(f"{entry.path}: {message}")


@dataclass(frozen=True, slots=True)
class EditResult:
    """The new text, and whether the whole file had to be parsed (and why)."""

    text: str
    full_parse: bool = False
    reason: str | None = None


class _NeedsFullParse(Exception):
    pass


def apply_changes(text: str, changes: Iterable[Change | NetChange]) -> EditResult:
    """``text`` (one file, as loaded) with ``changes`` applied; every other byte kept.

    All changes must name the same file. Raises EditError when a change does not fit the file
    (an edited or deleted entry that is not there, an added one that already is).
    """
    nets = _net_list(changes)
    if len({net.id.path for net in nets}) > 1:
        raise ValueError("apply_changes edits one file: the changes name several")
    if not nets:
        return EditResult(text)
    bom = BOM if text.startswith(BOM) else ""
    body = text[len(bom) :]
    newline = "\r\n" if _is_crlf(body) else "\n"
    missing_newline = bool(body) and not body.endswith("\n")
    work = body + newline if missing_newline else body
    try:
        new_text = _FragmentEditor(work, nets, newline).apply()
        result = EditResult(new_text)
    except _NeedsFullParse as why:
        result = EditResult(_full_parse_edit(work, nets, newline), True, str(why))
    new_text = result.text
    if missing_newline and new_text.endswith(newline):
        new_text = new_text[: -len(newline)]
    return EditResult(bom + new_text, result.full_parse, result.reason)


def check_edit(old_text: str, new_text: str, changes: Iterable[Change | NetChange]) -> None:
    """Parse both whole texts and raise EditError unless ``new_text`` reads exactly as
    ``old_text`` with ``changes`` applied. ``apply_changes`` checks only the fragments it wrote
    (a whole parse of a 1.5 MB file takes ``tomllib`` about 0.3 s); this is the full check, for
    tests and for callers that can afford it."""
    nets = _net_list(changes)
    if not nets:
        return
    try:
        new_data = tomllib.loads(new_text.removeprefix(BOM))
    except tomllib.TOMLDecodeError as error:
        raise EditError(nets[0].id, f"the new text does not parse: {error}") from None
    if not same_data(new_data, expected_data(tomllib.loads(old_text.removeprefix(BOM)), nets)):
        raise EditError(nets[0].id, "the new text does not read as the changes mean")


def _net_list(changes: Iterable[Change | NetChange]) -> list[NetChange]:
    items = list(changes)
    if all(isinstance(item, NetChange) for item in items):
        return items  # type: ignore[return-value]
    if any(isinstance(item, NetChange) for item in items):
        raise TypeError("pass staged changes or net changes, not both")
    return list(net_changes(items).values())  # type: ignore[arg-type]


def _is_crlf(text: str) -> bool:
    crlf = text.count("\r\n")
    return crlf > 0 and crlf * 2 >= text.count("\n")


# --- what a change means for the parsed data ---------------------------------------------------


def expected_fields(old: Mapping[str, object] | None, net: NetChange) -> dict[str, object] | None:
    """The fields of an entry after ``net`` (None: deleted)."""
    if net.op == "delete":
        return None
    new = thaw_fields(net.fields)
    if net.op in ("add", "replace") or old is None:
        return new
    result = {name: value for name, value in old.items() if name not in net.remove}
    result.update(new)
    return result


def expected_data(data: Mapping[str, object], changes: Iterable[Change | NetChange]) -> dict:
    """``data`` (a file as tomllib reads it) as it should read after ``changes``.

    Untouched sub-tables are shared with ``data``, which is never modified.
    """
    nets = _net_list(changes)
    result = dict(data)
    for net in nets:
        parent: dict = result
        for part in net.id.table:
            child = parent.get(part)
            child = dict(child) if isinstance(child, dict) else {}
            parent[part] = child
            parent = child
        old = parent.get(net.id.name)
        new = expected_fields(old if isinstance(old, dict) else None, net)
        if new is None:
            parent.pop(net.id.name, None)
        else:
            parent[net.id.name] = new
    return result


def same_data(left: object, right: object) -> bool:
    """Equality of parsed TOML, where NaN equals NaN."""
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same_data(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same_data, left, right))
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isnan(left) and math.isnan(right))
    return type(left) is type(right) and left == right


def _nested(path: KeyPath, leaf: object) -> dict:
    result: object = leaf
    for part in reversed(path):
        result = {part: result}
    assert isinstance(result, dict)
    return result


def _header(path: KeyPath) -> str:
    return "[" + ".".join(render_key(part) for part in path) + "]"


def _loads(fragment: str) -> dict:
    try:
        return tomllib.loads(fragment)
    except tomllib.TOMLDecodeError:
        raise _NeedsFullParse("a fragment did not parse on its own") from None


# --- editing fragments -------------------------------------------------------------------------


@dataclass(slots=True)
class _Edit:
    """Replace ``lines[start:end]`` (``start == end``: insert) with ``lines``."""

    start: int
    end: int
    lines: list[str]
    order: int
    pad_before: bool = False
    pad_after: bool = False


@dataclass(slots=True)
class _TableInfo:
    path: KeyPath
    section: Section | None = None
    inline: dict[str, Statement] = field(default_factory=dict)
    tables: dict[str, Section] = field(default_factory=dict)  # [T.NAME]
    deeper: dict[str, list[Section]] = field(default_factory=dict)  # [T.NAME.sub...]
    other: set[str] = field(default_factory=set)  # names defined in a way not edited in place
    subtables: list[Section] = field(default_factory=list)
    blocked: str | None = None

    def exists(self, name: str) -> bool:
        return (
            name in self.inline or name in self.tables or name in self.deeper or name in self.other
        )


class _FragmentEditor:
    def __init__(self, text: str, nets: list[NetChange], newline: str) -> None:
        try:
            self.layout: Layout = scan_layout(text)
        except LayoutError as error:
            raise _NeedsFullParse(str(error)) from None
        self.lines = self.layout.lines
        self.crlf = newline == "\r\n"
        self.nets = nets
        self.edits: list[_Edit] = []
        self._tables: dict[KeyPath, _TableInfo] = {}
        statements = self.layout.statements()
        self._starts = [statement.start for statement in statements]
        self._ends = [statement.end for statement in statements]

    # -- the layout ------------------------------------------------------------------------

    def covered(self, line: int) -> bool:
        """Whether ``line`` belongs to a statement (a header, or a key/value's lines)."""
        index = bisect.bisect_right(self._starts, line) - 1
        return index >= 0 and self._ends[index] >= line

    def is_comment(self, line: int) -> bool:
        return (
            0 <= line < len(self.lines)
            and not self.covered(line)
            and (self.layout.is_comment_line(line))
        )

    def is_blank(self, line: int) -> bool:
        return (
            0 <= line < len(self.lines)
            and not self.covered(line)
            and (self.layout.is_blank_line(line))
        )

    def comment_block_start(self, line: int) -> int:
        """The first of the comment lines directly above ``line`` (``line`` if none)."""
        while self.is_comment(line - 1):
            line -= 1
        return line

    def table(self, path: KeyPath) -> _TableInfo:
        info = self._tables.get(path)
        if info is None:
            info = self._tables[path] = self._table_info(path)
        return info

    def _table_info(self, path: KeyPath) -> _TableInfo:
        info = _TableInfo(path)
        depth = len(path)
        for section in self.layout.sections:
            header = section.header
            spath = section.path
            if header is not None and spath[:depth] == path:
                if header.kind == "array":
                    info.blocked = "an array of tables"
                elif len(spath) == depth:
                    if info.section is not None:
                        info.blocked = "the table is written twice"
                    info.section = section
                    for statement in section.keyvals:
                        if len(statement.key) == 1 and statement.key[0] not in info.inline:
                            info.inline[statement.key[0]] = statement
                        else:
                            info.other.add(statement.key[0])
                else:
                    name = spath[depth]
                    info.subtables.append(section)
                    if len(spath) == depth + 1 and name not in info.tables:
                        info.tables[name] = section
                    elif len(spath) > depth + 1:
                        info.deeper.setdefault(name, []).append(section)
                    else:
                        info.other.add(name)
            elif spath == path[: len(spath)]:
                if header is not None and header.kind == "array":
                    info.blocked = "an array of tables"
                # A key/value in a parent table that defines this table (or a part of it).
                for statement in section.keyvals:
                    full = spath + statement.key
                    if (
                        full[:depth] == path
                        or full == path[: len(full)]
                        or (len(statement.key) > 1 and statement.key[0] == path[len(spath)])
                    ):
                        info.blocked = f"[{'.'.join(path)}] is written with dotted keys or inline"
        info.other.update(set(info.inline).intersection(info.tables))
        info.other.update(set(info.inline).intersection(info.deeper))
        for name in info.other:
            info.inline.pop(name, None)
            info.tables.pop(name, None)
            info.deeper.pop(name, None)
        return info

    # -- fragments ---------------------------------------------------------------------------

    def fragment(self, start: int, end: int) -> str:
        """Lines ``start`` .. ``end`` (inclusive) joined with ``\\n``, without ``\\r``."""
        lines = self.lines[start : end + 1]
        if self.crlf:
            if not all(line.endswith("\r") for line in lines):
                raise _NeedsFullParse("mixed line endings")
            lines = [line[:-1] for line in lines]
        elif any(line.endswith("\r") for line in lines):
            raise _NeedsFullParse("mixed line endings")
        return "\n".join(lines)

    def to_lines(self, fragment: str) -> list[str]:
        lines = fragment.split("\n")
        if self.crlf:
            lines = [line + "\r" for line in lines]
        return lines

    def add_edit(self, start: int, end: int, lines: list[str], **pad: bool) -> None:
        self.edits.append(_Edit(start, end, lines, len(self.edits), **pad))

    # -- changes -----------------------------------------------------------------------------

    def apply(self) -> str:
        adds: dict[KeyPath, list[NetChange]] = {}
        for net in self.nets:
            info = self.table(net.id.table)
            if info.blocked:
                raise _NeedsFullParse(info.blocked)
            name = net.id.name
            if name in info.other:
                if net.op == "add":
                    raise EditError(net.id, f"{name} already exists in [{net.id.dotted_table}]")
                raise _NeedsFullParse(f"{name} is written in several parts")
            if net.op == "add":
                if info.exists(name):
                    raise EditError(net.id, f"{name} already exists in [{net.id.dotted_table}]")
                adds.setdefault(net.id.table, []).append(net)
                continue
            if not info.exists(name):
                raise EditError(net.id, f"{name} is no longer in [{net.id.dotted_table}]")
            if net.op == "delete":
                self.delete(net, info)
            elif name in info.deeper:
                raise _NeedsFullParse(f"{name} has tables of its own")
            else:
                self.update(net, info)
        for table, nets in adds.items():
            self.add(table, nets)
        return self.assemble()

    def update(self, net: NetChange, info: _TableInfo) -> None:
        name = net.id.name
        statement = info.inline.get(name)
        if statement is not None:
            fragment = self.fragment(statement.start, statement.end)
            old = _loads(fragment)
            if set(old) != {name} or not isinstance(old[name], dict):
                raise _NeedsFullParse(f"{name} is not an inline table")
            fields = thaw_fields(net.fields)
            try:
                new_fragment = edit_inline_statement(
                    fragment, fields, net.remove, replace_all=net.op == "replace"
                )
            except InlineEditError as error:
                raise _NeedsFullParse(str(error)) from None
            if not same_data(_loads(new_fragment), {name: expected_fields(old[name], net)}):
                raise _NeedsFullParse(f"editing {name} in place gave another result")
            self.add_edit(statement.start, statement.end + 1, self.to_lines(new_fragment))
            return
        section = info.tables[name]
        assert section.header is not None
        start, end = section.header.start, section.end
        fragment = self.fragment(start, end)
        entry_path = net.id.key_path
        old_data = _loads(fragment)
        old = _get(old_data, entry_path)
        if not isinstance(old, dict) or not same_data(old_data, _nested(entry_path, old)):
            raise _NeedsFullParse(f"[{'.'.join(entry_path)}] does not stand alone")
        new_fragment = self._edit_table(fragment, section, net)
        if not same_data(_loads(new_fragment), _nested(entry_path, expected_fields(old, net))):
            raise _NeedsFullParse(f"editing [{'.'.join(entry_path)}] gave another result")
        self.add_edit(start, end + 1, self.to_lines(new_fragment))

    def _edit_table(self, fragment: str, section: Section, net: NetChange) -> str:
        document = tomlkit.parse(fragment + "\n")
        table: object = document
        for part in net.id.key_path:
            table = table[part]  # type: ignore[index]
        if not isinstance(table, Table):
            raise _NeedsFullParse("not a table")
        removed = list(net.remove)
        if net.op == "replace":
            removed = [name for name in table if name not in net.fields]
        for name in removed:
            if name in table:
                del table[name]
        for name, value in net.fields.items():
            _set_field(table, name, value, self._array_indent(section, name))
        text = document.as_string()
        return text[:-1] if text.endswith("\n") else text

    def _array_indent(self, section: Section, name: str) -> str | None:
        """The indent of the items of ``name``'s value, when it is an array over several lines."""
        for statement in section.keyvals:
            if statement.key == (name,) and statement.end > statement.start:
                item_line = self.lines[statement.start + 1]
                return item_line[: len(item_line) - len(item_line.lstrip(" \t"))] or "  "
        return None

    def delete(self, net: NetChange, info: _TableInfo) -> None:
        name = net.id.name
        statement = info.inline.get(name)
        if statement is not None:
            old = _loads(self.fragment(statement.start, statement.end))
            if set(old) != {name}:
                raise _NeedsFullParse(f"{name} does not stand alone")
            self.remove_lines(statement.start, statement.end)
            return
        sections = [info.tables[name]] if name in info.tables else []
        sections += info.deeper.get(name, [])
        for section in sections:  # the entry's table and the tables under it
            assert section.header is not None
            start, end = section.header.start, section.end
            old = _loads(self.fragment(start, end))
            entry = _get(old, net.id.key_path)
            if not isinstance(entry, dict) or not same_data(old, _nested(net.id.key_path, entry)):
                raise _NeedsFullParse(f"[{'.'.join(net.id.key_path)}] does not stand alone")
            self.remove_lines(start, end)

    def remove_lines(self, start: int, end: int) -> None:
        """Remove a statement with the comment lines directly above it (``assemble`` then drops
        a blank line that the removal would leave doubled)."""
        self.add_edit(self.comment_block_start(start), end + 1, [])

    def add(self, table: KeyPath, nets: list[NetChange]) -> None:
        info = self.table(table)
        entries: list[str] = []
        for net in nets:
            fields = thaw_fields(net.fields)
            line = render_entry(net.id.name, fields)
            if not same_data(_loads(line), {net.id.name: fields}):  # pragma: no cover
                raise _NeedsFullParse(f"the new line for {net.id.name} reads back differently")
            entries.append(line)
        eol = "\r" if self.crlf else ""
        if info.section is not None:
            section = info.section
            point = section.end + 1
            indent = ""
            if section.keyvals:
                last = self.lines[section.keyvals[-1].start]
                indent = last[: len(last) - len(last.lstrip(" \t"))]
            self.add_edit(point, point, [indent + entry + eol for entry in entries])
            return
        block = [_header(table), *entries]
        if not same_data(_loads("\n".join(block)), _nested(table, _entries(nets))):
            raise _NeedsFullParse(f"a new [{'.'.join(table)}] reads back differently")
        if info.subtables:
            point = self.comment_block_start(info.subtables[0].header.start)  # type: ignore[union-attr]
        else:
            point = self.new_table_point(table)
        lines = [line + eol for line in block]
        self.add_edit(point, point, lines, pad_before=True, pad_after=True)

    def new_table_point(self, table: KeyPath) -> int:
        if table[0] == "profiles":
            for prefix in (table[:2], table[:1]):
                last = None
                for section in self.layout.sections:
                    if section.header is not None and section.path[: len(prefix)] == prefix:
                        last = section
                if last is not None:
                    return self.after_section(last)
        return len(self.lines) - 1 if not self.lines[-1] else len(self.lines)

    def after_section(self, section: Section) -> int:
        """Past the section and the comment lines that follow it directly (not the next's)."""
        point = section.end + 1
        line = point
        while self.is_comment(line):
            line += 1
        if line < len(self.lines) and self.covered(line):
            return point  # the comments run into the next header: they belong to it
        return line

    def assemble(self) -> str:
        """The text with every edit applied, top to bottom; blank lines kept tidy.

        A removal leaves no blank line at the top of the file, none at its end and never two in
        a row where it joined two pieces; a new table has a blank line on each side.
        """
        blank = "\r" if self.crlf else ""
        lines = self.lines
        body_end = len(lines) - 1 if lines[-1] == "" else len(lines)  # lines[-1]: after the last \n

        # At one place: new entries of a table, then new tables, then what replaces lines.
        def place(edit: _Edit) -> tuple[int, bool, bool, int]:
            return (edit.start, edit.end > edit.start, edit.pad_before, edit.order)

        edits = sorted(self.edits, key=place)
        replaced: list[_Edit] = []
        for edit in (e for e in edits if e.end > e.start):
            if replaced and edit.start < replaced[-1].end:
                if edit.lines or replaced[-1].lines:
                    raise _NeedsFullParse("two changes touch the same lines")
                replaced[-1].end = max(replaced[-1].end, edit.end)  # two removals: one range
                edit.start = edit.end = -1  # dropped below
                continue
            replaced.append(edit)
        edits = [e for e in edits if e.start >= 0]
        for edit in edits:  # an insertion inside a removed range moves to the range's start
            if edit.start == edit.end:
                for other in replaced:
                    if other.start < edit.start < other.end:
                        edit.start = edit.end = other.start
        edits.sort(key=place)

        out: list[str] = []
        pad = junction = False

        def is_blank(line: str) -> bool:
            return not line.strip(" \t\r")

        def emit(chunk: list[str]) -> None:
            nonlocal pad, junction
            if junction and chunk:
                junction = False
                if (not out or is_blank(out[-1])) and is_blank(chunk[0]):
                    chunk = chunk[1:]
            if pad and chunk:
                pad = False
                if not is_blank(chunk[0]):
                    out.append(blank)
            out.extend(chunk)

        position = 0
        for edit in edits:
            emit(lines[position : min(edit.start, body_end)])
            position = max(position, edit.start)
            if edit.pad_before and out and not is_blank(out[-1]):
                out.append(blank)
            emit(edit.lines)
            pad = pad or edit.pad_after
            junction = junction or (edit.end > edit.start and not edit.lines)
            position = max(position, edit.end)
        emit(lines[position:body_end])
        if junction and out and is_blank(out[-1]):
            out.pop()  # a removal at the end leaves no blank line behind
        if body_end < len(lines):
            out.append("")
        return "\n".join(out)


def _entries(nets: list[NetChange]) -> dict[str, object]:
    return {net.id.name: thaw_fields(net.fields) for net in nets}


def _get(data: object, path: KeyPath) -> object:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _item(value: object, array_indent: str | None = None) -> object:
    """A tomlkit item for ``value``, written as tomlrender writes it."""
    text = render_value(thaw_value(value), multiline_array=array_indent)  # type: ignore[arg-type]
    return tomlkit.parse(f"x = {text}\n")["x"]


def _set_field(table: object, key: str, value: object, array_indent: str | None = None) -> None:
    """Set ``key`` of a tomlkit table to ``value``.

    A list of strings that replaces a list of strings (an age provider's ``recipients``) is
    edited in place when the order allows it: the items that stay keep their lines and their
    comments (``"age1…",  # the operations team``), removed ones go, new ones are appended.
    """
    new = thaw_value(value)
    old = table.get(key) if key in table else None  # type: ignore[attr-defined,operator]
    if isinstance(old, Array) and _strings(new) and _strings(old):
        kept = [item for item in old if item in new]
        added = [item for item in new if item not in old]
        if len(set(new)) == len(new) and [*kept, *added] == new:
            for index in reversed(range(len(old))):
                if old[index] not in new:
                    del old[index]
            for item in added:
                old.append(item)
            return
    table[key] = _item(value, array_indent)  # type: ignore[index]


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# --- the whole document through tomlkit ---------------------------------------------------------


def _full_parse_edit(text: str, nets: list[NetChange], newline: str) -> str:
    try:
        old_data = tomllib.loads(text)
        document = tomlkit.parse(text)
    except (tomllib.TOMLDecodeError, tomlkit.exceptions.ParseError) as error:
        raise EditError(nets[0].id, f"the file does not parse: {error}") from None
    new_tables: dict[KeyPath, list[NetChange]] = {}
    for net in nets:
        container = _container(document, net)
        if container is None:  # a table that does not exist yet: written as a block below
            new_tables.setdefault(net.id.table, []).append(net)
        else:
            _full_parse_apply(container, net)
    new_text = document.as_string()
    for table, adds in new_tables.items():
        block = "\n".join([_header(table), *(render_entry(n.id.name, n.fields) for n in adds)])
        new_text = new_text.rstrip("\r\n")
        new_text = f"{new_text}\n\n{block}\n" if new_text else f"{block}\n"
    if newline == "\r\n":
        new_text = _crlf(new_text)
    try:
        new_data = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        new_data = None
    if new_data is None or not same_data(new_data, expected_data(old_data, nets)):
        raise EditError(nets[0].id, "the changes could not be written without altering the file")
    return new_text


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


_CONTAINERS = (Container, Table, InlineTable, OutOfOrderTableProxy)


def _container(document: tomlkit.TOMLDocument, net: NetChange) -> object | None:
    """The table holding ``net``'s entry; None when it must be created (only for an add)."""
    container: object = document
    for depth, part in enumerate(net.id.table):
        if not isinstance(container, _CONTAINERS):
            raise EditError(net.id, f"[{net.id.dotted_table}] is not a table")
        if part not in container:
            if net.op != "add":
                raise EditError(net.id, f"{net.id.name} is no longer in [{net.id.dotted_table}]")
            if isinstance(container, InlineTable):
                for inner in net.id.table[depth:]:  # inside an inline table: nested inline tables
                    container[inner] = tomlkit.inline_table()
                    container = container[inner]
                return container
            return None
        container = container[part]  # type: ignore[index]
    if not isinstance(container, _CONTAINERS):
        raise EditError(net.id, f"[{net.id.dotted_table}] is not a table")
    return container


def _full_parse_apply(container: object, net: NetChange) -> None:
    table = container  # a tomlkit table-like object
    name = net.id.name
    if net.op == "add":
        if name in table:  # type: ignore[operator]
            raise EditError(net.id, f"{name} already exists in [{net.id.dotted_table}]")
        table[name] = _item(net.fields)  # type: ignore[index]
        return
    if name not in table:  # type: ignore[operator]
        raise EditError(net.id, f"{name} is no longer in [{net.id.dotted_table}]")
    if net.op == "delete":
        del table[name]  # type: ignore[attr-defined]
        return
    entry = table[name]  # type: ignore[index]
    if not isinstance(entry, _CONTAINERS):
        raise EditError(net.id, f"{name} is not a table")
    removed = list(net.remove)
    if net.op == "replace":
        removed = [key for key in entry if key not in net.fields]
    for key in removed:
        if key in entry:
            del entry[key]
    for key, value in net.fields.items():
        _set_field(entry, key, value)

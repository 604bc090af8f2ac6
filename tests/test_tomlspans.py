"""tomlspans: the lines each statement of a TOML document occupies."""

from __future__ import annotations

import json
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fnox_tui.core.tomlspans import LayoutError, scan_layout, skeleton_lines, split_key


def spans(text: str) -> list[tuple[str, tuple[str, ...], int, int]]:
    return [(s.kind, s.path, s.start + 1, s.end + 1) for s in scan_layout(text).statements()]


def test_headers_and_keyvals_with_their_lines() -> None:
    text = (
        "# top\n"
        "root = true\n"
        "\n"
        "[secrets]\n"
        'A = { provider = "p", value = "a" } # c\n'
        "  B = { default = 'b' }\n"
        "[secrets.T]\n"
        'value = "t"\n'
        "[[proxy.rules]]\n"
        'x = "y"\n'
    )
    assert spans(text) == [
        ("keyval", ("root",), 2, 2),
        ("table", ("secrets",), 4, 4),
        ("keyval", ("secrets", "A"), 5, 5),
        ("keyval", ("secrets", "B"), 6, 6),
        ("table", ("secrets", "T"), 7, 7),
        ("keyval", ("secrets", "T", "value"), 8, 8),
        ("array", ("proxy", "rules"), 9, 9),
        ("keyval", ("proxy", "rules", "x"), 10, 10),
    ]


def test_multiline_values_span_their_lines() -> None:
    text = (
        "[secrets]\n"
        'CERT = { default = """\n'
        "[secrets.FAKE]\n"
        'FAKE = { default = "no" }\n'
        '""" }\n'
        "KEY = { default = '''\n"
        "NOPE = 1\n"
        "''' }\n"
        "[providers.age]\n"
        "recipients = [\n"
        '  "age1x", # ] }\n'
        '  "[age1y]",\n'
        "]\n"
        'AFTER = "yes"\n'
    )
    assert spans(text) == [
        ("table", ("secrets",), 1, 1),
        ("keyval", ("secrets", "CERT"), 2, 5),
        ("keyval", ("secrets", "KEY"), 6, 8),
        ("table", ("providers", "age"), 9, 9),
        ("keyval", ("providers", "age", "recipients"), 10, 13),
        ("keyval", ("providers", "age", "AFTER"), 14, 14),
    ]


def test_escaped_and_extra_quotes_in_multiline_strings() -> None:
    text = 'a = """one \\""" still inside\nb = 1\nend""""\nc = """x\\\\"""\nd = 2\n'
    assert spans(text) == [
        ("keyval", ("a",), 1, 3),
        ("keyval", ("c",), 4, 4),
        ("keyval", ("d",), 5, 5),
    ]


def test_quoted_and_dotted_keys() -> None:
    text = (
        '[profiles."eu.west".secrets]\n'
        '"my key" = { default = "x" }\n'
        "'lit.key' = { default = \"y\" }\n"
        'DOTTED . default = "d"\n'
        '"\\u00e9\\U0001F511" = { default = "z" }\n'
    )
    assert [s[1] for s in spans(text)] == [
        ("profiles", "eu.west", "secrets"),
        ("profiles", "eu.west", "secrets", "my key"),
        ("profiles", "eu.west", "secrets", "lit.key"),
        ("profiles", "eu.west", "secrets", "DOTTED", "default"),
        ("profiles", "eu.west", "secrets", "é🔑"),
    ]
    assert split_key("a.\"b.c\".'d'") == ("a", "b.c", "d")


def test_crlf_and_no_final_newline() -> None:
    text = '[secrets]\r\nA = { default = "a" }\r\nB = { default = """x\r\ny""" }'
    assert spans(text) == [
        ("table", ("secrets",), 1, 1),
        ("keyval", ("secrets", "A"), 2, 2),
        ("keyval", ("secrets", "B"), 3, 4),
    ]


def test_skeleton_keeps_lines_and_blanks_strings_and_comments() -> None:
    text = 'a = "x # y" # z\nb = \'[\' # ]\nc = """\n]\n"""\n'
    assert skeleton_lines(text) == ['a = " ', "b = ' ", 'c = "', "\x01", "\x01", ""]


def test_a_line_that_continues_nothing_is_refused() -> None:
    with pytest.raises(LayoutError):
        scan_layout("= 1\n")


# --- property: the statements cut the document into pieces that parse to the same data ---------

_TEXT = st.text(
    st.sampled_from("ab Z09._-=[]{}#,'\"\\é日\u2028\x85\t") | st.characters(codec="utf-8"),
    max_size=12,
).filter(lambda t: all(c not in t for c in "\r\x00"))
_KEY = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True) | _TEXT.filter(bool)


def _basic(text: str) -> str:
    escaped = json.dumps(text, ensure_ascii=False)
    for char in map(chr, [*range(0x20), 0x7F]):
        escaped = escaped.replace(char, f"\\u{ord(char):04x}")
    return escaped


def _key(text: str) -> str:
    return (
        text
        if text.replace("_", "").replace("-", "").isalnum() and text.isascii()
        else (_basic(text))
    )


@st.composite
def _value(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["basic", "literal", "ml_basic", "ml_literal", "array", "inline"]))
    text = draw(_TEXT)
    if kind == "basic":
        return _basic(text)
    printable = _comment(text.replace("\n", "")) == text.replace("\n", "")
    if kind == "literal" and "'" not in text and "\n" not in text and printable:
        return f"'{text}'"
    if kind == "ml_basic":
        return '"""\n' + _basic(text)[1:-1].replace("\\n", "\n") + '"""'
    if kind == "ml_literal" and "'''" not in text and not text.endswith("'") and printable:
        return f"'''{text}'''"
    if kind == "array":
        items = draw(st.lists(st.just(_basic(text)), max_size=3))
        return "[\n  " + ",\n  ".join(items) + "  # ] }\n]"
    return "{ a = " + _basic(text) + ", b = [1, 2] }"


@st.composite
def _documents(draw: st.DrawFn) -> str:
    lines = [draw(st.sampled_from(["", "# top", "root = true"]))]
    tables = draw(st.lists(_KEY, max_size=4, unique=True))
    for index, table in enumerate(["", *tables]):
        if table:
            lines.append(f"[{draw(st.sampled_from(['t', 's']))}{index}.{_key(table)}]")
        # Root keys carry a prefix no table header and no "root = true" can share: TOML
        # forbids a key that a later [t1.x] header would have to extend.
        prefix = "" if table else "r_"
        for key in draw(st.lists(_KEY, max_size=4, unique=True)):
            if draw(st.booleans()):
                lines.append(f"# {_comment(draw(_TEXT))}")
            lines.append(f"{_key(prefix + key)} = {draw(_value())}  # {_comment(draw(_TEXT))}")
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return "".join(c if c == "\t" or (c >= " " and c != "\x7f") else "?" for c in text)


def _merge(into: dict, data: dict) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


@settings(max_examples=150, deadline=None)
@given(_documents())
def test_statements_reassemble_the_document(text: str) -> None:
    expected = tomllib.loads(text)
    layout = scan_layout(text)
    lines = layout.lines
    covered: set[int] = set()
    merged: dict = {}
    for section in layout.sections:
        header = lines[section.header.start] + "\n" if section.header else ""
        for statement in section.keyvals:
            covered.update(range(statement.start, statement.end + 1))
            piece = header + "\n".join(lines[statement.start : statement.end + 1]) + "\n"
            _merge(merged, tomllib.loads(piece))
        if section.header:
            covered.add(section.header.start)
            _merge(merged, tomllib.loads(header))
    assert merged == expected
    for index, line in enumerate(lines):
        if index not in covered:
            assert not line.strip() or line.lstrip().startswith("#"), (index, line)

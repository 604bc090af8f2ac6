"""keyscan: the line and column where each key of a TOML document is written."""

from __future__ import annotations

import json
import re
import tomllib

from hypothesis import given, settings
from hypothesis import strategies as st

from fnox_tui.core.keyscan import scan_keys, split_key_path


def lines_of(text: str) -> dict[tuple[str, ...], int]:
    return {path: line for path, (line, _column) in scan_keys(text).positions.items()}


def test_split_key_path_unquotes_each_part() -> None:
    assert split_key_path("secrets.API_KEY") == ("secrets", "API_KEY")
    assert split_key_path('profiles."prod.eu" . secrets') == ("profiles", "prod.eu", "secrets")
    assert split_key_path(r'"tab\there"') == ("tab\there",)
    assert split_key_path("'C:\\path'.x") == ("C:\\path", "x")


def test_inline_secrets_are_recorded_at_their_own_line_and_column() -> None:
    text = (
        "[providers]\n"
        'plain = { type = "plain" }\n'
        "\n"
        "[secrets]\n"
        'API_KEY = { provider = "plain", value = "k" }\n'
        '  INDENTED = { default = "x" }\n'
    )
    keymap = scan_keys(text)
    assert keymap.positions[("providers", "plain")] == (2, 1)
    assert keymap.positions[("secrets", "API_KEY")] == (5, 1)
    assert keymap.positions[("secrets", "INDENTED")] == (6, 3)
    # Keys inside an inline table share the line of the key holding it.
    assert ("secrets", "API_KEY", "provider") not in keymap.positions
    assert keymap.line(("secrets", "API_KEY", "provider")) == 5


def test_table_style_secret_is_recorded_at_its_header() -> None:
    text = '[secrets]\nA = { default = "a" }\n\n[secrets.B]\ndefault = "b"\ndescription = "bee"\n'
    keymap = scan_keys(text)
    assert keymap.positions[("secrets", "B")] == (4, 2)
    assert keymap.positions[("secrets", "B", "description")] == (6, 1)
    assert ("secrets", "B") in keymap.headers
    assert ("secrets", "A") not in keymap.headers


def test_quoted_keys_and_headers() -> None:
    text = (
        "[secrets]\n"
        '"app.token" = { default = "t" }\n'
        "'literal key' = { default = \"l\" }\n"
        '[secrets."dotted.table"]\n'
        'default = "d"\n'
        '[profiles."eu-west".secrets]\n'
        'X = { default = "x" }\n'
    )
    lines = lines_of(text)
    assert lines[("secrets", "app.token")] == 2
    assert lines[("secrets", "literal key")] == 3
    assert lines[("secrets", "dotted.table")] == 4
    assert lines[("profiles", "eu-west")] == 6
    assert lines[("profiles", "eu-west", "secrets", "X")] == 7


def test_dotted_keys_record_every_prefix_at_its_first_line() -> None:
    text = (
        'secrets.TOP = { default = "t" }\n'
        "[secrets]\n"
        'DOTTED.default = "d"\n'
        'DOTTED.description = "dd"\n'
    )
    lines = lines_of(text)
    assert lines[("secrets",)] == 1
    assert lines[("secrets", "TOP")] == 1
    assert lines[("secrets", "DOTTED")] == 3
    assert lines[("secrets", "DOTTED", "description")] == 4


def test_profile_tables_nest_under_their_header() -> None:
    text = (
        "[profiles.prod]\n"
        'default_provider = "kms"\n'
        "[profiles.prod.providers]\n"
        'kms = { type = "aws-kms", key_id = "alias/x", region = "eu-west-1" }\n'
        "[profiles.prod.secrets]\n"
        'DB = { provider = "kms", value = "AQ==" }\n'
    )
    lines = lines_of(text)
    assert lines[("profiles", "prod")] == 1
    assert lines[("profiles", "prod", "default_provider")] == 2
    assert lines[("profiles", "prod", "providers", "kms")] == 4
    assert lines[("profiles", "prod", "secrets", "DB")] == 6


def test_multiline_strings_hide_lookalike_lines() -> None:
    text = (
        "[secrets]\n"
        'CERT = { default = """\n'
        "[secrets.FAKE]\n"
        'FAKE = { default = "no" }\n'
        '""" }\n'
        "KEY = { default = '''\n"
        "NOPE = 1\n"
        "''' }\n"
        'AFTER = { default = "yes" }\n'
    )
    lines = lines_of(text)
    assert ("secrets", "FAKE") not in lines
    assert ("secrets", "NOPE") not in lines
    assert lines[("secrets", "CERT")] == 2
    assert lines[("secrets", "KEY")] == 6
    assert lines[("secrets", "AFTER")] == 9


def test_multiline_string_with_escaped_and_extra_quotes() -> None:
    text = 'a = """one \\""" still inside\nb = 1\nend""""\nc = """x\\\\"""\nd = 2\n'
    assert tomllib.loads(text) == {"a": 'one """ still inside\nb = 1\nend"', "c": "x\\", "d": 2}
    lines = lines_of(text)
    assert ("b",) not in lines
    assert lines[("c",)] == 4
    assert lines[("d",)] == 5


def test_arrays_spanning_lines_and_brackets_in_strings_and_comments() -> None:
    text = (
        "import = [\n"
        '  "a[1].toml",  # a comment with ] and }\n'
        '  "b{2}.toml",\n'
        "]\n"
        "# [secrets.COMMENTED]\n"
        "[secrets]\n"
        'A = { default = "[not a header]", description = "#not a comment" }  # ]]]\n'
        'B = { default = "b" }\n'
    )
    lines = lines_of(text)
    assert lines[("import",)] == 1
    assert ("secrets", "COMMENTED") not in lines
    assert lines[("secrets",)] == 6
    assert lines[("secrets", "A")] == 7
    assert lines[("secrets", "B")] == 8


def test_a_closing_bracket_in_a_comment_does_not_close_an_array() -> None:
    text = (
        "matrix = [\n"
        "  # a note about ] and }\n"
        '  ["looks.like.a.header"],\n'
        "]\n"
        'default_provider = "plain"\n'
    )
    assert tomllib.loads(text)["default_provider"] == "plain"
    lines = lines_of(text)
    assert lines[("default_provider",)] == 5
    assert ("looks.like.a.header",) not in lines


def test_array_of_tables_and_crlf_line_endings() -> None:
    text = '[[proxy.rules]]\r\nsecret = "A"\r\n[secrets]\r\nA = { default = "a" }\r\n'
    keymap = scan_keys(text)
    assert keymap.positions[("proxy", "rules")] == (1, 3)
    assert keymap.line(("secrets", "A")) == 4


def test_unicode_line_separators_inside_strings_do_not_end_lines() -> None:
    text = '[secrets]\nA = { description = "x\u2028y\x85z" }  # \u2029\nB = { default = "b" }\n'
    assert tomllib.loads(text)["secrets"]["A"]["description"] == "x\u2028y\x85z"
    assert lines_of(text)[("secrets", "B")] == 3


def test_line_falls_back_to_the_nearest_recorded_ancestor() -> None:
    keymap = scan_keys('[secrets.A]\ndefault = "a"\n')
    assert keymap.line(("secrets", "A", "sync", "provider")) == 1
    assert keymap.line(("nothing", "here")) == 0
    assert keymap.column(("secrets", "A")) == 2
    assert keymap.column(("nothing",)) == 0


# --- property: every generated secret is found at the line where it was written ---------------

_BARE_KEY = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)
_ANY_KEY = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" .=[]{}#'\""),
    min_size=1,
    max_size=12,
)
_TRICKY = st.text(
    st.sampled_from("ab Z09._-=[]{}#,'\"\\é日\u2028\x85")
    | st.characters(blacklist_categories=("Cs", "Cc")),
    max_size=20,
)
_TRICKY_LINES = st.lists(_TRICKY, max_size=3).map("\n".join)


def _basic(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _literal_key(key: str) -> str | None:
    return f"'{key}'" if "'" not in key else None


def _render_key(key: str, style: int) -> str:
    if re.fullmatch(r"[A-Za-z0-9_-]+", key) and style == 0:
        return key
    if style == 1 and (literal := _literal_key(key)) is not None:
        return literal
    return _basic(key)


@st.composite
def _values(draw: st.DrawFn) -> tuple[str, str]:
    """A TOML value as written, and the string it stands for."""
    kind = draw(st.sampled_from(["basic", "literal", "multi_basic", "multi_literal"]))
    if kind == "basic":
        text = draw(_TRICKY)
        return _basic(text), text
    if kind == "literal":
        text = draw(_TRICKY.filter(lambda t: "'" not in t))
        return f"'{text}'", text
    text = draw(_TRICKY_LINES)
    if kind == "multi_basic":
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\x7f", "\\u007f")
        return f'"""\n{escaped}"""', text
    text = text.replace("'", "")
    return f"'''\n{text}'''", text


_PREAMBLES = [
    "# no preamble",
    'import = [\n  "a.toml", # ]\n  "[b].toml",\n]',
    'matrix = [\n  # a comment with ] and }\n  ["x.y"],\n  [\n    1,\n  ],\n]',
    'root = true\nage_key_file = """\n[secrets.NOT_A_SECRET]\nNOPE = 1\n"""',
]


@st.composite
def _documents(draw: st.DrawFn) -> tuple[str, dict[str, int]]:
    """A document with an [secrets] table and table-style secrets, and where each key starts."""
    keys = draw(st.lists(_BARE_KEY | _ANY_KEY, min_size=1, max_size=8, unique=True))
    out: list[str] = []
    expected: dict[str, int] = {}

    def emit(chunk: str) -> None:
        out.extend(chunk.split("\n"))

    emit(draw(st.sampled_from(_PREAMBLES)))
    split = draw(st.integers(0, len(keys)))
    emit(draw(st.sampled_from(["[secrets]", "[ secrets ]  # the secrets", "[secrets] # ]"])))
    for key in keys[:split]:
        if draw(st.booleans()):
            emit(f"# {draw(_TRICKY)}")
        value, _ = draw(_values())
        indent = draw(st.sampled_from(["", "  ", "\t"]))
        expected[key] = len(out) + 1
        emit(f"{indent}{_render_key(key, draw(st.integers(0, 2)))} = {{ default = {value} }}")
    for key in keys[split:]:
        expected[key] = len(out) + 1
        header = draw(st.sampled_from(["[secrets.{}]", "[ secrets . {} ]", "[secrets.{}]  # }}"]))
        emit(header.format(_render_key(key, draw(st.integers(0, 2)))))
        value, _ = draw(_values())
        emit(f"default = {value}")
        if draw(st.booleans()):
            description, _ = draw(_values())
            emit(f"description = {description}  # {draw(_TRICKY)}")
        if draw(st.booleans()):
            emit("")
    return "\n".join(out) + "\n", expected


@settings(max_examples=300, deadline=None)
@given(_documents())
def test_every_secret_is_recorded_at_the_line_where_it_was_written(
    document: tuple[str, dict[str, int]],
) -> None:
    text, expected = document
    assert list(tomllib.loads(text)["secrets"]) == list(expected)
    lines = lines_of(text)
    found = {key: lines.get(("secrets", key)) for key in expected}
    assert found == expected


@settings(max_examples=200, deadline=None)
@given(_values())
def test_generated_values_mean_what_they_say(value: tuple[str, str]) -> None:
    written, meant = value
    assert tomllib.loads(f"v = {written}\n")["v"] == meant

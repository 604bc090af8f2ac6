"""json_path and line extraction, as fnox's secret_resolver.rs does them."""

from __future__ import annotations

import pytest

from fnox_tui.core.postprocess import (
    apply_post_processing,
    extract_json_path,
    rust_lines,
    split_key_path,
)
from fnox_tui.core.providers.base import ErrorCode, ProviderError


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("foo.bar", ["foo", "bar"]),
        ("foo\\.bar", ["foo.bar"]),
        ("a.b\\.c.d", ["a", "b.c", "d"]),
        ("foo\\\\\\.bar", ["foo\\.bar"]),
        ("trailing\\", ["trailing\\"]),
        ("a..b", ["a", "", "b"]),
    ],
)
def test_split_key_path(path: str, parts: list[str]) -> None:
    assert split_key_path(path) == parts


@pytest.mark.parametrize(
    ("document", "path", "expected"),
    [
        ('{"a": "x"}', "a", "x"),
        ('{"a": {"b": 2}}', "a.b", "2"),
        ('{"a": 1.5}', "a", "1.5"),
        ('{"a": true}', "a", "true"),
        ('{"a": null}', "a", "null"),
        ('{"a": [1, "two"]}', "a", '[1,"two"]'),
        ('{"a": {"z": 1, "b": "é"}}', "a", '{"b":"é","z":1}'),
        ('{"a.b": "dotted"}', "a\\.b", "dotted"),
    ],
)
def test_extract_json_path(document: str, path: str, expected: str) -> None:
    assert extract_json_path(document, path, "S") == expected


@pytest.mark.parametrize("document", ['{"a": [1]}', '{"b": 1}', '"string"'])
def test_json_path_not_found(document: str) -> None:
    with pytest.raises(ProviderError) as caught:
        extract_json_path(document, "a.0", "S")
    assert caught.value.code == ErrorCode.JSON_PATH
    assert caught.value.message == "JSON path 'a.0' was not found in secret S."


@pytest.mark.parametrize("document", ["not json", '{"a": NaN}', ""])
def test_value_that_is_not_json(document: str) -> None:
    with pytest.raises(ProviderError) as caught:
        extract_json_path(document, "a", "S")
    assert caught.value.code == ErrorCode.JSON_PATH
    assert caught.value.message.startswith("The value of secret S is not JSON (")
    if document:
        assert document not in caught.value.message


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("\n", [""]),
        ("a", ["a"]),
        ("a\n", ["a"]),
        ("a\n\n", ["a", ""]),
        ("a\r\nb", ["a", "b"]),
        ("a\r", ["a\r"]),
    ],
)
def test_rust_lines(text: str, lines: list[str]) -> None:
    assert rust_lines(text) == lines


def test_apply_post_processing() -> None:
    assert apply_post_processing("v", {}, "S") == "v"
    assert apply_post_processing("a\nb", {"line": 2}, "S") == "b"
    assert apply_post_processing('{"k": "v"}', {"json_path": "k"}, "S") == "v"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"json_path": "a", "line": 1},
            "Secret S sets both `json_path` and `line`; fnox allows only one.",
        ),
        ({"json_path": ""}, "`json_path` of secret S must be a non-empty string."),
        ({"line": 0}, "`line` of secret S must be a line number from 1."),
        ({"line": True}, "`line` of secret S must be a line number from 1."),
    ],
)
def test_invalid_post_processing_fields(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ProviderError) as caught:
        apply_post_processing('{"a": 1}', fields, "S")
    assert caught.value.code == ErrorCode.CONFIG
    assert caught.value.message == message

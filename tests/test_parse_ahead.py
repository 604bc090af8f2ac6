"""Large files are parsed by a child process while the command imports the UI library.

The cases that fork run in a fresh interpreter (``parse_ahead_probe.py``), as the command
starts: one thread. Each checks that the workspace is the one a plain load gives, whatever the
child did: gave every document, one it could not carry, one for bytes that changed since, none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fnox_tui.core import parse_ahead as ahead_module
from fnox_tui.core.errors import ConfigSyntaxError
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.parse_ahead import MIN_BYTES, nearby_size, parse_ahead
from tests.fresh_python import run_fresh_python

PROBE = Path(__file__).with_name("parse_ahead_probe.py")


def write_large(directory: Path, count: int = 1200) -> Path:
    """A fnox.toml of ``count`` secrets, over MIN_BYTES, with a profile that overrides one."""
    lines = [
        "[providers]",
        'kms = { type = "aws-kms", key_id = "alias/app", region = "eu-west-1" }',
        'plain = { type = "plain" }',
        "",
        "[secrets]",
        'FIRST = { provider = "plain", value = "first" }',
    ]
    lines += [
        f'S{i:05d} = {{ provider = "kms", value = "{"A" * 240}{i:08d}", description = "n{i}" }}'
        for i in range(count)
    ]
    lines += ["", "[profiles.production.secrets]", 'FIRST = { provider = "plain", value = "p" }']
    path = directory / "fnox.toml"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size >= MIN_BYTES
    return path


def probe(case: str, directory: Path) -> dict[str, object]:
    output = run_fresh_python([str(PROBE), case, str(directory)], directory)
    return json.loads(output.splitlines()[-1])


def test_a_large_file_is_parsed_by_the_child_and_loads_as_it_would_alone(tmp_path: Path) -> None:
    write_large(tmp_path)
    result = probe("large", tmp_path)
    assert result["forked"] is True
    assert result["documents"] == 1
    assert result["parsed_here"] == 0  # this process parsed nothing itself
    assert result["same_as_plain_load"] is True
    assert result["child_reaped"] is True


def test_a_small_file_is_parsed_here_without_a_child(tmp_path: Path) -> None:
    (tmp_path / "fnox.toml").write_text('[secrets]\nA = { provider = "p", value = "x" }\n')
    result = probe("small", tmp_path)
    assert result["forked"] is False
    assert result["parsed_here"] == 1
    assert result["same_as_plain_load"] is True


def test_a_document_marshal_cannot_carry_is_parsed_here(tmp_path: Path) -> None:
    write_large(tmp_path)
    # A TOML date is a datetime, which marshal refuses: the other file still comes through.
    (tmp_path / "fnox.local.toml").write_text(
        'updated = 1979-05-27T07:32:00Z\n[secrets]\nLOCAL = { provider = "plain", value = "l" }\n'
    )
    result = probe("date", tmp_path)
    assert result["forked"] is True
    assert result["documents"] == 1
    assert result["parsed_here"] == 1
    assert result["same_as_plain_load"] is True


def test_a_file_changed_after_the_child_read_it_is_parsed_again(tmp_path: Path) -> None:
    write_large(tmp_path)
    result = probe("changed", tmp_path)
    assert result["documents"] == 1
    assert result["parsed_here"] == 1
    assert "RENAMED" in result["secrets"] and "FIRST" not in result["secrets"]
    assert result["same_as_plain_load"] is True


def test_a_child_killed_before_it_answered_leaves_the_load_to_this_process(
    tmp_path: Path,
) -> None:
    write_large(tmp_path)
    result = probe("killed", tmp_path)
    assert result["documents"] == 0
    assert result["parsed_here"] == 1
    assert result["same_as_plain_load"] is True
    assert result["child_reaped"] is True


def test_a_file_that_does_not_parse_is_reported_as_without_a_child(tmp_path: Path) -> None:
    path = write_large(tmp_path)
    path.write_text(path.read_text() + "BROKEN = {\n")
    with pytest.raises(ConfigSyntaxError) as plain:
        WorkspaceSource(cwd=tmp_path).load()
    result = probe("broken", tmp_path)
    assert result["forked"] is True
    assert result["error"] == str(plain.value)


@pytest.mark.parametrize("case", ["silent", "truncated", "garbage"])
def test_a_child_that_answers_wrongly_or_never_gives_nothing(tmp_path: Path, case: str) -> None:
    result = probe(case, tmp_path)
    assert result == {"documents": {}, "child_reaped": True}


def test_a_process_running_threads_does_not_fork(tmp_path: Path) -> None:
    write_large(tmp_path)
    result = probe("threads", tmp_path)
    assert result["forked"] is False
    assert result["parsed_here"] == 1


def test_nearby_size_counts_the_files_the_load_reads_first(tmp_path: Path) -> None:
    (tmp_path / "fnox.toml").write_bytes(b"a" * 100)
    (tmp_path / "fnox.production.toml").write_bytes(b"b" * 30)
    (tmp_path / "fnox.local.toml").write_bytes(b"c" * 7)
    (tmp_path / "other.toml").write_bytes(b"d" * 1000)
    assert nearby_size(WorkspaceSource(cwd=tmp_path)) == 107
    assert nearby_size(WorkspaceSource(cwd=tmp_path, profiles=("production",))) == 137
    assert nearby_size(WorkspaceSource(cwd=tmp_path, config="other.toml")) == 1000
    env = {"FNOX_PROFILE": "production"}
    assert nearby_size(WorkspaceSource(cwd=tmp_path, environ=env)) == 137


def test_no_child_for_small_or_huge_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("forked")

    (tmp_path / "fnox.toml").write_bytes(b"#" * 1000)
    assert parse_ahead(WorkspaceSource(cwd=tmp_path), fork=no_fork) is None
    write_large(tmp_path)
    monkeypatch.setattr(ahead_module, "MAX_BYTES", MIN_BYTES)  # "huge": no second copy
    assert parse_ahead(WorkspaceSource(cwd=tmp_path), fork=no_fork) is None

"""How long ago each value last changed: one git blame per file, fine without git."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fnox_tui.core.rotation.gitage import describe_age, line_ages, parse_line_porcelain

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str, when: str | None = None) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    config = root / "fnox.toml"
    config.write_text('[secrets]\nA = { value = "1" }\nB = { value = "2" }\nC = { value = "3" }\n')
    git(root, "add", "fnox.toml")
    git(root, "commit", "-q", "-m", "first", when="2024-01-01T00:00:00+00:00")
    config.write_text('[secrets]\nA = { value = "1" }\nB = { value = "22" }\nC = { value = "3" }\n')
    git(root, "commit", "-q", "-am", "change B", when="2024-06-01T00:00:00+00:00")
    config.write_text(
        '[secrets]\nA = { value = "1" }\nB = { value = "22" }\nC = { value = "33" }\n'
    )
    return root


def counting_runner() -> tuple[list[list[str]], Any]:
    calls: list[list[str]] = []

    def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        calls.append(command)
        return subprocess.run(command, **kwargs)

    return calls, run


def test_ages_from_one_blame_per_file(repo: Path) -> None:
    calls, runner = counting_runner()
    config = repo / "fnox.toml"
    ages = line_ages({config: [2, 3, 4]}, runner=runner)[config]

    assert len(calls) == 1
    assert calls[0].count("-L") == 1  # lines 2-4 as one range
    assert ages[2].when == datetime(2024, 1, 1, tzinfo=UTC) and ages[2].summary == "first"
    assert ages[3].when == datetime(2024, 6, 1, tzinfo=UTC) and ages[3].summary == "change B"
    assert ages[4].uncommitted and ages[4].when is None
    now = datetime(2025, 1, 15, tzinfo=UTC)
    assert describe_age(ages[2], now) == "1 year ago"
    assert describe_age(ages[3], now) == "7 months ago"
    assert describe_age(ages[4], now) == "uncommitted"


def test_separate_ranges_in_the_same_call(repo: Path) -> None:
    calls, runner = counting_runner()
    config = repo / "fnox.toml"
    ages = line_ages({config: [4, 2, 2]}, runner=runner)[config]
    assert len(calls) == 1 and calls[0].count("-L") == 2
    assert sorted(ages) == [2, 4]


def test_untracked_file_and_no_repository(tmp_path: Path, repo: Path) -> None:
    untracked = repo / "fnox.local.toml"
    untracked.write_text('[secrets]\nX = { value = "1" }\n')
    outside = tmp_path / "plain"
    outside.mkdir()
    loose = outside / "fnox.toml"
    loose.write_text('[secrets]\nY = { value = "1" }\n')
    assert line_ages({untracked: [2], loose: [2]}) == {untracked: {}, loose: {}}
    assert describe_age(None) == "unknown"


def test_git_missing(repo: Path) -> None:
    config = repo / "fnox.toml"
    assert line_ages({config: [2]}, git=str(repo / "no-such-git")) == {config: {}}


def test_parse_ignores_noise() -> None:
    assert parse_line_porcelain(b"garbage\n\tcontent\n") == {}

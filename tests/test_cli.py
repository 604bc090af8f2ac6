"""The command line, run as a user would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fnox_tui import __version__
from fnox_tui.cli import NO_CONFIG_HELP, build_parser, main


def run_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fnox_tui", *args],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_no_config_explains_and_exits_2(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli(cwd=empty, env=isolated_env)
    assert result.returncode == 2
    assert "No fnox.toml found in" in result.stderr
    assert "fnox init" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_explicit_config_exits_2(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    result = run_cli("-c", "nowhere.toml", cwd=tmp_path, env=isolated_env)
    assert result.returncode == 2
    assert "nowhere.toml does not exist" in result.stderr


def test_version_and_help(tmp_path: Path, isolated_env: dict[str, str]) -> None:
    assert run_cli("--version", cwd=tmp_path, env=isolated_env).stdout.strip() == (
        f"fnox-tui {__version__}"
    )
    usage = run_cli("--help", cwd=tmp_path, env=isolated_env).stdout
    for flag in ("-c PATH", "-P PROFILE", "--version", "--demo", "--clipboard-timeout"):
        assert flag in usage


def test_profile_flags_accumulate() -> None:
    args = build_parser().parse_args(["-P", "staging", "-P", "production", "-c", "x.toml"])
    assert args.profile == ["staging", "production"] and args.config == "x.toml"


def test_main_returns_2_without_config(
    tmp_path: Path, monkeypatch, capsys, isolated_env: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for key, value in isolated_env.items():
        monkeypatch.setenv(key, value)
    assert main([]) == 2
    assert NO_CONFIG_HELP.splitlines()[2] in capsys.readouterr().err

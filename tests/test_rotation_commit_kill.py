"""A process killed during the commit: the next start finds every file old or every file new.

The commit runs in a child process (tests/rotation_commit_child.py) that SIGKILLs itself
between writing the temporary files and the renames, or after the first rename.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from fnox_tui.core.rotation.journal import JOURNAL_NAME, Journal, Phase
from fnox_tui.core.rotation.recovery import RecoveryOutcome, recover
from tests.rotation_commit_helpers import snapshot, write_workspace

REPO = Path(__file__).resolve().parent.parent


def run_child(root: Path, mode: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.rotation_commit_child", str(root), mode],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()


def killed(tmp_path: Path, mode: str) -> tuple[Path, dict[str, bytes]]:
    root = write_workspace(tmp_path / "ws")
    old = snapshot(root)
    run_child(root, mode)
    journal = Journal.load(root / JOURNAL_NAME)
    assert journal.phase is Phase.COMMITTING and len(journal.commit) == 2
    return root, old


def config_files(root: Path) -> dict[str, bytes]:
    return {name: data for name, data in snapshot(root).items() if name.startswith("fnox.")}


def assert_new_state(root: Path) -> None:
    files = config_files(root)
    assert 'key_id = "alias/new"' in files["fnox.toml"].decode()
    assert "NEW:fnox.toml:A:value" in files["fnox.toml"].decode()
    assert "NEW:fnox.local.toml:A:value" in files["fnox.local.toml"].decode()
    assert sorted(snapshot(root)) == ["fnox.local.toml", "fnox.toml"]  # nothing left over


@pytest.mark.parametrize("mode", ["before-renames", "mid-renames"])
def test_killed_during_the_commit_recovers_to_the_new_state(tmp_path: Path, mode: str) -> None:
    root, old = killed(tmp_path, mode)
    files = config_files(root)
    renamed = [name for name in files if files[name] != old[name]]
    assert len(renamed) == (0 if mode == "before-renames" else 1)  # a mix on disk, for now
    outcome = recover(root / JOURNAL_NAME)
    assert outcome.outcome is RecoveryOutcome.COMPLETED, outcome.message
    assert_new_state(root)


@pytest.mark.parametrize("mode", ["before-renames", "mid-renames"])
def test_a_damaged_temporary_file_recovers_to_the_old_state(tmp_path: Path, mode: str) -> None:
    root, old = killed(tmp_path, mode)
    journal = Journal.load(root / JOURNAL_NAME)
    pending = [record for record in journal.commit if record.temp.exists()]
    pending[-1].temp.write_text("damaged")
    outcome = recover(root / JOURNAL_NAME)
    assert outcome.outcome is RecoveryOutcome.ROLLED_BACK, outcome.message
    assert snapshot(root) == {name: old[name] for name in ("fnox.local.toml", "fnox.toml")}

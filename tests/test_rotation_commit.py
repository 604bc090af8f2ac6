"""The rotation's commit: one atomic save of the new key_id and every new ciphertext."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import pytest

from fnox_tui.core.atomic_save import FileChangedError, SaveError
from fnox_tui.core.rotation.commit import CommitError, commit, prepare_commit
from fnox_tui.core.rotation.journal import JOURNAL_NAME, Journal, Phase
from fnox_tui.core.rotation.targets import KmsTarget
from tests.rotation_commit_helpers import (
    made_up_output,
    new_ciphertext,
    plan_for,
    snapshot,
    write_workspace,
)

TARGET = KmsTarget("alias/new", "arn:aws:kms:us-east-1:123456789012:key/new")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws")


def start(root: Path) -> tuple[Any, Journal]:
    plan = plan_for(root)
    return plan, Journal.start(plan, TARGET)


def test_commit_writes_key_and_every_value_in_every_file(root: Path) -> None:
    plan, journal = start(root)
    prepared = prepare_commit(made_up_output(plan))
    assert set(prepared.files) == {root / "fnox.toml", root / "fnox.local.toml"}
    assert prepared.values_in(root / "fnox.toml") == 5
    result = commit(prepared, journal)
    assert set(result.written) == set(prepared.files)

    main = (root / "fnox.toml").read_text()
    data = tomllib.loads(main)
    assert data["providers"]["kms"]["key_id"] == "alias/new"
    for row in plan.rows:
        table: Any = tomllib.loads(row.file.read_text())
        for part in row.entry.key_path:
            table = table[part]
        written = (
            table["value"]
            if row.key.slot.value == "value"
            else table[row.key.slot.value.split(".")[0]]["value"]
        )
        assert written == new_ciphertext(row.entry, row.key.slot.value)
    # Everything else as it was: comments, the other fields of sync/identity, other secrets.
    assert (
        data["secrets"]["B"]["sync"]["provider"] == "kms" and data["secrets"]["B"]["value"] == "b"
    )
    assert data["providers"]["age"]["identity"]["provider"] == "kms"
    assert 'UNRELATED = { provider = "plain", value = "stays" }' in main
    for comment in (
        "# the team's key",
        "# old key",
        "# keep this comment",
        "# a table-style entry",
    ):
        assert comment in main
    assert "# shadows A" in (root / "fnox.local.toml").read_text()
    # Nothing left behind: no journal, no temporary file, no backup.
    assert sorted(snapshot(root)) == ["fnox.local.toml", "fnox.toml"]
    assert not (root / JOURNAL_NAME).exists()


def test_a_file_changed_since_the_plan_is_refused_and_nothing_written(root: Path) -> None:
    plan, journal = start(root)
    output = made_up_output(plan)
    local = root / "fnox.local.toml"
    local.write_text(local.read_text() + "# edited by someone\n")
    before = snapshot(root)
    with pytest.raises(FileChangedError) as caught:
        prepare_commit(output)
    assert caught.value.changed == (local,)
    assert "nothing was written" in str(caught.value)
    assert snapshot(root) == before
    assert Journal.load(journal.path).phase is Phase.ROTATING


def test_a_file_changed_after_preparing_is_refused_too(root: Path) -> None:
    plan, journal = start(root)
    prepared = prepare_commit(made_up_output(plan))
    main = root / "fnox.toml"
    main.write_text(main.read_text().replace("# old key", "# edited"))
    before = snapshot(root)
    with pytest.raises(FileChangedError):
        commit(prepared, journal)
    assert snapshot(root) == before
    assert Journal.load(journal.path).phase is Phase.ROTATING


def test_a_deleted_file_is_refused(root: Path) -> None:
    plan, _journal = start(root)
    output = made_up_output(plan)
    (root / "fnox.local.toml").unlink()
    with pytest.raises(FileChangedError) as caught:
        prepare_commit(output)
    assert caught.value.deleted == (root / "fnox.local.toml",)


class FailingOps:
    """``os`` with one call failing (after ``after`` successful ones)."""

    def __init__(self, name: str, after: int = 0, every: bool = False) -> None:
        self.name, self.after, self.every, self.calls = name, after, every, 0

    def __getattr__(self, attribute: str) -> Any:
        real = getattr(os, attribute)
        if attribute != self.name:
            return real

        def call(*args: Any) -> Any:
            self.calls += 1
            if self.calls > self.after and (self.every or self.calls == self.after + 1):
                raise OSError(28, "No space left on device")
            return real(*args)

        return call


def test_a_failure_before_the_renames_leaves_every_file_as_it_was(root: Path) -> None:
    plan, journal = start(root)
    prepared = prepare_commit(made_up_output(plan))
    before = snapshot(root)
    with pytest.raises(SaveError) as caught:
        commit(prepared, journal, ops=FailingOps("fsync", after=1))
    assert caught.value.unchanged and "nothing was changed" in str(caught.value)
    assert snapshot(root) == before
    assert Journal.load(journal.path).phase is Phase.ROTATING


def test_a_failed_rename_is_put_back_and_the_journal_can_commit_again(root: Path) -> None:
    plan, journal = start(root)
    prepared = prepare_commit(made_up_output(plan))
    before = snapshot(root)
    with pytest.raises(SaveError) as caught:
        commit(prepared, journal, ops=FailingOps("replace", after=1))
    assert caught.value.unchanged
    assert snapshot(root) == before  # no temporary file, no backup left either
    reloaded = Journal.load(journal.path)
    assert reloaded.phase is Phase.ROTATING and reloaded.commit == []
    commit(prepare_commit(made_up_output(plan)), journal)
    assert "alias/new" in (root / "fnox.toml").read_text()


def test_renames_that_cannot_be_put_back_are_undone_from_the_backups(root: Path) -> None:
    """Every rename after the first fails, and so does atomic_save's own put-back: the
    backups taken before the renames bring every file back to its old text."""
    plan, journal = start(root)
    prepared = prepare_commit(made_up_output(plan))
    before = {name: data for name, data in snapshot(root).items() if name != JOURNAL_NAME}
    with pytest.raises(CommitError) as caught:
        commit(prepared, journal, ops=FailingOps("replace", after=1, every=True))
    assert "undone" in str(caught.value)
    assert snapshot(root) == before  # the journal went with the recovery

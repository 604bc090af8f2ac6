"""The rotation journal: progress written as it comes, resume, discard, commit recovery."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from fnox_tui.core.loader import load_workspace
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.rotation.execute import Rotation
from fnox_tui.core.rotation.journal import (
    JOURNAL_NAME,
    CommitRecord,
    Journal,
    JournalError,
    Phase,
    discard_journal,
    find_journal,
    workspace_directories,
)
from fnox_tui.core.rotation.recovery import RecoveryOutcome, recover
from fnox_tui.core.rotation.targets import KmsTarget
from tests.fake_clock import FakeClock
from tests.rotation_helpers import (
    PLAINTEXTS,
    encrypt_all,
    encrypter,
    make_plan,
    two_keys,
    write_kms_workspace,
)


@pytest.fixture
def kms(kms_client: Any, tmp_path: Path) -> dict[str, Any]:
    old, new = two_keys(kms_client)
    encrypt = encrypter(kms_client, old)

    root = tmp_path / "ws"
    write_kms_workspace(root, old, encrypt_all(encrypt, PLAINTEXTS))
    return {"client": kms_client, "old": old, "new": new, "root": root}


@pytest.fixture
def registry(aws_env: dict[str, str]) -> ProviderRegistry:
    return ProviderRegistry(environ={})


def count_calls(rotation: Rotation, operation: str) -> list[int]:
    calls: list[int] = []
    rotation.rotator.client().meta.events.register(  # type: ignore[attr-defined]
        f"after-call.kms.{operation}", lambda **_: calls.append(1)
    )
    return calls


def test_journal_records_ciphertexts_never_plaintext(
    kms: dict[str, Any], registry: ProviderRegistry
) -> None:
    plan = make_plan(kms["root"])
    target = KmsTarget(kms["new"], kms["new"])
    journal = Journal.start(plan, target)
    path = kms["root"] / JOURNAL_NAME
    assert journal.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    rotation = Rotation(plan, target, registry.context, journal=journal)
    rotation.run()
    text = path.read_text()
    assert not any(value in text for value in PLAINTEXTS.values())
    data = json.loads(text)
    assert data["phase"] == "rotating"
    assert data["target"] == {"key_id": kms["new"], "arn": kms["new"]}
    assert data["files"] == {str(kms["root"] / "fnox.toml"): plan.files[kms["root"] / "fnox.toml"]}
    output = rotation.output()
    recorded = {(row["name"], row["slot"]): (row["old"], row["new"]) for row in data["rows"]}
    assert recorded == {
        (row.name, "value"): (row.ciphertext, output.values[row.entry][row.key.slot])
        for row in plan.rows
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_writes_are_spaced_but_flushed(kms: dict[str, Any], registry: ProviderRegistry) -> None:
    plan = make_plan(kms["root"])
    clock = FakeClock(0.0)
    journal = Journal.start(plan, KmsTarget(kms["new"], kms["new"]), clock=clock, interval=1.0)
    path = journal.path
    rotation = Rotation(plan, journal.target, registry.context, journal=None, concurrency=1)
    rotation.run()
    rows = list(plan.rows)
    journal.record(rows[0], rotation.results[rows[0].key])  # > interval since start? no: t=0
    assert json.loads(path.read_text())["rows"] == []
    clock.now = 1.5
    journal.record(rows[1], rotation.results[rows[1].key])  # due: writes both
    assert len(json.loads(path.read_text())["rows"]) == 2
    journal.record(rows[2], rotation.results[rows[2].key])  # not due
    assert len(json.loads(path.read_text())["rows"]) == 2
    journal.flush()
    assert len(json.loads(path.read_text())["rows"]) == 3


def test_resume_skips_rows_done_before_the_interruption(
    kms: dict[str, Any], registry: ProviderRegistry
) -> None:
    plan = make_plan(kms["root"])
    target = KmsTarget(kms["new"], kms["new"])
    first = Rotation(
        plan, target, registry.context, journal=Journal.start(plan, target), concurrency=1
    )
    cancel = threading.Event()
    calls = count_calls(first, "ReEncrypt")
    first.rotator.client().meta.events.register(  # type: ignore[attr-defined]
        "after-call.kms.ReEncrypt", lambda **_: len(calls) >= 3 and cancel.set()
    )
    assert first.run(cancel=cancel).done == 2  # then the "terminal is closed"

    # Next start: the journal is found and the rotation continues with a fresh plan.
    workspace = load_workspace(kms["root"], environ={"HOME": str(kms["root"])})
    path = find_journal(workspace_directories(workspace))
    assert path == kms["root"] / JOURNAL_NAME
    journal = Journal.load(path)
    assert journal.phase is Phase.ROTATING and journal.target == target
    again = make_plan(kms["root"])
    second = Rotation(again, journal.target, registry.context, journal=journal)
    assert second.restore(journal.reusable(again)) == 2
    calls = count_calls(second, "ReEncrypt")
    assert second.run().complete
    assert len(calls) == 3
    for entry, slots in second.output().values.items():
        blob = base64.b64decode(slots["value"])  # type: ignore[index]
        plain = kms["client"].decrypt(KeyId=kms["new"], CiphertextBlob=blob)["Plaintext"]
        assert plain.decode() == PLAINTEXTS[entry.name]


def test_resume_redoes_rows_of_a_changed_file(
    kms: dict[str, Any], registry: ProviderRegistry
) -> None:
    plan = make_plan(kms["root"])
    target = KmsTarget(kms["new"], kms["new"])
    journal = Journal.start(plan, target)
    Rotation(plan, target, registry.context, journal=journal).run()
    assert len(Journal.load(journal.path).reusable(plan)) == 5

    config = kms["root"] / "fnox.toml"
    config.write_text(config.read_text() + "# edited since\n")
    assert Journal.load(journal.path).reusable(make_plan(kms["root"])) == {}


def test_start_refuses_an_existing_journal_and_discard_rolls_back(
    kms: dict[str, Any],
) -> None:
    plan = make_plan(kms["root"])
    target = KmsTarget(kms["new"], kms["new"])
    journal = Journal.start(plan, target)
    before = (kms["root"] / "fnox.toml").read_bytes()
    with pytest.raises(JournalError, match="continue it or discard it first"):
        Journal.start(plan, target)
    outcome = recover(journal.path)
    assert outcome.outcome is RecoveryOutcome.RESUMABLE
    assert "the files were not changed" in outcome.message
    journal.discard()
    assert not journal.path.exists()
    assert (kms["root"] / "fnox.toml").read_bytes() == before
    assert find_journal([kms["root"]]) is None


# Commit recovery: the journal's commit phase, written by hand as a crash would leave it. -----


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Commit:
    """Two files, each with its old text, a temp file holding the new text, and a journal."""

    def __init__(self, root: Path, backups: bool = False) -> None:
        self.root = root
        self.targets = [root / "fnox.toml", root / "fnox.local.toml"]
        self.old = [b'old = "a"\n', b'old = "b"\n']
        self.new = [b'new = "A"\n', b'new = "B"\n']
        self.temps = [root / f".{t.name}.fnox-tui.tmp" for t in self.targets]
        self.backups = [root / f".{t.name}.fnox-tui.bak" for t in self.targets]
        records = []
        for index, target in enumerate(self.targets):
            target.write_bytes(self.old[index])
            self.temps[index].write_bytes(self.new[index])
            if backups:
                self.backups[index].hardlink_to(target)
            records.append(
                CommitRecord(
                    target,
                    self.temps[index],
                    sha(self.old[index]),
                    sha(self.new[index]),
                    self.backups[index] if backups else None,
                )
            )
        self.journal_path = root / JOURNAL_NAME
        journal = {
            "format": "fnox-tui-rotation",
            "version": 1,
            "phase": "committing",
            "created": "2024-01-01T00:00:00+00:00",
            "provider": {"path": str(self.targets[0]), "table": ["providers"], "name": "kms"},
            "provider_type": "aws-kms",
            "target": {"key_id": "alias/new", "arn": "arn:aws:kms:us-east-1:1:key/n"},
            "files": {str(t): sha(o) for t, o in zip(self.targets, self.old, strict=True)},
            "rows": [],
            "commit": [
                {
                    "target": str(r.target),
                    "temp": str(r.temp),
                    "old_hash": r.old_hash,
                    "new_hash": r.new_hash,
                    "backup": str(r.backup) if r.backup else None,
                }
                for r in records
            ],
        }
        self.journal_path.write_text(json.dumps(journal))

    def rename(self, index: int) -> None:
        self.temps[index].replace(self.targets[index])

    def contents(self) -> list[bytes]:
        return [target.read_bytes() for target in self.targets]

    def leftovers(self) -> list[Path]:
        return [p for p in [*self.temps, *self.backups] if p.exists()]


def test_recover_completes_renames_before_any(tmp_path: Path) -> None:
    commit = Commit(tmp_path)  # killed after the temp files, before the renames
    result = recover(commit.journal_path)
    assert result.outcome is RecoveryOutcome.COMPLETED
    assert commit.contents() == commit.new
    assert commit.leftovers() == [] and not commit.journal_path.exists()


def test_recover_completes_renames_half_done(tmp_path: Path) -> None:
    commit = Commit(tmp_path, backups=True)
    commit.rename(0)  # killed between the two renames
    result = recover(commit.journal_path)
    assert result.outcome is RecoveryOutcome.COMPLETED
    assert commit.contents() == commit.new
    assert commit.leftovers() == [] and not commit.journal_path.exists()


def test_recover_rolls_back_when_a_temp_file_is_damaged(tmp_path: Path) -> None:
    commit = Commit(tmp_path)
    commit.temps[1].write_bytes(b"new = trunc")  # e.g. a crash before its fsync
    result = recover(commit.journal_path)
    assert result.outcome is RecoveryOutcome.ROLLED_BACK
    assert commit.contents() == commit.old
    assert commit.leftovers() == [] and not commit.journal_path.exists()


def test_recover_restores_backups_rather_than_leave_a_mix(tmp_path: Path) -> None:
    commit = Commit(tmp_path, backups=True)
    commit.rename(0)
    commit.temps[1].unlink()
    result = recover(commit.journal_path)
    assert result.outcome is RecoveryOutcome.ROLLED_BACK
    assert commit.contents() == commit.old
    assert commit.leftovers() == []


def test_recover_touches_nothing_when_neither_state_is_reachable(tmp_path: Path) -> None:
    commit = Commit(tmp_path)  # no backups
    commit.rename(0)
    commit.temps[1].unlink()
    result = recover(commit.journal_path)
    assert result.outcome is RecoveryOutcome.NEEDS_ATTENTION
    assert commit.contents() == [commit.new[0], commit.old[1]]  # as found: nothing touched
    assert commit.journal_path.exists()
    assert f"{commit.targets[0]}: new" in result.message
    assert f"{commit.targets[1]}: old" in result.message


def test_recover_leaves_a_file_edited_since(tmp_path: Path) -> None:
    commit = Commit(tmp_path)
    commit.targets[1].write_bytes(b"edited by hand\n")
    result = recover(commit.journal_path)
    assert result.outcome is RecoveryOutcome.ROLLED_BACK
    assert commit.contents() == [commit.old[0], b"edited by hand\n"]
    assert str(commit.targets[1]) in result.message


def test_unreadable_journal(tmp_path: Path) -> None:
    path = tmp_path / JOURNAL_NAME
    path.write_text("{not json")
    result = recover(path)
    assert result.outcome is RecoveryOutcome.NEEDS_ATTENTION
    assert "is not valid JSON" in result.message
    path.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(JournalError, match="not one fnox-tui"):
        Journal.load(path)


def test_a_commit_in_progress_is_never_replaced(kms: dict[str, Any]) -> None:
    plan = make_plan(kms["root"])
    target = KmsTarget(kms["new"], kms["new"])
    journal = Journal.start(plan, target)
    assert Journal.start(plan, target, replace=True).rows == {}  # a rotating one may be
    journal.mark_committing([])
    with pytest.raises(JournalError, match="recover it first"):
        Journal.start(plan, target, replace=True)
    discard_journal(journal.path)
    assert find_journal([kms["root"]]) is None


def test_mark_committing_is_durable_before_renames(kms: dict[str, Any], tmp_path: Path) -> None:
    plan = make_plan(kms["root"])
    journal = Journal.start(plan, KmsTarget(kms["new"], kms["new"]))
    target = kms["root"] / "fnox.toml"
    temp = kms["root"] / ".fnox.toml.tmp"
    temp.write_bytes(b"root = true\n")
    journal.mark_committing(
        [CommitRecord(target, temp, sha(target.read_bytes()), sha(b"root = true\n"))]
    )
    loaded = Journal.load(journal.path)
    assert loaded.phase is Phase.COMMITTING and loaded.commit == journal.commit
    assert recover(journal.path).outcome is RecoveryOutcome.COMPLETED
    assert target.read_bytes() == b"root = true\n"

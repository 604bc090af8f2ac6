"""Checking a save: entries read back as staged, values decrypt to what was entered; staging
steps dropped after a save or a conflict; which expected value counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.worker import Worker, WorkerState

from fnox_tui.core.changes import AddSecret, ChangeSet, DeleteSecret, UpdateSecret
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.identity import EntryId
from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import Workspace
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.resolver import SecretResolver
from fnox_tui.core.save_verify import (
    MISMATCH,
    ExpectedValue,
    NotWrittenError,
    check_entries,
    decrypt_written,
    verify_values,
)
from fnox_tui.core.staging import Staging
from fnox_tui.ui.saving import latest_expected, plain_values
from tests import waiting
from tests.ui_fixtures import write_files

FILE = """\
[providers]
plain = { type = "plain" }

[secrets]
A = { provider = "plain", value = "a2", description = "kept" }
B = { provider = "plain", value = "b" }

[profiles.prod.secrets]
C = { provider = "plain", value = "c2" }
"""


@pytest.fixture
def workspace(tmp_path: Path, isolated_env: dict[str, str]) -> Workspace:
    write_files(tmp_path, {"fnox.toml": FILE})
    return load_workspace(cwd=tmp_path, environ=isolated_env)


def entry(workspace: Workspace, name: str, profile: str | None = None) -> EntryId:
    return EntryId.secret(workspace.cwd / "fnox.toml", name, profile)


def test_entries_read_back_as_staged(workspace: Workspace) -> None:
    a, b, c = entry(workspace, "A"), entry(workspace, "B"), entry(workspace, "C", "prod")
    gone = entry(workspace, "GONE")
    ok = ChangeSet().stage(UpdateSecret(a, {"value": "a2"})).stage(DeleteSecret(gone))
    ok = ok.stage(AddSecret(c, {"provider": "plain", "value": "c2"}))
    report = check_entries(workspace, ok.net())
    assert report.ok and report.entries == 3
    bad = (
        ChangeSet()
        .stage(UpdateSecret(a, {"value": "other"}))  # not what the file holds
        .stage(UpdateSecret(b, {}, remove=("provider",)))  # still there
        .stage(DeleteSecret(entry(workspace, "A", "prod")))
        .stage(AddSecret(entry(workspace, "MISSING"), {"value": "x"}))
    )
    report = check_entries(workspace, bad.net())
    assert report.entries == 1  # the prod A that does not exist is "gone" as asked
    assert [(f.entry.name, f.reason) for f in report.failures] == [
        ("A", "the file does not hold what was staged"),
        ("B", "the file does not hold what was staged"),
        ("MISSING", "it is not in the file after saving"),
    ]
    assert "1 entry read back as staged" in report.summary()
    assert "3 did NOT check out: A in fnox.toml" in report.summary()


def test_values_decrypt_through_the_provider_that_encrypted_them(
    workspace: Workspace, isolated_env: dict[str, str]
) -> None:
    resolver = SecretResolver(workspace, ProviderRegistry(isolated_env), isolated_env)
    a, c = entry(workspace, "A"), entry(workspace, "C", "prod")
    good = [
        ExpectedValue.of(a, "a2", profile="default", provider="plain"),
        ExpectedValue.of(c, "c2", profile="prod"),  # the provider the entry names
    ]
    report = verify_values(good, lambda item: decrypt_written(workspace, resolver, item))
    assert report.ok and report.verified == (a, c)
    assert report.summary() == "verified 2 values"
    wrong = [ExpectedValue.of(a, "what the user typed", provider="plain")]
    report = verify_values(wrong, lambda item: decrypt_written(workspace, resolver, item))
    assert [f.reason for f in report.failures] == [MISMATCH]
    with pytest.raises(NotWrittenError, match="not in the file"):
        decrypt_written(workspace, resolver, ExpectedValue.of(entry(workspace, "Z"), "z"))
    with pytest.raises(NotWrittenError, match="no provider nope"):
        decrypt_written(workspace, resolver, ExpectedValue.of(a, "a2", provider="nope"))


def test_a_failing_decrypt_is_named_without_its_text_when_it_is_a_bug() -> None:
    a = EntryId.secret(Path("/p/fnox.toml"), "A")

    def refuse(item: ExpectedValue) -> str:
        raise FnoxTuiError("KMS denied Decrypt on key k.\nmore detail")

    def crash(item: ExpectedValue) -> str:
        raise KeyError("sk_live_should_not_show")

    report = verify_values([ExpectedValue.of(a, "x")], refuse)
    assert [f.reason for f in report.failures] == ["KMS denied Decrypt on key k."]
    report = verify_values([ExpectedValue.of(a, "x")], crash)
    assert [f.reason for f in report.failures] == ["could not be checked (KeyError)"]
    assert "sk_live" not in report.summary()


def test_staging_drops_saved_steps_and_conflicting_entries() -> None:
    path = Path("/p/fnox.toml")
    a, b = EntryId.secret(path, "A"), EntryId.secret(path, "B")
    staging = Staging()
    first = staging.stage([UpdateSecret(a, {"value": "1"})], "a", [ExpectedValue.of(a, "1")])
    staging.stage(
        [UpdateSecret(a, {"value": "2"}), UpdateSecret(b, {"value": "2"})],
        "both",
        [ExpectedValue.of(a, "2"), ExpectedValue.of(b, "2")],
    )
    assert first is not None
    assert staging.drop_steps([first]) == 1
    assert [s.description for s in staging.steps] == ["both"]
    assert staging.drop_entries({a}) == 1
    (step,) = staging.steps
    assert [c.id for c in step.changes] == [b] and [e.entry for e in step.expected] == [b]
    assert staging.drop_entries({b}) == 1 and not staging and not staging.changeset


def test_the_last_value_entered_is_the_one_checked() -> None:
    path = Path("/p/fnox.toml")
    a, b, c = (EntryId.secret(path, n) for n in "ABC")
    staging = Staging()
    staging.stage([UpdateSecret(a, {"value": "1"})], "", [ExpectedValue.of(a, "1")])
    staging.stage([UpdateSecret(a, {"value": "2"})], "", [ExpectedValue.of(a, "2")])
    staging.stage([UpdateSecret(b, {"value": "x"})], "", [ExpectedValue.of(b, "x")])
    staging.stage([UpdateSecret(b, {"value": "y"})])  # set again, nothing to compare with
    staging.stage([AddSecret(c, {"value": "c"})], "", [ExpectedValue.of(c, "c")])
    staging.stage([DeleteSecret(c)])  # added then deleted: nothing written
    expected = latest_expected(staging.steps, staging.changeset)
    assert [(item.entry, item.matches("2")) for item in expected] == [(a, True)]


def test_the_review_hides_plain_values_of_the_touched_files(workspace: Workspace) -> None:
    a = entry(workspace, "A")
    changes = ChangeSet().stage(UpdateSecret(a, {"value": "new plain"}))
    assert plain_values(workspace, changes) == {"a2", "b", "c2", "new plain"}


async def test_jobs_that_end_at_once_still_answer(make_app) -> None:  # type: ignore[no-untyped-def]
    """A worker that has ended by the time its PENDING event is handled (the app had other
    messages to handle first) keeps its job for the final event."""
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        controller = app.controller
        handle = controller.worker_state_changed
        held: list[Worker.StateChanged] = []
        controller.worker_state_changed = held.append  # the events wait in a busy queue
        answers: list[int] = []
        worker = controller.run_job(lambda: 7, answers.append)
        await worker.wait()
        await waiting.until(
            pilot, lambda: sum(event.worker is worker for event in held) == 3, "3 events", 30
        )
        controller.worker_state_changed = handle
        states = [event.state for event in held if event.worker is worker]
        assert states == [WorkerState.PENDING, WorkerState.RUNNING, WorkerState.SUCCESS]
        for event in held:
            handle(event)
        assert answers == [7]

"""Re-applying staged changes after a file changed on disk: what conflicts, what is kept."""

from __future__ import annotations

from pathlib import Path

from fnox_tui.core.changes import AddSecret, ChangeSet, DeleteSecret, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.reapply import find_conflicts, reapply
from fnox_tui.core.save import plan_save

MAIN = Path("/p/fnox.toml")
LOCAL = Path("/p/fnox.local.toml")

BEFORE = """\
[secrets]
A = { provider = "kms", value = "AAA" }
B = { provider = "kms", value = "BBB" }
C = { provider = "kms", value = "CCC" }

[profiles.prod.secrets]
D = { provider = "kms", value = "DDD" }
"""


def staged() -> ChangeSet:
    changes = ChangeSet()
    for change in (
        UpdateSecret(EntryId.secret(MAIN, "A"), {"value": "A2"}),
        DeleteSecret(EntryId.secret(MAIN, "B")),
        UpdateSecret(EntryId.secret(MAIN, "D", "prod"), {"value": "D2"}),
        AddSecret(EntryId.secret(MAIN, "NEW"), {"provider": "kms", "value": "N"}),
        AddSecret(EntryId.secret(LOCAL, "L"), {"provider": "kms", "value": "L"}),
    ):
        changes = changes.stage(change)
    return changes


def test_nothing_conflicts_when_other_entries_changed() -> None:
    after = BEFORE.replace('C = { provider = "kms", value = "CCC" }', 'C = { value = "other" }')
    after = "# a comment added on disk\n" + after.replace("A = {", "A  =  {")
    result = reapply(staged(), {MAIN: BEFORE}, {MAIN: after})
    assert result.conflicts == ()
    assert result.kept == staged()
    plan = plan_save(result.kept, {MAIN: after})
    main = next(f for f in plan.files if f.path == MAIN)
    assert main.new_text.startswith("# a comment added on disk\n")
    assert 'C = { value = "other" }' in main.new_text
    assert "B = " not in main.new_text and "A2" in main.new_text


def test_changed_removed_and_added_entries_conflict() -> None:
    after = (
        BEFORE.replace('value = "AAA"', 'value = "AAA-other"')
        .replace('B = { provider = "kms", value = "BBB" }\n', "")
        .replace("[profiles.prod.secrets]", 'NEW = { default = "x" }\n\n[profiles.prod.secrets]')
    )
    conflicts = find_conflicts(staged(), {MAIN: BEFORE}, {MAIN: after})
    reasons = {c.entry.name: c.reason for c in conflicts}
    assert reasons == {
        "A": "the entry was changed on disk",
        "B": "the entry was removed on disk",
        "NEW": "an entry of that name was added on disk",
    }
    result = reapply(staged(), {MAIN: BEFORE}, {MAIN: after})
    assert [c.id.name for c in result.kept] == ["D", "L"]
    assert "A in [secrets] of fnox.toml: the entry was changed on disk" in {
        str(c) for c in result.conflicts
    }


def test_a_deleted_file_conflicts_and_a_new_file_that_appeared_is_merged() -> None:
    local_now = '[secrets]\nOTHER = { default = "1" }\n'
    result = reapply(staged(), {MAIN: BEFORE}, {LOCAL: local_now})
    assert {c.entry.name for c in result.conflicts} == {"A", "B", "D", "NEW"}
    assert {c.reason for c in result.conflicts} == {"the file was deleted or is no longer loaded"}
    assert [c.id.name for c in result.kept] == ["L"]
    plan = plan_save(result.kept, {LOCAL: local_now})
    (local,) = plan.files
    assert local.old_sha256 is not None  # written over the file that appeared, not created
    assert "OTHER" in local.new_text and "L = " in local.new_text


def test_a_file_that_is_no_longer_toml_conflicts() -> None:
    result = reapply(staged(), {MAIN: BEFORE}, {MAIN: "[secrets\n"})
    assert {c.reason for c in result.conflicts} == {"the file is no longer valid TOML"}
    assert [c.id.name for c in result.kept] == ["L"]


def test_a_replaced_entry_conflicts_only_when_it_changed() -> None:
    entry = EntryId.secret(MAIN, "C")
    changes = ChangeSet().stage(DeleteSecret(entry)).stage(AddSecret(entry, {"value": "x"}))
    assert find_conflicts(changes, {MAIN: BEFORE}, {MAIN: BEFORE}) == ()
    after = BEFORE.replace('"CCC"', '"C3"')
    assert [c.reason for c in find_conflicts(changes, {MAIN: BEFORE}, {MAIN: after})] == [
        "the entry was changed on disk"
    ]

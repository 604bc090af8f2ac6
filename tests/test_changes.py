"""Entry identities, staged changes and their folding, the save plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnox_tui.core.changes import (
    AddSecret,
    ChangeSet,
    DeleteSecret,
    StagingError,
    UpdateProvider,
    UpdateSecret,
    net_changes,
)
from fnox_tui.core.identity import EntryId, secrets_table_for_new, table_of
from fnox_tui.core.save import plan_save

MAIN = Path("/p/fnox.toml")
LOCAL = Path("/p/fnox.local.toml")
PROD = Path("/p/fnox.prod.toml")


def test_entry_ids_are_hashable_values() -> None:
    a = EntryId.secret(MAIN, "API", "prod")
    assert a == EntryId(MAIN, ("profiles", "prod", "secrets"), "API")
    assert len({a, EntryId.secret(MAIN, "API", "prod")}) == 1
    assert a != EntryId.secret(LOCAL, "API", "prod")  # a shadowed definition is another entry
    assert a != EntryId.provider(MAIN, "API", "prod")
    with pytest.raises(AttributeError):
        a.name = "B"  # type: ignore[misc]
    assert a.key_path == ("profiles", "prod", "secrets", "API")
    assert (a.kind, a.table_profile, a.scope_profile) == ("secrets", "prod", "prod")
    assert (
        str(EntryId.secret(MAIN, "K", "eu.west")) == '/p/fnox.toml: [profiles."eu.west".secrets] K'
    )


def test_entry_id_scope_of_a_profile_file() -> None:
    entry = EntryId.secret(PROD, "DB")
    assert entry.table == ("secrets",) and entry.table_profile is None
    assert entry.scope_profile == "prod"
    assert EntryId.secret(LOCAL, "DB").scope_profile is None


def test_entry_id_refuses_other_tables() -> None:
    with pytest.raises(ValueError):
        EntryId(MAIN, ("leases",), "x")
    with pytest.raises(ValueError):
        table_of("leases")


def test_table_for_a_new_secret_follows_fnox() -> None:
    assert secrets_table_for_new(MAIN, None) == ("secrets",)
    assert secrets_table_for_new(MAIN, "default") == ("secrets",)
    assert secrets_table_for_new(MAIN, "prod") == ("profiles", "prod", "secrets")
    assert secrets_table_for_new(PROD, "prod") == ("secrets",)
    assert secrets_table_for_new(PROD, "dev") == ("profiles", "dev", "secrets")


def test_changes_are_immutable_and_hide_values_in_repr() -> None:
    fields = {"provider": "kms", "value": "CIPHERTEXT", "tags": ["a"]}
    change = AddSecret(EntryId.secret(MAIN, "A"), fields)
    fields["value"] = "changed afterwards"
    assert change.fields["value"] == "CIPHERTEXT"
    assert change.fields["tags"] == ("a",)
    with pytest.raises(TypeError):
        change.fields["value"] = "x"  # type: ignore[index]
    assert "CIPHERTEXT" not in repr(change)
    assert "provider, value, tags" in repr(change)
    update = UpdateSecret(EntryId.secret(MAIN, "A"), {"value": "SECRET-ISH"})
    assert "SECRET-ISH" not in repr(update)


def test_changes_check_their_kind_and_fields() -> None:
    with pytest.raises(ValueError, match="not a secret"):
        DeleteSecret(EntryId.provider(MAIN, "kms"))
    with pytest.raises(ValueError, match="not a provider"):
        UpdateProvider(EntryId.secret(MAIN, "A"), {"key_id": "k"})
    with pytest.raises(ValueError, match="both set and removed"):
        UpdateSecret(EntryId.secret(MAIN, "A"), {"value": "v"}, ("value",))
    with pytest.raises(ValueError, match="Unicode"):
        UpdateSecret(EntryId.secret(MAIN, "A"), {"value": "\ud800"})
    with pytest.raises(TypeError):
        UpdateSecret(EntryId.secret(MAIN, "A"), {"value": 1.5})


A = EntryId.secret(MAIN, "A")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            [AddSecret(A, {"value": "1"}), UpdateSecret(A, {"value": "2"})],
            ("add", {"value": "2"}, ()),
        ),
        ([AddSecret(A, {"value": "1"}), DeleteSecret(A)], None),
        ([DeleteSecret(A), AddSecret(A, {"default": "d"})], ("replace", {"default": "d"}, ())),
        (
            [
                UpdateSecret(A, {"value": "1", "description": "x"}),
                UpdateSecret(A, {"value": "2"}, ("description",)),
            ],
            ("update", {"value": "2"}, ("description",)),
        ),
        (
            [UpdateSecret(A, {}, ("description",)), UpdateSecret(A, {"description": "back"})],
            ("update", {"description": "back"}, ()),
        ),
        ([UpdateSecret(A, {"value": "1"}), DeleteSecret(A)], ("delete", {}, ())),
        (
            [DeleteSecret(A), AddSecret(A, {"value": "1"}), UpdateSecret(A, {"description": "d"})],
            ("replace", {"value": "1", "description": "d"}, ()),
        ),
    ],
)
def test_changes_fold_into_one_operation_per_entry(changes: list, expected: tuple | None) -> None:
    net = net_changes(changes).get(A)
    if expected is None:
        assert net is None
    else:
        assert net is not None
        assert (net.op, dict(net.fields), net.remove) == expected


@pytest.mark.parametrize(
    "changes",
    [
        [AddSecret(A, {}), AddSecret(A, {})],
        [DeleteSecret(A), DeleteSecret(A)],
        [DeleteSecret(A), UpdateSecret(A, {"value": "v"})],
        [UpdateSecret(A, {"value": "v"}), AddSecret(A, {})],
    ],
)
def test_contradicting_changes_are_refused_when_staged(changes: list) -> None:
    staged = ChangeSet()
    with pytest.raises(StagingError):
        for change in changes:
            staged = staged.stage(change)
    assert len(staged) == len(changes) - 1


def test_change_set_undo_marks_counts_and_files() -> None:
    b_local = EntryId.secret(LOCAL, "B")
    staged = (
        ChangeSet()
        .stage(AddSecret(A, {"value": "1"}))
        .stage(DeleteSecret(b_local))
        .stage(UpdateSecret(EntryId.secret(MAIN, "C", "prod"), {"value": "2"}))
    )
    assert staged.files() == (MAIN, LOCAL)
    assert [c.id.name for c in staged.by_file()[MAIN]] == ["A", "C"]
    assert staged.marks() == {
        A: "new",
        b_local: "deleted",
        EntryId.secret(MAIN, "C", "prod"): "changed",
    }
    assert staged.counts() == {"new": 1, "changed": 1, "deleted": 1}
    undone = staged.undo()
    assert len(undone) == 2 and len(staged) == 3  # the original is untouched
    assert isinstance(undone.last, DeleteSecret)
    assert ChangeSet().undo() == ChangeSet() and not ChangeSet()
    assert staged.without_files([LOCAL]).files() == (MAIN,)


def test_plan_save_edits_loaded_files_and_creates_missing_ones() -> None:
    loaded = {MAIN: '[secrets]\nA = { value = "old" }\n'}
    staged = (
        ChangeSet()
        .stage(UpdateSecret(A, {"value": "new"}))
        .stage(AddSecret(EntryId.secret(LOCAL, "L"), {"value": "l"}))
    )
    plan = plan_save(staged, loaded)
    main, local = plan.files
    assert main.new_text == '[secrets]\nA = { value = "new" }\n' and main.old_sha256
    assert local.old_text == "" and local.old_sha256 is None
    assert local.new_text == '[secrets]\nL = { value = "l" }\n'
    assert "value" not in repr(main)
    assert [w.expected_sha256 for w in plan.writes()] == [main.old_sha256, None]
    review = main.review()
    assert review.added == 1 and review.removed == 1

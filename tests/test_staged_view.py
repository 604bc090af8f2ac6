"""The tree's view of staged changes: marks, and new entries where the loader will show them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnox_tui.core.changes import AddSecret, ChangeSet, DeleteSecret, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import Origin, Workspace
from fnox_tui.core.save import plan_save
from fnox_tui.core.save_verify import ExpectedValue
from fnox_tui.core.staged_view import StagedView
from tests.ui_fixtures import write_files

MAIN = """\
[providers]
kms = { type = "plain" }

[secrets]
A = { provider = "kms", value = "a" }
B = { provider = "kms", value = "b" }

[profiles.prod.secrets]
A = { provider = "kms", value = "prod-a" }
"""


@pytest.fixture
def root(tmp_path: Path, isolated_env: dict[str, str]) -> Path:
    write_files(
        tmp_path, {"fnox.toml": MAIN, "fnox.dev.toml": "[secrets]\nDEV = { default = 'd' }\n"}
    )
    return tmp_path


def load(root: Path, env: dict[str, str]) -> Workspace:
    return load_workspace(cwd=root, environ=env)


def names(view: StagedView, profile: str) -> list[str]:
    return [secret.name for secret in view.secrets(profile)]


def after_save(root: Path, env: dict[str, str], changes: ChangeSet) -> Workspace:
    """What the loader shows once the changes are written (the truth StagedView predicts)."""
    loaded = {p: p.read_text(encoding="utf-8") for p in root.glob("*.toml")}
    plan = plan_save(changes, loaded)
    for file in plan.files:
        file.path.write_text(file.new_text, encoding="utf-8")
    return load(root, env)


def rows(workspace: Workspace, profile: str) -> list[tuple[str, str, Origin]]:
    return [
        (s.name, s.definition.location.path.name, s.origin)
        for s in workspace.profiles[profile].secrets
    ]


def staged_rows(view: StagedView, profile: str) -> list[tuple[str, str, Origin]]:
    return [(s.name, s.definition.location.path.name, s.origin) for s in view.secrets(profile)]


def test_marks_of_changed_and_deleted_rows(root: Path, isolated_env: dict[str, str]) -> None:
    workspace = load(root, isolated_env)
    main = root / "fnox.toml"
    changes = (
        ChangeSet()
        .stage(UpdateSecret(EntryId.secret(main, "A"), {"value": "x"}))
        .stage(DeleteSecret(EntryId.secret(main, "B")))
    )
    view = StagedView(workspace, changes)
    marks = {(s.profile, s.name): view.mark(s) for p in workspace.profiles for s in view.secrets(p)}
    assert marks[("default", "A")] == "changed"
    assert marks[("default", "B")] == "deleted"
    assert marks[("dev", "B")] == "deleted"  # inherited: the same entry
    assert marks[("prod", "A")] is None  # prod's own A is another entry


def test_new_entries_appear_where_the_loader_will_show_them(
    root: Path, isolated_env: dict[str, str]
) -> None:
    workspace = load(root, isolated_env)
    main, dev = root / "fnox.toml", root / "fnox.dev.toml"
    changes = ChangeSet()
    for change in (
        AddSecret(EntryId.secret(main, "TOP"), {"provider": "kms", "value": "t"}),
        AddSecret(EntryId.secret(main, "B", "prod"), {"value": "over"}),
        AddSecret(EntryId.secret(dev, "A"), {"default": "dev-a"}),
        AddSecret(EntryId.secret(root / "fnox.local.toml", "B"), {"default": "local"}),
    ):
        changes = changes.stage(change)
    view = StagedView(workspace, changes)
    expected = after_save(root, isolated_env, changes)
    for profile in expected.profiles:
        assert sorted(staged_rows(view, profile)) == sorted(rows(expected, profile)), profile
    new_top = next(s for s in view.secrets("default") if s.name == "TOP")
    assert view.mark(new_top) == "new"
    assert new_top.provider is not None and new_top.provider.name == "kms"
    assert new_top.definition.value == "t"  # the staged ciphertext, as it will be written


def test_a_new_entry_that_another_file_shadows_is_not_shown(
    root: Path, isolated_env: dict[str, str]
) -> None:
    (root / "fnox.local.toml").write_text("[secrets]\nLOCAL = { default = 'l' }\n")
    workspace = load(root, isolated_env)
    changes = ChangeSet().stage(
        AddSecret(EntryId.secret(root / "fnox.toml", "LOCAL"), {"default": "main"})
    )
    view = StagedView(workspace, changes)
    (local,) = [s for s in view.secrets("default") if s.name == "LOCAL"]
    assert local.definition.location.path.name == "fnox.local.toml"
    assert view.mark(local) is None
    assert names(view, "default") == names(StagedView(workspace, ChangeSet()), "default")


def test_expected_values_hide_the_plaintext() -> None:
    entry = EntryId.secret(Path("/p/fnox.toml"), "A")
    expected = ExpectedValue.of(entry, "hunter2", profile="default", provider="kms")
    assert "hunter2" not in repr(expected) and b"hunter2" not in expected.digest
    assert expected.matches("hunter2") and not expected.matches("hunter3")


def test_a_changed_row_shows_its_staged_fields(root: Path, isolated_env: dict[str, str]) -> None:
    workspace = load(root, isolated_env)
    entry = EntryId.secret(root / "fnox.toml", "A")
    view = StagedView(
        workspace, ChangeSet().stage(UpdateSecret(entry, {"value": "new", "description": "d"}))
    )
    (row,) = [s for s in view.secrets("dev") if s.name == "A"]
    assert (row.definition.value, row.definition.description) == ("new", "d")
    assert row.definition.provider == "kms" and row.provider is not None
    assert row.origin is Origin.INHERITED and row.key == (workspace.profiles["dev"].secret("A")).key
    assert row.definition.location == workspace.profiles["dev"].secret("A").definition.location
    assert view.mark(row) == "changed"

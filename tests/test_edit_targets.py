"""Where an edit goes: names, fnox's write target, inheritors, the edit context, field diffs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fnox_tui.core.changes import AddSecret, ChangeSet, DeleteSecret, UpdateSecret
from fnox_tui.core.edit_changes import (
    StagedForDeletion,
    carried_fields,
    is_staged,
    new_entry_fields,
    staged_fields,
    update_for,
)
from fnox_tui.core.edit_context import edit_context
from fnox_tui.core.edit_targets import (
    Target,
    definition_id,
    inheritors,
    name_problem,
    preferred_provider,
    target_files,
    top_level_definition,
    write_target,
)
from fnox_tui.core.identity import EntryId
from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import Workspace

ENV: dict[str, str] = {}

MAIN = """\
root = true
[providers]
plain = { type = "plain" }
age = { type = "age", recipients = ["age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq"] }
sm = { type = "aws-sm", region = "us-east-1", prefix = "app/" }
vault = { type = "vault", address = "http://127.0.0.1:1" }
azure = { type = "azure-kms", vault_url = "https://v.vault.azure.net", key_name = "k" }

[secrets]
SHARED = { provider = "plain", value = "top", description = "everyone's" }
ONLY_DEFAULT = { default = "d" }
FROM_ENV = { description = "from the environment" }
REMOTE = { provider = "sm", value = "db-password" }
LOCKED = { provider = "azure", value = "Y2lwaGVy" }
VAULTED = { provider = "vault", value = "kv/x" }
PICKED = { provider = "plain", value = '{"a": 1}', json_path = "a" }

[profiles.staging]
default_provider = "age"

[profiles.staging.secrets]
SHARED = { provider = "plain", value = "staging's" }

[profiles.qa.secrets]
QA_ONLY = { provider = "plain", value = "q" }
"""


def workspace_of(root: Path, files: dict[str, str], **kwargs: object) -> Workspace:
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    home = root.parent / "home"
    (home / "cfg").mkdir(parents=True, exist_ok=True)
    environ = {"HOME": str(home), "FNOX_CONFIG_DIR": str(home / "cfg")}
    return load_workspace(root, environ=environ, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "project"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("name", "ok"),
    [("API_KEY", True), ("_x1", True), ("a", True), ("", False), ("1ABC", False),
     ("WITH-DASH", False), ("has space", False), ("ÜBER", False), ("A.B", False)],
)  # fmt: skip
def test_names_are_environment_variable_names(name: str, ok: bool) -> None:
    assert (name_problem(name) is None) is ok
    if not ok:
        assert name_problem(name)


@pytest.mark.parametrize(
    ("present", "profile", "expected"),
    [
        (["fnox.toml"], "default", "fnox.toml"),
        (["fnox.toml", ".fnox.toml"], "default", "fnox.toml"),
        ([".fnox.toml", "fnox.local.toml"], "default", ".fnox.toml"),
        (["fnox.local.toml"], "default", "fnox.local.toml"),
        ([".fnox.local.toml"], "default", ".fnox.local.toml"),
        (["fnox.toml", "fnox.prod.toml"], "prod", "fnox.prod.toml"),
        (["fnox.toml", ".fnox.prod.toml"], "prod", ".fnox.prod.toml"),
        (["fnox.toml", "fnox.prod.toml", ".fnox.prod.toml"], "prod", "fnox.prod.toml"),
        (["fnox.toml", "fnox.prod.toml"], "default", "fnox.toml"),
        (["fnox.local.toml"], "prod", "fnox.toml"),  # never a local file for a profile
        (["fnox.toml", "fnox.dev.toml"], "prod", "fnox.toml"),
    ],
)
def test_write_target_follows_fnox(
    root: Path, present: list[str], profile: str, expected: str
) -> None:
    workspace = workspace_of(root, {name: "root = true\n" for name in present})
    assert write_target(workspace, profile) == root / expected


def test_write_target_with_dash_c_is_that_file(root: Path) -> None:
    workspace = workspace_of(
        root, {"fnox.prod.toml": "", "other.toml": "root = true\n"}, config="other.toml"
    )
    assert write_target(workspace, "prod") == root / "other.toml"


def test_target_files_are_fnox_choice_then_the_profile_files(root: Path) -> None:
    workspace = workspace_of(
        root,
        {
            "fnox.toml": "root = true\n",
            "fnox.local.toml": "",
            "fnox.prod.toml": "",
            "fnox.dev.toml": "",
        },
    )
    assert target_files(workspace, "prod") == [
        root / "fnox.prod.toml", root / "fnox.toml", root / "fnox.local.toml",
    ]  # fmt: skip
    assert target_files(workspace, "default") == [root / "fnox.toml", root / "fnox.local.toml"]
    dev = target_files(workspace, "dev")
    assert dev[0] == root / "fnox.dev.toml" and root / "fnox.prod.toml" not in dev


def test_a_new_file_when_nothing_is_in_the_working_directory(tmp_path: Path) -> None:
    parent = tmp_path / "parent"
    child = parent / "child"
    child.mkdir(parents=True)
    (parent / "fnox.toml").write_text("root = true\n")
    workspace = workspace_of(child, {})
    assert write_target(workspace, "default") == child / "fnox.toml"
    assert target_files(workspace, "default") == [child / "fnox.toml", parent / "fnox.toml"]


def test_targets_name_the_table_fnox_writes(root: Path) -> None:
    assert Target(root / "fnox.toml", "default").entry("A") == EntryId.secret(
        root / "fnox.toml", "A"
    )
    assert Target(root / "fnox.toml", "prod").dotted_table == "profiles.prod.secrets"
    assert Target(root / "fnox.prod.toml", "prod").table == ("secrets",)


def test_inheritors_of_a_top_level_secret(root: Path) -> None:
    workspace = workspace_of(root, {"fnox.toml": MAIN})
    default = workspace.profiles["default"]
    shared = default.secret("SHARED")
    remote = default.secret("REMOTE")
    assert shared is not None and remote is not None
    assert inheritors(workspace, shared.definition) == ["default", "qa"]  # staging overrides
    assert inheritors(workspace, remote.definition) == ["default", "staging", "qa"]
    staging = workspace.profiles["staging"].secret("SHARED")
    assert staging is not None
    assert inheritors(workspace, staging.definition) == ["staging"]
    assert top_level_definition(workspace, staging) is shared.definition
    assert top_level_definition(workspace, shared) is None


def test_preferred_provider(root: Path) -> None:
    workspace = workspace_of(root, {"fnox.toml": MAIN})
    assert preferred_provider(workspace.profiles["staging"]) == "age"  # default_provider
    assert preferred_provider(workspace.profiles["default"], "sm") == "sm"  # same name
    assert preferred_provider(workspace.profiles["default"]) == "plain"  # first that encrypts


def test_edit_modes(root: Path) -> None:
    workspace = workspace_of(root, {"fnox.toml": MAIN})
    default = workspace.profiles["default"]

    def context(name: str, profile: str = "default"):  # type: ignore[no-untyped-def]
        secret = workspace.profiles[profile].secret(name)
        assert secret is not None
        return edit_context(workspace, secret, ChangeSet())

    assert context("SHARED").mode == "encrypt"
    assert context("ONLY_DEFAULT").mode == "default"
    assert context("FROM_ENV").mode == "env"
    remote = context("REMOTE")
    assert remote.mode == "reference" and remote.remote_write
    locked = context("LOCKED")
    assert locked.mode == "readonly" and "azure-kms" in locked.reason
    vaulted = context("VAULTED")
    assert vaulted.mode == "reference" and not vaulted.remote_write
    picked = context("PICKED")
    assert not picked.prefill_allowed and "json_path" in picked.notes[0]
    inherited = context("REMOTE", "qa")
    assert inherited.inherited and inherited.override is not None
    assert inherited.override.entry("REMOTE") == EntryId.secret(root / "fnox.toml", "REMOTE", "qa")
    assert inherited.entry == definition_id(default.secret("REMOTE").definition)  # type: ignore[union-attr]
    assert not context("SHARED", "staging").inherited


def test_edit_context_applies_what_is_staged(root: Path) -> None:
    workspace = workspace_of(root, {"fnox.toml": MAIN})
    secret = workspace.profiles["default"].secret("SHARED")
    assert secret is not None
    entry = definition_id(secret.definition)
    staged = ChangeSet().stage(UpdateSecret(entry, {"value": "new"}, ("description",)))
    context = edit_context(workspace, secret, staged)
    assert context.fields == {"provider": "plain", "value": "new"}
    assert context.value_staged and not context.prefill_allowed
    with pytest.raises(StagedForDeletion):
        edit_context(workspace, secret, staged.stage(DeleteSecret(entry)))


def test_field_diffs() -> None:
    entry = EntryId.secret(Path("/p/fnox.toml"), "A")
    old = {"provider": "kms", "value": "c1", "description": "x"}
    assert update_for(entry, old, dict(old)) is None
    change = update_for(entry, old, {"provider": "kms", "value": "c2"})
    assert change is not None
    assert dict(change.set) == {"value": "c2"} and change.remove == ("description",)
    assert list(new_entry_fields("age", "c", {"description": "d", "value": "ignored"})) == [
        "provider", "value", "description",
    ]  # fmt: skip
    assert new_entry_fields(None, None, {"default": "x", "description": None}) == {"default": "x"}
    assert carried_fields({"provider": "a", "value": "b", "sync": {}, "json_path": "k"}) == {
        "json_path": "k"
    }


def test_staged_fields_of_an_added_entry() -> None:
    entry = EntryId.secret(Path("/p/fnox.toml"), "A")
    staged = ChangeSet().stage(AddSecret(entry, {"provider": "p", "value": "v"}))
    assert staged_fields(staged, entry, {}) == {"provider": "p", "value": "v"}
    assert is_staged(staged, entry, "value") and not is_staged(staged, entry, "description")


LAYOUTS = [
    (["fnox.toml", ".fnox.toml", "fnox.local.toml"], "default"),
    ([".fnox.toml", "fnox.local.toml"], "default"),
    (["fnox.local.toml", ".fnox.local.toml"], "default"),
    ([".fnox.local.toml"], "default"),
    (["fnox.toml", "fnox.prod.toml", ".fnox.prod.toml"], "prod"),
    (["fnox.toml", ".fnox.prod.toml"], "prod"),
    (["fnox.local.toml"], "prod"),
    (["fnox.toml", "fnox.dev.toml"], "prod"),
]


@pytest.mark.fnox
@pytest.mark.parametrize(("present", "profile"), LAYOUTS)
def test_write_target_is_where_the_real_fnox_writes(
    fnox,
    tmp_path: Path,
    present: list[str],
    profile: str,  # type: ignore[no-untyped-def]
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    provider = 'root = true\n[providers]\nplain = { type = "plain" }\n'
    files = {name: (provider if number == 0 else "") for number, name in enumerate(present)}
    workspace = workspace_of(root, files)
    expected = write_target(workspace, profile)
    before = {path.name: path.read_bytes() for path in root.iterdir()}
    fnox.run("-P", profile, "set", "NEW_ONE", "v", "--provider", "plain", cwd=root)
    changed = [path.name for path in root.iterdir() if before.get(path.name) != path.read_bytes()]
    assert changed == [expected.name]

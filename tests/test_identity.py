"""Entry identities, the loaded files kept whole, and shadowed definitions kept reachable."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from fnox_tui.core.entries import SecretKey, provider_entry, secret_entry, table_path
from fnox_tui.core.identity import EntryId
from fnox_tui.core.loaded import FileScope
from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import Workspace
from tests.tree import isolated_environ, write_tree

BASE = """
    # the project's secrets
    [providers]
    plain = { type = "plain" }

    [secrets]
    A = { provider = "plain", value = "a-base" }
    B = { default = "b" }

    [profiles.prod.providers]
    plain = { type = "plain" }

    [profiles.prod.secrets]
    A = { provider = "plain", value = "a-prod" }
    """


def load(root: Path, home: Path, **kwargs: object) -> Workspace:
    return load_workspace(root, environ=isolated_environ(home), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    (path / ".config" / "fnox").mkdir(parents=True)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "project"
    write_tree(path, {"fnox.toml": BASE})
    return path


def keys_of(workspace: Workspace) -> set[SecretKey]:
    return {secret.key for view in workspace.profiles.values() for secret in view.secrets}


def test_entry_ids_are_hashable_immutable_values() -> None:
    one = EntryId(Path("/p/fnox.toml"), ("secrets",), "A")
    same = EntryId(Path("/p/fnox.toml"), ("secrets",), "A")
    assert one == same and hash(one) == hash(same) and len({one, same}) == 1
    assert one != EntryId(Path("/p/fnox.toml"), ("profiles", "prod", "secrets"), "A")
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.name = "B"  # type: ignore[misc]
    key = SecretKey("prod", one)
    assert {key: 1}[SecretKey("prod", same)] == 1 and key.name == "A"


def test_definitions_carry_their_file_table_and_name(root: Path, home: Path) -> None:
    workspace = load(root, home)
    path = root / "fnox.toml"
    prod = workspace.profiles["prod"]
    assert prod.secret("A").definition.id == secret_entry(path, "prod", "A")  # type: ignore[union-attr]
    assert prod.secret("B").definition.id == EntryId(path, ("secrets",), "B")  # type: ignore[union-attr]
    assert prod.providers["plain"].id == provider_entry(path, "prod", "plain")
    assert workspace.profiles["default"].providers["plain"].id == EntryId(
        path, ("providers",), "plain"
    )
    assert table_path("a.b", "secrets") == ("profiles", "a.b", "secrets")


def test_identities_are_stable_across_reloads(root: Path, home: Path) -> None:
    before = load(root, home)
    config = root / "fnox.toml"
    # Lines move (a comment added on top) and another entry changes: identities stay.
    text = config.read_text().replace("a-base", "a-changed")
    config.write_text("# a new comment\n# and another\n" + text)
    after = load(root, home)
    assert keys_of(before) == keys_of(after)
    old_b, new_b = before.profiles["default"].secret("B"), after.profiles["default"].secret("B")
    assert old_b is not None and new_b is not None
    assert old_b.definition.location.line != new_b.definition.location.line
    assert old_b.key == new_b.key
    assert [p.id for p in before.providers] == [p.id for p in after.providers]


def test_a_key_changes_when_another_definition_wins(root: Path, home: Path) -> None:
    before = load(root, home)
    write_tree(root, {"fnox.local.toml": '[secrets]\nB = { default = "local" }\n'})
    after = load(root, home)
    old, new = before.profiles["default"].secret("B"), after.profiles["default"].secret("B")
    assert old is not None and new is not None
    assert old.key != new.key and new.key.entry.path == root / "fnox.local.toml"
    assert after.effective(old.key) is None and after.effective(new.key) is new


def test_every_file_read_is_kept_with_its_text_hash_and_scope(tmp_path: Path, home: Path) -> None:
    parent = tmp_path / "parent"
    write_tree(
        parent,
        {
            "fnox.toml": '[secrets]\nP = { default = "p" }\n',
            "child/fnox.toml": 'import = ["shared/extra.toml"]\n[secrets]\nC = { default = "c" }\n',
            "child/shared/extra.toml": '[secrets]\nX = { default = "x" }\n',
            "child/fnox.prod.toml": '[secrets]\nC = { default = "c-prod" }\n',
        },
    )
    global_config = home / ".config" / "fnox" / "config.toml"
    global_config.write_text('[secrets]\nG = { default = "g" }\r\n', newline="")
    workspace = load(parent / "child", home)
    loaded = workspace.loaded
    child = parent / "child"
    assert set(loaded) == {
        parent / "fnox.toml",
        child / "fnox.toml",
        child / "shared" / "extra.toml",
        child / "fnox.prod.toml",
        global_config,
    }
    for path, file in loaded.items():
        raw = path.read_bytes()
        assert file.path == path
        assert file.text == raw.decode("utf-8")
        assert file.sha256 == hashlib.sha256(raw).hexdigest()
    assert loaded[child / "fnox.toml"].scope is FileScope.DIRECTORY
    assert loaded[child / "fnox.toml"].directory == child
    assert loaded[parent / "fnox.toml"].directory == parent
    extra = loaded[child / "shared" / "extra.toml"]
    assert extra.scope is FileScope.IMPORT and extra.directory == child
    assert extra.origin.imported_by == child / "fnox.toml"
    assert loaded[global_config].scope is FileScope.GLOBAL and loaded[global_config].crlf
    assert loaded[child / "fnox.prod.toml"].profile == "prod"
    assert loaded[child / "fnox.toml"].profile is None


def test_an_explicit_file_is_marked_so(root: Path, home: Path) -> None:
    workspace = load(root, home, config=str(root / "fnox.toml"))
    assert workspace.loaded[root / "fnox.toml"].scope is FileScope.EXPLICIT


def test_shadowed_definitions_stay_reachable(root: Path, home: Path) -> None:
    write_tree(
        root,
        {
            "fnox.local.toml": '[secrets]\nA = { provider = "plain", value = "a-local" }\n',
            "fnox.prod.toml": '[secrets]\nB = { default = "b-prod-file" }\n',
        },
    )
    workspace = load(root, home)
    base, local, prod_file = root / "fnox.toml", root / "fnox.local.toml", root / "fnox.prod.toml"

    default_a = workspace.profiles["default"].secret("A")
    assert default_a is not None and default_a.definition.id.path == local
    assert [d.id for d in default_a.shadowed] == [secret_entry(base, None, "A")]
    assert default_a.shadowed[0].value == "a-base"

    # prod: its own table wins over the top level, which holds two definitions of A.
    chain = workspace.definitions_of("prod", "A")
    assert [d.id for d in chain] == [
        secret_entry(base, None, "A"),
        secret_entry(local, None, "A"),
        secret_entry(base, "prod", "A"),
    ]
    prod_b = workspace.profiles["prod"].secret("B")
    assert prod_b is not None and prod_b.definition.id.path == prod_file
    assert [d.id.path for d in prod_b.shadowed] == [base]
    assert workspace.definitions_of("default", "B") == (
        workspace.profiles["default"].secret("B").definition,  # type: ignore[union-attr]
    )
    assert workspace.definitions_of("prod", "NOPE") == ()

    # Every definition is reachable by its identity, shadowed ones too.
    shadowed_a = workspace.secret_def(secret_entry(base, None, "A"))
    assert shadowed_a is not None and shadowed_a.value == "a-base"
    assert workspace.secret_def(secret_entry(base, "nope", "A")) is None
    everything = {d.id for d in workspace.secret_defs()}
    assert {d.id for d in chain} <= everything
    assert len(everything) == 5  # A, B, prod A in fnox.toml; A local; B in fnox.prod.toml
    assert workspace.provider_def(provider_entry(base, "prod", "plain")) is not None
    assert {p.id for p in workspace.provider_defs()} == {
        provider_entry(base, None, "plain"),
        provider_entry(base, "prod", "plain"),
    }

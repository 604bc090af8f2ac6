"""The classes made plain (not dataclasses) for start-up compare, hash and print as before.

A frozen dataclass compared its fields with an object of the very same class and hashed them;
a plain dataclass compared them and was unhashable; fields declared ``compare=False`` took no
part; ``repr`` was ``Name(field=value, ...)``. The tree remembers open branches by their data,
problems are deduplicated in sets, value states key by EntryId: these must hold.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path

import pytest

from fnox_tui.core.configfile import FileStamp, ScopeTables
from fnox_tui.core.discovery import LoadPlan
from fnox_tui.core.identity import EntryId
from fnox_tui.core.keypositions import LazyKeyMap
from fnox_tui.core.loader import MergedConfig, WorkspaceSource
from fnox_tui.core.model import (
    EffectiveSecret,
    Location,
    Origin,
    Problem,
    ProviderDef,
    SecretDef,
    Severity,
    Workspace,
)
from fnox_tui.core.providers.base import CheckResult
from fnox_tui.core.record import FrozenRecord, Record
from fnox_tui.core.schema import FieldIssue
from fnox_tui.ui.app import AppSettings
from fnox_tui.ui.widgets.secret_tree import (
    ProfileNode,
    ProviderNode,
    ProvidersGroup,
    SecretGroup,
    SecretNode,
)

PATH = Path("/p/fnox.toml")


def test_entry_id_compares_hashes_and_prints_by_path_table_and_name() -> None:
    one = EntryId(PATH, ("secrets",), "A")
    same = EntryId(PATH, ("secrets",), "A")
    assert one == same and hash(one) == hash(same) == hash((PATH, ("secrets",), "A"))
    assert one != EntryId(PATH, ("secrets",), "B")
    assert one != EntryId(Path("/q/fnox.toml"), ("secrets",), "A")
    assert one != (PATH, ("secrets",), "A")  # not a tuple
    assert repr(one) == "EntryId(path=PosixPath('/p/fnox.toml'), table=('secrets',), name='A')"


def test_entry_id_stays_immutable_and_copies() -> None:
    one = EntryId.provider(PATH, "kms", "prod")
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del one.name  # type: ignore[misc]
    assert copy.copy(one) == one and pickle.loads(pickle.dumps(one)) == one
    assert hash(copy.deepcopy(one)) == hash(one)


def test_entry_id_refuses_a_table_that_holds_no_entries() -> None:
    with pytest.raises(ValueError, match="not a secrets or providers table"):
        EntryId(PATH, ("profiles", "prod"), "A")


def test_problems_are_values_a_set_deduplicates() -> None:
    where = Location(PATH, 3, 1)
    problem = Problem(where, "bad")
    assert problem == Problem(Location(PATH, 3, 1), "bad", Severity.ERROR)
    assert problem != Problem(where, "bad", Severity.WARNING)
    assert len({problem, Problem(where, "bad"), Problem(where, "worse")}) == 2
    assert repr(problem) == (
        "Problem(location=Location(path=PosixPath('/p/fnox.toml'), line=3, column=1), "
        "message='bad', severity=<Severity.ERROR: 'error'>)"
    )
    assert str(problem) == "/p/fnox.toml:3:1: bad"


def test_file_stamps_and_field_issues_compare_and_hash_by_their_fields() -> None:
    assert FileStamp(1, 2, 3) == FileStamp(1, 2, 3)
    assert hash(FileStamp(1, 2, 3)) == hash(FileStamp(1, 2, 3)) == hash((1, 2, 3))
    assert FileStamp(1, 2, 3) != FileStamp(1, 2, 4)
    assert repr(FileStamp(1, 2, 3)) == "FileStamp(mtime_ns=1, size=2, inode=3)"
    assert {FieldIssue(("a",), "m"), FieldIssue(("a",), "m")} == {FieldIssue(("a",), "m")}
    assert FieldIssue(("a",), "m") != FieldIssue(("b",), "m")


def test_tree_data_compares_as_the_frozen_dataclasses_did() -> None:
    assert ProvidersGroup() == ProvidersGroup() and hash(ProvidersGroup()) == hash(())
    assert repr(ProvidersGroup()) == "ProvidersGroup()"
    assert ProfileNode("prod") == ProfileNode("prod") != ProfileNode("dev")
    assert {ProfileNode("prod"), ProfileNode("prod")} == {ProfileNode("prod")}
    group = SecretGroup("prod", 0, 5000)
    same = SecretGroup("prod", 0, 5000)
    assert group == same and hash(group) == hash(same)
    assert group != SecretGroup("prod", 5000, 10000)
    # A group is a ProfileNode (its row's details are the profile's) but never equal to one.
    assert isinstance(group, ProfileNode)
    assert group != ProfileNode("prod") and ProfileNode("prod") != group
    assert repr(group) == "SecretGroup(profile='prod', start=0, stop=5000)"
    provider = ProviderDef("kms", "aws-kms", {}, Location(PATH))
    assert ProviderNode(provider) == ProviderNode(provider)
    assert ProvidersGroup() != ProfileNode("prod")


def test_secret_rows_are_equal_only_to_themselves() -> None:
    secret = _secret()
    row = SecretNode(secret)
    assert row == row and row != SecretNode(secret)
    assert len({row, SecretNode(secret)}) == 2  # hashable by identity
    assert repr(row).startswith("SecretNode(secret=EffectiveSecret(profile='default', ")
    assert repr(row).endswith(", highlight=())")


def test_definitions_compare_without_their_key_map_and_are_unhashable() -> None:
    fields = {"provider": "kms", "value": "AQID"}
    definition = SecretDef("A", fields, Location(PATH, 2, 1))
    with_keys = SecretDef("A", dict(fields), Location(PATH, 2, 1), keys=LazyKeyMap("A = 1\n"))
    assert definition == with_keys  # ``keys`` took no part in eq (compare=False)
    assert definition.id == EntryId(PATH, ("secrets",), "A")  # made when first asked for
    assert definition == with_keys  # nor does the id made on the way
    assert definition != SecretDef("A", fields, Location(PATH, 2, 1), profile="prod")
    with pytest.raises(TypeError):
        hash(definition)
    assert repr(definition) == (
        "SecretDef(name='A', fields={'provider': 'kms', 'value': 'AQID'}, "
        "location=Location(path=PosixPath('/p/fnox.toml'), line=2, column=1), "
        "profile=None, profile_file=False)"
    )
    provider = ProviderDef("kms", "aws-kms", {"key_id": "k"}, Location(PATH), "prod")
    assert provider.id == EntryId(PATH, ("profiles", "prod", "providers"), "kms")
    assert provider == ProviderDef("kms", "aws-kms", {"key_id": "k"}, Location(PATH), "prod")
    assert "id=" not in repr(provider)


def test_effective_secrets_compare_without_their_cached_key() -> None:
    secret, other = _secret(), _secret()
    assert secret.key.name == "A"  # made once, kept
    assert secret == other and secret.chain == (secret.definition,)
    with pytest.raises(TypeError):
        hash(secret)
    assert "_key" not in repr(secret)


def test_defaults_that_are_containers_are_fresh_for_each_object() -> None:
    one, two = ScopeTables(), ScopeTables()
    one.secrets["A"] = SecretDef("A", {}, Location(PATH))
    assert two.secrets == {} and one != two
    assert MergedConfig().top is not MergedConfig().top
    assert LoadPlan().problems is not LoadPlan().problems
    assert CheckResult(True, "ok").facts is not CheckResult(True, "ok").facts
    workspace = Workspace(Path("/p"), None, [], {}, [], [])
    assert workspace.problems == [] and workspace.loaded == {}
    assert workspace.problems is not Workspace(Path("/p"), None, [], {}, [], []).problems


def test_settings_and_sources_are_hashable_values_with_keyword_defaults() -> None:
    assert AppSettings(idle_seconds=5) == AppSettings(5.0) != AppSettings()
    assert hash(AppSettings(idle_seconds=5)) == hash(AppSettings(5.0))
    assert AppSettings().clipboard_mode == "auto" and AppSettings().welcome == ""
    source = WorkspaceSource(cwd=Path("/p"), profiles=("prod",))
    assert source == WorkspaceSource(Path("/p"), None, ("prod",), None)
    assert repr(source) == (
        "WorkspaceSource(cwd=PosixPath('/p'), config=None, profiles=('prod',), environ=None)"
    )


def test_a_record_of_one_field_compares_as_a_tuple_of_it() -> None:
    """As a dataclass's ``(self.x,) == (other.x,)``: the same object is equal to itself."""

    class One(FrozenRecord):
        __slots__ = ("value",)
        _fields = ("value",)

        def __init__(self, value: object) -> None:
            self.value = value

    nan = float("nan")
    assert One(nan) == One(nan) and One(1) != One(2) and hash(One(1)) == hash((1,))

    class Open(Record):
        __slots__ = ("value",)
        _fields = ("value",)

        def __init__(self, value: object) -> None:
            self.value = value

    assert Open(1) == Open(1) and Open.__hash__ is None
    assert Open(1) != One(1)


def _secret() -> EffectiveSecret:
    definition = SecretDef("A", {"default": "x"}, Location(PATH, 2, 1))
    return EffectiveSecret("default", definition, Origin.DEFINED, None, None, "")

"""Loading does only what the first frame needs: each profile's secrets are made when first
asked for, a file is scanned for key positions when a position is first asked for, and the
first frame of a workspace without problems asks for neither beyond the active profile."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest

from fnox_tui.core.loader import WorkspaceSource, load_workspace
from fnox_tui.core.model import Location, Origin, Severity
from tests.test_ui_main import SIZE
from tests.ui_fixtures import MakeApp, write_files
from tests.waiting import until

FILE = """\
[providers]
plain = { type = "plain" }

[secrets]
A = { provider = "plain", value = "a" }
B = { value = "b", description = "bee" }

[secrets.C]
provider = "plain"
value = "c"

[profiles.staging.secrets]
B = { value = "staging-b" }
S = { value = "s" }

[profiles.qa.secrets]
Q = { value = "q" }
"""


def test_profiles_are_built_when_first_asked_for_and_agree_with_their_size(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"fnox.toml": FILE})
    workspace = load_workspace(tmp_path, environ={})
    views = workspace.profiles
    assert set(views) == {"default", "staging", "qa"}
    assert not any(view.built for view in views.values())
    assert {name: view.size for name, view in views.items()} == {
        "default": 3,
        "staging": 4,
        "qa": 4,
    }
    staging = views["staging"]
    assert [(s.name, s.origin) for s in staging.secrets] == [
        ("A", Origin.INHERITED),
        ("B", Origin.OVERRIDES),
        ("C", Origin.INHERITED),
        ("S", Origin.DEFINED),
    ]
    assert staging.built and not views["qa"].built
    assert staging.secrets is staging.secrets  # made once
    assert staging.size == len(staging.secrets)
    assert staging.secret("B").definition.fields["value"] == "staging-b"  # type: ignore[union-attr]
    assert views["default"].counts()[Origin.DEFINED] == 3


def test_a_profile_whose_entries_name_a_missing_provider_reports_it_at_load(
    tmp_path: Path,
) -> None:
    write_files(
        tmp_path,
        {
            "fnox.toml": FILE
            + '\n[profiles.qa.providers]\nother = { type = "plain" }\n'
            + '\n[profiles.broken.secrets]\nX = { provider = "nowhere", value = "x" }\n'
        },
    )
    workspace = load_workspace(tmp_path, environ={})
    warnings = [p.message for p in workspace.problems if p.severity is Severity.WARNING]
    assert any("`X` names provider 'nowhere'" in message for message in warnings), warnings
    # The profile with the problem was built to find it; the others still wait.
    assert workspace.profiles["broken"].built
    assert not workspace.profiles["staging"].built
    problem = next(p for p in workspace.problems if "nowhere" in p.message)
    assert problem.location.line == FILE.count("\n") + 6  # the X = ... line


def test_key_positions_are_scanned_when_a_position_is_first_asked_for(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"fnox.toml": FILE})
    source = WorkspaceSource(cwd=tmp_path, environ={})
    workspace = source.load()
    path = tmp_path / "fnox.toml"
    config = workspace.loaded[path]
    keys = workspace.profiles["default"].secrets[0].definition.keys
    assert keys is not None and not keys.scanned
    lines = {s.name: s.definition.location.line for s in workspace.profiles["default"].secrets}
    assert keys.scanned
    assert lines == {"A": 5, "B": 6, "C": 8}
    c = workspace.profiles["default"].secret("C")
    assert c is not None and not c.definition.inline  # written as [secrets.C]
    assert workspace.profiles["default"].secret("A").definition.inline  # type: ignore[union-attr]
    assert config.text.startswith("[providers]")


def test_a_location_found_later_compares_hashes_and_pickles_as_a_plain_one(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"fnox.toml": FILE})
    workspace = load_workspace(tmp_path, environ={})
    found = workspace.profiles["staging"].secret("S").definition.location  # type: ignore[union-attr]
    plain = Location(tmp_path / "fnox.toml", 14, 1)
    assert found == plain and hash(found) == hash(plain)
    assert str(found) == f"{tmp_path / 'fnox.toml'}:14:1"
    copy = pickle.loads(pickle.dumps(found))
    assert copy == plain and copy.line == 14
    assert "LazyKeyMap" not in repr(copy)
    # A definition whose file is not scanned yet pickles too, and finds its line afterwards.
    again = load_workspace(tmp_path, environ={}).profiles["staging"].secret("S")
    assert again is not None
    definition = pickle.loads(pickle.dumps(again.definition))
    assert definition.location == plain and definition.inline  # S = { ... }


async def test_the_first_frame_builds_the_active_profile_only_and_scans_nothing(
    make_app: MakeApp, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(project, {"fnox.toml": FILE})
    # The scanner is imported when a file is first scanned (put back after the test).
    monkeypatch.delitem(sys.modules, "fnox_tui.core.keyscan", raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.main.query("SteadyFooter")), "the first frame")
        workspace = app.controller.workspace
        assert workspace is not None
        assert {name for name, view in workspace.profiles.items() if view.built} == {"default"}
        keys = workspace.profiles["default"].secrets[0].definition.keys
        assert keys is not None and not keys.scanned
        assert "fnox_tui.core.keyscan" not in sys.modules
        # Moving onto a secret shows its line in the details: the file is scanned then.
        await pilot.press("down")
        await until(pilot, lambda: keys.scanned, "the details asked for a line")

"""Snapshots of the forms: edit (inherited, env var, remote), new secret, copy, delete.

Values are typed into masked fields (the SVGs show bullets); the files hold made-up values.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.form_helpers import until
from tests.test_snapshots_values import RECIPIENT
from tests.ui_fixtures import MakeApp

SIZE = (100, 32)

FILES = f"""\
[providers]
plain = {{ type = "plain" }}
age = {{ type = "age", recipients = ["{RECIPIENT}"] }}
sm = {{ type = "aws-sm", region = "eu-west-1", prefix = "app/" }}

[secrets]
API_TOKEN = {{ provider = "plain", value = "made-up", description = "Shared token" }}
DB_PASSWORD = {{ provider = "sm", value = "db-password" }}
HOME_DIR = {{ description = "from the environment" }}

[profiles.staging]
default_provider = "age"

[profiles.staging.secrets]
STAGING_ONLY = {{ provider = "plain", value = "made-up too" }}
"""


@pytest.fixture
def forms_app(make_app: MakeApp, project: Path) -> Callable[[], Any]:
    (project / "fnox.toml").write_text(FILES)
    return make_app


def on(profile: str, name: str, *keys: str, typed: str = "") -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await pilot.pause()
        app.main.tree.jump_to_secret(profile, name)
        await pilot.pause()
        for key in keys:
            before = app.screen
            await pilot.press(key)
            if key in ("e", "s", "d", "m", "enter"):
                await until(pilot, lambda b=before: app.screen is not b)
        if typed:
            await pilot.press(*typed)
        await pilot.pause()

    return run_before


def test_edit_an_inherited_secret(snap_compare, forms_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        forms_app(), terminal_size=SIZE, run_before=on("staging", "API_TOKEN", "e", typed="x1")
    )


def test_edit_an_env_var_secret(snap_compare, forms_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(forms_app(), terminal_size=SIZE, run_before=on("default", "HOME_DIR", "e"))


def test_edit_a_remote_reference(snap_compare, forms_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        forms_app(), terminal_size=SIZE, run_before=on("default", "DB_PASSWORD", "e")
    )


def test_new_secret(snap_compare, forms_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        forms_app(),
        terminal_size=SIZE,
        run_before=on("staging", "STAGING_ONLY", "s", typed="API_TOKEN"),
    )


def test_copy_to_a_profile(snap_compare, forms_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        forms_app(), terminal_size=SIZE, run_before=on("default", "API_TOKEN", "m", "enter")
    )


def test_delete_confirmation(snap_compare, forms_app) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(forms_app(), terminal_size=SIZE, run_before=on("default", "API_TOKEN", "d"))


@pytest.mark.parametrize(
    ("profile", "name", "keys"),
    [("staging", "API_TOKEN", ("e",)), ("staging", "STAGING_ONLY", ("s",))],
    ids=["edit-inherited", "new-secret"],
)
def test_forms_at_80x24(
    snap_compare, forms_app, profile: str, name: str, keys: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(forms_app(), terminal_size=(80, 24), run_before=on(profile, name, *keys))

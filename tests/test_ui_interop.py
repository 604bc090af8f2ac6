"""The app, driven by Pilot, reveals exactly what the real `fnox get` prints.

Values are written by `fnox set` (KMS on a moto_server over HTTP, and age); fnox-tui reveals them
all with `V` and must show each plaintext byte for byte. A tampered ciphertext reads as corrupt.
"""

from __future__ import annotations

import re

import pytest

from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.ui.app import FnoxTuiApp
from tests.interop_project import VALUES, Project
from tests.test_ui_main import SIZE, details_text
from tests.ui_fixtures import revealed

pytestmark = [pytest.mark.fnox, pytest.mark.moto_server]


def app_for(fnox_project: Project) -> FnoxTuiApp:
    source = WorkspaceSource(cwd=fnox_project.root, environ=fnox_project.fnox_env())
    return FnoxTuiApp(source, workspace=source.load())


@pytest.mark.parametrize("provider", ["kms", "age"])
async def test_values_fnox_set_are_revealed_as_fnox_gets_them(
    fnox_project: Project,
    provider: str,
) -> None:
    for name, value in VALUES.items():
        fnox_project.set(name, value, provider)
    expected = {}
    for name in VALUES:
        printed = fnox_project.get(name)
        assert printed.returncode == 0, printed.stderr
        expected[name] = printed.stdout.removesuffix("\n")
    app = app_for(fnox_project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("V")
        await app.workers.wait_for_complete()
        await pilot.pause()
        values = {name: revealed(app, "default", name) for name in VALUES}
        assert values == expected
        assert app.values.failures == {}
        if provider == "kms":
            assert app.controller.has_registry
            assert app.controller.registry.stats.kms_requests >= len(VALUES)
            assert "KMS requests" in app.main.status_bar.counters


@pytest.mark.parametrize("provider", ["kms", "age"])
async def test_a_tampered_value_shows_the_corrupt_value_message(
    fnox_project: Project,
    provider: str,
) -> None:
    fnox_project.set("TOKEN", "a value to tamper with", provider)
    text = fnox_project.config.read_text()
    stored = fnox_project.stored("TOKEN")
    middle = len(stored) // 2
    flipped = "A" if stored[middle] != "A" else "B"
    fnox_project.config.write_text(
        text.replace(stored, stored[:middle] + flipped + stored[middle + 1 :])
    )
    assert fnox_project.get("TOKEN").returncode != 0  # fnox refuses it too
    app = app_for(fnox_project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert revealed(app, "default", "TOKEN") is None
        text = details_text(app)
        assert re.search(r"corrupt|not .*ciphertext|could not be decrypted", text, re.I), text
        assert "a value to tamper with" not in text
        assert "Traceback" not in text

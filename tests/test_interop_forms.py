"""Changes staged through the forms, reviewed and saved in the app, then read by the real fnox.

KMS runs on moto_server; age uses the project's key file. Every kind of change goes through
its form: an edit (KMS), a new secret in fnox.local.toml (age), a deletion, a copy from the
default profile's KMS to staging's age (re-encrypted), and an override of an inherited secret.
The app checks after the save that every value entered decrypts back to what was typed.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Select

from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.screens.confirm import ConfirmScreen
from fnox_tui.ui.screens.copy_secret import CopySecretForm
from fnox_tui.ui.screens.edit_secret import EditSecretForm
from fnox_tui.ui.screens.new_secret import NewSecretForm
from fnox_tui.ui.screens.profile_picker import ProfilePicker
from fnox_tui.ui.widgets.value_field import ValueField
from tests.form_helpers import SIZE, open_on, staged, until
from tests.interop_project import Project
from tests.save_helpers import confirm, notes, open_review

pytestmark = [pytest.mark.fnox, pytest.mark.moto_server]


async def submitted(app: FnoxTuiApp, pilot, count: int) -> None:  # type: ignore[no-untyped-def]
    await pilot.click("#form-submit")
    await until(pilot, lambda: len(staged(app)) == count)
    await until(pilot, lambda: app.screen is app.main)


async def test_forms_then_save_then_fnox_reads_them(fnox_project: Project) -> None:
    project = fnox_project
    project.set("ALPHA", "alpha one", "kms")
    project.set("BRAVO", "bravo one", "age")
    project.set("CHARLIE", "charlie one", "kms")
    project.set("ECHO", "echo one", "age")
    project.append('\n[profiles.staging]\ndefault_provider = "age"')
    local = project.root / "fnox.local.toml"
    local.write_text("# machine-only secrets\n", encoding="utf-8")
    before_lines = project.config.read_text(encoding="utf-8").splitlines()

    source = WorkspaceSource(cwd=project.root, environ=project.fnox_env())
    app = FnoxTuiApp(source, workspace=source.load())
    async with app.run_test(size=SIZE) as pilot:
        # e: a new KMS value for ALPHA, typed.
        await open_on(app, pilot, "default", "ALPHA", "e", EditSecretForm)
        await pilot.press(*"alpha two")
        app.post_message(events.Paste(" ✓"))  # pasted, as a terminal sends it
        await until(pilot, lambda: app.screen.query_one(ValueField).value == "alpha two ✓")
        await submitted(app, pilot, 1)

        # s: DELTA in fnox.local.toml, encrypted with age.
        form = await open_on(app, pilot, "default", "ALPHA", "s", NewSecretForm)
        form.query_one("#new-name", Input).value = "DELTA"
        form.query_one("#new-provider", Select).value = "age"
        form.query_one("#new-file", Select).value = str(local)
        form.query_one(ValueField).line.value = "delta\nwith a second line"
        await submitted(app, pilot, 2)

        # d: BRAVO goes.
        await open_on(app, pilot, "default", "BRAVO", "d", ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: len(staged(app)) == 3)

        # m: CHARLIE (KMS) to staging, where age is the default provider.
        await open_on(app, pilot, "default", "CHARLIE", "m", ProfilePicker)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CopySecretForm))
        assert app.screen.query_one("#copy-provider", Select).value == "age"
        await submitted(app, pilot, 4)

        # e on an inherited secret: an override of ECHO in staging only.
        form = await open_on(app, pilot, "staging", "ECHO", "e", EditSecretForm)
        await pilot.click("#where-override")
        await until(pilot, lambda: form.to_override)
        form.query_one(ValueField).line.value = "echo for staging"
        await submitted(app, pilot, 5)

        # ctrl+s, enter: written, loaded again, and each value typed or copied is decrypted
        # from the files (KMS on moto_server, age) and compared with what was entered.
        await open_review(app, pilot)
        await confirm(app, pilot)
        report = app.saves.last.report
        assert report is not None and report.ok, report
        assert sorted(entry.name for entry in report.verified) == [
            "ALPHA", "CHARLIE", "DELTA", "ECHO",
        ]  # fmt: skip
        assert "verified 4 values, 5 entries read back as staged" in notes(app)
        assert not app.controller.staging

    after_lines = project.config.read_text(encoding="utf-8").splitlines()
    diff = list(difflib.unified_diff(before_lines, after_lines, n=0, lineterm=""))[2:]
    removed = [line[1:] for line in diff if line.startswith("-")]
    added = [line[1:] for line in diff if line.startswith("+")]
    assert [line.split("=")[0] for line in removed] == ["ALPHA", "BRAVO"]  # nothing else went
    assert [line.split(" ")[0] for line in added if line] == [
        "ALPHA=", "[profiles.staging.secrets]", "CHARLIE", "ECHO",
    ]  # fmt: skip

    def get(name: str, profile: str = "default") -> str:
        result = project.fnox.run(
            "-P", profile, "get", name, cwd=project.root, env=project.env, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert get("ALPHA") == "alpha two ✓\n"
    assert get("DELTA") == "delta\nwith a second line\n"
    assert project.get("BRAVO").returncode != 0
    assert get("CHARLIE", "staging") == "charlie one\n"
    assert get("CHARLIE") == "charlie one\n"
    assert get("ECHO", "staging") == "echo for staging\n"
    assert get("ECHO") == "echo one\n"
    listed = project.fnox.run("list", "--complete", cwd=project.root, env=project.env)
    assert sorted(listed.stdout.split()) == ["ALPHA", "CHARLIE", "DELTA", "ECHO"]
    staging_text = project.config.read_text(encoding="utf-8")
    assert 'CHARLIE = { provider = "age", value = "' in staging_text
    assert "[profiles.staging.secrets]" in staging_text
    assert local.read_text(encoding="utf-8").startswith("# machine-only secrets\n")
    assert Path(local).read_text(encoding="utf-8").count("DELTA = {") == 1

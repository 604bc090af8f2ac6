"""The forms stage what the save checks: after saving, each value entered through `e`, `s` or `m`
is decrypted from the file and compared with what was typed (a digest, never the plaintext)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyrage import x25519

from fnox_tui.core.providers.age import AgeProvider
from fnox_tui.core.save_verify import MISMATCH
from fnox_tui.ui.screens.copy_secret import CopySecretForm
from fnox_tui.ui.screens.edit_secret import EditSecretForm
from fnox_tui.ui.screens.form import FormScreen
from fnox_tui.ui.screens.new_secret import NewSecretForm
from fnox_tui.ui.screens.profile_picker import ProfilePicker
from fnox_tui.ui.widgets.value_field import ValueField
from tests.form_helpers import SIZE, open_on, until
from tests.save_helpers import confirm, notes, open_review
from tests.ui_fixtures import MakeApp

AGE_FILE = """\
[providers]
plain = {{ type = "plain" }}
age = {{ type = "age", recipients = ["{recipient}"] }}

[secrets]
SHARED = {{ provider = "plain", value = "from-plain" }}

[profiles.prod]
default_provider = "age"
"""


@pytest.fixture
def identity() -> x25519.Identity:
    return x25519.Identity.generate()


@pytest.fixture
def age_project(project: Path, identity: x25519.Identity) -> Path:
    (project / "fnox.toml").write_text(AGE_FILE.format(recipient=identity.to_public()))
    return project


def expected_of(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The entries whose value the save will check (one per step), as names."""
    return [item.entry.name for step in app.controller.staging.steps for item in step.expected]


async def submit_value(app, pilot, form: FormScreen, value: str) -> None:  # type: ignore[no-untyped-def]
    form.query_one(ValueField).line.value = value
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, FormScreen))


async def save(app, pilot) -> str:  # type: ignore[no-untyped-def]
    await open_review(app, pilot)
    await confirm(app, pilot)
    return notes(app)


async def test_an_edited_value_is_verified_after_the_save(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        await submit_value(app, pilot, form, "postgres://edited")
        assert expected_of(app) == ["DATABASE_URL"]
        (item,) = app.controller.staging.steps[0].expected
        assert "postgres" not in repr(item) and item.profile == "staging"
        said = await save(app, pilot)
        report = app.saves.last.report
        assert report is not None and report.ok
        assert [entry.name for entry in report.verified] == ["DATABASE_URL"]
        assert "verified 1 value, 1 entry read back as staged" in said
        assert "postgres://edited" not in said


async def test_a_new_age_secret_is_decrypted_and_verified_after_the_save(
    make_app: MakeApp, age_project: Path, identity: x25519.Identity
) -> None:
    app = make_app(environ={"FNOX_AGE_KEY": str(identity)})
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "prod", "SHARED", "s", NewSecretForm)
        await pilot.press(*"PROD_NEW")
        await submit_value(app, pilot, form, "prod value ✓")
        assert expected_of(app) == ["PROD_NEW"]
        said = await save(app, pilot)
        assert "verified 1 value" in said and "did NOT" not in said
        assert "PROD_NEW" in (age_project / "fnox.toml").read_text()


async def test_a_copy_is_verified_against_the_value_it_was_copied_from(
    make_app: MakeApp, age_project: Path, identity: x25519.Identity
) -> None:
    app = make_app(environ={"FNOX_AGE_KEY": str(identity)})
    async with app.run_test(size=SIZE) as pilot:
        await open_on(app, pilot, "default", "SHARED", "m", ProfilePicker)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CopySecretForm))
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(app.controller.staging))
        assert expected_of(app) == ["SHARED"]
        (item,) = app.controller.staging.steps[0].expected
        assert (item.profile, item.provider) == ("prod", "age")
        said = await save(app, pilot)
        assert "verified 1 value" in said and "did NOT" not in said


async def test_a_value_encrypted_differently_under_the_same_key_is_reported(
    make_app: MakeApp,
    age_project: Path,
    identity: x25519.Identity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The file ends up holding another ciphertext for the same recipient (as if the provider
    had been handed another value): the save says so, naming the secret, never a value."""
    encrypt = AgeProvider.encrypt
    monkeypatch.setattr(AgeProvider, "encrypt", lambda self, text: encrypt(self, text + "!"))
    app = make_app(environ={"FNOX_AGE_KEY": str(identity)})
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "prod", "SHARED", "s", NewSecretForm)
        await pilot.press(*"PROD_NEW")
        await submit_value(app, pilot, form, "typed value")
        said = await save(app, pilot)
        report = app.saves.last.report
        assert report is not None and not report.ok
        assert [failure.entry.name for failure in report.failures] == ["PROD_NEW"]
        assert "Verification failed" in said and MISMATCH in said
        assert "typed value" not in said


async def test_enter_copies_at_once_and_shift_tab_reaches_the_lists(
    make_app: MakeApp, age_project: Path, identity: x25519.Identity
) -> None:
    """The copy form has nothing to type: enter copies (it does not open the provider list),
    and shift+tab goes back to the file and provider lists."""
    app = make_app(environ={"FNOX_AGE_KEY": str(identity)})
    async with app.run_test(size=SIZE) as pilot:
        await open_on(app, pilot, "default", "SHARED", "m", ProfilePicker)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CopySecretForm))
        form = app.screen
        await pilot.pause()
        assert form.focused is form.query_one("#form-submit")
        await pilot.press("shift+tab")
        assert form.focused is form.query_one("#copy-file")
        await pilot.press("shift+tab")
        assert form.focused is form.query_one("#copy-provider")
        await pilot.press("tab", "tab")
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.controller.staging))
        assert expected_of(app) == ["SHARED"]

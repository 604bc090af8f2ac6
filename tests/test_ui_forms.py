"""Pilot tests of the forms (e, s, d, m) with the keyboard and the mouse: what they stage."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyrage import decrypt, x25519
from textual import events
from textual.widgets import Button, Input, RadioButton, Select

from fnox_tui.core.changes import AddSecret, DeleteSecret, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.providers.base import ProviderError
from fnox_tui.ui import app_services
from fnox_tui.ui.screens.confirm import ConfirmScreen
from fnox_tui.ui.screens.copy_secret import CopySecretForm
from fnox_tui.ui.screens.edit_secret import EditSecretForm
from fnox_tui.ui.screens.form import FormScreen
from fnox_tui.ui.screens.new_secret import NewSecretForm
from fnox_tui.ui.screens.profile_picker import ProfilePicker
from fnox_tui.ui.widgets.value_field import ValueField
from tests.form_helpers import (
    SIZE,
    GatedEncryption,
    notifications,
    on_secret,
    open_on,
    revealed,
    screen_statics,
    staged,
    until,
)
from tests.ui_fixtures import MakeApp, write_files
from tests.waiting import settle


def value_field(screen: FormScreen) -> ValueField:
    return screen.query_one(ValueField)


async def test_edit_a_value_with_the_keyboard(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        text = screen_statics(form)
        assert "fnox.toml:16 [profiles.staging.secrets]" in text
        assert "plain text by provider plain (plain)" in text
        field = value_field(form)
        line, area = field.line, field.area
        assert line.password and field.value == ""
        await pilot.press(*"postgres://new", "enter")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        change = UpdateSecret(
            EntryId.secret(project / "fnox.toml", "DATABASE_URL", "staging"),
            {"value": "postgres://new"},
        )
        assert repr(staged(app)) == repr([change])
        assert dict(staged(app)[0].set) == {"value": "postgres://new"}  # type: ignore[union-attr]
        assert line.value == "" and area.text == ""  # the form forgot it
        assert "DATABASE_URL" in notifications(app)
        assert "postgres://new" not in notifications(app)


async def test_edit_the_description_with_the_mouse(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "default", "DATABASE_URL", "e", EditSecretForm)
        description = form.query_one("#edit-description", Input)
        assert description.value == "Primary [red]database[/]"  # as written, never markup
        assert "A top-level secret" not in screen_statics(form)  # the others override it
        await pilot.click("#form-cancel")
        await until(pilot, lambda: app.screen is app.main)
        form = await open_on(app, pilot, "default", "API_TOKEN", "e", EditSecretForm)
        assert (
            "A top-level secret: the edit changes it for every profile that inherits it too: "
            "staging, production." in screen_statics(form)
        )
        description = form.query_one("#edit-description", Input)
        await pilot.click("#edit-description")
        await until(pilot, lambda: description.has_focus)
        await pilot.press(*"Main token")
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert isinstance(change, UpdateSecret)
        assert dict(change.set) == {"description": "Main token"} and change.remove == ()
        assert change.id == EntryId.secret(project / "fnox.toml", "API_TOKEN")


@pytest.mark.parametrize("how", ["escape", "click"])
async def test_cancel_stages_nothing_and_forgets_the_value(make_app: MakeApp, how: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        field = value_field(form)
        line = field.line
        await pilot.press(*"typed secret")
        assert field.value == "typed secret"
        if how == "escape":
            await pilot.press("escape")
        else:
            await pilot.click("#form-cancel")
        await until(pilot, lambda: app.screen is app.main)
        assert staged(app) == [] and line.value == ""


async def test_the_value_is_prefilled_only_once_revealed(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        assert value_field(form).value == ""
        assert value_field(form).line.placeholder == "leave empty to keep the current value"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        await pilot.press("v")
        await settle(pilot)
        assert revealed(app, "staging", "DATABASE_URL") == "postgres://staging/app"
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditSecretForm))
        form = app.screen
        field = value_field(form)
        assert field.value == "postgres://staging/app" and field.line.password
        field.line.value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert "The value is empty" in form.message and staged(app) == []
        field.line.value = "postgres://staging/app"  # as it was: nothing to stage
        await pilot.press("enter")
        await pilot.pause()
        assert "Nothing changed" in form.message and isinstance(app.screen, EditSecretForm)


async def test_a_busy_form_cannot_be_submitted_twice(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = GatedEncryption()
    monkeypatch.setattr(app_services, "resolver", lambda app: fake)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        await pilot.press(*"abc", "enter")
        await until(pilot, lambda: len(fake.calls) == 1)
        submit = form.query_one("#form-submit", Button)
        assert form.busy and submit.disabled
        assert "Encrypting with plain (plain)" in screen_statics(form)
        await pilot.press("enter")
        await pilot.click("#form-submit")
        form.action_submit()
        await pilot.pause()
        assert len(fake.calls) == 1 and staged(app) == []
        fake.gate.set()
        await until(pilot, lambda: not isinstance(app.screen, FormScreen))
        await settle(pilot)
        (change,) = staged(app)
        assert dict(change.set) == {"value": "ciphertext-of-3-characters"}  # type: ignore[union-attr]
        assert len(fake.calls) == 1


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            ProviderError("Access to the KMS key alias/app was denied.", hint="Grant kms:Encrypt."),
            "Access to the KMS key alias/app was denied. Grant kms:Encrypt.",
        ),
        (RuntimeError("the plaintext abc leaked"), "failed unexpectedly (RuntimeError)"),
    ],
)
async def test_a_failure_keeps_the_form_open_with_the_message(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, error: BaseException, shown: str
) -> None:
    fake = GatedEncryption(error)
    fake.gate.set()
    monkeypatch.setattr(app_services, "resolver", lambda app: fake)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        await pilot.press(*"abc", "enter")
        await until(pilot, lambda: bool(form.message))
        await settle(pilot)
        assert shown in form.message and "leaked" not in form.message
        assert app.screen is form and not form.busy and staged(app) == []
        assert not form.query_one("#form-submit", Button).disabled
        assert value_field(form).value == "abc"  # kept, to try again


async def test_an_inherited_secret_asks_where_the_change_goes(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "API_TOKEN", "e", EditSecretForm)
        text = screen_statics(form)
        assert "every profile that inherits it: default, staging, production" in text
        assert "Writes to fnox.toml:11 [secrets]" in text
        assert form.query_one("#where-top", RadioButton).value
        await pilot.click("#where-override")
        await until(pilot, lambda: form.to_override)
        assert "Writes a new override to fnox.toml [profiles.staging.secrets]" in screen_statics(
            form
        )
        await pilot.click(".value-line")
        await pilot.press("enter")
        await pilot.pause()
        assert "Nothing changed" in form.message and staged(app) == []
        await pilot.press(*"staging-token", "enter")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert isinstance(change, AddSecret)
        assert change.id == EntryId.secret(project / "fnox.toml", "API_TOKEN", "staging")
        assert dict(change.fields) == {"provider": "plain", "value": "staging-token"}


async def test_an_inherited_secret_edited_at_the_top_level(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_on(app, pilot, "production", "API_TOKEN", "e", EditSecretForm)
        await pilot.press(*"everyone", "enter")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert isinstance(change, UpdateSecret)
        assert change.id == EntryId.secret(project / "fnox.toml", "API_TOKEN")


async def test_a_default_is_edited_as_a_default(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "default", "LOG_LEVEL", "e", EditSecretForm)
        default = form.query_one("#edit-default", Input)
        assert default.value == "info"
        default.value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert "The value is empty" in form.message
        default.value = "debug"
        await pilot.press("enter")
        await until(pilot, lambda: bool(staged(app)))
        assert dict(staged(app)[0].set) == {"default": "debug"}  # type: ignore[union-attr]


async def test_an_env_var_secret_gets_a_provider_value(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "default", "HOME_DIR", "e", EditSecretForm)
        assert "from the environment variable HOME_DIR (not set" in screen_statics(form)
        form.query_one("#edit-source", Select).value = "plain"
        await pilot.pause()
        assert "stored as plain text by provider plain" in screen_statics(form)
        value_field(form).line.value = "/home/me"
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert dict(change.set) == {"value": "/home/me", "provider": "plain"}  # type: ignore[union-attr]


async def test_an_env_var_secret_gets_a_default(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_on(app, pilot, "default", "HOME_DIR", "e", EditSecretForm)
        await pilot.press(*"/home/you", "enter")
        await until(pilot, lambda: bool(staged(app)))
        assert dict(staged(app)[0].set) == {"default": "/home/you"}  # type: ignore[union-attr]


async def test_a_value_field_shows_and_switches_to_several_lines(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        field = value_field(form)
        await pilot.press(*"line one")
        await pilot.press("ctrl+r")
        assert field.revealed and not field.line.password
        await pilot.click(".value-reveal")
        assert not field.revealed and field.line.password
        await pilot.press("ctrl+t")
        area = field.area
        assert field.multiline and area.has_focus and area.text == "line one"
        await pilot.press("end", "enter", *"line two")
        assert field.value == "line one\nline two"
        assert "line two" not in field.area.render_line(1).text  # masked
        assert "•" in field.area.render_line(1).text
        await pilot.press("ctrl+t")
        assert field.multiline and "several lines" in form.message
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(staged(app)))
        assert dict(staged(app)[0].set) == {"value": "line one\nline two"}  # type: ignore[union-attr]
        assert area.text == "" and not area.history.undo_stack


async def test_pasting_several_lines_switches_to_several_lines(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        field = value_field(form)
        await pilot.press(*"ab", "left")
        app.post_message(events.Paste("-----BEGIN-----\nkey\n-----END-----"))  # as a terminal
        await until(pilot, lambda: field.multiline)
        assert field.value == "a-----BEGIN-----\nkey\n-----END-----b"
        assert field.line.value == "" and field.area.has_focus
        app.post_message(events.Paste("x"))  # a one-line paste into the lines: as it is
        await pilot.pause()
        assert field.value.count("x") == 1


async def test_a_revealed_value_with_lines_opens_in_several_lines(
    make_app: MakeApp, project: Path
) -> None:
    (project / "fnox.toml").write_text(
        '[providers]\nplain = { type = "plain" }\n'
        '[secrets]\nCERT = { provider = "plain", value = "-----BEGIN-----\\nabc\\n-----END-----" }\n'
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_secret(app, pilot, "default", "CERT")
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditSecretForm))
        field = value_field(app.screen)  # type: ignore[arg-type]
        assert field.multiline and field.area.text == "-----BEGIN-----\nabc\n-----END-----"
        assert "BEGIN" not in field.area.render_line(0).text
        app.hide_all()  # as before a screenshot: the form masks again
        await pilot.pause()
        assert not field.revealed


async def test_a_form_is_masked_again_before_a_screenshot(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        await pilot.press(*"shown", "ctrl+r")
        field = value_field(form)
        assert field.revealed
        assert app.hide_all() >= 1
        assert not field.revealed and field.line.password


async def test_a_form_is_masked_again_when_the_values_are_hidden_after_idle_time(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "DATABASE_URL", "e", EditSecretForm)
        await pilot.press(*"shown", "ctrl+r", "ctrl+t")
        field = value_field(form)
        assert field.revealed and not field.area.masked
        app.controller.hide_all()  # what the idle timeout does
        await until(pilot, lambda: not field.revealed)
        assert field.area.masked and field.value == "shown"


async def test_a_secret_staged_for_deletion_is_not_edited(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_on(app, pilot, "staging", "DATABASE_URL", "d", ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: bool(staged(app)))
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is app.main
        assert "staged for deletion" in notifications(app)
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is app.main and len(staged(app)) == 1


# New secrets -----------------------------------------------------------------------------


async def test_new_secret_name_rules(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "staging", "STAGING_ONLY", "s", NewSecretForm)
        name = form.query_one("#new-name", Input)
        assert name.has_focus
        await pilot.press(*"1BAD")
        await pilot.press("enter")
        await pilot.pause()
        assert "not a valid environment variable name" in form.message
        name.value = "STAGING_ONLY"
        await pilot.pause()
        assert "staging already defines STAGING_ONLY (fnox.toml:17): e edits it" in (
            screen_statics(form)
        )
        await pilot.press("enter")
        await pilot.pause()
        assert "already defines" in form.message and staged(app) == []
        name.value = "API_TOKEN"
        await pilot.pause()
        assert "staging inherits API_TOKEN" in screen_statics(form)
        value_field(form).line.value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert "The value is empty" in form.message
        value_field(form).line.value = "override"
        await pilot.press("enter")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert isinstance(change, AddSecret)
        assert change.id == EntryId.secret(project / "fnox.toml", "API_TOKEN", "staging")
        assert dict(change.fields) == {"provider": "plain", "value": "override"}
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, NewSecretForm))
        app.screen.query_one("#new-name", Input).value = "API_TOKEN"
        await pilot.pause()
        assert "already staged as a new secret of staging" in screen_statics(app.screen)


async def test_new_secret_in_another_loaded_file(make_app: MakeApp, project: Path) -> None:
    write_files(project, {"fnox.local.toml": "# local\n"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "default", "LOG_LEVEL", "s", NewSecretForm)
        files = form.query_one("#new-file", Select)
        assert files.value == str(project / "fnox.toml")
        assert "Writes the secret to fnox.toml [secrets], top level" in screen_statics(form)
        await pilot.press(*"LOCAL_ONE", "tab", "tab")
        await pilot.press(*"v1")
        files.focus()
        await pilot.press("enter", "down", "enter")
        await until(pilot, lambda: files.value == str(project / "fnox.local.toml"))
        assert "Writes LOCAL_ONE to fnox.local.toml [secrets]" in screen_statics(form)
        description = form.query_one("#new-description", Input)
        description.value = "only here"
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert change.id == EntryId.secret(project / "fnox.local.toml", "LOCAL_ONE")
        assert dict(change.fields) == {  # type: ignore[union-attr]
            "provider": "plain", "value": "v1", "description": "only here",
        }  # fmt: skip


async def test_new_secret_as_a_default_value(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "production", "PROD_FLAG", "s", NewSecretForm)
        provider = form.query_one("#new-provider", Select)
        assert provider.value == "plain"  # production's default_provider
        provider.value = "\x00default"
        form.query_one("#new-name", Input).value = "REGION"
        value_field(form).line.value = "eu-west-1"
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert change.id == EntryId.secret(project / "fnox.toml", "REGION", "production")
        assert dict(change.fields) == {"default": "eu-west-1"}  # type: ignore[union-attr]


async def test_new_secret_for_a_remote_provider_stages_the_reference(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "default", "LOG_LEVEL", "s", NewSecretForm)
        form.query_one("#new-provider", Select).value = "other"  # vault: a remote store
        form.query_one("#new-name", Input).value = "VAULTED"
        value_field(form).line.value = "kv/path"
        await pilot.press("enter")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert dict(change.fields) == {"provider": "other", "value": "kv/path"}  # type: ignore[union-attr]


async def test_new_secret_for_a_provider_fnox_tui_cannot_encrypt_for(
    make_app: MakeApp, project: Path
) -> None:
    (project / "fnox.toml").write_text(
        '[providers]\nazure = { type = "azure-kms", vault_url = "https://v", key_name = "k" }\n'
        '[secrets]\nA = { default = "x" }\n'
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "default", "A", "s", NewSecretForm)
        assert form.query_one("#new-provider", Select).value == "azure"  # the only provider
        form.query_one("#new-name", Input).value = "B"
        value_field(form).line.value = "v"
        await pilot.press("enter")
        await pilot.pause()
        assert "cannot encrypt for provider azure (azure-kms)" in form.message
        assert staged(app) == []


# Deleting --------------------------------------------------------------------------------


async def test_delete_names_profile_file_and_inheritors(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        confirm = await open_on(app, pilot, "default", "API_TOKEN", "d", ConfirmScreen)
        body = screen_statics(confirm)
        assert "Delete API_TOKEN from profile default?" in body  # the title
        assert "fnox.toml:11 [secrets]" in body and "comment lines directly above" in body
        assert "removes it from every profile that inherits it: staging, production" in body
        await pilot.press("n")
        await until(pilot, lambda: app.screen is app.main)
        assert staged(app) == []
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        assert staged(app) == []
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#choice-delete")
        await until(pilot, lambda: bool(staged(app)))
        assert repr(staged(app)) == repr(
            [DeleteSecret(EntryId.secret(project / "fnox.toml", "API_TOKEN"))]
        )
        assert "deletion of API_TOKEN" in notifications(app)


async def test_delete_an_inherited_secret_deletes_the_top_level_entry(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        confirm = await open_on(app, pilot, "staging", "LOG_LEVEL", "d", ConfirmScreen)
        body = screen_statics(confirm)
        assert "staging inherits it from the top-level secrets" in body
        assert "every profile that inherits it: default, production" in body
        await pilot.press("enter")  # the Delete button has the focus
        await until(pilot, lambda: bool(staged(app)))
        assert staged(app)[0].id == EntryId.secret(project / "fnox.toml", "LOG_LEVEL")


async def test_delete_an_override_says_the_top_level_one_comes_back(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        confirm = await open_on(app, pilot, "production", "DATABASE_URL", "d", ConfirmScreen)
        body = screen_statics(confirm)
        assert "[profiles.production.secrets]" in body
        assert "production then inherits the top-level DATABASE_URL (fnox.toml:7)" in body
        await pilot.press("y")
        await until(pilot, lambda: bool(staged(app)))


# Copying ---------------------------------------------------------------------------------

COPY_FILES = """\
[providers]
plain = { type = "plain" }

[secrets]
SHARED = { provider = "plain", value = "from-plain", description = "carried" }
ONLY_DEFAULT = { default = "a default" }

[profiles.prod]
default_provider = "age"

[profiles.prod.providers]
age = {{ type = "age", recipients = ["{recipient}"] }}

[profiles.prod.secrets]
PROD_OWN = {{ provider = "plain", value = "old" }}
"""


async def test_copy_plain_to_age_in_another_profile(make_app: MakeApp, project: Path) -> None:
    identity = x25519.Identity.generate()
    text = COPY_FILES.replace("{{", "{").replace("}}", "}")
    (project / "fnox.toml").write_text(text.replace("{recipient}", str(identity.to_public())))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        picker = await open_on(app, pilot, "default", "SHARED", "m", ProfilePicker)
        assert "Copy SHARED to profile" in screen_statics(picker)
        await pilot.press("enter")  # the only other profile: prod
        await until(pilot, lambda: isinstance(app.screen, CopySecretForm))
        form = app.screen
        assert form.query_one("#copy-provider", Select).value == "age"
        text = screen_statics(form)
        assert "prod inherits SHARED" in text and "adds an override" in text
        assert "Writes SHARED to fnox.toml [profiles.prod.secrets]" in text
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert isinstance(change, AddSecret)
        assert change.id == EntryId.secret(project / "fnox.toml", "SHARED", "prod")
        fields = dict(change.fields)
        assert list(fields) == ["provider", "value", "description"]
        assert fields["provider"] == "age" and fields["description"] == "carried"
        import base64

        assert decrypt(base64.b64decode(fields["value"]), [identity]) == b"from-plain"  # type: ignore[arg-type]


async def test_copy_from_the_palette_replaces_the_target_profile_own_value(
    make_app: MakeApp, project: Path
) -> None:
    text = COPY_FILES.replace("{{", "{").replace("}}", "}")
    age = x25519.Identity.generate().to_public()
    text = text.replace("{recipient}", str(age))
    text = text.replace("ONLY_DEFAULT = {", 'PROD_OWN = { default = "top" }\nONLY_DEFAULT = {')
    (project / "fnox.toml").write_text(text)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_secret(app, pilot, "prod", "PROD_OWN")
        app.action_copy_secret()  # the command palette's "Copy secret to profile…"
        await until(pilot, lambda: isinstance(app.screen, ProfilePicker))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CopySecretForm))
        form = app.screen
        assert "default defines PROD_OWN itself (fnox.toml:6): the copy replaces" in (
            screen_statics(form)
        )
        form.query_one("#copy-provider", Select).value = "plain"
        await pilot.pause()
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert isinstance(change, UpdateSecret)
        assert change.id == EntryId.secret(project / "fnox.toml", "PROD_OWN")
        assert dict(change.set) == {"provider": "plain", "value": "old"}


async def test_copy_a_default_and_refuse_an_env_var(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_secret(app, pilot, "default", "HOME_DIR")
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is app.main and "nothing to copy" in notifications(app)
        await open_on(app, pilot, "default", "LOG_LEVEL", "m", ProfilePicker)
        await pilot.press("j", "enter")  # staging, production: production
        await until(pilot, lambda: isinstance(app.screen, CopySecretForm))
        assert "a default value, copied as it is" in screen_statics(app.screen)
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(staged(app)))
        (change,) = staged(app)
        assert change.id == EntryId.secret(project / "fnox.toml", "LOG_LEVEL", "production")
        assert dict(change.fields) == {"default": "info", "description": "How chatty"}  # type: ignore[union-attr]


# The matrix ------------------------------------------------------------------------------


async def test_the_forms_open_from_the_matrix(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await until(pilot, lambda: app.main.matrix is not None)
        matrix = app.main.matrix
        assert matrix is not None
        matrix.jump("staging", "DATABASE_URL")
        await pilot.pause()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditSecretForm))
        assert app.screen.context.profile == "staging"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        matrix.jump("default", "STAGING_ONLY")  # a missing cell
        await pilot.pause()
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, NewSecretForm))
        form = app.screen
        assert form.query_one("#new-name", Input).value == "STAGING_ONLY"
        assert value_field(form).line.has_focus  # type: ignore[arg-type]


def test_the_keys_are_in_the_help_and_bound_on_the_main_screen() -> None:
    from fnox_tui.ui.keys import KEYS
    from fnox_tui.ui.screens.main import MainScreen

    helped = {item.keys: item.group for item in KEYS}
    assert all(helped.get(key) == "Edit" for key in ("e", "s", "d", "m"))
    bound = {binding.key: binding.action for binding in MainScreen.BINDINGS}  # type: ignore[union-attr]
    assert bound["e"] == "edit" and bound["s"] == "new_secret"
    assert bound["d"] == "delete" and bound["m"] == "copy_to_profile"


async def test_a_shadowed_definition_edit_and_delete_name_the_winning_one(
    make_app: MakeApp, project: Path
) -> None:
    write_files(
        project,
        {"fnox.local.toml": '# mine\n[secrets]\nLOG_LEVEL = { default = "trace" }\n'},
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "default", "LOG_LEVEL", "e", EditSecretForm)
        text = screen_statics(form)
        assert "This definition (fnox.local.toml:3) wins over fnox.toml:8" in text
        assert "Writes to fnox.local.toml:3 [secrets]" in text
        assert form.query_one("#edit-default", Input).value == "trace"
        form.query_one("#edit-default", Input).value = "warn"
        await pilot.press("enter")
        await until(pilot, lambda: bool(staged(app)))
        assert staged(app)[0].id == EntryId.secret(project / "fnox.local.toml", "LOG_LEVEL")
        app.controller.undo()
        confirm = await open_on(app, pilot, "default", "LOG_LEVEL", "d", ConfirmScreen)
        body = screen_statics(confirm)
        assert "fnox.local.toml:3 [secrets]" in body
        assert "The definition in fnox.toml:8 then applies in its place." in body

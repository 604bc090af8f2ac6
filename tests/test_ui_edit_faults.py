"""Faults while a form encrypts: a clear message in the form, the staged changes kept, the file
on disk exactly as before."""

from __future__ import annotations

from pathlib import Path

from fnox_tui.core.changes import UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.ui.screens.edit_secret import EditSecretForm
from fnox_tui.ui.widgets.value_field import ValueField
from tests.aws_fakes import FAKE_REGION
from tests.form_helpers import SIZE, notifications, open_on, staged, until
from tests.save_helpers import stage
from tests.ui_fixtures import MakeApp
from tests.waiting import settle

UNREACHABLE_FILE = f"""\
[providers]
plain = {{ type = "plain" }}
kms = {{ type = "aws-kms", key_id = "alias/app", region = "{FAKE_REGION}", endpoint = "http://127.0.0.1:9" }}

[secrets]
TOKEN = {{ provider = "kms", value = "AQIDBA==" }}
OTHER = {{ provider = "plain", value = "o" }}
"""


async def test_kms_unreachable_while_encrypting_keeps_the_form_and_what_is_staged(
    make_app: MakeApp, project: Path, aws_env: dict[str, str]
) -> None:
    path = project / "fnox.toml"
    path.write_text(UNREACHABLE_FILE)
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        earlier = UpdateSecret(EntryId.secret(path, "OTHER"), {"value": "staged before"})
        stage(app, earlier)
        form = await open_on(app, pilot, "default", "TOKEN", "e", EditSecretForm)
        await pilot.press(*"s3cr3t-value", "enter")
        await until(pilot, lambda: bool(form.message), timeout=60)
        await settle(pilot)
        assert "Cannot reach AWS KMS at http://127.0.0.1:9/." in form.message
        assert "s3cr3t" not in form.message and "s3cr3t" not in notifications(app)
        assert app.screen is form and not form.busy
        assert form.query_one(ValueField).value == "s3cr3t-value"  # kept, to try again
        assert repr(staged(app)) == repr([earlier])  # the earlier change is still staged
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        assert repr(staged(app)) == repr([earlier])
    assert path.read_bytes() == before

"""The forms against AWS: KMS limits and refusals (botocore Stubber), a copy from age to KMS and
remote writes to Secrets Manager and Parameter Store (moto in-process)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from pyrage import encrypt, x25519

from fnox_tui.core.changes import AddSecret, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.screens.confirm import ConfirmScreen
from fnox_tui.ui.screens.copy_secret import CopySecretForm
from fnox_tui.ui.screens.edit_secret import EditSecretForm
from fnox_tui.ui.screens.profile_picker import ProfilePicker
from fnox_tui.ui.widgets.value_field import ValueField
from tests.aws_fakes import FAKE_REGION
from tests.form_helpers import SIZE, notifications, open_on, screen_statics, staged, until
from tests.ui_fixtures import MakeApp
from tests.waiting import settle

KMS_FILE = f"""\
[providers]
kms = {{ type = "aws-kms", key_id = "alias/app", region = "{FAKE_REGION}" }}

[secrets]
TOKEN = {{ provider = "kms", value = "AQIDBA==" }}
"""


@pytest.fixture
def kms_project(project: Path, aws_env: dict[str, str]) -> Path:
    (project / "fnox.toml").write_text(KMS_FILE)
    return project


def stubbed_kms(app: FnoxTuiApp) -> Stubber:
    """The app's own KMS client for provider ``kms``, behind a Stubber."""
    assert app.workspace is not None
    provider: Any = app.registry.get(app.workspace.profiles["default"].providers["kms"])
    return Stubber(provider.client())


async def test_kms_refuses_more_than_4096_bytes_before_any_call(
    make_app: MakeApp, kms_project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        with stubbed_kms(app) as stub:  # nothing queued: any call would fail differently
            form = await open_on(app, pilot, "default", "TOKEN", "e", EditSecretForm)
            field = form.query_one(ValueField)
            field.line.value = "é" * 2048 + "x"  # 4,097 bytes
            await pilot.press("enter")
            await pilot.pause()
            assert "The value is 4097 bytes; AWS KMS encrypts at most 4096 bytes." in form.message
            assert not form.busy and app.screen is form and staged(app) == []
            assert not [w for w in app.workers if w.group == "encrypt"]  # nothing started
            field.line.value = "é" * 2048  # exactly 4,096 bytes: allowed (then stubbed)
            stub.add_response(
                "encrypt",
                {"CiphertextBlob": b"\x01cipher", "KeyId": "arn:aws:kms:x:1:key/k"},
                {"KeyId": "alias/app", "Plaintext": ("é" * 2048).encode()},
            )
            await pilot.press("enter")
            await until(pilot, lambda: bool(staged(app)))
            stub.assert_no_pending_responses()
        (change,) = staged(app)
        assert dict(change.set) == {"value": base64.b64encode(b"\x01cipher").decode()}  # type: ignore[union-attr]


async def test_kms_denied_while_encrypting_keeps_the_form_open(
    make_app: MakeApp, kms_project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        with stubbed_kms(app) as stub:
            stub.add_client_error(
                "encrypt",
                service_error_code="AccessDeniedException",
                service_message="User: arn:aws:iam::1:user/me is not authorized: kms:Encrypt",
                http_status_code=400,
            )
            form = await open_on(app, pilot, "default", "TOKEN", "e", EditSecretForm)
            await pilot.press(*"s3cr3t-value", "enter")
            await until(pilot, lambda: bool(form.message))
            await settle(pilot)
            stub.assert_no_pending_responses()
        assert "AWS denied access to the KMS key alias/app (Encrypt)." in form.message
        assert "s3cr3t" not in form.message and "s3cr3t" not in notifications(app)
        assert app.screen is form and not form.busy and staged(app) == []
        assert form.query_one(ValueField).value == "s3cr3t-value"  # kept, to try again


COPY_FILE = """\
[providers]
age = {{ type = "age", recipients = ["{recipient}"] }}

[secrets]
API_KEY = {{ provider = "age", value = "{ciphertext}", description = "promoted" }}

[profiles.production]
default_provider = "kms"

[profiles.production.providers]
kms = {{ type = "aws-kms", key_id = "{key}", region = "{region}" }}
"""


async def test_copy_from_age_in_default_to_kms_in_production(
    make_app: MakeApp, project: Path, kms_client: Any, kms_key: dict[str, Any]
) -> None:
    identity = x25519.Identity.generate()
    ciphertext = base64.b64encode(encrypt(b"staging value \xe2\x9c\x93", [identity.to_public()]))
    (project / "fnox.toml").write_text(
        COPY_FILE.format(
            recipient=identity.to_public(),
            ciphertext=ciphertext.decode(),
            key=kms_key["Arn"],
            region=FAKE_REGION,
        )
    )
    app = make_app(environ={"FNOX_AGE_KEY": str(identity)})
    async with app.run_test(size=SIZE) as pilot:
        await open_on(app, pilot, "default", "API_KEY", "m", ProfilePicker)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CopySecretForm))
        form = app.screen
        text = screen_statics(form)
        assert "encrypted by provider age (age)" in text
        assert "encrypted by provider kms (aws-kms)" in text
        await pilot.click("#form-submit")
        await until(pilot, lambda: bool(staged(app)))
    (change,) = staged(app)
    assert isinstance(change, AddSecret)
    assert change.id == EntryId.secret(project / "fnox.toml", "API_KEY", "production")
    fields = dict(change.fields)
    assert fields["provider"] == "kms" and fields["description"] == "promoted"
    blob = base64.b64decode(str(fields["value"]))
    decrypted = kms_client.decrypt(KeyId=kms_key["Arn"], CiphertextBlob=blob)["Plaintext"]
    assert decrypted.decode() == "staging value ✓"


REMOTE_FILE = f"""\
[providers]
sm = {{ type = "aws-sm", region = "{FAKE_REGION}", prefix = "app/" }}
ps = {{ type = "aws-ps", region = "{FAKE_REGION}", prefix = "/app/" }}

[secrets]
DB = {{ provider = "sm", value = "db" }}
PARAM = {{ provider = "ps", value = "param" }}
"""


@pytest.fixture
def remote_project(project: Path, mocked_aws: None) -> Iterator[Path]:
    (project / "fnox.toml").write_text(REMOTE_FILE)
    boto3.client("secretsmanager", region_name=FAKE_REGION).create_secret(
        Name="app/db", SecretString="old"
    )
    boto3.client("ssm", region_name=FAKE_REGION).put_parameter(
        Name="/app/param", Value="old", Type="SecureString"
    )
    yield project


def remote_values() -> tuple[str, str]:
    sm = boto3.client("secretsmanager", region_name=FAKE_REGION)
    ssm = boto3.client("ssm", region_name=FAKE_REGION)
    return (
        sm.get_secret_value(SecretId="app/db")["SecretString"],
        ssm.get_parameter(Name="/app/param", WithDecryption=True)["Parameter"]["Value"],
    )


async def test_aws_sm_put_secret_value_after_confirmation(
    make_app: MakeApp, remote_project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "default", "DB", "e", EditSecretForm)
        assert "the value names a secret kept by provider sm (aws-sm)" in screen_statics(form)
        assert form.query_one("#edit-reference").value == "db"  # type: ignore[attr-defined]
        await pilot.press(*"rotated!", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "app/db" in screen_statics(app.screen)
        await pilot.press("n")  # not now: nothing written, the form stays
        await until(pilot, lambda: app.screen is form)
        assert remote_values() == ("old", "old")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: app.screen is app.main)
        await settle(pilot)
        assert remote_values() == ("rotated!", "old")
        assert "Wrote a new value to app/db (sm)" in notifications(app)
        assert staged(app) == []  # the reference did not change


async def test_aws_ps_put_parameter_and_a_new_reference(
    make_app: MakeApp, remote_project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_on(app, pilot, "default", "PARAM", "e", EditSecretForm)
        reference = form.query_one("#edit-reference")
        reference.value = "renamed"  # type: ignore[attr-defined]
        form.query_one(ValueField).line.value = "brand new"
        await pilot.click("#form-submit")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "/app/renamed" in screen_statics(app.screen)
        await pilot.click("#choice-write")
        await until(pilot, lambda: bool(staged(app)))
        ssm = boto3.client("ssm", region_name=FAKE_REGION)
        written = ssm.get_parameter(Name="/app/renamed", WithDecryption=True)["Parameter"]
        assert written["Value"] == "brand new" and written["Type"] == "SecureString"
        (change,) = staged(app)
        assert isinstance(change, UpdateSecret)
        assert dict(change.set) == {"value": "renamed"}

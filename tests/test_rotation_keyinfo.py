"""The current key's details, a new key resolved and validated, a key created (moto, Stubber)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from fnox_tui.core.providers.aws_kms import AwsKmsProvider
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.rotation.keyinfo import (
    KEY_DESCRIPTION,
    alias_problem,
    create_key,
    describe_key,
    validate_new_key,
)
from tests.aws_fakes import FAKE_REGION
from tests.provider_defs import provider_def


@pytest.fixture
def old_key(kms_client: Any) -> dict[str, Any]:
    metadata = kms_client.create_key(Description="current")["KeyMetadata"]
    kms_client.create_alias(AliasName="alias/app", TargetKeyId=metadata["KeyId"])
    return dict(metadata)


@pytest.fixture
def provider(old_key: dict[str, Any]) -> Iterator[AwsKmsProvider]:
    registry = ProviderRegistry(environ={})
    definition = provider_def("kms", "aws-kms", key_id="alias/app", region=FAKE_REGION)
    provider = registry.get(definition)
    assert isinstance(provider, AwsKmsProvider)
    yield provider
    registry.close()


def checks(validation: Any) -> dict[str, bool]:
    return {check.name: check.ok for check in validation.checks}


def test_describe_current_key(
    provider: AwsKmsProvider, old_key: dict[str, Any], kms_client: Any
) -> None:
    info = describe_key(provider)
    assert info.arn == old_key["Arn"] and info.key_id == old_key["KeyId"]
    assert info.aliases == ("alias/app",)
    assert info.state == "Enabled" and info.enabled
    assert info.region == FAKE_REGION
    assert info.rotation == "off"
    assert isinstance(info.created, datetime)
    assert ("Aliases", "alias/app") in info.facts()

    kms_client.enable_key_rotation(KeyId=old_key["KeyId"])
    assert describe_key(provider).rotation.startswith("on")


def test_denied_detail_calls_are_tolerated(aws_env: dict[str, str]) -> None:
    registry = ProviderRegistry(environ={})
    provider = registry.get(provider_def("kms", "aws-kms", key_id="alias/app", region="eu-west-1"))
    assert isinstance(provider, AwsKmsProvider)
    arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    with Stubber(provider.client()) as stub:
        stub.add_response(
            "describe_key",
            {
                "KeyMetadata": {
                    "KeyId": arn.rsplit("/", 1)[1],
                    "Arn": arn,
                    "KeyState": "Enabled",
                    "KeyUsage": "ENCRYPT_DECRYPT",
                    "KeySpec": "SYMMETRIC_DEFAULT",
                    "CreationDate": datetime(2023, 5, 1, tzinfo=UTC),
                }
            },
            {"KeyId": "alias/app"},
        )
        stub.add_client_error("list_aliases", "AccessDeniedException", "", 400)
        stub.add_client_error("get_key_rotation_status", "AccessDeniedException", "", 400)
        info = describe_key(provider)
    assert info.arn == arn and info.aliases == ()
    assert info.rotation == "unknown (access denied)"
    assert info.notes == (
        "Aliases unknown (access denied: kms:ListAliases).",
        "Automatic rotation unknown (access denied: kms:GetKeyRotationStatus).",
    )
    assert info.created == datetime(2023, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("spec", "error", "expected"),
    [
        ("RSA_2048", None, "not supported for this key"),  # no call made
        ("SYMMETRIC_DEFAULT", "UnsupportedOperationException", "not supported for this key"),
        ("", "KMSInternalException", "unknown (AWS KMS"),  # the error, in words
    ],
)
def test_automatic_rotation_in_words(
    aws_env: dict[str, str], spec: str, error: str | None, expected: str
) -> None:
    """One reading of the rotation status serves the provider check and the walkthrough."""
    registry = ProviderRegistry(environ={})
    provider = registry.get(provider_def("kms", "aws-kms", key_id="alias/app", region="eu-west-1"))
    assert isinstance(provider, AwsKmsProvider)
    arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    with Stubber(provider.client()) as stub:
        if error is not None:
            stub.add_client_error("get_key_rotation_status", error, "internal failure", 500)
        status = provider.rotation_status(arn, spec)
        stub.assert_no_pending_responses()
    assert status.startswith(expected), status
    registry.close()


def test_validate_a_good_new_key(provider: AwsKmsProvider, kms_client: Any) -> None:
    new = kms_client.create_key()["KeyMetadata"]
    kms_client.create_alias(AliasName="alias/next", TargetKeyId=new["KeyId"])
    current = describe_key(provider)
    for text in ("alias/next", new["KeyId"], new["Arn"], f"  {new['Arn']} "):
        validation = validate_new_key(provider, text, current)
        assert validation.ok, validation.problems
        assert validation.key is not None and validation.key.arn == new["Arn"]
        assert checks(validation) == {
            "enabled": True,
            "usage": True,
            "spec": True,
            "region": True,
            "not current": True,
            "round trip": True,
        }


def test_the_current_key_is_refused(provider: AwsKmsProvider, old_key: dict[str, Any]) -> None:
    current = describe_key(provider)
    validation = validate_new_key(provider, old_key["KeyId"], current)
    assert not validation.ok
    assert validation.problems == [
        "This is the key the provider uses now; choose or create another."
    ]


def test_disabled_key_is_refused(provider: AwsKmsProvider, kms_client: Any) -> None:
    new = kms_client.create_key()["KeyMetadata"]
    kms_client.disable_key(KeyId=new["KeyId"])
    validation = validate_new_key(provider, new["Arn"])
    assert checks(validation)["enabled"] is False
    assert "The key is Disabled, not Enabled." in validation.problems


@pytest.mark.parametrize(
    ("spec", "usage", "failing"),
    [("RSA_2048", "ENCRYPT_DECRYPT", "spec"), ("ECC_NIST_P256", "SIGN_VERIFY", "usage")],
)
def test_asymmetric_keys_are_refused(
    provider: AwsKmsProvider, kms_client: Any, spec: str, usage: str, failing: str
) -> None:
    new = kms_client.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    validation = validate_new_key(provider, new["Arn"])
    assert not validation.ok
    assert checks(validation)[failing] is False


def test_unknown_key(provider: AwsKmsProvider) -> None:
    validation = validate_new_key(provider, "my-key")
    assert not validation.ok and validation.error is not None
    assert validation.error.code == ErrorCode.KEY_NOT_FOUND
    assert "alias/my-key?" in validation.error.hint


def test_key_in_another_region_and_disabled_encrypt(aws_env: dict[str, str]) -> None:
    """Real KMS answers what moto does not: a key of another region, DisabledException."""
    registry = ProviderRegistry(environ={})
    provider = registry.get(provider_def("kms", "aws-kms", key_id="alias/app", region="us-east-1"))
    assert isinstance(provider, AwsKmsProvider)
    other = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    here = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ac"

    def described(arn: str) -> dict[str, Any]:
        return {
            "KeyMetadata": {
                "KeyId": arn.rsplit("/", 1)[1],
                "Arn": arn,
                "KeyState": "Enabled",
                "KeyUsage": "ENCRYPT_DECRYPT",
                "KeySpec": "SYMMETRIC_DEFAULT",
            }
        }

    with Stubber(provider.client()) as stub:
        stub.add_response("describe_key", described(other), {"KeyId": other})
        stub.add_response("list_aliases", {"Aliases": []}, {"KeyId": ANY})
        stub.add_response(
            "get_key_rotation_status", {"KeyRotationEnabled": False}, {"KeyId": other}
        )
        far = validate_new_key(provider, other)
        stub.add_response("describe_key", described(here), {"KeyId": here})
        stub.add_response("list_aliases", {"Aliases": []}, {"KeyId": ANY})
        stub.add_response("get_key_rotation_status", {"KeyRotationEnabled": False}, {"KeyId": here})
        stub.add_client_error("encrypt", "DisabledException", f"{here} is disabled.", 400)
        disabled = validate_new_key(provider, here)
        stub.assert_no_pending_responses()

    assert checks(far)["region"] is False and "round trip" not in checks(far)
    assert "The key is in region eu-west-1; provider kms calls KMS in us-east-1." in far.problems[0]
    assert checks(disabled)["round trip"] is False
    assert disabled.problems == [f"A test encryption failed: The KMS key {here} is disabled."]


def test_create_key_with_alias(provider: AwsKmsProvider, kms_client: Any) -> None:
    info, note = create_key(provider, "fnox-next")
    assert note == ""
    assert info.description == KEY_DESCRIPTION
    assert info.aliases == ("alias/fnox-next",)
    assert info.key_spec == "SYMMETRIC_DEFAULT" and info.enabled
    assert validate_new_key(provider, "alias/fnox-next", describe_key(provider)).ok


def test_create_key_alias_taken(provider: AwsKmsProvider) -> None:
    info, note = create_key(provider, "alias/app")  # already names the current key
    assert info.aliases == ()
    assert note.startswith("The key was created, but not the alias alias/app: ")


@pytest.mark.parametrize(
    ("alias", "problem"),
    [
        ("alias/aws/mine", "reserved for AWS managed keys"),
        ("alias/has space", "letters, digits"),
        ("alias/", "letters, digits"),
    ],
)
def test_bad_alias_is_refused_before_creating(
    provider: AwsKmsProvider, kms_client: Any, alias: str, problem: str
) -> None:
    assert problem in alias_problem(alias)
    before = len(kms_client.list_keys()["Keys"])
    with pytest.raises(ProviderError, match=problem):
        create_key(provider, alias)
    assert len(kms_client.list_keys()["Keys"]) == before


def test_creation_date_is_shown_in_utc() -> None:
    from datetime import datetime, timedelta, timezone

    from fnox_tui.core.rotation.keyinfo import KeyInfo

    local = datetime(2024, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    info = KeyInfo(
        "id", "arn", "Enabled", "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "", created=local
    )
    assert ("Created", "2024-03-01 12:30:00 UTC") in info.facts()

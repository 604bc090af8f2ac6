"""Provider fields taken from secrets (``key_id = { secret = "KEYREF" }``) stay secret.

Errors and checks name the secret, never its value; providers built from a referenced value
are kept per resolver and profile, and forgotten on request. KMS runs in moto's in-process
``mock_aws``; the errors moto cannot produce come from botocore's Stubber.
"""

from __future__ import annotations

import base64
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import ProviderDef, Workspace
from fnox_tui.core.providers.base import CheckResult, ErrorCode, ProviderError
from fnox_tui.core.providers.field_value import FieldValue
from fnox_tui.core.providers.redaction import Redactor, ReferencedProvider
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.resolver import SecretResolver
from tests.aws_fakes import FAKE_REGION
from tests.provider_defs import provider_def

# Shaped like a KMS key id, so that an ARN built from it would hold it whole.
HIDDEN_KEY = "7d3c1f0e-5b2a-4c8d-9e6f-0a1b2c3d4e5f"
HIDDEN_ALIAS = "alias/hush-4f1d9c2b7a"
STORED = base64.b64encode(b"\x01\x02\x03 not really ciphertext").decode()


def texts_of(error: ProviderError | None) -> list[str]:
    """Every text an error can be shown or logged with."""
    if error is None:
        return []
    return [error.message, error.hint, error.detail, str(error), repr(error), *map(str, error.args)]


def texts_of_check(result: CheckResult) -> list[str]:
    facts = [f"{label} {fact}" for label, fact in result.facts]
    return [result.badge, *facts, *texts_of(result.error)]


def assert_hidden(texts: list[str], *plaintexts: str) -> None:
    for text in texts:
        for plaintext in plaintexts:
            assert plaintext not in text, text


def workspace(root: Path, text: str, environ: dict[str, str]) -> Workspace:
    root.mkdir(parents=True, exist_ok=True)
    (root / "fnox.toml").write_text(textwrap.dedent(text).lstrip())
    return load_workspace(root, environ=environ)


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "FNOX_CONFIG_DIR": str(tmp_path / "cfg")}


def kms_config(key_id: str, token: str, extra: str = "") -> str:
    return f"""
        [providers]
        plain = {{ type = "plain" }}
        kms = {{ type = "aws-kms", key_id = {{ secret = "KEYREF" }}, region = "{FAKE_REGION}" }}

        [secrets]
        KEYREF = {{ provider = "plain", value = "{key_id}" }}
        TOKEN = {{ provider = "kms", value = "{token}" }}
        {extra}
        """


# The key id from a secret: resolve and check ---------------------------------------------


def test_v_on_a_missing_key_names_the_secret_not_its_value(
    tmp_path: Path, environ: dict[str, str], mocked_aws: None
) -> None:
    ws = workspace(tmp_path / "p", kms_config(HIDDEN_ALIAS, STORED), environ)
    resolver = SecretResolver(ws, ProviderRegistry(environ=environ), environ)
    with pytest.raises(ProviderError) as caught:
        resolver.resolve_name("TOKEN")
    error = caught.value
    assert error.code == ErrorCode.KEY_NOT_FOUND
    assert error.message == f"The KMS key from secret KEYREF was not found in region {FAKE_REGION}."
    assert_hidden(texts_of(error), HIDDEN_ALIAS, "hush-4f1d9c2b7a")


def test_t_on_a_key_from_a_secret_lists_no_plaintext(
    tmp_path: Path, environ: dict[str, str], kms_client: Any, kms_key: dict[str, Any]
) -> None:
    key_id = kms_key["KeyId"]
    ws = workspace(tmp_path / "p", kms_config(key_id, STORED), environ)
    resolver = SecretResolver(ws, ProviderRegistry(environ=environ), environ)
    result = resolver.check(ws.profiles["default"].providers["kms"])
    assert result.ok, result
    facts = dict(result.facts)
    assert facts["Key"] == "from secret KEYREF"
    # The ARN AWS answered holds the key id: it is shown with the secret's name in its place.
    assert facts["Key ARN"].endswith(":key/<secret KEYREF>")
    assert result.derived_from == ("KEYREF",)
    assert_hidden(texts_of_check(result), key_id)


def test_t_on_a_missing_key_from_a_secret_names_the_secret(
    tmp_path: Path, environ: dict[str, str], mocked_aws: None
) -> None:
    ws = workspace(tmp_path / "p", kms_config(HIDDEN_ALIAS, STORED), environ)
    resolver = SecretResolver(ws, ProviderRegistry(environ=environ), environ)
    result = resolver.check(ws.profiles["default"].providers["kms"])
    assert not result.ok and result.badge == "✗ Key not found"
    assert ("Key", "from secret KEYREF") in result.facts
    assert result.error is not None and "from secret KEYREF" in result.error.message
    assert result.derived_from == ("KEYREF",)
    assert_hidden(texts_of_check(result), HIDDEN_ALIAS, "hush-4f1d9c2b7a")


def test_t_before_any_reveal_resolves_the_reference(
    tmp_path: Path, environ: dict[str, str], kms_client: Any, kms_key: dict[str, Any]
) -> None:
    """As fnox resolves it: the referenced secret through its own provider."""
    ws = workspace(tmp_path / "p", kms_config(kms_key["KeyId"], STORED), environ)
    registry = ProviderRegistry(environ=environ)
    result = SecretResolver(ws, registry, environ).check(ws.profiles["default"].providers["kms"])
    assert result.ok and result.badge == "✓ Key enabled"


def test_t_says_what_a_reference_needs(tmp_path: Path, environ: dict[str, str]) -> None:
    ws = workspace(
        tmp_path / "p",
        f"""
        [providers]
        kms = {{ type = "aws-kms", key_id = {{ secret = "KEYREF" }}, region = "{FAKE_REGION}" }}
        [secrets]
        KEYREF = {{ description = "no value anywhere" }}
        """,
        environ,
    )
    result = SecretResolver(ws, ProviderRegistry(environ=environ), environ).check(
        ws.profiles["default"].providers["kms"]
    )
    assert not result.ok and result.error is not None
    assert result.error.message.startswith(
        "Provider kms takes a setting from secret KEYREF, which could not be resolved: "
        "Secret KEYREF has no value"
    )


# Every KMS error, with the key id from a secret ------------------------------------------


class FixedReferences:
    """A reference resolver that gives every secret the same value."""

    def __init__(self, value: str) -> None:
        self.value = value

    def secret_value(self, owner: ProviderDef, name: str) -> str:
        return self.value

    def provider_value(self, owner: ProviderDef, provider: str, value: str) -> str:
        raise AssertionError("not used")


@pytest.fixture
def stubbed(aws_env: dict[str, str]) -> Iterator[tuple[ReferencedProvider, Stubber]]:
    registry = ProviderRegistry(environ={})
    definition = provider_def("kms", "aws-kms", key_id={"secret": "KEYREF"}, region="eu-west-1")
    provider = registry.get(definition, FixedReferences(HIDDEN_KEY))
    assert isinstance(provider, ReferencedProvider)
    with Stubber(provider.client()) as stubber:
        yield provider, stubber
    registry.close()


ARN = f"arn:aws:kms:eu-west-1:111122223333:key/{HIDDEN_KEY}"
AWS_MESSAGES = {
    "NotFoundException": f"Key '{ARN}' does not exist",
    "DisabledException": f"{ARN} is disabled.",
    "KMSInvalidStateException": f"{ARN} is pending deletion.",
    "IncorrectKeyException": f"The key ID in the request does not identify {ARN}.",
    "InvalidKeyUsageException": f"{ARN} key usage is SIGN_VERIFY.",
    "AccessDeniedException": (
        "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: kms:Decrypt "
        f"on resource: {ARN} because no identity-based policy allows the kms:Decrypt action"
    ),
    "SomethingNewException": f"Something about {HIDDEN_KEY}.",
}


@pytest.mark.parametrize("code", list(AWS_MESSAGES))
def test_no_kms_error_holds_a_referenced_key_id(
    stubbed: tuple[ReferencedProvider, Stubber], code: str
) -> None:
    provider, stubber = stubbed
    stubber.add_client_error(
        "decrypt",
        service_error_code=code,
        service_message=AWS_MESSAGES[code],
        expected_params={"KeyId": HIDDEN_KEY, "CiphertextBlob": ANY},
    )
    with pytest.raises(ProviderError) as caught:
        provider.resolve(STORED)
    assert_hidden(texts_of(caught.value), HIDDEN_KEY)
    if code != "SomethingNewException":
        assert "KEYREF" in caught.value.message + caught.value.hint + caught.value.detail


def test_a_kms_hint_with_a_command_takes_the_key_from_fnox(
    stubbed: tuple[ReferencedProvider, Stubber],
) -> None:
    provider, stubber = stubbed
    stubber.add_client_error("decrypt", service_error_code="DisabledException")
    with pytest.raises(ProviderError) as caught:
        provider.resolve(STORED)
    assert caught.value.message == "The KMS key from secret KEYREF is disabled."
    assert '`aws kms enable-key --key-id "$(fnox get KEYREF)"`' in caught.value.hint


# Other settings from secrets ------------------------------------------------------------


def test_an_endpoint_from_a_secret_is_named_not_shown(aws_env: dict[str, str]) -> None:
    registry = ProviderRegistry(environ={})
    hidden = "http://127.0.0.1:9/hidden-endpoint-path"
    definition = provider_def(
        "kms", "aws-kms", key_id="alias/app", region="eu-west-1", endpoint={"secret": "EP"}
    )
    provider = registry.get(definition, FixedReferences(hidden))
    with Stubber(provider.client()) as stubber:
        stubber.add_response(
            "describe_key",
            {"KeyMetadata": {"KeyId": "k", "Arn": "arn:aws:kms:eu-west-1:1:key/k"}},
        )
        result = provider.check()
    facts = dict(result.facts)
    assert facts["Endpoint"] == "<secret EP>"
    assert_hidden(texts_of_check(result), hidden, "hidden-endpoint-path")
    registry.close()


def test_a_region_from_a_secret_is_named_in_facts_and_messages(aws_env: dict[str, str]) -> None:
    registry = ProviderRegistry(environ={})
    definition = provider_def("kms", "aws-kms", key_id="alias/app", region={"secret": "REGION"})
    provider = registry.get(definition, FixedReferences("eu-north-1"))
    with Stubber(provider.client()) as stubber:
        stubber.add_client_error("describe_key", service_error_code="NotFoundException")
        result = provider.check()
    assert ("Region", "from secret REGION") in result.facts
    assert result.error is not None
    assert (
        result.error.message == "The KMS key alias/app was not found in region from secret REGION."
    )
    assert_hidden(texts_of_check(result), "eu-north-1")
    registry.close()


def test_a_prefix_from_a_secret_is_named_not_shown(mocked_aws: None) -> None:
    registry = ProviderRegistry(environ={})
    definition = provider_def("sm", "aws-sm", region=FAKE_REGION, prefix={"secret": "PREFIX"})
    provider = registry.get(definition, FixedReferences("hidden-prefix-93af/"))
    with pytest.raises(ProviderError) as caught:
        provider.resolve("db")
    error = caught.value
    assert error.code == ErrorCode.SECRET_NOT_FOUND
    assert error.message == (
        f"The secret <secret PREFIX>db does not exist in AWS Secrets Manager in region "
        f"{FAKE_REGION} (prefix from secret PREFIX included)."
    )
    assert_hidden(texts_of(error), "hidden-prefix-93af")
    registry.close()


# Providers built from referenced values: per resolver and profile, and forgotten ---------


def test_a_second_resolver_does_not_take_over_the_registry(
    tmp_path: Path, environ: dict[str, str], kms_client: Any
) -> None:
    first_key = kms_client.create_key()["KeyMetadata"]["KeyId"]
    second_key = kms_client.create_key()["KeyMetadata"]["KeyId"]
    blob = kms_client.encrypt(KeyId=first_key, Plaintext=b"from the first key")["CiphertextBlob"]
    stored = base64.b64encode(blob).decode()
    registry = ProviderRegistry(environ=environ)
    first = SecretResolver(
        workspace(tmp_path / "one", kms_config(first_key, stored), environ), registry, environ
    )
    SecretResolver(
        workspace(tmp_path / "two", kms_config(second_key, stored), environ), registry, environ
    )
    assert first.resolve_name("TOKEN") == "from the first key"


def test_a_top_level_provider_takes_the_reference_from_the_profile_resolved(
    tmp_path: Path, environ: dict[str, str], kms_client: Any
) -> None:
    """As `fnox -P prod get TOKEN`: KEYREF as the prod profile defines it."""
    default_key = kms_client.create_key()["KeyMetadata"]["KeyId"]
    prod_key = kms_client.create_key()["KeyMetadata"]["KeyId"]
    blob = kms_client.encrypt(KeyId=prod_key, Plaintext=b"prod value")["CiphertextBlob"]
    extra = f"""
        [profiles.prod.secrets]
        KEYREF = {{ provider = "plain", value = "{prod_key}" }}
        """
    ws = workspace(
        tmp_path / "p", kms_config(default_key, base64.b64encode(blob).decode(), extra), environ
    )
    resolver = SecretResolver(ws, ProviderRegistry(environ=environ), environ)
    assert resolver.resolve_name("TOKEN", "prod") == "prod value"
    with pytest.raises(ProviderError):
        resolver.resolve_name("TOKEN", "default")


def test_forget_referenced_drops_the_providers_built_from_secrets(
    tmp_path: Path, environ: dict[str, str], kms_client: Any, kms_key: dict[str, Any]
) -> None:
    blob = kms_client.encrypt(KeyId=kms_key["KeyId"], Plaintext=b"v")["CiphertextBlob"]
    ws = workspace(
        tmp_path / "p", kms_config(kms_key["KeyId"], base64.b64encode(blob).decode()), environ
    )
    registry = ProviderRegistry(environ=environ)
    resolver = SecretResolver(ws, registry, environ)
    references = resolver.references("default")
    definition = ws.profiles["default"].providers["kms"]
    assert resolver.resolve_name("TOKEN") == "v"
    built = registry.get(definition, references)
    assert registry.holds_referenced
    plain = registry.get(ws.profiles["default"].providers["plain"], references)
    assert registry.forget_referenced() == 1
    assert not registry.holds_referenced
    assert built.inner._client is None  # its client closed
    assert registry.get(definition, references) is not built
    assert registry.get(ws.profiles["default"].providers["plain"], references) is plain


def test_warm_up_leaves_providers_with_references_alone(aws_env: dict[str, str]) -> None:
    registry = ProviderRegistry(environ={})
    referenced = provider_def("kms", "aws-kms", key_id={"secret": "K"}, region="eu-west-1")
    assert registry.warm_up([referenced]) == 0
    assert not registry.holds_referenced


# The redactor ---------------------------------------------------------------------------


def test_redactor_replaces_each_referenced_value_and_its_json_form() -> None:
    redactor = Redactor(
        [
            FieldValue.from_secret('a"quoted\\value', "Q"),
            FieldValue.from_secret("short", "S"),
            FieldValue.literal("written-in-the-file"),
        ]
    )
    error = ProviderError(
        'Denied on a"quoted\\value and short.',
        hint="written-in-the-file stays",
        detail='{"Resource": "a\\"quoted\\\\value"}',
    )
    clean = redactor.error(error)
    assert clean.message == "Denied on <secret Q> and <secret S>."
    assert clean.hint == "written-in-the-file stays"
    assert clean.detail == '{"Resource": "<secret Q>"}'
    assert clean.args == (clean.message,)
    assert redactor.secrets == ("Q", "S")


def test_field_value_shows_its_secret_never_its_value() -> None:
    value = FieldValue.from_secret(HIDDEN_KEY, "KEYREF")
    assert f"{value}" == "from secret KEYREF"
    assert HIDDEN_KEY not in repr(value)
    assert value.token == "<secret KEYREF>" and value.shell == '"$(fnox get KEYREF)"'
    assert value.then("/db").token == "<secret KEYREF>/db"
    assert value.then("/db").value == f"{HIDDEN_KEY}/db"
    literal = FieldValue.literal("alias/app")
    assert f"{literal}" == literal.token == literal.shell == "alias/app"

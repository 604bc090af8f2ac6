"""SecretResolver: fnox's resolution order, interpolation, post-processing, missing secrets."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from pyrage import x25519

from fnox_tui.core.loader import load_workspace
from fnox_tui.core.model import Workspace
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.resolver import SecretMissingError, SecretResolver
from tests.resolver_cases import CONFIG, ENVIRON, EXPECTED, MISSING


def workspace(tmp_path: Path, text: str, profiles: list[str] | None = None) -> Workspace:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    (project / "fnox.toml").write_text(textwrap.dedent(text).lstrip())
    environ = {"HOME": str(tmp_path / "home"), "FNOX_CONFIG_DIR": str(tmp_path / "cfg")}
    return load_workspace(project, profiles=profiles, environ=environ)


def resolver(tmp_path: Path, text: str, environ: dict[str, str] | None = None, **kw: Any) -> Any:
    ws = workspace(tmp_path, text, **kw)
    return SecretResolver(ws, ProviderRegistry(environ=environ or {}), environ or {})


@pytest.fixture
def cases(tmp_path: Path) -> SecretResolver:
    return resolver(tmp_path, CONFIG, dict(ENVIRON))


@pytest.mark.parametrize(("name", "expected"), list(EXPECTED.items()))
def test_cases(cases: SecretResolver, name: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(ProviderError):
            cases.resolve_name(name)
    else:
        assert cases.resolve_name(name) == expected


@pytest.mark.parametrize("name", MISSING)
def test_missing(cases: SecretResolver, name: str) -> None:
    with pytest.raises(SecretMissingError) as caught:
        cases.resolve_name(name)
    error = caught.value
    assert isinstance(error, ProviderError) and error.code == ErrorCode.MISSING
    assert error.if_missing == "warn"
    assert error.message == (
        f"Secret {name} has no value: no provider value, no default and no environment "
        f"variable {name}."
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("UNKNOWN", "Secret UNKNOWN references undefined secret NOPE in its default value."),
        ("EMPTY", "Secret EMPTY has an empty ${} reference in its default value."),
        ("CYC1", "Interpolation dependency cycle among secrets: CYC1 → CYC2 → CYC1."),
        ("SELF", "Interpolation dependency cycle among secrets: SELF → SELF."),
        (
            "BADPROV",
            "Secret BADPROV uses provider 'nope', which profile 'default' does not define.",
        ),
        ("JSONMISSING", "JSON path 'b' was not found in secret JSONMISSING."),
        (
            "JSONBAD",
            "The value of secret JSONBAD is not JSON (Expecting value at line 1 column 1), so "
            "`json_path` cannot be applied.",
        ),
        ("LINEOOR", "`line = 3` of secret LINEOOR is out of range: the value has 1 line."),
    ],
)
def test_error_messages(cases: SecretResolver, name: str, message: str) -> None:
    with pytest.raises(ProviderError) as caught:
        cases.resolve_name(name)
    assert caught.value.message == message
    assert caught.value.hint
    assert "plainval" not in str(caught.value) and "not json" not in str(caught.value)


def test_referenced_secret_with_if_missing_error(cases: SecretResolver) -> None:
    with pytest.raises(SecretMissingError) as caught:
        cases.resolve_name("MISSINGREF_ERR")
    assert caught.value.name == "GONEERR" and caught.value.if_missing == "error"


def test_if_missing_policy_chain(tmp_path: Path) -> None:
    text = """
        if_missing = "ignore"
        [secrets]
        OWN = { if_missing = "error" }
        FILE = {}
    """
    r = resolver(tmp_path, text)
    assert r.workspace.if_missing == "ignore"
    policies = {}
    for name in ("OWN", "FILE"):
        with pytest.raises(SecretMissingError) as caught:
            r.resolve_name(name)
        policies[name] = caught.value.if_missing
    assert policies == {"OWN": "error", "FILE": "ignore"}
    forced = resolver(tmp_path, text, {"FNOX_IF_MISSING": "warn"})
    with pytest.raises(SecretMissingError) as caught:
        forced.resolve_name("OWN")
    assert caught.value.if_missing == "warn"
    fallback = resolver(tmp_path, "[secrets]\nX = {}\n", {"FNOX_IF_MISSING_DEFAULT": "error"})
    with pytest.raises(SecretMissingError) as caught:
        fallback.resolve_name("X")
    assert caught.value.if_missing == "error"


def test_default_provider_and_only_provider(tmp_path: Path) -> None:
    only = resolver(
        tmp_path, '[providers]\np = { type = "plain" }\n[secrets]\nA = { value = "v" }\n'
    )
    assert only.resolve_name("A") == "v"
    chosen = resolver(
        tmp_path,
        """
        default_provider = "q"
        [providers]
        p = { type = "vault" }
        q = { type = "plain" }
        [secrets]
        A = { value = "v" }
        """,
    )
    assert chosen.resolve_name("A") == "v"


def test_invalid_default_provider(tmp_path: Path) -> None:
    r = resolver(
        tmp_path,
        """
        default_provider = "nope"
        [providers]
        p = { type = "plain" }
        q = { type = "plain" }
        [secrets]
        A = { value = "v" }
        B = { value = "v", default = "fallback" }
        """,
    )
    with pytest.raises(ProviderError) as caught:
        r.resolve_name("A")
    assert caught.value.code == ErrorCode.PROVIDER_NOT_FOUND
    assert "default_provider 'nope'" in caught.value.message
    assert r.resolve_name("B") == "fallback"


def test_unsupported_provider_falls_back_to_default(tmp_path: Path) -> None:
    r = resolver(
        tmp_path,
        """
        [providers]
        v = { type = "vault" }
        [secrets]
        A = { provider = "v", value = "secret/a" }
        B = { provider = "v", value = "secret/b", default = "dflt" }
        """,
    )
    with pytest.raises(ProviderError) as caught:
        r.resolve_name("A")
    assert caught.value.code == ErrorCode.UNSUPPORTED
    assert r.resolve_name("B") == "dflt"


def test_sync_with_an_unsupported_provider_uses_the_main_provider(tmp_path: Path) -> None:
    r = resolver(
        tmp_path,
        """
        [providers]
        p = { type = "plain" }
        v = { type = "vault" }
        [secrets]
        A = { provider = "p", value = "main", sync = { provider = "v", value = "x" } }
        B = { provider = "p", value = "main", sync = { provider = "gone", value = "x" } }
        """,
    )
    assert r.resolve_name("A") == "main"
    assert r.resolve_name("B") == "main"


def test_profiles_see_their_own_secrets(tmp_path: Path) -> None:
    r = resolver(
        tmp_path,
        """
        [providers]
        p = { type = "plain" }
        [secrets]
        HOST = { default = "dev.example.com" }
        URL = { default = "https://${HOST}" }
        [profiles.prod.secrets]
        HOST = { provider = "p", value = "prod.example.com" }
        """,
    )
    assert r.resolve_name("URL") == "https://dev.example.com"
    assert r.resolve_name("URL", "prod") == "https://prod.example.com"


def test_resolve_all(cases: SecretResolver) -> None:
    view = cases.workspace.profiles["default"]
    results = cases.resolve_all(view.secrets)

    def result(name: str) -> str | ProviderError:
        secret = view.secret(name)
        assert secret is not None
        return results[secret.key]

    assert result("URL") == "https://api.example.com/x"
    assert isinstance(result("CYC1"), ProviderError)
    assert isinstance(result("ENVONLY"), SecretMissingError)
    assert len(results) == len(view.secrets)


def test_age_identity_from_another_provider(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    r = resolver(
        tmp_path,
        f"""
        [providers]
        keys = {{ type = "plain" }}
        age = {{ type = "age", recipients = ["{identity.to_public()}"], identity = {{ provider = "keys", value = "{identity}" }} }}
        """,
    )
    # The resolver hands its references to the registry with each request.
    age = r.registry.get(r.workspace.profiles["default"].providers["age"], r.references("default"))
    stored = age.encrypt("via identity reference")
    assert age.resolve(stored) == "via identity reference"


def test_top_level_age_key_file_is_not_used(tmp_path: Path) -> None:
    """fnox parses `age_key_file` but its age provider never reads it."""
    identity = x25519.Identity.generate()
    key = tmp_path / "key.txt"
    key.write_text(str(identity))
    r = resolver(
        tmp_path,
        f"""
        age_key_file = "{key}"
        [providers]
        age = {{ type = "age", recipients = ["{identity.to_public()}"] }}
        """,
    )
    age = r.registry.get(r.workspace.profiles["default"].providers["age"])
    with pytest.raises(ProviderError) as caught:
        age.resolve(age.encrypt("x"))
    assert caught.value.code == ErrorCode.AGE_NO_IDENTITY


def test_secret_reference_in_a_provider_field(tmp_path: Path, aws_env: dict[str, str]) -> None:
    r = resolver(
        tmp_path,
        """
        [providers]
        p = { type = "plain" }
        kms = { type = "aws-kms", key_id = "alias/x", region = { secret = "KMS_REGION" } }
        [secrets]
        KMS_REGION = { provider = "p", value = "eu-north-1" }
        """,
    )
    kms = r.registry.get(r.workspace.profiles["default"].providers["kms"], r.references("default"))
    assert kms.client().meta.region_name == "eu-north-1"


def test_identity_reference_loop(tmp_path: Path) -> None:
    a, b = x25519.Identity.generate(), x25519.Identity.generate()
    r = resolver(
        tmp_path,
        f"""
        [providers]
        a = {{ type = "age", recipients = ["{a.to_public()}"], identity = {{ provider = "b", value = "x" }} }}
        b = {{ type = "age", recipients = ["{b.to_public()}"], identity = {{ provider = "a", value = "y" }} }}
        [secrets]
        S = {{ provider = "a", value = "x" }}
        """,
    )
    with pytest.raises(ProviderError) as caught:
        r.resolve_name("S")
    assert caught.value.code == ErrorCode.CONFIG
    assert caught.value.message == (
        "References loop back on themselves: provider b → provider a → provider b."
    )


def test_two_resolvers_over_two_loads_do_not_interfere(tmp_path: Path) -> None:
    """A resolver made after another (after a reload) must not take over its references."""
    import base64

    import pyrage

    identity = x25519.Identity.generate()
    value = base64.b64encode(pyrage.encrypt(b"the value", [identity.to_public()])).decode()
    text = f"""
        [providers]
        keys = {{ type = "plain" }}
        age = {{ type = "age", recipients = ["{identity.to_public()}"], identity = {{ provider = "keys", value = "{identity}" }} }}
        [secrets]
        S = {{ provider = "age", value = "{value}" }}
        """
    registry = ProviderRegistry(environ={})
    first = SecretResolver(workspace(tmp_path, text), registry, {})
    # The reloaded file keeps the identity in a provider fnox-tui cannot use.
    reloaded = text.replace('keys = { type = "plain" }', 'keys = { type = "vault" }')
    second = SecretResolver(workspace(tmp_path, reloaded), registry, {})
    age = [r.workspace.profiles["default"].providers["age"] for r in (first, second)]
    assert registry.get(age[0]) is registry.get(age[1])  # one shared provider instance

    assert first.resolve_name("S") == "the value"  # through the first load's `keys`
    with pytest.raises(ProviderError) as caught:
        second.resolve_name("S")
    assert caught.value.code == ErrorCode.UNSUPPORTED
    assert first.resolve_name("S") == "the value"
    assert registry.context.references is None  # nothing stays bound outside a call

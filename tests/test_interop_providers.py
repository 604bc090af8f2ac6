"""fnox-tui and the real fnox binary read each other's values (KMS on moto_server, and age).

Values fnox writes (``fnox set``) resolve in fnox-tui to exactly what ``fnox get`` prints
(minus the newline ``println!`` adds); values fnox-tui encrypts, written into the file by hand,
are read back by ``fnox get``. The resolution rules are compared on a plain-provider file.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.resolver import SecretMissingError
from tests.fnox_binary import Fnox
from tests.interop_project import PROVIDERS, VALUES, Project
from tests.resolver_cases import CONFIG, ENVIRON, EXPECTED, MISSING


@pytest.mark.fnox
@pytest.mark.moto_server
@pytest.mark.parametrize("provider", PROVIDERS)
def test_fnox_set_then_fnox_tui_resolves(fnox_project: Project, provider: str) -> None:
    for name, value in VALUES.items():
        fnox_project.set(f"{name}_{provider}".upper(), value, provider)
    resolver = fnox_project.resolver()
    for name, value in VALUES.items():
        key = f"{name}_{provider}".upper()
        printed = fnox_project.get(key)
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout == value + "\n"
        assert resolver.resolve_name(key) == value


@pytest.mark.fnox
@pytest.mark.moto_server
@pytest.mark.parametrize("provider", PROVIDERS)
def test_fnox_tui_encrypts_then_fnox_gets(fnox_project: Project, provider: str) -> None:
    resolver = fnox_project.resolver()
    definition = resolver.workspace.profiles["default"].providers[provider]
    encrypter = resolver.registry.get(definition)
    for name, value in VALUES.items():
        key = f"OURS_{name}_{provider}".upper()
        fnox_project.append(
            f'{key} = {{ provider = "{provider}", value = "{encrypter.encrypt(value)}" }}'
        )
    for name, value in VALUES.items():
        printed = fnox_project.get(f"OURS_{name}_{provider}".upper())
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout == value + "\n"


@pytest.mark.fnox
@pytest.mark.moto_server
@pytest.mark.parametrize("provider", PROVIDERS)
def test_tampered_value_is_corrupt_for_both(fnox_project: Project, provider: str) -> None:
    fnox_project.set("VICTIM", "original value", provider)
    stored = fnox_project.stored("VICTIM")
    data = bytearray(base64.b64decode(stored))
    data[len(data) // 2 + 8] ^= 0x01
    tampered = base64.b64encode(bytes(data)).decode()
    text = fnox_project.config.read_text().replace(stored, tampered)
    fnox_project.config.write_text(text)
    assert fnox_project.get("VICTIM").returncode != 0
    with pytest.raises(ProviderError) as caught:
        fnox_project.resolver().resolve_name("VICTIM")
    assert caught.value.code == ErrorCode.CORRUPT_VALUE
    assert "original value" not in str(caught.value) + caught.value.detail


@pytest.mark.fnox
@pytest.mark.moto_server
def test_kms_request_count(fnox_project: Project) -> None:
    fnox_project.set("COUNTED", "value", "kms")
    resolver = fnox_project.resolver()
    resolver.resolve_name("COUNTED")
    resolver.resolve_name("COUNTED")
    assert resolver.registry.stats.kms_requests == 2


@pytest.fixture
def cases_project(fnox: Fnox, tmp_path: Path) -> Project:
    root = tmp_path / "cases"
    root.mkdir()
    (root / "fnox.toml").write_text(CONFIG.lstrip())
    return Project(fnox, root, dict(ENVIRON))


@pytest.mark.fnox
@pytest.mark.parametrize("name", [*EXPECTED, *MISSING])
def test_resolution_rules_match_fnox(cases_project: Project, name: str) -> None:
    printed = cases_project.get(name)
    resolver = cases_project.resolver()
    expected = EXPECTED.get(name, "")
    if name in MISSING:
        assert printed.returncode == 0 and printed.stdout == ""
        with pytest.raises(SecretMissingError) as caught:
            resolver.resolve_name(name)
        assert caught.value.if_missing == "warn"
    elif expected is None:
        assert printed.returncode != 0
        with pytest.raises(ProviderError):
            resolver.resolve_name(name)
    else:
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout == expected + "\n"
        assert resolver.resolve_name(name) == expected

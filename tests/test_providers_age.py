"""The age provider: encryption format, identity lookup in fnox's order, every error."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pyrage
import pytest
from pyrage import ssh, x25519

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.age import AgeProvider
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from tests.provider_defs import provider_def

SECRET = "s3cret value ✓"


class Keys:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.mine = x25519.Identity.generate()
        self.other = x25519.Identity.generate()

    def recipient(self, identity: Any) -> str:
        return str(identity.to_public())

    def key_file(self, name: str, *identities: Any, comments: bool = True) -> Path:
        lines = []
        for identity in identities:
            if comments:
                lines += [
                    "# created: 2026-01-01T00:00:00Z",
                    f"# public key: {identity.to_public()}",
                ]
            lines.append(str(identity))
        path = self.tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
        return path


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return Keys(tmp_path)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    return home


def age(
    keys: Keys,
    environ: dict[str, str],
    *,
    recipients: list[str] | None = None,
    cwd: Path | None = None,
    config: Path | None = None,
    **fields: Any,
) -> AgeProvider:
    recipients = [keys.recipient(keys.mine)] if recipients is None else recipients
    registry = ProviderRegistry(environ=environ, cwd=cwd or keys.tmp_path)
    definition = provider_def(
        "age", "age", path=config or keys.tmp_path / "project" / "fnox.toml", recipients=recipients,
        **fields,
    )  # fmt: skip
    provider = registry.get(definition)
    assert isinstance(provider, AgeProvider)
    return provider


def isolated(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "FNOX_CONFIG_DIR": str(home / ".config" / "fnox"), **extra}


def test_value_is_binary_age_in_one_base64_line(keys: Keys, home: Path) -> None:
    stored = age(keys, isolated(home)).encrypt(SECRET)
    assert "\n" not in stored and len(stored) % 4 == 0
    data = base64.b64decode(stored, validate=True)
    assert data.startswith(b"age-encryption.org/v1\n-> X25519 ")
    assert pyrage.decrypt(data, [keys.mine]) == SECRET.encode()


@pytest.mark.parametrize(
    "plaintext",
    ["ascii", "ünïcödé 秘密", "a\nb\r\nc\n", "q\"u'o\\te", "x" * 100_000],
    ids=["ascii", "unicode", "newlines", "quotes", "large"],
)
def test_round_trip(keys: Keys, home: Path, plaintext: str) -> None:
    key_file = keys.key_file("key.txt", keys.mine)
    provider = age(keys, isolated(home, FNOX_AGE_KEY_FILE=str(key_file)))
    assert provider.resolve(provider.encrypt(plaintext)) == plaintext


def test_every_recipient_can_decrypt(keys: Keys, home: Path) -> None:
    recipients = [keys.recipient(keys.mine), keys.recipient(keys.other)]
    stored = age(keys, isolated(home), recipients=recipients).encrypt(SECRET)
    for identity in (keys.mine, keys.other):
        environ = isolated(home, FNOX_AGE_KEY=str(identity))
        assert age(keys, environ, recipients=recipients).resolve(stored) == SECRET


def _ssh_key(tmp_path: Path, kind: str) -> tuple[Path, str]:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    path = tmp_path / f"id_{kind}"
    extra = ["-b", "2048"] if kind == "rsa" else []
    subprocess.run(
        ["ssh-keygen", "-q", "-t", kind, *extra, "-N", "", "-C", "me@host", "-f", str(path)],
        check=True,
    )
    return path, path.with_suffix(".pub").read_text().strip()


@pytest.mark.parametrize("kind", ["ed25519", "rsa"])
def test_ssh_keys(keys: Keys, home: Path, kind: str) -> None:
    private, public = _ssh_key(keys.tmp_path, kind)
    provider = age(keys, isolated(home), recipients=[public], key_file=str(private))
    stored = provider.encrypt(SECRET)
    assert base64.b64decode(stored).startswith(f"age-encryption.org/v1\n-> ssh-{kind}".encode())
    assert provider.resolve(stored) == SECRET
    result = provider.check()
    assert result.ok and result.badge == "✓ Identity matches"
    facts = dict(result.facts)
    assert facts["Public key"] == " ".join(public.split()[:2])
    assert facts["Identity"].startswith(f"key_file {private}")


def test_passphrase_protected_ssh_key(keys: Keys, home: Path) -> None:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    path = keys.tmp_path / "id_locked"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "pw", "-f", str(path)], check=True)
    public = path.with_suffix(".pub").read_text().strip()
    provider = age(keys, isolated(home), recipients=[public], key_file=str(path))
    with pytest.raises(ProviderError) as caught:
        provider.resolve(provider.encrypt(SECRET))
    assert caught.value.code == ErrorCode.AGE_BAD_IDENTITY
    assert caught.value.message == (
        f"The SSH key in key_file {path} (from [providers.age]) is protected by a passphrase, "
        "which fnox-tui cannot ask for."
    )


# Identity lookup order: FNOX_AGE_KEY, identity, key_file, FNOX_AGE_KEY_FILE, age.txt.


def test_fnox_age_key_comes_first(keys: Keys, home: Path) -> None:
    wrong = keys.key_file("wrong.txt", keys.other)
    environ = isolated(home, FNOX_AGE_KEY=str(keys.mine), FNOX_AGE_KEY_FILE=str(wrong))
    provider = age(keys, environ, key_file=str(wrong))
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET
    assert provider.identities().source.description == "the environment variable FNOX_AGE_KEY"


def test_key_file_is_relative_to_the_declaring_file(keys: Keys, home: Path) -> None:
    keys.key_file("project/keys/age.txt", keys.mine)
    wrong = keys.key_file("wrong.txt", keys.other)
    provider = age(
        keys,
        isolated(home, FNOX_AGE_KEY_FILE=str(wrong)),  # key_file comes before it
        cwd=keys.tmp_path / "elsewhere",
        config=keys.tmp_path / "project" / "fnox.toml",
        key_file="keys/age.txt",
    )
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET
    assert provider.identities().source.path == keys.tmp_path / "project" / "keys" / "age.txt"


def test_key_file_expands_home(keys: Keys, home: Path) -> None:
    (home / ".age").mkdir()
    (home / ".age" / "k.txt").write_text(str(keys.mine) + "\n")
    provider = age(keys, isolated(home), key_file="~/.age/k.txt")
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET


def test_unreadable_key_file_stops_the_search(keys: Keys, home: Path) -> None:
    good = keys.key_file("good.txt", keys.mine)
    provider = age(keys, isolated(home, FNOX_AGE_KEY_FILE=str(good)), key_file="missing.txt")
    stored = provider.encrypt(SECRET)
    with pytest.raises(ProviderError) as caught:
        provider.resolve(stored)
    missing = keys.tmp_path / "project" / "missing.txt"
    assert caught.value.code == ErrorCode.AGE_NO_IDENTITY
    assert caught.value.message == (
        f"Cannot read the age identity file {missing}: No such file or directory."
    )
    assert "fnox does not look further" in caught.value.hint
    assert f"3. key_file {missing}" in caught.value.detail


def test_fnox_age_key_file_is_relative_to_the_working_directory(keys: Keys, home: Path) -> None:
    keys.key_file("work/k.txt", keys.mine)
    provider = age(keys, isolated(home, FNOX_AGE_KEY_FILE="k.txt"), cwd=keys.tmp_path / "work")
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET


def test_fnox_age_key_file_expands_home(keys: Keys, home: Path) -> None:
    (home / "k.txt").write_text(str(keys.mine))
    provider = age(keys, isolated(home, FNOX_AGE_KEY_FILE="~/k.txt"))
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET


@pytest.mark.parametrize("config_dir", ["FNOX_CONFIG_DIR", "XDG_CONFIG_HOME", "HOME"])
def test_default_identity_file(keys: Keys, home: Path, config_dir: str) -> None:
    environ = {"HOME": str(home)}
    if config_dir == "FNOX_CONFIG_DIR":
        environ["FNOX_CONFIG_DIR"] = str(home / "custom")
        directory = home / "custom"
    elif config_dir == "XDG_CONFIG_HOME":
        environ["XDG_CONFIG_HOME"] = str(home / "xdg")
        directory = home / "xdg" / "fnox"
    else:
        directory = home / ".config" / "fnox"
    directory.mkdir(parents=True)
    (directory / "age.txt").write_text(str(keys.mine) + "\n")
    provider = age(keys, environ)
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET
    assert provider.identities().source.path == directory / "age.txt"


def test_no_identity_lists_every_place_in_order(keys: Keys, home: Path) -> None:
    provider = age(keys, isolated(home))
    stored = provider.encrypt(SECRET)
    with pytest.raises(ProviderError) as caught:
        provider.resolve(stored)
    default = home / ".config" / "fnox" / "age.txt"
    error = caught.value
    assert error.code == ErrorCode.AGE_NO_IDENTITY
    assert error.message == "No age identity was found to decrypt with (provider age)."
    assert str(default) in error.hint and "FNOX_AGE_KEY_FILE" in error.hint
    assert error.detail == (
        "Looked, in order:\n"
        "  1. FNOX_AGE_KEY (environment): not set\n"
        "  2. `identity` in [providers.age]: not set\n"
        "  3. `key_file` in [providers.age]: not set\n"
        "  4. FNOX_AGE_KEY_FILE (environment): not set\n"
        f"  5. {default}: does not exist"
    )
    result = provider.check()
    assert not result.ok and result.badge == "✗ No identity"
    assert str(default) in dict(result.facts)["Looked in"]


def test_several_identities_and_comments(keys: Keys, home: Path) -> None:
    key_file = keys.key_file("many.txt", keys.other, keys.mine)
    provider = age(keys, isolated(home, FNOX_AGE_KEY_FILE=str(key_file)))
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET
    found = provider.identities()
    assert found.public_keys == [keys.recipient(keys.other), keys.recipient(keys.mine)]


def test_identity_that_does_not_match(keys: Keys, home: Path) -> None:
    wrong = keys.key_file("wrong.txt", keys.other)
    provider = age(keys, isolated(home, FNOX_AGE_KEY_FILE=str(wrong)))
    stored = provider.encrypt(SECRET)
    with pytest.raises(ProviderError) as caught:
        provider.resolve(stored)
    error = caught.value
    assert error.code == ErrorCode.AGE_IDENTITY_MISMATCH
    assert error.message == (
        f"The age identity from FNOX_AGE_KEY_FILE {wrong} cannot decrypt this value: it was "
        "encrypted to other recipients."
    )
    assert keys.recipient(keys.other) in error.detail
    assert keys.recipient(keys.mine) in error.detail
    assert str(keys.other) not in error.detail  # never the private key
    result = provider.check()
    assert not result.ok and result.badge == "✗ Identity matches no recipient"
    assert dict(result.facts)["Public key"] == keys.recipient(keys.other)


def test_check_identity_matches(keys: Keys, home: Path) -> None:
    key_file = keys.key_file("key.txt", keys.mine)
    result = age(keys, isolated(home, FNOX_AGE_KEY_FILE=str(key_file))).check()
    assert result.ok and result.badge == "✓ Identity matches"
    facts = dict(result.facts)
    assert facts["Identity"] == f"FNOX_AGE_KEY_FILE {key_file}"
    assert facts["Public key"] == keys.recipient(keys.mine)
    assert facts["Recipient count"] == "1"
    assert str(keys.mine) not in str(result.facts)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("not base64 at all!", "it is not base64"),
        (base64.b64encode(b"just some bytes").decode(), "it is not a valid age file"),
    ],
)
def test_malformed_values(keys: Keys, home: Path, value: str, reason: str) -> None:
    provider = age(keys, isolated(home, FNOX_AGE_KEY=str(keys.mine)))
    with pytest.raises(ProviderError) as caught:
        provider.resolve(value)
    assert caught.value.code == ErrorCode.CORRUPT_VALUE
    assert caught.value.message == (
        f"The stored value is corrupt or is not age-encrypted ({reason})."
    )
    assert "fnox set" in caught.value.hint


def test_tampered_value(keys: Keys, home: Path) -> None:
    provider = age(keys, isolated(home, FNOX_AGE_KEY=str(keys.mine)))
    data = bytearray(base64.b64decode(provider.encrypt(SECRET)))
    data[-3] ^= 0x01
    with pytest.raises(ProviderError) as caught:
        provider.resolve(base64.b64encode(bytes(data)).decode())
    assert caught.value.code == ErrorCode.CORRUPT_VALUE
    assert SECRET not in str(caught.value) + caught.value.detail


def test_decrypted_bytes_that_are_not_utf8(keys: Keys, home: Path) -> None:
    stored = base64.b64encode(pyrage.encrypt(b"\xff\xfe", [keys.mine.to_public()])).decode()
    with pytest.raises(ProviderError) as caught:
        age(keys, isolated(home, FNOX_AGE_KEY=str(keys.mine))).resolve(stored)
    assert caught.value.code == ErrorCode.NOT_UTF8
    assert caught.value.message == "The value decrypted by age is not UTF-8 text."


def test_plaintext_that_is_not_utf8(keys: Keys, home: Path) -> None:
    with pytest.raises(ProviderError) as caught:
        age(keys, isolated(home)).encrypt("\udcff")
    assert caught.value.code == ErrorCode.NOT_UTF8


def test_empty_fnox_age_key(keys: Keys, home: Path) -> None:
    """fnox uses FNOX_AGE_KEY even when it is empty (and then fails)."""
    good = keys.key_file("good.txt", keys.mine)
    provider = age(keys, isolated(home, FNOX_AGE_KEY="", FNOX_AGE_KEY_FILE=str(good)))
    with pytest.raises(ProviderError) as caught:
        provider.resolve(provider.encrypt(SECRET))
    assert caught.value.code == ErrorCode.AGE_BAD_IDENTITY
    assert caught.value.message == "The environment variable FNOX_AGE_KEY holds no age identity."


def test_bad_identity_line_is_reported_without_its_text(keys: Keys, home: Path) -> None:
    path = keys.tmp_path / "bad.txt"
    path.write_text(f"# comment\n{keys.mine}\nAGE-SECRET-KEY-1NOTAKEYATALL\n")
    provider = age(keys, isolated(home, FNOX_AGE_KEY_FILE=str(path)))
    with pytest.raises(ProviderError) as caught:
        provider.resolve(provider.encrypt(SECRET))
    assert caught.value.message == f"Line 3 of FNOX_AGE_KEY_FILE {path} is not an age identity."
    assert "NOTAKEY" not in str(caught.value)


def test_plugin_identities_only(keys: Keys, home: Path) -> None:
    path = keys.tmp_path / "plugin.txt"
    path.write_text("AGE-PLUGIN-YUBIKEY-1QQQQQQ\n")
    with pytest.raises(ProviderError) as caught:
        age(keys, isolated(home, FNOX_AGE_KEY_FILE=str(path))).identities()
    assert caught.value.code == ErrorCode.AGE_BAD_IDENTITY
    assert "plugin" in caught.value.message and "fnox get" in caught.value.hint


@pytest.mark.parametrize(
    ("recipient", "expected"),
    [
        ("age1notarecipient", "is not an age (age1...) or SSH (ssh-ed25519, ssh-rsa) public key"),
        ("ssh-ed25519 AAAA", "is not an age (age1...) or SSH (ssh-ed25519, ssh-rsa) public key"),
        (
            "age1yubikey1qwla8v7cu3mx6mp79asgrh5ad2h52flwln7c66ydcyy50lg5uh0gxh4kmaz",
            "is an age plugin recipient, which fnox-tui cannot encrypt to",
        ),
    ],
)
def test_bad_recipients(keys: Keys, home: Path, recipient: str, expected: str) -> None:
    recipients = [keys.recipient(keys.mine), recipient]
    with pytest.raises(ProviderError) as caught:
        age(keys, isolated(home), recipients=recipients).encrypt(SECRET)
    assert caught.value.code == ErrorCode.AGE_BAD_RECIPIENT
    assert caught.value.message.startswith("Recipient 2 of provider age (")
    assert caught.value.message.endswith(f") {expected}.")
    result = age(keys, isolated(home), recipients=recipients).check()
    assert not result.ok and result.badge == "✗ Bad recipient"


def test_no_recipients(keys: Keys, home: Path) -> None:
    with pytest.raises(ProviderError) as caught:
        age(keys, isolated(home), recipients=[]).encrypt(SECRET)
    assert caught.value.message == "Provider age has no recipients to encrypt to."
    assert caught.value.hint == 'Add recipients = ["age1..."] to [providers.age].'


def test_identity_from_itself_is_a_cycle(keys: Keys, home: Path) -> None:
    provider = age(keys, isolated(home), identity={"provider": "age", "value": "k"})
    with pytest.raises(ProviderError) as caught:
        provider.identities()
    assert caught.value.code == ErrorCode.CONFIG
    assert caught.value.message == "Provider age takes its identity from itself."


def test_identity_reference_needs_a_resolver(keys: Keys, home: Path) -> None:
    provider = age(keys, isolated(home), identity={"provider": "vault", "value": "k"})
    with pytest.raises(ProviderError) as caught:
        provider.identities()
    assert caught.value.code == ErrorCode.CONFIG
    assert "provider vault" in caught.value.message


class _References:
    def __init__(self, text: str) -> None:
        self.text = text
        self.calls: list[tuple[str, str]] = []

    def secret_value(self, owner: ProviderDef, name: str) -> str:
        raise AssertionError("not used")

    def provider_value(self, owner: ProviderDef, provider: str, value: str) -> str:
        self.calls.append((provider, value))
        return self.text


def test_identity_reference_is_resolved_by_the_other_provider(keys: Keys, home: Path) -> None:
    provider = age(keys, isolated(home), identity={"provider": "keychain", "value": "age-key"})
    references = _References(str(keys.mine))
    provider._context.references = references
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET
    assert references.calls == [("keychain", "age-key")]
    assert provider.identities().source.description == (
        "`identity` from provider keychain (age-key)"
    )


def test_ssh_identity_via_fnox_age_key(keys: Keys, home: Path) -> None:
    private, public = _ssh_key(keys.tmp_path, "ed25519")
    environ = isolated(home, FNOX_AGE_KEY=private.read_text())
    provider = age(keys, environ, recipients=[public])
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET


def test_x25519_and_ssh_recipients_together(keys: Keys, home: Path) -> None:
    private, public = _ssh_key(keys.tmp_path, "ed25519")
    recipients = [keys.recipient(keys.mine), public]
    stored = age(keys, isolated(home), recipients=recipients).encrypt(SECRET)
    assert pyrage.decrypt(base64.b64decode(stored), [keys.mine]) == SECRET.encode()
    identity = ssh.Identity.from_buffer(private.read_bytes())
    assert pyrage.decrypt(base64.b64decode(stored), [identity]) == SECRET.encode()

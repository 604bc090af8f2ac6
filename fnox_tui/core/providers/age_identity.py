"""Finding and reading the age identity, in fnox's order, and saying where it came from.

fnox (age.rs) looks, first found wins: ``FNOX_AGE_KEY`` (the key text), the provider's
``identity = { provider, value }`` (the key text kept by another provider), ``key_file``
(relative to the file declaring the provider, ``~`` expanded), ``FNOX_AGE_KEY_FILE`` (relative
to the working directory, ``~`` expanded), then ``$FNOX_CONFIG_DIR/age.txt``. A named file that
cannot be read is an error; fnox does not go on looking. The top-level ``age_key_file`` setting
is accepted by fnox's parser but not used for decryption, so it is not consulted here either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage
from pyrage import ssh, x25519

from fnox_tui.core.discovery import expand_home, global_config_dir, resolve_relative
from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.providers.fields import config_error, provider_table
from fnox_tui.core.providers.ssh_keys import is_ssh_private_key, openssh_public_key
from fnox_tui.core.small_files import UnsuitableFileError, is_present, read_small_file, size_text

# An identity file holds a few lines (an SSH key a few KiB): anything larger is not one.
MAX_IDENTITY_FILE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class IdentitySource:
    """Where an identity was found: a description for people, and the file if any."""

    description: str
    path: Path | None = None


@dataclass(slots=True)
class Identities:
    """The identities read from one source, with their public keys ("" when unknown)."""

    source: IdentitySource
    identities: list[Any]
    public_keys: list[str]
    plugin_lines: int = 0


@dataclass(slots=True)
class _Search:
    looked: list[str] = field(default_factory=list)

    def detail(self) -> str:
        return "Looked, in order:\n" + "\n".join(
            f"  {n}. {place}" for n, place in enumerate(self.looked, 1)
        )


def find_identity(definition: ProviderDef, context: ProviderContext) -> Identities:
    """The identities fnox would decrypt with. Raises ProviderError saying where it looked."""
    source, text = _find_text(definition, context)
    return parse_identities(text, source)


def _find_text(definition: ProviderDef, context: ProviderContext) -> tuple[IdentitySource, str]:
    environ = context.environ
    search = _Search()
    table = provider_table(definition)

    key = environ.get("FNOX_AGE_KEY")
    if key is not None:
        return IdentitySource("the environment variable FNOX_AGE_KEY"), key
    search.looked.append("FNOX_AGE_KEY (environment): not set")

    reference = definition.fields.get("identity")
    if reference is not None:
        return _identity_reference(definition, reference, context)
    search.looked.append(f"`identity` in {table}: not set")

    key_file = definition.fields.get("key_file")
    if isinstance(key_file, str):
        path = resolve_relative(key_file, definition.location.path.parent, environ)
        source = IdentitySource(f"key_file {path} (from {table})", path)
        return source, _read(path, source, search)
    search.looked.append(f"`key_file` in {table}: not set")

    env_file = environ.get("FNOX_AGE_KEY_FILE")
    if env_file:
        path = expand_home(env_file, environ)
        path = path if path.is_absolute() else context.cwd / path
        source = IdentitySource(f"FNOX_AGE_KEY_FILE {path}", path)
        return source, _read(path, source, search)
    search.looked.append("FNOX_AGE_KEY_FILE (environment): not set")

    default = global_config_dir(environ) / "age.txt"
    if is_present(default):
        source = IdentitySource(f"the default identity file {default}", default)
        return source, _read(default, source, search)
    search.looked.append(f"{default}: does not exist")
    raise ProviderError(
        f"No age identity was found to decrypt with (provider {definition.name}).",
        hint=f"Put your age key in {default}, set FNOX_AGE_KEY_FILE, or add "
        f'key_file = "PATH" to {table}.',
        detail=search.detail(),
        code=ErrorCode.AGE_NO_IDENTITY,
    )


def _identity_reference(
    definition: ProviderDef, reference: Any, context: ProviderContext
) -> tuple[IdentitySource, str]:
    table = provider_table(definition)
    if not (
        isinstance(reference, dict)
        and isinstance(reference.get("provider"), str)
        and isinstance(reference.get("value"), str)
    ):
        raise config_error(
            definition,
            f"`identity` of provider {definition.name} must be "
            '{ provider = "NAME", value = "..." }.',
            hint=f"Fix `identity` in {table}.",
        )
    provider, value = reference["provider"], reference["value"]
    if provider == definition.name:
        raise config_error(
            definition,
            f"Provider {definition.name} takes its identity from itself.",
            hint=f"Point `identity` in {table} at another provider.",
        )
    if context.references is None:
        raise config_error(
            definition,
            f"The identity of provider {definition.name} is kept by provider {provider}, "
            "which cannot be reached from here.",
            hint="Resolve it through a SecretResolver, or use `fnox get NAME`.",
        )
    text = context.references.provider_value(definition, provider, value)
    return IdentitySource(f"`identity` from provider {provider} ({value})"), text


def _read(path: Path, source: IdentitySource, search: _Search) -> str:
    """The identity file's text. Only a regular file of at most 64 KiB is read: a FIFO or
    a device named by a file from someone else must neither hang nor fill memory."""
    try:
        return read_small_file(path, MAX_IDENTITY_FILE_BYTES).decode("utf-8")
    except UnsuitableFileError as error:
        search.looked.append(f"{source.description}: {error.reason}")
        limit = size_text(MAX_IDENTITY_FILE_BYTES)
        raise ProviderError(
            f"The age identity file {path} {error.reason}; fnox-tui reads only a regular "
            f"file of at most {limit}.",
            hint="Point it at the file age-keygen wrote (AGE-SECRET-KEY-1... lines) or at an "
            "SSH private key.",
            detail=search.detail(),
            code=ErrorCode.AGE_NO_IDENTITY,
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "unreadable"
        search.looked.append(f"{source.description}: {reason}")
        raise ProviderError(
            f"Cannot read the age identity file {path}: {reason}.",
            hint="Fix the path or the file's permissions; fnox does not look further once a "
            "key file is named.",
            detail=search.detail(),
            code=ErrorCode.AGE_NO_IDENTITY,
        ) from None


def parse_identities(text: str, source: IdentitySource) -> Identities:
    """An SSH private key, or an age identity file (comments, several keys)."""
    if is_ssh_private_key(text):
        return _ssh_identity(text, source)
    identities: list[Any] = []
    public_keys: list[str] = []
    plugins = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("AGE-PLUGIN-"):
            plugins += 1
            continue
        try:
            identity = x25519.Identity.from_str(line)
        except pyrage.IdentityError:
            raise ProviderError(
                f"Line {number} of {source.description} is not an age identity.",
                hint="An identity file holds AGE-SECRET-KEY-1... lines and # comments.",
                code=ErrorCode.AGE_BAD_IDENTITY,
            ) from None
        identities.append(identity)
        public_keys.append(str(identity.to_public()))
    if not identities:
        if plugins:
            raise ProviderError(
                f"{_capital(source.description)} holds only age plugin identities, which "
                "fnox-tui cannot use.",
                hint="Use `fnox get NAME`, which runs the age plugin.",
                code=ErrorCode.AGE_BAD_IDENTITY,
            )
        raise ProviderError(
            f"{_capital(source.description)} holds no age identity.",
            hint="It should hold an AGE-SECRET-KEY-1... line (age-keygen writes one) or an SSH "
            "private key.",
            code=ErrorCode.AGE_BAD_IDENTITY,
        )
    return Identities(source, identities, public_keys, plugins)


def _ssh_identity(text: str, source: IdentitySource) -> Identities:
    try:
        identity = ssh.Identity.from_buffer(text.encode("utf-8"))
    except pyrage.IdentityError as error:
        if "decrypted" in str(error):
            raise ProviderError(
                f"The SSH key in {source.description} is protected by a passphrase, which "
                "fnox-tui cannot ask for.",
                hint="Use `fnox get NAME`, or an age key without a passphrase.",
                code=ErrorCode.AGE_BAD_IDENTITY,
            ) from None
        raise ProviderError(
            f"{_capital(source.description)} holds an SSH private key that age cannot use.",
            hint="age accepts ssh-ed25519 and ssh-rsa keys.",
            code=ErrorCode.AGE_BAD_IDENTITY,
        ) from None
    public = openssh_public_key(text) or _sibling_public_key(source.path) or ""
    return Identities(source, [identity], [public])


def _sibling_public_key(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        data = read_small_file(path.with_name(path.name + ".pub"), MAX_IDENTITY_FILE_BYTES)
        text = data.decode("utf-8").strip()
    except (OSError, UnicodeDecodeError, UnsuitableFileError):
        return None
    return text or None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]

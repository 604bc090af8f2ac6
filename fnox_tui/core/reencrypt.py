"""What the forms run in worker threads: encrypt a value, decrypt a stored one, write a remote.

Plaintext only passes through these functions: they return ciphertext (or a remote name) and
keep nothing. Provider fields that refer to secrets (``key_id = { secret = "X" }``) resolve as
fnox resolves them, in the profile the value is written for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import ErrorCode, Provider, ProviderError
from fnox_tui.core.save_verify import ExpectedValue, plaintext_digest

if TYPE_CHECKING:
    from fnox_tui.core.resolver import SecretResolver


def empty_value_error() -> ProviderError:
    return ProviderError(
        "The value is empty.",
        hint="Enter a value; to remove the secret, delete it with d.",
        code=ErrorCode.PLAINTEXT_SIZE,
    )


def check_plaintext(provider_type: str, plaintext: str) -> None:
    """Refuse, before any call, a value the provider would refuse: empty, or over AWS KMS's
    4,096 bytes. Raises ProviderError."""
    if not plaintext:
        raise empty_value_error()
    if provider_type == "aws-kms":
        from fnox_tui.core.providers.aws_kms import check_plaintext_size
        from fnox_tui.core.providers.encoding import utf8_plaintext

        check_plaintext_size(len(utf8_plaintext(plaintext)))


def provider_for(resolver: SecretResolver, definition: ProviderDef, profile: str) -> Provider:
    """The provider of ``definition`` as ``profile`` sees it (its references resolved there)."""
    return resolver.registry.get(definition, resolver.references(profile))


def encrypt_value(
    resolver: SecretResolver, definition: ProviderDef, profile: str, plaintext: str
) -> str:
    """The value to store for ``plaintext`` with this provider, as ``profile`` sees it."""
    check_plaintext(definition.type, plaintext)
    return provider_for(resolver, definition, profile).encrypt(plaintext)


@dataclass(frozen=True, slots=True, repr=False)
class Sealed:
    """A value encrypted for a provider, with the keyed digest of the plaintext it was made
    from (see :mod:`fnox_tui.core.save_verify`): what a form stages, and what the value read
    back after the save must decrypt to. The plaintext itself is not kept."""

    ciphertext: str
    digest: bytes

    def expect(self, entry: EntryId, *, profile: str, provider: str) -> ExpectedValue:
        """What ``entry`` must decrypt to after the save, through ``provider`` as ``profile``
        defines it."""
        return ExpectedValue(entry, self.digest, profile, provider)

    def __repr__(self) -> str:
        return f"Sealed({len(self.ciphertext)} characters)"


def seal_value(
    resolver: SecretResolver, definition: ProviderDef, profile: str, plaintext: str
) -> Sealed:
    """:func:`encrypt_value`, with the digest of ``plaintext`` to verify the save with."""
    ciphertext = encrypt_value(resolver, definition, profile, plaintext)
    return Sealed(ciphertext, plaintext_digest(plaintext))


def stored_plaintext(
    resolver: SecretResolver, provider: ProviderDef | None, profile: str, value: str | None
) -> str:
    """The plaintext of a stored ``value`` through ``provider``, as ``profile`` sees it.

    What a copy re-encrypts: not the sync cache, a default, the environment, nor the part a
    ``json_path`` or ``line`` picks (the copy keeps those fields).
    """
    if value is None or provider is None:
        raise ProviderError(
            f"There is no stored value to copy in profile {profile}.", code=ErrorCode.MISSING
        )
    return provider_for(resolver, provider, profile).resolve(value)


def copy_value(
    resolver: SecretResolver,
    source: tuple[ProviderDef | None, str, str | None],
    target: ProviderDef,
    target_profile: str,
) -> str:
    """Decrypt a stored value (``source``: its provider, profile and value) and encrypt it for
    ``target`` in ``target_profile``."""
    return copy_sealed(resolver, source, target, target_profile).ciphertext


def copy_sealed(
    resolver: SecretResolver,
    source: tuple[ProviderDef | None, str, str | None],
    target: ProviderDef,
    target_profile: str,
) -> Sealed:
    """:func:`copy_value`, with the digest of the copied plaintext to verify the save with."""
    plaintext = stored_plaintext(resolver, *source)
    return seal_value(resolver, target, target_profile, plaintext)


def put_remote(
    resolver: SecretResolver, definition: ProviderDef, profile: str, value: str, plaintext: str
) -> str:
    """Write ``plaintext`` as the remote secret that ``value`` names (aws-sm, aws-ps); returns
    the remote name as messages show it."""
    if not plaintext:
        raise empty_value_error()
    provider: Any = provider_for(resolver, definition, profile)
    put = getattr(provider, "put_value", None)
    if put is None:
        raise ProviderError(
            f"fnox-tui cannot write values to provider {definition.name} ({definition.type}).",
            hint=f"Use `fnox set NAME --provider {definition.name}`.",
            code=ErrorCode.UNSUPPORTED,
        )
    return str(put(value, plaintext))

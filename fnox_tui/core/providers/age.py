"""The ``age`` provider: values are binary age files, base64 in the file."""

from __future__ import annotations

from typing import Any

import pyrage
from pyrage import ssh, x25519

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.age_identity import Identities, find_identity
from fnox_tui.core.providers.base import CheckResult, ErrorCode, ProviderError
from fnox_tui.core.providers.checks import failed_badge, failure, ok_badge
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.providers.encoding import (
    b64decode_strict,
    b64encode,
    decode_utf8,
    utf8_plaintext,
)
from fnox_tui.core.providers.fields import list_field, provider_table

_PROBE = b"fnox-tui identity probe"


class AgeProvider:
    def __init__(self, definition: ProviderDef, context: ProviderContext) -> None:
        self.definition = definition
        self._context = context

    @property
    def recipients(self) -> list[str]:
        return list_field(self.definition, "recipients")

    def parsed_recipients(self) -> list[Any]:
        texts = self.recipients
        if not texts:
            raise ProviderError(
                f"Provider {self.definition.name} has no recipients to encrypt to.",
                hint=f'Add recipients = ["age1..."] to {provider_table(self.definition)}.',
                code=ErrorCode.AGE_BAD_RECIPIENT,
            )
        return [self._recipient(number, text) for number, text in enumerate(texts, 1)]

    def _recipient(self, number: int, text: str) -> Any:
        stripped = text.strip()
        try:
            return ssh.Recipient.from_str(stripped)
        except pyrage.RecipientError:
            pass
        try:
            return x25519.Recipient.from_str(stripped)
        except pyrage.RecipientError:
            pass
        # A native recipient is "age1" + Bech32 data, which never holds a "1"; a plugin
        # recipient's prefix is "age1NAME1".
        if stripped.startswith("age1") and "1" in stripped[4:]:
            what = "is an age plugin recipient, which fnox-tui cannot encrypt to"
            hint = "Use `fnox set NAME --provider ...`, which runs the age plugin."
        else:
            what = "is not an age (age1...) or SSH (ssh-ed25519, ssh-rsa) public key"
            hint = f"Fix it in {provider_table(self.definition)}."
        raise ProviderError(
            f"Recipient {number} of provider {self.definition.name} ({_short(stripped)}) {what}.",
            hint=hint,
            code=ErrorCode.AGE_BAD_RECIPIENT,
        )

    def encrypt(self, plaintext: str) -> str:
        recipients = self.parsed_recipients()
        data = utf8_plaintext(plaintext)
        try:
            return b64encode(pyrage.encrypt(data, recipients))
        except pyrage.EncryptError as error:
            raise ProviderError(
                f"age could not encrypt for provider {self.definition.name}.",
                hint="Check the recipients.",
                detail=str(error),
                code=ErrorCode.AGE_BAD_RECIPIENT,
            ) from None

    def identities(self) -> Identities:
        return find_identity(self.definition, self._context)

    def resolve(self, value: str) -> str:
        data = b64decode_strict(value)
        is_base64 = data is not None
        if data is None:  # fnox, too, falls back to the raw bytes
            data = value.encode("utf-8", "surrogateescape")
        found = self.identities()
        try:
            plaintext = pyrage.decrypt(data, found.identities)
        except pyrage.DecryptError as error:
            if "No matching keys" in str(error):
                raise self._mismatch(found) from None
            reason = "it is not base64" if not is_base64 else "it is not a valid age file"
            raise ProviderError(
                f"The stored value is corrupt or is not age-encrypted ({reason}).",
                hint="Set the secret again (`fnox set NAME --provider ...`), or restore the "
                "value from version control.",
                detail=str(error),
                code=ErrorCode.CORRUPT_VALUE,
            ) from None
        return decode_utf8(plaintext, "age")

    def _mismatch(self, found: Identities) -> ProviderError:
        keys = [key or "(public key unknown)" for key in found.public_keys]
        detail = "Identities tried:\n" + "\n".join(f"  {key}" for key in keys)
        if self.recipients:
            detail += "\nRecipients of the provider now:\n" + "\n".join(
                f"  {r}" for r in self.recipients
            )
        return ProviderError(
            f"The age identity from {found.source.description} cannot decrypt this value: it "
            "was encrypted to other recipients.",
            hint="Use the identity of one of its recipients (FNOX_AGE_KEY_FILE or key_file), or "
            "ask someone who can decrypt it to re-encrypt it to you (`fnox reencrypt`).",
            detail=detail,
            code=ErrorCode.AGE_IDENTITY_MISMATCH,
        )

    def matching_recipients(self, found: Identities) -> list[str]:
        """The provider's recipients that one of ``found``'s identities can decrypt for."""
        matches = []
        for text in self.recipients:
            try:
                recipient = self._recipient(0, text)
                probe = pyrage.encrypt(_PROBE, [recipient])
                if pyrage.decrypt(probe, found.identities) == _PROBE:
                    matches.append(text)
            except (ProviderError, pyrage.EncryptError, pyrage.DecryptError):
                continue
        return matches

    def check(self) -> CheckResult:
        facts: list[tuple[str, str]] = [("Recipient count", str(len(self.recipients)))]
        try:
            self.parsed_recipients()
            found = self.identities()
        except ProviderError as error:
            if error.detail and error.code == ErrorCode.AGE_NO_IDENTITY:
                facts.append(("Looked in", error.detail.split("\n", 1)[-1].strip()))
            return failure(error, facts)
        keys = ", ".join(key or "unknown" for key in found.public_keys)
        facts += [("Identity", found.source.description), ("Public key", keys)]
        matches = self.matching_recipients(found)
        if matches:
            facts.append(("Matches recipient", ", ".join(_short(m) for m in matches)))
            return CheckResult(ok=True, badge=ok_badge("Identity matches"), facts=facts)
        facts.append(
            (
                "Matches recipient",
                "none: values encrypted by this provider cannot be decrypted with this identity",
            )
        )
        return CheckResult(
            ok=False, badge=failed_badge("Identity matches no recipient"), facts=facts
        )


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 12] + "…" + text[-11:]
